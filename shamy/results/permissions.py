"""Who reads a programme's results and donor reports, and who defines its framework. Deny by default.

- read the results page, request and download donor reports: the programme's coordinators and
  observers (donors), and national readers;
- define the results framework: the programme's coordinators.
"""

from __future__ import annotations

from shamy.access.context import Actor, access_for
from shamy.access.roles import Role
from shamy.programmes.models import Programme


def can_view_results(user: Actor, programme: Programme) -> bool:
    access = access_for(user)
    return access.is_national or access.has_programme_role(programme, Role.COORDINATOR, Role.OBSERVER)


def can_manage_framework(user: Actor, programme: Programme) -> bool:
    return access_for(user).is_coordinator(programme)
