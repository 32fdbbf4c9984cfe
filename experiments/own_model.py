#!/usr/bin/env python
"""Your own model through paretolab: a small torch MLP with an L1 penalty, swept over alpha x seeds.

Usage: .venv/bin/python experiments/own_model.py [--quick] [--jobs N] [--store FILE] [--out DIR]

The model is a two-layer MLP (10 -> 16 -> 1, tanh) fitted to synthetic regression data
(sparse linear teacher plus noise) with ``L = L0 + alpha * L1``: L0 the mean squared error,
L1 the mean absolute weight of both layers (a lasso penalty on every weight). ``train`` below
is an ordinary training function, ``train(alpha, seed) -> {"L0", "L1", "converged", ...}``;
the script hands it to ``paretolab.sweep`` with a SQLite store (a temporary file unless
``--store`` is given: rerunning with the same file resumes), then reads the store back, runs
``paretolab.analyze`` on the runs and writes figures/own_model.png (the empirical front
with its concave regions, and L0, L1 against alpha per seed).

Why the penalty is interesting: an L1 penalty on the weights of a product of layers acts on
the network's function like a concave (sub-linear) penalty, so the fit can collapse to the
zero function abruptly as alpha grows, with a concave stretch of the front that no alpha
reaches.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile
import time

import numpy as np

N_SAMPLES, N_IN, N_HIDDEN = 256, 10, 16


def _data():
    """Synthetic regression data, the same in every run (fixed generator seed)."""
    import torch

    g = torch.Generator().manual_seed(12345)
    x = torch.randn(N_SAMPLES, N_IN, generator=g, dtype=torch.float64)
    w = torch.zeros(N_IN, dtype=torch.float64)
    w[:3] = torch.tensor([1.5, -1.0, 0.5], dtype=torch.float64)
    y = x @ w + 0.1 * torch.randn(N_SAMPLES, generator=g, dtype=torch.float64)
    return x, y[:, None]


def train(alpha: float, seed: int, steps: int = 600, lr: float = 0.02) -> dict:
    """Train the MLP once with ``L0 + alpha * L1`` from the initialisation of ``seed``."""
    import torch

    torch.set_num_threads(1)
    x, y = _data()
    torch.manual_seed(int(seed))
    model = torch.nn.Sequential(torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Tanh(),
                                torch.nn.Linear(N_HIDDEN, 1)).double()
    weights = [model[0].weight, model[2].weight]
    n_w = sum(w.numel() for w in weights)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for step in range(steps):
        if step == steps // 2:  # anneal: the subgradient of |w| keeps Adam jittering
            for group in opt.param_groups:
                group["lr"] = lr / 10
        opt.zero_grad()
        l0 = torch.mean((model(x) - y) ** 2)
        l1 = sum(w.abs().sum() for w in weights) / n_w
        loss = l0 + alpha * l1
        loss.backward()
        opt.step()
        history.append(loss.item())
    with torch.no_grad():
        l0 = float(torch.mean((model(x) - y) ** 2))
        l1 = float(sum(w.abs().sum() for w in weights) / n_w)
        active = int(sum((w.abs() > 1e-2).sum() for w in weights))
    # plateau test: the mean loss of the last 50 steps against the 50 before (averages out the
    # jitter the subgradient of |w| leaves in Adam's steps)
    last, before = np.mean(history[-50:]), np.mean(history[-100:-50])
    converged = bool(abs(before - last) <= 2e-3 * abs(last) + 1e-8)
    return {"L0": l0, "L1": l1, "converged": converged, "active_weights": active, "final_loss": history[-1]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run in seconds (fewer alphas, seeds, steps)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: the cores; 1 = serial)")
    parser.add_argument("--store", default=None, help="SQLite store to keep (default: a temporary file)")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "figures"),
                        help="folder for the figure (default: the repository's figures/)")
    args = parser.parse_args(argv)

    from paretolab import analyze, read_runs, sweep

    alphas, seeds, steps = ("log:1e-2:300:6", 2, 200) if args.quick else ("log:1e-2:300:16", 4, 800)
    tmp = None
    if args.store is None:
        tmp = tempfile.TemporaryDirectory()
        store = os.path.join(tmp.name, "own_model.sqlite")
    else:
        store = args.store
    t0 = time.perf_counter()
    result = sweep(train, alphas=alphas, seeds=seeds, store=store, jobs=args.jobs, config={"steps": steps})
    seconds = time.perf_counter() - t0
    # only runs that passed the function's own stationarity test are evidence: analyze builds the
    # front from them and places the others on it
    a = analyze(read_runs(store))
    ok = result.converged

    print(f"own_model: {len(result)} runs of {result.source} ({steps} steps each) in {seconds:.1f} s; "
          f"{int(result.converged.sum())} converged, {int(result.failed.sum())} failed")
    print(f"{'alpha':>8s} " + " ".join(f"{'seed ' + str(s) + ' L0/L1/active':>24s}" for s in np.unique(result.seed)))
    for al in np.unique(result.alpha):
        rows = np.flatnonzero(result.alpha == al)
        print(f"{al:8.4f} " + " ".join(
            f"{result.objectives[i, 0]:8.4f}/{result.objectives[i, 1]:6.4f}/{int(result.extra['active_weights'][i]):3d}"
            + ("*" if not result.converged[i] else " ") for i in rows))
    print(f"  (* = not converged by the function's own test: {int((~ok).sum())} runs, left out of the analysis)")
    print(a)
    out = write_figure(a, args.out)
    print(f"  figure: {out}")
    if tmp is not None:
        tmp.cleanup()
    return 0


def write_figure(report, out_dir) -> str:
    """figures/own_model.png: the empirical front with the runs, and L0, L1 against alpha."""
    from paretolab.plot import new_figure, plot_alpha_response, plot_front, save

    path = os.path.join(out_dir, "own_model.png")
    fig, (ax0, ax1) = new_figure(2, width=5.2, height=4.2)
    plot_front(report, ax=ax0, labels=("L0 (MSE)", "L1 (mean |w|)"), title="MLP + L1 penalty: runs and their front",
               front_label="empirical front")
    plot_alpha_response(report, ax=ax1,
                        labels=("L0 (MSE)", "L1 (mean |w|)"), title="final losses against alpha (one marker per seed)")
    ax0.set_xscale("log")  # the fit spans three decades of MSE before it collapses to the zero function
    ax1.set_yscale("log")
    return save(fig, path)


if __name__ == "__main__":
    raise SystemExit(main())
