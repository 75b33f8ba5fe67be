"""Test helpers: tests that flush the database (``transactional_db``, live-server journeys) lose
the rows seeded by data migrations; this puts the computed indicators and targets back."""

from __future__ import annotations

import importlib

from django.apps import apps


def seed_indicators() -> None:
    migration = importlib.import_module("shamy.analytics.migrations.0002_seed_indicators_and_targets")
    migration.seed(apps, None)
