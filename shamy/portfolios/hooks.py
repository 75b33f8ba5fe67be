"""What other apps may run after a portfolio is submitted, without this app importing them.

The assessment app sits above portfolios (docs/architecture.md), so a submission it makes of a
submitted portfolio is registered here from ``AssessmentConfig.ready()``. Hooks run after the
submitting transaction commits, with IDs (the portfolio and the actor), one after another.
"""

from __future__ import annotations

from collections.abc import Callable

SubmitHook = Callable[..., object]  # called as hook(portfolio_id=..., actor_id=...)

_on_submit: list[SubmitHook] = []


def register_on_submit(hook: SubmitHook) -> None:
    """Run ``hook(portfolio_id=..., actor_id=...)`` after each portfolio submission commits."""
    if hook not in _on_submit:
        _on_submit.append(hook)


def on_submit_hooks() -> list[SubmitHook]:
    return list(_on_submit)
