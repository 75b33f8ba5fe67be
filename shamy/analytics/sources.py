"""The sources the platform itself writes on indicators and targets, in the reader's language.

``Indicator.source`` and ``Target.source`` are plain text: a source an analyst types (an imported
indicator's publisher) is shown as typed. The ones seeded by data migrations (analytics, and the
fellowship's and credentials' own indicators) are English message ids listed here, so the
catalogue translates them wherever they are shown: pages, PDF briefs, exports.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

SEEDED_SOURCES = (
    gettext_noop("Shamy registry of schools and employments; programme cohorts"),
    gettext_noop("Shamy programme cohorts and attendance registers"),
    gettext_noop("Shamy fellowship placements and class registers"),
    gettext_noop("Shamy certificates (issued by the certifying university, not revoked)"),
    gettext_noop(
        "Published figures of the national programmes (2025); the start and the deadline are assumed "
        "where none is given"
    ),
    gettext_noop(
        "Published figures of the national programmes (2025): over 4,000 rural schools modernised over "
        "the past four years (2021–2024)"
    ),
)


def source_text(source: str) -> str:
    """A stored source in the active language when the platform wrote it, else as typed."""
    return gettext(source) if source else ""
