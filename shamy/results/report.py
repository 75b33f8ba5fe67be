"""The donor report: one HTML template for the PDF (WeasyPrint), and the figures as rows for CSV
and XLSX. Both read :func:`shamy.results.figures.programme_figures`, like the results page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shamy.programmes.models import Programme
from shamy.results.charts import bar_chart
from shamy.results.figures import Figure, Period, ProgrammeFigures, display, programme_figures


def report_context(figures: ProgrammeFigures) -> dict[str, Any]:
    return {
        "figures": figures,
        "programme": figures.programme,
        "period": figures.period,
        "generated": timezone.localtime(),
        "activity_chart": bar_chart(
            [(label, figure.value if figure.shown else None) for label, figure in figures.activities()[:2]]
        ),
    }


def report_html(*, programme: Programme, period: Period, language: str) -> str:
    with translation.override(language):
        figures = programme_figures(programme=programme, period=period)
        return render_to_string("results/report_pdf.html", report_context(figures))


def render_pdf(*, programme: Programme, period: Period, language: str) -> bytes:
    from weasyprint import HTML

    html = report_html(programme=programme, period=period, language=language)
    return bytes(HTML(string=html, base_url="file:///").write_pdf())


def figure_rows(figures: ProgrammeFigures) -> tuple[list[str], list[list[Any]]]:
    header = [_("Section"), _("Figure"), _("Value"), _("Source"), _("Period")]
    period = f"{figures.period.starts_on.isoformat()} – {figures.period.ends_on.isoformat()}"

    def row(section: str, label: str, figure: Figure) -> list[Any]:
        return [section, label, display(figure), str(figure.source), period]

    rows = [row(_("Reach"), label, figure) for label, figure in figures.reach()]
    rows += [row(_("Activities"), label, figure) for label, figure in figures.activities()]
    rows += [row(_("Outcomes"), label, figure) for label, figure in figures.outcomes()]
    for indicator, figure, _progress in figures.framework:
        rows.append(row(_("Results framework"), indicator.label, figure))
    return header, rows
