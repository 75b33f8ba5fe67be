"""Housekeeping: any change to the data behind the aggregates makes the cached panels stale, and
marks the stored teacher counts of the regions it touches not current (``tally.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from shamy.analytics.cache import analytics_invalidate
from shamy.analytics.tally import tally_mark_stale, tally_schedule
from shamy.core.request_memo import forget
from shamy.core.signals import bulk_data_changed


def _invalidate(**kwargs: Any) -> None:
    analytics_invalidate()


def _bulk_changed(**kwargs: Any) -> None:
    analytics_invalidate()
    tally_mark_stale()  # bulk loads bypass model signals: every region is counted again


def _employment_moving(instance: Any, **kwargs: Any) -> None:
    """An employment moved to another school (or person) leaves its old region too."""
    if instance.pk is not None:
        from shamy.registry.models import Employment

        tally_mark_stale(Employment.objects.filter(pk=instance.pk).values("school__region_id"))


def _employment_changed(instance: Any, **kwargs: Any) -> None:
    from shamy.registry.models import School

    tally_mark_stale(School.objects.filter(pk=instance.school_id).values("region_id"))


def _person_changed(instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A person's category counts where they teach (a new person has no employment yet)."""
    if not created:
        from shamy.registry.models import Employment

        tally_mark_stale(Employment.objects.filter(person_id=instance.pk).values("school__region_id"))


def _school_moving(instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        from shamy.registry.models import School

        tally_mark_stale(School.objects.filter(pk=instance.pk).values("region_id"))


def _school_changed(instance: Any, **kwargs: Any) -> None:
    tally_mark_stale([instance.region_id])


def _region_changed(instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        tally_schedule()  # a region never counted is counted (as empty) once it commits


def _settings_changed(**kwargs: Any) -> None:
    from shamy.analytics.selectors import SETTINGS_MEMO

    analytics_invalidate()
    forget(SETTINGS_MEMO)  # a page that changes them reads the new ones
    tally_mark_stale()  # the registry year decides the day counted


def connect() -> None:
    from shamy.analytics.models import AnalyticsSettings, IndicatorValue
    from shamy.attendance.models import Attendance
    from shamy.programmes.models import CohortSchool
    from shamy.registry.models import Employment, Person, Region, School

    for model in (School, Employment, Person, IndicatorValue, CohortSchool, Attendance):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"analytics-{model.__name__}-save")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"analytics-{model.__name__}-delete")
    post_save.connect(_settings_changed, sender=AnalyticsSettings, dispatch_uid="analytics-AnalyticsSettings-save")
    post_delete.connect(_settings_changed, sender=AnalyticsSettings, dispatch_uid="analytics-AnalyticsSettings-delete")
    bulk_data_changed.connect(_bulk_changed, dispatch_uid="analytics-bulk-data-changed")

    pre_save.connect(_employment_moving, sender=Employment, dispatch_uid="analytics-tally-employment-moving")
    post_save.connect(_employment_changed, sender=Employment, dispatch_uid="analytics-tally-employment-save")
    post_delete.connect(_employment_changed, sender=Employment, dispatch_uid="analytics-tally-employment-delete")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="analytics-tally-person-save")
    pre_save.connect(_school_moving, sender=School, dispatch_uid="analytics-tally-school-moving")
    post_save.connect(_school_changed, sender=School, dispatch_uid="analytics-tally-school-save")
    post_delete.connect(_school_changed, sender=School, dispatch_uid="analytics-tally-school-delete")
    post_save.connect(_region_changed, sender=Region, dispatch_uid="analytics-tally-region-save")
