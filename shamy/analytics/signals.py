"""Housekeeping: any change to the data behind the aggregates makes the cached panels stale."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from shamy.analytics.cache import analytics_invalidate
from shamy.core.signals import bulk_data_changed


def _invalidate(**kwargs: Any) -> None:
    analytics_invalidate()


def connect() -> None:
    from shamy.analytics.models import AnalyticsSettings, IndicatorValue
    from shamy.attendance.models import Attendance
    from shamy.programmes.models import CohortSchool
    from shamy.registry.models import Employment, Person, School

    for model in (School, Employment, Person, IndicatorValue, AnalyticsSettings, CohortSchool, Attendance):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"analytics-{model.__name__}-save")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"analytics-{model.__name__}-delete")
    bulk_data_changed.connect(_invalidate, dispatch_uid="analytics-bulk-data-changed")
