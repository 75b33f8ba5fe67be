"""``manage.py demo_logins_countries``: print the partner-country demo account (used by ``make demo``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.programmes.demo_countries import COUNTRY_DEMO_LOGINS
from shamy.registry.demo.loader import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the partner-country demo logins: role, e-mail, password and what each one sees."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            emails = set(
                User.objects.filter(email__in=[login.email for login in COUNTRY_DEMO_LOGINS], is_demo=True).values_list(
                    "email", flat=True
                )
            )
            if not emails:
                self.stdout.write(
                    "No partner-country demo logins yet: run `python manage.py seed_demo_countries` first."
                )
                return
            self.stdout.write("Partner-country demo logins (same password):")
            for login in COUNTRY_DEMO_LOGINS:
                if login.email in emails:
                    self.stdout.write(f"  {Role(login.role).label}  {login.email}  {DEMO_PASSWORD}  {login.sees}")
