"""Authorization matrix: every programmes/attendance URL × every persona of both casts.

Statuses: 200 shown, 302 done-and-redirected (or, for anonymous, sent to sign in), 403 visible
but not allowed, 404 invisible. The meta-test fails when a URL name is missing here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test, namespace_url_names, url_names
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast, build_scene

pytestmark = pytest.mark.django_db

# Who can see programme P at all: its participants and the national readers.
IN_P = {"aliya", "timur", "madina", "serik", "talgat", "tomiris", "nurlan", "bolat", "saule", "aigerim", "dana"}
NOT_IN_P = {"erbol", "kairat", "olzhas"}
IN_COHORT_A = {"aliya", "timur", "madina", "serik", "talgat", "nurlan", "bolat", "aigerim", "dana"}
# Who may see the in-school session at A1 and its material.
SEES_SESSION_A1 = {"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}
# Who may see the region-A network event.
SEES_NETWORK_A = {"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}


expect = Expect(ALL_PERSONAS)


# The url builders take (cast, scene).
MATRIX = [
    Row("programmes:programme-list", lambda c, s: reverse("programmes:programme-list"), expect.everyone()),
    Row(
        "programmes:programme-detail",
        lambda c, s: reverse("programmes:programme-detail", args=[c.programme.pk]),
        expect.only(IN_P, visible=IN_P),
    ),
    Row(
        "programmes:programme-create",
        lambda c, s: reverse("programmes:programme-create"),
        expect.only({"aigerim"}, visible=set(ALL_PERSONAS)),
    ),
    Row(
        "programmes:cohort-create",
        lambda c, s: reverse("programmes:cohort-create", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    # Without a value the form is refused: the coordinator is sent back to the programme page.
    Row(
        "programmes:programme-marking",
        lambda c, s: reverse("programmes:programme-marking", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P, ok=302),
        method="post",
    ),
    Row(
        "programmes:stage-create",
        lambda c, s: reverse("programmes:stage-create", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "programmes:stage-edit",
        lambda c, s: reverse("programmes:stage-edit", args=[s.stage.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "programmes:invitation-list",
        lambda c, s: reverse("programmes:invitation-list", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "programmes:invitation-revoke",
        lambda c, s: reverse("programmes:invitation-revoke", args=[s.invitation.pk]),
        expect.only({"aliya"}, visible=IN_P, ok=302),
        method="post",
    ),
    Row(
        "programmes:cohort-detail",
        lambda c, s: reverse("programmes:cohort-detail", args=[c.cohort_a.pk]),
        expect.only(IN_COHORT_A, visible=IN_COHORT_A),
    ),
    Row(
        "programmes:cohort-school-add",
        lambda c, s: reverse("programmes:cohort-school-add", args=[c.cohort_a.pk]),
        expect.only({"aliya"}, visible=IN_COHORT_A),
    ),
    Row(
        "programmes:link-assign",
        lambda c, s: reverse("programmes:link-assign", args=[c.cohort_a.pk]),
        expect.only({"aliya"}, visible=IN_COHORT_A, ok=302),
        method="post",
    ),
    Row(
        "programmes:cohort-school-invite-staff",
        lambda c, s: reverse("programmes:cohort-school-invite-staff", args=[c.cohort_school_a1.pk]),
        expect.only({"aliya"}, visible=IN_COHORT_A, ok=302),
        method="post",
    ),
    # The invitation page is public: the token is the credential.
    Row(
        "programmes:invitation-accept",
        lambda c, s: reverse("programmes:invitation-accept", args=[s.invitation_token]),
        expect.everyone(200, anonymous=None),
    ),
    Row("attendance:my-sessions", lambda c, s: reverse("attendance:my-sessions"), expect.everyone()),
    Row("attendance:my-calendar", lambda c, s: reverse("attendance:my-calendar"), expect.everyone()),
    Row(
        "attendance:school-calendar",
        lambda c, s: reverse("attendance:school-calendar", args=[c.school_a1.pk]),
        expect.only({"aliya", "timur", "madina", "talgat", "bolat", "aigerim", "dana"}),
    ),
    Row(
        "attendance:gathering-list",
        lambda c, s: reverse("attendance:gathering-list", args=[c.programme.pk]),
        expect.only(IN_P, visible=IN_P),
    ),
    Row(
        "attendance:gathering-create",
        lambda c, s: reverse("attendance:gathering-create", args=[c.programme.pk]),
        expect.only({"aliya", "timur", "madina"}, visible=IN_P),
    ),
    Row(
        "attendance:series-create",
        lambda c, s: reverse("attendance:series-create", args=[c.programme.pk]),
        expect.only({"aliya", "timur", "madina"}, visible=IN_P),
    ),
    Row(
        "attendance:report",
        lambda c, s: reverse("attendance:report", args=[c.programme.pk]),
        expect.only({"aliya", "nurlan", "aigerim", "dana"}, visible=IN_P),
    ),
    Row(
        "attendance:gathering-detail",
        lambda c, s: reverse("attendance:gathering-detail", args=[s.session_a1.pk]),
        expect.only(SEES_SESSION_A1, visible=SEES_SESSION_A1),
    ),
    Row(
        "attendance:gathering-edit",
        lambda c, s: reverse("attendance:gathering-edit", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1),
    ),
    # Without a reason nothing is cancelled: those allowed are sent back to the page with an error.
    Row(
        "attendance:gathering-cancel",
        lambda c, s: reverse("attendance:gathering-cancel", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:gathering-restore",
        lambda c, s: reverse("attendance:gathering-restore", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:offline-pages",
        lambda c, s: reverse("attendance:offline-pages"),
        expect.everyone(),  # each their own: the gatherings they lead (shamy/offline/tests/test_views.py)
    ),
    Row(
        "attendance:attendance-take",
        lambda c, s: reverse("attendance:attendance-take", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1),
    ),
    Row(
        "attendance:attendance-mark-everyone",
        lambda c, s: reverse("attendance:attendance-mark-everyone", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    # The confirm page of "clear the marks and cancel": those who manage the gathering.
    Row(
        "attendance:gathering-clear-cancel",
        lambda c, s: reverse("attendance:gathering-clear-cancel", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1),
    ),
    Row(
        "attendance:attendance-mark",
        lambda c, s: reverse("attendance:attendance-mark", args=[s.attendance_talgat.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:expected-add",
        lambda c, s: reverse("attendance:expected-add", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:expected-remove",
        lambda c, s: reverse("attendance:expected-remove", args=[s.attendance_talgat.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:material-upload",
        lambda c, s: reverse("attendance:material-upload", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:material-download",
        lambda c, s: reverse("attendance:material-download", args=[s.material.pk]),
        expect.only(SEES_SESSION_A1, visible=SEES_SESSION_A1),
    ),
    Row(
        "attendance:recording-set",
        lambda c, s: reverse("attendance:recording-set", args=[s.session_a1.pk]),
        expect.only({"aliya", "timur"}, visible=SEES_SESSION_A1, ok=302),
        method="post",
    ),
    Row(
        "attendance:presentation-create",
        lambda c, s: reverse("attendance:presentation-create", args=[s.network_a.pk]),
        expect.only({"aliya", "madina", "talgat", "timur"}, visible=SEES_NETWORK_A, ok=302),
        method="post",
    ),
    Row(
        "attendance:feedback-create",
        lambda c, s: reverse("attendance:feedback-create", args=[s.presentation.pk]),
        expect.only({"aliya", "madina", "talgat", "timur", "bolat"}, visible=SEES_NETWORK_A, ok=302),
        method="post",
    ),
]


def _programmes_world():
    people = build_programme_cast(build_cast())
    return people, build_scene(people)


# The fixtures programme_cast and scene, built once for all the cases (shamy.core.testing.shared).
programmes_world = shared_world(_programmes_world)
test_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="programmes_world")
test_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="programme_cast", scene="scene")


def test_every_url_is_in_the_matrix():
    assert namespace_url_names("programmes", "attendance") == url_names(MATRIX)


def test_matrix_covers_every_persona():
    assert all(set(row.expected) == set(ALL_PERSONAS) for row in MATRIX)
