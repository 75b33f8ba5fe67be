"""Shamy settings: every value comes from the environment with a safe development default.

DEBUG is off unless ``DEBUG=1`` is set: the make targets set it, and ``shamy.settings_dev`` (tests,
type checker) defaults it on. In development a fresh clone needs nothing else (SQLite in ``var/``,
console mail, immediate background tasks). Production sets ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` and ``TASKS_BACKEND=database``; see README.md, "Production" and "Security".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shamy.core.env import env_bool, env_int, env_list, env_str
from shamy.core.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SHAMY_VAR_DIR", str(BASE_DIR / "var")))

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "With DEBUG off, set SECRET_KEY (or SECRET_KEY_FILE) to a random value of 32+ characters "
            "(for development, set DEBUG=1: the make targets do)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "With DEBUG off, set ALLOWED_HOSTS (comma-separated host names; for development, set DEBUG=1)."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from its own static files (no CDN)
    "shamy.core",
    "shamy.health",
    "shamy.accounts",
    "shamy.access",
    "shamy.audit",
    "shamy.offline",
    "shamy.registry",
    "shamy.imports",
    "shamy.programmes",
    "shamy.attendance",
    "shamy.portfolios",
    "shamy.analytics",
    "shamy.assessment",
    "shamy.credentials",
    "shamy.operators",
    "shamy.fellowship",
    "shamy.surveys",
    "shamy.results",
    "shamy.commons",
    "shamy.api",
    "shamy.home",  # the top layer: pages that bring the apps together
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, static files included (an SVG is a document);
    # README.md, "Security".
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for slow rural links (a school list: 36 KB → 5 KB). After WhiteNoise, which
    # serves static files pre-compressed itself. Django's, padded against BREACH, at zlib level 4
    # rather than 6 (shamy/core/compression.py: a large page's largest CPU cost, for +4 % bytes).
    "shamy.core.compression.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shamy.core.middleware.KazakhByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads parameters: a NUL character is a 400, never PostgreSQL's error.
    "shamy.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shamy.core.middleware.SecurityHeadersMiddleware",
    "shamy.access.middleware.AccessMiddleware",
    "shamy.core.middleware.UserLanguageMiddleware",
    # A partial language (Kyrgyz) only on the pages its catalogues cover, else its fallback.
    "shamy.core.languages.PartialLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's "database is locked" first: a 503 page that
    # keeps what was typed (shamy/core/middleware.py).
    "shamy.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "shamy.urls"
WSGI_APPLICATION = "shamy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shamy.core.context_processors.shamy",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# How long a write waits for another writer's lock before the request answers 503 (keeping what
# was typed): SQLite's busy timeout, PostgreSQL's lock_timeout. Without it PostgreSQL would wait
# for ever, and the proxy's own timeout would drop the request and its form.
DB_LOCK_TIMEOUT_SECONDS = env_int("DB_LOCK_TIMEOUT_SECONDS", 20)
# PostgreSQL's JIT compiler, off unless DB_JIT=1: our queries are short aggregates, and at four
# times the national data the analytics' schools-by-region aggregate crossed jit_above_cost and
# spent 100-115 ms compiling a query that runs in 58-101 ms without it (docs/benchmarks.md,
# "Paired run").
DB_JIT = env_bool("DB_JIT", False)
_PG_SESSION = f"-c jit={'on' if DB_JIT else 'off'}"
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options.setdefault("options", f"-c lock_timeout={DB_LOCK_TIMEOUT_SECONDS}s {_PG_SESSION}")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "shamy.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": DB_LOCK_TIMEOUT_SECONDS,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replica (README.md, "Read replica"; shamy/core/replicas.py) --------------------------
# A PostgreSQL streaming replica (deploy/replica.sh) for the heavy reads: analytics and exports.
# Without REPLICA_DATABASE_URL there is no "replica" alias, no router and no pin middleware.
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL")
# After a write, that browser reads the primary for this long (read-your-writes; a signed cookie).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
# Reads leave a replica further behind than this (and /readyz answers 503).
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
# How often each process asks the replica whether it is up and how far behind.
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
if REPLICA_DATABASE_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("REPLICA_DATABASE_URL needs a PostgreSQL DATABASE_URL (a streaming replica of it).")
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    # A replica that is down is skipped after one short wait, not the operating system's.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["OPTIONS"].setdefault("options", _PG_SESSION)
    # A persistent connection to a replica that has since gone down is found before a page's first
    # heavy read (one ping per request, shamy/core/replicas.py), and its reads go to the primary.
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests: the replica streams the whole primary cluster, the test database included, so its
    # alias reads the primary's test database by name (no database of its own is created).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["shamy.core.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "shamy.core.replicas.ReplicaPinMiddleware"
    )

# --- Cache ----------------------------------------------------------------------------------
# Several app servers must share one cache: the registry and analytics caches are versioned
# (shamy/core/versioned_cache.py), and a write on one server reaches the others only through it.
# SHAMY_REDIS_URL (redis://host:6379/0) selects Redis, through Django's own Redis backend wrapped
# so that a Redis outage is a cache miss, not an error (shamy/core/cache.py; /readyz reports it).
# Without it, CACHE_BACKEND=database shares the cache through the database, and the default
# (locmem) is per process: fine for one development server, warned about by `check --deploy`.
# CACHE_BACKEND=dummy: no cache at all, every cached page pays for its misses. Only for measuring
# (`make bench`'s "cache off" server, issue 18); never in production, where the cache keeps pages fast.
SHAMY_REDIS_URL = env_str("SHAMY_REDIS_URL")
_CACHE_BACKEND = env_str("CACHE_BACKEND", "redis" if SHAMY_REDIS_URL else "locmem")
if _CACHE_BACKEND not in {"redis", "database", "locmem", "dummy"}:
    raise ImproperlyConfigured("CACHE_BACKEND must be 'redis', 'database', 'locmem' or 'dummy'.")
if _CACHE_BACKEND == "redis" and not SHAMY_REDIS_URL:
    raise ImproperlyConfigured("CACHE_BACKEND=redis needs SHAMY_REDIS_URL (redis://host:port/db).")
if _CACHE_BACKEND == "redis":
    _cache: dict[str, object] = {
        "BACKEND": "shamy.core.cache.TolerantRedisCache",
        "LOCATION": SHAMY_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "shamy"),
        "OPTIONS": {
            # A Redis that does not answer costs a request at most this long, then the process
            # leaves it alone for CACHE_RETRY_AFTER_SECONDS (pages come from the database).
            "socket_connect_timeout": env_int("CACHE_CONNECT_TIMEOUT_MS", 500) / 1000,
            "socket_timeout": env_int("CACHE_SOCKET_TIMEOUT_MS", 1000) / 1000,
            "RETRY_AFTER_SECONDS": env_int("CACHE_RETRY_AFTER_SECONDS", 2),
        },
    }
elif _CACHE_BACKEND == "database":
    _cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "shamy_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
    }
elif _CACHE_BACKEND == "dummy":
    _cache = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
else:
    _cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shamy",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
    }
CACHES = {"default": _cache}
# Sessions live in the database (Django's default engine, stated here on purpose): every app
# server reads the same session whichever one signed the user in, and a cache outage signs
# nobody out. The sign-in lockout counts in the database too (axes' database handler).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long a cached registry table (school list, region page, API school list) may live. Every
# write to schools, districts or regions makes the cached ones stale at once anyway; 0 turns the
# cache off (`make bench` measures both).
REGISTRY_CACHE_SECONDS = env_int("REGISTRY_CACHE_SECONDS", 600)

# --- Background tasks -----------------------------------------------------------------------
_TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if _TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# The task worker's heartbeat (shamy/health/tasks.py) runs this often; /readyz fails when the last
# one is older than the maximum age. A worker busy with one long task holds the heartbeat back
# too: keep the maximum above the longest task (a large import).
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 60)
TASK_WORKER_HEARTBEAT_MAX_AGE = env_int("TASK_WORKER_HEARTBEAT_MAX_AGE", 600)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies in front of the app that append to X-Forwarded-For (nginx, a load balancer):
# 0 trusts none and reads REMOTE_ADDR. Every per-address limit reads the address through
# shamy.core.addresses.client_address (README.md, "Security").
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Login throttling (django-axes, shamy/accounts/throttling.py): 5 failures for one e-mail from one
# address pause that e-mail from that address, and 10 failures from one address, whatever the
# e-mails, pause that address (password spraying); both for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "shamy.accounts.throttling.ShamyAxesHandler"
AXES_CLIENT_IP_CALLABLE = "shamy.core.addresses.client_address"
AXES_USERNAME_CALLABLE = "shamy.accounts.throttling.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 60 * 60 * 12
# Password reset requests per e-mail and per address in an hour (shamy/accounts/throttling.py).
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "kk"
# The full interface languages: every page, every catalogue complete (account, PDF and mail languages).
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
# Further interface languages whose catalogues cover some pages only (issue 17; shamy/core/languages.py).
# Each is offered in the language switcher, and shown, only on the pages it covers (URL names), as a
# visitor who is not signed in sees them; a reader who chose it gets ``fallback`` everywhere else, and
# staff-written content (JSON {kk, ru, en, ...} fields, name columns) falls back to it first. Adding
# Tajik or Uzbek is a line here plus translation work: README.md, "Languages".
PARTIAL_LANGUAGES: dict[str, dict[str, Any]] = {
    "ky": {"fallback": "ru", "url_names": ("commons:index", "commons:detail")},
}
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["shamy.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
LANGUAGE_COOKIE_NAME = "shamy_language"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files: the local disk under MEDIA_ROOT, or a private S3-compatible bucket when
# SHAMY_S3_BUCKET is set (shamy/core/storage.py; README.md, "Files on object storage").
SHAMY_S3_BUCKET = env_str("SHAMY_S3_BUCKET")
STORAGES = {
    "default": (
        s3_storage(
            bucket=SHAMY_S3_BUCKET,
            endpoint_url=env_str("SHAMY_S3_ENDPOINT_URL"),
            region=env_str("SHAMY_S3_REGION", "us-east-1"),
            access_key=env_str("SHAMY_S3_ACCESS_KEY_ID"),
            secret_key=env_str("SHAMY_S3_SECRET_ACCESS_KEY"),
            prefix=env_str("SHAMY_S3_PREFIX"),
            addressing_style=env_str("SHAMY_S3_ADDRESSING_STYLE"),
            url_seconds=env_int("SHAMY_S3_URL_SECONDS", 300),
        )
        if SHAMY_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# whitenoise serves straight from the apps' static folders in development and tests.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# What an import file may unpack to (issue 12): a small zip can hold a huge sheet, so these are
# checked before a workbook is parsed (shamy/imports/files.py), not only the uploaded bytes.
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 2000)
# Uploaded images (shamy/core/files.py): the largest picture decoded, in pixels (also Pillow's
# Image.MAX_IMAGE_PIXELS), how many are decoded at once per process, and how long an upload
# waits for a turn before it is refused as "busy".
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_PIXELS", 25_000_000)
UPLOAD_IMAGE_DECODE_SLOTS = env_int("UPLOAD_IMAGE_DECODE_SLOTS", 2)
UPLOAD_IMAGE_DECODE_WAIT_SECONDS = env_int("UPLOAD_IMAGE_DECODE_WAIT_SECONDS", 30)
# Imports with more rows than this run as a background task with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 500)

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Shamy <noreply@shamy.kz>")

# --- Security (production) ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts and frames only from this site (no inline code: templates use static
# files; an inline <script> would need nonce="{{ CSP_NONCE }}"); images also as data: and blob:
# URLs (QR codes, the camera frame, chart PNG downloads). Uploaded files are served with their own
# stricter "sandbox" policy (shamy/core/files.py), which this one never replaces.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses are switched off; the summit check-in page alone asks for the
# camera (shamy.core.middleware.permissions_policy).
PERMISSIONS_POLICY = {
    "accelerometer": "",
    "autoplay": "",
    "camera": "",
    "display-capture": "",
    "geolocation": "",
    "gyroscope": "",
    "magnetometer": "",
    "microphone": "",
    "midi": "",
    "payment": "",
    "usb": "",
}
SESSION_COOKIE_HTTPONLY = True
# A failed CSRF check answers the site's own 403 page, in the reader's language.
CSRF_FAILURE_VIEW = "shamy.core.views.csrf_failure"
# Load balancers and orchestrators probe over plain HTTP: they get the answer, not a 301.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Offline capture (shamy/offline): how long the server keeps the idempotency keys of writes queued on
# devices. `manage.py offline_prune_keys` (daily, from cron) deletes older ones; a device does not send
# items older than this, and the server refuses them, so a key is never applied twice.
OFFLINE_KEY_RETENTION_DAYS = env_int("OFFLINE_KEY_RETENTION_DAYS", 30)

# Fellowship placement (shamy/fellowship/placement.py): seconds HiGHS may spend on the pairwise peers
# term before the best answer it has is returned with its proven gap. The coordinator's page solves
# twice in one request (with and without the locks), inside gunicorn's 60-second timeout.
PLACEMENT_SECONDS = env_int("PLACEMENT_SECONDS", 20)
if PLACEMENT_SECONDS < 1:
    raise ImproperlyConfigured("PLACEMENT_SECONDS must be 1 or more.")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Demo data is refused on a database holding real data; this flag marks a deployment whose
# database is known to hold nothing but the demo.
SHAMY_DEMO_ALLOWED = env_bool("SHAMY_DEMO_ALLOWED", default=DEBUG)

# `make bench` mounts two baseline views under /bench/ (shamy/home/bench_urls.py); never in production.
SHAMY_BENCH = env_bool("SHAMY_BENCH", default=False)

# --- Verifiable credentials (shamy/credentials) -----------------------------------------------
# The absolute origin credentials are issued under: issuer profiles, keys, credential and status
# list URLs, the QR code's verification page. Credentials outlive deployments: set it once.
CREDENTIALS_BASE_URL = env_str("CREDENTIALS_BASE_URL", "http://localhost:8000").rstrip("/")
# Ed25519 signing keys, never in the database or the repository: whitespace-separated
# ``privateKeyMultibase`` values (``z3u2...``), from CREDENTIAL_SIGNING_KEYS or
# CREDENTIAL_SIGNING_KEYS_FILE. The database holds only the public halves. In development (DEBUG)
# without keys, a key derived from SECRET_KEY signs, so the demo works with no set-up.
CREDENTIAL_SIGNING_KEYS = env_str("CREDENTIAL_SIGNING_KEYS", "").split()
# Development keys derived from SECRET_KEY (see shamy/credentials/keys.py): on in development and
# tests, off with DEBUG off unless explicitly set.
CREDENTIALS_DEV_KEYS = env_bool("CREDENTIALS_DEV_KEYS", default=DEBUG)
