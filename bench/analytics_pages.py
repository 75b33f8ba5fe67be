"""Render the analytics pages in kk, ru and en with every cache off, to compare two versions' output.

Issue 18, cold paths: a change to how the pages are drawn must not change a byte of them. Run
``render`` from an export of each commit (``git archive``, a ``.venv`` link and
``manage.py compiletranslations``: the export has no compiled catalogues, and without them every
language renders the English msgids), against the same seeded bench database, then ``compare``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME DEBUG=0 SECRET_KEY=... \\
        ALLOWED_HOSTS=testserver,127.0.0.1 .venv/bin/python bench/analytics_pages.py render /tmp/out-main
    .venv/bin/python bench/analytics_pages.py compare /tmp/out-main /tmp/out-branch

The demo analyst's account language wins over the language cookie (``UserLanguageMiddleware``), so
``render`` sets it for each language and puts it back to kk at the end (a write to the bench
database, without signals). The public dashboard is rendered only where it is switched on.
CSRF tokens and CSP nonces differ between any two requests and are set aside by ``compare``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGUAGES = ("kk", "ru", "en")
TOKENS = re.compile(r'nonce="[^"]*"|\b[A-Za-z0-9]{64}\b')  # CSP nonces; CSRF tokens (64 letters and digits)


def paths(big: int, small: int) -> list[str]:
    found = ["/analytics/"]
    for indicator in ("", "teachers_expert_share", "pupils_per_teacher"):
        for measure in ("urban", "rural", "total", "gap", "parity"):
            found.append(
                f"/analytics/?indicator={indicator}&measure={measure}"
                if indicator
                else f"/analytics/?measure={measure}"
            )
    found += ["/analytics/public/", "/analytics/public/?measure=parity"]
    for region in (big, small):
        found += [
            f"/analytics/regions/{region}/",
            f"/analytics/regions/{region}/?indicator=teachers_expert_share&measure=rural",
            f"/analytics/regions/{region}/?indicator=pupils_per_teacher&measure=parity",
            f"/analytics/regions/{region}/?measure=gap",
        ]
    found += [
        "/analytics/export/map.svg",
        "/analytics/export/bars.svg",
        "/analytics/export/bars.svg?measure=parity",
        f"/analytics/export/districts.svg?region={big}",
        "/analytics/public/export/map.svg",
    ]
    return found


def render(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.update(SHAMY_BENCH="1", CACHE_BACKEND="dummy", REGISTRY_CACHE_SECONDS="0", LOG_LEVEL="WARNING")
    os.environ.setdefault("CREDENTIALS_DEV_KEYS", "1")
    os.environ.setdefault("SHAMY_DEMO_ALLOWED", "1")
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client

    from shamy.accounts.models import User
    from shamy.registry.models import Region

    regions = list(Region.objects.annotate(n=Count("schools")).order_by("-n", "pk").values_list("pk", flat=True))
    analyst = User.objects.filter(email="analyst@demo.shamy.kz")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(analyst.get())
    out.mkdir(parents=True, exist_ok=True)
    pages = paths(regions[0], regions[-1])
    try:
        for language in LANGUAGES:
            client.cookies["shamy_language"] = language
            analyst.update(language=language)
            for index, path in enumerate(pages):
                response = client.get(path, secure=True)
                body = response.content.decode()
                (out / f"{language}-{index:02d}.html").write_text(f"{path}\n{response.status_code}\n{body}")
    finally:
        analyst.update(language="kk")
    print(f"{len(pages) * len(LANGUAGES)} responses in {out}")


def compare(first: Path, second: Path) -> int:
    same = different = 0
    for path in sorted(first.iterdir()):
        a = TOKENS.sub("", path.read_text())
        b = TOKENS.sub("", (second / path.name).read_text())
        if a == b:
            same += 1
        else:
            different += 1
            print("different:", path.name, a.split("\n", 1)[0])
    print(f"identical {same}, different {different}")
    return 1 if different else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("render").add_argument("out", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("first", type=Path)
    both.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "render":
        render(args.out)
    else:
        raise SystemExit(compare(args.first, args.second))


if __name__ == "__main__":
    main()
