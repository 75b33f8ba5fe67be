#!/usr/bin/env python
"""Django's command-line utility for Shamy."""

import os
import sys


def main() -> None:
    # A development tool: DEBUG on unless DEBUG=0 is set (shamy/settings_dev.py), so commands such
    # as `makemigrations --check` run on a fresh clone. The web server (shamy/wsgi.py) reads
    # shamy.settings, where DEBUG is off unless set; production also exports DEBUG=0 (README).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings_dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
