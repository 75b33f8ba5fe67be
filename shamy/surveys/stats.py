"""Paired pre/post statistics, computed with scipy.stats (never by hand-written formulas for the
tests and distributions).

For n matched pairs with differences d = post − pre:

- mean change d̄ and its 95 % confidence interval d̄ ± t(0.975, n−1) · s_d / √n;
- the paired effect size Cohen's d_z = d̄ / s_d (s_d the sample standard deviation, n−1);
- the Wilcoxon signed-rank test (two-sided; zero differences dropped, as Wilcoxon's original
  test) for Likert items, whose steps are ordinal;
- the share of people who improved (d > 0).

Undefined values are ``None``: a confidence interval needs two pairs, d_z a non-zero spread, and
the Wilcoxon test at least one non-zero difference.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class PairedResult:
    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    sd_change: float | None
    cohen_dz: float | None
    share_improved: float | None
    wilcoxon_statistic: float | None = None
    wilcoxon_p: float | None = None


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def paired(
    pre: Sequence[float], post: Sequence[float], *, wilcoxon: bool = False, confidence: float = 0.95
) -> PairedResult:
    """Statistics of matched pairs ``(pre[i], post[i])``."""
    if len(pre) != len(post):
        raise ValueError("pre and post must hold the same people, in the same order")
    n = len(pre)
    if n == 0:
        return PairedResult(0, None, None, None, None, None, None, None, None)
    differences = [after - before for before, after in zip(pre, post, strict=True)]
    mean_change = sum(differences) / n
    sd: float | None = None
    if n > 1:
        # Identical differences have no spread (scipy would warn of precision loss computing 0).
        sd = 0.0 if len(set(differences)) == 1 else float(stats.tstd(differences))
    ci_low = ci_high = None
    if n > 1 and sd is not None:
        if sd == 0:
            ci_low = ci_high = mean_change
        else:
            low, high = stats.t.interval(confidence, n - 1, loc=mean_change, scale=sd / math.sqrt(n))
            ci_low, ci_high = _finite(low), _finite(high)
    dz = mean_change / sd if sd else None
    improved = sum(1 for difference in differences if difference > 0) / n
    statistic = p_value = None
    if wilcoxon and any(difference != 0 for difference in differences):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns about small samples and ties; the result stands
            result = stats.wilcoxon(differences, zero_method="wilcox", alternative="two-sided")
        statistic, p_value = _finite(result.statistic), _finite(result.pvalue)
    return PairedResult(
        n=n,
        mean_pre=sum(pre) / n,
        mean_post=sum(post) / n,
        mean_change=mean_change,
        ci_low=ci_low,
        ci_high=ci_high,
        sd_change=sd,
        cohen_dz=dz,
        share_improved=improved,
        wilcoxon_statistic=statistic,
        wilcoxon_p=p_value,
    )
