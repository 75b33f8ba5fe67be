"""Test helpers: tests that flush the database (``transactional_db``, live-server journeys) lose
the rows seeded by data migrations; this puts the computed indicators and targets back."""

from __future__ import annotations

import importlib

from django.apps import apps


def seed_indicators() -> None:
    for name in (
        "0002_seed_indicators_and_targets",
        "0003_seed_programme_indicators",
        "0005_attendee_role_indicators",
        "0006_rural_modernised_four_years",
        "0007_indicator_wording",
    ):
        importlib.import_module(f"shamy.analytics.migrations.{name}").seed(apps, None)
