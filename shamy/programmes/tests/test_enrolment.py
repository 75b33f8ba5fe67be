from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import EmploymentFactory, PersonFactory, SchoolFactory
from shamy.programmes.models import CohortSchool, Invitation
from shamy.programmes.services.enrolment import (
    InvitationError,
    cohort_school_add,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitations_create_for_school_staff,
    programme_membership_grant,
)
from shamy.registry.models import Position

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"  # noqa: S105


def _invite(c, django_capture_on_commit_callbacks, **extra):
    options = {
        "actor": c.aliya,
        "programme": c.programme,
        "email": "New.Teacher@Example.kz",
        "role": Role.TEACHER,
        "cohort": c.cohort_a,
        "school": c.school_a1,
        "language": "ru",
    }
    options.update(extra)
    with django_capture_on_commit_callbacks(execute=True):
        return invitation_create(**options)


def test_invitation_mail_is_sent_after_commit_in_the_invitee_language(
    programme_cast, django_capture_on_commit_callbacks
):
    invitation = _invite(programme_cast, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.teacher@example.kz"]
    assert "Приглашение" in message.subject
    assert invitation.token in message.body
    # Only the hash is stored.
    stored = Invitation.objects.get(pk=invitation.pk)
    assert invitation.token not in stored.token_hash
    entry = AuditEntry.objects.get(action="programmes.invitation.created")
    assert entry.after is not None and "token_hash" not in entry.after


def test_accepting_creates_the_account_links_a_new_person_and_grants_the_role(
    programme_cast, django_capture_on_commit_callbacks
):
    c = programme_cast
    invitation = _invite(c, django_capture_on_commit_callbacks)
    user = invitation_accept(token=invitation.token, password=PASSWORD, surname="Сапаров", given_name="Ерлан")
    assert user.check_password(PASSWORD)
    assert user.email == "new.teacher@example.kz"
    assert user.person.full_name == "Сапаров Ерлан"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.programme, membership.cohort, membership.school) == (
        Role.TEACHER,
        c.programme,
        c.cohort_a,
        c.school_a1,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="programmes.invitation.accepted", actor=user).exists()


def test_accepting_links_the_invited_registry_person(programme_cast, django_capture_on_commit_callbacks):
    c = programme_cast
    person = PersonFactory(email="gulnar@example.kz")
    EmploymentFactory(person=person, school=c.school_a1)
    invitation = _invite(c, django_capture_on_commit_callbacks, email="gulnar@example.kz", person=person)
    user = invitation_accept(token=invitation.token, password=PASSWORD)
    person.refresh_from_db()
    assert person.user == user


def test_invitation_is_single_use(programme_cast, django_capture_on_commit_callbacks):
    invitation = _invite(programme_cast, django_capture_on_commit_callbacks)
    invitation_accept(token=invitation.token, password=PASSWORD, surname="А", given_name="Б")
    with pytest.raises(InvitationError) as caught:
        invitation_accept(token=invitation.token, password=PASSWORD, surname="А", given_name="Б")
    assert caught.value.code == "used"
    assert Membership.objects.filter(user__email="new.teacher@example.kz").count() == 1


def test_expired_invitation_is_refused(programme_cast, django_capture_on_commit_callbacks):
    invitation = _invite(programme_cast, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(InvitationError) as caught:
        invitation_for_token(invitation.token)
    assert caught.value.code == "expired"
    assert not User.objects.filter(email="new.teacher@example.kz").exists()


def test_wrong_token_is_refused(programme_cast):
    with pytest.raises(InvitationError) as caught:
        invitation_for_token("not-a-token")
    assert caught.value.code == "unknown"


def test_pages_for_wrong_used_and_expired_links_explain_in_the_visitor_language(
    client, programme_cast, django_capture_on_commit_callbacks
):
    invitation = _invite(programme_cast, django_capture_on_commit_callbacks)
    url = reverse("programmes:invitation-accept", args=[invitation.token])
    # The visitor picked Russian with the language buttons (a cookie); the browser's own
    # Accept-Language is ignored, Kazakh being the default.
    client.cookies["shamy_language"] = "ru"
    response = client.post(
        url,
        {"surname": "Сапаров", "given_name": "Ерлан", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    client.logout()
    client.cookies["shamy_language"] = "ru"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "уже использовано" in response.content.decode()
    client.cookies["shamy_language"] = "kk"
    response = client.get(reverse("programmes:invitation-accept", args=["wrong"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "жарамсыз" in response.content.decode()


def test_only_the_coordinator_invites(programme_cast, django_capture_on_commit_callbacks):
    c = programme_cast
    for actor in (c.timur, c.erbol, c.aigerim):
        with pytest.raises(PermissionDenied):
            _invite(c, django_capture_on_commit_callbacks, actor=actor)


def test_school_role_needs_a_school_of_the_cohort(programme_cast, django_capture_on_commit_callbacks):
    c = programme_cast
    with pytest.raises(ValidationError):
        _invite(c, django_capture_on_commit_callbacks, school=c.school_b1)


def test_bulk_invitation_of_school_staff(programme_cast, django_capture_on_commit_callbacks):
    c = programme_cast
    school = SchoolFactory(region=c.region_a)
    cohort_school_add(actor=c.aliya, cohort=c.cohort_a, school=school)
    principal = PersonFactory(email="director@example.kz")
    EmploymentFactory(person=principal, school=school, position=Position.PRINCIPAL)
    teachers = [PersonFactory(email=f"t{n}@example.kz") for n in range(3)]
    for teacher in teachers:
        EmploymentFactory(person=teacher, school=school)
    no_email = PersonFactory(email="")
    EmploymentFactory(person=no_email, school=school)
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations_create_for_school_staff(actor=c.aliya, cohort=c.cohort_a, school=school)
    assert sorted((i.email, i.role) for i in result.invited) == [
        ("director@example.kz", Role.SCHOOL_PRINCIPAL),
        ("t0@example.kz", Role.TEACHER),
        ("t1@example.kz", Role.TEACHER),
        ("t2@example.kz", Role.TEACHER),
    ]
    assert result.skipped_without_email == [no_email]
    assert len(mail.outbox) == 4
    # Running it again invites nobody twice.
    again = invitations_create_for_school_staff(actor=c.aliya, cohort=c.cohort_a, school=school)
    assert again.invited == [] and len(again.skipped_already_in) == 4


def test_facilitator_limit_per_school_is_enforced(programme_cast):
    c = programme_cast
    second = User.objects.create_user("second@example.kz", PASSWORD)
    third = User.objects.create_user("third@example.kz", PASSWORD)
    programme_membership_grant(
        actor=c.aliya,
        user=second,
        programme=c.programme,
        role=Role.SCHOOL_FACILITATOR,
        cohort=c.cohort_a,
        school=c.school_a1,
    )
    with pytest.raises(ValidationError):
        programme_membership_grant(
            actor=c.aliya,
            user=third,
            programme=c.programme,
            role=Role.SCHOOL_FACILITATOR,
            cohort=c.cohort_a,
            school=c.school_a1,
        )
    c.cohort_a.facilitators_per_school = 3
    c.cohort_a.save()
    programme_membership_grant(
        actor=c.aliya,
        user=third,
        programme=c.programme,
        role=Role.SCHOOL_FACILITATOR,
        cohort=c.cohort_a,
        school=c.school_a1,
    )
    assert Membership.objects.filter(role=Role.SCHOOL_FACILITATOR, school=c.school_a1).count() == 3


def test_adding_a_school_twice_is_refused_and_audited_once(programme_cast):
    c = programme_cast
    with pytest.raises(ValidationError):
        cohort_school_add(actor=c.aliya, cohort=c.cohort_a, school=c.school_a1)
    school = SchoolFactory()
    cohort_school_add(actor=c.aliya, cohort=c.cohort_a, school=school)
    assert CohortSchool.objects.filter(cohort=c.cohort_a, school=school).exists()
    assert AuditEntry.objects.filter(action="programmes.cohort_school.added").count() == 1


def test_school_search_finds_kazakh_names_case_insensitively(client, programme_cast):
    c = programme_cast
    client.force_login(c.aliya)
    url = reverse("programmes:cohort-school-add", args=[c.cohort_b.pk])
    response = client.get(url, {"q": "АҚСУ"})
    assert [s.pk for s in response.context["results"]] == [c.school_a1.pk]
    # Schools already in the cohort are not offered again.
    response = client.get(reverse("programmes:cohort-school-add", args=[c.cohort_a.pk]), {"q": "ақсу"})
    assert response.context["results"] == []


def test_coordinator_edits_the_methodology_in_three_languages(client, programme_cast):
    c = programme_cast
    stage = c.programme.stages.order_by("order").first()
    client.force_login(c.aliya)
    response = client.post(
        reverse("programmes:stage-edit", args=[stage.pk]),
        {
            "title_kk": "Мәселені анықтау",
            "title_ru": "Выявление проблемы",
            "title_en": "Identifying a concern",
            "guidance_kk": "Оқушыларға не кедергі?",
            "guidance_ru": "Что мешает ученикам?",
            "guidance_en": "What holds pupils back?",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.guidance_kk == "Оқушыларға не кедергі?"
    assert AuditEntry.objects.filter(action="programmes.methodology_stage.updated").exists()
    client.force_login(c.talgat)
    page = client.get(reverse("programmes:programme-detail", args=[c.programme.pk]), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Оқушыларға не кедергі?" in page.content.decode()


def test_outsiders_do_not_see_programme_names(client, programme_cast):
    c = programme_cast
    for persona in ("erbol", "kairat", "olzhas"):
        client.force_login(c.user(persona))
        response = client.get(reverse("programmes:programme-list"))
        assert c.programme.name_kk not in response.content.decode()
        assert list(response.context["rows"]) == ([c.other_programme] if persona == "erbol" else [])


def test_certifier_and_observer_see_schools_but_no_people(client, programme_cast):
    c = programme_cast
    for persona in ("serik", "nurlan"):
        client.force_login(c.user(persona))
        response = client.get(reverse("programmes:cohort-detail", args=[c.cohort_a.pk]))
        assert all(row["people"] == [] for row in response.context["rows"])
    client.force_login(c.talgat)
    response = client.get(reverse("programmes:cohort-detail", args=[c.cohort_a.pk]))
    names = {m.user.email for row in response.context["rows"] for m in row["people"]}
    assert {"talgat@example.kz", "timur@example.kz", "bolat@example.kz"} <= names


def test_programme_list_query_count_is_constant(client, programme_cast, django_assert_num_queries):
    from shamy.programmes.models import Programme

    c = programme_cast
    client.force_login(c.aigerim)
    client.get(reverse("programmes:programme-list"))

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("programmes:programme-list")).status_code == 200
        return len(captured)

    two = count()
    for n in range(18):
        Programme.objects.create(
            name_kk=f"Бағдарлама {n}",
            name_ru=f"Программа {n}",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2025, 1, 1),
        )
    assert count() == two
    with django_assert_num_queries(two):
        client.get(reverse("programmes:programme-list"))


def test_system_admin_creates_a_programme_and_invites_its_coordinator(
    client, programme_cast, django_capture_on_commit_callbacks
):
    c = programme_cast
    client.force_login(c.aigerim)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:programme-create"),
            {
                "name_kk": "Жаңа бағдарлама",
                "name_ru": "Новая программа",
                "name_en": "New programme",
                "country": "KZ",
                "starts_on": "2026-01-01",
                "ends_on": "2027-06-30",
                "coordinator_email": "Coordinator@Example.kz",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="coordinator@example.kz")
    assert invitation.role == Role.COORDINATOR and invitation.invited_by == c.aigerim
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="programmes.programme.created").exists()


def test_coordinator_opens_a_cohort_within_the_programme_period(programme_cast):
    from shamy.programmes.services.programmes import cohort_create, programme_finish

    c = programme_cast
    cohort = cohort_create(
        actor=c.aliya,
        programme=c.programme,
        name_kk="Үшінші кезең",
        name_ru="Третий этап",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 5, 31),
        facilitators_per_school=3,
    )
    assert cohort.facilitators_per_school == 3
    with pytest.raises(ValidationError):
        cohort_create(
            actor=c.aliya,
            programme=c.programme,
            name_kk="x",
            name_ru="x",
            starts_on=datetime.date(2020, 9, 1),
            ends_on=datetime.date(2021, 5, 31),
        )
    with pytest.raises(PermissionDenied):
        cohort_create(
            actor=c.erbol,
            programme=c.programme,
            name_kk="x",
            name_ru="x",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
        )
    programme_finish(actor=c.aliya, programme=c.programme)
    c.programme.refresh_from_db()
    with pytest.raises(ValidationError):
        cohort_create(
            actor=c.aliya,
            programme=c.programme,
            name_kk="x",
            name_ru="x",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
        )


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["programmes:cohort-detail", "programmes:programme-detail"])
def test_cohort_and_programme_pages_query_count_is_constant(client, programme_cast, name):
    c = programme_cast
    client.force_login(c.aliya)
    url = reverse(name, args=[c.cohort_a.pk if name == "programmes:cohort-detail" else c.programme.pk])
    two = _count_queries(client, url)
    for n in range(18):
        school = SchoolFactory(region=c.region_a if n % 2 else c.region_b)
        cohort_school_add(actor=c.aliya, cohort=c.cohort_a, school=school)
        teacher = User.objects.create_user(f"teacher{n}@example.kz", PASSWORD)
        programme_membership_grant(
            actor=c.aliya, user=teacher, programme=c.programme, role=Role.TEACHER, cohort=c.cohort_a, school=school
        )
    assert _count_queries(client, url) == two
