"""``manage.py credentials_rotate_key <issuer> [--public-key z6Mk...]``: a new signing key for an issuer."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shamy.credentials.models import Issuer
from shamy.credentials.services.issuers import issuer_key_add
from shamy.credentials.vc.multibase import private_key_multibase, public_key_multibase


class Command(BaseCommand):
    help = (
        "Make a new key the issuer's signing key; the old one is retired from signing but stays "
        "published, so what it signed still verifies. With --generate, prints a new private key "
        "(privateKeyMultibase) to add to CREDENTIAL_SIGNING_KEYS first; it is never stored."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("issuer", help="the issuer's short name (slug)")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--public-key", help="publicKeyMultibase of a key whose private half is configured")
        group.add_argument("--generate", action="store_true", help="print a new key pair and change nothing")
        group.add_argument("--dev", action="store_true", help="a development key derived from SECRET_KEY")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            pair = Ed25519PrivateKey.generate()
            self.stdout.write(f"publicKeyMultibase:  {public_key_multibase(pair.public_key())}")
            self.stdout.write(f"privateKeyMultibase: {private_key_multibase(pair)}")
            self.stdout.write("Add the private key to CREDENTIAL_SIGNING_KEYS, restart, then run with --public-key.")
            return
        issuer = Issuer.objects.filter(slug=options["issuer"]).first()
        if issuer is None:
            raise CommandError(f"No issuer {options['issuer']!r}.")
        try:
            added = issuer_key_add(actor=None, issuer=issuer, public_key_multibase_=options["public_key"] or "")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{issuer.slug} now signs with {added.public_key_multibase}."))
