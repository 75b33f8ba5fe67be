"""Placement of a cohort's fellows in vacancies: a pure function over a documented JSON input.

Two input forms (README.md, "Placement solver input"):

- **constraint form**: ``fellows`` (subjects, languages, accepted and ranked regions, whether they
  need housing) and ``vacancies`` (school, subject, language, region, district, need score,
  housing, fellows already serving nearby), with ``weights``. A pair is allowed when the fellow is
  qualified in the vacancy's subject, speaks its language of instruction and accepts its region
  (hard constraints); its score is the weighted sum of soft preferences, each 0..1:
  ``region`` (the fellow's ranking of the vacancy's region), ``need`` (the school's need score
  from the equity analytics' need ranking, 0..100, divided by 100), ``together`` (fellows already
  serving in the vacancy's district, capped at three) and ``housing`` (the vacancy offers housing to
  a fellow who needs it). On top of the pairs' scores, ``peers`` keeps the fellows placed in this
  run near each other: each placed fellow whose vacancy has a district earns ``peers`` × min(other
  fellows placed in this run in that district, 3) / 3. That term depends on pairs of fellows, so
  the problem is no longer a plain linear assignment (see "Solving" below).
- **scores form**: ``scores`` maps a fellow id to an object from vacancy id to a number; a pair
  missing there is not allowed.

Both forms take ``locked`` and ``forbidden`` pairs. The solver places as many fellows as possible
and, among those assignments, maximises the objective: the sum of the chosen pairs' scores, plus
the ``peers`` term in the constraint form (:func:`objective_value`, the one definition used by the
solver, its tests and the README).

Solving (every step by an established solver: scipy's ``linear_sum_assignment`` or HiGHS):

- Without a ``peers`` term (scores form, ``peers`` weight 0, or no district with two vacancies
  open to fellows) the problem is a rectangular assignment problem, solved exactly with scipy's
  ``linear_sum_assignment``: every allowed pair is worth ``BIG + score`` with ``BIG`` larger than
  any difference in total score, so one more fellow placed always outweighs any gain in score;
  disallowed pairs are worth 0 and dropped. Locked pairs are the only open pair in their row and
  column.
- With it, whatever the size, HiGHS (``scipy.optimize.milp``) solves a mixed-integer programme
  among the assignments placing the maximum number P found by ``linear_sum_assignment``:

  1. The peers term of a district holding n fellows is f(n) = n·min(n − 1, 3)/3 = n − [n ≥ 1]
     − [n ≥ 2]/3 + [n ≥ 3]/3 + [n ≥ 4]. Its n part is linear (``peers`` added to the score of each
     pair in a district with two or more open vacancies); only the four "at least k fellows"
     indicators are not, so each such district gets four 0/1 variables y_k (fewer if it can hold
     fewer fellows), held to [n ≥ k] by y_1 ≥ y_2 ≥ y_3 ≥ y_4, Σ y_k ≤ n and
     n ≤ y_1 + y_2 + y_3 + (most − 3)·y_4; one 0/1 variable per pair; Σ pairs = P.
  2. Since f(n) ≤ n, the linear assignment with those lifted scores (``linear_sum_assignment``)
     bounds the optimum from above; the answers of the plain and the lifted assignment bound it
     from below. Equal bounds end the solve there.
  3. Pairs are left out only when proven useless: the dual of the lifted assignment's linear
     programme (HiGHS, ``scipy.optimize.linprog``, priced over every open pair and made exactly
     feasible) gives each pair a reduced cost r and a bound U, and an answer using the pair is
     worth at most U − r. The programme is solved on the pairs with r ≤ U − (best answer known),
     at first at most ``MIP_PAIRS`` of them (those of least r, and the best answer's); if HiGHS's
     optimum there does not exceed what the pairs left out could reach, the set is widened to
     r ≤ U − (that optimum) and solved again.

  ``Result.exact`` is True when HiGHS proves the optimum. If it reaches ``time_limit`` seconds
  first (``solve(..., time_limit=)``, the ``PLACEMENT_SECONDS`` setting in the web interface,
  ``placement_solve --time-limit``), the answer is the best one HiGHS found (or the linear
  assignment's, if better), still placing P fellows and breaking no constraint, with
  ``exact`` False, ``bound`` an upper bound on the optimum proven by HiGHS and ``gap`` =
  (bound − objective) / max(|objective|, 1); ``to_json`` then adds both.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

DEFAULT_WEIGHTS: dict[str, float] = {"region": 3.0, "need": 2.0, "together": 1.0, "housing": 1.0, "peers": 1.0}
TOGETHER_CAP = 3
# Seconds HiGHS may spend on the peers term before the best answer it has is returned unproven.
TIME_LIMIT = 20.0
# The mixed-integer programme starts from at most this many pairs, those of least reduced cost
# (more are added when the answer does not prove the others useless).
MIP_PAIRS = 40_000
# Pairs per fellow in the first linear programme of the dual pricing.
DUAL_START_PAIRS = 8
TOLERANCE = 1e-6


class PlacementInputError(ValueError):
    """The input is not in the documented format (as opposed to a well-formed infeasible input)."""


@dataclass(frozen=True)
class Fellow:
    id: str
    subjects: frozenset[str]
    languages: frozenset[str]
    accepted_regions: frozenset[str]
    ranked_regions: tuple[str, ...]
    needs_housing: bool = False


@dataclass(frozen=True)
class Vacancy:
    id: str
    school: str
    subject: str
    language: str
    region: str
    district: str = ""
    need_score: float = 0.0
    housing: bool = False
    fellows_nearby: int = 0


@dataclass(frozen=True)
class PairScore:
    """Why a pair scores what it scores: each soft component 0..1 and the weighted total."""

    region: float
    need: float
    together: float
    housing: float
    total: float


@dataclass
class Problem:
    fellows: list[str]
    vacancies: list[str]
    allowed: np.ndarray  # bool, fellows × vacancies
    scores: np.ndarray  # float, fellows × vacancies (read only where allowed)
    locked: list[tuple[str, str]]
    forbidden: set[tuple[str, str]]
    infeasible: str | None = None
    fellow_objects: dict[str, Fellow] = field(default_factory=dict)
    vacancy_objects: dict[str, Vacancy] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    # The vacancies' districts ("" for none) and the weight of keeping this run's fellows near
    # each other; the scores form has neither.
    districts: list[str] = field(default_factory=list)
    peers: float = 0.0


@dataclass
class Result:
    assignment: list[tuple[str, str]]
    objective: float
    placed: int
    infeasible: str | None
    problem: Problem | None = None
    # False when HiGHS reached the time limit before proving the answer optimal: ``bound`` is then
    # an upper bound on the optimum proven by HiGHS, ``gap`` = (bound − objective) / max(|objective|, 1).
    exact: bool = True
    bound: float | None = None
    gap: float | None = None

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "assignment": [[fellow, vacancy] for fellow, vacancy in self.assignment],
            "objective": self.objective,
            "placed": self.placed,
            "infeasible": self.infeasible,
        }
        if not self.exact:
            answer["gap"] = self.gap
            answer["bound"] = self.bound
        return answer

    def score_of(self, fellow: str, vacancy: str) -> float:
        assert self.problem is not None
        problem = self.problem
        return float(problem.scores[problem.fellows.index(fellow), problem.vacancies.index(vacancy)])


# --- parsing -------------------------------------------------------------------------------------


def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PlacementInputError(
            _("%(what)s must be a string or a whole number, not %(value)r") % {"what": what, "value": value}
        )
    return str(value)


def _strings(raw: Mapping[str, Any], key: str, *, required: bool = True) -> list[str]:
    value = raw.get(key)
    if value is None:
        if required:
            raise PlacementInputError(_("%(key)s is missing") % {"key": key})
        return []
    if not isinstance(value, list) or not all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in value
    ):
        raise PlacementInputError(_("%(key)s must be a list of strings") % {"key": key})
    return [str(item) for item in value]


def _number(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlacementInputError(_("%(key)s must be a finite number") % {"key": key})
    return float(value)


def parse_fellow(raw: Any) -> Fellow:
    if not isinstance(raw, Mapping):
        raise PlacementInputError(_("each fellow must be an object"))
    ranked = tuple(_strings(raw, "ranked_regions", required=False))
    return Fellow(
        id=_id(raw.get("id"), "fellow id"),
        subjects=frozenset(_strings(raw, "subjects")),
        languages=frozenset(_strings(raw, "languages")),
        accepted_regions=frozenset(_strings(raw, "accepted_regions")) | frozenset(ranked),
        ranked_regions=ranked,
        needs_housing=bool(raw.get("needs_housing", False)),
    )


def parse_vacancy(raw: Any) -> Vacancy:
    if not isinstance(raw, Mapping):
        raise PlacementInputError(_("each vacancy must be an object"))
    need = _number(raw, "need_score", 0.0)
    if not 0 <= need <= 100:
        raise PlacementInputError(_("need_score must be between 0 and 100"))
    nearby = raw.get("fellows_nearby", 0)
    if isinstance(nearby, bool) or not isinstance(nearby, int) or nearby < 0:
        raise PlacementInputError(_("fellows_nearby must be a whole number, 0 or more"))
    for key in ("subject", "language", "region"):
        if not isinstance(raw.get(key), str | int):
            raise PlacementInputError(_("vacancy %(key)s is missing") % {"key": key})
    return Vacancy(
        id=_id(raw.get("id"), "vacancy id"),
        school=str(raw.get("school", "")),
        subject=str(raw["subject"]),
        language=str(raw["language"]),
        region=str(raw["region"]),
        district=str(raw.get("district", "") or ""),
        need_score=need,
        housing=bool(raw.get("housing", False)),
        fellows_nearby=nearby,
    )


def _pairs(data: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    raw = data.get(key) or []
    if not isinstance(raw, list):
        raise PlacementInputError(_("%(key)s must be a list of [fellow, vacancy] pairs") % {"key": key})
    pairs = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise PlacementInputError(_("%(key)s must be a list of [fellow, vacancy] pairs") % {"key": key})
        pairs.append((_id(item[0], "fellow id"), _id(item[1], "vacancy id")))
    return pairs


def _unique(ids: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise PlacementInputError(_("%(what)s %(id)s appears twice") % {"what": what, "id": item})
        seen.add(item)


def parse_weights(raw: Any) -> dict[str, float]:
    if raw is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(raw, Mapping):
        raise PlacementInputError(_("weights must be an object"))
    unknown = set(raw) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise PlacementInputError(_("unknown weight %(name)s") % {"name": sorted(unknown)[0]})
    return {key: _number(raw, key, default) for key, default in DEFAULT_WEIGHTS.items()}


# --- scoring (one pair, in words; and the whole matrix, vectorised) --------------------------------


def hard_constraint_broken(fellow: Fellow, vacancy: Vacancy) -> str | None:
    """The first hard constraint the pair breaks, in words, or None."""
    if vacancy.subject not in fellow.subjects:
        return _("subject qualification: fellow %(fellow)s is not qualified to teach %(subject)s") % {
            "fellow": fellow.id,
            "subject": vacancy.subject,
        }
    if vacancy.language not in fellow.languages:
        return _("language of instruction: fellow %(fellow)s does not teach in %(language)s") % {
            "fellow": fellow.id,
            "language": vacancy.language,
        }
    if vacancy.region not in fellow.accepted_regions:
        return _("accepted regions: fellow %(fellow)s does not accept region %(region)s") % {
            "fellow": fellow.id,
            "region": vacancy.region,
        }
    return None


def region_preference(fellow: Fellow, region: str) -> float:
    """1 for the first-ranked region, falling evenly to 1/n for the n-th; 0 when only accepted."""
    if region not in fellow.ranked_regions:
        return 0.0
    count = len(fellow.ranked_regions)
    return (count - fellow.ranked_regions.index(region)) / count


def together_value(nearby: int) -> float:
    return min(nearby, TOGETHER_CAP) / TOGETHER_CAP


def pair_score(fellow: Fellow, vacancy: Vacancy, weights: Mapping[str, float]) -> PairScore:
    """The pair's own score (the peers term is not a pair's: see :func:`objective_value`)."""
    region = region_preference(fellow, vacancy.region)
    need = vacancy.need_score / 100
    together = together_value(vacancy.fellows_nearby)
    housing = 1.0 if fellow.needs_housing and vacancy.housing else 0.0
    total = (
        weights["region"] * region
        + weights["need"] * need
        + weights["together"] * together
        + weights["housing"] * housing
    )
    return PairScore(region, need, together, housing, total)


def _encode(values: Sequence[str]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for value in values:
        codes.setdefault(value, len(codes))
    return codes


def constraint_matrices(
    fellows: Sequence[Fellow],
    vacancies: Sequence[Vacancy],
    weights: Mapping[str, float],
) -> tuple[np.ndarray, np.ndarray]:
    """(allowed, scores) for every fellow × vacancy, computed column-wise with numpy.

    Equal to :func:`hard_constraint_broken` and :func:`pair_score` pair by pair (a test holds it)."""
    subjects = _encode([v.subject for v in vacancies])
    languages = _encode([v.language for v in vacancies])
    regions = _encode([v.region for v in vacancies])
    n = len(fellows)
    teaches = np.zeros((n, len(subjects)), dtype=bool)
    speaks = np.zeros((n, len(languages)), dtype=bool)
    accepts = np.zeros((n, len(regions)), dtype=bool)
    ranking = np.zeros((n, len(regions)), dtype=float)
    needs_housing = np.zeros(n, dtype=bool)
    for row, fellow in enumerate(fellows):
        for subject in fellow.subjects:
            if subject in subjects:
                teaches[row, subjects[subject]] = True
        for language in fellow.languages:
            if language in languages:
                speaks[row, languages[language]] = True
        for region in fellow.accepted_regions:
            if region in regions:
                accepts[row, regions[region]] = True
        for region in fellow.ranked_regions:
            if region in regions:
                ranking[row, regions[region]] = region_preference(fellow, region)
        needs_housing[row] = fellow.needs_housing
    # Vacancies of one kind (subject, language, region) share their column of hard constraints:
    # check each kind once, then spread the kinds over the vacancies in one gather.
    kinds: dict[tuple[int, int, int], int] = {}
    kind_of = np.fromiter(
        (
            kinds.setdefault((subjects[v.subject], languages[v.language], regions[v.region]), len(kinds))
            for v in vacancies
        ),
        dtype=np.intp,
        count=len(vacancies),
    )
    kind_subject, kind_language, kind_region = (
        np.array([kind[part] for kind in kinds], dtype=np.intp) for part in range(3)
    )
    allowed_kind = teaches[:, kind_subject] & speaks[:, kind_language] & accepts[:, kind_region]
    allowed = allowed_kind[:, kind_of]
    region_of = kind_region[kind_of]
    need = np.fromiter((v.need_score / 100 for v in vacancies), dtype=float, count=len(vacancies))
    together = np.fromiter((together_value(v.fellows_nearby) for v in vacancies), dtype=float, count=len(vacancies))
    housing = np.fromiter((v.housing for v in vacancies), dtype=float, count=len(vacancies))
    # The score of every pair, allowed or not (only allowed pairs are ever read).
    scores = ranking[:, region_of]
    scores *= weights["region"]
    scores += weights["need"] * need + weights["together"] * together
    if needs_housing.any() and weights["housing"]:
        scores[needs_housing] += weights["housing"] * housing
    return allowed, scores


# --- the problem ----------------------------------------------------------------------------------


def build_problem(data: Mapping[str, Any]) -> Problem:
    """Parse and check either input form into matrices; infeasible locks are named, not raised."""
    if not isinstance(data, Mapping):
        raise PlacementInputError(_("the input must be a JSON object"))
    locked = _pairs(data, "locked")
    forbidden = set(_pairs(data, "forbidden"))
    if "scores" in data:
        problem = _scores_problem(data, locked, forbidden)
    else:
        problem = _constraint_problem(data, locked, forbidden)
    problem.infeasible = _lock_conflict(problem)
    return problem


def _scores_problem(data: Mapping[str, Any], locked: list[tuple[str, str]], forbidden: set[tuple[str, str]]) -> Problem:
    scores_raw = data["scores"]
    if not isinstance(scores_raw, Mapping):
        raise PlacementInputError(_("scores must be an object from fellow id to an object from vacancy id to a number"))
    fellows = [
        _id(item.get("id") if isinstance(item, Mapping) else item, "fellow id") for item in data.get("fellows") or []
    ]
    vacancies = [
        _id(item.get("id") if isinstance(item, Mapping) else item, "vacancy id") for item in data.get("vacancies") or []
    ]
    _unique(fellows, _("fellow"))
    _unique(vacancies, _("vacancy"))
    fellow_set, vacancy_set = set(fellows), set(vacancies)
    for fellow, row in scores_raw.items():
        if fellow not in fellow_set:
            fellows.append(fellow)
            fellow_set.add(fellow)
        if not isinstance(row, Mapping):
            raise PlacementInputError(
                _("scores must be an object from fellow id to an object from vacancy id to a number")
            )
        for vacancy in row:
            if vacancy not in vacancy_set:
                vacancies.append(vacancy)
                vacancy_set.add(vacancy)
    fellow_index = {f: i for i, f in enumerate(fellows)}
    vacancy_index = {v: j for j, v in enumerate(vacancies)}
    allowed = np.zeros((len(fellows), len(vacancies)), dtype=bool)
    scores = np.zeros((len(fellows), len(vacancies)), dtype=float)
    for fellow, row in scores_raw.items():
        for vacancy, value in row.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise PlacementInputError(
                    _("the score of %(fellow)s for %(vacancy)s must be a finite number")
                    % {"fellow": fellow, "vacancy": vacancy}
                )
            allowed[fellow_index[fellow], vacancy_index[vacancy]] = True
            scores[fellow_index[fellow], vacancy_index[vacancy]] = float(value)
    return Problem(fellows, vacancies, allowed, scores, locked, forbidden)


def _constraint_problem(
    data: Mapping[str, Any], locked: list[tuple[str, str]], forbidden: set[tuple[str, str]]
) -> Problem:
    for key in ("fellows", "vacancies"):
        if not isinstance(data.get(key), list):
            raise PlacementInputError(_("%(key)s must be a list (or give scores instead)") % {"key": key})
    fellows = [parse_fellow(item) for item in data["fellows"]]
    vacancies = [parse_vacancy(item) for item in data["vacancies"]]
    _unique([f.id for f in fellows], _("fellow"))
    _unique([v.id for v in vacancies], _("vacancy"))
    weights = parse_weights(data.get("weights"))
    vacancy_by_id = {v.id: v for v in vacancies}
    allowed, scores = constraint_matrices(fellows, vacancies, weights)
    return Problem(
        [f.id for f in fellows],
        [v.id for v in vacancies],
        allowed,
        scores,
        locked,
        forbidden,
        fellow_objects={f.id: f for f in fellows},
        vacancy_objects=vacancy_by_id,
        weights=weights,
        districts=[v.district for v in vacancies],
        peers=weights["peers"],
    )


def _lock_conflict(problem: Problem) -> str | None:
    fellow_index = {f: i for i, f in enumerate(problem.fellows)}
    vacancy_index = {v: j for j, v in enumerate(problem.vacancies)}
    by_fellow: dict[str, str] = {}
    by_vacancy: dict[str, str] = {}
    for fellow, vacancy in problem.locked:
        names = {"fellow": fellow, "vacancy": vacancy}
        if fellow not in fellow_index:
            return _("Locked pair (%(fellow)s, %(vacancy)s) names an unknown fellow.") % names
        if vacancy not in vacancy_index:
            return _("Locked pair (%(fellow)s, %(vacancy)s) names an unknown vacancy.") % names
        if fellow in by_fellow and by_fellow[fellow] != vacancy:
            return _("One vacancy per fellow: fellow %(fellow)s is locked to both %(first)s and %(second)s.") % {
                "fellow": fellow,
                "first": by_fellow[fellow],
                "second": vacancy,
            }
        if vacancy in by_vacancy and by_vacancy[vacancy] != fellow:
            return _("One fellow per vacancy: vacancy %(vacancy)s is locked to both %(first)s and %(second)s.") % {
                "vacancy": vacancy,
                "first": by_vacancy[vacancy],
                "second": fellow,
            }
        if (fellow, vacancy) in problem.forbidden:
            return _("Locked pair (%(fellow)s, %(vacancy)s) is also forbidden.") % names
        if not problem.allowed[fellow_index[fellow], vacancy_index[vacancy]]:
            if problem.fellow_objects:
                reason = hard_constraint_broken(problem.fellow_objects[fellow], problem.vacancy_objects[vacancy])
                return _("Locked pair (%(fellow)s, %(vacancy)s) cannot be met: %(reason)s.") % {
                    **names,
                    "reason": reason,
                }
            return (
                _("Locked pair (%(fellow)s, %(vacancy)s) cannot be met: the pair has no score, so it is not allowed.")
                % names
            )
        by_fellow[fellow] = vacancy
        by_vacancy[vacancy] = fellow
    return None


# --- solving --------------------------------------------------------------------------------------


def peers_value(count: int) -> float:
    """The peers term of one district holding ``count`` fellows placed in this run, before the
    weight: each of them earns min(count − 1, 3) / 3."""
    return count * min(max(count - 1, 0), TOGETHER_CAP) / TOGETHER_CAP


def objective_value(problem: Problem, pairs: Sequence[tuple[int, int]]) -> float:
    """The objective of an assignment (rows and columns of the problem's matrices): the sum of the
    chosen pairs' scores plus ``peers`` × the sum over districts of :func:`peers_value` of the
    number of chosen vacancies in the district (vacancies without a district count in none)."""
    total = math.fsum(float(problem.scores[i, j]) for i, j in pairs)
    if problem.peers and problem.districts:
        counts: dict[str, int] = {}
        for _i, j in pairs:
            district = problem.districts[j]
            if district:
                counts[district] = counts.get(district, 0) + 1
        total += problem.peers * math.fsum(peers_value(count) for count in counts.values())
    return total


def _open_pairs(problem: Problem) -> np.ndarray:
    fellow_index = {f: i for i, f in enumerate(problem.fellows)}
    vacancy_index = {v: j for j, v in enumerate(problem.vacancies)}
    open_pairs = problem.allowed.copy()
    for fellow, vacancy in problem.forbidden:
        if fellow in fellow_index and vacancy in vacancy_index:
            open_pairs[fellow_index[fellow], vacancy_index[vacancy]] = False
    # A locked pair is the only one left open in its row and its column.
    for fellow, vacancy in dict.fromkeys(problem.locked):
        i, j = fellow_index[fellow], vacancy_index[vacancy]
        open_pairs[i, :] = False
        open_pairs[:, j] = False
        open_pairs[i, j] = True
    return open_pairs


def open_pair_count(problem: Problem) -> int:
    """The pairs a solve chooses among: allowed, not forbidden, and for a locked fellow or
    vacancy only the locked pair."""
    return int(_open_pairs(problem).sum()) if problem.allowed.size else 0


def _peers_matter(problem: Problem, open_pairs: np.ndarray) -> bool:
    """Whether the peers term can differ between assignments: a weight, and a district with two
    vacancies open to some fellow."""
    if not problem.peers or not problem.districts:
        return False
    reachable = open_pairs.any(axis=0)
    seen: set[str] = set()
    for j in np.flatnonzero(reachable).tolist():
        district = problem.districts[j]
        if district:
            if district in seen:
                return True
            seen.add(district)
    return False


def solve_problem(problem: Problem, *, time_limit: float = TIME_LIMIT) -> Result:
    """Solve a built problem. ``time_limit`` (seconds) bounds HiGHS's work on the peers term;
    if it runs out, the answer is HiGHS's best with its proven bound (``Result.exact`` False)."""
    if problem.infeasible is not None:
        return Result([], 0.0, 0, problem.infeasible, problem)
    chosen: list[tuple[int, int]] = []
    exact, bound = True, None
    if problem.allowed.size:
        open_pairs = _open_pairs(problem)
        chosen = _assign(open_pairs, problem.scores)
        if chosen and _peers_matter(problem, open_pairs):
            chosen, exact, bound = _solve_with_peers(problem, open_pairs, chosen, time_limit)
    chosen.sort()
    assignment = [(problem.fellows[i], problem.vacancies[j]) for i, j in chosen]
    objective = objective_value(problem, chosen)
    result = Result(assignment, objective, len(assignment), None, problem, exact)
    if not exact and bound is not None:
        result.bound = max(bound, objective)
        result.gap = (result.bound - objective) / max(abs(objective), 1.0)
    return result


def _district_codes(problem: Problem) -> np.ndarray:
    """Each vacancy's district as a number, -1 for none."""
    codes: dict[str, int] = {}
    return np.fromiter(
        (codes.setdefault(d, len(codes)) if d else -1 for d in problem.districts),
        dtype=np.intp,
        count=len(problem.districts),
    )


@dataclass
class _Pairs:
    """The open pairs as parallel arrays (row, column, district of the column)."""

    rows: np.ndarray
    columns: np.ndarray
    district: np.ndarray

    def take(self, keep: np.ndarray) -> _Pairs:
        return _Pairs(self.rows[keep], self.columns[keep], self.district[keep])


def _solve_with_peers(
    problem: Problem, open_pairs: np.ndarray, start: list[tuple[int, int]], time_limit: float
) -> tuple[list[tuple[int, int]], bool, float | None]:
    """The optimum with the peers term: (pairs, proven optimal, an upper bound on the optimum
    when not proven). The steps are those of the module docstring ("Solving")."""
    deadline = time.monotonic() + time_limit
    placed = len(start)
    rows, columns = np.nonzero(open_pairs)
    code = _district_codes(problem)
    pairs = _Pairs(rows, columns, code[columns])
    # Districts where the peers term can be non-zero: two or more vacancies open to someone.
    reachable = np.unique(columns)
    sizes = np.bincount(code[reachable][code[reachable] >= 0], minlength=int(code.max()) + 1)
    counted = np.zeros(len(sizes) + 1, dtype=bool)  # the last slot, index -1, is "no district"
    counted[: len(sizes)] = sizes >= 2
    in_counted = counted[pairs.district]
    # f(n) ≤ n, so each pair's score plus the (non-negative) weight when its district counts bounds
    # the objective from above; with a negative weight the pair's score alone does.
    lift = max(problem.peers, 0.0)
    bounding = problem.scores[rows, columns] + lift * in_counted
    lifted = problem.scores + lift * counted[code][np.newaxis, :]
    # 1. Answers and a bound from the linear assignment: the pairs' scores alone, and lifted. The
    # lifted optimum (most placed, then the highest lifted total) bounds every answer placing as many.
    upper = _assign(open_pairs, lifted)
    ceiling = math.fsum(float(lifted[i, j]) for i, j in upper)
    best = max((c for c in (start, upper) if len(c) == placed), key=lambda c: objective_value(problem, c))
    best_value = objective_value(problem, best)
    if best_value >= ceiling - TOLERANCE:
        return best, True, None
    # 2. Each pair's reduced cost in the dual of that assignment's linear programme (HiGHS): an
    # answer using a pair is worth at most dual − its reduced cost.
    duals = _assignment_duals(open_pairs.shape, pairs, bounding, placed, best, deadline)
    reduced, dual = duals if duals is not None else (np.zeros(len(rows)), math.inf)
    position = {(i, j): k for k, (i, j) in enumerate(zip(rows.tolist(), columns.tolist(), strict=True))}
    # 3. The mixed-integer programme on the pairs of reduced cost at most dual − best (the others
    # cannot be in a better answer), at first at most MIP_PAIRS of them; wider if that proves nothing.
    threshold = dual - best_value
    if np.count_nonzero(reduced <= threshold + TOLERANCE) > MIP_PAIRS:
        threshold = float(np.partition(reduced, MIP_PAIRS)[MIP_PAIRS])
    while True:
        keep = reduced <= threshold + TOLERANCE
        keep[[position[pair] for pair in best]] = True
        remaining = max(deadline - time.monotonic(), 0.01)
        outcome = _peers_mip(problem, pairs.take(keep), placed, in_counted[keep], remaining)
        mip_bound, proven = ceiling, False
        if outcome is not None:
            answer, mip_bound, proven = outcome
            value = objective_value(problem, answer)
            if value > best_value:
                best, best_value = answer, value
        # Any answer using a pair left out is worth less than dual − threshold.
        left_out = dual - threshold if not keep.all() else -math.inf
        if proven and left_out <= best_value + TOLERANCE:
            return best, True, None
        if not proven or time.monotonic() >= deadline:
            return best, False, min(ceiling, max(mip_bound, left_out))
        threshold = dual - best_value


def _assignment_duals(
    shape: tuple[int, int],
    pairs: _Pairs,
    weights: np.ndarray,
    placed: int,
    start: list[tuple[int, int]],
    deadline: float,
) -> tuple[np.ndarray, float] | None:
    """(each open pair's reduced cost, the LP bound) for max Σ weight·x over fractional matchings
    placing ``placed`` fellows, from HiGHS's dual (``scipy.optimize.linprog``), priced over every
    pair: LP on the best few pairs of each fellow, add pairs of negative reduced cost, repeat.
    The bound is made valid whatever HiGHS's accuracy: negative duals of the ≤ 1 rows are raised
    to 0 and the total's dual raised until no pair's reduced cost is negative. None if HiGHS
    does not finish in time."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    n_fellows, n_vacancies = shape
    order = np.lexsort((-weights, pairs.rows))
    first = np.searchsorted(pairs.rows[order], np.arange(n_fellows))
    rank = np.arange(len(order)) - first[pairs.rows[order]]
    columns = np.zeros(len(weights), dtype=bool)
    columns[order[rank < DUAL_START_PAIRS]] = True
    start_set = {i * n_vacancies + j for i, j in start}
    columns |= np.isin(pairs.rows * n_vacancies + pairs.columns, list(start_set))
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        chosen = np.flatnonzero(columns)
        m = len(chosen)
        matrix = coo_matrix(
            (
                np.ones(2 * m),
                (np.concatenate([pairs.rows[chosen], n_fellows + pairs.columns[chosen]]), np.tile(np.arange(m), 2)),
            ),
            shape=(n_fellows + n_vacancies, m),
        ).tocsr()
        answer = linprog(
            -weights[chosen],
            A_ub=matrix,
            b_ub=np.ones(n_fellows + n_vacancies),
            A_eq=np.ones((1, m)),
            b_eq=[placed],
            bounds=(0, None),
            method="highs-ipm",
            options={"time_limit": remaining},
        )
        if answer.status != 0:
            return None
        u = np.maximum(-answer.ineqlin.marginals[:n_fellows], 0.0)
        v = np.maximum(-answer.ineqlin.marginals[n_fellows:], 0.0)
        total = float(-answer.eqlin.marginals[0])
        reduced = u[pairs.rows] + v[pairs.columns] + total - weights
        entering = (reduced < -TOLERANCE) & ~columns
        if not entering.any():
            total -= min(float(reduced.min()), 0.0)
            reduced = u[pairs.rows] + v[pairs.columns] + total - weights
            return reduced, math.fsum(u) + math.fsum(v) + total * placed
        columns |= entering


def _peers_mip(
    problem: Problem, pairs: _Pairs, placed: int, in_counted: np.ndarray, time_limit: float
) -> tuple[list[tuple[int, int]], float, bool] | None:
    """HiGHS (``scipy.optimize.milp``) on the given pairs: (the answer, an upper bound on the
    optimum over these pairs, whether HiGHS proved it optimal), or None without an answer.

    The peers term of a district holding n fellows is f(n) = n − [n ≥ 1] − [n ≥ 2]/3 + [n ≥ 3]/3
    + [n ≥ 4] (so f(n) = n from 4 on): the n part goes onto the pairs, and each district gets
    0/1 variables y_k = [n ≥ k], k = 1..4, held to those values by y_1 ≥ y_2 ≥ y_3 ≥ y_4,
    Σ y_k ≤ n and n ≤ y_1 + y_2 + y_3 + (most − 3)·y_4 (fewer levels in a district that can hold
    fewer than four). Every variable is 0/1: HiGHS then also branches and cuts on the pairs, which
    measured faster than leaving them continuous (whose answers would be matchings anyway)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n_fellows, n_vacancies = problem.allowed.shape
    weight = problem.peers
    m = len(pairs.rows)
    cost = problem.scores[pairs.rows, pairs.columns] + weight * in_counted
    # Districts (counted ones) among these pairs, with the most fellows they could hold.
    district_ids, district_of_pair = np.unique(np.where(in_counted, pairs.district, -1), return_inverse=True)
    has = district_ids >= 0
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (row, column, value)
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    n_rows = 0

    def rows_of(count: int, lo: float | np.ndarray, hi: float | np.ndarray) -> np.ndarray:
        nonlocal n_rows
        index = np.arange(n_rows, n_rows + count)
        n_rows += count
        lower.append(np.broadcast_to(np.asarray(lo, dtype=float), (count,)))
        upper.append(np.broadcast_to(np.asarray(hi, dtype=float), (count,)))
        return index

    ones = np.ones(m)
    entries.append((rows_of(n_fellows, 0, 1)[pairs.rows], np.arange(m), ones))
    entries.append((rows_of(n_vacancies, 0, 1)[pairs.columns], np.arange(m), ones))
    entries.append((np.full(m, rows_of(1, placed, placed)[0]), np.arange(m), ones))
    y_costs = [-1.0, -1.0 / 3, 1.0 / 3, 1.0]
    n_vars = m
    y_cost: list[float] = []
    for slot in np.flatnonzero(has).tolist():
        mine = np.flatnonzero(district_of_pair == slot)
        most = min(len(np.unique(pairs.columns[mine])), placed)
        levels = min(most, 4)
        y = np.arange(n_vars, n_vars + levels)
        n_vars += levels
        y_cost.extend(weight * c for c in y_costs[:levels])
        if levels > 1:  # y_k ≥ y_{k+1}
            order = rows_of(levels - 1, 0, np.inf)
            entries.append(
                (
                    np.concatenate([order, order]),
                    np.concatenate([y[:-1], y[1:]]),
                    np.r_[ones[: levels - 1], -ones[: levels - 1]],
                )
            )
        at_least, at_most = rows_of(1, -np.inf, 0)[0], rows_of(1, -np.inf, 0)[0]
        # Σ y_k − n ≤ 0 and n − Σ y_k − (most − levels)·y_levels ≤ 0.
        entries.append((np.full(len(mine), at_least), mine, -ones[: len(mine)]))
        entries.append((np.full(levels, at_least), y, ones[:levels]))
        entries.append((np.full(len(mine), at_most), mine, ones[: len(mine)]))
        top = -np.ones(levels)
        top[-1] -= most - levels
        entries.append((np.full(levels, at_most), y, top))
    c = -np.concatenate([cost, np.array(y_cost)])
    matrix = coo_matrix(
        (
            np.concatenate([e[2] for e in entries]),
            (np.concatenate([e[0] for e in entries]), np.concatenate([e[1] for e in entries])),
        ),
        shape=(n_rows, n_vars),
    ).tocsr()
    low = np.zeros(n_vars)
    locked = _locked_indices(problem)
    low[:m] = np.isin(pairs.rows, list(locked))
    answer = milp(
        c,
        integrality=np.ones(n_vars),
        bounds=Bounds(low, np.ones(n_vars)),
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True},
    )
    if answer.x is None:
        return None
    picked = answer.x[:m] > 0.5
    chosen = list(zip(pairs.rows[picked].tolist(), pairs.columns[picked].tolist(), strict=True))
    if not _is_matching(chosen, placed):  # never seen; an answer that is not one is not used
        return None
    proven = answer.status == 0
    dual = getattr(answer, "mip_dual_bound", None)
    bound = -float(answer.fun) if proven else (-float(dual) if dual is not None else math.inf)
    return chosen, bound, proven


def _is_matching(pairs: list[tuple[int, int]], placed: int) -> bool:
    return len(pairs) == placed and len({i for i, _j in pairs}) == placed and len({j for _i, j in pairs}) == placed


def _locked_indices(problem: Problem) -> set[int]:
    fellow_index = {f: i for i, f in enumerate(problem.fellows)}
    return {fellow_index[f] for f, _v in problem.locked}


def _assign(open_pairs: np.ndarray, scores: np.ndarray) -> list[tuple[int, int]]:
    """The lexicographic optimum (most pairs, then the highest total) over the open pairs.

    When every fellow (or every vacancy, whichever are fewer) can be matched, scipy's full
    assignment with the closed pairs at ``-inf`` is that optimum, found directly. Otherwise each
    open pair is worth ``BIG + score`` with ``BIG`` above any difference in the total score, so one
    more pair always wins, and closed pairs (worth 0) are dropped from the answer."""
    smaller_side_open = open_pairs.any(axis=1 if open_pairs.shape[0] <= open_pairs.shape[1] else 0).all()
    if smaller_side_open:
        try:
            rows, columns = linear_sum_assignment(np.where(open_pairs, scores, -np.inf), maximize=True)
            return list(zip(rows.tolist(), columns.tolist(), strict=True))
        except ValueError:  # no full assignment: fall through to the weighted form
            pass
    if not open_pairs.any():
        return []
    largest = float(np.abs(scores[open_pairs]).max())
    big = 2 * min(open_pairs.shape) * largest + 1.0
    rows, columns = linear_sum_assignment(np.where(open_pairs, scores + big, 0.0), maximize=True)
    keep = open_pairs[rows, columns]
    return list(zip(rows[keep].tolist(), columns[keep].tolist(), strict=True))


def solve(data: Mapping[str, Any], *, time_limit: float = TIME_LIMIT) -> Result:
    """Solve one placement input (either form). Raises PlacementInputError on malformed input;
    an infeasible one gives a Result whose ``infeasible`` names the constraint that cannot be met.
    ``time_limit``: seconds HiGHS may spend on the peers term (see "Solving")."""
    return solve_problem(build_problem(data), time_limit=time_limit)


def unplaced_reason(problem: Problem, fellow: str, taken: set[str]) -> str:
    """Why a fellow was left unplaced, in words: the hard constraint that emptied their options,
    or that the vacancies they could take went to others."""
    i = problem.fellows.index(fellow)
    options = [problem.vacancies[j] for j in np.flatnonzero(problem.allowed[i]).tolist()]
    options = [v for v in options if (fellow, v) not in problem.forbidden]
    if options:
        if all(v in taken for v in options):
            return _("Every vacancy this fellow could take went to another fellow; more fellows are placed that way.")
        return _("Left unplaced by the solver.")
    if not problem.fellow_objects:
        return _("No vacancy has a score for this fellow, or all of them are forbidden.")
    person = problem.fellow_objects[fellow]
    vacancies = list(problem.vacancy_objects.values())
    vacancies = [v for v in vacancies if v.subject in person.subjects]
    if not vacancies:
        return _("Subject qualification: no vacancy is in a subject this fellow is qualified to teach.")
    vacancies = [v for v in vacancies if v.language in person.languages]
    if not vacancies:
        return _("Language of instruction: no vacancy in this fellow's subjects teaches in a language they teach in.")
    vacancies = [v for v in vacancies if v.region in person.accepted_regions]
    if not vacancies:
        return _(
            "Accepted regions: no vacancy that fits this fellow's subjects and languages is in a region they accept."
        )
    return _("Every vacancy that meets the hard constraints is forbidden for this fellow.")
