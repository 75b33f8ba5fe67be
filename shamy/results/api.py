"""Results endpoints of the JSON API: a programme's results framework with current figures."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel

from shamy.core.inputs import ApiId
from shamy.results.figures import Period, display, programme_figures
from shamy.results.selectors import programme_for_results

router = Router(tags=["results"])


class IndicatorOut(BaseModel):
    id: int
    level: str
    name: dict[str, str]
    source: str
    source_text: str
    baseline: float | None
    target: float
    value: float | None
    value_text: str
    suppressed: bool
    progress_percent: float | None


class FrameworkOut(BaseModel):
    programme: int
    period_start: datetime.date
    period_end: datetime.date
    suppression_threshold: int
    indicators: list[IndicatorOut]


@router.get("/programmes/{programme_id}/results-framework", response=FrameworkOut, url_name="results-framework")
def results_framework(
    request: HttpRequest, programme_id: ApiId, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, Any]:
    """The programme's outputs and outcomes with baseline, target, the figure for the period
    (suppressed like the results page and the donor report) and progress."""
    programme = programme_for_results(user=request.user, programme_id=programme_id)
    default = Period.of_programme(programme)
    period = Period(start or default.starts_on, end or default.ends_on)
    figures = programme_figures(programme=programme, period=period)
    return {
        "programme": programme.pk,
        "period_start": period.starts_on,
        "period_end": period.ends_on,
        "suppression_threshold": figures.threshold,
        "indicators": [
            {
                "id": indicator.pk,
                "level": indicator.level,
                "name": indicator.name,
                "source": indicator.source,
                "source_text": str(figure.source),
                "baseline": indicator.baseline,
                "target": indicator.target,
                "value": None if figure.suppressed else figure.value,
                "value_text": display(figure),
                "suppressed": figure.suppressed,
                "progress_percent": progress,
            }
            for indicator, figure, progress in figures.framework
        ],
    }
