"""``manage.py demo_logins_fellowship``: print the fellowship demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.accounts.models import User
from shamy.fellowship.demo import FELLOWSHIP_DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the fellowship demo logins: role, e-mail, password and what each one sees."

    def handle(self, *args: Any, **options: Any) -> None:
        from shamy.registry.demo.loader import DEMO_PASSWORD

        emails = [login.email for login in FELLOWSHIP_DEMO_LOGINS]
        if not User.objects.filter(email__in=emails, is_demo=True).exists():
            self.stdout.write("No fellowship demo logins yet: run `python manage.py seed_demo_fellowship` first.")
            return
        self.stdout.write(f"\nFellowship demo logins (password for all: {DEMO_PASSWORD})\n")
        width = max(len(login.role) for login in FELLOWSHIP_DEMO_LOGINS)
        for login in FELLOWSHIP_DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<{width}}  {login.email:<28}  {login.sees}")
        self.stdout.write("  public application form: /fellowship/ → the recruiting cohort → Public application form\n")
