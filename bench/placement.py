"""`make bench` (first part): the fellowship placement solver at 2,000 fellows × 5,000 vacancies.

Builds one constraint-form input (fixed seed: subjects, languages, accepted and ranked regions,
need scores, housing, districts, 20 locked and 200 forbidden pairs), then in the same run:

1. times ``shamy.fellowship.placement.solve`` on it, end to end (parsing, constraint checks,
   scoring, the solve, the result);
2. builds the same score matrix (allowed pairs only; locked rows and columns fixed the same way;
   forbidden and disallowed pairs ``-inf``) and times plain ``scipy.optimize.linear_sum_assignment``
   on it with ``maximize=True``;
3. checks that both reach the same objective (every fellow can be placed in this input, so
   "most placed, then highest total" and scipy's full assignment have the same optimum) and that
   the solver's time is at most twice scipy's (the targets of issue 15).

The two run in turn ``--repeat`` times and the medians are reported. ``--write-docs`` puts the table into the
"## Placement solver" section of docs/benchmarks.md. Needs no database.

``--peers-sizes 300x750,2000x5000`` instead solves inputs built the same way (same seed) with the
``peers`` weight on (``--peers``, default 1), where the problem is no longer a linear assignment and
there is no scipy matrix to compare with: for each size it reports the open pairs, the seconds, whether
HiGHS proved the answer optimal within ``--time-limit`` seconds, and otherwise its proven gap, next to
the linear optimum's objective (the same input with ``peers`` 0, rescored with the peers term).
``--write-docs`` then fills the peers table of the same section.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from shamy.fellowship.placement import build_problem, objective_value, open_pair_count, solve  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Placement solver"
BEGIN = "<!-- placement-bench:begin -->"
END = "<!-- placement-bench:end -->"
PEERS_BEGIN = "<!-- placement-peers:begin -->"
PEERS_END = "<!-- placement-peers:end -->"
SUBJECTS = ["mathematics", "physics", "chemistry", "biology", "english", "kazakh", "russian", "history", "informatics"]
LANGUAGES = ["kk", "ru", "en"]
REGIONS = [f"R{k:02d}" for k in range(20)]


def make_input(fellows: int, vacancies: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    people = []
    for i in range(fellows):
        accepted = [str(r) for r in rng.choice(REGIONS, size=int(rng.integers(4, 12)), replace=False)]
        people.append(
            {
                "id": f"f{i}",
                "subjects": [str(s) for s in rng.choice(SUBJECTS, size=int(rng.integers(2, 4)), replace=False)],
                "languages": ["kk", "ru"] if rng.random() < 0.7 else [str(rng.choice(LANGUAGES[:2])), "en"],
                "accepted_regions": accepted,
                "ranked_regions": accepted[: int(rng.integers(1, 4))],
                "needs_housing": bool(rng.random() < 0.5),
            }
        )
    posts = []
    for j in range(vacancies):
        region = str(rng.choice(REGIONS))
        posts.append(
            {
                "id": f"v{j}",
                "school": f"s{j // 2}",
                "subject": str(rng.choice(SUBJECTS)),
                "language": str(rng.choice(LANGUAGES, p=[0.55, 0.4, 0.05])),
                "region": region,
                "district": f"{region}-d{int(rng.integers(0, 12))}",
                "need_score": round(float(rng.uniform(0, 100)), 1),
                "housing": bool(rng.random() < 0.4),
                "fellows_nearby": int(rng.integers(0, 4)),
            }
        )
    data: dict[str, Any] = {
        "fellows": people,
        "vacancies": posts,
        # peers 0: the targets compare with scipy's optimum "on the same cost matrix", which exists
        # only for the linear objective (the pairwise peers term is solved otherwise: README).
        "weights": {"region": 3, "need": 2, "together": 1, "housing": 1, "peers": 0},
    }
    # Locks and forbidden pairs among allowed pairs, so that the input stays feasible.
    problem = build_problem(data)
    allowed_pairs = np.argwhere(problem.allowed)
    picks = rng.choice(len(allowed_pairs), size=len(allowed_pairs), replace=False)
    locked: list[list[str]] = []
    used_f: set[int] = set()
    used_v: set[int] = set()
    forbidden: list[list[str]] = []
    for index in picks:
        i, j = (int(x) for x in allowed_pairs[index])
        if len(locked) < 20 and i not in used_f and j not in used_v:
            locked.append([f"f{i}", f"v{j}"])
            used_f.add(i)
            used_v.add(j)
        elif len(forbidden) < 200 and i not in used_f and j not in used_v:
            forbidden.append([f"f{i}", f"v{j}"])
        if len(locked) == 20 and len(forbidden) == 200:
            break
    data["locked"] = locked
    data["forbidden"] = forbidden
    return data


def scipy_matrix(data: dict[str, Any]) -> tuple[np.ndarray, float]:
    """The same scores as a plain matrix for scipy: locked pairs' rows and columns removed (their
    scores added back), forbidden and disallowed pairs -inf."""
    problem = build_problem(data)
    index_f = {f: i for i, f in enumerate(problem.fellows)}
    index_v = {v: j for j, v in enumerate(problem.vacancies)}
    matrix = np.where(problem.allowed, problem.scores, -np.inf)
    for f, v in data["forbidden"]:
        matrix[index_f[f], index_v[v]] = -np.inf
    locked_value = math.fsum(float(problem.scores[index_f[f], index_v[v]]) for f, v in data["locked"])
    rows = [i for i in range(len(problem.fellows)) if i not in {index_f[f] for f, _v in data["locked"]}]
    columns = [j for j in range(len(problem.vacancies)) if j not in {index_v[v] for _f, v in data["locked"]}]
    return np.ascontiguousarray(matrix[np.ix_(rows, columns)]), locked_value


def timed(function: Any, repeat: int) -> tuple[float, Any]:
    times = []
    value = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fellows", type=int, default=2000)
    parser.add_argument("--vacancies", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/benchmarks.md")
    parser.add_argument("--peers-sizes", default="", help="FxV,... : solve with the peers term on at these sizes")
    parser.add_argument("--peers", type=float, default=1.0, help="the peers weight for --peers-sizes")
    parser.add_argument("--time-limit", type=float, default=600.0, help="HiGHS's seconds for --peers-sizes")
    args = parser.parse_args()
    if args.peers_sizes:
        return peers_main(args)

    data = make_input(args.fellows, args.vacancies, args.seed)
    matrix, locked_value = scipy_matrix(data)
    allowed_share = float(np.isfinite(matrix).mean())

    def plain_scipy() -> float:
        rows, columns = linear_sum_assignment(matrix, maximize=True)
        return math.fsum(matrix[rows, columns].tolist()) + locked_value

    # Alternate the two, so that a busy moment of a shared machine falls on both alike.
    solver_times, scipy_times = [], []
    for _ in range(args.repeat):
        seconds, result = timed(lambda: solve(data), 1)
        solver_times.append(seconds)
        seconds, scipy_objective = timed(plain_scipy, 1)
        scipy_times.append(seconds)
    solver_seconds, scipy_seconds = statistics.median(solver_times), statistics.median(scipy_times)
    ratio = solver_seconds / scipy_seconds
    same = math.isclose(result.objective, scipy_objective, rel_tol=1e-9, abs_tol=1e-6)
    load = os.getloadavg()[0]
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    machine = f"{platform.machine()} with {os.cpu_count()} CPUs (1-minute load average {load:.1f} at the start)"
    versions = f"Python {platform.python_version()}, scipy {scipy.__version__}, numpy {np.__version__}"
    pairs = f"{len(data['locked'])} locked and {len(data['forbidden'])} forbidden pairs"
    lines = [
        f"Run {stamp} on {machine}, {versions}; median of {args.repeat}.",
        "",
        f"Input: {args.fellows:,} fellows × {args.vacancies:,} vacancies, seed {args.seed}, {pairs}; "
        f"{allowed_share:.1%} of the remaining pairs meet the hard constraints.",
        "",
        "| run | seconds | objective | placed | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| `placement.solve` (parse, constraints, scores, solve) | {solver_seconds:.3f} | {result.objective:.6f} | "
        f"{result.placed:,} | same objective, ≤ 2 × scipy |",
        f"| plain `linear_sum_assignment` on the same matrix | {scipy_seconds:.3f} | {scipy_objective:.6f} | "
        f"{matrix.shape[0] + len(data['locked']):,} | |",
        "",
        f"Objective equal: **{'yes' if same else 'NO'}** (difference {abs(result.objective - scipy_objective):.2e}); "
        f"time ratio: **{ratio:.2f}** ({'met' if ratio <= 2 else 'NOT met'}).",
    ]
    text = "\n".join(lines)
    print(f"{SECTION}\n\n{text}")
    if args.write_docs:
        docs = DOCS.read_text(encoding="utf-8")
        block = f"{BEGIN}\n{text}\n{END}"
        if BEGIN in docs and END in docs:
            docs = docs[: docs.index(BEGIN)] + block + docs[docs.index(END) + len(END) :]
        else:
            docs = (
                docs.rstrip("\n")
                + f"\n\n{SECTION}\n\n`make bench` (first part) or `.venv/bin/python bench/placement.py` "
            )
            docs += "(bench/placement.py says what it builds and compares).\n\n" + block + "\n"
        DOCS.write_text(docs, encoding="utf-8")
    return 0 if same and ratio <= 2 else 1


def peers_main(args: argparse.Namespace) -> int:
    load = os.getloadavg()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    for size in args.peers_sizes.split(","):
        fellows, vacancies = (int(part) for part in size.lower().split("x"))
        data = make_input(fellows, vacancies, args.seed)
        data["weights"] = {**data["weights"], "peers": args.peers}
        problem = build_problem(data)
        started = time.perf_counter()
        result = solve(data, time_limit=args.time_limit)
        seconds = time.perf_counter() - started
        linear = solve({**data, "weights": {**data["weights"], "peers": 0}})
        row = {f: i for i, f in enumerate(problem.fellows)}
        column = {v: j for j, v in enumerate(problem.vacancies)}
        linear_value = objective_value(problem, [(row[f], column[v]) for f, v in linear.assignment])
        open_pairs = open_pair_count(problem)
        proven = "yes" if result.exact else f"no: gap {result.gap:.4%}, bound {result.bound:.3f}"
        rows.append(
            f"| {fellows:,} × {vacancies:,} | {open_pairs:,} | {seconds:.1f} | {proven} | "
            f"{result.objective:.3f} | {linear_value:.3f} | {result.placed:,} |"
        )
        print(rows[-1], flush=True)
    lines = [
        f"Run {stamp} on {platform.machine()} with {os.cpu_count()} CPUs, load averages "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the start, "
        f"scipy {scipy.__version__} (HiGHS); `peers` {args.peers:g}, time limit {args.time_limit:g} s, "
        f"seed {args.seed}.",
        "",
        "| fellows × vacancies | open pairs | seconds | proven optimal | objective "
        "| linear optimum, rescored | placed |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
        *rows,
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        docs = DOCS.read_text(encoding="utf-8")
        block = f"{PEERS_BEGIN}\n{text}\n{PEERS_END}"
        if PEERS_BEGIN in docs and PEERS_END in docs:
            docs = docs[: docs.index(PEERS_BEGIN)] + block + docs[docs.index(PEERS_END) + len(PEERS_END) :]
        else:
            docs = docs.replace(END, END + "\n\n" + block, 1)
        DOCS.write_text(docs, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
