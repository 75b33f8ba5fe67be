"""Results rules (``shamy/core/rules.py``) and predicates. Deny by default.

- ``programmes.Programme`` "results" (the results page, donor reports, exports): the programme's
  coordinators and observers (donors), and national readers;
- ``programmes.Programme`` "define-results" (the results framework): the programme's coordinators;
- ``ResultsIndicator`` and ``DonorReport`` "view": those of the programmes one may read results of;
  "manage" an indicator: the programme's coordinators.
"""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import object_rule, rule
from shamy.programmes.models import Programme
from shamy.results.models import ResultsIndicator


def results_programme_ids(access: Access) -> Q | bool:
    if access.is_national:
        return access.country_condition("programme__country")  # every programme of their country
    ids = sorted(
        {
            m.programme_id
            for m in access.programme_memberships()
            if m.role in (Role.COORDINATOR, Role.OBSERVER) and m.programme_id is not None
        }
    )
    return Q(programme_id__in=ids) if ids else False


@object_rule("programmes.Programme", "results")
def may_read_results(access: Access, programme: Programme) -> bool:
    return access.is_national or access.has_programme_role(programme, Role.COORDINATOR, Role.OBSERVER)


@object_rule("programmes.Programme", "define-results")
def may_define_results(access: Access, programme: Programme) -> bool:
    return access.is_coordinator(programme)


rule("results.ResultsIndicator", "view")(results_programme_ids)
rule("results.DonorReport", "view")(results_programme_ids)


@object_rule("results.ResultsIndicator", "manage")
def may_manage_indicator(access: Access, indicator: ResultsIndicator) -> bool:
    return access.is_coordinator(indicator.programme_id)


def may_open_results(access: Access) -> bool:
    """The results index: anyone who may read the results of some programme."""
    return access.is_national or any(
        m.role in (Role.COORDINATOR, Role.OBSERVER) for m in access.programme_memberships()
    )


# Predicates for services, which take users.
def can_view_results(user: Actor, programme: Programme) -> bool:
    return may_read_results(access_for(user), programme)


def can_manage_framework(user: Actor, programme: Programme) -> bool:
    return may_define_results(access_for(user), programme)
