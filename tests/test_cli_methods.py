"""Your own function through the CLI with every method: one store that grows by exactly the
missing runs, options that do not apply refused, merging, and auto plans on a budget.

The functions are real training loops (Adam on one parameter) in a temporary module; every
call is logged to a file, so the tests count what ran. Fronts: (t^2, (1 - t)^2) is convex,
(sin u, cos u) is concave with alpha* = 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

MODULE = '''
import math, os
import torch

def _log(method, value, seed):
    with open(os.environ["TOY_LOG"], "a") as fh:
        fh.write(f"{method} {value!r} {seed}\\n")

def _fit(objective, param, losses, lr, steps=1000):
    opt = torch.optim.Adam([{"params": [param]}, {"params": objective.parameters(), "weight_decay": 0}], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        objective(*losses(param)).backward()
        opt.step()
    return tuple(float(v) for v in losses(param.detach()))

def convex(objective, seed):
    _log(objective.method, float(objective.values.reshape(-1)[0]), seed)
    torch.manual_seed(seed)
    return _fit(objective, torch.nn.Parameter(torch.rand((), dtype=torch.float64)),
                lambda t: (t ** 2, (1 - t) ** 2), lr=0.02)

def concave(objective, seed):
    _log(objective.method, float(objective.values.reshape(-1)[0]), seed)
    torch.manual_seed(seed)
    u = lambda z: math.pi / 2 * torch.sigmoid(z)
    return _fit(objective, torch.nn.Parameter(torch.randn((), dtype=torch.float64)),
                lambda z: (torch.sin(u(z)), torch.cos(u(z))), lr=0.05)

def classic(alpha, seed):
    """The weighted sum's optimum on the convex front above, in closed form: t = alpha / (1 + alpha)."""
    _log("linear", float(alpha), seed)
    t = alpha / (1 + alpha)
    return t ** 2, (1 - t) ** 2
'''


@pytest.fixture()
def toy(tmp_path):
    (tmp_path / "toyfn.py").write_text(textwrap.dedent(MODULE))
    log = tmp_path / "calls.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "TOY_LOG": str(log)}

    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "paretolab", *argv], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=300)

    def calls():
        lines = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return [tuple(line.split()) for line in lines]

    return cli, calls, tmp_path


def sweep(cli, *argv):
    done = cli("sweep", *argv, "--store", "runs.sqlite", "--jobs", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    return done


def test_three_methods_into_one_store_each_extension_runs_exactly_the_missing_runs(toy):
    cli, calls, tmp = toy
    sweep(cli, "--fn", "toyfn:convex", "--method", "linear,chebyshev,eps", "--alphas", "log:0.1:10:3",
          "--epsilons", "lin:0.1:0.6:3", "--seeds", "2")
    first = calls()
    assert len(first) == len(set(first)) == 3 * 3 * 2
    assert {c[0] for c in first} == {"linear", "chebyshev", "eps"}
    assert [c[0] for c in first].index("chebyshev") > max(i for i, c in enumerate(first) if c[0] == "linear")
    sweep(cli, "--fn", "toyfn:convex", "--method", "linear", "--alphas", "log:0.1:10:3", "--seeds", "3")
    assert sorted(calls()) == sorted(("linear", repr(a), "2") for a in (0.1, 1.0, 10.0))  # one more seed
    sweep(cli, "--fn", "toyfn:convex", "--method", "eps", "--epsilons", "lin:0.1:0.6:6", "--seeds", "2")
    new_eps = {round(float(c[1]), 6) for c in calls()}  # a finer grid: only the values not stored
    assert new_eps == {0.2, 0.3, 0.4, 0.5}  # 0.1 and 0.6 were stored (0.35 stays, unused)
    sweep(cli, "--fn", "toyfn:convex", "--method", "linear,chebyshev,eps", "--alphas", "log:0.1:10:3",
          "--epsilons", "lin:0.1:0.6:3", "--seeds", "2")
    assert calls() == []  # everything is stored: nothing runs again
    data = json.loads(cli("analyze", "runs.sqlite", "--json").stdout)
    assert set(data["methods"]) == {"linear", "chebyshev", "eps"} and data["n_runs"] == 18 + 3 + 8
    # the eps runs end on their bound: L1 = eps (minimise L0 subject to L1 = eps)
    import paretolab

    runs = paretolab.read_runs(tmp / "runs.sqlite")
    eps = runs.method == "eps"
    np.testing.assert_allclose(runs.objectives[eps, 1], runs.epsilon[eps], atol=2e-3)


def test_options_that_do_not_apply_are_refused_and_no_store_is_made(toy):
    cli, calls, tmp = toy
    for extra, word in ((["--ideal", "0,0"], "ideal"), (["--damping", "3"], "damping"),
                        (["--epsilons", "0.5"], "epsilons"), (["--budget", "4"], "budget"),
                        (["--steps", "10"], "--steps"), (["--lr", "0.1"], "--lr")):
        done = cli("sweep", "--fn", "toyfn:convex", "--alphas", "1", "--store", "x.sqlite", *extra)
        assert done.returncode == 2 and word in done.stderr, (extra, done.stderr)
    done = cli("sweep", "--fn", "toyfn:classic", "--method", "chebyshev", "--alphas", "1", "--ideal", "0,0",
               "--store", "x.sqlite")
    assert done.returncode == 2 and "train(objective, seed" in done.stderr and "objective.parameters()" in done.stderr
    assert calls() == [] and not (tmp / "x.sqlite").exists()


def test_the_classic_signature_serves_the_weighted_sum(toy):
    cli, calls, _ = toy
    sweep(cli, "--fn", "toyfn:classic", "--alphas", "log:0.1:10:5", "--seeds", "2")
    assert len(calls()) == 10
    data = json.loads(cli("analyze", "runs.sqlite", "--json").stdout)
    assert data["methods"] == ["linear"] and data["tunable"] == "yes"
    # refine continues the store where its front is thinnest, within its budget, saying why
    done = cli("refine", "runs.sqlite", "--budget", "6", "--jobs", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    made = calls()
    assert 0 < len(made) <= 6 and "slope of the edge" in done.stdout
    assert all(0.1 <= float(a) <= 10 for _, a, _ in made)  # the store's range of alpha


def test_analyze_merges_stores_and_csvs(toy):
    cli, calls, tmp = toy
    sweep(cli, "--fn", "toyfn:concave", "--alphas", "log:0.1:10:9", "--seeds", "2")
    done = cli("sweep", "--fn", "toyfn:concave", "--method", "eps", "--epsilons", "lin:0.2:0.8:4", "--seeds", "1",
               "--store", "eps.sqlite", "--jobs", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    import paretolab

    paretolab.read_runs(tmp / "eps.sqlite").to_csv(tmp / "eps.csv")
    one = json.loads(cli("analyze", "runs.sqlite", "--json").stdout)
    both = json.loads(cli("analyze", "runs.sqlite", "eps.csv", "--json").stdout)
    assert one["n_runs"] == 18 and both["n_runs"] == 22 and set(both["methods"]) == {"linear", "eps"}
    (gap,) = [g for g in both["gaps"] if g["kind"] != "unresolved"]
    assert gap["kind"] == "concave" and gap["reached_by"] == ["eps"]  # eps reached what no alpha did
    assert both["tunable"] == "no"


@pytest.mark.parametrize("fn", ["convex", "concave"])
def test_auto_holds_its_budget_and_finds_what_it_should(toy, fn):
    cli, calls, _ = toy
    done = sweep(cli, "--fn", f"toyfn:{fn}", "--alphas", "auto:0.01:100", "--budget", "24", "--seeds", "2")
    made = calls()
    assert len(made) <= 24 and all(seed in ("0", "1") for _, _, seed in made)
    assert "placed" in done.stdout
    data = json.loads(cli("analyze", "runs.sqlite", "--json").stdout)
    if fn == "convex":
        assert data["tunable"] == "yes" and data["coverage"] > 0.6
    else:  # alpha cannot reach the inside: auto stops spending there and says so
        assert data["tunable"] == "no" and len(made) < 24
        (gap,) = data["gaps"]
        assert abs(gap["alpha"] - 1) < 0.05
    again = sweep(cli, "--fn", f"toyfn:{fn}", "--alphas", "auto:0.01:100", "--budget", "24", "--seeds", "2")
    assert calls() == [] and again.returncode == 0  # the budget is spent (or nothing is worth a run): resumed, no run
