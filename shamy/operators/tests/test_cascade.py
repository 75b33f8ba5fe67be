"""The cascade's counts: each teacher once, under the first generation that trained them."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.attendance.models import AttendanceStatus
from shamy.core.testing.factories import PersonFactory, SchoolFactory
from shamy.operators.cascade import Edge, TrainerNode, count_cascade
from shamy.operators.selectors import cascade_for, reach_by_locality
from shamy.operators.services.trainers import trainer_certify
from shamy.operators.services.training import session_create, session_register
from shamy.operators.tests.scene import at
from shamy.registry.models import Locality


def independent_counts(trainers, edges, own):
    """Per generation g: the people trained by g's trainers, less everyone an earlier generation
    reached (set differences, generation by generation)."""
    generation_of = {t.person_id: t.generation for t in trainers}
    top = max([*generation_of.values(), -1])
    reached_before: set[int] = set()
    per_generation = []
    for generation in range(top + 1):
        reached = {
            e.trainee_id
            for e in edges
            if generation_of.get(e.trainer_id) == generation and e.trainee_id not in generation_of
        }
        new = reached - reached_before
        per_generation.append(len(new))
        reached_before |= reached
    beyond = {e.trainee_id for e in edges if e.trainee_id in reached_before and e.school_id not in own}
    return per_generation, len(reached_before), len(beyond)


@st.composite
def cascades(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    trainers = [TrainerNode(1, 0, None)]
    for person in range(2, count + 1):
        parent = draw(st.sampled_from(trainers))
        trainers.append(TrainerNode(person, parent.generation + 1, parent.person_id))
    people = list(range(1, 40))
    edges = draw(
        st.lists(
            st.builds(
                Edge,
                trainer_id=st.sampled_from([t.person_id for t in trainers]),
                trainee_id=st.sampled_from(people),
                school_id=st.integers(min_value=1, max_value=6),
            ),
            max_size=80,
        )
    )
    return trainers, edges


@settings(max_examples=300, deadline=None)
@given(data=cascades(), own=st.sets(st.integers(min_value=1, max_value=6)))
def test_counts_match_an_independent_count_and_add_up(data, own):
    trainers, edges = data
    result = count_cascade(trainers, edges, own)
    per_generation, total, beyond = independent_counts(trainers, edges, own)
    counted = [g.teachers for g in result.generations]
    assert counted[: len(per_generation)] == per_generation
    assert all(n == 0 for n in counted[len(per_generation) :])
    assert result.teachers == total == sum(counted)
    assert result.beyond_teachers == beyond == sum(g.beyond for g in result.generations)
    assert sum(g.trainers for g in result.generations) == len(trainers)


def test_a_teacher_trained_by_two_generations_counts_once_under_the_first():
    trainers = [TrainerNode(1, 0, None), TrainerNode(2, 1, 1), TrainerNode(3, 2, 2)]
    edges = [
        Edge(1, 2, 10),  # the generation-1 trainer at their course: a trainer, never a teacher
        Edge(2, 100, 10),
        Edge(3, 100, 11),  # the same teacher, again, by generation 2
        Edge(3, 101, 11),
        Edge(3, 101, 11),  # twice at the same trainer's sessions
    ]
    result = count_cascade(trainers, edges, operator_school_ids={10})
    assert [(g.trainers, g.teachers) for g in result.generations] == [(1, 0), (1, 1), (1, 1)]
    assert result.teachers == 2
    # 100 was also trained at school 11 (beyond the operator); 101 only there.
    assert result.beyond_teachers == 2 and result.beyond_schools == 1
    assert result.trained_by == {1: 1, 2: 1, 3: 2}
    assert result.children == {None: [1], 1: [2], 2: [3]}


@pytest.mark.django_db
def test_the_cascade_from_the_database(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    state_school = SchoolFactory(region=c.region_b, locality=Locality.RURAL)
    day = datetime.date(2028, 3, 11)
    outreach = session_create(
        actor=None,
        programme=c.programme,
        topic=s.topic,
        trainer=s.trainer_timur,
        school=state_school,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
    )
    teachers = [PersonFactory() for _ in range(3)]
    for person in teachers:
        session_register(actor=None, session=outreach, person=person, school=state_school)
    # talgat (operator school) at timur's session on the training day, and the first state teacher
    # again at the partner trainer's course: counted under generation 0 only.
    for attendance in [s.signup_talgat, *outreach.gathering.attendances.all()]:
        attendance.status = AttendanceStatus.PRESENT
        attendance.save()
    session_register(actor=None, session=s.course, person=teachers[0], school=state_school)
    s.course.gathering.attendances.filter(person=teachers[0]).update(status=AttendanceStatus.LATE)
    # Absent does not count.
    teachers[2].attendances.update(status=AttendanceStatus.ABSENT)

    view = cascade_for(programme=c.programme)
    counts = [(g.generation, g.trainers, g.teachers, g.beyond) for g in view.cascade.generations]
    assert counts == [(0, 1, 1, 1), (1, 1, 2, 1)]
    assert view.cascade.teachers == 3
    assert view.cascade.beyond_by_region == {c.region_b.pk: (2, 1)}
    assert [(depth, trainer.person_id) for depth, trainer, _n in view.tree()] == [
        (0, s.partner_trainer.person_id),
        (1, s.trainer_timur.person_id),
    ]
    assert reach_by_locality(programme=c.programme) == {"urban": 0, "rural": 2}


@pytest.mark.django_db
def test_a_trainer_needs_the_course_they_attended(programme_cast, operator_scene):
    from django.core.exceptions import ValidationError

    c, s = programme_cast, operator_scene
    with pytest.raises(ValidationError):
        trainer_certify(
            actor=c.aliya,
            programme=c.programme,
            person=c.person_talgat,
            certified_on=datetime.date(2028, 1, 20),
            certified_by=s.partner_trainer,
            course=s.course,
        )
    session_register(actor=c.aliya, session=s.course, person=c.person_talgat, school=c.school_a1)
    s.course.gathering.attendances.filter(person=c.person_talgat).update(status=AttendanceStatus.PRESENT)
    trainer = trainer_certify(
        actor=c.aliya,
        programme=c.programme,
        person=c.person_talgat,
        certified_on=datetime.date(2028, 1, 20),
        certified_by=s.partner_trainer,
        course=s.course,
    )
    assert trainer.generation == 1
    from shamy.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="operators.trainer.certified", target_id=str(trainer.pk)).exists()
