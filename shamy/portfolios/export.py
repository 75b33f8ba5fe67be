"""A portfolio exported as one PDF, and as a ZIP with its files (WeasyPrint).

The PDF holds the sections, the list of evidence and every photo embedded; the ZIP holds the
same PDF, an HTML copy that opens offline (its photos and links point into the archive), and
every evidence file under ``evidence/``. The language is the reader's (the request's); DejaVu
Sans covers every Kazakh letter, as on the posters.
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from shamy.portfolios.models import Evidence, EvidenceKind, Portfolio


@dataclass(frozen=True)
class ExportItem:
    """One piece of evidence as the export shows it: ``image`` is what an <img> loads (a data
    URI in the PDF, a path inside the archive in the HTML copy), ``path`` its file in the ZIP."""

    evidence: Evidence
    number: int
    path: str
    image: str


def export_name(portfolio: Portfolio) -> str:
    """A file name for the export: "portfolio-<project id>-<title>" (ASCII, for every browser)."""
    title = slugify(portfolio.project.title)[:60].strip("-")
    return f"portfolio-{portfolio.project_id}" + (f"-{title}" if title else "")


def _extension(evidence: Evidence) -> str:
    name = evidence.file.name or ""
    dot = name.rfind(".")
    return name[dot:] if dot != -1 and len(name) - dot <= 6 else ""


def _read(evidence: Evidence) -> bytes | None:
    if not evidence.file:
        return None
    try:
        with evidence.file.open("rb") as handle:
            return bytes(handle.read())
    except (FileNotFoundError, ValueError):
        return None


def _items(evidence: list[Evidence], *, inline: bool) -> tuple[list[ExportItem], dict[str, bytes]]:
    items, contents = [], {}
    for number, item in enumerate(evidence, start=1):
        data = _read(item)
        path = ""
        if data is not None:
            stem = slugify(item.title, allow_unicode=True)[:50].strip("-") or "evidence"
            path = f"evidence/{number:02d}-{stem}{_extension(item)}"
            contents[path] = data
        image = ""
        if data is not None and item.kind == EvidenceKind.PHOTO:
            image = f"data:{item.mime};base64,{base64.b64encode(data).decode()}" if inline else path
        items.append(ExportItem(evidence=item, number=number, path=path, image=image))
    return items, contents


def portfolio_html(portfolio: Portfolio, evidence: list[Evidence], *, inline: bool = True) -> str:
    """The export's HTML: photos as data URIs (``inline``, for the PDF) or as archive paths."""
    items, _contents = _items(evidence, inline=inline)
    return _render(portfolio, items, for_archive=not inline)


def _render(portfolio: Portfolio, items: list[ExportItem], *, for_archive: bool) -> str:
    numbers = {item.evidence.pk: item.number for item in items}
    sections = [
        (section, [numbers[item.pk] for item in section.evidence.all() if item.pk in numbers])
        for section in portfolio.sections.all()
    ]
    return render_to_string(
        "portfolios/portfolio_export.html",
        {
            "portfolio": portfolio,
            "project": portfolio.project,
            "sections": sections,
            "items": items,
            "for_archive": for_archive,
            "exported_at": timezone.now(),
        },
    )


def portfolio_pdf(portfolio: Portfolio, evidence: list[Evidence]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=portfolio_html(portfolio, evidence, inline=True)).write_pdf())


def portfolio_zip(portfolio: Portfolio, evidence: list[Evidence]) -> bytes:
    """portfolio.pdf, portfolio.html and evidence/NN-<title>.<ext> for each stored file."""
    from weasyprint import HTML

    inline_items, contents = _items(evidence, inline=True)
    archive_items = [
        ExportItem(evidence=item.evidence, number=item.number, path=item.path, image=item.path if item.image else "")
        for item in inline_items
    ]

    pdf = bytes(HTML(string=_render(portfolio, inline_items, for_archive=False)).write_pdf())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.pdf", pdf)
        archive.writestr("portfolio.html", _render(portfolio, archive_items, for_archive=True))
        for path, data in contents.items():
            # Photos and PDFs are compressed already: store them as they are.
            archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()
