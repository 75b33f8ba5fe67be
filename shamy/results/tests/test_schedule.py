import datetime

import pytest
from django.core.management import call_command

from shamy.results.models import DonorReport, ReportStatus
from shamy.results.schedule import previous_quarter


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2025, 1, 15), (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))),
        (datetime.date(2025, 5, 1), (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))),
        (datetime.date(2025, 12, 31), (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))),
    ],
)
def test_previous_quarter(today, expected):
    assert previous_quarter(today) == expected


@pytest.mark.django_db
def test_schedule_makes_each_quarterly_report_once(
    programme_cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("donor_reports_schedule")
    call_command("donor_reports_schedule")
    reports = DonorReport.objects.filter(scheduled=True)
    assert reports.count() == 2  # programmes P and Q
    assert {report.status for report in reports} == {ReportStatus.READY}
