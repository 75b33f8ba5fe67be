"""Results pages: the programme's results (the dashboard the donor report matches), the framework,
and donor reports (PDF now or in the background, CSV and XLSX)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core import files
from shamy.core.exports import csv_response, xlsx_response
from shamy.core.replicas import replica_reads
from shamy.core.rules import allowed, checked, requires
from shamy.programmes.models import Programme
from shamy.results.figures import programme_figures
from shamy.results.forms import IndicatorForm, PeriodForm, ReportRequestForm, default_period_initial
from shamy.results.models import DonorReport, ReportStatus, ResultsIndicator
from shamy.results.permissions import may_open_results
from shamy.results.report import figure_rows, render_pdf
from shamy.results.selectors import readable_programmes, recent_reports
from shamy.results.services.framework import indicator_create, indicator_delete
from shamy.results.services.reports import report_request


def _form_errors(form: IndicatorForm | ReportRequestForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@requires(may_open_results)
def programme_index(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "results/index.html", {"programmes": readable_programmes(actor=request.user)})


@checked(Programme, "results", kwarg="programme_id")
def programme_results(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    period_form = PeriodForm(request.GET or None)
    period = period_form.period(programme)
    manage = allowed(request.access, programme, "define-results")
    initial = {**default_period_initial(programme), "language": translation.get_language()}
    context = {
        "programme": programme,
        "figures": programme_figures(programme=programme, period=period),
        "period": period,
        "period_form": period_form,
        "query": request.GET.urlencode(),
        "manage": manage,
        "indicator_form": IndicatorForm(programme=programme) if manage else None,
        "request_form": ReportRequestForm(initial=initial, prefix="report"),
        "reports": recent_reports(programme=programme),
    }
    return render(request, "results/programme.html", context)


@require_POST
@checked(Programme, "define-results", kwarg="programme_id")
def indicator_add(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = IndicatorForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("results:programme", programme_id=programme.pk)
    data = form.cleaned_data
    name = {"kk": data["name_kk"], "ru": data["name_ru"], "en": data["name_en"]}
    fields = {key: data[key] for key in ("level", "source", "target", "baseline", "question", "imported_indicator")}
    try:
        indicator_create(actor=request.user, programme=programme, name=name, **fields)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Indicator added."))
    return redirect("results:programme", programme_id=programme.pk)


@require_POST
@checked(ResultsIndicator, "manage", kwarg="indicator_id", name="indicator")
def indicator_remove(request: AuthedHttpRequest, indicator: ResultsIndicator) -> HttpResponse:
    indicator_delete(actor=request.user, indicator=indicator)
    return redirect("results:programme", programme_id=indicator.programme_id)


@checked(Programme, "results", kwarg="programme_id")
def report_pdf(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    """The donor report for the period in the query, rendered now, in the chosen language."""
    period = PeriodForm(request.GET or None).period(programme)
    language = request.GET.get("language") or translation.get_language() or "kk"
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = "kk"
    response = HttpResponse(
        render_pdf(programme=programme, period=period, language=language), content_type="application/pdf"
    )
    name = f"{slugify(programme.name_en or 'programme')}-{period.starts_on}-{period.ends_on}-{language}.pdf"
    response["Content-Disposition"] = files.content_disposition(name)
    return response


@replica_reads  # an export is a heavy read: the replica when there is one
@checked(Programme, "results", kwarg="programme_id")
def report_export(request: AuthedHttpRequest, programme: Programme, fmt: str) -> HttpResponse:
    figures = programme_figures(programme=programme, period=PeriodForm(request.GET or None).period(programme))
    header, rows = figure_rows(figures)
    filename = f"results-{programme.pk}-{figures.period.starts_on}-{figures.period.ends_on}"
    if fmt == "xlsx":
        note = _("Figures computed from fewer than %(n)s people are suppressed.") % {"n": figures.threshold}
        return xlsx_response(header, rows, filename, note=note)
    return csv_response(header, rows, filename)


@require_POST
@checked(Programme, "results", kwarg="programme_id")
def report_request_view(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = ReportRequestForm(request.POST, prefix="report")
    if form.is_valid():
        report_request(actor=request.user, programme=programme, **form.cleaned_data)
        messages.success(request, _("The report is being prepared; it appears in the list when ready."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("results:programme", programme_id=programme.pk)


@checked(DonorReport, "view", kwarg="report_id", name="report")
def report_download(request: AuthedHttpRequest, report: DonorReport) -> FileResponse:
    if report.status != ReportStatus.READY:
        raise Http404
    return files.file_response(report, report.pdf, content_type="application/pdf")
