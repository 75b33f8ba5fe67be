"""Writing development projects: start, edit, move stages, plan steps, journal, feedback, endorse."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import allowed, require
from shamy.core.text import search_key
from shamy.portfolios import permissions
from shamy.portfolios.models import (
    Comment,
    DevelopmentProject,
    FocusTheme,
    JournalEntry,
    Portfolio,
    PortfolioSection,
    ProjectStep,
)
from shamy.portfolios.services.drafts import draft_discard
from shamy.programmes.models import Cohort, MethodologyStage
from shamy.registry.models import Person

# The sections every new portfolio starts with. ``criterion_code`` is left empty: the
# assessment issue maps sections to its criteria.
DEFAULT_SECTIONS = (
    gettext_noop("The concern and the values behind it"),
    gettext_noop("Consulting colleagues and the principal"),
    gettext_noop("The plan"),
    gettext_noop("Leading the change: what was done and the evidence"),
    gettext_noop("Reflecting on the impact"),
    gettext_noop("The written account"),
)


def _touch(project: DevelopmentProject) -> None:
    """Record teacher activity: the link facilitator's view flags projects without any."""
    DevelopmentProject.objects.filter(pk=project.pk).update(last_activity_at=timezone.now())


def project_search_text(project: DevelopmentProject) -> str:
    return search_key(project.title, project.teacher.full_name)


def _default_section_titles() -> list[str]:
    # Kept as English msgids so each new portfolio gets them in the teacher's language.
    return [_(title) for title in DEFAULT_SECTIONS]


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    cohort: Cohort,
    title: str,
    theme: FocusTheme,
    concern: str = "",
    teacher: Person | None = None,
    school_id: int | None = None,
) -> DevelopmentProject:
    """Start a project for the acting teacher in ``cohort`` at the school of their teacher
    membership. The project begins at the programme's first stage and gets a portfolio with
    the default sections.

    Needs an active teacher membership in the cohort and a registry person linked to the
    account, else PermissionDenied. ``teacher``/``school_id`` are for the demo loader
    (system actor) only.
    """
    if teacher is None:
        teacher = access_for(actor).person
        memberships = [
            m
            for m in access_for(actor).programme_memberships(cohort.programme_id)
            if m.role == Role.TEACHER and m.cohort_id == cohort.pk and m.school_id
        ]
        if teacher is None or not memberships:
            raise PermissionDenied(_("Only a teacher of this cohort can start a project in it."))
        school_id = memberships[0].school_id
    elif actor is not None:
        raise PermissionDenied("Projects are started by the teacher.")
    if school_id is None:
        raise ValidationError("A project needs a school.")
    stage = MethodologyStage.objects.filter(programme_id=cohort.programme_id).order_by("order", "id").first()
    if stage is None:
        raise ValidationError(_("This programme has no methodology stages yet."))
    project = DevelopmentProject(
        teacher=teacher,
        cohort=cohort,
        school_id=school_id,
        title=title.strip(),
        concern=concern.strip(),
        theme=theme,
        stage=stage,
    )
    project.search_text = project_search_text(project)
    project.full_clean()
    project.save()
    portfolio = Portfolio.objects.create(project=project)
    PortfolioSection.objects.bulk_create(
        PortfolioSection(portfolio=portfolio, order=index, title=title)
        for index, title in enumerate(_default_section_titles(), start=1)
    )
    audit_record(actor=actor, action="portfolios.project.created", target=project)
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: DevelopmentProject,
    title: str,
    theme: FocusTheme,
    concern: str,
    collaborators: Iterable[Person] = (),
) -> DevelopmentProject:
    """Change the title, theme, concern and collaborators. Only the teacher (PermissionDenied)."""
    require(actor, project, "manage")
    project = DevelopmentProject.objects.select_for_update().select_related("teacher").get(pk=project.pk)
    before = snapshot(project)
    before_collaborators = sorted(project.collaborators.values_list("pk", flat=True))
    project.title = title.strip()
    project.theme = theme
    project.concern = concern.strip()
    project.last_activity_at = timezone.now()
    project.search_text = project_search_text(project)
    project.full_clean()
    project.save()
    chosen = [person for person in collaborators if person.pk != project.teacher_id]
    project.collaborators.set(chosen)
    after = snapshot(project) or {}
    after["collaborators"] = sorted(person.pk for person in chosen)
    if before is not None:
        before["collaborators"] = before_collaborators
    audit_record(actor=actor, action="portfolios.project.updated", target=project, before=before, after=after)
    return project


def stage_move_allowed(stages: list[MethodologyStage], current: MethodologyStage, target: MethodologyStage) -> bool:
    """A project moves one stage forward, or back one stage to revisit it."""
    ids = [stage.pk for stage in stages]
    if current.pk not in ids or target.pk not in ids:
        return False
    return abs(ids.index(target.pk) - ids.index(current.pk)) == 1


@transaction.atomic
def project_move_stage(*, actor: User, project: DevelopmentProject, stage: MethodologyStage) -> DevelopmentProject:
    """Move the project to the next stage of the methodology, or back one stage.

    Needs the teacher (PermissionDenied). Skipping stages, or a stage of another programme,
    raises ValidationError. Audited with the stage before and after.
    """
    require(actor, project, "manage")
    project = DevelopmentProject.objects.select_for_update().select_related("stage", "cohort").get(pk=project.pk)
    stages = list(MethodologyStage.objects.filter(programme_id=project.cohort.programme_id).order_by("order", "id"))
    if not stage_move_allowed(stages, project.stage, stage):
        raise ValidationError(_("A project moves to the next stage, or back one stage; it cannot skip stages."))
    before = snapshot(project, ["stage"])
    project.stage = stage
    project.last_activity_at = timezone.now()
    project.save(update_fields=["stage", "last_activity_at", "updated_at"])
    audit_record(
        actor=actor,
        action="portfolios.project.stage_moved",
        target=project,
        before=before,
        after=snapshot(project, ["stage"]),
    )
    return project


@transaction.atomic
def step_add(*, actor: User, project: DevelopmentProject, title: str, due_on: datetime.date) -> ProjectStep:
    """Add a dated step to the plan. Teacher or collaborator (PermissionDenied)."""
    require(actor, project, "edit")
    step = ProjectStep(project=project, title=title.strip(), due_on=due_on)
    step.full_clean()
    step.save()
    _touch(project)
    audit_record(actor=actor, action="portfolios.step.created", target=step)
    return step


@transaction.atomic
def step_mark_done(*, actor: User, step: ProjectStep, done: bool = True) -> ProjectStep:
    """Mark a step done today (or not done). Teacher or collaborator (PermissionDenied)."""
    require(actor, step, "edit")
    before = snapshot(step)
    step.done_on = timezone.localdate() if done else None
    # A tap online counts at the server's time (a change queued offline earlier does not undo it).
    step.done_changed_at, step.done_changed_by, step.done_change_key = timezone.now(), actor, None
    step.save(update_fields=["done_on", "done_changed_at", "done_changed_by", "done_change_key"])
    _touch(step.project)
    audit_record(actor=actor, action="portfolios.step.updated", target=step, before=before)
    return step


@transaction.atomic
def journal_add(
    *, actor: User, project: DevelopmentProject, text: str, written_on: datetime.date | None = None
) -> JournalEntry:
    """Add a dated reflection to the journal and drop the author's autosaved draft of it.
    Teacher or collaborator (PermissionDenied)."""
    require(actor, project, "edit")
    entry = JournalEntry(
        project=project, author=actor, text=text.strip(), written_on=written_on or timezone.localdate()
    )
    entry.full_clean()
    entry.save()
    _touch(project)
    draft_discard(actor=actor, key=f"journal:{project.pk}")
    audit_record(actor=actor, action="portfolios.journal_entry.created", target=entry)
    return entry


@transaction.atomic
def comment_add(*, actor: User, project: DevelopmentProject, thread: str, text: str) -> Comment:
    """Write in a feedback thread. The teacher, collaborators and coordinator write in both;
    school facilitators and the principal in the school thread; the assigned link
    facilitator in the link thread (PermissionDenied otherwise)."""
    permissions.require_comment(actor, project, thread)
    comment = Comment(project=project, thread=thread, author=actor, text=text.strip())
    comment.full_clean()
    comment.save()
    if allowed(actor, project, "edit"):
        _touch(project)
    draft_discard(actor=actor, key=f"comment:{project.pk}:{thread}")
    audit_record(actor=actor, action="portfolios.comment.created", target=comment)
    return comment


@transaction.atomic
def project_endorse(*, actor: User, project: DevelopmentProject, note: str = "") -> DevelopmentProject:
    """The principal endorses the project (who, when, a note). PermissionDenied for others."""
    require(actor, project, "endorse")
    project = DevelopmentProject.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project, ["endorsed_by", "endorsed_at", "endorsement_note"])
    project.endorsed_by = actor
    project.endorsed_at = timezone.now()
    project.endorsement_note = note.strip()
    project.save(update_fields=["endorsed_by", "endorsed_at", "endorsement_note", "updated_at"])
    audit_record(
        actor=actor,
        action="portfolios.project.endorsed",
        target=project,
        before=before,
        after=snapshot(project, ["endorsed_by", "endorsed_at", "endorsement_note"]),
    )
    return project
