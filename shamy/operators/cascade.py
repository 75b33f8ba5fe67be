"""The training-of-trainers cascade, counted without double counting. Pure functions.

Inputs are plain tuples the selectors read: the trainers (person, generation, who certified
them) and every "trained" edge (a trainer's session attended, present or late, by a person, for a
school). Counting rules:

- a person who is a trainer sits at their trainer generation;
- every other person reached is a teacher, counted once, at the generation of the *earliest*
  trainer who trained them (the lowest generation): a teacher trained by a generation-1 trainer
  and again by a generation-2 trainer is counted under generation 1 only;
- so the teachers reached per generation add up to the distinct teachers reached.

Reach beyond the operator: teachers whose school (the one they attended for) is not one of the
operator's schools, counted once each, with those schools, by region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TrainerNode:
    person_id: int
    generation: int
    certified_by: int | None  # the certifying trainer's person id


@dataclass(frozen=True)
class Edge:
    trainer_id: int  # the trainer's person id
    trainee_id: int  # the trainee's person id
    school_id: int | None
    region_id: int | None = None


@dataclass
class GenerationCount:
    generation: int
    trainers: int = 0
    teachers: int = 0  # teachers first reached by this generation's trainers
    beyond: int = 0  # of those, teachers of schools beyond the operator's


@dataclass
class Cascade:
    generations: list[GenerationCount]
    teachers: int  # distinct teachers reached (not trainers)
    beyond_teachers: int
    beyond_schools: int
    beyond_by_region: dict[int | None, tuple[int, int]]  # region -> (teachers, schools)
    # trainer person id -> distinct people they trained (teachers and trainers)
    trained_by: dict[int, int] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=dict)  # certifier -> trainers


def teacher_generations(trainers: Mapping[int, TrainerNode], edges: Iterable[Edge]) -> dict[int, int]:
    """Each teacher reached (a trainee who is not a trainer) → the lowest generation that trained them."""
    first: dict[int, int] = {}
    for edge in edges:
        trainer = trainers.get(edge.trainer_id)
        if trainer is None or edge.trainee_id in trainers:
            continue
        known = first.get(edge.trainee_id)
        if known is None or trainer.generation < known:
            first[edge.trainee_id] = trainer.generation
    return first


def count_cascade(
    trainers: Iterable[TrainerNode], edges: Iterable[Edge], operator_school_ids: Iterable[int]
) -> Cascade:
    by_person = {node.person_id: node for node in trainers}
    edge_list = list(edges)
    own = set(operator_school_ids)
    first = teacher_generations(by_person, edge_list)
    deepest = max([node.generation for node in by_person.values()] + list(first.values()), default=-1)
    generations = [GenerationCount(generation) for generation in range(deepest + 1)]
    for node in by_person.values():
        generations[node.generation].trainers += 1
    # A teacher is "beyond" when any school they were trained for is not the operator's.
    beyond_schools: dict[int, set[int]] = defaultdict(set)
    school_region: dict[int, int | None] = {}
    for edge in edge_list:
        if edge.trainee_id in first and edge.school_id is not None and edge.school_id not in own:
            beyond_schools[edge.trainee_id].add(edge.school_id)
            school_region[edge.school_id] = edge.region_id
    for teacher, generation in first.items():
        generations[generation].teachers += 1
        if teacher in beyond_schools:
            generations[generation].beyond += 1
    region_teachers: dict[int | None, set[int]] = defaultdict(set)
    region_schools: dict[int | None, set[int]] = defaultdict(set)
    for teacher, schools in beyond_schools.items():
        for school in schools:
            region = school_region[school]
            region_teachers[region].add(teacher)
            region_schools[region].add(school)
    trained: dict[int, set[int]] = defaultdict(set)
    for edge in edge_list:
        if edge.trainer_id in by_person:
            trained[edge.trainer_id].add(edge.trainee_id)
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in sorted(by_person.values(), key=lambda n: (n.generation, n.person_id)):
        children[node.certified_by].append(node.person_id)
    return Cascade(
        generations=generations,
        teachers=len(first),
        beyond_teachers=len(beyond_schools),
        beyond_schools=len({school for schools in beyond_schools.values() for school in schools}),
        beyond_by_region={
            region: (len(region_teachers[region]), len(region_schools[region]))
            for region in sorted(region_teachers, key=lambda r: (r is None, r or 0))
        },
        trained_by={trainer: len(people) for trainer, people in trained.items()},
        children=dict(children),
    )
