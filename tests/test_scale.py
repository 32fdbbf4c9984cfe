"""``weighted_sum_optimum`` answers the same at any scale (issue 13, item 11).

Before the fix it built the lower hull from cross products of the raw values: a front times
1e-200 underflowed them to 0 (a 3-point front at alpha [0.5, 1, 2] gave [0, 0, 2] instead of
[0, 1, 2], silently; of 61 log-spaced alphas a convex front x 1e-200 got 26 wrong), and from
1e160 up they overflowed (RuntimeWarnings and wrong indices). A user with losses in unusual
units (a likelihood near 1e-200, a sum of squares near 1e200) lost the weighted-sum optimum
and with it every verdict built on it, without an error.

Every answer here is checked against a brute-force oracle in exact arithmetic
(``fractions.Fraction``): the index must minimise ``L0 + alpha * L1`` over the points exactly
(ties: any index reaching the minimum). Only for arbitrary floats from hypothesis (ranges of
1e300 with a few subnormal differences in them) is a gap below ``REL`` of the values' size a
tie too: there the hull itself is found to float precision.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paretolab.front import weighted_sum_optimum

REL = Fraction(1, 2**44)
"""Gap, relative to ``max|L0| + alpha max|L1|``, below which two values count as a tie when
alpha or the points carry rounding (a few units in the last place of a float)."""


# --------------------------------------------------------------------------- the oracle
def optimal_set(points: np.ndarray, alpha: float, rel: Fraction = Fraction(0)) -> set[int]:
    """The indices minimising ``L0 + alpha * L1`` exactly (within ``rel`` of the size)."""
    p0 = [Fraction(v) for v in points[:, 0].tolist()]
    p1 = [Fraction(v) for v in points[:, 1].tolist()]
    if math.isinf(alpha):  # L1 alone; among its minimisers the L0 order still matters not
        best1 = min(p1)
        return {i for i, v in enumerate(p1) if v == best1}
    a = Fraction(alpha)
    values = [x + a * y for x, y in zip(p0, p1)]
    best = min(values)
    slack = rel * (max(abs(v) for v in p0) + a * max(abs(v) for v in p1))
    return {i for i, v in enumerate(values) if v - best <= slack}


def answer(points: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """``weighted_sum_optimum`` with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="warn"):
            return np.asarray(weighted_sum_optimum(points, alphas))


def misses(points: np.ndarray, alphas: np.ndarray, rel: Fraction, what: str) -> list[str]:
    """Each alpha whose answer is not among the exact optima, in words (empty: all right)."""
    got = answer(points, alphas)
    if got.shape != alphas.shape:
        return [f"{what}: shape {got.shape} for alphas of shape {alphas.shape}"]
    out = []
    for a, i in zip(alphas.tolist(), got.tolist()):
        ok = optimal_set(points, a, rel)
        if i not in ok:
            out.append(f"{what}: alpha={a!r} gave {i}, exact optimum {sorted(ok)[:5]}")
    return out


# --------------------------------------------------------------------------- fronts
def convex(rng, n):
    t = np.sort(rng.uniform(0, np.pi / 2, n))
    return np.c_[1 - np.cos(t), 1 - np.sin(t)]


def concave(rng, n):
    t = np.sort(rng.uniform(0, np.pi / 2, n))
    return np.c_[np.sin(t), np.cos(t)]


def mixed(rng, n):
    x = np.sort(rng.uniform(0, 1, n))
    y = 1 - x + 0.15 * np.sin(rng.integers(1, 5) * np.pi * x) + 0.3 * (x - 0.5) ** 2 * rng.normal()
    pts = np.c_[x, np.minimum.accumulate(y)]
    behind = rng.random(n) < 0.3
    pts[behind] += rng.uniform(0, 0.05, (behind.sum(), 2))
    return pts


def random_points(rng, n):
    return rng.random((n, 2))


def grid(rng, n):  # integers: exact ties, collinear points, duplicates
    return rng.integers(0, 8, (n, 2)).astype(float)


KINDS = {"convex": convex, "concave": concave, "mixed": mixed, "random": random_points, "grid": grid}


def alphas_for(s0: float, s1: float, rng) -> np.ndarray:
    """61 log-spaced alphas around where the optimum moves (``s0 / s1`` times 1e-4..1e4, as
    far as floats reach), jittered, and the extremes."""
    centre = math.log10(s0) - math.log10(s1)
    exps = np.clip(centre + np.linspace(-4, 4, 61) + rng.uniform(-0.05, 0.05, 61), -307, 307)
    return np.r_[0.0, 10.0**exps, 5e-324, 1e-300, 1.0, 1e300, np.inf]


# --------------------------------------------------------------------------- the audit's cases
@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-100, 1.0, 1e100, 1e160, 1e200, 1e300])
def test_three_point_front_at_any_scale(scale):
    # the audit: x 1e-200 gave [0, 0, 2]
    front = np.array([[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]]) * scale
    assert answer(front, np.array([0.5, 1.0, 2.0])).tolist() == [0, 1, 2]
    assert answer(front, np.array([0.0, np.inf])).tolist() == [0, 2]


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e160, 1e200, 1e300])
def test_convex_front_scaled_matches_unscaled_for_61_alphas(scale):
    # the audit: 26 of 61 wrong at 1e-200, overflow warnings from 1e160; a power-of-two
    # neighbour of the scale multiplies exactly, so the answers must equal the unscaled ones
    scale = 2.0 ** round(math.log2(scale))
    front = convex(np.random.default_rng(0), 40)
    alphas = np.geomspace(1e-3, 1e3, 61)
    expected = answer(front, alphas)
    assert answer(front * scale, alphas).tolist() == expected.tolist()
    assert len(set(expected.tolist())) > 10, "the alphas sweep the front"
    assert not misses(front * scale, alphas, Fraction(0), f"convex x {scale}")


# --------------------------------------------------------------------------- the oracle, widely
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_matches_exact_oracle_over_scales_1e_minus300_to_1e300(kind):
    rng = np.random.default_rng(sorted(KINDS).index(kind))
    for trial in range(30):
        base = KINDS[kind](rng, int(rng.integers(1, 40)))
        if trial % 3 == 1:  # an offset: lo != 0, negative values
            base = base - rng.uniform(-2, 2, 2)
        e0, e1 = rng.uniform(-300, 300, 2)
        if trial % 5 == 0:
            e1 = e0  # the same scale on both objectives
        s0, s1 = 10.0**e0, 10.0**e1
        points = base * [s0, s1]
        what = f"{kind} trial {trial} scales ({s0:.1e}, {s1:.1e})"
        assert not misses(points, alphas_for(s0, s1, rng), Fraction(0), what)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_exact_scaling_keeps_every_answer_and_tie(kind):
    # Scaling by powers of two is exact, so the same points must give the same index for
    # every alpha, ties included (lowest L0, then lowest L1, then first index): alpha at the
    # critical values of a grid (1, 1/2, 2, ...) ties exactly, at every scale.
    rng = np.random.default_rng(100 + sorted(KINDS).index(kind))
    for trial in range(20):
        base = KINDS[kind](rng, int(rng.integers(2, 40)))
        alphas = np.r_[0.0, 1 / 3, 0.5, 1.0, 2.0, 3.0, np.geomspace(1e-3, 1e3, 25), np.inf]
        expected = answer(base, alphas)
        for e0, e1 in [(-990, -990), (990, 990), (-990, 990), (990, -990), (-500, 200), (1, 0)]:
            e0, e1 = e0 + int(rng.integers(-30, 30)), e1 + int(rng.integers(-30, 30))
            with np.errstate(over="ignore", under="ignore"):
                points = np.ldexp(base, [e0, e1])
                scaled = np.ldexp(alphas, e0 - e1)
            if not (np.isfinite(points).all() and np.array_equal(np.ldexp(points, [-e0, -e1]), base)):
                continue  # not exact (subnormal or beyond the float range)
            if not np.array_equal(np.ldexp(scaled, e1 - e0), alphas):
                continue
            got = answer(points, scaled)
            assert got.tolist() == expected.tolist(), f"{kind} trial {trial} 2**({e0}, {e1})"
            assert not misses(points, scaled, Fraction(0), f"{kind} trial {trial} 2**({e0}, {e1})")


def test_ties_go_to_the_lowest_l0_at_any_scale():
    # [0, 2], [1, 1], [2, 0] are collinear: at alpha = 1 all three tie; duplicates tie too
    for e in (-1000, -600, 0, 600, 1000):
        pts = np.ldexp(np.array([[2.0, 0.0], [1.0, 1.0], [1.0, 1.0], [0.0, 2.0]]), e)
        assert answer(pts, np.array([1.0, 0.999, 1.001])).tolist() == [3, 3, 0]
        assert answer(pts[[1, 2, 0]], np.array([1.0])).tolist() == [0]  # first copy


def test_a_range_beyond_the_largest_float():
    # values from -1e308 to 1e308: their range overflows a float
    pts = np.array([[-1e308, 1e308], [-1e307, 1e306], [1e308, -1e308]])
    assert not misses(pts, np.r_[0.0, np.geomspace(1e-3, 1e3, 41), np.inf], Fraction(0), "range beyond the float range")


def test_alpha_beyond_the_float_range_of_the_ratio():
    # L0 x 1e-300, L1 x 1e300: every critical alpha is ~1e-600, so any alpha > 0 wants min L1;
    # the other way round they are ~1e600, so every finite alpha wants min L0
    front = np.array([[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]])
    small = np.array([0.0, 5e-324, 1e-300, 1.0, 1e300, np.inf])
    assert answer(front * [1e-300, 1e300], small).tolist() == [0, 2, 2, 2, 2, 2]
    assert answer(front * [1e300, 1e-300], small).tolist() == [0, 0, 0, 0, 0, 2]



def test_a_difference_the_rescaling_rounds_away_is_kept():
    # found by hypothesis in CI: L1 of 0, 1e-26 and 4e297 rescale to 0, 0 and 1, so the hull
    # in the unit square lost (0, 0) behind (-1, 1e-26) and alpha = inf (minimise L1) answered
    # the point with L1 = 1e-26. The switch between them is at alpha = 1 / 1e-26 = 1e26
    pts = np.array([[0.0, 0.0], [0.0, 4.2220765291946596e297], [-1.0, 1.042991483593864e-26]])
    alphas = np.array([0.0, 1.0, 1e25, 1e27, 1e300, np.inf])
    assert answer(pts, alphas).tolist() == [2, 2, 2, 0, 0, 0]
    assert not misses(pts, alphas, Fraction(0), "rounded away")
    # three points whose L1 all rescale to 0 next to a huge one: the middle is a vertex
    tail = np.array([[0.0, 3e-26], [1.0, 1e-26], [2.0, 0.0], [-1.0, 1e300]])
    assert not misses(tail, np.r_[0.0, np.geomspace(1e-3, 1e30, 40), np.inf], Fraction(0), "tail")
    # an edge both of whose differences round to 0 (hypothesis again: a 0/0 critical alpha)
    both = np.array([[0.0, -7.810060834881259e-27], [-1.0, 0.0], [-9007199254740996.0, 3.161547822894285e297]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert answer(both, np.array([0.0, 1.0, 1e26, 1e30, np.inf])).tolist() == [2, 1, 1, 0, 0]

# --------------------------------------------------------------------------- any floats
finite = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pts=st.lists(st.tuples(finite, finite), min_size=1, max_size=12),
    alphas=st.lists(st.floats(min_value=0, allow_nan=False, allow_subnormal=True), min_size=1, max_size=8),
)
def test_any_finite_points_and_alphas(pts, alphas):
    assert not misses(np.array(pts, dtype=float), np.array(alphas, dtype=float), REL, "hypothesis")
