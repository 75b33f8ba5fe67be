"""Database helpers that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Collate

# Created by registry migration 0001 on PostgreSQL (ICU kk-KZ) and registered as a Python
# collation on every SQLite connection (shamy.core.apps), so ``ORDER BY`` sorts Kazakh letters
# (Ә Ғ Қ Ң Ө Ұ Ү Һ І) where a Kazakh reader expects them on both databases.
KAZAKH_COLLATION = "shamy_kk"


def kazakh_order(field: str, *, descending: bool = False):  # type: ignore[no-untyped-def]
    expression = Collate(F(field), KAZAKH_COLLATION)
    return expression.desc() if descending else expression.asc()
