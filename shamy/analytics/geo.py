"""Region boundaries projected to SVG paths on the server (no tiles, no client library).

Equirectangular projection with the longitude scaled by cos(mid-latitude), which keeps
Kazakhstan's shape recognisable at this scale. Computed once per process.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

GEOJSON = Path(__file__).resolve().parent / "data" / "kz_regions.geojson"
WIDTH = 800.0
PADDING = 8.0

# Shown on every map and brief, so in the reader's language (the same text as the dashboard's).
ATTRIBUTION = _(
    "Region boundaries: geokz by Alexander Rodionov (CC BY 4.0), based on the OCHA/HDX COD-AB for "
    "Kazakhstan. Simplified and relabelled."
)


@dataclass(frozen=True)
class RegionShape:
    kato: str
    name_en: str
    name_kk: str
    name_ru: str
    path: str


@dataclass(frozen=True)
class MapGeometry:
    width: float
    height: float
    shapes: tuple[RegionShape, ...]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@cache
def map_geometry() -> MapGeometry:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    features = data["features"]
    points = [point for feature in features for ring in _rings(feature["geometry"]) for point in ring]
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    factor = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * PADDING) / ((max_lon - min_lon) * factor)
    height = (max_lat - min_lat) * scale + 2 * PADDING

    def project(lon: float, lat: float) -> str:
        x = (lon - min_lon) * factor * scale + PADDING
        y = (max_lat - lat) * scale + PADDING
        return f"{x:.1f} {y:.1f}"

    shapes = []
    for feature in features:
        parts = []
        for ring in _rings(feature["geometry"]):
            parts.append("M" + "L".join(project(lon, lat) for lon, lat in ring) + "Z")
        properties = feature["properties"]
        shapes.append(
            RegionShape(
                kato=properties["kato"],
                name_en=properties["name_en"],
                name_kk=properties["name_kk"],
                name_ru=properties["name_ru"],
                path="".join(parts),
            )
        )
    return MapGeometry(WIDTH, round(height, 1), tuple(shapes))
