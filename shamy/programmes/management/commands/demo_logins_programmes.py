"""``manage.py demo_logins_programmes``: print the programme demo accounts, one per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.programmes.demo import PROGRAMME_DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the programme demo logins: role, e-mail, password and what each one sees."

    def handle(self, *args: Any, **options: Any) -> None:
        from shamy.registry.demo.loader import DEMO_PASSWORD

        with translation.override("en"):
            users = {
                u.email: u for u in User.objects.filter(email__in=[login.email for login in PROGRAMME_DEMO_LOGINS])
            }
            if not any(user.is_demo for user in users.values()):
                self.stdout.write("No programme demo logins yet: run `python manage.py seed_demo_programmes` first.")
                return
            schools = {
                (m.user_id, m.role): m.school
                for m in Membership.objects.active().filter(user__in=users.values()).select_related("school")
            }
            rows = [("Role", "E-mail", "Password", "Sees")]
            for login in PROGRAMME_DEMO_LOGINS:
                user = users.get(login.email)
                if user is None or not user.is_demo:
                    continue
                sees = login.sees
                school = schools.get((user.pk, login.role))
                if school is not None:
                    sees = f"{sees}: {school.name_ru} ({school.name_kk})"
                rows.append((str(Role(login.role).label), login.email, DEMO_PASSWORD, sees))
            widths = [max(len(row[column]) for row in rows) for column in range(3)]
            self.stdout.write("Programme demo logins (every account uses the same password):")
            for role, email, password, sees in rows:
                self.stdout.write(f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {password:<{widths[2]}}  {sees}")
