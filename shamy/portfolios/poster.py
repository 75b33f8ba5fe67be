"""Printable conference posters (A3 or A1) and small PDFs, made with WeasyPrint.

Every poster is set in DejaVu Sans, which covers the Kazakh letters beyond Russian's
(Ә Ғ Қ Ң Ө Ұ Ү Һ І); the font is embedded in the PDF, so it prints the same anywhere.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from shamy.portfolios.models import Evidence, PublicSummary

POSTER_SIZES = ("A3", "A1")
# Type sizes in points for A3; A1 is twice as wide and tall, so everything doubles.
_A3_POINTS = {"title": 40, "subtitle": 18, "heading": 20, "body": 13, "small": 10, "qr_mm": 45, "margin_mm": 14}
# The sheet in millimetres (portrait), and the most photos a poster shows.
_SHEETS_MM = {"A3": (297, 420), "A1": (594, 841)}
MAX_POSTER_PHOTOS = 6
# The body text is set between these sizes (A3 points), as large as the sheet allows.
_BODY_MIN, _BODY_MAX = 12.0, 30.0
# Share of the sheet's height (between header and footer) the photos take at least.
_PHOTO_SHARE = 0.45
# About how tall the header is (programme, a two-line title, byline, theme).
_HEADER_MM = {"A3": 80, "A1": 160}


@dataclass(frozen=True)
class PosterPhoto:
    """A consented photo on a poster: an image source (a data URI) and its caption."""

    source: str
    caption: str


@dataclass(frozen=True)
class PosterContent:
    """What a poster shows. Only what the teacher consented to publish goes in here."""

    title: str
    author: str
    school: str
    region: str
    theme: str
    programme: str
    sections: list[tuple[str, str]] = field(default_factory=list)
    public_url: str = ""
    photos: list[PosterPhoto] = field(default_factory=list)


@dataclass(frozen=True)
class PosterLayout:
    """Sizes chosen so that the text and the photos fill the sheet (see :func:`poster_layout`)."""

    body_pt: float
    photo_columns: int
    photo_rows: int
    photo_count: int = 0


def qr_svg_data_uri(url: str) -> str:
    """A QR code for ``url`` as an SVG data URI (sharp at any print size)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _sizes(size: str) -> dict[str, int]:
    factor = 2 if size == "A1" else 1
    return {name: value * factor for name, value in _A3_POINTS.items()}


def _grid(count: int) -> tuple[int, int]:
    """(columns, rows) of the photo grid: one row up to three photos, then two rows."""
    if count == 0:
        return 0, 0
    if count <= 3:
        return count, 1
    return (2 if count == 4 else 3), 2


def poster_layout(content: PosterContent, *, size: str = "A3") -> PosterLayout:
    """The body type size that lets the text fill its share of the sheet, and the photo grid.

    The sheet is a column of fixed height (header, text, photos, footer) in which the photos
    take every millimetre the text leaves (CSS flex), so a poster with photos always reaches
    the footer; without photos the text takes the whole sheet. The type size comes from the
    text's length: a character set in ``f`` points takes about 0.55 f wide and 1.35 f high,
    plus room for headings, paragraph ends and ragged lines.
    """
    sizes = _sizes(size)
    width, height = _SHEETS_MM[size]
    text_width = width - 2 * sizes["margin_mm"]
    body_height = height - 2 * sizes["margin_mm"] - _HEADER_MM[size] - sizes["qr_mm"]
    photos = content.photos[:MAX_POSTER_PHOTOS]
    text_height = body_height * (1 - _PHOTO_SHARE) if photos else body_height
    # A heading and the end of a paragraph take about a line each (some 60 characters).
    characters = max(sum(len(heading) + len(text) + 120 for heading, text in content.sections), 1)
    area_pt = text_width * text_height * (72 / 25.4) ** 2
    body = (area_pt / (0.55 * 1.35 * 1.6 * characters)) ** 0.5
    factor = 2 if size == "A1" else 1
    if body < _BODY_MIN * factor and len(photos) > 3:
        # A long text keeps the smallest type: one row of photos leaves it the room it needs.
        photos = photos[:3]
    body = min(max(body, _BODY_MIN * factor), _BODY_MAX * factor)
    columns, rows = _grid(len(photos))
    return PosterLayout(body_pt=round(body, 1), photo_columns=columns, photo_rows=rows, photo_count=len(photos))


def _photo_rows(photos: list[PosterPhoto], columns: int) -> list[list[PosterPhoto]]:
    return [photos[start : start + columns] for start in range(0, len(photos), columns)] if columns else []


def _render(content: PosterContent, size: str, language: str, layout: PosterLayout) -> str:
    sizes = _sizes(size)
    with translation.override(language):
        return render_to_string(
            "portfolios/poster.html",
            {
                "poster": content,
                "photos": content.photos[: layout.photo_count],
                "photo_rows": _photo_rows(content.photos[: layout.photo_count], layout.photo_columns),
                "page_size": size,
                "sizes": sizes,
                "layout": layout,
                "sheet_height_mm": _SHEETS_MM[size][1] - 2 * sizes["margin_mm"],
                "gap_mm": sizes["margin_mm"] / 2,
                "qr": qr_svg_data_uri(content.public_url) if content.public_url else "",
                "language": language,
            },
        )


def poster_html(content: PosterContent, *, size: str = "A3", language: str = "kk") -> str:
    if size not in POSTER_SIZES:
        raise ValueError(f"Unknown poster size {size!r}")
    return _render(content, size, language, poster_layout(content, size=size))


def poster_pdf(content: PosterContent, *, size: str = "A3", language: str = "kk", compressed: bool = True) -> bytes:
    from weasyprint import HTML

    document = HTML(string=poster_html(content, size=size, language=language))
    return bytes(document.write_pdf(uncompressed_pdf=not compressed))


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF of plain paragraphs (demo evidence; tests)."""
    from weasyprint import HTML

    html = render_to_string("portfolios/text_document.html", {"title": title, "paragraphs": paragraphs})
    return bytes(HTML(string=html).write_pdf())


def _photo(evidence: Evidence) -> PosterPhoto | None:
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return PosterPhoto(source=f"data:{evidence.mime};base64,{base64.b64encode(data).decode()}", caption=evidence.title)


def poster_content(summary: PublicSummary, public_url: str, photos: list[Evidence] | None = None) -> PosterContent:
    """The poster shows only what the teacher consented to (name; school and region; the photos
    they allowed to publish, which the caller selects: ``selectors.public_photos``)."""
    project = summary.project
    consent = summary.consent  # a published summary always has one
    show_name = consent is not None and consent.show_name
    show_school = consent is not None and consent.show_school
    with translation.override(summary.language):
        return PosterContent(
            title=project.title,
            author=project.teacher.full_name if show_name else "",
            school=project.school.name if show_school else "",
            region=project.school.region.name if show_school else "",
            theme=project.theme.name,
            programme=project.cohort.programme.name,
            sections=[
                (heading, text)
                for heading, text in (
                    (_("The concern"), summary.summary),
                    (_("What was done"), summary.actions),
                    (_("The impact on pupils, colleagues and the school"), summary.impact),
                )
                if text
            ],
            public_url=public_url,
            photos=[photo for photo in map(_photo, (photos or [])[:MAX_POSTER_PHOTOS]) if photo is not None],
        )
