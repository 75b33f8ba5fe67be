"""Several app servers, one truth (issue 18): the production layout of ``deploy/`` on loopback.

The test starts, on free loopback ports and in its own temporary directory:

- a ``redis-server`` of its own (no persistence), the shared cache (``SHAMY_REDIS_URL``);
- two gunicorn servers, A and B, each with ``deploy/gunicorn.conf.py`` and ``shamy.settings``
  with DEBUG off (``multiserver_settings`` changes only where static files come from);
- nginx (Debian's), with the site rendered from ``deploy/nginx/shamy.conf.template`` by
  ``deploy/render_nginx.py``, its own prefix, pid and logs, in front of A and B.

The database is the test's own, committed (``transaction=True``), so the servers see what the
test wrote and the test sees what they wrote. On PostgreSQL the servers use the test database
itself (pytest-django's ``test_<name>``, per xdist worker); on SQLite the test database lives in
this process's memory, so it is copied (SQLite's online backup) into a WAL file in the temporary
directory, and the servers and the test's checks use that file.

It writes through A and reads through B (and the other way), while a reader keeps asking B:
a school edit (an import, which also changes an analytics figure), an attendance mark, and an
analytics export. Stale reads: 0. A session signed in on A works on B; wrong passwords spread
over A and B lock the account. Then Redis is killed: ``/readyz`` names "cache" with 503, the
site keeps serving through nginx, writes and reads stay right and nothing written is lost;
Redis comes back and ``/readyz`` is 200 again.

On PostgreSQL with a read replica (``REPLICA_DATABASE_URL``: CI's PostgreSQL pass, ``deploy/replica.sh``)
both servers read analytics and exports from the replica, the test database's own copy on it (the
replica streams the whole cluster). Then the replica is stopped (``pg_ctlcluster … stop``; started
again afterwards, whatever happens, and waited for until it has replayed the primary): ``/readyz``
names "replica" with 503, the analytics and export pages keep serving with the right figures from the
primary, writes go on, and once the replica is back it holds every write made while it was down.
SQLite cannot have a replica; there this part does not run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.apps import apps as django_apps
from django.db import connection, connections

from shamy.attendance.models import Attendance
from shamy.audit.models import AuditEntry
from shamy.core.replicas import REPLICA, replica_configured
from shamy.core.testing.factories import SchoolFactory
from shamy.core.testing.replica import ReplicaCluster, replica_lock
from shamy.core.testing.servers import RedisServer, free_port, wait_for_port
from shamy.registry.models import School

BASE_DIR = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "multi-server sign-in 2026"  # noqa: S105
# The address nginx would append to X-Forwarded-For: requests sent to A or B directly carry it,
# as they would behind the proxy (TRUSTED_PROXY_COUNT=1).
CLIENT_ADDRESS = "203.0.113.7"
MARKER = re.compile(r"MSR-(\d{3})")
TIMEOUT = 120  # seconds for one request: generous, for a loaded CI machine
# How often each server process asks the replica whether it is up (shamy/core/replicas.py): short, so
# that it is used again soon after the outage below. Within it, a process whose last answer was "up"
# finds its connection dead before the first heavy read (the health check) and reads the primary.
REPLICA_CHECK_SECONDS = 1
APPLICATION_NAME = "shamy-multiserver"  # the servers' connections to the replica, as the replica lists them

pytestmark = pytest.mark.django_db(transaction=True)


# --- The layout ----------------------------------------------------------------------------------


def _postgres_url(settings_dict: dict[str, Any]) -> str:
    user = quote(str(settings_dict.get("USER") or ""))
    password = quote(str(settings_dict.get("PASSWORD") or ""))
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


class ServerDatabase:
    """The database the servers use (and its replica, if any), and plain SQL on it for the test's checks."""

    def __init__(self, tmp: Path) -> None:
        self.sqlite_file: Path | None = None
        self.replica: ReplicaCluster | None = None
        settings_dict = connection.settings_dict
        if connection.vendor == "postgresql":
            # The committed test database itself: the servers connect to it like the test does.
            self.env = {"DATABASE_URL": _postgres_url(settings_dict)}
            if replica_configured():
                # The test database's copy on the replica (a TEST MIRROR: the same name, the replica's
                # host and port), for the servers' heavy reads, as in production.
                mirror = connections[REPLICA].settings_dict
                self.replica = ReplicaCluster.find(settings_dict, mirror)
                self.env |= {
                    "REPLICA_DATABASE_URL": f"{_postgres_url(mirror)}?application_name={APPLICATION_NAME}",
                    "REPLICA_CHECK_SECONDS": str(REPLICA_CHECK_SECONDS),
                }
        elif connection.vendor == "sqlite":
            # An in-memory test database: copy what the test committed into a WAL file.
            self.sqlite_file = tmp / "servers.sqlite3"
            connection.ensure_connection()
            with closing(sqlite3.connect(self.sqlite_file)) as target:
                connection.connection.backup(target)
                target.execute("PRAGMA journal_mode=WAL")
            self.env = {"DATABASE_URL": "", "SQLITE_PATH": str(self.sqlite_file)}
        else:  # pragma: no cover
            raise AssertionError(f"no multi-server layout for {connection.vendor}")

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.sqlite_file is not None:
            with closing(sqlite3.connect(self.sqlite_file)) as database:
                row = database.execute(sql.replace("%s", "?"), params).fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
        return row[0] if row else None


@dataclass
class Layout:
    a: str
    b: str
    nginx: str
    redis: RedisServer
    database: ServerDatabase
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in sorted(self.logs.glob("*.log"))
        )


def _server_env(database: ServerDatabase, redis: RedisServer, tmp: Path, media_root: str) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        # REPLICA_DATABASE_URL names the run's own database, not the test database the servers
        # share: ServerDatabase gives the servers the test database's copy on the replica instead.
        if key
        not in {
            "DATABASE_URL",
            "SQLITE_PATH",
            "CACHE_BACKEND",
            "SHAMY_REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "REPLICA_DATABASE_URL",
        }
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "shamy.health.tests.multiserver_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: what a staging host behind a TLS-less proxy turns off.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "SHAMY_REDIS_URL": redis.url,
        "CACHE_RETRY_AFTER_SECONDS": "1",
        "TASKS_BACKEND": "immediate",
        "SHAMY_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": media_root,
        "GUNICORN_WORKERS": "2",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **database.env,
    }


def _nginx_conf(prefix: Path, site: str) -> str:
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'nginx-error.log'} warn;\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n    access_log {prefix / 'nginx-access.log'};\n{temp}\n"
        f"{site}\n}}\n"
    )


def _render_site(servers: list[str], listen: str) -> str:
    result = subprocess.run(  # noqa: S603 (this interpreter, the repository's own script)
        [sys.executable, str(BASE_DIR / "deploy" / "render_nginx.py"), "--servers", ",".join(servers),
         "--server-name", "127.0.0.1 localhost", "--listen", listen],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    )  # fmt: skip
    return result.stdout


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only what this test started
        process.wait(timeout=10)


@pytest.fixture
def layout(tmp_path, settings, committed_data) -> Iterator[Layout]:
    if not GUNICORN.exists() or not Path(NGINX).exists():
        pytest.fail(f"the multi-server test needs gunicorn ({GUNICORN}) and nginx ({NGINX}): see .ci/run")
    database = ServerDatabase(tmp_path)
    redis = RedisServer(tmp_path / "redis").start()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = _server_env(database, redis, tmp_path, str(settings.MEDIA_ROOT))
    ports = {"a": free_port(), "b": free_port(), "nginx": free_port()}
    current = Layout(
        a=f"http://127.0.0.1:{ports['a']}",
        b=f"http://127.0.0.1:{ports['b']}",
        nginx=f"http://127.0.0.1:{ports['nginx']}",
        redis=redis,
        database=database,
        logs=logs,
    )
    try:
        for name in ("a", "b"):
            log = (logs / f"gunicorn-{name}.log").open("wb")
            current.processes.append(
                subprocess.Popen(  # noqa: S603 (the venv's gunicorn with the repository's config)
                    [str(GUNICORN), "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py")],
                    cwd=BASE_DIR,
                    env={**env, "SHAMY_BIND": f"127.0.0.1:{ports[name]}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        prefix = tmp_path / "nginx"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "temp" / kind).mkdir(parents=True)
        site = _render_site([f"127.0.0.1:{ports['a']}", f"127.0.0.1:{ports['b']}"], f"127.0.0.1:{ports['nginx']}")
        (prefix / "nginx.conf").write_text(_nginx_conf(prefix, site))
        current.processes.append(
            subprocess.Popen(  # noqa: S603 (Debian's nginx, a configuration this test wrote)
                [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                stdout=(logs / "nginx.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        for process, port in zip(current.processes, ports.values(), strict=True):
            wait_for_port(port, timeout=180, process=process)
        yield current
    except BaseException:
        print(current.log_tail())  # noqa: T201 (shown by pytest with the failure)
        raise
    finally:
        for process in reversed(current.processes):
            _stop(process)
        redis.kill()
        # On PostgreSQL the servers' connections are gone before pytest-django empties the tables.


@pytest.fixture
def committed_data(settings, programme_cast, scene) -> None:
    """The cast and scene (a gathering with talgat expected), the school the test edits, and
    passwords the servers' own hashers can check; all committed before the servers start."""
    # A transactional test that ran before on this worker may have flushed the rows migrations
    # seed; the analytics figure needs the seeded indicators (the seed is idempotent).
    import_module("shamy.analytics.migrations.0002_seed_indicators_and_targets").seed(django_apps, None)
    c = programme_cast
    SchoolFactory(
        external_id="MS-1",
        region=c.region_a,
        district=c.school_a1.district,
        name_kk="Көпсерверлі мектеп MSR-000",
        name_ru="Многосерверная школа MSR-000",
        pupils=200,
        teachers=20,
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (c.aigerim, c.dana, c.timur, c.olzhas, c.saule):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


# --- HTTP helpers --------------------------------------------------------------------------------


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = CLIENT_ADDRESS
    return session


def _csrf(session: requests.Session, base: str) -> str:
    token = session.cookies.get("csrftoken")
    if not token:
        session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
        token = session.cookies.get("csrftoken")
    assert token
    return str(token)


def _sign_in(session: requests.Session, base: str, email: str, password: str = PASSWORD) -> requests.Response:
    page = session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": match.group(1), "username": email, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def _post(session: requests.Session, base: str, path: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
    response = session.post(
        f"{base}{path}",
        data=data,
        headers={"X-CSRFToken": _csrf(session, base)},
        allow_redirects=False,
        timeout=TIMEOUT,
        **kwargs,
    )
    return response


def _school_csv(round_number: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["external_id", "bin", "name_kk", "name_ru", "region", "district", "locality", "pupils", "teachers"]
    )
    marker = f"MSR-{round_number:03d}"
    writer.writerow(
        ["MS-1", "", f"Көпсерверлі мектеп {marker}", f"Многосерверная школа {marker}", "19", "195200", "rural",
         200 + 17 * round_number, 20 + round_number]
    )  # fmt: skip
    return buffer.getvalue().encode()


def _edit_school(session: requests.Session, base: str, round_number: int) -> None:
    """The school edit: an import of one row through the import pages (upload, then commit)."""
    upload = _post(
        session, base, "/imports/", {"kind": "schools"}, files={"file": ("school.csv", _school_csv(round_number))}
    )
    assert upload.status_code == 302, upload.text[:2000]
    job = re.search(r"/imports/jobs/(\d+)/", upload.headers["Location"])
    assert job
    commit = _post(session, base, f"/imports/jobs/{job.group(1)}/commit/", {})
    assert commit.status_code == 302, commit.text[:2000]


def _school_round(session: requests.Session, base: str) -> int:
    response = session.get(f"{base}/registry/schools/", timeout=TIMEOUT)
    assert response.status_code == 200, response.status_code
    found = {int(number) for number in MARKER.findall(response.text)}
    assert len(found) == 1, found
    return found.pop()


def _analytics(session: requests.Session, base: str) -> str:
    response = session.get(f"{base}/analytics/export/table.csv?indicator=pupils", timeout=TIMEOUT)
    assert response.status_code == 200, response.status_code
    return response.text


def _attendance_status(session: requests.Session, base: str, gathering_id: int, attendance_id: int) -> str:
    response = session.get(f"{base}/attendance/gatherings/{gathering_id}/attendance/", timeout=TIMEOUT)
    assert response.status_code == 200, response.status_code
    match = re.search(rf'id="attendance-{attendance_id}" data-status="([a-z]*)"', response.text)
    assert match, response.text[:1000]
    return match.group(1)


def _mark(session: requests.Session, base: str, attendance_id: int, status: str) -> None:
    response = _post(session, base, f"/attendance/attendance/{attendance_id}/mark/", {"status": status})
    assert response.status_code == 302, response.text[:1000]


def _readyz(base: str) -> tuple[int, dict[str, Any]]:
    response = requests.get(f"{base}/readyz", timeout=TIMEOUT)
    return response.status_code, response.json()


def _school_export(session: requests.Session, base: str) -> list[str]:
    """The school list's CSV export (a heavy read: the replica when there is one): the edited school's row."""
    response = session.get(f"{base}/registry/schools/?export=csv&q=MSR", timeout=TIMEOUT)
    assert response.status_code == 200, response.status_code
    _header, *rows = [row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if any(row)]
    assert len(rows) == 1, rows
    return rows[0]


def _exported_round(row: list[str]) -> tuple[int, bool]:
    """The round the exported row shows (its name's marker), and whether its pupils match that round."""
    found = {int(number) for value in row for number in MARKER.findall(value)}
    assert len(found) == 1, row
    number = found.pop()
    return number, str(200 + 17 * number) in row


def _replayed(database: ServerDatabase) -> None:
    """With a replica, someone other than the writer reads the heavy pages there: they see a write
    once the replica has replayed it (the writer at once: the pin). Without one, nothing to wait for."""
    if database.replica is not None:
        database.replica.wait_until_replayed()


@dataclass
class Reader:
    """Asks B for the school list again and again; each answer is kept with when it was asked."""

    session: requests.Session
    base: str
    answers: list[tuple[float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            asked = time.monotonic()
            try:
                self.answers.append((asked, _school_round(self.session, self.base)))
            except Exception as error:  # noqa: BLE001 (reported by the test)
                self.errors.append(repr(error))


def _stale(answers: list[tuple[float, int]], written: dict[int, float]) -> list[tuple[int, int]]:
    """Answers asked after round N's write had returned that still showed an older round."""
    stale = []
    for asked, seen in answers:
        done = [number for number, finished in written.items() if finished < asked]
        if done and seen < max(done):
            stale.append((max(done), seen))
    return stale


# --- The test ------------------------------------------------------------------------------------


def test_two_servers_behind_nginx_share_one_truth_and_survive_redis_and_replica_outages(
    layout, programme_cast, scene, settings
):
    c = programme_cast
    database = layout.database
    school_table = School._meta.db_table
    attendance_table = Attendance._meta.db_table
    attendance_id = scene.attendance_talgat.pk
    gathering_id = scene.session_a1.pk

    # Everything is up and ready through nginx, and each server answers on its own.
    for base in (layout.a, layout.b):
        assert requests.get(f"{base}/healthz", timeout=TIMEOUT).status_code == 200
    status, body = _readyz(layout.nginx)
    assert status == 200, body
    assert body["checks"]["cache"] == "ok"

    # --- Sessions: signed in on A, used on B (and through nginx). -----------------------------
    admin = _session()
    assert _sign_in(admin, layout.a, c.aigerim.email).status_code == 302
    assert admin.get(f"{layout.b}/registry/schools/", timeout=TIMEOUT, allow_redirects=False).status_code == 200
    analyst = _session()
    assert _sign_in(analyst, layout.b, c.dana.email).status_code == 302
    facilitator = _session()
    assert _sign_in(facilitator, layout.a, c.timur.email).status_code == 302

    assert _school_round(admin, layout.b) == 0
    _replayed(database)
    analytics_before = _analytics(analyst, layout.b)

    # --- A school edit and an analytics figure: written on A, read on B at once. ---------------
    reader = Reader(_session(), layout.b)
    reader.session.cookies.update(admin.cookies)
    thread = threading.Thread(target=reader.run, daemon=True)
    thread.start()
    written: dict[int, float] = {}
    rounds = 4
    analytics_seen = {analytics_before}
    try:
        for number in range(1, rounds + 1):
            writer, other = (layout.a, layout.b) if number % 2 else (layout.b, layout.a)
            _edit_school(admin, writer, number)
            written[number] = time.monotonic()
            assert _school_round(admin, other) == number
            # The figure the edit changed: the other server answers what the writer answers.
            _replayed(database)
            figure = _analytics(analyst, other)
            assert figure == _analytics(analyst, writer)
            analytics_seen.add(figure)
    finally:
        reader.stop.set()
        thread.join(timeout=TIMEOUT)
    assert reader.errors == []
    assert len(reader.answers) >= rounds, reader.answers  # the reader really raced the writes
    assert _stale(reader.answers, written) == []
    assert len(analytics_seen) == rounds + 1  # every edit changed the figure, and B saw each change

    # --- An attendance mark: on A, read on B; on B, read on A. ---------------------------------
    assert _attendance_status(facilitator, layout.b, gathering_id, attendance_id) == ""
    _mark(facilitator, layout.a, attendance_id, "present")
    assert _attendance_status(facilitator, layout.b, gathering_id, attendance_id) == "present"
    _mark(facilitator, layout.b, attendance_id, "late")
    assert _attendance_status(facilitator, layout.a, gathering_id, attendance_id) == "late"

    # --- The lockout counts across servers: 4 wrong passwords on A and B (2 each), the 5th on A. --
    # Counted per server, A would have seen 3 of the 5 and let the next one try again.
    guesser = _session()
    for base in (layout.a, layout.b, layout.a, layout.b):
        assert _sign_in(guesser, base, c.olzhas.email, "wrong password").status_code == 200
    assert _sign_in(guesser, layout.a, c.olzhas.email, "wrong password").status_code == 429
    for base in (layout.b, layout.a):  # the right password too, on either server
        locked = _sign_in(_session(), base, c.olzhas.email)
        assert locked.status_code == 429, locked.status_code
        assert "sessionid" not in locked.cookies
    failures = "SELECT SUM(failures_since_start) FROM axes_accessattempt WHERE username = %s"
    assert database.one(failures, (c.olzhas.email,)) >= 5

    # --- Redis dies. ---------------------------------------------------------------------------
    layout.redis.kill()
    for _ in range(2):  # nginx alternates: both servers name the cache
        status, body = _readyz(layout.nginx)
        assert status == 503, body
        assert body["checks"]["cache"]["status"] == "unreachable"
        assert body["checks"]["database"] == "ok"
    # The site keeps serving through nginx, on the sessions signed in before, and new sign-ins work.
    assert _school_round(admin, layout.nginx) == rounds
    _edit_school(admin, layout.nginx, rounds + 1)
    for base in (layout.a, layout.b, layout.nginx):
        assert _school_round(admin, base) == rounds + 1
    _replayed(database)
    figure = _analytics(analyst, layout.a)
    assert figure == _analytics(analyst, layout.b)
    assert figure not in analytics_seen
    analytics_seen.add(figure)
    _mark(facilitator, layout.nginx, attendance_id, "excused")
    for base in (layout.a, layout.b):
        assert _attendance_status(facilitator, base, gathering_id, attendance_id) == "excused"
    latecomer = _session()
    assert _sign_in(latecomer, layout.nginx, c.saule.email).status_code == 302
    assert latecomer.get(f"{layout.a}/registry/schools/", timeout=TIMEOUT, allow_redirects=False).status_code == 200

    # --- Redis comes back (empty, as a restarted cache is): ready again, still one truth. ------
    layout.redis.start()
    for _ in range(2):
        status, body = _readyz(layout.nginx)
        assert status == 200, body
    _edit_school(admin, layout.b, rounds + 2)
    assert _school_round(admin, layout.a) == rounds + 2
    assert _school_round(admin, layout.b) == rounds + 2
    _replayed(database)
    figure = _analytics(analyst, layout.a)
    assert figure == _analytics(analyst, layout.b)
    analytics_seen.add(figure)
    last_round, last_status = rounds + 2, "excused"

    # --- The read replica is stopped (PostgreSQL with a replica), then started again. ----------
    if database.replica is not None:
        last_round, last_status = last_round + 1, "present"
        _replica_outage(
            layout,
            admin=admin,
            analyst=analyst,
            facilitator=facilitator,
            round_number=last_round,
            status=last_status,
            gathering_id=gathering_id,
            attendance_id=attendance_id,
            analytics_seen=analytics_seen,
        )

    # --- Nothing written is lost: the database holds every write, each audited. ----------------
    school_id = database.one(f"SELECT id FROM {school_table} WHERE external_id = %s", ("MS-1",))  # noqa: S608
    assert database.one(f"SELECT name_ru FROM {school_table} WHERE id = %s", (school_id,)).endswith(  # noqa: S608
        f"MSR-{last_round:03d}"
    )
    assert database.one(f"SELECT pupils FROM {school_table} WHERE id = %s", (school_id,)) == 200 + 17 * last_round  # noqa: S608
    assert database.one(f"SELECT status FROM {attendance_table} WHERE id = %s", (attendance_id,)) == last_status  # noqa: S608
    audit_table = AuditEntry._meta.db_table
    updates = database.one(
        f"SELECT COUNT(*) FROM {audit_table} WHERE action = %s AND target_id = %s",  # noqa: S608
        ("registry.school.updated", str(school_id)),
    )
    assert updates == last_round


def _replica_outage(
    layout: Layout,
    *,
    admin: requests.Session,
    analyst: requests.Session,
    facilitator: requests.Session,
    round_number: int,
    status: str,
    gathering_id: int,
    attendance_id: int,
    analytics_seen: set[str],
) -> None:
    """Stop the replica: /readyz names it, the heavy pages serve the primary's figures, writes go on;
    start it again: it streams, holds every write made meanwhile, and the servers read from it again."""
    database = layout.database
    replica = database.replica
    assert replica is not None
    school_table = School._meta.db_table
    pupils = 200 + 17 * round_number

    # One replica test at a time (test_replica_streaming.py pauses its replay), and never left down.
    with replica_lock(replica.primary):
        # Before: ready, and the analyst's heavy reads (who has not written: not pinned) are on the replica.
        for _ in range(2):  # nginx alternates between A and B
            status_code, body = _readyz(layout.nginx)
            assert status_code == 200, body
            assert body["checks"]["replica"]["status"] == "ok"
        _replayed(database)
        figure_before = _analytics(analyst, layout.a)
        assert figure_before == _analytics(analyst, layout.b)
        assert figure_before in analytics_seen
        _wait_for_reads_on_replica(layout, analyst, round_number - 1)
        try:
            replica.stop()
            # At once, without waiting for the servers' next check: the heavy pages serve, from the
            # primary, the same figures as before.
            assert _analytics(analyst, layout.a) == figure_before
            assert _analytics(analyst, layout.b) == figure_before
            for _ in range(2):
                status_code, body = _readyz(layout.nginx)
                assert status_code == 503, body
                assert body["checks"]["replica"]["status"] == "unreachable", body
                assert body["checks"]["database"] == "ok"
                assert body["checks"]["cache"] == "ok"
            dashboard = analyst.get(f"{layout.nginx}/analytics/", timeout=TIMEOUT)
            assert dashboard.status_code == 200, dashboard.status_code

            # Writes go on through nginx; everyone (not only the writer) reads them on the primary.
            _edit_school(admin, layout.nginx, round_number)
            _mark(facilitator, layout.nginx, attendance_id, status)
            for base in (layout.a, layout.b):
                assert _school_round(admin, base) == round_number
                assert _attendance_status(facilitator, base, gathering_id, attendance_id) == status
                assert _exported_round(_school_export(analyst, base)) == (round_number, True)
            figure = _analytics(analyst, layout.a)
            assert figure == _analytics(analyst, layout.b)
            assert figure not in analytics_seen  # the edit's new figure, read from the primary
        finally:
            replica.start()
            replica.wait_until_replayed()

    # Back: it has replayed every write made while it was down, and the servers read it again.
    assert replica.one(f"SELECT pupils FROM {school_table} WHERE external_id = %s", ("MS-1",)) == pupils  # noqa: S608
    deadline = time.monotonic() + TIMEOUT
    answers: list[tuple[int, dict[str, Any]]] = []
    while len([code for code, _body in answers[-2:] if code == 200]) < 2:  # A and B both ready
        assert time.monotonic() < deadline, answers[-4:]
        answers.append(_readyz(layout.nginx))
        time.sleep(0.2)
    assert _analytics(analyst, layout.a) == figure
    assert _analytics(analyst, layout.b) == figure
    _wait_for_reads_on_replica(layout, analyst, round_number)


def _wait_for_reads_on_replica(layout: Layout, analyst: requests.Session, round_number: int) -> None:
    """The school list's export (a heavy read, never cached) shows the round, and a server's connection
    to the replica last ran a read of data (not the router's check of its lag). A read can go to the
    primary for a moment (a lag check over REPLICA_MAX_LAG_SECONDS on a busy cluster), so it is
    asked again for up to a minute."""
    replica = layout.database.replica
    assert replica is not None
    reads = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s AND query NOT LIKE %s"
    deadline = time.monotonic() + 60
    while True:
        for base in (layout.a, layout.b):
            assert _exported_round(_school_export(analyst, base)) == (round_number, True)
        if replica.one(reads, (APPLICATION_NAME, "%pg_last_wal_replay_lsn%")) > 0:
            return
        seen = replica.one(
            "SELECT string_agg(left(query, 100), ' | ') FROM pg_stat_activity WHERE application_name = %s",
            (APPLICATION_NAME,),
        )
        assert time.monotonic() < deadline, f"no server read data on the replica; its sessions last ran: {seen}"
        time.sleep(0.5)
