"""NSGA-II reference fronts against analytic fronts, and merging with sweep points."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import paretolab
from paretolab.problems import Problem, get_problem
from paretolab.reference import ReferenceFront, merge_fronts, reference_front


def gd_igd_floor(points: np.ndarray, true: np.ndarray) -> tuple[float, float, float]:
    """GD (mean distance of found points to the analytic front), IGD, and the IGD floor of as
    many points evenly spaced along the analytic front, all on objectives scaled to its extent."""
    lo, span = true.min(axis=0), np.ptp(true, axis=0)
    p, t = (points - lo) / span, (true - lo) / span
    d = np.linalg.norm(p[:, None] - t[None], axis=2)
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(t, axis=0), axis=1))]
    s = np.linspace(0, arc[-1], len(p))
    even = np.c_[np.interp(s, arc, t[:, 0]), np.interp(s, arc, t[:, 1])]
    floor = np.linalg.norm(even[:, None] - t[None], axis=2).min(axis=0).mean()
    return d.min(axis=1).mean(), d.min(axis=0).mean(), floor


@pytest.mark.parametrize(
    "name, options, gens, gd_bound",
    [("fonseca", {"n_var": 2}, 150, 2e-3), ("dent", {}, 150, 2e-3), ("zdt1", {}, 250, 1e-2)],
)
def test_small_budget_front_is_close_to_analytic(name, options, gens, gd_bound):
    problem = get_problem(name, **options)
    ref = reference_front(problem, pop_size=50, n_gen=gens, progress=False)
    gd, igd, floor = gd_igd_floor(ref.points, problem.true_front(5001))
    assert gd <= gd_bound, f"{name}: GD {gd:.2e}"
    assert igd <= 2.0 * floor, f"{name}: IGD {igd:.2e} vs floor {floor:.2e}"
    assert len(ref) == 50 and ref.params.shape == (50, problem.n_var)
    # the parameters reproduce the points, and the front is sorted and nondominated
    with torch.no_grad():
        again = problem.evaluate(torch.as_tensor(ref.params)).numpy()
    assert np.allclose(again, ref.points)
    assert paretolab.is_nondominated(ref.points).all()
    assert (np.diff(ref.points[:, 0]) > 0).all()
    assert ref.evaluations == 50 * ref.generations
    assert set(ref.source) == {"nsga2"}


def test_same_seed_same_front_and_stall_stop():
    problem = get_problem("fonseca", n_var=2)
    a = reference_front(problem, pop_size=20, n_gen=30, seed=3, progress=False)
    b = reference_front(problem, pop_size=20, n_gen=30, seed=3, progress=False)
    assert np.array_equal(a.points, b.points)
    stalled = reference_front(problem, pop_size=20, n_gen=2000, stall_generations=5, stall_rtol=1e-2, progress=False)
    assert stalled.stopped == "stalled" and stalled.generations < 2000
    hv = np.array(stalled.hypervolume_history)
    assert (np.diff(hv) >= -1e-12).all()  # the archive's hypervolume never decreases
    assert hv[-1] - hv[-6] <= 1e-2 * hv[-1]
    full = reference_front(problem, pop_size=20, n_gen=7, stall_generations=None, progress=False)
    assert full.stopped == "budget" and full.generations == 7


def test_non_finite_objectives_never_enter_the_front():
    def objectives(x):
        f = torch.stack([x[:, 0] ** 2, (x[:, 0] - 1) ** 2 + x[:, 1] ** 2], dim=1)
        return torch.where(x[:, :1] > 0.5, torch.full_like(f, float("nan")), f)

    problem = Problem(name="holes", n_var=2, n_obj=2, objectives=objectives, bounds=(-1.0, 1.0))
    ref = reference_front(problem, pop_size=20, n_gen=20, progress=False)
    assert np.isfinite(ref.points).all() and (ref.params[:, 0] <= 0.5).all()


def test_merge_keeps_nondominated_union_with_sources():
    rng = np.random.default_rng(0)
    t = np.linspace(0, np.pi / 2, 30)
    base_pts = np.c_[np.sin(t), np.cos(t)]  # concave quarter circle
    base = ReferenceFront("toy", base_pts, rng.random((30, 3)), np.full(30, "nsga2", dtype=object))
    new_pts = np.r_[[[0.5, 0.5], [0.3, 0.3], [2.0, 2.0], [np.nan, 0.0]], base_pts[:2]]
    new_params = rng.random((6, 3))
    merged = merge_fronts(base, new_pts, new_params, ["chebyshev", "eps", "eps", "eps", "x", "x"])
    # naive union oracle: a point stays iff nothing in the finite union dominates it
    union = np.r_[base_pts, new_pts[:3], base_pts[:2]]
    dominated = [((union <= p).all(1) & (union < p).any(1)).any() for p in union]
    expected = {tuple(p) for p, d in zip(union, dominated) if not d}
    assert {tuple(p) for p in merged.points} == expected
    assert len(merged) == len(expected)  # duplicates of base points kept once
    lookup = {tuple(p): (src, tuple(par)) for p, src, par in zip(
        np.r_[base_pts, new_pts], np.r_[base.source, ["chebyshev", "eps", "eps", "eps", "x", "x"]],
        np.r_[base.params, new_params])}
    for p, src, par in zip(merged.points, merged.source, merged.params):
        if tuple(p) in {tuple(q) for q in base_pts}:
            assert src == "nsga2"  # the first copy (the existing front) keeps its source
        else:
            assert (src, tuple(par)) == lookup[tuple(p)]
    assert merged.counts() == {"eps": 1, "nsga2": len(expected) - 1}
    with pytest.raises(ValueError, match="points"):
        merge_fronts(base, np.zeros((2, 3)), np.zeros((2, 3)), "x")
    with pytest.raises(ValueError, match="source"):
        merge_fronts(base, np.zeros((2, 2)), np.zeros((2, 3)), ["a"])


def test_bad_budget():
    with pytest.raises(ValueError, match="pop_size"):
        reference_front("fonseca", pop_size=0, progress=False)
    with pytest.raises(ValueError, match="problem"):
        reference_front("nope", progress=False)
