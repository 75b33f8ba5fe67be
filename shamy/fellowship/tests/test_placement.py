"""The placement solver against brute force on small random cases, and its constraints."""

from __future__ import annotations

import io
import itertools
import json
import math
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shamy.fellowship.placement import (
    DEFAULT_WEIGHTS,
    PlacementInputError,
    build_problem,
    constraint_matrices,
    hard_constraint_broken,
    objective_value,
    pair_score,
    parse_fellow,
    parse_vacancy,
    solve,
    solve_problem,
    unplaced_reason,
)

SUBJECTS = ["math", "physics", "english"]


@pytest.fixture(autouse=True)
def _english():
    # The solver's messages are translated; these tests read them in English.
    with translation.override("en"):
        yield


LANGUAGES = ["kk", "ru"]
REGIONS = ["KAR", "PAV", "KOS", "AKT"]


def peers_term(pairs: list[tuple[str, str]], districts: dict[str, str], weight: float) -> float:
    """The README's peers term, written again here: each placed fellow whose vacancy has a district
    earns weight × min(other fellows placed in that district, 3) / 3."""
    placed_in = [districts[v] for _f, v in pairs if districts.get(v)]
    return math.fsum(weight * min(placed_in.count(d) - 1, 3) / 3 for d in placed_in)


def brute_force(
    fellows: list[str],
    vacancies: list[str],
    allowed: Any,
    locked: list,
    forbidden: set,
    bonus: Any = lambda pairs: 0.0,
) -> tuple[int, float]:
    """The best (placed, score) over every matching, by enumeration: each fellow takes one of the
    vacancies or none, no vacancy twice, locked pairs in, forbidden pairs out."""
    best: tuple[int, float] = (-1, -math.inf)
    options = [[None, *vacancies] for _ in fellows]
    locked_by_fellow = dict(locked)
    for choice in itertools.product(*options):
        taken = [v for v in choice if v is not None]
        if len(taken) != len(set(taken)):
            continue
        pairs = [(f, v) for f, v in zip(fellows, choice, strict=True) if v is not None]
        if any(locked_by_fellow.get(f, v) != v for f, v in pairs) or any(
            f not in dict(pairs) for f in locked_by_fellow
        ):
            continue
        if any((f, v) in forbidden or (f, v) not in allowed for f, v in pairs):
            continue
        value = (len(pairs), math.fsum(allowed[pair] for pair in pairs) + bonus(pairs))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1]):
            best = value
    return best


def check_valid(result: Any, allowed: dict, locked: list, forbidden: set, bonus: Any = lambda pairs: 0.0) -> None:
    fellows = [f for f, _v in result.assignment]
    vacancies = [v for _f, v in result.assignment]
    assert len(fellows) == len(set(fellows)), "a fellow placed twice"
    assert len(vacancies) == len(set(vacancies)), "a vacancy filled twice"
    for pair in result.assignment:
        assert pair in allowed, f"{pair} is not allowed"
        assert pair not in forbidden, f"{pair} is forbidden"
    for pair in locked:
        assert pair in result.assignment, f"locked {pair} missing"
    assert result.placed == len(result.assignment)
    assert result.objective == pytest.approx(
        math.fsum(allowed[p] for p in result.assignment) + bonus(result.assignment), abs=1e-6
    )


@st.composite
def scores_case(draw: Any) -> dict[str, Any]:
    fellows = [f"f{i}" for i in range(draw(st.integers(0, 4)))]
    vacancies = [f"v{j}" for j in range(draw(st.integers(0, 4)))]
    score = st.one_of(st.integers(-20, 20), st.floats(-50, 50, allow_nan=False, allow_infinity=False))
    scores = {f: {v: draw(score) for v in vacancies if draw(st.booleans())} for f in fellows}
    pairs = [(f, v) for f in fellows for v in scores[f]]
    forbidden = draw(st.lists(st.sampled_from(pairs), max_size=3)) if pairs else []
    # A lock is drawn among allowed, non-forbidden pairs, one per fellow and per vacancy.
    lockable = [p for p in pairs if p not in forbidden]
    locked = []
    if lockable and draw(st.booleans()):
        locked.append(draw(st.sampled_from(lockable)))
    return {"scores": scores, "forbidden": [list(p) for p in forbidden], "locked": [list(p) for p in locked]}


@given(scores_case())
@settings(max_examples=300, deadline=None)
def test_scores_form_is_optimal_against_brute_force(case: dict[str, Any]) -> None:
    result = solve(case)
    assert result.infeasible is None
    allowed = {(f, v): float(s) for f, row in case["scores"].items() for v, s in row.items()}
    locked = [tuple(p) for p in case["locked"]]
    forbidden = {tuple(p) for p in case["forbidden"]}
    check_valid(result, allowed, locked, forbidden)
    fellows = list(case["scores"])
    vacancies = sorted({v for row in case["scores"].values() for v in row})
    placed, best = brute_force(fellows, vacancies, allowed, locked, forbidden)
    assert result.placed == placed
    assert result.objective == pytest.approx(best, abs=1e-6)


@st.composite
def constraint_case(draw: Any) -> dict[str, Any]:
    def fellow(i: int) -> dict[str, Any]:
        accepted = draw(st.lists(st.sampled_from(REGIONS), unique=True, max_size=3))
        return {
            "id": f"f{i}",
            "subjects": draw(st.lists(st.sampled_from(SUBJECTS), unique=True, min_size=1, max_size=2)),
            "languages": draw(st.lists(st.sampled_from(LANGUAGES), unique=True, min_size=1)),
            "accepted_regions": accepted,
            "ranked_regions": draw(st.permutations(accepted)),
            "needs_housing": draw(st.booleans()),
        }

    def vacancy(j: int) -> dict[str, Any]:
        return {
            "id": f"v{j}",
            "school": f"s{j // 2}",
            "subject": draw(st.sampled_from(SUBJECTS)),
            "language": draw(st.sampled_from(LANGUAGES)),
            "region": draw(st.sampled_from(REGIONS)),
            "district": draw(st.sampled_from(["", "d1", "d2"])),
            "need_score": draw(st.floats(0, 100, allow_nan=False)),
            "housing": draw(st.booleans()),
            "fellows_nearby": draw(st.integers(0, 4)),
        }

    fellows = [fellow(i) for i in range(draw(st.integers(0, 4)))]
    vacancies = [vacancy(j) for j in range(draw(st.integers(0, 4)))]
    weights = {key: draw(st.floats(0, 5, allow_nan=False)) for key in DEFAULT_WEIGHTS}
    pairs = [(f["id"], v["id"]) for f in fellows for v in vacancies]
    forbidden = draw(st.lists(st.sampled_from(pairs), max_size=3)) if pairs else []
    locked = [draw(st.sampled_from(pairs))] if pairs and draw(st.booleans()) else []
    return {"fellows": fellows, "vacancies": vacancies, "weights": weights, "forbidden": forbidden, "locked": locked}


@given(constraint_case())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_constraint_form_is_optimal_and_never_breaks_a_constraint(case: dict[str, Any]) -> None:
    result = solve(case)
    fellows = {f["id"]: parse_fellow(f) for f in case["fellows"]}
    vacancies = {v["id"]: parse_vacancy(v) for v in case["vacancies"]}
    locked = [tuple(p) for p in case["locked"]]
    forbidden = {tuple(p) for p in case["forbidden"]}
    # Independent, pair-by-pair scoring (the solver builds its matrix with numpy).
    allowed = {}
    for f, fellow in fellows.items():
        for v, vacancy in vacancies.items():
            if hard_constraint_broken(fellow, vacancy) is None:
                allowed[(f, v)] = pair_score(fellow, vacancy, case["weights"]).total
    districts = {v: vacancy.district for v, vacancy in vacancies.items()}

    def bonus(pairs: list[tuple[str, str]]) -> float:
        return peers_term(pairs, districts, case["weights"]["peers"])

    lock_ok = all(p in allowed and p not in forbidden for p in locked)
    if not lock_ok:
        assert result.infeasible, "a lock that breaks a constraint must be reported"
        assert result.assignment == []
        assert any(word in result.infeasible for word in ("subject", "language", "region", "forbidden"))
        return
    assert result.infeasible is None
    assert result.exact
    check_valid(result, allowed, locked, forbidden, bonus)
    for f, v in result.assignment:
        fellow, vacancy = fellows[f], vacancies[v]
        assert vacancy.subject in fellow.subjects
        assert vacancy.language in fellow.languages
        assert vacancy.region in fellow.accepted_regions
    placed, best = brute_force(list(fellows), list(vacancies), allowed, locked, forbidden, bonus)
    assert result.placed == placed
    assert result.objective == pytest.approx(best, abs=1e-6)


def test_new_fellows_are_kept_near_each_other_when_the_peers_weight_says_so() -> None:
    data = {
        "fellows": [
            {"id": "a", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["KAR"]},
            {"id": "b", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["KAR"]},
        ],
        "vacancies": [
            {"id": "x", "subject": "math", "language": "kk", "region": "KAR", "district": "d1", "need_score": 50},
            {"id": "y", "subject": "math", "language": "kk", "region": "KAR", "district": "d2", "need_score": 60},
            {"id": "z", "subject": "math", "language": "kk", "region": "KAR", "district": "d1", "need_score": 10},
        ],
        "weights": {"region": 0, "need": 2, "together": 0, "housing": 0, "peers": 1},
    }
    # Apart: 2 × 0.5 + 2 × 0.6 = 2.2; together in d1: 1.0 + 0.2 + 1 × (1/3 + 1/3) = 1.87.
    result = solve(data)
    assert {v for _f, v in result.assignment} == {"x", "y"} and result.objective == pytest.approx(2.2)
    data["weights"]["peers"] = 3  # together: 1.2 + 3 × 2/3 = 3.2
    result = solve(data)
    assert {v for _f, v in result.assignment} == {"x", "z"} and result.objective == pytest.approx(3.2)
    assert result.exact


def identical_fellows_case(fellows: int, districts: int, per_district: int, peers: float, seed: int) -> dict:
    """Fellows who can all take every vacancy and score a vacancy alike (its need alone)."""
    rng = np.random.default_rng(seed)
    people = [
        {"id": f"f{i}", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["R"]} for i in range(fellows)
    ]
    posts = [
        {
            "id": f"v{d}-{k}",
            "subject": "math",
            "language": "kk",
            "region": "R",
            "district": f"d{d}",
            "need_score": float(rng.integers(0, 101)),
        }
        for d in range(districts)
        for k in range(per_district)
    ]
    weights = {"region": 0, "need": 2, "together": 0, "housing": 0, "peers": peers}
    return {"fellows": people, "vacancies": posts, "weights": weights}


def identical_fellows_optimum(case: dict) -> float:
    """The optimum, by dynamic programming over districts: when fellows are interchangeable, a
    district holding n of them takes its n best vacancies, worth their scores plus the peers term."""
    peers = case["weights"]["peers"]
    by_district: dict[str, list[float]] = {}
    for post in case["vacancies"]:
        by_district.setdefault(post["district"], []).append(2 * post["need_score"] / 100)
    placed = min(len(case["fellows"]), len(case["vacancies"]))
    best = {0: 0.0}  # fellows placed so far → the best value
    for values in by_district.values():
        values.sort(reverse=True)
        step: dict[int, float] = {}
        for held, value in best.items():
            for n in range(len(values) + 1):
                if held + n <= placed:
                    total = value + math.fsum(values[:n]) + peers * n * min(max(n - 1, 0), 3) / 3
                    step[held + n] = max(step.get(held + n, -math.inf), total)
        best = step
    return best[placed]


@pytest.mark.parametrize(("peers", "seed"), [(1.0, 1), (0.4, 2), (2.5, 3)])
def test_a_problem_above_the_old_4000_pair_cap_is_solved_exactly(peers: float, seed: int) -> None:
    """6,000 open pairs (60 fellows × 100 vacancies in 20 districts): HiGHS proves the optimum,
    which equals an independent dynamic programme's."""
    case = identical_fellows_case(60, 20, 5, peers, seed)
    result = solve(case, time_limit=300)  # a generous limit: a busy machine must not fail the test
    assert int(_open_count(case)) == 6000
    assert result.exact and result.gap is None and result.bound is None
    assert result.placed == 60
    assert result.objective == pytest.approx(identical_fellows_optimum(case), abs=1e-6)
    assert set(result.to_json()) == {"assignment", "objective", "placed", "infeasible"}


def _open_count(case: dict) -> int:
    return int(build_problem(case).allowed.sum())


def sparse_districts_case(seed: int = 5) -> dict[str, Any]:
    """150 fellows, 300 vacancies in 150 districts of two: keeping fellows together is a hard
    combinatorial choice here, which HiGHS cannot settle in a fraction of a second."""
    rng = np.random.default_rng(seed)
    people = [
        {
            "id": f"f{i}",
            "subjects": ["math"],
            "languages": ["kk"],
            "accepted_regions": [str(r) for r in rng.choice(REGIONS, size=2, replace=False)],
            "needs_housing": bool(rng.random() < 0.5),
        }
        for i in range(150)
    ]
    posts = [
        {
            "id": f"v{j}",
            "subject": "math",
            "language": "kk",
            "region": REGIONS[j % 4],
            "district": f"d{j // 2}",
            "need_score": float(rng.integers(0, 101)),
            "housing": bool(rng.random() < 0.4),
        }
        for j in range(300)
    ]
    return {"fellows": people, "vacancies": posts, "weights": {**DEFAULT_WEIGHTS, "peers": 2}}


def test_at_the_time_limit_the_answer_is_valid_and_carries_its_proven_gap() -> None:
    case = sparse_districts_case()
    problem = build_problem(case)
    result = solve_problem(problem, time_limit=0.2)
    linear = solve({**case, "weights": {**case["weights"], "peers": 0}})
    assert not result.exact
    assert result.placed == linear.placed
    assert result.bound is not None and result.gap is not None
    assert result.bound > result.objective and result.gap > 0
    assert result.gap == pytest.approx((result.bound - result.objective) / max(abs(result.objective), 1))
    row = {f: i for i, f in enumerate(problem.fellows)}
    column = {v: j for j, v in enumerate(problem.vacancies)}
    chosen = [(row[f], column[v]) for f, v in result.assignment]
    assert result.objective == pytest.approx(objective_value(problem, chosen))
    assert result.objective >= objective_value(problem, [(row[f], column[v]) for f, v in linear.assignment]) - 1e-9
    allowed = {(problem.fellows[i], problem.vacancies[j]): 0.0 for i, j in np.argwhere(problem.allowed).tolist()}
    check_valid(result, allowed, [], set(), lambda pairs: result.objective)
    answer = result.to_json()
    assert answer["gap"] == result.gap and answer["bound"] == result.bound
    # The bound is an upper bound on the optimum: no answer, however found, beats it. Given more
    # time HiGHS finds answers at least as good, never above it.
    assert solve_problem(problem, time_limit=5).objective <= result.bound + 1e-6


@given(constraint_case())
@settings(max_examples=100, deadline=None)
def test_numpy_matrix_equals_pair_by_pair_scoring(case: dict[str, Any]) -> None:
    fellows = [parse_fellow(f) for f in case["fellows"]]
    vacancies = [parse_vacancy(v) for v in case["vacancies"]]
    allowed, scores = constraint_matrices(fellows, vacancies, case["weights"])
    for i, fellow in enumerate(fellows):
        for j, vacancy in enumerate(vacancies):
            ok = hard_constraint_broken(fellow, vacancy) is None
            assert bool(allowed[i, j]) == ok
            if ok:
                assert scores[i, j] == pytest.approx(pair_score(fellow, vacancy, case["weights"]).total)


def test_more_fellows_placed_beats_a_higher_total() -> None:
    result = solve({"scores": {"a": {"x": 1, "y": 100}, "b": {"y": 1}}})
    assert result.assignment == [("a", "x"), ("b", "y")]
    assert result.placed == 2
    assert result.objective == 2


def test_more_fellows_than_vacancies_places_the_best() -> None:
    result = solve({"scores": {"a": {"x": 3}, "b": {"x": 5}, "c": {"x": 4}}})
    assert result.assignment == [("b", "x")]
    assert result.objective == 5


@pytest.mark.parametrize(
    ("locked", "forbidden", "message"),
    [
        ([["a", "y"]], [], "cannot be met: language of instruction: fellow a does not teach in ru"),
        ([["a", "z"]], [], "cannot be met: subject qualification: fellow a is not qualified to teach physics"),
        ([["a", "w"]], [], "cannot be met: accepted regions: fellow a does not accept region PAV"),
        ([["a", "x"]], [["a", "x"]], "is also forbidden"),
        ([["a", "x"], ["b", "x"]], [], "vacancy x is locked to both a and b"),
        ([["a", "x"], ["a", "w"]], [], "fellow a is locked to both x and w"),
        ([["nobody", "x"]], [], "unknown fellow"),
    ],
)
def test_infeasible_locks_name_the_constraint(locked: list, forbidden: list, message: str) -> None:
    data = {
        "fellows": [
            {"id": "a", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["KAR"]},
            {"id": "b", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["KAR"]},
        ],
        "vacancies": [
            {"id": "x", "subject": "math", "language": "kk", "region": "KAR"},
            {"id": "y", "subject": "math", "language": "ru", "region": "KAR"},
            {"id": "z", "subject": "physics", "language": "kk", "region": "KAR"},
            {"id": "w", "subject": "math", "language": "kk", "region": "PAV"},
        ],
        "locked": locked,
        "forbidden": forbidden,
    }
    result = solve(data)
    assert result.infeasible is not None
    assert message in result.infeasible
    assert result.to_json() == {"assignment": [], "objective": 0.0, "placed": 0, "infeasible": result.infeasible}


def test_unplaced_reason_names_the_binding_constraint() -> None:
    data = {
        "fellows": [
            {"id": "a", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["KAR"]},
            {"id": "b", "subjects": ["math"], "languages": ["ru"], "accepted_regions": ["KAR"]},
            {"id": "c", "subjects": ["chemistry"], "languages": ["kk"], "accepted_regions": ["KAR"]},
            {"id": "d", "subjects": ["math"], "languages": ["kk"], "accepted_regions": ["AKT"]},
        ],
        "vacancies": [{"id": "x", "subject": "math", "language": "kk", "region": "KAR"}],
    }
    result = solve(data)
    assert result.assignment == [("a", "x")]
    problem = build_problem(data)
    taken = {"x"}
    assert unplaced_reason(problem, "b", taken).startswith("Language of instruction")
    assert unplaced_reason(problem, "c", taken).startswith("Subject qualification")
    assert unplaced_reason(problem, "d", taken).startswith("Accepted regions")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"fellows": "x", "vacancies": []},
        {"fellows": [{"id": "a"}], "vacancies": []},
        {"scores": {"a": {"x": "high"}}},
        {"scores": {"a": {"x": float("nan")}}},
        {"scores": {"a": {"x": 1}}, "locked": [["a"]]},
        {"fellows": [], "vacancies": [{"id": "x", "subject": "m", "language": "kk", "region": "R", "need_score": 101}]},
        {"fellows": [], "vacancies": [], "weights": {"beauty": 1}},
    ],
)
def test_malformed_input_is_refused(data: Any) -> None:
    with pytest.raises(PlacementInputError):
        solve(data)


def test_ranked_region_and_need_choose_between_equal_vacancies() -> None:
    data = {
        "fellows": [
            {
                "id": "a",
                "subjects": ["math"],
                "languages": ["kk"],
                "accepted_regions": [],
                "ranked_regions": ["PAV", "KAR"],
            }
        ],
        "vacancies": [
            {"id": "kar", "subject": "math", "language": "kk", "region": "KAR", "need_score": 90},
            {"id": "pav", "subject": "math", "language": "kk", "region": "PAV", "need_score": 10},
        ],
        "weights": {"region": 3, "need": 2, "together": 0, "housing": 0},
    }
    # PAV: 3 × 1 + 2 × 0.1 = 3.2; KAR: 3 × 0.5 + 2 × 0.9 = 3.3.
    assert solve(data).assignment == [("a", "kar")]
    data["weights"]["need"] = 1
    assert solve(data).assignment == [("a", "pav")]


def test_placement_solve_command_prints_the_documented_json(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"scores": {"a": {"x": 1.5, "y": 2}, "b": {"y": 1}}, "forbidden": [["b", "x"]]}))
    out = io.StringIO()
    call_command("placement_solve", str(path), stdout=out)
    assert json.loads(out.getvalue()) == {
        "assignment": [["a", "x"], ["b", "y"]],
        "objective": 2.5,
        "placed": 2,
        "infeasible": None,
    }


def test_placement_solve_command_refuses_malformed_input(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("placement_solve", str(path), stdout=io.StringIO())


def test_solver_scales_to_a_cohort_in_well_under_a_second() -> None:
    rng = np.random.default_rng(7)
    scores = {
        f"f{i}": {f"v{j}": float(rng.integers(0, 50)) for j in range(60) if rng.random() < 0.5} for i in range(40)
    }
    result = solve({"scores": scores})
    assert result.placed == 40


def test_placement_solve_command_takes_a_time_limit_and_reports_the_gap(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(sparse_districts_case()))
    out, err = io.StringIO(), io.StringIO()
    call_command("placement_solve", str(path), "--time-limit", "0.2", stdout=out, stderr=err)
    answer = json.loads(out.getvalue())
    assert set(answer) == {"assignment", "objective", "placed", "infeasible", "gap", "bound"}
    assert answer["placed"] == 150 and answer["gap"] > 0 and answer["bound"] > answer["objective"]
    assert "time limit" in err.getvalue() and f"{answer['gap']:.2%}" in err.getvalue()


def test_placement_solve_command_refuses_a_time_limit_that_is_not_positive(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"scores": {"a": {"x": 1}}}))
    with pytest.raises(CommandError):
        call_command("placement_solve", str(path), "--time-limit", "0", stdout=io.StringIO())
