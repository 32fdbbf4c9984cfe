"""Your own model, beyond alpha: a small torch MLP with an L1 penalty, trained by an ordinary
training loop under the weighted sum (its alphas placed by ``auto``), Chebyshev and the
epsilon-constraint (MDMM).

The model is a two-layer MLP (10 -> 16 -> 1, tanh) fitted to synthetic regression data (a sparse
linear teacher plus noise): L0 the mean squared error, L1 the mean absolute weight of both layers.
An L1 penalty on the weights of a product of layers acts on the network's function like a
concave penalty: as alpha grows the fit collapses to the zero function abruptly. :func:`train`
is written the way a user writes theirs, ``train(objective, seed, steps)`` with ``loss =
objective(l0, l1)``, and goes through :func:`paretolab.sweep` (store, pool, resumption) like
any user's function.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from paretolab import plot as P
from paretolab.analysis import analyze
from paretolab.experiments._common import finish

NAME = "own_model"
TITLE = "Your own model: an MLP with an L1 penalty, alpha (auto) vs Chebyshev vs epsilon-constraint"
QUESTION = ("On a real (small) network with a weight penalty, is alpha tunable all the way to the collapsed "
            "model, and what reaches the trade-offs alpha skips?")
EXPECTED = ("alpha moves the fit smoothly, then the solution jumps to the zero function (alpha* ~ 100-150, placed "
            "by auto at the edge's slope): a stretch no alpha reaches; Chebyshev and the epsilon-constraint "
            "land inside it where their runs converge.")
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


def train(objective, seed: int, steps: int = 2000, lr: float = 0.02) -> dict:
    """Train the MLP once, minimising ``objective(L0, L1)`` from the initialisation of ``seed``
    (Adam, cosine learning-rate decay); converged when neither loss moved over the last 100
    steps (means of the last 50 against the 50 before)."""
    import torch

    torch.set_num_threads(1)
    x, y = _data()
    torch.manual_seed(int(seed))
    model = torch.nn.Sequential(torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Tanh(),
                                torch.nn.Linear(N_HIDDEN, 1)).double()
    weights = [model[0].weight, model[2].weight]
    n_w = sum(w.numel() for w in weights)
    opt = torch.optim.Adam([{"params": model.parameters()},
                            {"params": objective.parameters(), "weight_decay": 0.0}], lr=lr)
    decay = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        l0 = torch.mean((model(x) - y) ** 2)
        l1 = sum(w.abs().sum() for w in weights) / n_w
        objective(l0, l1).backward()  # the one line a training loop changes
        opt.step()
        decay.step()
        history.append((l0.item(), l1.item()))
    h = np.array(history)
    last, before = h[-50:].mean(axis=0), h[-100:-50].mean(axis=0)
    converged = bool(np.all(np.abs(before - last) <= 2e-3 * np.abs(last) + 1e-4))
    return {"L0": float(h[-1, 0]), "L1": float(h[-1, 1]), "converged": converged}


def run(out_dir, *, quick: bool = False):
    from paretolab.runner import sweep_function
    from paretolab.sources import read_runs

    steps, budget, n = (500, 8, 2) if quick else (2000, 20, 7)
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "own_model.sqlite")
        sweep_function(train, alphas="auto:1e-2:300", budget=budget, seeds=2, store=store, config={"steps": steps},
                       progress=False)
        sweep_function(train, alphas=f"log:1e-2:300:{n}", epsilons=f"log:0.005:0.15:{n}",
                       method=["chebyshev", "eps"], seeds=2, store=store, config={"steps": steps}, damping=1000.0,
                       progress=False)
        runs = read_runs(store)
    report = analyze(runs)
    fig, (ax0, ax1) = P.new_figure(2, width=5.2, height=4.2)
    P.plot_methods(report, ax=ax0, labels=("L0 (MSE)", "L1 (mean |w|)"),
                   title="MLP + L1 penalty: one training loop, three scalarisations")
    P.plot_alpha_response(report, ax=ax1, labels=("L0 (MSE)", "L1 (mean |w|)"),
                          title="weighted sum (alphas placed by auto): final losses")
    ax0.set_xscale("log")
    ax1.set_yscale("log")
    ok = runs.converged & ~runs.failed
    linear = runs.method == "linear"
    placed = [str(p) for p in runs.extra["placed"][linear] if p]
    jumps = [g for g in report.gaps if g.kind != "unresolved"]
    eps = ok & (runs.method == "eps")
    on_bound = eps & (np.abs(runs.objectives[:, 1] - runs.epsilon) <= 0.1 * runs.epsilon)
    numbers = {"runs": len(runs), "steps": steps,
               "converged": {m: f"{int((ok & (runs.method == m)).sum())}/{int((runs.method == m).sum())}"
                             for m in ("linear", "chebyshev", "eps")},
               "auto_alphas": sorted({round(float(a), 4) for a in runs.alpha[linear]}),
               "auto_placed_at_edge": sum("slope of the edge" in p for p in placed),
               "tunable": report.tunable, "tunable_alphas": [list(r) for r in report.tunable_alphas],
               "jumps": [{"alpha": g.alpha, "bracket": list(g.alpha_bracket), "kind": g.kind,
                          "L0": [g.left[0], g.right[0]], "reached_by": list(g.reached_by)} for g in jumps],
               "coverage": dict(report.method_coverage),
               "eps_on_bound": f"{int(on_bound.sum())}/{int(eps.sum())} converged eps runs within 10% of their bound",
               "eps_bounds_missed": sorted({round(float(e), 4) for e in runs.epsilon[eps & ~on_bound]})}
    inside = [g for g in jumps if g.reached_by]
    verdict = (f"{report.tunable}: " + ("; ".join(
        f"the solution jumps at alpha* ~ {g.alpha:.3g} (between {g.alpha_bracket[0]:.3g} and {g.alpha_bracket[1]:.3g}) "
        f"across L0 in ({g.left[0]:.3g}, {g.right[0]:.3g})" for g in jumps) or "no jump")
        + (f", where only {', '.join(sorted({m for g in inside for m in g.reached_by}))} reached" if inside else "")
        + f"; {numbers['eps_on_bound']}")
    return finish(NAME, TITLE, fig, out_dir, numbers, verdict)
