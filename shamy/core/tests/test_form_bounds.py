"""Every integer a form accepts is bounded (issue 12): an unbounded one let ``2**70`` reach the
database, which overflowed. Dynamic fields added in ``__init__`` are not seen here; they use
``shamy.core.inputs.IntegerField``, which cannot be built without both bounds. Model forms take
theirs from ``Meta.formfield_callback = inputs.bounded_formfield``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.core.exceptions import ValidationError

import shamy
from shamy.core import inputs


def _form_classes() -> Iterator[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(shamy.__path__, "shamy."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    seen: set[type[forms.BaseForm]] = set()
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for subclass in cls.__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
                if subclass.__module__.startswith("shamy."):
                    yield subclass


def test_the_scan_finds_the_forms():
    names = {cls.__name__ for cls in _form_classes()}
    assert {"SchoolFilterForm", "RuleForm", "ThemeForm"} <= names


def test_every_integer_field_of_every_form_has_both_bounds():
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.IntegerField)
        and not isinstance(field, forms.FloatField | forms.DecimalField)  # Django's subclasses: no overflow
        and (field.min_value is None or field.max_value is None)
    ]
    assert not unbounded, "Use shamy.core.inputs.IntegerField (or IdField) with both bounds: " + ", ".join(unbounded)


def test_model_form_integers_take_postgresql_column_bounds():
    from shamy.analytics.forms import AnalyticsSettingsForm

    field = AnalyticsSettingsForm.base_fields["suppression_threshold"]
    assert (field.min_value, field.max_value) == (0, 32767)  # PositiveSmallIntegerField
    assert isinstance(field, inputs.IntegerField)
    form = AnalyticsSettingsForm({"suppression_threshold": "40000", "registry_year": "٢٠٢٤"})
    assert not form.is_valid()
    assert {"suppression_threshold", "registry_year"} <= set(form.errors)


def test_every_many_choice_field_checks_its_ids():
    # Django's looks the chosen ids up with pk__in, not range-checked: 2**70 overflowed the driver.
    unchecked = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field, inputs.ModelMultipleChoiceField)
    ]
    assert not unchecked, "Use shamy.core.inputs.ModelMultipleChoiceField: " + ", ".join(unchecked)


def test_many_choice_field_refuses_ids_out_of_range(cast):
    from shamy.registry.models import School

    field = inputs.ModelMultipleChoiceField(queryset=School.objects.all())
    assert list(field.clean([str(cast.school_a1.pk)])) == [cast.school_a1]
    for value in (str(2**70), "²", "٣", "0"):
        with pytest.raises(ValidationError):
            field.clean([str(cast.school_a1.pk), value])
