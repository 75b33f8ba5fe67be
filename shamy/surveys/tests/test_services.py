"""Building, answering and aggregating surveys: real database, audit entries checked."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shamy.access.roles import Role
from shamy.analytics.models import AnalyticsSettings
from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import MembershipFactory, UserFactory
from shamy.surveys import answers
from shamy.surveys.models import Participation, Phase, Response, SurveyStatus
from shamy.surveys.selectors import ResultFilters, recipients_without_answer, survey_results
from shamy.surveys.services.responses import AlreadyAnswered, response_save_draft, response_submit
from shamy.surveys.services.surveys import survey_create, survey_create_post, survey_remind, survey_set_status

pytestmark = pytest.mark.django_db


class Data(dict):
    def getlist(self, key, default=None):
        value = self.get(key)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


def full_answer(scene, likert=4, number=3, matrix=(3, 4)):
    return Data(
        {
            f"q{scene.likert.pk}": str(likert),
            f"q{scene.single.pk}": "no",
            f"q{scene.number.pk}": str(number),
            f"q{scene.matrix.pk}_research": str(matrix[0]),
            f"q{scene.matrix.pk}_leadership": str(matrix[1]),
        }
    )


def answer(user, survey, data):
    questions = list(survey.questions.order_by("position", "id"))
    parsed = answers.parse(questions, data, final=True)
    assert not parsed.errors, parsed.errors
    return response_submit(actor=user, survey=survey, parsed=parsed)


def test_only_the_coordinator_builds(programme_cast):
    c = programme_cast
    now = timezone.now()
    for outsider in (c.nurlan, c.talgat, c.erbol, c.aigerim):
        with pytest.raises(PermissionDenied):
            survey_create(
                actor=outsider,
                programme=c.programme,
                title={"kk": "X"},
                audience_role=Role.TEACHER,
                opens_at=now,
                closes_at=now + datetime.timedelta(days=1),
            )
    survey = survey_create(
        actor=c.aliya,
        programme=c.programme,
        title={"kk": "Сауалнама", "ru": "Анкета", "en": "Survey"},
        audience_role=Role.TEACHER,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
    )
    entry = AuditEntry.objects.get(action="surveys.survey.created")
    assert entry.actor == c.aliya and entry.target_id == str(survey.pk)


def test_required_questions_and_skip_logic(survey_scene):
    scene = survey_scene
    questions = list(scene.pre.questions.order_by("position"))
    parsed = answers.parse(questions, Data({f"q{scene.single.pk}": "no"}), final=True)
    assert scene.likert.pk in parsed.errors and scene.matrix.pk in parsed.errors
    theme = questions[2]
    assert theme.pk in parsed.hidden  # shown only when the answer is "yes"
    shown = answers.parse(questions, Data({f"q{scene.single.pk}": "yes", f"q{theme.pk}": ["literacy"]}), final=False)
    assert theme.pk not in shown.hidden
    assert any(value.choice == "literacy" for value in shown.values)
    invalid = answers.parse(questions, Data({f"q{scene.likert.pk}": "9"}), final=False)
    assert invalid.errors[scene.likert.pk]


def test_draft_is_kept_and_submitted_once(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    questions = list(scene.pre.questions.order_by("position"))
    partial = answers.parse(questions, Data({f"q{scene.likert.pk}": "2"}), final=False)
    first = response_save_draft(actor=c.talgat, survey=scene.pre, parsed=partial)
    again = response_save_draft(actor=c.talgat, survey=scene.pre, parsed=partial)
    assert first.pk == again.pk and first.respondent == c.talgat
    assert first.answers.get().number == 2
    answer(c.talgat, scene.pre, full_answer(scene))
    assert Response.objects.filter(survey=scene.pre).count() == 1
    with pytest.raises(AlreadyAnswered):
        answer(c.talgat, scene.pre, full_answer(scene))
    entry = AuditEntry.objects.get(action="surveys.response.submitted")
    assert entry.actor == c.talgat


def test_outside_the_audience_cannot_answer(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    for person in (c.timur, c.aliya, c.erbol, c.olzhas):
        with pytest.raises(PermissionDenied):
            answer(person, scene.pre, full_answer(scene))


def test_closed_survey_takes_no_answers(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    survey_set_status(actor=c.aliya, survey=scene.pre, status=SurveyStatus.CLOSED)
    scene.pre.refresh_from_db()
    with pytest.raises(ValidationError):
        answer(c.talgat, scene.pre, full_answer(scene))


def test_anonymous_answer_keeps_no_link_to_the_person(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    data = Data({f"q{scene.anonymous_likert.pk}": "5"})
    parsed = answers.parse([scene.anonymous_likert], data, final=False)
    draft = response_save_draft(actor=c.talgat, survey=scene.anonymous, parsed=parsed)
    assert draft.respondent is None
    response = answer(c.talgat, scene.anonymous, data)
    response.refresh_from_db()
    assert response.respondent is None and response.school is None
    assert response.respondent_key.startswith("submitted:")
    assert Participation.objects.filter(survey=scene.anonymous, user=c.talgat).exists()
    entry = AuditEntry.objects.get(action="surveys.response.submitted")
    assert entry.actor is None and "Әбенов" not in str(entry.after) and "talgat" not in entry.actor_label
    with pytest.raises(AlreadyAnswered):
        answer(c.talgat, scene.anonymous, data)
    # Reminders skip those who answered without learning which response is theirs.
    assert c.talgat not in recipients_without_answer(survey=scene.anonymous)
    assert c.tomiris in recipients_without_answer(survey=scene.anonymous)


def _teachers(programme_cast, count, prefix="t"):
    c = programme_cast
    people = []
    for index in range(count):
        user = UserFactory(email=f"{prefix}{index}@example.kz")
        MembershipFactory(
            user=user,
            role=Role.TEACHER,
            programme=c.programme,
            cohort=c.cohort_a,
            school=c.school_a1,
            starts_on=datetime.date(2020, 1, 1),
        )
        people.append(user)
    return people


def test_anonymous_results_are_suppressed_below_the_analytics_threshold(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=5)
    teachers = _teachers(programme_cast, 4)
    for index, teacher in enumerate(teachers):
        answer(teacher, scene.anonymous, Data({f"q{scene.anonymous_likert.pk}": str(1 + index % 5)}))
    small = survey_results(survey=scene.anonymous, filters=ResultFilters())
    assert small.suppressed and small.threshold == 5
    assert all(item.suppressed and not item.shares for item in small.questions)
    answer(c.talgat, scene.anonymous, Data({f"q{scene.anonymous_likert.pk}": "5"}))
    shown = survey_results(survey=scene.anonymous, filters=ResultFilters())
    assert not shown.suppressed and shown.responses == 5
    assert shown.questions[0].mean == pytest.approx((1 + 2 + 3 + 4 + 5) / 5)
    # A filter that leaves a small group suppresses again.
    urban = survey_results(survey=scene.anonymous, filters=ResultFilters(locality="urban"))
    assert urban.suppressed


def test_pre_post_pairs_are_matched_per_person(programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    teachers = [c.talgat, c.tomiris, *_teachers(programme_cast, 2)]
    before = [2, 3, 3, 4]
    after = [3, 4, 5, 4]
    for teacher, value in zip(teachers, before, strict=True):
        answer(teacher, scene.pre, full_answer(scene, likert=value, number=value))
    now = timezone.now()
    post = survey_create_post(
        actor=c.aliya,
        pre=scene.pre,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=3),
    )
    assert post.phase == Phase.POST and post.questions.count() == scene.pre.questions.count()
    survey_set_status(actor=c.aliya, survey=post, status=SurveyStatus.OPEN)
    post.refresh_from_db()
    post_likert = post.questions.get(paired_with=scene.likert)
    post_single = post.questions.get(paired_with=scene.single)
    assert post.questions.get(paired_with__show_if=scene.single).show_if == post_single
    post_matrix = post.questions.get(paired_with=scene.matrix)
    for teacher, value in zip(teachers, after, strict=True):
        data = Data(
            {
                f"q{post_likert.pk}": str(value),
                f"q{post_single.pk}": "no",
                f"q{post.questions.get(paired_with=scene.number).pk}": str(value),
                f"q{post_matrix.pk}_research": "4",
                f"q{post_matrix.pk}_leadership": "4",
            }
        )
        answer(teacher, post, data)
    results = survey_results(survey=post, filters=ResultFilters())
    assert results.pairs == 4
    likert = next(item for item in results.questions if item.question == post_likert)
    assert likert.paired.n == 4
    assert likert.paired.mean_change == pytest.approx(1.0)
    assert likert.paired.share_improved == pytest.approx(0.75)
    assert likert.paired.wilcoxon_p == pytest.approx(0.25)
    matrix = next(item for item in results.questions if item.question == post_matrix)
    research = matrix.rows[0]
    assert research.paired.mean_change == pytest.approx(1.0)  # 3 -> 4 for everyone
    assert results.recipients == 4 and results.response_rate == 1


def test_results_take_a_constant_number_of_queries(programme_cast, survey_scene, django_assert_max_num_queries):
    c, scene = programme_cast, survey_scene
    for teacher in [c.talgat, *_teachers(programme_cast, 3)]:
        answer(teacher, scene.pre, full_answer(scene))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shamy.analytics.selectors import threshold

    threshold()  # the analytics settings are cached after their first read
    with CaptureQueriesContext(connection) as few:
        survey_results(survey=scene.pre, filters=ResultFilters())
    for teacher in _teachers(programme_cast, 12, prefix="more"):
        answer(teacher, scene.pre, full_answer(scene, likert=2))
    with CaptureQueriesContext(connection) as many:
        survey_results(survey=scene.pre, filters=ResultFilters())
    assert len(few) == len(many)


def _open_post(programme_cast, scene):
    now = timezone.now()
    post = survey_create_post(
        actor=programme_cast.aliya,
        pre=scene.pre,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=3),
    )
    return survey_set_status(actor=programme_cast.aliya, survey=post, status=SurveyStatus.OPEN)


def _post_answer(post, scene, value):
    paired = {question.paired_with_id: question.pk for question in post.questions.all()}
    return Data(
        {
            f"q{paired[scene.likert.pk]}": str(value),
            f"q{paired[scene.single.pk]}": "no",
            f"q{paired[scene.number.pk]}": str(value),
            f"q{paired[scene.matrix.pk]}_research": "4",
            f"q{paired[scene.matrix.pk]}_leadership": str(value),
        }
    )


def test_results_page_takes_the_same_queries_whatever_the_number_of_pairs(client, programme_cast, survey_scene):
    """Cold and warm, the post survey's results page costs a fixed number of queries; warm, it
    reads neither responses nor answers (the rendered results are cached under the survey's
    results version, which every submitted answer bumps, so new pairs show at once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shamy.analytics.selectors import threshold

    c, scene = programme_cast, survey_scene
    post = _open_post(c, scene)

    def add_pairs(teachers, start):
        for offset, teacher in enumerate(teachers):
            answer(teacher, scene.pre, full_answer(scene, likert=1 + (start + offset) % 3))
            answer(teacher, post, _post_answer(post, scene, 2 + (start + offset) % 4))

    def main(page):  # the page's own part (the header holds a fresh CSRF token each time)
        return page.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]

    def page_queries():
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        with CaptureQueriesContext(connection) as warm:
            second = client.get(url)
        assert first.status_code == second.status_code == 200
        assert main(first) == main(second)  # the cached page shows the same figures
        return first, [q["sql"] for q in cold.captured_queries], [q["sql"] for q in warm.captured_queries]

    threshold()  # the analytics settings are cached after their first read
    client.force_login(c.aliya)
    url = reverse("surveys:results", args=[post.pk])
    add_pairs([c.talgat, c.tomiris], 0)
    few, cold_few, warm_few = page_queries()
    add_pairs(_teachers(c, 7), 2)
    many, cold_many, warm_many = page_queries()
    assert few.context["results"].pairs == 2 and many.context["results"].pairs == 9
    assert main(few) != main(many)
    assert len(cold_few) == len(cold_many) and len(warm_few) == len(warm_many)
    assert len(warm_many) < len(cold_many)
    assert not [sql for sql in warm_many if "surveys_answer" in sql or "surveys_response" in sql]


def test_remind_mails_only_those_who_have_not_answered(
    programme_cast, survey_scene, mailoutbox, django_capture_on_commit_callbacks
):
    c, scene = programme_cast, survey_scene
    answer(c.talgat, scene.pre, full_answer(scene))
    with django_capture_on_commit_callbacks(execute=True):
        count = survey_remind(actor=c.aliya, survey=scene.pre, base_url="https://shamy.example.kz/")
    assert count == 1
    assert [message.to for message in mailoutbox] == [[c.tomiris.email]]
    assert f"https://shamy.example.kz/surveys/{scene.pre.pk}/respond/" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="surveys.survey.reminded").exists()
