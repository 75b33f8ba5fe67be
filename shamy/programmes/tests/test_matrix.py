"""Authorization matrix: every programmes/attendance URL × every persona of both casts.

Statuses: 200 shown, 302 done-and-redirected (or, for anonymous, sent to sign in), 403 visible
but not allowed, 404 invisible. The meta-test fails when a URL name is missing here.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from shamy.programmes.testing import ALL_PERSONAS

pytestmark = pytest.mark.django_db

# Who can see programme P at all: its participants and the national readers.
IN_P = {"aliya", "timur", "madina", "serik", "talgat", "tomiris", "nurlan", "bolat", "saule", "aigerim", "dana"}
NOT_IN_P = {"erbol", "kairat", "olzhas"}
IN_COHORT_A = {"aliya", "timur", "madina", "serik", "talgat", "nurlan", "bolat", "aigerim", "dana"}
# Who may see the in-school session at A1 and its material.
SEES_SESSION_A1 = {"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}
# Who may see the region-A network event.
SEES_NETWORK_A = {"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}


def statuses(allowed: set[str], visible: set[str], ok: int = 200) -> dict[str, int]:
    """``ok`` for allowed personas, 403 for those who see the object but may not act,
    404 for everyone else, 302 (to sign in) for anonymous."""
    table = {}
    for persona in ALL_PERSONAS:
        if persona == "anonymous":
            table[persona] = 302
        elif persona in allowed:
            table[persona] = ok
        elif persona in visible:
            table[persona] = 403
        else:
            table[persona] = 404
    return table


def everyone(status: int = 200, anonymous: int = 302) -> dict[str, int]:
    return {persona: (anonymous if persona == "anonymous" else status) for persona in ALL_PERSONAS}


# url name: (method, url builder over (cast, scene), {persona: status})
MATRIX = {
    "programmes:programme-list": ("get", lambda c, s: reverse("programmes:programme-list"), everyone()),
    "programmes:programme-detail": (
        "get",
        lambda c, s: reverse("programmes:programme-detail", args=[c.programme.pk]),
        statuses(IN_P, IN_P),
    ),
    "programmes:programme-create": (
        "get",
        lambda c, s: reverse("programmes:programme-create"),
        statuses({"aigerim"}, set(ALL_PERSONAS)),
    ),
    "programmes:cohort-create": (
        "get",
        lambda c, s: reverse("programmes:cohort-create", args=[c.programme.pk]),
        statuses({"aliya"}, IN_P),
    ),
    "programmes:stage-create": (
        "get",
        lambda c, s: reverse("programmes:stage-create", args=[c.programme.pk]),
        statuses({"aliya"}, IN_P),
    ),
    "programmes:stage-edit": (
        "get",
        lambda c, s: reverse("programmes:stage-edit", args=[s.stage.pk]),
        statuses({"aliya"}, IN_P),
    ),
    "programmes:invitation-list": (
        "get",
        lambda c, s: reverse("programmes:invitation-list", args=[c.programme.pk]),
        statuses({"aliya"}, IN_P),
    ),
    "programmes:invitation-revoke": (
        "post",
        lambda c, s: reverse("programmes:invitation-revoke", args=[s.invitation.pk]),
        statuses({"aliya"}, IN_P, ok=302),
    ),
    "programmes:cohort-detail": (
        "get",
        lambda c, s: reverse("programmes:cohort-detail", args=[c.cohort_a.pk]),
        statuses(IN_COHORT_A, IN_COHORT_A),
    ),
    "programmes:cohort-school-add": (
        "get",
        lambda c, s: reverse("programmes:cohort-school-add", args=[c.cohort_a.pk]),
        statuses({"aliya"}, IN_COHORT_A),
    ),
    "programmes:link-assign": (
        "post",
        lambda c, s: reverse("programmes:link-assign", args=[c.cohort_a.pk]),
        statuses({"aliya"}, IN_COHORT_A, ok=302),
    ),
    "programmes:cohort-school-invite-staff": (
        "post",
        lambda c, s: reverse("programmes:cohort-school-invite-staff", args=[c.cohort_school_a1.pk]),
        statuses({"aliya"}, IN_COHORT_A, ok=302),
    ),
    # The invitation page is public: the token is the credential.
    "programmes:invitation-accept": (
        "get",
        lambda c, s: reverse("programmes:invitation-accept", args=[s.invitation_token]),
        everyone(200, anonymous=200),
    ),
    "attendance:my-sessions": ("get", lambda c, s: reverse("attendance:my-sessions"), everyone()),
    "attendance:my-calendar": ("get", lambda c, s: reverse("attendance:my-calendar"), everyone()),
    "attendance:school-calendar": (
        "get",
        lambda c, s: reverse("attendance:school-calendar", args=[c.school_a1.pk]),
        statuses({"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}, set()),
    ),
    "attendance:gathering-list": (
        "get",
        lambda c, s: reverse("attendance:gathering-list", args=[c.programme.pk]),
        statuses(IN_P, IN_P),
    ),
    "attendance:gathering-create": (
        "get",
        lambda c, s: reverse("attendance:gathering-create", args=[c.programme.pk]),
        statuses({"aliya", "timur", "madina"}, IN_P),
    ),
    "attendance:series-create": (
        "get",
        lambda c, s: reverse("attendance:series-create", args=[c.programme.pk]),
        statuses({"aliya", "timur", "madina"}, IN_P),
    ),
    "attendance:report": (
        "get",
        lambda c, s: reverse("attendance:report", args=[c.programme.pk]),
        statuses({"aliya", "nurlan", "aigerim", "dana"}, IN_P),
    ),
    "attendance:gathering-detail": (
        "get",
        lambda c, s: reverse("attendance:gathering-detail", args=[s.session_a1.pk]),
        statuses(SEES_SESSION_A1, SEES_SESSION_A1),
    ),
    "attendance:gathering-edit": (
        "get",
        lambda c, s: reverse("attendance:gathering-edit", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1),
    ),
    # Without a reason nothing is cancelled: those allowed are sent back to the page with an error.
    "attendance:gathering-cancel": (
        "post",
        lambda c, s: reverse("attendance:gathering-cancel", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:gathering-restore": (
        "post",
        lambda c, s: reverse("attendance:gathering-restore", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:attendance-take": (
        "get",
        lambda c, s: reverse("attendance:attendance-take", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1),
    ),
    "attendance:attendance-mark": (
        "post",
        lambda c, s: reverse("attendance:attendance-mark", args=[s.attendance_talgat.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:expected-add": (
        "post",
        lambda c, s: reverse("attendance:expected-add", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:expected-remove": (
        "post",
        lambda c, s: reverse("attendance:expected-remove", args=[s.attendance_talgat.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:material-upload": (
        "post",
        lambda c, s: reverse("attendance:material-upload", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:material-download": (
        "get",
        lambda c, s: reverse("attendance:material-download", args=[s.material.pk]),
        statuses(SEES_SESSION_A1, SEES_SESSION_A1),
    ),
    "attendance:recording-set": (
        "post",
        lambda c, s: reverse("attendance:recording-set", args=[s.session_a1.pk]),
        statuses({"aliya", "timur"}, SEES_SESSION_A1, ok=302),
    ),
    "attendance:presentation-create": (
        "post",
        lambda c, s: reverse("attendance:presentation-create", args=[s.network_a.pk]),
        statuses({"aliya", "madina", "talgat", "timur"}, SEES_NETWORK_A, ok=302),
    ),
    "attendance:feedback-create": (
        "post",
        lambda c, s: reverse("attendance:feedback-create", args=[s.presentation.pk]),
        statuses({"aliya", "madina", "talgat", "timur", "bolat"}, SEES_NETWORK_A, ok=302),
    ),
}


@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_permission_matrix(client, programme_cast, scene, url_name, persona):
    method, build, expected = MATRIX[url_name]
    user = programme_cast.user(persona)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(build(programme_cast, scene))
    assert response.status_code == expected[persona], (url_name, persona)
    if persona == "anonymous" and expected[persona] == 302:
        assert reverse("accounts:login") in response["Location"]


def test_every_url_is_in_the_matrix():
    resolver = get_resolver()
    names = set()
    for namespace in ("programmes", "attendance"):
        _prefix, sub = resolver.namespace_dict[namespace]
        names |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
    assert names == set(MATRIX)


def test_matrix_covers_every_persona():
    for _method, _build, table in MATRIX.values():
        assert set(table) == set(ALL_PERSONAS)
