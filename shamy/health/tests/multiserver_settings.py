"""Settings of the app servers the multi-server test starts: ``shamy.settings`` itself (DEBUG off,
the shared Redis cache, database sessions, axes' database handler, all from the environment the
test gives), with one change: static files come from the apps' folders through whitenoise's
finders, as in development, instead of a ``collectstatic`` tree. Collecting and compressing every
asset takes minutes on a small machine, and nothing the test checks depends on it.
"""

from shamy.settings import *  # noqa: F403
from shamy.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
