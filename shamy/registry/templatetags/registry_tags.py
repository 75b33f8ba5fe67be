from __future__ import annotations

from django import template

from shamy.registry.models import PERSON_LANGUAGES, SUBJECTS

register = template.Library()


@register.filter
def subject_names(codes: list[str] | None) -> str:
    return ", ".join(str(SUBJECTS.get(code, code)) for code in codes or [])


@register.filter
def language_names(codes: list[str] | None) -> str:
    return ", ".join(str(PERSON_LANGUAGES.get(code, code)) for code in codes or [])
