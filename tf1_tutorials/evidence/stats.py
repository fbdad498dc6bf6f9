"""The few statistics the bands need, in plain Python: Student's t quantile and the normal tail.

Student's t distribution function is computed from the regularized incomplete beta function
(continued fraction, evaluated by the modified Lentz method); its quantile by bisection.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_TINY = 1e-300
_EPS = 1e-15


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, for 0 < p < 1."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"t_quantile: p must lie in (0, 1), got {p}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


def prediction_interval(mean: float, sd: float, n: int, coverage: float) -> tuple[float, float]:
    """Where one new draw from the distribution ``n`` runs were drawn from falls with probability
    ``coverage``, under normality: mean ± t(1 - (1 - coverage) / 2, n - 1) · sd · √(1 + 1/n)."""
    if n < 2:
        raise ValueError("a prediction interval needs at least 2 runs")
    half = t_quantile(1.0 - (1.0 - coverage) / 2.0, n - 1) * sd * math.sqrt(1.0 + 1.0 / n)
    return mean - half, mean + half


def outside_probability(low: float, high: float, mean: float, sd: float) -> float:
    """P(X < low or X > high) for X normal with this mean and sd (sd 0: a point at the mean)."""
    if sd <= 0.0:
        return 0.0 if low <= mean <= high else 1.0
    normal = NormalDist(mean, sd)
    return normal.cdf(low) + (1.0 - normal.cdf(high))


def welch(
    mean_a: float, sd_a: float, n_a: int, mean_b: float, sd_b: float, n_b: int
) -> tuple[float, float, float]:
    """Welch's comparison of two means: (difference a - b, its standard error, the
    Welch-Satterthwaite degrees of freedom). Each side needs at least 2 runs."""
    if n_a < 2 or n_b < 2:
        raise ValueError("Welch's test needs at least 2 runs a side")
    va, vb = sd_a * sd_a / n_a, sd_b * sd_b / n_b
    se = math.sqrt(va + vb)
    if se == 0.0:
        return mean_a - mean_b, 0.0, float(n_a + n_b - 2)
    df = (va + vb) ** 2 / (va * va / (n_a - 1) + vb * vb / (n_b - 1))
    return mean_a - mean_b, se, df


def difference_interval(
    difference: float, se: float, df: float, coverage: float
) -> tuple[float, float]:
    """The two-sided ``coverage`` confidence interval of a Welch difference."""
    if se == 0.0:
        return difference, difference
    half = t_quantile(1.0 - (1.0 - coverage) / 2.0, df) * se
    return difference - half, difference + half
