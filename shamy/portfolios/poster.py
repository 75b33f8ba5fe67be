"""Printable conference posters (A3 or A1) and small PDFs, made with WeasyPrint.

Every poster is set in DejaVu Sans, which covers the Kazakh letters beyond Russian's
(Ә Ғ Қ Ң Ө Ұ Ү Һ І); the font is embedded in the PDF, so it prints the same anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from shamy.portfolios.models import PublicSummary

POSTER_SIZES = ("A3", "A1")
# Type sizes in points for A3; A1 is twice as wide and tall, so everything doubles.
_A3_POINTS = {"title": 40, "subtitle": 18, "heading": 20, "body": 13, "small": 10, "qr_mm": 45, "margin_mm": 14}


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


def qr_svg_data_uri(url: str) -> str:
    """A QR code for ``url`` as an SVG data URI (sharp at any print size)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _sizes(size: str) -> dict[str, int]:
    factor = 2 if size == "A1" else 1
    return {name: value * factor for name, value in _A3_POINTS.items()}


def poster_html(content: PosterContent, *, size: str = "A3", language: str = "kk") -> str:
    if size not in POSTER_SIZES:
        raise ValueError(f"Unknown poster size {size!r}")
    with translation.override(language):
        return render_to_string(
            "portfolios/poster.html",
            {
                "poster": content,
                "page_size": size,
                "sizes": _sizes(size),
                "qr": qr_svg_data_uri(content.public_url) if content.public_url else "",
                "language": language,
            },
        )


def poster_pdf(content: PosterContent, *, size: str = "A3", language: str = "kk", compressed: bool = True) -> bytes:
    from weasyprint import HTML

    document = HTML(string=poster_html(content, size=size, language=language))
    return bytes(document.write_pdf(uncompressed_pdf=not compressed))


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF of plain paragraphs (demo evidence; tests)."""
    from weasyprint import HTML

    html = render_to_string("portfolios/text_document.html", {"title": title, "paragraphs": paragraphs})
    return bytes(HTML(string=html).write_pdf())


def poster_content(summary: PublicSummary, public_url: str) -> PosterContent:
    """The poster shows only what the teacher consented to (name; school and region)."""
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
        )
