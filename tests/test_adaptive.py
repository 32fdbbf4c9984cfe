"""Where auto places its runs: checked against what a plan that knew the front could do, and
against the verdict it must make possible."""

import math

import numpy as np
import pytest

from paretolab import analyze
from paretolab.adaptive import INITIAL, propose
from paretolab.runs import Runs


def _auto(land, method, lo, hi, seeds=2, most=60, resolution=0.04, findings=None):
    """Run auto's rounds (one value a round) with ``land(value, seed)`` giving the point reached;
    what it found (proposals without a value) go to ``findings``."""
    values, points = [], []
    while len(values) < most:
        if values:
            v = np.repeat(values, seeds)
            kw = {"alpha": v} if method == "linear" else {"method": "eps", "epsilon": v}
            runs = Runs.from_arrays(points, seed=np.tile(np.arange(seeds), len(values)), **kw)
        else:
            runs = Runs.from_arrays(np.zeros((0, 2)))
        proposals = propose(runs, method, lo, hi, 1 if values else INITIAL, resolution=resolution)
        if findings is not None:
            findings += [p.reason for p in proposals if p.value is None]
        placed = [p for p in proposals if p.value is not None]
        if not placed:
            return values, runs
        for p in placed:
            values.append(p.value)
            points += [land(p.value, s) for s in range(seeds)]
    raise AssertionError(f"auto still placing runs after {most} values")


@pytest.mark.parametrize("resolution", [0.02, 0.03, 0.04, 0.05, 0.07, 0.09, 0.13])
def test_eps_on_a_straight_front_needs_the_fewest_values_that_cover_it(resolution):
    # oracle: a segment of length c needs ceil(c / 2r) pieces of at most 2r, so ceil(c / 2r) + 1
    # values with its ends; splitting every stretch in the middle needs up to twice as many
    # pieces of the smallest size, e.g. 3 pieces' worth split as 1.5 + 1.5 -> 4 pieces
    # the objectives' units do not matter: the front is measured in its own extent
    def land(eps, seed):  # the eps-constraint's optimum on L0 = 3 (1 - 2 L1), L1 in [0, 0.5]
        return (3.0 * (1 - 2 * eps), eps)

    values, _ = _auto(land, "eps", 0.0, 0.5, seeds=1, resolution=resolution)
    length = math.sqrt(2)  # the segment in units of its own extent
    fewest = math.ceil(length / (2 * resolution)) + 1
    assert len(values) <= fewest + 1, (len(values), fewest)  # +1: the initial grid's middle is fixed
    # and the values do cover it: no two neighbours farther apart than 2r
    gaps = np.diff(np.sort(values)) * 2 * length
    assert gaps.max() <= 2 * resolution + 1e-12


@pytest.mark.parametrize("case", range(40))
def test_auto_stops_at_an_unreachable_gap_only_when_the_verdict_can_tell(case):
    # a concave front (a scaled quarter circle): a global optimiser of the weighted sum lands on
    # an end, switching at the chord's alpha. Whatever the range around the switch, auto spends
    # at most two values beyond its initial grid there, and what it ran is enough for the
    # analysis to call the jump a jump (not "unresolved", which would leave the user to guess)
    rng = np.random.default_rng(case)
    s0, s1 = 10.0 ** rng.uniform(-3, 3, 2)
    switch = s0 / s1  # L0 + alpha L1 ties the ends (0, s1) and (s0, 0)
    lo = switch / 10 ** rng.uniform(0.05, 3)
    hi = switch * 10 ** rng.uniform(0.05, 3)

    noise = 1e-4 if case % 2 else 0.0  # the ends move a little as runs come in: so does the edge's alpha

    def land(alpha, seed):
        wobble = noise * np.random.default_rng([case, seed, int(alpha * 1e6) % 2**32]).normal(size=2)
        return (0.0 + wobble[0] * s0, s1 * (1 + wobble[1])) if alpha < switch else (s0 * (1 + wobble[0]), wobble[1] * s1)

    values, runs = _auto(land, "linear", lo, hi)
    assert len(values) <= INITIAL + 2, values
    ratios = np.diff(np.log(np.sort(values)))
    assert ratios.min() > math.log(1.001), values  # never the same alpha again, give or take the noise
    report = analyze(runs)
    assert report.tunable == "no", (values, str(report))
    (gap,) = report.gaps
    assert gap.kind == "unexplored" and math.isclose(gap.alpha, switch, rel_tol=1e-6 + 10 * noise)



@pytest.mark.parametrize("case", range(24))
def test_a_jump_next_to_an_end_of_the_range_is_found_not_passed_for_a_fast_move(case):
    # the range ends 2-25% past the switch: the alphas beyond the jump span too little to show how
    # fast the solution moves there. Before: auto stopped after 4 values and the analysis called
    # alpha tunable (the noise allowance over alphas 1 and 1.05 passed for a fast move). Now auto
    # halves the bracket until both sides span a quarter of it, and the jump is found
    rng = np.random.default_rng(100 + case)
    switch = 10 ** rng.uniform(-2, 2)
    near = 10 ** rng.uniform(math.log10(1.02), math.log10(1.25))
    far = 10 ** rng.uniform(1, 3)
    lo, hi = (switch / far, switch * near) if case % 2 else (switch / near, switch * far)

    def land(alpha, seed):  # a global optimiser on a front with ends (0, 1) and (switch, 0)
        return (0.0, 1.0) if alpha < switch else (switch, 0.0)

    values, runs = _auto(land, "linear", lo, hi)
    report = analyze(runs)
    assert report.tunable == "no", (values, str(report))
    (gap,) = report.gaps
    assert gap.kind == "unexplored" and gap.alpha_bracket[0] < switch <= gap.alpha_bracket[1] * (1 + 1e-9)
    # each bracket middle halves the bracket: about log2(range / (4 * the near side's span)) of them
    halvings = math.ceil(math.log2(math.log(hi / lo) / (4 * math.log(near))))
    assert len(values) <= INITIAL + 2 + halvings, values


@pytest.mark.parametrize("bend", [1e-3, 1e-2, 0.1])
def test_a_nearly_straight_convex_front_is_never_called_unreachable(bend):
    # y = 1 - x + bend x^2: convex, every point reached by some alpha in [1, 1 / (1 - 2 bend)], so
    # within a few percent of alpha the solution crosses the whole front. Before: an alpha within
    # the analysis's 2% tie of one already run counted as run, and stretches were called
    # "unreachable by alpha" whose chord alpha was never tried (a run there lands inside)
    x = np.linspace(0, 1, 200_001)
    front = np.c_[x, 1 - x + bend * x * x]

    def land(alpha, seed):
        return tuple(front[np.argmin(front[:, 0] + alpha * front[:, 1])])

    findings = []
    _, runs = _auto(land, "linear", 0.5, 2.0, seeds=1, most=80, findings=findings)
    assert not [f for f in findings if "unreachable" in f], findings
    reached = runs.objectives[np.argsort(runs.objectives[:, 0])]
    unit = (reached - front.min(0)) / np.ptp(front, 0)
    assert np.hypot(*np.diff(unit, axis=0).T).max() <= 0.08 + 1e-9  # covered to the resolution


def _covered(points, unit_arc):
    """Share of the arc's samples within 0.04 of a point (brute force)."""
    d = np.linalg.norm(unit_arc[:, None, :] - points[None, :, :], axis=2).min(axis=1)
    return float(np.mean(d <= 0.04))


def test_auto_on_a_skewed_convex_front_is_close_to_even_spacing():
    # L0 = t^2, L1 = 0.01 (1 - t)^2; a weighted sum's optimum is t = 0.01 a / (1 + 0.01 a): over
    # [1e-2, 1e4] a log grid spends most of its values on a sliver of the front. Oracle: the
    # fewest points evenly spaced along the front's arc that cover 90% of it (within 0.04)
    def land(alpha, seed):
        t = 0.01 * alpha / (1 + 0.01 * alpha)
        return (t * t, 0.01 * (1 - t) ** 2)

    t = np.linspace(0, 1, 20_001)
    front = np.c_[t * t, 0.01 * (1 - t) ** 2]
    lo, span = front.min(0), np.ptp(front, 0)
    unit = (front - lo) / span
    arc = np.r_[0, np.cumsum(np.hypot(*np.diff(unit, axis=0).T))]
    samples = np.c_[np.interp(np.linspace(0, arc[-1], 4001), arc, unit[:, 0]),
                    np.interp(np.linspace(0, arc[-1], 4001), arc, unit[:, 1])]

    def even(n):
        s = np.minimum(0.04 + 0.08 * np.arange(n), arc[-1])
        return np.c_[np.interp(s, arc, unit[:, 0]), np.interp(s, arc, unit[:, 1])]

    fewest = next(n for n in range(2, 100) if _covered(even(n), samples) >= 0.9)
    values, runs = _auto(land, "linear", 1e-2, 1e4, seeds=1)
    reached = (runs.objectives - lo) / span
    needed = next(k for k in range(1, len(values) + 1) if _covered(reached[:k], samples) >= 0.9)
    assert needed <= 1.15 * fewest, (needed, fewest)
    # a log grid over the same range needs more than twice as many
    grid = next(n for n in range(2, 200) if _covered(np.array(
        [land(a, 0) for a in np.geomspace(1e-2, 1e4, n)]) / span - lo / span, samples) >= 0.9)
    assert grid > 2 * needed, (grid, needed)
    # and the whole front ends up covered: no stretch between neighbouring points over 2 * 0.04
    reached = reached[np.argsort(reached[:, 0])]
    assert np.hypot(*np.diff(reached, axis=0).T).max() <= 0.08 + 1e-9
