"""``manage.py seed_demo_trainer_certificates``: the operator demo's trainers get signed certificates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.credentials.demo import AssessmentDemoRefused, trainer_certificates_demo_load


class Command(BaseCommand):
    help = (
        "Give the school-operator demo programme a certifying issuer and issue every certified trainer's "
        "signed certificate (later certifications get theirs at once). Needs `seed_demo_operators` first; "
        "a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            already, issued = trainer_certificates_demo_load()
        except AssessmentDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if already:
            self.stdout.write("Trainer certificates already loaded: nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Trainer certificates issued: {issued}."))
