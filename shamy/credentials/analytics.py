"""The certificates in the equity analytics: "certified teachers", urban and rural, by the school
of the certified portfolio, dated by the certificate's issue (a teacher counts in the school year,
1 September to 31 August, in which their certificate was issued; a revoked certificate counts
nowhere), under the analytics' suppression rule. Registered in ``apps.py``; analytics imports
nothing from here (the same hook as the fellowship's figures)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from shamy.analytics.indicators import Spec, register_computed
from shamy.analytics.selectors import register_panel_provider
from shamy.credentials.models import Certificate, CertificateKind

CERTIFIED = "certified_teachers"


def certificates_in_year(year: int) -> QuerySet[Certificate]:
    """Certificates issued in the school year that starts on 1 September of ``year``, not revoked."""
    zone = timezone.get_current_timezone()
    return Certificate.objects.filter(
        issued_at__gte=datetime.datetime(year, 9, 1, tzinfo=zone),
        issued_at__lt=datetime.datetime(year + 1, 9, 1, tzinfo=zone),
        revoked_at__isnull=True,
        kind=CertificateKind.PORTFOLIO,  # teachers certified; trainers' certificates count in operators
    )


def certificate_measures(
    *,
    scoped: Callable[[QuerySet[Any], str], QuerySet[Any]],
    key: str,
    region_id: int | None,
    year: int,
    programme_id: int | None,
) -> Iterator[tuple[int | None, str, dict[str, Any]]]:
    """Per place and locality: distinct teachers certified in the school year (a teacher with two
    certificates in one year counts once)."""
    certificates = scoped(certificates_in_year(year), "submission__school__region_id")
    if region_id is not None:
        certificates = certificates.filter(submission__school__region_id=region_id)
    if programme_id is not None:
        certificates = certificates.filter(programme_id=programme_id)
    rows = (
        certificates.order_by()
        .values(f"submission__school__{key}", "submission__school__locality")
        .annotate(n=Count("teacher_id", distinct=True))
    )
    for row in rows:
        yield row[f"submission__school__{key}"], row["submission__school__locality"], {CERTIFIED: row["n"]}


def register() -> None:
    register_computed(CERTIFIED, Spec(CERTIFIED, people=CERTIFIED, parity=False))
    register_panel_provider(certificate_measures, keys=(CERTIFIED,))
