"""Batched trainer: batched == one at a time, determinism, stationarity, divergence, boxes."""

import warnings

import numpy as np
import pytest
import torch

from paretolab.optim import SGD, Adam
from paretolab.problems import Problem, get_problem
from paretolab.scalarize import EpsilonConstraint, WeightedSum, make_scalarizer
from paretolab.train import _want_compile, train


def _runs(problem, seeds):
    return torch.cat([problem.sample(1, seed=s) for s in seeds])


def _trap(x):
    # the second objective is NaN for x > 1: runs pulled towards x = 2 blow up
    f1 = torch.where(x[:, 0] > 1, torch.full_like(x[:, 0], float("nan")), (x[:, 0] - 2) ** 2)
    return torch.stack([x[:, 0] ** 2, f1], dim=1)


@pytest.mark.parametrize(
    "method, values",
    [("linear", [0.05, 0.5, 1.0, 3.0, 40.0]), ("chebyshev", [0.1, 1.0, 7.0]), ("eps", [0.1, 0.5, 0.9])],
)
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_batched_equals_one_at_a_time(method, values, optimizer):
    p = get_problem("fonseca", n_var=3)
    x0 = _runs(p, range(len(values)))
    lr = 1e-2 if optimizer == "adam" else 5e-2
    kw = dict(steps=300, lr=lr, optimizer=optimizer)
    batched = train(p, x0, make_scalarizer(method, values), **kw)
    for i, v in enumerate(values):
        alone = train(p, x0[i : i + 1], make_scalarizer(method, [v]), **kw)
        for field in ("params", "objectives", "loss", "grad_norm", "avg_grad_norm", "multipliers"):
            np.testing.assert_allclose(
                getattr(alone, field)[0], getattr(batched, field)[i], rtol=1e-12, atol=1e-14,
                err_msg=f"{method}/{optimizer} run {i}: {field}",
            )
        assert alone.converged[0] == batched.converged[i]


def test_fixed_seed_gives_identical_results_and_input_untouched():
    p = get_problem("mlp")
    x0 = _runs(p, [3, 4, 5])
    before = x0.clone()
    s = make_scalarizer("linear", [0.3, 1.0, 3.0])
    a = train(p, x0, s, steps=200)
    b = train(p, x0, s, steps=200)
    assert torch.equal(x0, before)
    for field in ("params", "objectives", "loss", "grad_norm", "converged"):
        assert np.array_equal(getattr(a, field), getattr(b, field))


def test_convex_problem_reaches_the_analytic_weighted_sum_optimum():
    # convex: f = ((s-1)^2, (s+1)^2) on the Pareto set; L0 + a L1 is minimised at s = (1-a)/(1+a)
    p = get_problem("convex", n_var=4)
    alphas = np.array([0.2, 1.0, 5.0])
    r = train(p, _runs(p, [0, 1, 2]), make_scalarizer("linear", alphas), steps=3000)
    assert r.converged.all() and not r.diverged.any()
    s = (1 - alphas) / (1 + alphas)
    np.testing.assert_allclose(r.objectives, np.c_[(s - 1) ** 2, (s + 1) ** 2], atol=1e-6)
    assert (r.avg_grad_norm < 1e-4).all()


def test_running_out_of_steps_is_not_convergence():
    p = get_problem("fonseca", n_var=5)
    x0 = _runs(p, range(6))
    s = make_scalarizer("linear", np.full(6, 0.3))
    short = train(p, x0, s, steps=20, lr=1e-3)
    assert not short.converged.any(), "20 small steps from random starts cannot be stationary"
    long = train(p, x0, s, steps=2000)
    assert long.converged.all()


def test_divergence_is_flagged_and_frozen_without_warnings():
    p = Problem(name="trap", n_var=1, n_obj=2, objectives=_trap, bounds=(-3.0, 3.0))
    x0 = torch.full((4, 1), -0.5, dtype=torch.float64)
    alphas = [0.01, 0.1, 10.0, 100.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = train(p, x0, make_scalarizer("linear", alphas), steps=2000, lr=0.05)
    assert r.diverged.tolist() == [False, False, True, True]
    assert not r.converged[2:].any() and r.converged[:2].all()
    assert np.isfinite(r.params).all() and np.isfinite(r.objectives).all()
    assert (r.params[2:, 0] <= 1).all(), "frozen at the last finite point"
    # the healthy runs are exactly what they would be alone
    alone = train(p, x0[:1], make_scalarizer("linear", alphas[:1]), steps=2000, lr=0.05)
    np.testing.assert_allclose(alone.params[0], r.params[0], rtol=1e-12)


def test_box_projection_and_stationarity_at_the_bounds():
    # ZDT1: the optimum has x_2.. = 0 on the box; projected gradient must call it stationary
    p = get_problem("zdt1", n_var=5)
    r = train(p, _runs(p, range(4)), make_scalarizer("linear", [0.5, 1.0, 2.0, 4.0]), steps=3000)
    lo, hi = p.box()
    assert ((r.params >= lo) & (r.params <= hi)).all()
    assert r.converged.all()
    np.testing.assert_allclose(r.params[:, 1:], 0.0, atol=1e-8)
    # on the front f2 = 1 - sqrt(f1); the weighted-sum optimum of a convex front: f1 = (a/2)^2
    a = np.array([0.5, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(r.objectives[:, 0], np.minimum((a / 2) ** 2, 1.0), atol=1e-4)


def test_nonsmooth_kinks_count_as_stationary():
    # lasso collapse w = 0 is a kink of |w|: averaged / sampled gradients see it as stationary
    p = get_problem("hadamard_lasso")
    x0 = torch.tensor([[0.05, -0.02], [0.01, 0.03]], dtype=torch.float64)
    r = train(p, x0, make_scalarizer("linear", [0.5, 0.5]), steps=2000)
    assert r.converged.all()
    assert np.abs(r.params).max() < 1e-3
    assert (r.grad_norm > 0.1).all(), "the last gradient is a subgradient, not small"


def test_snapshots_threads_and_multipliers():
    p = get_problem("fonseca", n_var=2)
    threads = torch.get_num_threads()
    r = train(p, _runs(p, [0, 1]), make_scalarizer("eps", [0.3, 0.6]), steps=100, snapshot_every=25, threads=1)
    assert torch.get_num_threads() == threads
    assert r.snapshot_steps.tolist() == [0, 25, 50, 75, 100]
    assert r.snapshot_params.shape == (5, 2, 2) and r.snapshot_objectives.shape == (5, 2, 2)
    np.testing.assert_allclose(r.snapshot_params[-1], r.params)
    np.testing.assert_allclose(r.snapshot_params[0], _runs(p, [0, 1]).numpy())
    assert r.multipliers.shape == (2, 1)


def test_argument_errors():
    p = get_problem("convex")
    x0 = p.sample(2, seed=0)
    s = make_scalarizer("linear", [1.0, 1.0])
    with pytest.raises(ValueError, match="steps: expected an integer > 0, got 0"):
        train(p, x0, s, steps=0)
    with pytest.raises(ValueError, match=r"optimizer: expected one of \('adam', 'sgd'\)"):
        train(p, x0, s, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr"):
        train(p, x0, s, lr=-1.0)
    with pytest.raises(ValueError, match=r"x0: expected shape \(B, 2\)"):
        train(p, torch.zeros(2, 3), s)
    with pytest.raises(ValueError, match="scalarizer: expected settings for 2 runs, got 3"):
        train(p, x0, make_scalarizer("linear", [1.0, 1.0, 1.0]))


# torch.compile: the whole step (gradient, moving average, optimiser, clamp) on column-major
# state. Its results must be eager's up to rounding, for every scalarisation and optimiser.
COMPILE_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside torch._inductor


@COMPILE_WARNINGS
@pytest.mark.parametrize("method, values", [("linear", [0.1, 0.5, 2.0, 9.0]), ("chebyshev", [0.1, 0.5, 2.0, 9.0]),
                                            ("eps", [0.1, 0.3, 0.6, 0.9])])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_compiled_step_matches_eager(method, values, optimizer):
    p = get_problem("fonseca", n_var=3)
    x0 = _runs(p, range(4))
    s = make_scalarizer(method, values)
    # SGD with momentum zigzags across the Chebyshev ridge and amplifies rounding ~10x every 40
    # steps (5e-16 at step 20, 4e-9 at step 160, 1e-3 at step 400; checked): compare it early
    steps = 150 if (method, optimizer) == ("chebyshev", "sgd") else 400
    kw = dict(steps=steps, lr=1e-2 if optimizer == "adam" else 5e-2, optimizer=optimizer, snapshot_every=50)
    eager = train(p, x0, s, compile=False, **kw)
    compiled = train(p, x0, s, compile=True, **kw)
    for field in ("params", "objectives", "loss", "grad_norm", "avg_grad_norm", "multipliers",
                  "snapshot_params", "snapshot_objectives"):
        np.testing.assert_allclose(getattr(compiled, field), getattr(eager, field), rtol=1e-9, atol=1e-11,
                                   err_msg=field)
    assert np.array_equal(compiled.converged, eager.converged)
    assert compiled.snapshot_steps.tolist() == list(range(0, steps + 1, 50))


@COMPILE_WARNINGS
def test_compiled_divergence_is_flagged_and_frozen_like_eager():
    p = Problem(name="trap", n_var=1, n_obj=2, objectives=_trap, bounds=(-3.0, 3.0))
    x0 = torch.full((4, 1), -0.5, dtype=torch.float64)
    s = make_scalarizer("linear", [0.01, 0.1, 10.0, 100.0])
    eager = train(p, x0, s, steps=2000, lr=0.05, compile=False)
    compiled = train(p, x0, s, steps=2000, lr=0.05, compile=True)
    assert compiled.diverged.tolist() == [False, False, True, True]
    np.testing.assert_allclose(compiled.params, eager.params, rtol=1e-9)
    assert np.array_equal(compiled.converged, eager.converged)


@COMPILE_WARNINGS
def test_a_function_torch_compile_cannot_handle_trains_eagerly(caplog):
    def objectives(x):  # .view(-1) needs contiguous rows: it fails on the compiled path's layout
        flat = x.view(-1)
        return torch.stack([(flat[0::2] - 1) ** 2 + flat[1::2] ** 2, (flat[0::2] + 1) ** 2 + flat[1::2] ** 2], 1)

    p = Problem(name="flat", n_var=2, n_obj=2, objectives=objectives, bounds=(-3.0, 3.0))
    x0 = _runs(p, range(3))
    s = make_scalarizer("linear", [0.5, 1.0, 2.0])
    with caplog.at_level("WARNING", logger="paretolab.train"):
        r = train(p, x0, s, steps=500, compile=True)
    assert "torch.compile failed, training eagerly" in caplog.text
    eager = train(p, x0, s, steps=500, compile=False)
    assert np.array_equal(r.params, eager.params)


def test_auto_compiles_only_when_the_saving_pays_for_the_compile():
    assert not _want_compile("auto", 1024, 2000)  # the 1-second sweep
    assert not _want_compile("auto", 4096, 1000)
    assert _want_compile("auto", 4096, 200_000)
    assert _want_compile("auto", 16, 200_000)
    assert _want_compile(True, 1, 1) and not _want_compile(False, 10**6, 10**6)
    p = get_problem("convex")
    with pytest.raises(ValueError, match="compile: expected True, False or 'auto'"):
        train(p, p.sample(2, seed=0), make_scalarizer("linear", [1.0, 1.0]), steps=10, compile="yes")


@COMPILE_WARNINGS
def test_auto_compiles_by_the_sizes_alone(monkeypatch):
    import paretolab.train as train_module

    compiled = []

    def spy(*args):
        compiled.append(args[2:4])  # (n, k)
        return real(*args)

    real = train_module._compiled_step
    monkeypatch.setattr(train_module, "_compiled_step", spy)
    p = get_problem("fonseca", n_var=3)
    x0, s = _runs(p, range(4)), make_scalarizer("linear", [0.1, 0.5, 2.0, 9.0])
    small = train(p, x0, s, steps=300)
    assert compiled == []
    monkeypatch.setattr(train_module, "COMPILE_SECONDS", 0.0)  # now any sweep pays for it
    big = train(p, x0, s, steps=300)
    assert compiled == [(3, 0)]
    np.testing.assert_allclose(big.params, small.params, rtol=1e-9)


@pytest.mark.parametrize("problem, method", [(get_problem("zdt1", n_var=3), "eps-le"),
                                             (Problem(name="half", n_var=2, n_obj=2, bounds=(0.0, [1.0, 2.0]),
                                                      objectives=lambda x: torch.stack([(x - 0.2).square().sum(1),
                                                                                        (x - 0.8).square().sum(1)], 1)),
                                              "linear")])
def test_boxes_uniform_on_one_side_only(problem, method):
    # MDMM "le" on a [0, 1] box: lower bounds all 0 (multiplier too), upper bounds 1 and inf
    s = make_scalarizer("eps", [0.2, 0.5], constraint="le") if method == "eps-le" else \
        make_scalarizer("linear", [0.5, 2.0])
    r = train(problem, _runs(problem, [0, 1]), s, steps=300)
    lo, hi = problem.box()
    assert ((r.params >= lo) & (r.params <= hi)).all() and np.isfinite(r.objectives).all()


def test_x0_requiring_grad_and_objectives_seeing_contiguous_rows():
    seen = []

    def objectives(x):
        seen.append(x.is_contiguous())
        flat = x.reshape(-1) if not x.is_contiguous() else x.view(-1)  # .view needs contiguous rows
        return torch.stack([(flat[0::2] - 1) ** 2 + flat[1::2] ** 2, (flat[0::2] + 1) ** 2 + flat[1::2] ** 2], 1)

    p = Problem(name="flat", n_var=2, n_obj=2, objectives=objectives, bounds=(-3.0, 3.0))
    x0 = _runs(p, range(3)).requires_grad_(True)
    for s in (make_scalarizer("linear", [0.5, 1.0, 2.0]), make_scalarizer("eps", [0.5, 1.0, 2.0])):
        r = train(p, x0, s, steps=200, compile=False)
        assert np.isfinite(r.params).all() and x0.grad is None
    assert seen and all(seen), "eagerly, the objectives always get contiguous rows (MDMM included)"


@COMPILE_WARNINGS
def test_a_second_train_with_equal_settings_reuses_the_compiled_step(monkeypatch):
    # the cache is keyed by value: get_problem returns the same problem, and a new but equal
    # scalarisation (make_scalarizer called again) has the same class and settings
    import paretolab.train as train_module
    from torch._dynamo.utils import counters

    monkeypatch.setattr(train_module, "_COMPILED", {})
    compiled = []
    real = torch.compile
    monkeypatch.setattr(torch, "compile", lambda fn, *a, **kw: compiled.append(fn) or real(fn, *a, **kw))
    results, frames = [], []
    for _ in range(2):
        p = get_problem("fonseca", n_var=3)
        s = make_scalarizer("chebyshev", [0.1, 0.5, 2.0, 9.0], ideal=[-0.1, 0.0], augment=0.01)
        results.append(train(p, _runs(p, range(4)), s, steps=50, compile=True))
        frames.append(counters["frames"]["ok"])
    assert len(compiled) == 1, "the second call compiled again"
    assert frames[1] == frames[0], "torch.compile traced the step again"
    assert np.array_equal(results[0].params, results[1].params)
    # other settings, or another optimiser record, are another step (counted, not compiled)
    monkeypatch.setattr(torch, "compile", lambda fn, *a, **kw: compiled.append(fn) or fn)
    p, x0 = get_problem("fonseca", n_var=3), _runs(get_problem("fonseca", n_var=3), range(4))
    train(p, x0, make_scalarizer("chebyshev", [0.1, 0.5, 2.0, 9.0], augment=0.02), steps=5, compile=True)
    assert len(compiled) == 2
    train(p, x0, make_scalarizer("chebyshev", [0.1, 0.5, 2.0, 9.0], augment=0.02), steps=5, compile=True,
          optimizer=Adam(b2=0.99))
    assert len(compiled) == 3
    train(p, x0, make_scalarizer("chebyshev", [1.0, 1.0, 1.0, 1.0], augment=0.02), steps=5, compile=True,
          optimizer=Adam(b2=0.99, fused=False))  # other per-run values, same step
    assert len(compiled) == 3


def test_get_problem_returns_the_same_problem_for_the_same_options():
    assert get_problem("zdt1", n_var=4) is get_problem("zdt1", n_var=4)
    assert get_problem("zdt1", n_var=4) is not get_problem("zdt1", n_var=5)
    with pytest.raises(ValueError, match="n_var: expected an integer >= 2, got 4.0"):
        get_problem("zdt1", n_var=4.0)  # equal to 4, but still refused


def test_train_leaves_torch_threads_alone_by_default(monkeypatch):
    calls = []
    real = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append(n) or real(n))
    p = get_problem("convex")
    threads = torch.get_num_threads()
    train(p, p.sample(2, seed=0), make_scalarizer("linear", [1.0, 1.0]), steps=10)
    assert calls == [] and torch.get_num_threads() == threads
    train(p, p.sample(2, seed=0), make_scalarizer("linear", [1.0, 1.0]), steps=10, threads=1)
    assert calls == [1, threads] and torch.get_num_threads() == threads


def test_optimizer_records_and_names():
    p = get_problem("fonseca", n_var=3)
    x0, s = _runs(p, range(3)), make_scalarizer("eps", [0.2, 0.5, 0.8])
    by_name = train(p, x0, s, steps=200, lr=5e-2, optimizer="sgd")
    by_record = train(p, x0, s, steps=200, lr=5e-2, optimizer=SGD(momentum=0.9))
    assert np.array_equal(by_name.params, by_record.params)
    slower = train(p, x0, s, steps=200, lr=5e-2, optimizer=SGD(momentum=0.5))
    assert not np.array_equal(by_name.params, slower.params)
    # torch's fused Adam kernel (eager default) is the same update as the hand-written one
    fused = train(p, x0, s, steps=200, optimizer="adam")
    plain = train(p, x0, s, steps=200, optimizer=Adam(fused=False))
    np.testing.assert_allclose(plain.params, fused.params, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match=r"b2: expected a number in \[0, 1\), got 1.0"):
        Adam(b2=1.0)
    with pytest.raises(ValueError, match="scalarizer: expected a WeightedSum, Chebyshev or EpsilonConstraint"):
        train(p, x0, lambda f: f.sum(1), steps=10)


def test_modules_made_directly_train_like_make_scalarizer():
    p = get_problem("fonseca", n_var=3)
    x0 = _runs(p, range(3))
    for module, method, kw in [(WeightedSum([0.2, 1.0, 4.0], dtype=torch.float64), "linear", {}),
                               (EpsilonConstraint([0.2, 0.5, 0.8], constraint="le", dtype=torch.float64), "eps",
                                dict(constraint="le"))]:
        a = train(p, x0, module, steps=100)
        b = train(p, x0, make_scalarizer(method, [0.2, 1.0, 4.0] if method == "linear" else [0.2, 0.5, 0.8], **kw),
                  steps=100)
        assert np.array_equal(a.params, b.params) and np.array_equal(a.multipliers, b.multipliers)
