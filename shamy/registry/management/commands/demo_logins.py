"""``manage.py demo_logins``: print the demo accounts, one per role (used by ``make demo``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins: role, e-mail, password and what each one sees."

    def handle(self, *args: Any, **options: Any) -> None:
        # A developer's tool: English, whatever the default language of the site.
        with translation.override("en"):
            self._print()

    def _print(self) -> None:
        users = {user.email: user for user in User.objects.filter(email__in=[login.email for login in DEMO_LOGINS])}
        if not any(user.is_demo for user in users.values()):
            self.stdout.write("No demo logins yet: run `python manage.py seed_demo` first.")
            return
        memberships = {
            (membership.user_id, membership.role): membership
            for membership in Membership.objects.active()
            .filter(user__in=users.values())
            .select_related("region", "school")
        }
        rows = [("Role", "E-mail", "Password", "Sees")]
        for login in DEMO_LOGINS:
            user = users.get(login.email)
            if user is None or not user.is_demo:
                continue
            sees = login.sees
            membership = memberships.get((user.pk, login.role))
            if membership is not None and membership.school is not None:
                sees = f"{membership.school.name_ru} ({membership.school.name_kk}), its staff"
            elif membership is not None and membership.region is not None:
                sees = f"{membership.region.name_en} only"
            rows.append((str(Role(login.role).label), login.email, DEMO_PASSWORD, sees))
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("Demo logins (every account uses the same password):")
        for role, email, password, sees in rows:
            self.stdout.write(f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {password:<{widths[2]}}  {sees}")
