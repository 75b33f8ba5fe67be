"""Signing keys: private halves from the environment only, public halves in the database.

``settings.CREDENTIAL_SIGNING_KEYS`` lists ``privateKeyMultibase`` values. A key is found by its
public half (``publicKeyMultibase``), which is what :class:`~shamy.credentials.models.IssuerKey`
stores. In development without configured keys, keys derived from ``SECRET_KEY`` and a label
stand in (``dev_key``), so demo data and tests sign with no set-up; with DEBUG off they never do
(unless ``CREDENTIALS_DEV_KEYS`` is set).
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shamy.credentials.vc.multibase import private_key_from_multibase, public_key_multibase


def dev_key(label: str) -> Ed25519PrivateKey:
    """A development key, deterministic for ``SECRET_KEY`` and ``label``. Refused with DEBUG off."""
    if not settings.CREDENTIALS_DEV_KEYS:
        raise ImproperlyConfigured("Development signing keys are off here: set CREDENTIAL_SIGNING_KEYS.")
    seed = hashlib.sha256(f"shamy-dev-credential-key:{settings.SECRET_KEY}:{label}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def configured_keys() -> dict[str, Ed25519PrivateKey]:
    """Configured private keys by their public ``publicKeyMultibase``."""
    keys = {}
    for text in settings.CREDENTIAL_SIGNING_KEYS:
        key = private_key_from_multibase(text)
        keys[public_key_multibase(key.public_key())] = key
    return keys


def private_key_for(public_multibase: str, *, dev_label: str = "") -> Ed25519PrivateKey | None:
    """The private key whose public half is ``public_multibase``, if this deployment holds it."""
    key = configured_keys().get(public_multibase)
    if key is None and dev_label and settings.CREDENTIALS_DEV_KEYS:
        candidate = dev_key(dev_label)
        if public_key_multibase(candidate.public_key()) == public_multibase:
            return candidate
    return key
