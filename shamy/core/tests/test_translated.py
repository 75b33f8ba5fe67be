"""Staff-authored names in three languages: the per-row picker chooses as ``localized`` does."""

from __future__ import annotations

import itertools

import pytest
from django.utils import translation

from shamy.core.translated import localized, name_picker


@pytest.mark.parametrize("language", ["kk", "ru", "en", "ky"])
def test_name_picker_chooses_what_localized_chooses(language):
    with translation.override(language):
        pick = name_picker()
        for kk, ru, en in itertools.product(["", "Алматы"], ["", "Алма-Ата"], ["", "Almaty"]):
            assert pick(kk, ru, en) == localized({"kk": kk, "ru": ru, "en": en})
        # Given a language, as localized(values, language).
        assert name_picker("en")("Алматы", "Алма-Ата", "") == localized({"kk": "Алматы", "ru": "Алма-Ата"}, "en")


def test_name_picker_prefers_the_active_language_then_its_fallbacks():
    assert name_picker("ru")("Алматы", "Алма-Ата", "Almaty") == "Алма-Ата"
    assert name_picker("en")("Алматы", "Алма-Ата", "") == "Алматы"  # then kk
    assert name_picker("ky")("Алматы", "Алма-Ата", "Almaty") == "Алма-Ата"  # Kyrgyz falls back to Russian first
