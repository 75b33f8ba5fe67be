"""``manage.py country_admin_grant``: make someone the administrator of one country's registry.

Run by the installation's operator (a system administrator) after the country's regions,
districts and schools are imported (the "regions", "districts" and "schools" import kinds, each
with its country column). The grant is audited (``accounts.membership.granted``), with ``--by`` as
the actor when given (that account must be a system administrator).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.accounts.models import User
from shamy.core.countries import REGISTRY_COUNTRIES


class Command(BaseCommand):
    help = (
        "Grant the country administrator role (one country's registry and programmes, read-only) to the account "
        "with this e-mail, creating the account without a password when it does not exist (its owner sets one "
        "with 'Forgot your password?')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--country", required=True, choices=sorted(REGISTRY_COUNTRIES))
        parser.add_argument("--name", default="", help="Full name, for a new account.")
        parser.add_argument("--language", default="ru", help="Interface language of a new account (kk, ru, en).")
        parser.add_argument("--by", default="", help="E-mail of the system administrator granting the role.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["by"]:
            actor = User.objects.filter(email__iexact=options["by"]).first()
            if actor is None:
                raise CommandError(f"No account has the e-mail {options['by']}.")
        email = User.objects.normalize_email(options["email"]).lower()
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                user = User(email=email, full_name=options["name"], language=options["language"])
                user.set_unusable_password()
                try:
                    user.full_clean()
                except ValidationError as error:
                    raise CommandError("; ".join(error.messages)) from error
                user.save()
            try:
                membership_grant(actor=actor, user=user, role=Role.COUNTRY_ADMIN, country=options["country"])
            except PermissionDenied as error:
                raise CommandError(f"{options['by']} is not a system administrator.") from error
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        made = "created and made" if created else "made"
        self.stdout.write(self.style.SUCCESS(f"{email} {made} country administrator of {options['country']}."))
