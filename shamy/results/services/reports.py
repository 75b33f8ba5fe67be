"""Donor reports: requested by a reader (or a schedule), rendered to PDF in the background."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from shamy.audit.services.entries import audit_record
from shamy.core import files
from shamy.results.figures import Period
from shamy.results.models import DonorReport, ReportStatus
from shamy.results.permissions import can_view_results

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.programmes.models import Programme

logger = logging.getLogger(__name__)


def _summary(report: DonorReport) -> dict[str, object]:
    return {
        "programme": report.programme_id,
        "starts_on": report.starts_on.isoformat(),
        "ends_on": report.ends_on.isoformat(),
        "language": report.language,
        "status": report.status,
        "pdf": report.pdf.name or "",
        "scheduled": report.scheduled,
    }


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    programme: Programme,
    starts_on: datetime.date,
    ends_on: datetime.date,
    language: str,
    scheduled: bool = False,
) -> DonorReport:
    """Ask for a donor report PDF; it is rendered by a background task after commit.

    Needs the results reader's permission, except for the schedule (``actor`` None, ``scheduled``).
    """
    if not scheduled and (actor is None or not can_view_results(actor, programme)):
        raise PermissionDenied
    report = DonorReport(
        programme=programme,
        starts_on=starts_on,
        ends_on=ends_on,
        language=language,
        requested_by=actor,
        scheduled=scheduled,
    )
    report.full_clean()
    report.save()
    audit_record(actor=actor, action="results.report.requested", target=report, after=_summary(report))
    from shamy.results.tasks import donor_report_render

    transaction.on_commit(partial(donor_report_render.enqueue, report_id=report.pk))
    return report


def report_render(report_id: int) -> None:
    """Render a requested report to PDF and store it (idempotent: a ready report is left as it is)."""
    from shamy.results.report import render_pdf

    with transaction.atomic():
        report = DonorReport.objects.select_for_update().select_related("programme").get(pk=report_id)
        if report.status == ReportStatus.READY:
            return
        try:
            content = render_pdf(
                programme=report.programme,
                period=Period(report.starts_on, report.ends_on),
                language=report.language,
            )
        except Exception:
            logger.exception("donor report %s failed", report_id)
            report.status = ReportStatus.FAILED
            report.save(update_fields=["status"])
            return
        stem = slugify(report.programme.name_en or "programme")
        name = f"{stem}-{report.starts_on}-{report.ends_on}-{report.language}.pdf"
        files.store_file(report.pdf, content, name=name)
        report.status = ReportStatus.READY
        report.generated_at = timezone.now()
        report.save(update_fields=["pdf", "status", "generated_at"])
        audit_record(actor=None, action="results.report.generated", target=report, after=_summary(report))
