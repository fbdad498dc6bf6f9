"""Student's t and the normal tail against published table values."""

import math

import pytest

from tf1_tutorials.evidence import stats


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.7062),
        (0.995, 2, 9.9248),
        (0.995, 4, 4.6041),
        (0.995, 9, 3.2498),
        (0.975, 29, 2.0452),
        (0.95, 120, 1.6577),
        (0.025, 9, -2.2622),
    ],
)
def test_t_quantile_matches_tables(p, df, expected):
    assert stats.t_quantile(p, df) == pytest.approx(expected, abs=5e-5)


def test_t_cdf_inverts_the_quantile_and_is_symmetric():
    for df in (1, 3, 9, 50):
        for p in (0.6, 0.9, 0.999, 0.99999):
            assert stats.t_cdf(stats.t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)
        assert stats.t_cdf(0.0, df) == pytest.approx(0.5)
        assert stats.t_cdf(-1.5, df) == pytest.approx(1 - stats.t_cdf(1.5, df))


def test_t_approaches_the_normal_with_many_degrees_of_freedom():
    assert stats.t_quantile(0.995, 100000) == pytest.approx(2.5758, abs=1e-3)


def test_t_quantile_refuses_probabilities_outside_0_1():
    with pytest.raises(ValueError):
        stats.t_quantile(1.0, 3)


def test_prediction_interval():
    low, high = stats.prediction_interval(0.9, 0.01, 10, 0.99)
    half = 3.249836 * 0.01 * math.sqrt(1.1)
    assert (low, high) == pytest.approx((0.9 - half, 0.9 + half), abs=1e-7)
    with pytest.raises(ValueError):
        stats.prediction_interval(0.9, 0.01, 1, 0.99)


def test_outside_probability():
    assert stats.outside_probability(-1.96, 1.96, 0.0, 1.0) == pytest.approx(0.05, abs=1e-4)
    assert stats.outside_probability(0.0, 10.0, 0.0, 1.0) == pytest.approx(0.5)
    assert stats.outside_probability(0.9, 0.95, 0.92, 0.0) == 0.0
    assert stats.outside_probability(0.9, 0.95, 0.96, 0.0) == 1.0


def test_welch_matches_scipy_on_unequal_spreads():
    scipy_stats = pytest.importorskip("scipy.stats")
    a = [0.9162, 0.9171, 0.9150, 0.9183, 0.9144, 0.9169, 0.9158, 0.9177, 0.9139, 0.9166]
    b = [0.9123, 0.9209, 0.9168, 0.9101, 0.9231]
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    sd_a = math.sqrt(sum((x - mean_a) ** 2 for x in a) / (len(a) - 1))
    sd_b = math.sqrt(sum((x - mean_b) ** 2 for x in b) / (len(b) - 1))
    difference, se, df = stats.welch(mean_a, sd_a, len(a), mean_b, sd_b, len(b))
    expected = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert difference / se == pytest.approx(expected.statistic, rel=1e-9)
    assert df == pytest.approx(expected.df, rel=1e-9)
    low, high = stats.difference_interval(difference, se, df, 0.90)
    assert (high - low) / 2 == pytest.approx(scipy_stats.t.ppf(0.95, df) * se, rel=1e-6)


def test_welch_needs_two_runs_a_side():
    with pytest.raises(ValueError):
        stats.welch(0.9, 0.01, 1, 0.9, 0.01, 5)
