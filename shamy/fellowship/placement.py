"""Placement of a cohort's fellows in vacancies: a pure function over a documented JSON input.

Two input forms (README.md, "Placement solver input"):

- **constraint form**: ``fellows`` (subjects, languages, accepted and ranked regions, whether they
  need housing) and ``vacancies`` (school, subject, language, region, district, need score,
  housing, fellows already serving nearby), with ``weights``. A pair is allowed when the fellow is
  qualified in the vacancy's subject, speaks its language of instruction and accepts its region
  (hard constraints); its score is the weighted sum of soft preferences, each 0..1:
  ``region`` (the fellow's ranking of the vacancy's region), ``need`` (the school's need score
  from the equity analytics' need ranking, 0..100, divided by 100), ``together`` (other fellows
  serving in the same district, locked ones included, capped at three) and ``housing`` (the vacancy
  offers housing to a fellow who needs it).
- **scores form**: ``scores`` maps a fellow id to an object from vacancy id to a number; a pair
  missing there is not allowed.

Both forms take ``locked`` and ``forbidden`` pairs. The solver places as many fellows as possible
and, among those assignments, maximises the sum of the chosen pairs' scores. It solves this
exactly with scipy's ``linear_sum_assignment`` (a rectangular assignment problem): every allowed
pair is worth ``BIG + score`` with ``BIG`` larger than any difference in total score, so one more
fellow placed always outweighs any gain in score; disallowed pairs are worth 0 and dropped.
Locked pairs are fixed first and their fellows and vacancies left out of the matrix.

"Keeping fellows near each other" is scored per vacancy (fellows already in the district), not
per pair of fellows placed in the same run: the pairwise form is a quadratic assignment problem,
which no exact solver of this size handles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

DEFAULT_WEIGHTS: dict[str, float] = {"region": 3.0, "need": 2.0, "together": 1.0, "housing": 1.0}
TOGETHER_CAP = 3


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


@dataclass
class Result:
    assignment: list[tuple[str, str]]
    objective: float
    placed: int
    infeasible: str | None
    problem: Problem | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "assignment": [[fellow, vacancy] for fellow, vacancy in self.assignment],
            "objective": self.objective,
            "placed": self.placed,
            "infeasible": self.infeasible,
        }

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


def pair_score(fellow: Fellow, vacancy: Vacancy, weights: Mapping[str, float], extra_nearby: int = 0) -> PairScore:
    region = region_preference(fellow, vacancy.region)
    need = vacancy.need_score / 100
    together = together_value(vacancy.fellows_nearby + extra_nearby)
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
    locked_nearby: Mapping[str, int],
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
    together = np.fromiter(
        (
            together_value(v.fellows_nearby + locked_nearby.get(v.district, 0) if v.district else v.fellows_nearby)
            for v in vacancies
        ),
        dtype=float,
        count=len(vacancies),
    )
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
    locked_nearby: dict[str, int] = {}
    for _fellow, vacancy_id in locked:
        vacancy = vacancy_by_id.get(vacancy_id)
        if vacancy is not None and vacancy.district:
            locked_nearby[vacancy.district] = locked_nearby.get(vacancy.district, 0) + 1
    allowed, scores = constraint_matrices(fellows, vacancies, weights, locked_nearby)
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


def solve_problem(problem: Problem) -> Result:
    if problem.infeasible is not None:
        return Result([], 0.0, 0, problem.infeasible, problem)
    fellow_index = {f: i for i, f in enumerate(problem.fellows)}
    vacancy_index = {v: j for j, v in enumerate(problem.vacancies)}
    chosen: list[tuple[int, int]] = []
    if problem.allowed.size:
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
        chosen = _assign(open_pairs, problem.scores)
    chosen.sort()
    assignment = [(problem.fellows[i], problem.vacancies[j]) for i, j in chosen]
    objective = math.fsum(float(problem.scores[i, j]) for i, j in chosen)
    return Result(assignment, objective, len(assignment), None, problem)


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


def solve(data: Mapping[str, Any]) -> Result:
    """Solve one placement input (either form). Raises PlacementInputError on malformed input;
    an infeasible one gives a Result whose ``infeasible`` names the constraint that cannot be met."""
    return solve_problem(build_problem(data))


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
