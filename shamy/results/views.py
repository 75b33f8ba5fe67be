"""Results pages: the programme's results (the dashboard the donor report matches), the framework,
and donor reports (PDF now or in the background, CSV and XLSX)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.analytics.exports import csv_response, xlsx_response
from shamy.core import files
from shamy.programmes.models import Programme
from shamy.programmes.selectors import programme_get_for_user
from shamy.results.figures import programme_figures
from shamy.results.forms import IndicatorForm, PeriodForm, ReportRequestForm, default_period_initial
from shamy.results.models import DonorReport, ReportStatus, ResultsIndicator
from shamy.results.permissions import can_manage_framework, can_view_results
from shamy.results.report import figure_rows, render_pdf
from shamy.results.services.framework import indicator_create, indicator_delete
from shamy.results.services.reports import report_request

if TYPE_CHECKING:
    from shamy.access.http import AuthedHttpRequest


def _programme(request: AuthedHttpRequest, programme_id: int) -> Programme:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
    if not can_view_results(request.user, programme):
        raise PermissionDenied
    return programme


def programme_index(request: AuthedHttpRequest) -> HttpResponse:
    programmes = [p for p in Programme.objects.visible_to(request.user).order_by("-starts_on", "id")]
    readable = [p for p in programmes if can_view_results(request.user, p)]
    if not readable:
        raise PermissionDenied
    return render(request, "results/index.html", {"programmes": readable})


def programme_results(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    period_form = PeriodForm(request.GET or None)
    period = period_form.period(programme)
    figures = programme_figures(programme=programme, period=period)
    manage = can_manage_framework(request.user, programme)
    context = {
        "programme": programme,
        "figures": figures,
        "period": period,
        "period_form": period_form,
        "query": request.GET.urlencode(),
        "manage": manage,
        "indicator_form": IndicatorForm(programme=programme) if manage else None,
        "request_form": ReportRequestForm(
            initial={**default_period_initial(programme), "language": translation.get_language()}
        ),
        "reports": DonorReport.objects.filter(programme=programme).order_by("-created_at")[:10],
    }
    return render(request, "results/programme.html", context)


@require_POST
def indicator_add(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    if not can_manage_framework(request.user, programme):
        raise PermissionDenied
    form = IndicatorForm(request.POST, programme=programme)
    if form.is_valid():
        data = form.cleaned_data
        try:
            indicator_create(
                actor=request.user,
                programme=programme,
                level=data["level"],
                name={"kk": data["name_kk"], "ru": data["name_ru"], "en": data["name_en"]},
                source=data["source"],
                target=data["target"],
                baseline=data["baseline"],
                question=data["question"],
                imported_indicator=data["imported_indicator"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Indicator added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("results:programme", programme_id=programme.pk)


@require_POST
def indicator_remove(request: AuthedHttpRequest, indicator_id: int) -> HttpResponse:
    indicator = get_object_or_404(
        ResultsIndicator.objects.filter(programme__in=Programme.objects.visible_to(request.user)).select_related(
            "programme"
        ),
        pk=indicator_id,
    )
    programme = _programme(request, indicator.programme_id)
    if not can_manage_framework(request.user, programme):
        raise PermissionDenied
    indicator_delete(actor=request.user, indicator=indicator)
    return redirect("results:programme", programme_id=programme.pk)


def report_pdf(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    """The donor report for the period in the query, rendered now, in the chosen language."""
    programme = _programme(request, programme_id)
    period = PeriodForm(request.GET or None).period(programme)
    language = request.GET.get("language") or translation.get_language() or "kk"
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = "kk"
    content = render_pdf(programme=programme, period=period, language=language)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{slugify(programme.name_en or 'programme')}-{period.starts_on}-{period.ends_on}-{language}.pdf"
    response["Content-Disposition"] = files.content_disposition(name)
    return response


def report_export(request: AuthedHttpRequest, programme_id: int, fmt: str) -> HttpResponse:
    programme = _programme(request, programme_id)
    figures = programme_figures(programme=programme, period=PeriodForm(request.GET or None).period(programme))
    header, rows = figure_rows(figures)
    filename = f"results-{programme.pk}-{figures.period.starts_on}-{figures.period.ends_on}"
    if fmt == "xlsx":
        note = _("Figures computed from fewer than %(n)s people are suppressed.") % {"n": figures.threshold}
        return xlsx_response(header, rows, filename, note=note)
    return csv_response(header, rows, filename)


@require_POST
def report_request_view(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        report_request(
            actor=request.user,
            programme=programme,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("The report is being prepared; it appears in the list when ready."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("results:programme", programme_id=programme.pk)


def report_download(request: AuthedHttpRequest, report_id: int) -> FileResponse:
    report = get_object_or_404(
        DonorReport.objects.filter(programme__in=Programme.objects.visible_to(request.user)).select_related(
            "programme"
        ),
        pk=report_id,
    )
    _programme(request, report.programme_id)
    if report.status != ReportStatus.READY:
        raise Http404
    return files.file_response(report, report.pdf, content_type="application/pdf")
