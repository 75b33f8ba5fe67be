"""Reads: certificates a user may list, one certificate for a download, public documents."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor
from shamy.credentials.models import Certificate

_RELATED = ("issuer", "programme", "teacher")


def certificate_list(*, actor: Actor) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(actor).select_related(*_RELATED).order_by("-issued_at", "-id")


def certificate_get_for_user(*, user: Actor, number: str) -> Certificate:
    return get_object_or_404(Certificate.objects.visible_to(user).select_related(*_RELATED, "key"), number=number)
