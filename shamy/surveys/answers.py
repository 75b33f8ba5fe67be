"""Reading answers from a form and checking them: pure functions over the questions and the data.

Field names: ``q<id>`` for a question (a list of codes for multiple choice), ``q<id>_<row>`` for
one row of a matrix question. Skip logic: a question whose condition is not met is hidden, its
answer dropped and its requirement waived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from shamy.surveys.models import LIKERT_POINTS, Question, QuestionKind

MAX_TEXT = 5000


@dataclass(frozen=True)
class Value:
    question_id: int
    row_code: str = ""
    choice: str = ""
    number: float | None = None
    text: str = ""


@dataclass
class Parsed:
    values: list[Value] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)


class FormData(Protocol):
    def getlist(self, key: str, default: Any = ...) -> list[Any]: ...

    def get(self, key: str, default: Any = ...) -> Any: ...


def field_name(question: Question, row_code: str = "") -> str:
    return f"q{question.pk}_{row_code}" if row_code else f"q{question.pk}"


def _number(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_question(question: Question, data: FormData) -> tuple[list[Value], str | None]:
    """The values given for one question, and an error message (None when the input is valid)."""
    name = field_name(question)
    kind = question.kind
    if kind == QuestionKind.MATRIX:
        values = []
        for code, _label in question.row_labels():
            raw = (data.get(field_name(question, code)) or "").strip()
            if not raw:
                continue
            number = _number(raw)
            if number not in LIKERT_POINTS:
                return [], _("Choose a point on the scale.")
            values.append(Value(question.pk, row_code=code, number=number))
        return values, None
    if kind == QuestionKind.MULTIPLE:
        allowed = {code for code, _label in question.choice_labels()}
        chosen = [code for code in data.getlist(name) if code]
        if any(code not in allowed for code in chosen):
            return [], _("Choose from the list.")
        return [Value(question.pk, choice=code) for code in dict.fromkeys(chosen)], None
    raw = (data.get(name) or "").strip()
    if not raw:
        return [], None
    if kind == QuestionKind.SINGLE:
        if raw not in {code for code, _label in question.choice_labels()}:
            return [], _("Choose from the list.")
        return [Value(question.pk, choice=raw)], None
    if kind in (QuestionKind.LIKERT, QuestionKind.NUMBER):
        number = _number(raw)
        if number is None:
            return [], _("Enter a number.")
        if kind == QuestionKind.LIKERT and number not in LIKERT_POINTS:
            return [], _("Choose a point on the scale.")
        return [Value(question.pk, number=number)], None
    if len(raw) > MAX_TEXT:
        return [], _("At most %(count)s characters.") % {"count": MAX_TEXT}
    return [Value(question.pk, text=raw)], None


def shown_codes(values: Iterable[Value]) -> set[str]:
    """What an answer "is" for skip logic: chosen codes and numbers written as whole numbers."""
    codes = set()
    for value in values:
        if value.choice:
            codes.add(value.choice)
        if value.number is not None:
            codes.add(str(int(value.number)) if value.number == int(value.number) else str(value.number))
    return codes


def is_shown(question: Question, given: Mapping[int, Sequence[Value]]) -> bool:
    if question.show_if_id is None:
        return True
    wanted = {str(value) for value in question.show_if_values}
    return bool(shown_codes(given.get(question.show_if_id, ())) & wanted)


def parse(questions: Sequence[Question], data: FormData, *, final: bool) -> Parsed:
    """Every question's values; with ``final`` the required questions that are shown must be answered."""
    parsed = Parsed()
    given: dict[int, list[Value]] = {}
    for question in questions:  # in order: skip logic refers to earlier questions
        values, error = parse_question(question, data)
        if not is_shown(question, given):
            parsed.hidden.add(question.pk)
            continue
        given[question.pk] = values
        if error:
            parsed.errors[question.pk] = error
            continue
        complete = bool(values)
        if question.kind == QuestionKind.MATRIX:
            complete = len(values) == len(question.rows)
        if final and question.required and not complete:
            parsed.errors[question.pk] = _("This question needs an answer.")
        parsed.values.extend(values)
    return parsed


def as_form_data(values: Iterable[Value], questions: Sequence[Question]) -> dict[str, Any]:
    """Stored values back into field names, to show a draft as it was left."""
    by_id = {question.pk: question for question in questions}
    data: dict[str, Any] = {}
    for value in values:
        question = by_id.get(value.question_id)
        if question is None:
            continue
        name = field_name(question, value.row_code)
        if question.kind == QuestionKind.MULTIPLE:
            data.setdefault(name, []).append(value.choice)
        elif value.choice:
            data[name] = value.choice
        elif value.number is not None:
            data[name] = str(int(value.number)) if value.number == int(value.number) else str(value.number)
        else:
            data[name] = value.text
    return data
