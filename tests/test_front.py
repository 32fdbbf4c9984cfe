"""Front utilities against naive oracles, analytic fronts and invariants."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linprog

import paretolab
from paretolab import front as F

# --------------------------------------------------------------------------- oracles


def naive_nondominated(points: np.ndarray, keep_weakly: bool = False) -> np.ndarray:
    """O(n^2) definition: dominated if another point is <= everywhere and < somewhere;
    an exact copy of an earlier point is dropped unless keep_weakly."""
    n = len(points)
    mask = np.ones(n, dtype=bool)
    for i in range(n):
        le = (points <= points[i]).all(axis=1)
        lt = (points < points[i]).any(axis=1)
        if (le & lt).any():
            mask[i] = False
        elif not keep_weakly and (points[:i] == points[i]).all(axis=1).any():
            mask[i] = False
    return mask


def lp_improvement(points: np.ndarray, i: int) -> float:
    """Primal LP: the largest summed improvement over points[i] by a convex combination."""
    n, m = points.shape
    # maximise sum(p - sum_j lam_j q_j)  <=>  minimise sum_j lam_j * sum(q_j)
    res = linprog(
        points.sum(axis=1),
        A_ub=points.T,
        b_ub=points[i],
        A_eq=np.ones((1, n)),
        b_eq=[1.0],
        bounds=[(0, None)] * n,
        method="highs",
    )
    assert res.status == 0, res.message
    return float(points[i].sum() - res.fun)


def naive_supported(points: np.ndarray, tol: float) -> np.ndarray:
    nd = naive_nondominated(points, keep_weakly=True)
    front = points[nd]
    lo, hi = front.min(axis=0), front.max(axis=0)
    unit = (front - lo) / np.where(hi > lo, hi - lo, 1.0)
    mask = np.zeros(len(points), dtype=bool)
    mask[np.flatnonzero(nd)] = [lp_improvement(unit, i) <= tol for i in range(len(unit))]
    return mask


def wavy_front(rng: np.random.Generator, n: int) -> np.ndarray:
    """Points on a random decreasing curve with convex and concave stretches, some behind it."""
    x = np.sort(rng.uniform(0, 1, n))
    k = rng.integers(1, 5)
    y = 1 - x + 0.15 * rng.uniform(0.2, 1) * np.sin(k * np.pi * x) + 0.3 * (x - 0.5) ** 2 * rng.normal()
    y = np.minimum.accumulate(y)  # keep it a front
    pts = np.c_[x, y]
    behind = rng.random(n) < 0.3
    pts[behind] += rng.uniform(0, 0.05, (behind.sum(), 2))
    return pts


def quarter_circle(n: int, concave: bool) -> np.ndarray:
    t = np.linspace(0, np.pi / 2, n)
    return np.c_[np.sin(t), np.cos(t)] if concave else np.c_[1 - np.cos(t), 1 - np.sin(t)]


def dent_front(n: int, lam: float = 0.85) -> np.ndarray:
    """DENT (jMetal; Dellnitz et al.): Pareto set x1 = -x2 = u, u in [-1.5, 1.5]."""
    u = np.linspace(-1.5, 1.5, n)
    r, d = np.sqrt(1 + 4 * u**2), lam * np.exp(-4 * u**2)
    return np.c_[0.5 * (1 + r + 2 * u) + d, 0.5 * (1 + r - 2 * u) + d]


def sphere_octant(n_side: int) -> np.ndarray:
    """Concave 3-objective front (DTLZ2): the unit sphere in the positive octant, with its arcs."""
    th, ph = np.meshgrid(np.linspace(0, np.pi / 2, n_side), np.linspace(0, np.pi / 2, n_side))
    pts = np.c_[(np.cos(th) * np.cos(ph)).ravel(), (np.cos(th) * np.sin(ph)).ravel(), np.sin(th).ravel()]
    return np.unique(np.round(pts, 12), axis=0)


def simplex_grid(k: int) -> np.ndarray:
    return np.array([(i, j, k - i - j) for i in range(k + 1) for j in range(k + 1 - i)], float) / k


# --------------------------------------------------------------------------- nondominance


@pytest.mark.parametrize("seed", range(40))
def test_is_nondominated_matches_naive_oracle(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 300)), int(rng.choice([2, 2, 3, 4]))
    kind = seed % 4
    if kind == 0:
        pts = rng.random((n, m))
    elif kind == 1:  # ties and duplicates on a coarse grid
        pts = rng.integers(0, 6, (n, m)).astype(float)
    elif kind == 2 and m == 2:
        pts = wavy_front(rng, n)
    else:  # anti-correlated, most points nondominated
        pts = rng.random((n, m))
        pts[:, -1] = 1 - pts[:, :-1].sum(axis=1) + 0.01 * rng.random(n)
    for keep in (False, True):
        got = paretolab.is_nondominated(pts, keep_weakly=keep)
        want = naive_nondominated(pts, keep_weakly=keep)
        assert np.array_equal(got, want), f"seed={seed} n={n} m={m} keep_weakly={keep}"


@pytest.mark.parametrize("seed", range(10))
def test_is_nondominated_matches_moocore_on_large_inputs(seed):
    import moocore

    rng = np.random.default_rng(seed)
    pts = rng.integers(0, 200, (20_000, 2)).astype(float) if seed % 2 else wavy_front(rng, 20_000)
    for keep in (False, True):
        assert np.array_equal(
            paretolab.is_nondominated(pts, keep_weakly=keep),
            moocore.is_nondominated(pts, keep_weakly=keep),
        ), f"seed={seed} keep_weakly={keep}"


def test_pareto_front_sorted_unique():
    pts = np.array([[3, 1], [1, 3], [2, 2], [2, 3], [1, 3], [2, 2], [0.5, 9]], float)
    got = paretolab.pareto_front(pts)
    assert np.array_equal(got, [[0.5, 9], [1, 3], [2, 2], [3, 1]])
    pts3 = np.array([[1, 2, 3], [3, 2, 1], [1, 2, 3], [2, 2, 2], [3, 3, 3]], float)
    assert np.array_equal(paretolab.pareto_front(pts3), [[1, 2, 3], [2, 2, 2], [3, 2, 1]])


points_2d = hnp.arrays(
    float,
    st.tuples(st.integers(0, 60), st.just(2)),
    elements=st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 1)),
)


@settings(max_examples=200, deadline=None)
@given(points_2d)
def test_front_invariants(pts):
    front = paretolab.pareto_front(pts)
    # no returned point is dominated by any input point
    for p in front:
        assert not ((pts <= p).all(axis=1) & (pts < p).any(axis=1)).any()
    # every input point is on the front or dominated by (or equal to) a front point
    for p in pts:
        assert ((front <= p).all(axis=1)).any()
    # sorted, unique
    assert len(np.unique(front, axis=0)) == len(front)
    assert (np.diff(front[:, 0]) > 0).all() and (np.diff(front[:, 1]) < 0).all()
    # supported points are a subset of the nondominated ones
    sup = paretolab.is_supported(pts)
    assert not (sup & ~paretolab.is_nondominated(pts, keep_weakly=True)).any()


# --------------------------------------------------------------------------- supported points


@pytest.mark.parametrize("seed", range(30))
def test_is_supported_matches_lp_oracle(seed):
    rng = np.random.default_rng(seed)
    m = 2 if seed < 20 else 3
    n = int(rng.integers(2, 120))
    pts = wavy_front(rng, n) if m == 2 else rng.random((n, 3)) ** rng.choice([0.5, 2.0])
    if seed % 5 == 0:
        pts = np.round(pts, 1)  # ties, duplicates, collinear points
    tol = 1e-6
    got = paretolab.is_supported(pts, tol=tol)
    want = naive_supported(pts, tol)
    assert np.array_equal(got, want), f"seed={seed} n={n} m={m}: differ at {np.flatnonzero(got != want)}"


def test_strictly_convex_front_all_supported_no_region():
    for n in (2, 3, 50, 2001):
        front = quarter_circle(n, concave=False)
        assert paretolab.is_supported(front).all()
        assert paretolab.concave_regions(front) == []
    x = np.linspace(0.1, 10, 500)
    assert paretolab.is_supported(np.c_[x, 1 / x]).all()


@pytest.mark.parametrize(
    "front",
    [quarter_circle(501, concave=True), np.c_[np.linspace(0, 1, 501), 1 - np.linspace(0, 1, 501) ** 2]],
    ids=["quarter-circle", "zdt2"],
)
def test_concave_fronts_only_ends_supported(front):
    sup = paretolab.is_supported(front)
    assert np.flatnonzero(sup).tolist() == [0, len(front) - 1]
    (r,) = paretolab.concave_regions(front)
    assert (r.start, r.stop) == (1, len(front) - 1)
    assert r.alpha == pytest.approx(1.0, rel=1e-12)
    assert r.share == pytest.approx(1.0)
    # the whole interior is locally concave
    assert r.cores == ((1, len(front) - 1),)


def test_quarter_circle_region_numbers():
    (r,) = paretolab.concave_regions(quarter_circle(2001, concave=True))
    assert r.depth == pytest.approx(1 - np.sqrt(0.5), rel=1e-6)  # (sqrt(2) - 1) / sqrt(2)
    assert r.left == (0.0, 1.0) and r.right[0] == 1.0


def test_dent_one_region_alpha_one():
    front = paretolab.pareto_front(dent_front(3001))
    (r,) = paretolab.concave_regions(front)
    assert r.alpha == pytest.approx(1.0, rel=1e-9)
    # symmetric about L0 = L1: the bridging points mirror each other
    assert r.left[0] == pytest.approx(r.right[1]) and r.left[1] == pytest.approx(r.right[0])
    # the core is the middle of the dent, flanked by locally convex stretches on both sides
    ((core_start, core_stop),) = r.cores
    assert r.start < core_start < len(front) // 2 < core_stop < r.stop
    mid = front[core_start:core_stop]
    assert np.allclose(mid[:, 0] + mid[:, 1], mid[:, 0][::-1] + mid[:, 1][::-1], atol=1e-9)


def test_fonseca_caps_flank_a_concave_core():
    s = np.linspace(-1, 1, 4001)
    front = paretolab.pareto_front(np.c_[1 - np.exp(-((s - 1) ** 2)), 1 - np.exp(-((s + 1) ** 2))])
    (r,) = paretolab.concave_regions(front)
    assert r.alpha == pytest.approx(1.0, rel=1e-9)
    ((core_start, core_stop),) = r.cores
    core = front[core_start:core_stop]
    # inflection of the analytic front: min(L0, L1) where the curvature changes sign
    f1 = lambda v: 1 - np.exp(-((v - 1) ** 2))  # noqa: E731
    f2 = lambda v: 1 - np.exp(-((v + 1) ** 2))  # noqa: E731
    v = np.linspace(-1, 1, 200_001)
    d1, d2 = np.gradient(f1(v), v), np.gradient(f2(v), v)
    dd1, dd2 = np.gradient(d1, v), np.gradient(d2, v)
    # v runs from the L1 end to the L0 end (L0 decreasing): concave is an anticlockwise turn
    concave = d1 * dd2 - d2 * dd1 > 0
    inflection = f1(v[concave]).min()
    # The core never includes a locally convex point; near the inflection the front is straight
    # to within the tolerance, and that stretch may be left to the flank (a conservative core).
    for k in (0, 1):
        assert inflection - 1e-4 <= core[:, k].min() <= inflection + 0.02
    lo, hi = front.min(axis=0), front.max(axis=0)
    unit = (front - lo) / (hi - lo)
    gap = unit[(front[:, 0] >= inflection) & (np.arange(len(front)) <= core_start)]
    chord = (gap[-1] - gap[0]) / np.linalg.norm(gap[-1] - gap[0])
    rel = gap - gap[0]
    assert np.abs(rel[:, 0] * chord[1] - rel[:, 1] * chord[0]).max() <= 2e-6


@pytest.mark.parametrize("noise", [0.0, 1e-9])
def test_straight_front_no_region(noise):
    rng = np.random.default_rng(1)
    x = np.linspace(0, 1, 10_001)
    front = np.c_[x, 2 - 2 * x + noise * rng.standard_normal(x.size)]
    front = paretolab.pareto_front(front)
    assert paretolab.is_supported(front).all()
    assert paretolab.concave_regions(front) == []
    assert paretolab.critical_alphas(front) == pytest.approx([0.5], rel=1e-6)


@pytest.mark.parametrize("scale", [1e-6, 1e6])
def test_rescaling_one_objective_changes_no_answer(scale):
    rng = np.random.default_rng(7)
    pts = np.r_[wavy_front(rng, 400), quarter_circle(100, concave=True), dent_front(300) / 3]
    front = paretolab.pareto_front(pts)
    scaled = front * [1.0, scale]
    assert np.array_equal(paretolab.is_supported(front), paretolab.is_supported(scaled))
    a, b = paretolab.concave_regions(front), paretolab.concave_regions(scaled)
    assert [(r.start, r.stop, r.cores) for r in a] == [
        (r.start, r.stop, r.cores) for r in b
    ]
    for ra, rb in zip(a, b):
        assert rb.alpha == pytest.approx(ra.alpha / scale, rel=1e-9)
        assert rb.depth == pytest.approx(ra.depth, rel=1e-9)
        assert rb.share == pytest.approx(ra.share, rel=1e-9)


def test_sphere_only_corners_supported():
    pts = sphere_octant(25)
    sup = paretolab.is_supported(pts)
    corners = np.isclose(pts.max(axis=1), 1.0)
    assert corners.sum() == 3
    assert np.array_equal(sup, corners)


def test_simplex_all_supported():
    pts = simplex_grid(12)
    assert paretolab.is_supported(pts).all()
    # a dominated point is never supported
    assert not paretolab.is_supported(np.r_[pts, [[0.5, 0.5, 0.5]]])[-1]


def test_collinear_points_on_hull_edge_supported():
    pts = np.array([[0, 4], [1, 2], [2, 1.5], [3, 1], [4, 0.5], [6, 0]], float)
    # (1,2) -> (3,1) is a hull edge with (2, 1.5) on it
    assert paretolab.is_supported(pts)[:4].all()


def test_supported_duplicates_share_verdict():
    pts = np.array([[0, 1], [0.7, 0.7], [1, 0], [0.7, 0.7]], float)
    assert paretolab.is_supported(pts).tolist() == [True, False, True, False]
    pts = np.array([[0, 1], [0.2, 0.2], [1, 0], [0.2, 0.2]], float)
    assert paretolab.is_supported(pts).all()


# --------------------------------------------------------------------------- regions: definition


@pytest.mark.parametrize("seed", range(30))
def test_regions_are_maximal_runs_of_unsupported_points(seed):
    rng = np.random.default_rng(seed)
    front = paretolab.pareto_front(wavy_front(rng, int(rng.integers(3, 400))))
    sup = paretolab.is_supported(front)
    regions = paretolab.concave_regions(front)
    runs = []
    i = 0
    while i < len(front):
        if not sup[i]:
            j = i
            while j < len(front) and not sup[j]:
                j += 1
            runs.append((i, j))
            i = j
        i += 1
    assert [(r.start, r.stop) for r in regions] == runs, f"seed={seed}"
    lo, hi = front.min(axis=0), front.max(axis=0)
    unit = (front - lo) / (hi - lo)
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(unit, axis=0), axis=1))]
    for r in regions:
        a, b = front[r.start - 1], front[r.stop]
        assert r.left == tuple(a) and r.right == tuple(b)
        assert r.alpha == pytest.approx((a[0] - b[0]) / (b[1] - a[1]))
        # at alpha* both bridging points tie, and every region point is worse
        assert a[0] + r.alpha * a[1] == pytest.approx(b[0] + r.alpha * b[1])
        vals = front[r.start : r.stop] @ [1, r.alpha]
        assert (vals > a[0] + r.alpha * a[1] - 1e-12).all()
        ua, ub = unit[r.start - 1], unit[r.stop]
        edge = (ub - ua) / np.linalg.norm(ub - ua)
        rel = unit[r.start : r.stop] - ua
        dist = np.abs(rel[:, 0] * edge[1] - rel[:, 1] * edge[0])
        assert r.depth == pytest.approx(dist.max(), rel=1e-9)
        assert r.share == pytest.approx((arc[r.stop] - arc[r.start - 1]) / arc[-1], rel=1e-9)
        assert all(r.start <= c0 <= c1 <= r.stop for c0, c1 in r.cores)


def test_core_is_not_split_by_noise():
    rng = np.random.default_rng(3)
    front = quarter_circle(20_001, concave=True)
    noisy = paretolab.pareto_front(front + 1e-9 * rng.standard_normal(front.shape))
    (r,) = paretolab.concave_regions(noisy)
    ((core_start, core_stop),) = r.cores
    assert core_stop - core_start >= 0.99 * (r.stop - r.start)


def test_region_records_to_dict_round_trip():
    (r,) = paretolab.concave_regions(quarter_circle(51, concave=True))
    d = r.to_dict()
    assert d["start"] == 1 and d["stop"] == 50 and d["alpha"] == pytest.approx(1.0)
    plain = {k: tuple(map(tuple, v)) if k == "cores" else tuple(v) if isinstance(v, list) else v for k, v in d.items()}
    assert paretolab.ConcaveRegion(**plain) == r


def concave_convex_concave(n=2001, dip=0.04):
    """A front above its hull edge (one region) whose middle turns locally convex: two cores.

    Along the anti-diagonal u in [0, 1], the point (u, 1 - u) moved outwards by
    h(u) = 0.2 sin(pi u) (concave) minus a smooth dip of height ``dip`` on |u - 0.5| < 0.15.
    """
    u = np.linspace(0, 1, n)
    bump = np.clip(1 - ((u - 0.5) / 0.15) ** 2, 0, None) ** 3
    h = 0.2 * np.sin(np.pi * u) - dip * bump
    return np.c_[u + h / np.sqrt(2), 1 - u + h / np.sqrt(2)], u, h


def test_a_region_with_a_convex_middle_has_two_cores():
    front, u, h = concave_convex_concave()
    assert (np.diff(front[:, 0]) > 0).all() and (np.diff(front[:, 1]) < 0).all()
    (r,) = paretolab.concave_regions(paretolab.pareto_front(front))
    assert len(r.cores) == 2, r.cores
    # naive oracle: the sign of the second derivative of h (h'' < 0: locally concave)
    d2 = np.gradient(np.gradient(h, u), u)
    (left, right) = r.cores
    assert left[1] <= right[0]
    assert (d2[left[0]:left[1]] < 1e-9).all() and (d2[right[0]:right[1]] < 1e-9).all()
    middle = front[left[1]:right[0]]
    assert len(middle) and (d2[left[1]:right[0]] > -1e-6).mean() > 0.9  # the convex middle is no core
    # without the dip the same region has one core
    (one,) = paretolab.concave_regions(concave_convex_concave(dip=0.0)[0])
    assert len(one.cores) == 1


def test_regions_need_two_objectives():
    with pytest.raises(ValueError, match="m = 2 only"):
        paretolab.concave_regions(simplex_grid(3))


def test_regions_need_front_order():
    with pytest.raises(ValueError, match="pareto_front"):
        paretolab.concave_regions([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="pareto_front"):
        paretolab.concave_regions([[0.0, 1.0], [1.0, 1.0]])


# --------------------------------------------------------------------------- weighted sums


def naive_weighted_optimum(points: np.ndarray, alpha: float) -> int:
    vals = points[:, 0] + alpha * points[:, 1] if np.isfinite(alpha) else points[:, 1]
    best = np.flatnonzero(vals == vals.min())
    # tie rule: lowest L0, then lowest L1, then first index
    return int(best[np.lexsort((best, points[best, 1], points[best, 0]))[0]])


@pytest.mark.parametrize("seed", range(30))
def test_weighted_sum_optimum_matches_argmin(seed):
    rng = np.random.default_rng(seed)
    pts = rng.integers(0, 8, (int(rng.integers(1, 80)), 2)).astype(float) if seed % 3 == 0 else rng.random((50, 2))
    alphas = np.r_[0.0, rng.lognormal(0, 2, 40), np.inf, 1.0, 0.5, 2.0]
    got = paretolab.weighted_sum_optimum(pts, alphas)
    for a, g in zip(alphas, got):
        assert g == naive_weighted_optimum(pts, a), f"seed={seed} alpha={a}"
    assert isinstance(paretolab.weighted_sum_optimum(pts, 0.3), int)


@pytest.mark.parametrize("seed", range(15))
def test_critical_alphas_are_where_the_optimum_changes(seed):
    rng = np.random.default_rng(seed)
    front = paretolab.pareto_front(wavy_front(rng, 300))
    crit = paretolab.critical_alphas(front, tol=0)
    assert (np.diff(crit) > 0).all() and (crit > 0).all()
    mids = np.r_[crit[0] / 2, np.sqrt(crit[:-1] * crit[1:]), crit[-1] * 2]
    opt = paretolab.weighted_sum_optimum(front, mids)
    assert (np.diff(opt) != 0).all(), f"seed={seed}"  # it changes across every critical alpha
    for a, i, j in zip(crit, opt[:-1], opt[1:]):  # and both sides tie exactly there
        assert front[i] @ [1, a] == pytest.approx(front[j] @ [1, a], rel=1e-9)
    # between critical values the brute-force optimum stays that interval's optimum
    for a in np.geomspace(crit[0] / 10, crit[-1] * 10, 500):
        assert naive_weighted_optimum(front, a) == opt[np.searchsorted(crit, a)], f"seed={seed} alpha={a}"


def test_weighted_sum_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        paretolab.weighted_sum_optimum([[0, 1], [1, 0]], -1.0)
    with pytest.raises(ValueError, match="alpha"):
        paretolab.weighted_sum_optimum([[0, 1], [1, 0]], float("nan"))


# --------------------------------------------------------------------------- summaries


def dense_coverage(reached, front, radius, samples=200_001):
    lo, hi = front.min(axis=0), front.max(axis=0)
    unit, r = (front - lo) / (hi - lo), (np.asarray(reached) - lo) / (hi - lo)
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(unit, axis=0), axis=1))]
    s = np.linspace(0, arc[-1], samples)
    pts = np.c_[np.interp(s, arc, unit[:, 0]), np.interp(s, arc, unit[:, 1])]
    near = np.zeros(samples, bool)
    for p in r:
        near |= np.linalg.norm(pts - p, axis=1) <= radius
    return near.mean()


@pytest.mark.parametrize("seed", range(8))
def test_coverage_matches_dense_sampling(seed):
    rng = np.random.default_rng(seed)
    front = paretolab.pareto_front(wavy_front(rng, 200))
    reached = front[rng.choice(len(front), 6)] + rng.normal(0, 0.02, (6, 2))
    radius = float(rng.uniform(0.02, 0.2))
    got = paretolab.coverage(reached, front, radius)
    assert got == pytest.approx(dense_coverage(reached, front, radius), abs=2e-4), f"seed={seed}"


def test_coverage_edge_cases():
    front = quarter_circle(100, concave=True)
    assert paretolab.coverage(front, front, 0.01) == pytest.approx(1.0)
    assert paretolab.coverage(np.zeros((0, 2)), front, 0.1) == 0.0
    assert paretolab.coverage([[5.0, 5.0]], front, 0.1) == 0.0
    assert paretolab.coverage([[1.0, 1.0]], [[1.0, 1.0]], 0.1) == 1.0
    with pytest.raises(ValueError, match="radius"):
        paretolab.coverage(front, front, 0)
    with pytest.raises(ValueError, match="reached"):
        paretolab.coverage(np.zeros((2, 3)), front, 0.1)
    sphere = sphere_octant(10)
    assert paretolab.coverage(sphere[:1], sphere, 0.05) == pytest.approx(1 / len(sphere))


def test_hypervolume_and_igd_against_naive():
    rng = np.random.default_rng(0)
    front = paretolab.pareto_front(rng.random((300, 2)))
    ref = np.array([1.1, 1.2])
    # staircase area, computed by hand
    xs = np.r_[front[:, 0], ref[0]]
    naive_hv = float(((xs[1:] - xs[:-1]) * (ref[1] - front[:, 1])).sum())
    assert paretolab.hypervolume(front, ref=ref) == pytest.approx(naive_hv, rel=1e-12)
    assert paretolab.hypervolume(front, ref=[-1, -1]) == 0.0
    other = rng.random((40, 2))
    naive_igd = np.linalg.norm(front[:, None] - other[None], axis=2).min(axis=1).mean()
    assert paretolab.igd(other, reference=front) == pytest.approx(naive_igd, rel=1e-12)
    with pytest.raises(ValueError, match="ref"):
        paretolab.hypervolume(front, ref=[1.0, 1.0, 1.0])


def test_balanced_point_minimises_worst_normalised_loss():
    rng = np.random.default_rng(2)
    for _ in range(20):
        pts = rng.random((60, 2))
        front = paretolab.pareto_front(pts)
        lo, span = front.min(axis=0), np.ptp(front, axis=0)
        worst = ((pts - lo) / np.where(span > 0, span, 1.0)).max(axis=1)
        worst[~paretolab.is_nondominated(pts, keep_weakly=True)] = np.inf
        i = paretolab.balanced_point(pts)
        assert worst[i] == worst.min()
    # on a concave front the balanced point lies in the unreachable region
    front = quarter_circle(101, concave=True)
    (r,) = paretolab.concave_regions(front)
    ((core_start, core_stop),) = r.cores
    assert core_start <= paretolab.balanced_point(front) < core_stop


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "func",
    [
        paretolab.is_nondominated,
        paretolab.pareto_front,
        paretolab.is_supported,
        paretolab.concave_regions,
        paretolab.critical_alphas,
        paretolab.balanced_point,
    ],
)
@pytest.mark.parametrize(
    "bad, match",
    [
        ([[0.0, np.nan], [1.0, 0.0], [np.inf, 2.0]], r"finite values, got 2 row\(s\).*\[0, 2\]"),
        ([1.0, 2.0, 3.0], r"2-D array .* got a 1-D array"),
        ([[1.0], [2.0]], r"m >= 2 .* got shape \(2, 1\)"),
        ([["a", "b"], ["c", "d"]], "numeric"),
        (np.zeros((2, 2, 2)), "3-D"),
    ],
)
def test_bad_input_names_argument_expected_and_got(func, bad, match):
    with pytest.raises(ValueError, match=match) as info:
        func(bad)
    assert str(info.value).split(":")[0] in ("points", "front")


def test_empty_input_gives_empty_results():
    empty = np.zeros((0, 2))
    assert paretolab.is_nondominated(empty).shape == (0,)
    assert paretolab.pareto_front(empty).shape == (0, 2)
    assert paretolab.is_supported(empty).shape == (0,)
    assert paretolab.concave_regions(empty) == []
    assert paretolab.critical_alphas(empty).shape == (0,)
    assert paretolab.is_nondominated(np.zeros((0, 3))).shape == (0,)
    assert paretolab.pareto_front([]).shape == (0, 2)
    assert paretolab.is_supported([]).shape == (0,)


def test_bad_tol():
    with pytest.raises(ValueError, match="tol"):
        paretolab.is_supported([[0, 1], [1, 0]], tol=-1)


@pytest.mark.parametrize(
    "call",
    [
        lambda p: paretolab.is_nondominated(p),
        lambda p: paretolab.is_nondominated(p, keep_weakly=True),
        lambda p: paretolab.pareto_front(p),
        lambda p: paretolab.is_supported(p),
        lambda p: paretolab.critical_alphas(p),
        lambda p: paretolab.weighted_sum_optimum(p, [0.5, 2.0]),
        lambda p: paretolab.balanced_point(p),
        lambda p: paretolab.coverage(p[:5], p, 0.1),
        lambda p: paretolab.concave_regions(paretolab.pareto_front(p)),
    ],
)
def test_callers_array_is_never_modified(call):
    rng = np.random.default_rng(0)
    pts = np.r_[wavy_front(rng, 500), quarter_circle(50, concave=True)]
    pts.setflags(write=False)  # any in-place write raises
    before = pts.copy()
    call(pts)
    assert np.array_equal(pts, before)


def test_import_front_does_not_import_torch_or_pymoo():
    code = "import sys, paretolab.front; print('torch' in sys.modules, 'pymoo' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- the hull itself


def monotone_chain_lower_hull(xy: np.ndarray) -> list[int]:
    """Andrew's monotone chain on points sorted by x, strict turns only (the textbook loop)."""
    hull: list[int] = []
    for i, (x, y) in enumerate(xy):
        if hull and xy[hull[-1], 0] == x:
            continue  # same x, higher or equal y
        while len(hull) >= 2:
            (ax, ay), (bx, by) = xy[hull[-2]], xy[hull[-1]]
            if (bx - ax) * (y - ay) - (by - ay) * (x - ax) > 0:
                break
            hull.pop()
        hull.append(i)
    # keep the lower-left part: up to the lowest point
    return hull[: int(np.argmin(xy[hull, 1])) + 1]


@pytest.mark.parametrize("seed", range(24))
def test_lower_hull_matches_monotone_chain(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 30_000))
    kind = seed % 4
    if kind == 0:  # many dents: the vectorised passes stop early and convex pieces are merged
        x = np.linspace(0, 1, n)
        y = 1 - x + 0.02 * np.sin(rng.integers(20, 200) * np.pi * x) * rng.uniform(0.2, 1)
    elif kind == 1:  # Fonseca-Fleming with noise
        s = np.linspace(-1, 1, n)
        x, y = 1 - np.exp(-((s - 1) ** 2)), 1 - np.exp(-((s + 1) ** 2))
        x, y = x + rng.normal(0, 1e-4, n), y + rng.normal(0, 1e-4, n)
    elif kind == 2:  # wavy random front
        x, y = wavy_front(rng, n).T
    else:  # integer grid: ties and collinear points
        x, y = rng.integers(0, 300, (2, n)).astype(float)
    front = paretolab.pareto_front(np.c_[x, y])
    got = F._lower_hull(np.ascontiguousarray(front[:, 0]), np.ascontiguousarray(front[:, 1]))
    assert got.tolist() == monotone_chain_lower_hull(front), f"seed={seed} n={n} kind={kind}"
