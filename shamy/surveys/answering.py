"""The answering form: what each question shows (its current value, error, skip state) and the
save-or-submit step shared by the signed-in and the public-link pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from shamy.surveys import answers
from shamy.surveys.models import Question, QuestionKind, Response, Survey
from shamy.surveys.selectors import draft_values, questions_of


class MultiDict(dict[str, Any]):
    """Stored draft values with ``getlist`` like a QueryDict."""

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        value = self.get(key)
        if value is None:
            return [] if default is None else default
        return value if isinstance(value, list) else [value]


def form_items(questions: list[Question], data: Any, parsed: answers.Parsed | None) -> list[dict[str, Any]]:
    """Each question with its current value(s) for the template."""
    items = []
    for question in questions:
        name = answers.field_name(question)
        multiple = question.kind == QuestionKind.MULTIPLE
        value: Any = data.getlist(name) if multiple else data.get(name, "")
        rows = [
            {
                "code": code,
                "label": label,
                "name": answers.field_name(question, code),
                "value": data.get(answers.field_name(question, code), ""),
            }
            for code, label in question.row_labels()
        ]
        items.append(
            {
                "question": question,
                "name": name,
                "value": value if value is not None else "",
                "rows": rows,
                "choices": question.choice_labels(),
                "error": parsed.errors.get(question.pk) if parsed else None,
                "hidden": parsed is not None and question.pk in parsed.hidden,
                "show_if": question.show_if_id,
                "show_if_values": ",".join(str(v) for v in question.show_if_values),
            }
        )
    return items


def draft_form(survey: Survey, draft: Response | None, action: str) -> dict[str, Any]:
    """The answering page as the respondent left it (skip logic applied, no errors yet)."""
    questions = questions_of(survey)
    data = MultiDict(answers.as_form_data(draft_values(survey=survey, response=draft), questions))
    parsed = answers.parse(questions, data, final=False)
    parsed.errors = {}
    return {"survey": survey, "items": form_items(questions, data, parsed), "points": (1, 2, 3, 4, 5), "action": action}


@dataclass
class Outcome:
    """What a POST of the answering form came to: ``submitted``, ``saved`` (a draft), or neither
    (the form is shown again with ``context``'s errors)."""

    submitted: bool = False
    saved: bool = False
    already: bool = False
    context: dict[str, Any] | None = None


def handle_post(survey: Survey, data: Any, action: str, *, save: Any, submit: Any) -> Outcome:
    """Parse the form; ``submit(parsed)`` when the submit button was used and nothing is missing,
    otherwise ``save(parsed)`` the draft. ``save``/``submit`` raise AlreadyAnswered or
    ValidationError like the services."""
    from shamy.surveys.services.responses import AlreadyAnswered

    questions = questions_of(survey)
    final = "submit" in data
    parsed = answers.parse(questions, data, final=final)
    try:
        if final and not parsed.errors:
            submit(parsed=parsed)
            return Outcome(submitted=True)
        save(parsed=parsed)
    except AlreadyAnswered:
        return Outcome(already=True)
    except ValidationError:
        pass
    context = {"survey": survey, "items": form_items(questions, data, parsed), "points": (1, 2, 3, 4, 5)}
    context["action"] = action
    return Outcome(saved=not final, context=context)
