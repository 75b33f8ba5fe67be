"""``manage.py demo_logins_operators``: print the school-operator demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.accounts.models import User
from shamy.operators.demo import OPERATOR_DEMO_LOGINS
from shamy.registry.demo.loader import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the school-operator demo logins: role, e-mail, password and what each one sees."

    def handle(self, *args: Any, **options: Any) -> None:
        emails = {u.email for u in User.objects.filter(email__in=[x.email for x in OPERATOR_DEMO_LOGINS], is_demo=True)}
        if not emails:
            self.stdout.write("No operator demo logins yet: run `python manage.py seed_demo_operators` first.")
            return
        rows = [("Role", "E-mail", "Password", "Sees")]
        rows += [(x.role, x.email, DEMO_PASSWORD, x.sees) for x in OPERATOR_DEMO_LOGINS if x.email in emails]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("School-operator demo logins (every account uses the same password):")
        for role, email, password, sees in rows:
            self.stdout.write(f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {password:<{widths[2]}}  {sees}")
