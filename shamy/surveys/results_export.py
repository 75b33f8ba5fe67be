"""Survey results as rows for CSV and XLSX: suppressed cells say so in words, never a number."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shamy.surveys.selectors import SurveyResults
from shamy.surveys.stats import PairedResult


def _round(value: float | None, digits: int = 2) -> Any:
    return "" if value is None else round(value, digits)


def _paired_rows(label: str, row: str, result: PairedResult | None) -> list[list[Any]]:
    if result is None:
        return []
    return [
        [label, row, _("Matched pairs"), result.n],
        [label, row, _("Mean change"), _round(result.mean_change)],
        [label, row, _("Lower end of the 95 per cent confidence interval"), _round(result.ci_low)],
        [label, row, _("Upper end of the 95 per cent confidence interval"), _round(result.ci_high)],
        [label, row, _("Effect size (Cohen's d_z)"), _round(result.cohen_dz)],
        [label, row, _("Share who improved"), _round(result.share_improved, 3)],
        [label, row, _("Wilcoxon signed-rank p"), _round(result.wilcoxon_p, 4)],
    ]


def result_rows(results: SurveyResults) -> tuple[list[str], list[list[Any]]]:
    header = [_("Question"), _("Row"), _("Measure"), _("Value")]
    rows: list[list[Any]] = [["", "", _("Responses"), _("suppressed") if results.suppressed else results.responses]]
    if results.recipients is not None:
        rows.append(["", "", _("Sent to"), results.recipients])
    for item in results.questions:
        label = item.question.label
        if item.suppressed:
            rows.append([label, "", _("Answers"), _("suppressed")])
            continue
        rows.append([label, "", _("Answers"), item.answered])
        if item.mean is not None:
            rows.append([label, "", _("Mean"), _round(item.mean)])
        for share in item.shares:
            rows.append([label, share.label, _("Count"), share.count])
        for row in item.rows:
            rows.append([label, row.label, _("Mean"), _round(row.mean)])
            rows.extend(_paired_rows(label, row.label, row.paired))
        rows.extend(_paired_rows(label, "", item.paired))
        for text in item.texts:
            rows.append([label, "", _("Answer"), text])
    return header, rows
