"""Housekeeping on users: a password change revokes the user's API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from shamy.accounts.models import User
from shamy.accounts.services.users import api_tokens_revoke_all


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    # ``set_password`` keeps the new raw password on ``_password`` until the save that stores it
    # has run Django's password_changed hooks, so this sees every saved change, wherever it is
    # made: the reset link, the admin site, ``manage.py changepassword``, any later page.
    if created or getattr(instance, "_password", None) is None:
        return
    api_tokens_revoke_all(user=instance)
