"""Issue 18, point 5: does a page's cost stay flat as the data grows? Reads the saved runs.

`make bench SCALE=1`, `SCALE=2` and `SCALE=4` each save bench/results/<time>.json (every scenario's
requests/s, p95, one-client p50 and queries, with the scale); the first run on a fresh database also
saves its seeding times (bench/results/seeding-<database>.json). This script takes the newest run of
each scale and prints, per key page:

- its throughput as a share of the minimal page's in the same run, its p95 and its queries;
- its time at the largest scale over its time at scale 1, both in units of the minimal page of the
  same run (= ratio at scale 1 / ratio at the largest scale), and the same for the one-client
  median (the service time without queueing); the target is at most 1.2, with the same queries;
- with every cache off: the throughput ratio (target: at least 0.5).

`--write-docs` puts the tables between the scale-curve markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scenarios import KEY_PAGES, MINIMAL  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- scale curve: results begin -->", "<!-- scale curve: results end -->"
FLAT = 1.2
COLD = 0.5


def newest_runs() -> dict[float, tuple[str, list[dict[str, Any]]]]:
    """The newest saved run of each scale that measured the key pages."""
    runs: dict[float, tuple[str, list[dict[str, Any]]]] = {}
    names = {page.name for page in KEY_PAGES}
    for path in sorted(RESULTS.glob("2*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not rows or "scale" not in rows[0] or not names & {row["scenario"]["name"] for row in rows}:
            continue
        runs[float(rows[0]["scale"])] = (path.stem, rows)
    return runs


def seeding() -> dict[float, dict[str, Any]]:
    out = {}
    for path in RESULTS.glob("seeding-*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        out[float(record["scale"])] = record
    return out


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["scenario"]["name"]: row for row in rows}


def minimal_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(row for row in rows if row["scenario"]["baseline"] == MINIMAL)


def ratio(row: dict[str, Any] | None, minimal: dict[str, Any]) -> float | None:
    return row["rps"] / minimal["rps"] if row and minimal["rps"] else None


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def report() -> str:
    runs = newest_runs()
    if not runs:
        raise SystemExit("no saved run with the key pages in bench/results/: run make bench SCALE=1 first")
    scales = sorted(runs)
    seeds = seeding()
    lines = ["Runs: " + ", ".join(f"scale {s:g}: bench/results/{runs[s][0]}.json" for s in scales) + "."]
    lines += [
        "",
        "Seeding, as saved by `make bench` when it seeded the database itself (bench/results/seeding-*.json):",
        "",
    ]
    lines += ["| scale | seed_demo | the other demo seeds | load average |", "|---:|---:|---:|---:|"]
    for scale in scales:
        record = seeds.get(scale)
        if record is None:
            lines.append(f"| {scale:g} | not saved (seeded outside `make bench`) | | |")
            continue
        seconds = dict(record["seconds"])
        main = seconds.pop("seed_demo", 0.0)
        lines.append(f"| {scale:g} | {main:.0f} s | {sum(seconds.values()):.0f} s | {record.get('load', '?')} |")
    header = " | ".join(f"scale {s:g}: ratio / p95 ms / 1-client p50 ms / queries" for s in scales)
    lines += ["", "Warm (caches on):", "", f"| page | minimal page's req/s | {header} |"]
    lines += ["|---|---|" + "---|" * len(scales)]
    minimal_cells = " | ".join(
        f"{minimal_of(runs[s][1])['rps']:.0f} req/s / {minimal_of(runs[s][1])['p95_ms']:.0f} / "
        f"{minimal_of(runs[s][1])['single_p50_ms']:.1f} / 1"
        for s in scales
    )
    lines.append(f"| minimal page (baseline) | — | {minimal_cells} |")
    for page in KEY_PAGES:
        cells = []
        for scale in scales:
            rows = by_name(runs[scale][1])
            row = rows.get(page.name)
            minimal = minimal_of(runs[scale][1])
            cells.append(
                "—"
                if row is None
                else f"{fmt(ratio(row, minimal))} / {row['p95_ms']:.0f} / "
                f"{fmt(row['single_p50_ms'] or None, '{:.1f}')} / {row['queries']}"
            )
        lines.append(f"| {page.name} | | {' | '.join(cells)} |")
    lines += ["", verdict_table(runs, scales)]
    return "\n".join(lines) + "\n"


def verdict_table(runs: dict[float, tuple[str, list[dict[str, Any]]]], scales: list[float]) -> str:
    first, last = scales[0], scales[-1]
    lines = [
        f"| page | time at scale {last:g} / scale {first:g} (throughput) | same, one client alone | queries "
        f"{first:g} → {last:g} | flat (≤ {FLAT}×, same queries) | cache off: ratio at scale "
        + " / ".join(f"{s:g}" for s in scales)
        + f" | cold path (≥ {COLD}) |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for page in KEY_PAGES:
        a, b = by_name(runs[first][1]).get(page.name), by_name(runs[last][1]).get(page.name)
        ma, mb = minimal_of(runs[first][1]), minimal_of(runs[last][1])
        ra, rb = ratio(a, ma), ratio(b, mb)
        growth = ra / rb if ra and rb else None
        single = (
            (b["single_p50_ms"] / mb["single_p50_ms"]) / (a["single_p50_ms"] / ma["single_p50_ms"])
            if a and b and a["single_p50_ms"] and b["single_p50_ms"] and ma["single_p50_ms"] and mb["single_p50_ms"]
            else None  # 0: no request finished within the one-client seconds
        )
        same_queries = a is not None and b is not None and a["queries"] == b["queries"]
        flat = growth is not None and growth <= FLAT and same_queries
        cold = [ratio(by_name(runs[s][1]).get(f"{page.name}, cache off"), minimal_of(runs[s][1])) for s in scales]
        cold_met = all(value is not None and value >= COLD for value in cold)
        lines.append(
            f"| {page.name} | {fmt(growth)}× | {fmt(single)}× | "
            f"{a['queries'] if a else '—'} → {b['queries'] if b else '—'} | "
            f"{'met' if flat else '**not met**'} | {' / '.join(fmt(value) for value in cold)} | "
            f"{'met' if cold_met else '**not met**'} |"
        )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text.strip()}\n{END}"
    if BEGIN in docs and END in docs:
        docs = docs[: docs.index(BEGIN)] + block + docs[docs.index(END) + len(END) :]
    else:
        docs = docs.rstrip("\n") + f"\n\n## Cost as the data grows (issue 18)\n\n{block}\n"
    DOCS.write_text(docs, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    text = report()
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
