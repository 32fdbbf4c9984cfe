"""Sweeps: the seed's claims, checked against analytic fronts, and the sweep API.

Only converged, non-diverged runs count as evidence, and each claim first checks that most
runs did converge, so that a claim about "every converged run" cannot hold vacuously.
"""

import csv
import json
import math

import numpy as np
import pytest
import torch

import paretolab
from paretolab.front import concave_regions, coverage, pareto_front
from paretolab.problems import Problem, get_problem
from paretolab import sweep
from paretolab.analysis import weighted_sum_outcomes
from paretolab.plan import parse_alphas
from paretolab.runs import Runs


def _core_bounds(front):
    (region,) = concave_regions(pareto_front(front))
    ((core_start, core_stop),) = region.cores
    core = pareto_front(front)[core_start:core_stop]
    assert len(core) > 10
    return core[0, 0], core[-1, 0]


# --------------------------------------------------------------------------- claims
def test_fonseca_linear_lands_on_end_caps_and_flips_at_alpha_one():
    p = get_problem("fonseca")  # n_var = 10
    front = p.true_front(2001)
    r = sweep(p, alphas="log:1e-2:1e2:21", seeds=16, method="linear", steps=2000)
    ok = r.converged & ~r.diverged
    assert ok.mean() >= 0.8, f"only {ok.mean():.0%} of runs converged"
    L = r.objectives[ok]
    # every converged run on a locally convex end cap, none in the locally concave core
    assert (L.min(axis=1) < 0.09).all(), L.min(axis=1).max()
    lo, hi = _core_bounds(front)
    assert lo > 0.09 - 0.01  # the core starts where the caps end
    assert not ((L[:, 0] >= lo) & (L[:, 0] <= hi)).any()
    # which end most seeds reach flips at alpha ~ 1
    alphas = np.unique(r.alpha)
    at_l0_end = np.array([(r.objectives[ok & (r.alpha == a), 0] < r.objectives[ok & (r.alpha == a), 1]).mean()
                          for a in alphas])
    assert (at_l0_end[alphas <= 0.25] > 0.5).all() and (at_l0_end[alphas >= 4] < 0.5).all()
    i = int(np.flatnonzero(at_l0_end < 0.5)[0])
    crossing = math.exp(np.interp(0.5, [at_l0_end[i], at_l0_end[i - 1]], np.log(alphas[[i, i - 1]])))
    assert 0.5 <= crossing <= 2.0, crossing
    # hits versus local minima: runs on the cap that is not the weighted-sum optimum are
    # local minima, and the report tells them apart
    outcome = weighted_sum_outcomes(r, front)
    assert set(outcome[ok]) <= {"global", "local"}
    local = np.flatnonzero(outcome == "local")
    assert local.size > 0
    away = np.abs(np.log(r.alpha[local])) > 0.2  # near alpha = 1 both caps are (nearly) optimal
    on_l0_cap = r.objectives[local, 0] < r.objectives[local, 1]
    assert (on_l0_cap[away] == (r.alpha[local][away] > 1)).all()
    assert (outcome[~ok] == "unconverged").all()


def test_fonseca_chebyshev_covers_the_front():
    p = get_problem("fonseca")
    front = p.true_front(4001)
    r = sweep(p, alphas="log:1e-2:1e2:41", seeds=2, method="chebyshev", steps=3000)
    ok = r.converged & ~r.diverged
    assert ok.mean() >= 0.4
    cov = coverage(r.objectives[ok], front, radius=0.05)
    assert cov >= 0.9, cov
    # and unlike the weighted sum it lands in the concave core
    lo, hi = _core_bounds(front)
    L = r.objectives[ok]
    assert ((L[:, 0] > lo) & (L[:, 0] < hi)).sum() >= 10


def test_fonseca_mdmm_lands_on_the_analytic_front():
    p = get_problem("fonseca")
    eps = np.linspace(0.02, 0.97, 15)
    r = sweep(p, epsilons=eps, seeds=2, method="eps", steps=2000)
    ok = r.converged & ~r.diverged
    assert ok.mean() >= 0.8
    L0, L1 = r.objectives[ok].T
    # the front point with L1 = eps: (s + 1)^2 = -log(1 - eps), L0 = 1 - exp(-(s - 1)^2)
    s = np.sqrt(-np.log1p(-L1)) - 1
    np.testing.assert_allclose(L0, -np.expm1(-((s - 1) ** 2)), atol=1e-3)
    np.testing.assert_allclose(L1, r.epsilon[ok], atol=1e-3)
    lo, hi = _core_bounds(p.true_front(2001))
    assert ((L0 > lo) & (L0 < hi)).sum() >= 10, "MDMM reaches the concave core"


def test_dent_linear_never_lands_in_the_dent():
    p = get_problem("dent")
    front = p.true_front(4001)
    r = sweep(p, alphas="log:1e-1:1e1:41", seeds=8, steps=2000)
    ok = r.converged & ~r.diverged
    assert ok.mean() >= 0.9
    L = r.objectives[ok]
    lo, hi = _core_bounds(front)
    assert not ((L[:, 0] >= lo) & (L[:, 0] <= hi)).any()
    d = np.sqrt(((L[:, None, :] - front[None]) ** 2).sum(-1)).min(1)
    assert d.max() < 5e-3, "converged runs are on the analytic front"
    # both convex pieces are reached
    assert (L[:, 0] < lo).any() and (L[:, 0] > hi).any()


def test_hadamard_lasso_seed_decides_the_branch_ridge_does_not_collapse():
    lasso = sweep("hadamard_lasso", alphas="lin:0.05:0.35:7", seeds=16, steps=3000)
    ok = lasso.converged & ~lasso.diverged
    assert ok.mean() >= 0.8
    w = np.abs(lasso.training.params)
    zero = ok & (w.max(axis=1) < 1e-2)
    nonzero = ok & (w.min(axis=1) > 0.1)
    split = [a for a in np.unique(lasso.alpha) if (zero & (lasso.alpha == a)).any()
             and (nonzero & (lasso.alpha == a)).any()]
    assert split, "at some alpha, seeds land on different branches"
    # the nonzero branch is on the analytic front (w1 = w2 = u): L0 = (1 - (L1/2)^2)^2 / 2
    L0, L1 = lasso.objectives[nonzero].T
    np.testing.assert_allclose(L0, 0.5 * (1 - (L1 / 2) ** 2) ** 2, atol=1e-4)
    np.testing.assert_allclose(lasso.training.params[nonzero, 0], lasso.training.params[nonzero, 1], atol=5e-3)  # flat direction
    # ridge control: for alpha < 1/2, w = 0 is a saddle; every converged seed stays nonzero
    ridge = sweep("hadamard_ridge", alphas="lin:0.05:0.35:7", seeds=16, steps=3000)
    okr = ridge.converged & ~ridge.diverged
    assert okr.mean() >= 0.8
    assert (np.abs(ridge.training.params[okr]).min(axis=1) > 0.1).all()


# --------------------------------------------------------------------------- API
def test_result_layout_and_plan_order():
    r = sweep("convex", alphas=[0.5, 2.0], seeds=[3, 7], steps=50)
    assert isinstance(r, Runs) and len(r) == 4
    assert r.alpha.tolist() == [0.5, 0.5, 2.0, 2.0] and r.seed.tolist() == [3, 7, 3, 7]
    assert r.method.tolist() == ["linear"] * 4 and np.isnan(r.epsilon).all()
    assert r.objectives.shape == (4, 2) and r.training.params.shape == (4, 2)
    for name in ("converged", "diverged"):
        assert getattr(r, name).shape == (4,)
    for name in ("grad_norm", "loss", "avg_grad_norm"):
        assert getattr(r.training, name).shape == (4,)
    # same seed, same start: the alpha decides the end point, not the batch
    mixed = sweep("convex", alphas=[0.5, 2.0], epsilons=[1.0], seeds=2, method=["linear", "eps"], steps=50)
    assert mixed.method.tolist() == ["linear"] * 4 + ["eps"] * 2
    assert np.isnan(mixed.alpha[4:]).all() and mixed.epsilon[4:].tolist() == [1.0, 1.0]
    assert np.isnan(mixed.training.multipliers[:4]).all() and np.isfinite(mixed.training.multipliers[4:]).all()
    with pytest.raises(dataclass_error()):
        r.steps = 3


def dataclass_error():
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_chunking_does_not_change_results():
    kw = dict(alphas="log:0.1:10:5", seeds=3, steps=200)
    a = sweep("fonseca", chunk_size=4, problem_options={"n_var": 3}, **kw)
    b = sweep("fonseca", chunk_size=4096, problem_options={"n_var": 3}, **kw)
    np.testing.assert_allclose(a.training.params, b.training.params, rtol=1e-12, atol=1e-14)
    assert np.array_equal(a.converged, b.converged)


def test_user_problem_works_unchanged():
    def objectives(x):
        return torch.stack([((x - 1) ** 2).sum(1), ((x + 1) ** 2).sum(1)], dim=1)

    mine = Problem(name="mine", n_var=2, n_obj=2, objectives=objectives, bounds=(-2, 2))
    r = paretolab.sweep(mine, alphas=[1.0], seeds=2, steps=1500)
    assert r.source == "mine" and r.converged.all()
    np.testing.assert_allclose(r.training.params, 0.0, atol=1e-4)  # alpha = 1: halfway between the centres
    cheb = sweep(mine, alphas=[1.0], seeds=1, method="chebyshev", steps=1500)  # ideal: zeros
    np.testing.assert_allclose(cheb.objectives[0, 0], cheb.objectives[0, 1], atol=1e-3)


def test_progress_and_snapshots():
    calls = []
    r = sweep("convex", alphas=[1.0, 2.0], seeds=2, steps=300, snapshot_every=100,
              progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4 * 300, 4 * 300)
    assert all(t == 1200 for _, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert r.training.snapshot_steps.tolist() == [0, 100, 200, 300]
    assert r.training.snapshot_objectives.shape == (4, 4, 2)
    np.testing.assert_allclose(r.training.snapshot_objectives[-1], r.objectives)


def test_csv_and_json(tmp_path):
    r = sweep("fonseca", alphas=[0.5, 2.0], seeds=2, steps=100, problem_options={"n_var": 2})
    path = tmp_path / "runs.csv"
    r.to_csv(path)
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert {"method", "alpha", "epsilon", "seed", "L0", "L1", "converged", "diverged", "x0", "x1"} <= set(rows[0])
    assert float(rows[2]["alpha"]) == 2.0 and rows[2]["epsilon"] == ""
    np.testing.assert_allclose([float(row["L1"]) for row in rows], r.objectives[:, 1])
    with pytest.raises(FileExistsError, match="exists"):
        r.to_csv(path)
    r.to_csv(path, overwrite=True)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["source"] == "fonseca" and len(d["alpha"]) == 4 and d["epsilon"] == [None] * 4


def test_parse_alphas_specs():
    np.testing.assert_allclose(parse_alphas("log:1e-2:1e2:5"), [0.01, 0.1, 1, 10, 100])
    np.testing.assert_allclose(parse_alphas("lin:0:5:11"), np.linspace(0, 5, 11))
    np.testing.assert_allclose(parse_alphas("1,2,5"), [1, 2, 5])
    np.testing.assert_allclose(parse_alphas("3"), [3])
    u = parse_alphas("rand:0:5:50")
    assert u.shape == (50,) and (u >= 0).all() and (u <= 5).all() and (np.diff(u) >= 0).all()
    assert np.array_equal(u, parse_alphas("rand:0:5:50")), "random draws are seeded"
    assert not np.array_equal(u, parse_alphas("rand:0:5:50", seed=1))
    g = parse_alphas("rand-log:1e-2:1e2:200")
    assert (g >= 1e-2).all() and (g <= 1e2).all()
    assert (g < 1).mean() == pytest.approx(0.5, abs=0.12), "log-uniform: half below the geometric middle"
    for bad in ("log:0:1:3", "lin:0:1", "cubic:0:1:3", "lin:0:1:x", "a,b", "lin:2:1:3", "lin:0:1:0"):
        with pytest.raises(ValueError, match="^alphas: "):
            parse_alphas(bad)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(problem="fonsecca", alphas=[1.0]), r"problem: expected one of the registered names \[.*'fonseca'.*got 'fonsecca'"),
        (dict(problem="convex", alphas=[1.0], method="ridge"), r"method: expected one of \('linear', 'chebyshev', 'eps'\), got 'ridge'"),
        (dict(problem="convex", alphas=[1.0, -0.5]), r"alphas: expected finite values >= 0 .* got \[-0.5\]"),
        (dict(problem="convex", alphas=[1.0], steps=0), r"steps: expected an integer > 0, got 0"),
        (dict(problem="convex", alphas=[]), r"alphas: expected at least one value, got an empty grid"),
        (dict(problem="convex", alphas=None), r"alphas: method 'linear' sweeps alpha"),
        (dict(problem="convex", method="eps"), r"epsilons: method 'eps' sweeps eps"),
        (dict(problem="convex", alphas=[1.0], seeds=0), r"seeds: expected a number of seeds >= 1"),
        (dict(problem="convex", alphas=[1.0], lr=0), r"lr: expected a number > 0"),
        (dict(problem="convex", alphas="log:-1:1:3"), r"alphas: a 'log' grid needs lo > 0"),
    ],
)
def test_clear_errors(kwargs, message):
    problem = kwargs.pop("problem")
    with pytest.raises(ValueError, match=message):
        sweep(problem, **kwargs)


def test_three_objectives_with_weights_reach_the_sphere_corners_chebyshev_the_inside():
    p = get_problem("dtlz2", n_var=4)
    w = np.array([[1, 0.02, 0.02], [0.02, 1, 0.02], [0.02, 0.02, 1], [1, 1, 1], [1, 2, 3]], dtype=float)
    lin = sweep(p, weights=w, seeds=2, steps=2000)
    assert lin.weights.shape == (10, 3) and np.isnan(lin.alpha).all()
    ok = lin.converged & ~lin.diverged
    assert ok.mean() >= 0.8
    L = lin.objectives[ok]
    np.testing.assert_allclose((L**2).sum(1), 1.0, atol=1e-3)  # on the front (unit sphere)
    # a weighted sum over a concave sphere only reaches corners: one objective ~ 1, others ~ 0
    assert (L.max(axis=1) > 0.99).all()
    cheb = sweep(p, weights=w[3:], seeds=1, method="chebyshev", steps=3000)
    okc = cheb.converged & ~cheb.diverged
    assert okc.any()
    Lc = cheb.objectives[okc]
    np.testing.assert_allclose((Lc**2).sum(1), 1.0, atol=1e-2)
    # equal weights: the balanced point f1 = f2 = f3 = 1/sqrt(3)
    eq = okc & (cheb.weights == 1).all(1)
    np.testing.assert_allclose(cheb.objectives[eq], 1 / np.sqrt(3), atol=1e-2)
    with pytest.raises(ValueError, match=r"weights: problem 'dtlz2' has 3 objectives"):
        sweep(p, alphas=[1.0])
    with pytest.raises(ValueError, match="method: 'eps' sweeps support 2 objectives"):
        sweep(p, weights=w, method="eps", epsilons=[0.5])


def test_mlp_sweep_runs_and_trades_off():
    # a "real" toy network converges slowly: 10k steps (about 3 s here)
    r = sweep("mlp", alphas=[0.01, 100.0], seeds=3, steps=10000)
    assert not r.diverged.any() and np.isfinite(r.objectives).all()
    assert r.converged.mean() >= 0.8
    low, high = r.objectives[r.alpha == 0.01], r.objectives[r.alpha == 100.0]
    # alpha small fits task A better, alpha large fits task B better
    assert np.median(low[:, 0]) < np.median(high[:, 0]) and np.median(low[:, 1]) > np.median(high[:, 1])
