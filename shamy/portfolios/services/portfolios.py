"""Writing portfolios: section texts with conflict detection, evidence links, submission."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import require
from shamy.portfolios import hooks, permissions
from shamy.portfolios.models import Evidence, Portfolio, PortfolioSection, PortfolioStatus
from shamy.portfolios.services.drafts import draft_discard
from shamy.portfolios.services.projects import _touch


class SectionConflict(Exception):
    """Someone saved the section since the editor loaded it. ``current`` is their version."""

    def __init__(self, current: PortfolioSection) -> None:
        super().__init__("portfolio section changed since it was loaded")
        self.current = current


@transaction.atomic
def section_save(
    *,
    actor: User,
    section: PortfolioSection,
    body: str,
    version: int,
    evidence: Iterable[Evidence] | None = None,
) -> PortfolioSection:
    """Save a section's text, optimistically locked by ``version``.

    ``version`` is the version the editor started from. If the stored version differs,
    someone else saved in between: raises :class:`SectionConflict` carrying the stored
    section, and nothing is written. Needs the teacher or a collaborator and a portfolio
    still in draft (PermissionDenied). Evidence must belong to the same project.
    """
    project = section.portfolio.project
    require(actor, project, "edit")
    locked = (
        PortfolioSection.objects.select_for_update(of=("self",))
        .select_related("portfolio", "updated_by")
        .get(pk=section.pk)
    )
    if locked.portfolio.is_submitted:
        raise PermissionDenied(_("This portfolio has been submitted and can no longer be changed."))
    if locked.version != version:
        raise SectionConflict(locked)
    before = snapshot(locked, ["body", "version"])
    locked.body = body
    locked.version = version + 1
    locked.updated_by = actor
    # A save online counts at the server's time (a text queued offline earlier does not replace it).
    locked.body_written_at, locked.body_key = timezone.now(), None
    locked.full_clean()
    locked.save()
    if evidence is not None:
        chosen = list(evidence)
        if any(item.project_id != project.pk for item in chosen):
            raise ValidationError(_("Evidence of another project cannot be added to this portfolio."))
        locked.evidence.set(chosen)
    _touch(project)
    draft_discard(actor=actor, key=f"section:{section.pk}")
    audit_record(
        actor=actor,
        action="portfolios.section.updated",
        target=locked,
        before=before,
        after=snapshot(locked, ["body", "version"]),
    )
    return locked


@transaction.atomic
def portfolio_submit(*, actor: User, portfolio: Portfolio) -> Portfolio:
    """Submit the portfolio for assessment: certifiers can see it from now on and it can no
    longer be edited. Only the teacher (PermissionDenied); every section needs text.

    After commit: the hooks other apps registered (``portfolios.hooks``), e.g. the assessment
    app's submission of this version."""
    require(actor, portfolio, "submit")
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    if portfolio.is_submitted:
        raise ValidationError(_("This portfolio has already been submitted."))
    empty = [section.title for section in portfolio.sections.all() if not section.body.strip()]
    if empty:
        raise ValidationError(
            _("Write every section before submitting. Empty: %(sections)s") % {"sections": ", ".join(empty)}
        )
    before = snapshot(portfolio)
    portfolio.status = PortfolioStatus.SUBMITTED
    portfolio.submitted_at = timezone.now()
    portfolio.submitted_by = actor
    portfolio.full_clean()
    portfolio.save()
    _touch(portfolio.project)
    audit_record(actor=actor, action="portfolios.portfolio.submitted", target=portfolio, before=before)
    for hook in hooks.on_submit_hooks():
        # robust: a failing hook is logged; it cannot undo or fail the submission that committed.
        transaction.on_commit(partial(hook, portfolio_id=portfolio.pk, actor_id=actor.pk), robust=True)
    return portfolio


@transaction.atomic
def portfolio_reopen(*, actor: User, portfolio: Portfolio, reason: str) -> Portfolio:
    """Return a submitted portfolio to draft so the teacher can revise it (assessment asked for a
    revision). Needs the project's link facilitator or the programme coordinator
    (PermissionDenied); the submitted version stays frozen in the assessment app's snapshot."""
    project = portfolio.project
    if not (permissions.is_link_facilitator(actor, project) or permissions.is_programme_coordinator(actor, project)):
        raise PermissionDenied
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    if not portfolio.is_submitted:
        return portfolio
    before = snapshot(portfolio)
    portfolio.status = PortfolioStatus.DRAFT
    portfolio.submitted_at = None
    portfolio.submitted_by = None
    portfolio.full_clean()
    portfolio.save()
    _touch(project)
    audit_record(
        actor=actor, action="portfolios.portfolio.reopened", target=portfolio, before=before, after={"reason": reason}
    )
    return portfolio
