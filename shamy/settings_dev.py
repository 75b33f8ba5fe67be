"""Development settings: ``shamy.settings`` with DEBUG on unless the environment says otherwise.

``shamy.settings`` keeps DEBUG off unless ``DEBUG`` is set, so a server started without
configuration never runs in development mode. The test suite (``pyproject.toml``), the type
checker and the make targets (``Makefile``: ``DEBUG ?= 1``) want development mode and use this
module or set the variable. Production never uses it.
"""

import os

os.environ.setdefault("DEBUG", "1")

from shamy.settings import *  # noqa: E402, F403
