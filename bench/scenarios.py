"""What `make bench` loads. To measure another page, add one line to SCENARIOS (or pass
``--scenario "name=/path/"`` once): the runner logs in, checks the page answers 200, then loads it.

A path may use ``{region_id}`` (the region with the most schools), ``{school_id}`` (its largest school),
``{survey_id}`` (the post survey of 5,000 identified pre/post pairs) and ``{programme_id}`` (the demo pilot).
``auth`` is "session" (a demo login's browser session: ``user``, the ministry analyst unless told), "token"
(the analyst's API token) or "none".
``body`` names a context entry holding a JSON file: the scenario then POSTs that file's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

TRIVIAL = "trivial"
MINIMAL = "minimal"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    auth: str = "session"
    baseline: str = ""  # TRIVIAL or MINIMAL for the two baselines; empty for the pages under test
    p95_target_ms: float = 200.0
    # The page must keep at least this share of the minimal page's requests per second.
    throughput_target: float = 0.5
    # False: served by a second gunicorn with every cache off (CACHE_BACKEND=dummy: Django's dummy
    # cache, so the registry and analytics caches miss on every request), which is what the first
    # request after a write costs. Judged by throughput only (issue 18: half the minimal page's).
    registry_cache: bool = True
    # POST this context entry's JSON file instead of GET (e.g. "credential_file").
    body: str = ""
    # Whose session (auth="session"): a key of bench.run.LOGINS.
    user: str = "analyst"
    # A key page of issue 18: its cost must stay flat as the data grows (scale 1, 2, 4), and with
    # every cache off it must still do half the minimal page's requests per second.
    key: bool = False


# The key pages of issue 18, point 5, each measured warm and with every cache off (CACHE_BACKEND=dummy).
KEY_PAGES: list[Scenario] = [
    Scenario("school list", "/registry/schools/", key=True),
    Scenario("region page", "/registry/regions/{region_id}/", key=True),
    Scenario("API school list", "/api/v1/schools", auth="token", key=True),
    Scenario("analytics dashboard", "/analytics/", p95_target_ms=300.0, throughput_target=0.0, key=True),
    Scenario(
        "analytics region page",
        "/analytics/regions/{region_id}/",
        p95_target_ms=300.0,
        throughput_target=0.0,
        key=True,
    ),
    Scenario("home, teacher", "/", user="teacher", key=True),
    Scenario("home, facilitator", "/", user="facilitator", key=True),
    Scenario("home, coordinator", "/", user="coordinator", key=True),
    Scenario("home, analyst", "/", user="analyst", key=True),
    Scenario("home, admin", "/", user="admin", key=True),
]


SCENARIOS: list[Scenario] = [
    Scenario("trivial view (baseline)", "/bench/trivial/", baseline=TRIVIAL),
    Scenario("minimal 50-school page (baseline)", "/bench/schools/", baseline=MINIMAL),
    *KEY_PAGES,
    # The same pages from a second server with every cache off (CACHE_BACKEND=dummy): what a first
    # visit after a write costs. Issue 18: at least half the minimal page's throughput even so.
    *(
        replace(
            page,
            name=f"{page.name}, cache off",
            registry_cache=False,
            p95_target_ms=float("inf"),
            throughput_target=0.5,
        )
        for page in KEY_PAGES
    ),
    # Monitoring and evaluation (issue 17): commons search over 100,000 generated items, p95 < 100 ms
    # against the trivial baseline of the same run; survey results of 5,000 pairs < 500 ms warm.
    Scenario(
        "commons search, Russian word form",
        "/commons/?q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B",
        auth="none",
        p95_target_ms=100.0,
        throughput_target=0.0,
    ),
    Scenario(
        "commons search, Kazakh without Kazakh letters",
        "/commons/?q=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BA",
        auth="none",
        p95_target_ms=100.0,
        throughput_target=0.0,
    ),
    Scenario(
        "commons search, two words",
        "/commons/?q=action+research",
        auth="none",
        p95_target_ms=100.0,
        throughput_target=0.0,
    ),
    Scenario(
        "survey results, 5,000 pre/post pairs",
        "/surveys/{survey_id}/results/",
        p95_target_ms=500.0,
        throughput_target=0.0,
    ),
    # Credentials (issue 14): a machine verifying a signed credential, 16 clients, p95 < 20 ms, read
    # against the trivial baseline of the same run (no authentication, as the endpoint has none).
    Scenario(
        "credential verify (POST)",
        "/api/v1/credentials/verify",
        auth="none",
        body="credential_file",
        p95_target_ms=20.0,
        throughput_target=0.0,
    ),
    Scenario(
        "programme results page", "/results/programme/{programme_id}/", p95_target_ms=500.0, throughput_target=0.0
    ),
]
