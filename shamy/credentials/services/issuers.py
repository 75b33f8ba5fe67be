"""Issuers and their keys: create an issuer with a first key, rotate keys."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record
from shamy.credentials import keys
from shamy.credentials.models import Issuer, IssuerKey, StatusList
from shamy.credentials.vc import statuslist
from shamy.credentials.vc.multibase import public_key_from_multibase, public_key_multibase
from shamy.programmes.models import Programme


def _check_admin(actor: User | None) -> None:
    # Issuers and keys are operators' business (a command or the demo loader: actor None).
    if actor is not None and not access_for(actor).is_system_admin:
        raise PermissionDenied


@transaction.atomic
def issuer_create(
    *,
    actor: User | None,
    programme: Programme,
    slug: str,
    name: Mapping[str, str],
    signatory_name: str,
    signatory_title: Mapping[str, str],
    series_prefix: str,
    url: str = "",
    public_key_multibase_: str = "",
) -> Issuer:
    """Create an issuer with its first key and status list. Without ``public_key_multibase_`` a
    development key is used (refused where development keys are off)."""
    _check_admin(actor)
    issuer = Issuer(
        programme=programme,
        slug=slug,
        name=dict(name),
        signatory_name=signatory_name,
        signatory_title=dict(signatory_title),
        series_prefix=series_prefix,
        url=url,
    )
    issuer.full_clean()
    issuer.save()
    issuer_key_add(actor=actor, issuer=issuer, public_key_multibase_=public_key_multibase_, label=f"{slug}:1")
    status_list_create(issuer=issuer)
    audit_record(actor=actor, action="credentials.issuer.created", target=issuer)
    return issuer


def status_list_create(*, issuer: Issuer) -> StatusList:
    status = StatusList(issuer=issuer, bits=bytes(statuslist.empty()))
    status.save()
    return status


@transaction.atomic
def issuer_key_add(
    *, actor: User | None, issuer: Issuer, public_key_multibase_: str = "", label: str = ""
) -> IssuerKey:
    """Make a new key the issuer's signing key and retire the previous one from signing (it stays
    published, so what it signed still verifies). The private half must be configured
    (``CREDENTIAL_SIGNING_KEYS``); without a public key given, a development key is derived."""
    _check_admin(actor)
    dev_label = ""
    if not public_key_multibase_:
        dev_label = label or f"{issuer.slug}:{issuer.keys.count() + 1}"
        public_key_multibase_ = public_key_multibase(keys.dev_key(dev_label).public_key())
    public_key_from_multibase(public_key_multibase_)  # refuses what is not an Ed25519 Multikey
    if keys.private_key_for(public_key_multibase_, dev_label=dev_label) is None:
        raise ValidationError(_("This deployment does not hold the private half of that key."))
    IssuerKey.objects.select_for_update().filter(issuer=issuer, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    key = IssuerKey(issuer=issuer, public_key_multibase=public_key_multibase_, dev_label=dev_label)
    key.full_clean()
    key.save()
    audit_record(actor=actor, action="credentials.issuer_key.added", target=key)
    return key
