"""The project page, rendered by its own view and again, with the errors, by the forms posted
from it (a step, a reflection, a message, an endorsement)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import allowed
from shamy.portfolios import selectors
from shamy.portfolios.forms import CommentForm, EndorseForm, JournalForm, StepForm
from shamy.portfolios.models import DevelopmentProject, Draft, Thread


def _initial(saved: dict[str, Draft], key: str) -> dict[str, str]:
    draft = saved.get(key)
    return {"text": draft.text} if draft else {}


def _thread_forms(
    project: DevelopmentProject, context: dict[str, Any], saved: dict[str, Draft], forms: dict[str, Any]
) -> list[dict[str, Any]]:
    """One block per feedback thread the user takes part in: its messages and a form (with the
    autosaved draft, or the posted form with its errors)."""
    blocks = []
    for thread in context["threads"]:
        key = f"comment:{project.pk}:{thread}"
        blocks.append(
            {
                "thread": thread,
                "label": Thread(thread).label,
                "form": forms.get(f"comment_{thread}") or CommentForm(initial=_initial(saved, key), draft_key=key),
                "key": key,
                "comments": [c for c in context["comments"] if c.thread == thread],
            }
        )
    return blocks


def render_project(request: AuthedHttpRequest, project: DevelopmentProject, **forms: Any) -> HttpResponse:
    """The project page; with ``forms`` (a posted form with errors) it answers 400."""
    access = request.access
    context = selectors.project_detail_context(user=request.user, project=project)
    can_edit = allowed(access, project, "edit")
    journal_key = f"journal:{project.pk}"
    keys = [journal_key] + [f"comment:{project.pk}:{thread}" for thread in context["threads"]]
    saved = selectors.drafts(access=access, keys=keys)
    journal_form = JournalForm(initial=_initial(saved, journal_key), draft_key=journal_key) if can_edit else None
    context.update(
        project=project,
        can_edit=can_edit,
        can_manage=allowed(access, project, "manage"),
        can_endorse=allowed(access, project, "endorse"),
        step_form=forms.get("step") or StepForm(),
        journal_form=forms.get("journal") or journal_form,
        journal_key=journal_key,
        endorse_form=forms.get("endorse") or EndorseForm(),
        thread_forms=_thread_forms(project, context, saved, forms),
        today=timezone.localdate(),
    )
    return render(request, "portfolios/project_detail.html", context, status=400 if forms else 200)
