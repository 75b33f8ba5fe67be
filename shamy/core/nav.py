"""The main menu is assembled from each app's ``nav.py``.

An app that wants menu entries defines ``nav_items(request) -> list[NavItem]`` in
``shamy/<app>/nav.py``, returning only entries the user may open. Apps never edit base.html
for this.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


@cache
def _providers() -> list[Callable[[HttpRequest], list[NavItem]]]:
    providers = []
    for config in apps.get_app_configs():
        if not config.name.startswith("shamy.") or config.name == "shamy.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.nav":
                raise
            continue
        providers.append(module.nav_items)
    return providers


def nav_items(request: HttpRequest) -> list[NavItem]:
    items = [item for provider in _providers() for item in provider(request)]
    return sorted(items, key=lambda item: item.order)
