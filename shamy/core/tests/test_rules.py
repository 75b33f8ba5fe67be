"""Named rules (``shamy.core.rules``): deny by default, 404 before 403, and every restricted model
has a "view" rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from shamy.access.context import Access, access_for
from shamy.core import rules
from shamy.core.rules import RestrictedQuerySet, allowed, checked, object_rule, registered_rules, require
from shamy.programmes.models import Programme


def test_every_restricted_model_has_a_view_rule() -> None:
    restricted = [model for model in apps.get_models() if isinstance(model._default_manager.all(), RestrictedQuerySet)]
    assert len(restricted) >= 8
    labels = {label for label, action in registered_rules() if action == "view"}
    missing = [model._meta.label for model in restricted if model._meta.label.lower() not in labels]
    assert missing == []


@pytest.mark.django_db
def test_an_unnamed_action_raises_instead_of_returning_everything(programme_cast) -> None:
    with pytest.raises(ImproperlyConfigured, match="No rule 'nonsense' for programmes.Programme"):
        Programme.objects.restrict(programme_cast.aliya, "nonsense")


@pytest.mark.django_db
def test_anonymous_and_roleless_users_see_nothing(programme_cast, django_user_model) -> None:
    assert not Programme.objects.restrict(AnonymousUser(), "view").exists()
    assert not Programme.objects.restrict(None, "view").exists()
    nobody = django_user_model.objects.create_user(email="nobody@example.kz", password="x" * 12)
    assert not Programme.objects.restrict(nobody, "view").exists()


@pytest.mark.django_db
def test_restrict_takes_a_user_or_the_same_access_object(programme_cast) -> None:
    aliya = programme_cast.aliya
    by_user = set(Programme.objects.restrict(aliya, "view").values_list("pk", flat=True))
    by_access = set(Programme.objects.restrict(access_for(aliya), "view").values_list("pk", flat=True))
    assert by_user == by_access == {programme_cast.programme.pk}


@pytest.fixture
def edit_rule() -> Iterator[None]:
    """A temporary object rule: only coordinators may "edit" a programme."""

    @object_rule("programmes.Programme", "test-edit")
    def may_edit(access: Access, programme: Programme) -> bool:
        return access.is_coordinator(programme)

    yield
    rules._object_rules.pop(("programmes.programme", "test-edit"))


def _view(request, programme: Programme) -> HttpResponse:
    return HttpResponse(programme.name_ru)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.access = access_for(user)
    return request


@pytest.mark.django_db
def test_checked_gives_404_when_invisible_403_when_not_allowed_and_the_object_otherwise(
    programme_cast, edit_rule
) -> None:
    view = checked(Programme, "test-edit")(_view)
    programme = programme_cast.programme
    # The coordinator may edit: the view receives the object.
    response = view(_request(programme_cast.aliya), pk=programme.pk)
    assert response.content.decode() == programme.name_ru
    # A teacher of the programme sees it but may not edit it: 403.
    with pytest.raises(PermissionDenied):
        view(_request(programme_cast.talgat), pk=programme.pk)
    # The other programme is invisible to the teacher: 404, as is a missing or malformed id.
    for pk in (programme_cast.other_programme.pk, 999_999, "abc"):
        with pytest.raises(Http404):
            view(_request(programme_cast.talgat), pk=pk)


@pytest.mark.django_db
def test_allowed_falls_back_to_the_query_rule_and_require_raises(programme_cast) -> None:
    programme, other = programme_cast.programme, programme_cast.other_programme
    assert allowed(programme_cast.talgat, programme, "view")
    assert not allowed(programme_cast.talgat, other, "view")
    assert not allowed(AnonymousUser(), programme, "view")
    with pytest.raises(PermissionDenied):
        require(programme_cast.talgat, other, "view")


def test_two_rules_for_one_model_and_action_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="Two rules"):
        rules.rule("programmes.Programme", "view")(lambda access: True)


@pytest.mark.django_db
def test_checked_with_another_visible_rule_checks_only_that_rule(programme_cast) -> None:
    """``visible="calendar"``-style resolution: the object comes through the named rule alone,
    even for an actor whose "view" rule does not cover it (no second, stricter check)."""
    key = ("programmes.programme", "test-wide")

    @rules.rule("programmes.Programme", "test-wide")
    def every_programme(access: Access) -> bool:
        return True

    try:
        view = checked(Programme, visible="test-wide")(_view)
        other = programme_cast.other_programme
        assert not allowed(programme_cast.talgat, other, "view")
        response = view(_request(programme_cast.talgat), pk=other.pk)
        assert response.content.decode() == other.name_ru
    finally:
        rules._query_rules.pop(key)
