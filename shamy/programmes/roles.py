"""Labels of the programme roles and messages of the programme scope rules on Membership.

The strings live in ``accounts.models`` (the foundation's app), whose catalogue is not ours.
Listing the same msgids here puts them into the programmes catalogue, and Django's merged
translation catalogue then translates them wherever accounts uses them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ROLE_LABELS = {
    "coordinator": _("Programme coordinator"),
    "school_principal": _("School principal"),
    "school_facilitator": _("School facilitator"),
    "link_facilitator": _("Link facilitator"),
    "teacher": _("Teacher"),
    "certifier": _("Certifier"),
    "observer": _("Observer or donor"),
}

MEMBERSHIP_SCOPE_MESSAGES = (
    _("A programme role needs a programme."),
    _("A school facilitator or teacher needs a school and a cohort."),
    _("A cohort is only given with its programme."),
    _("This cohort belongs to another programme."),
    _("programme"),
    _("cohort"),
)
