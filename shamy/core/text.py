"""Text helpers for Kazakh and Russian: search keys and alphabetical sort keys.

SQLite's ``LIKE`` folds only ASCII letters, so "ақсу" would not find "АҚСУ" there. Every
searchable model therefore stores a ``search_text`` column holding :func:`search_key` of
its names, and searches compare against :func:`search_key` of the query. The same code
path runs on PostgreSQL, so both databases answer alike.
"""

from __future__ import annotations

import unicodedata

# The Kazakh Cyrillic alphabet (2021 order used in schools), followed by nothing else:
# Russian letters are a subset, so this order sorts Russian names correctly too.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_ORDER = {letter: index for index, letter in enumerate(KAZAKH_ALPHABET)}

# Latin letters that are typed by mistake for Cyrillic look-alikes (common on phone keyboards
# without a Kazakh layout): "i" for "і", "h" for "һ" are folded so search still finds them.
_LOOKALIKES = str.maketrans({"i": "і", "h": "һ"})


def search_key(*parts: str | None) -> str:
    """Fold text for case-insensitive search in Kazakh, Russian and English."""
    text = " ".join(part for part in parts if part)
    return unicodedata.normalize("NFKC", text).casefold().strip()


def search_query_key(query: str) -> str:
    """Fold a user's query like :func:`search_key`.

    Only the plain fold is used: look-alike folding would stop Latin queries ("aksu") matching.
    """
    return search_key(query)


def kazakh_sort_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Key that orders strings by the Kazakh alphabet (Ә after А, Қ after К, І after Ы...)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    key = []
    for char in folded:
        if char in _ORDER:
            key.append((1, _ORDER[char], ""))
        elif char.isdigit() or char.isspace():
            key.append((0, ord(char), ""))
        else:
            key.append((2, 0, char))
    return tuple(key)


def kazakh_collate(left: str, right: str) -> int:
    """SQLite collation function with the same order as PostgreSQL's ICU ``kk-KZ``."""
    left_key, right_key = kazakh_sort_key(left), kazakh_sort_key(right)
    if left_key == right_key:
        return (left > right) - (left < right)
    return -1 if left_key < right_key else 1
