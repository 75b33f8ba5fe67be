from __future__ import annotations

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from shamy.core.widgets import FastSelect


def _both(choices, value, attrs):
    template_based = forms.Select(attrs=attrs, choices=choices).render("field", value)
    fast = FastSelect(attrs=attrs, choices=choices).render("field", value)
    return template_based, fast


def _normalise(html: str) -> str:
    return "".join(html.split())


def test_fast_select_renders_like_django_select():
    choices = [("", "Кез келген"), ("urban", "Қалалық"), ("rural", "Ауылдық <b>")]
    attrs = {"id": "id_field", "hx-get": "", "required": True, "disabled": False}
    template_based, fast = _both(choices, "rural", attrs)
    assert _normalise(fast) == _normalise(template_based)
    assert 'value="rural" selected' in fast
    assert "&lt;b&gt;" in fast


@given(
    choices=st.lists(
        st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=12)),
        min_size=1,
        max_size=6,
        unique_by=lambda c: c[0],
    ),
    pick=st.integers(min_value=0, max_value=5),
)
def test_fast_select_matches_django_select_for_any_choices(choices, pick):
    value = choices[pick % len(choices)][0]
    template_based, fast = _both(choices, value, {"id": "id_field"})
    assert _normalise(fast) == _normalise(template_based)
