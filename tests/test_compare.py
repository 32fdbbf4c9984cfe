"""The report: Fonseca-Fleming linear vs Chebyshev, ZDT1, and the per-run placement."""

from __future__ import annotations

import json

import numpy as np
import pytest

from paretolab import sweep
from paretolab.analysis import compare, project_onto_front
from paretolab.problems import get_problem
from paretolab.runs import Runs


@pytest.fixture(scope="module")
def fonseca():
    problem = get_problem("fonseca", n_var=2)
    return problem, problem.true_front(2001)


@pytest.fixture(scope="module")
def fonseca_linear(fonseca):
    problem, _ = fonseca
    return sweep(problem, alphas="log:1e-2:1e2:21", seeds=8, steps=2000)


def test_fonseca_linear_one_unreached_region_and_jump_near_one(fonseca, fonseca_linear):
    _, front = fonseca
    report = compare(fonseca_linear, front)
    (region,) = report.regions
    assert region.alpha == pytest.approx(1.0, rel=1e-6)
    assert region.core_reached_by == () and region.runs_in_core == 0
    (gap,) = [g for g in report.gaps if g.kind != "unresolved"]
    assert gap.seeds == 8, "every seed crosses from one cap to the other"
    assert gap.alpha == pytest.approx(region.alpha, rel=1e-6) and gap.kind == "concave"
    # the jump of the majority of seeds brackets alpha* = 1 within a factor of ~2.5 on the grid
    lows = np.array([lo for _, lo, _ in gap.jumps])
    assert 0.4 <= np.median(lows) <= 2.5
    assert report.tunable == "no"
    text = str(report)
    assert text.splitlines()[-1].startswith("VERDICT") and "reached by no run" in text
    # naive check of the per-run placement: distances are to the dense analytic front
    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    ok = fonseca_linear.converged & ~fonseca_linear.diverged
    pts = (fonseca_linear.objectives[ok] - lo) / span
    naive = np.linalg.norm(pts[:, None] - ((front - lo) / span)[None], axis=2).min(axis=1)
    assert np.allclose(report.distance[ok], naive, atol=2e-3)
    json.loads(report.to_json())


def test_fonseca_chebyshev_reaches_the_region(fonseca):
    problem, front = fonseca
    result = sweep(problem, alphas="log:1e-2:1e2:41", seeds=2, method="chebyshev", steps=3000)
    report = compare(result, front)
    (region,) = report.regions
    assert region.core_reached_by == ("chebyshev",) and region.runs_in_core > 10
    assert report.coverage >= 0.6


def test_zdt1_no_regions_everything_reachable():
    problem = get_problem("zdt1", n_var=5)
    result = sweep(problem, alphas="log:1e-1:1e1:21", seeds=2, steps=3000)
    report = compare(result, problem.true_front(2001))
    assert report.regions == () and [g for g in report.gaps if g.kind != "unresolved"] == []
    assert not any(o.split for o in report.outcomes)
    assert report.tunable == "yes"
    assert report.gd < 1e-2


def test_seed_disagreement_and_local_minima_on_a_toy_sweep():
    """A hand-made sweep result: two seeds at the same alpha land on opposite caps."""
    t = np.linspace(0, np.pi / 2, 201)
    front = np.c_[np.sin(t), np.cos(t)]  # concave: alpha* = 1

    result = Runs.from_arrays([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [np.nan, np.nan]], alpha=[0.5, 0.5, 2.0, 2.0],
                              seed=[0, 1, 0, 1], converged=[True, True, True, False],
                              diverged=[False, False, False, True], source="toy")
    report = compare(result, front)
    assert [o.value for o in report.outcomes if o.split] == [0.5]
    assert report.outcome.tolist() == ["global", "local", "global", "diverged"]
    assert np.isnan(report.distance[3]) and report.diverged[3]
    (gap,) = report.gaps
    assert gap.jumps == ((0, 0.5, 2.0),) and gap.kind == "concave" and gap.alpha == pytest.approx(1.0)


def test_project_onto_front_against_dense_sampling():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 50)
    front = np.c_[t, (1 - t) ** 2]
    pts = rng.random((30, 2))
    d, pos = project_onto_front(pts, front)
    dense_t = np.linspace(0, 1, 200_001)
    x = np.interp(dense_t * 49, np.arange(50), front[:, 0])
    y = np.interp(dense_t * 49, np.arange(50), front[:, 1])
    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    dense = (np.c_[x, y] - lo) / span
    gap = np.linalg.norm(((pts - lo) / span)[:, None] - dense[None], axis=2)
    assert np.allclose(d, gap.min(axis=1), atol=1e-4)
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(dense, axis=0), axis=1))]
    assert np.allclose(pos, arc[gap.argmin(axis=1)] / arc[-1], atol=1e-3)


def _brute_force_projection(pts, front):
    """Distance to every segment of the polyline (scaled to the front's extent), the nearest."""
    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    u, q = (front - lo) / span, (pts - lo) / span
    a, d = u[:-1], np.diff(u, axis=0)
    t = np.clip(((q[:, None] - a[None]) * d[None]).sum(axis=2) / (d**2).sum(axis=1), 0, 1)
    gap = np.linalg.norm(a[None] + t[..., None] * d[None] - q[:, None], axis=2)
    arc = np.r_[0, np.cumsum(np.linalg.norm(d, axis=1))]
    j = gap.argmin(axis=1)
    r = np.arange(len(q))
    return gap[r, j], (arc[j] + t[r, j] * np.linalg.norm(d[j], axis=1)) / arc[-1]


@pytest.mark.parametrize("n_front", [3, 40, 2500])
def test_project_onto_front_is_exact_near_the_front_and_within_half_a_sample_farther(n_front):
    rng = np.random.default_rng(n_front)
    for _ in range(5):
        steps = np.maximum(rng.dirichlet(np.full(n_front - 1, 0.3), size=2), 1e-9)  # uneven, some tiny
        front = np.c_[np.r_[0, np.cumsum(steps[0])], np.r_[1, 1 - np.cumsum(steps[1])]]
        i = rng.integers(0, n_front - 1, 400)
        on = front[i] + rng.random((400, 1)) * np.diff(front, axis=0)[i]
        near = on + rng.normal(0, 10 ** rng.uniform(-5, -2.5, (400, 1)), (400, 2))
        far = rng.uniform(-0.5, 1.5, (200, 2))
        d, pos = project_onto_front(np.vstack([near, far]), front)
        bd, bpos = _brute_force_projection(np.vstack([near, far]), front)
        length = np.linalg.norm(np.diff((front - front.min(0)) / np.ptp(front, 0), axis=0), axis=1)
        step = length.sum() / max(4 * len(length), 1000)
        close = bd <= 7.5 * step  # the nearest sample within 8 steps: exact
        assert close[:400].mean() > 0.5  # the near points test the exact branch
        assert np.allclose(d[close], bd[close], rtol=0, atol=1e-12)
        # the position names a point of the polyline at that distance (ties: either nearest point)
        u, q = (front - front.min(0)) / np.ptp(front, 0), (np.vstack([near, far]) - front.min(0)) / np.ptp(front, 0)
        arc = np.r_[0, np.cumsum(length)]
        at = np.c_[np.interp(pos * arc[-1], arc, u[:, 0]), np.interp(pos * arc[-1], arc, u[:, 1])]
        assert np.allclose(np.linalg.norm(at - q, axis=1), d, rtol=0, atol=1e-9)
        assert np.all(d[~close] >= bd[~close] - 1e-12) and np.all(d[~close] <= bd[~close] + step / 2 + 1e-12)


def test_project_onto_front_looks_past_a_cluster_of_tiny_segments():
    # 300 tiny segments at a vertex crowd out the long segment's samples among the nearest ones
    cluster = np.c_[0.5 + 1e-6 * np.arange(300), 0.5 - 1e-7 * np.arange(300)]
    front = np.vstack([[0.0, 1.0], cluster, [1.0, 0.0]])
    u = (front - front.min(0)) / np.ptp(front, 0)
    step = np.linalg.norm(np.diff(u, axis=0), axis=1).sum() / (4 * (len(u) - 1))  # the sampling step
    direction = (u[1] - u[0]) / np.linalg.norm(u[1] - u[0])
    normal = np.array([-direction[1], direction[0]])
    q = u[1] - 0.2 * step * direction - 0.3 * step * normal  # nearest: the long segment, 0.3 steps away
    d, _ = project_onto_front(q[None] * np.ptp(front, 0) + front.min(0), front)
    bd, _ = _brute_force_projection(q[None] * np.ptp(front, 0) + front.min(0), front)
    assert d[0] == pytest.approx(0.3 * step, rel=1e-9) and d[0] == pytest.approx(bd[0], rel=1e-12)


def test_front_must_match_objectives(fonseca_linear):
    with pytest.raises(ValueError, match="objectives"):
        compare(fonseca_linear, np.zeros((3, 3)))
