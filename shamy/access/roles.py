"""The roles and the role sets. Each set is defined here, once; apps import them, never redefine.

A role is always held through a :class:`~shamy.access.models.Membership` with a scope: the whole
country, a region, a school, or a programme (and for school roles one cohort's school). A country
administrator's membership names its country (a partner country's registry and programmes).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    MINISTRY_ANALYST = "ministry_analyst", _("Ministry analyst")
    REGIONAL_ANALYST = "regional_analyst", _("Regional education department analyst")
    SCHOOL_PRINCIPAL = "school_principal", _("School principal")
    COORDINATOR = "coordinator", _("Programme coordinator")
    SCHOOL_FACILITATOR = "school_facilitator", _("School facilitator")
    LINK_FACILITATOR = "link_facilitator", _("Link facilitator")
    TEACHER = "teacher", _("Teacher")
    CERTIFIER = "certifier", _("Certifier")
    OBSERVER = "observer", _("Observer or donor")
    FELLOW = "fellow", _("Fellow")
    TRAINER = "trainer", _("Certified trainer")
    COUNTRY_ADMIN = "country_admin", _("Country administrator")


# --- The foundation ---------------------------------------------------------------------------
# The whole country: read every registry page, every aggregate, every programme (without a role in it).
# The system administrator reads every country; the ministry analyst the installation's home
# country (shamy.core.countries.HOME_COUNTRY): what each reads is Access.countries.
NATIONAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.MINISTRY_ANALYST})
# One partner country's whole registry and its programmes (read-only), nothing of another country's.
# Not a national role: the apps that give national readers every programme's rows do not give them
# to a country administrator (deny by default); the registry and programme rules read their country.
COUNTRY_ROLES = frozenset({Role.COUNTRY_ADMIN})

# --- Programmes -------------------------------------------------------------------------------
# Roles that only exist inside a programme: a membership with one of them always names its programme.
# A fellow (fellowship programmes) holds the role through a membership naming the programme and
# the fellow's cohort; their school comes from their placement, not the membership, so the role is
# in none of the school sets below and reaches no other fellow's data through them.
# A certified trainer (school operators' programmes) holds the role from the day they are certified
# after a training-of-trainers course; the membership names the programme only: a trainer trains
# in the operator's schools and in state schools alike, so the role is in none of the school sets.
PROGRAMME_ONLY_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SCHOOL_FACILITATOR,
        Role.LINK_FACILITATOR,
        Role.TEACHER,
        Role.CERTIFIER,
        Role.OBSERVER,
        Role.FELLOW,
        Role.TRAINER,
    }
)
# Everything a programme membership can be: the programme-only roles and the principal taking part.
PROGRAMME_ROLES = PROGRAMME_ONLY_ROLES | {Role.SCHOOL_PRINCIPAL}
# Programme roles tied to one school of one cohort (the membership names both).
COHORT_SCHOOL_ROLES = frozenset({Role.SCHOOL_FACILITATOR, Role.TEACHER})
# Roles that act for one school of a cohort (a principal's programme membership may omit the cohort).
SCHOOL_ROLES = COHORT_SCHOOL_ROLES | {Role.SCHOOL_PRINCIPAL}
# Roles that reach every cohort of their programme (only the coordinator also manages it).
WHOLE_PROGRAMME_ROLES = frozenset({Role.COORDINATOR, Role.CERTIFIER, Role.OBSERVER})
# Roles that lead in-school work: facilitating, supporting schools, coordinating.
LEADING_ROLES = frozenset({Role.COORDINATOR, Role.SCHOOL_FACILITATOR, Role.LINK_FACILITATOR})
# Roles that take part in or lead sessions (certifiers and observers do not).
SESSION_ROLES = LEADING_ROLES | SCHOOL_ROLES
# Roles counted as a session's participants (expected at a gathering of their school).
PARTICIPANT_ROLES = SCHOOL_ROLES
# Roles with a projects board or an overview to open (national readers open it too).
BOARD_ROLES = frozenset(
    {Role.COORDINATOR, Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL, Role.LINK_FACILITATOR, Role.OBSERVER}
)
# Roles that see a programme's aggregates (analytics filtered to their programmes; overviews).
PROGRAMME_VIEWER_ROLES = frozenset({Role.COORDINATOR, Role.OBSERVER})
# Roles that read the list of submitted portfolios.
SUBMISSION_READER_ROLES = frozenset({Role.CERTIFIER, Role.COORDINATOR})
