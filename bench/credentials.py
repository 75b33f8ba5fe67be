"""Credentials benchmark (issue 14), in one process on a throwaway SQLite database.

    .venv/bin/python bench/credentials.py [--certificates 200] [--verifications 300]

1. Issuing: N approved portfolios of one cohort go through the cohort run (the background task's
   body: issue + sign each credential, render each PDF, pack the ZIP), timed against a bare
   WeasyPrint render of the same N certificate pages in the same run, one after the other in this
   process. The run renders the PDFs in a second process while it issues and signs the next
   certificates (``credentials/services/runs.py``), so it uses the machine's two cores; the bare
   render uses one. Target (issue 14): 1,000 in
   under 60 s on two cores, at most 1.3 × the bare render.
2. Verifying: ``verify_document`` (what ``POST /api/v1/credentials/verify`` runs) over issued
   credentials, one at a time: p50/p95 in milliseconds, beside the JSON parse of the same bodies as
   the trivial baseline. (The issue's figure is over HTTP with 16 clients; that needs `make bench`
   to learn POST bodies and is not measured here.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--verifications", type=int, default=300)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="shamy-bench-credentials-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    issue_seconds, bare_seconds, parallel_seconds, workers, count = bench_issue(args.certificates)
    verify = bench_verify(args.verifications)
    per_thousand = issue_seconds / count * 1000
    print(f"certificates: {count}")
    print(f"cohort run (issue + sign + PDF + ZIP): {issue_seconds:.1f} s ({per_thousand:.0f} s per 1,000)")
    print(f"bare WeasyPrint render of the same pages: {bare_seconds:.1f} s")
    print(f"ratio: {issue_seconds / bare_seconds:.2f} (target at most 1.3)")
    print(f"bare render in {workers} processes: {parallel_seconds:.1f} s; ratio {issue_seconds / parallel_seconds:.2f}")
    print(f"verify_document: p50 {verify['p50']:.1f} ms, p95 {verify['p95']:.1f} ms over {verify['n']} calls")
    print(f"baseline (json.loads of the same bodies): p95 {verify['baseline_p95']:.3f} ms")


def bench_issue(count: int) -> tuple[float, float, float, int, int]:
    from django.db import transaction
    from weasyprint import HTML

    from shamy.assessment.models import Submission, SubmissionStatus
    from shamy.assessment.services.rubrics import TEACHER_LEADERSHIP_CRITERIA, TEACHER_LEADERSHIP_TITLE, rubric_create
    from shamy.assessment.services.submissions import submission_create
    from shamy.core.testing.cast import build_cast
    from shamy.credentials.models import Certificate, CertificateRun
    from shamy.credentials.pdf import certificate_html
    from shamy.credentials.services.issuers import issuer_create
    from shamy.credentials.services.runs import certificate_run_execute_now
    from shamy.portfolios.models import FocusTheme
    from shamy.portfolios.services.projects import project_create
    from shamy.programmes.testing import build_programme_cast

    with transaction.atomic():
        cast = build_programme_cast(build_cast())
        rubric_create(
            actor=None, programme=cast.programme, title=TEACHER_LEADERSHIP_TITLE, criteria=TEACHER_LEADERSHIP_CRITERIA
        )
        issuer_create(
            actor=None,
            programme=cast.programme,
            slug="bench",
            name={"kk": "Әл-Фараби атындағы ҚазҰУ", "ru": "КазНУ", "en": "KazNU"},
            signatory_name="Жанар Әбдіқалықова",
            signatory_title={"kk": "Проректор", "ru": "Проректор", "en": "Vice-rector"},
            series_prefix="BENCH",
        )
        theme = FocusTheme.objects.order_by("id").get(code="functional-literacy")
        for index in range(count):
            project = project_create(actor=cast.talgat, cohort=cast.cohort_a, title=f"Жоба {index}", theme=theme)
            project.portfolio.sections.update(body="Әріптестермен бірге жасалған жұмыс.")
            submission_create(actor=cast.talgat, portfolio=project.portfolio)
        Submission.objects.update(status=SubmissionStatus.APPROVED)
    run = CertificateRun.objects.create(cohort=cast.cohort_a, requested_by=cast.serik, language="kk")
    # Warm-up paid once per worker process, outside both timings: the URL configuration (the
    # credential's IRIs are reversed URLs; importing every app's URLs takes seconds) and
    # WeasyPrint's fonts.
    from django.urls import reverse

    reverse("home:home")
    HTML(string="<p>Әә Ққ</p>").write_pdf()
    started = time.perf_counter()
    certificate_run_execute_now(run.pk)
    issue_seconds = time.perf_counter() - started
    pages = [certificate_html(c, language="kk") for c in Certificate.objects.select_related("issuer")]
    started = time.perf_counter()
    for page in pages:
        HTML(string=page).write_pdf()
    bare_seconds = time.perf_counter() - started
    # The same pages rendered by as many processes as the run uses (what the run would take if
    # issuing and signing cost nothing).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from shamy.credentials.services.runs import RENDERERS, _render

    workers = max(1, min(RENDERERS, os.cpu_count() or 1))
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_render, pages, chunksize=8))
    parallel_seconds = time.perf_counter() - started
    return issue_seconds, bare_seconds, parallel_seconds, workers, len(pages)


def bench_verify(count: int) -> dict[str, float]:
    from shamy.credentials.models import Certificate
    from shamy.credentials.verification import verify_document

    bodies = [json.dumps(c.credential) for c in Certificate.objects.all()[:50]]
    timings, baseline = [], []
    for index in range(count):
        body = bodies[index % len(bodies)]
        started = time.perf_counter()
        json.loads(body)
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        outcome = verify_document(json.loads(body))
        timings.append((time.perf_counter() - started) * 1000)
        assert outcome.status == "valid", outcome
    timings.sort()
    baseline.sort()
    return {
        "n": count,
        "p50": statistics.median(timings),
        "p95": timings[int(0.95 * len(timings)) - 1],
        "baseline_p95": baseline[int(0.95 * len(baseline)) - 1],
    }


if __name__ == "__main__":
    main()
