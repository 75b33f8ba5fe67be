"""Signals other apps listen to (apps above this one in the layers: they may not be called from here).

``trainer_certified`` is sent inside the certification's transaction with ``trainer`` and
``actor``; the credentials app issues the trainer's signed certificate on it, when the programme
has a certifying issuer.
"""

from __future__ import annotations

from django.dispatch import Signal

trainer_certified = Signal()
