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

from django.utils.translation import gettext_lazy

GEOJSON = Path(__file__).resolve().parent / "data" / "kz_regions.geojson"
WIDTH = 800.0
PADDING = 8.0

# Translated where shown (the PDF brief and SVG exports are in the reader's language).
ATTRIBUTION = gettext_lazy(
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
    # Where the region's figure is written on the map: the centroid of its largest part.
    label_x: float = 0.0
    label_y: float = 0.0


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

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - min_lon) * factor * scale + PADDING, (max_lat - lat) * scale + PADDING

    shapes = []
    for feature in features:
        parts = []
        largest: tuple[float, float, float] = (0.0, 0.0, 0.0)  # area, x, y
        for ring in _rings(feature["geometry"]):
            projected = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in projected) + "Z")
            area, cx, cy = _centroid(projected)
            if abs(area) > largest[0]:
                largest = (abs(area), cx, cy)
        properties = feature["properties"]
        shapes.append(
            RegionShape(
                kato=properties["kato"],
                name_en=properties["name_en"],
                name_kk=properties["name_kk"],
                name_ru=properties["name_ru"],
                path="".join(parts),
                label_x=round(largest[1], 1),
                label_y=round(largest[2], 1),
            )
        )
    return MapGeometry(WIDTH, round(height, 1), tuple(shapes))


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (the shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


@dataclass(frozen=True)
class RegionFrame:
    """One region drawn alone, fitted to ``width``: its outline and a projection for points in it."""

    width: float
    height: float
    path: str
    min_lon: float
    max_lat: float
    factor: float
    scale: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - self.min_lon) * self.factor * self.scale + PADDING, 1),
            round((self.max_lat - lat) * self.scale + PADDING, 1),
        )


@cache
def region_frame(kato: str, width: float = 480.0) -> RegionFrame | None:
    """The region's outline in its own frame (``None`` for a KATO code the boundaries lack)."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    feature = next((item for item in data["features"] if item["properties"]["kato"] == kato), None)
    if feature is None:
        return None
    rings = _rings(feature["geometry"])
    points = [point for ring in rings for point in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lon - min_lon) * factor, 1e-6)
    scale = (width - 2 * PADDING) / span
    height = min((max_lat - min_lat) * scale + 2 * PADDING, width * 1.4)
    if (max_lat - min_lat) * scale + 2 * PADDING > height:  # a tall region: fit its height instead
        scale = (height - 2 * PADDING) / max(max_lat - min_lat, 1e-6)
    frame = RegionFrame(width, round(height, 1), "", min_lon, max_lat, factor, scale)
    path = "".join(
        "M" + "L".join(f"{x} {y}" for x, y in (frame.project(lon, lat) for lon, lat in ring)) + "Z" for ring in rings
    )
    return RegionFrame(width, round(height, 1), path, min_lon, max_lat, factor, scale)
