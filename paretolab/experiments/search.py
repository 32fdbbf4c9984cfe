"""Grid versus random search of alpha (seed documents 001/002), judged by the trade-off found.

A practitioner tunes alpha by training one model per value and keeping the one closest to the
balanced point of the front (the point whose worst normalised loss is smallest). For a budget
of k models, grid search trains a log grid of k values over [3e-3, 20] (a new grid for each
budget) and random search trains the first k log-uniform draws. Repeats differ in the
initialisation seed (and, for random search, in the draws). Measured: best-so-far distance to
the balanced point (objectives scaled to the front's extent) against the number of models.

On the convex front both searches close in on the balanced point as the budget grows. On the
concave Fonseca-Fleming front neither gets closer than the end caps, whatever the budget:
the balanced point sits in the concave core that no alpha reaches.
"""

from __future__ import annotations

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.plan import grid
from paretolab.problems import get_problem

NAME = "search"
TITLE = "Grid versus random search of alpha"
QUESTION = ("How many trained models does grid or random search of alpha need to find the balanced "
            "trade-off, on a convex and on a concave front?")
EXPECTED = ("convex: both approach the balanced point (distance falling towards 0, random search with "
            "a wider spread); concave (Fonseca-Fleming): both stall at the distance of the end caps "
            "(~0.7 of the front's extent) for every budget.")

LO, HI = 3e-3, 2e1  # a range whose log grids do not contain the balanced alpha (1 on both problems)


def trajectories(problem, *, budget: int, repeats: int, steps: int):
    """Best-so-far distance to the balanced point, ``{"grid": (R, K), "random": (R, K)}``."""
    prob = get_problem(problem, n_var=2)
    front = F.pareto_front(prob.true_front(1001))
    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    target = (front[F.balanced_point(front)] - lo) / span
    grids = [grid("log", LO, HI, k) for k in range(1, budget + 1)]
    grids[0] = np.array([np.sqrt(LO * HI)])  # a one-point "grid": the middle of the log range
    draws = [grid("rand-log", LO, HI, budget, seed=1000 + rep) for rep in range(repeats)]
    # the order of random draws matters (best-so-far): use unsorted draws with the same values
    draws = [np.random.default_rng(2000 + rep).permutation(d) for rep, d in enumerate(draws)]
    alphas = np.unique(np.concatenate(grids + draws))
    r = sweep_problem(prob, progress=False, alphas=alphas, seeds=repeats, steps=steps, threads=1)
    ok = r.converged & ~r.diverged
    dist = np.where(ok, np.linalg.norm((r.objectives - lo) / span - target, axis=1), np.inf)
    table = {(float(a), int(s)): d for a, s, d in zip(r.alpha, r.seed, dist)}
    out = {"grid": np.full((repeats, budget), np.nan), "random": np.full((repeats, budget), np.nan)}
    for rep in range(repeats):
        for k in range(budget):
            best = min(table[(float(a), rep)] for a in grids[k])
            out["grid"][rep, k] = best if np.isfinite(best) else np.nan
        d = np.array([table[(float(a), rep)] for a in draws[rep]])
        best = np.minimum.accumulate(d)
        out["random"][rep] = np.where(np.isfinite(best), best, np.nan)
    return out, len(r), int(ok.sum())


def run(out_dir, *, quick: bool = False):
    budget, repeats = (8, 3) if quick else (20, 8)
    steps = 1000 if quick else 2000
    fig, axes = P.new_figure(2, width=5.6, height=4.2)
    numbers = {"budget": budget, "repeats": repeats}
    for ax, name in zip(axes, ("convex", "fonseca")):
        traj, runs, ok = trajectories(name, budget=budget, repeats=repeats, steps=steps)
        label = "convex front" if name == "convex" else "concave front (Fonseca-Fleming)"
        P.plot_search(traj, ax=ax, title=label, ylabel="best distance to the balanced point among k models")
        ax.set_ylim(5e-3, 1.5)  # the same scale on both panels
        numbers[name] = {
            "runs": runs,
            "converged": ok,
            "grid_final_mean": float(np.nanmean(traj["grid"][:, -1])),
            "random_final_mean": float(np.nanmean(traj["random"][:, -1])),
            "random_final_spread": float(np.nanmax(traj["random"][:, -1]) - np.nanmin(traj["random"][:, -1])),
            "grid_at_5": float(np.nanmean(traj["grid"][:, min(4, budget - 1)])),
            "random_at_5": float(np.nanmean(traj["random"][:, min(4, budget - 1)])),
        }
    c, f = numbers["convex"], numbers["fonseca"]
    verdict = (f"after {budget} models the best distance to the balanced point is {c['grid_final_mean']:.3f} (grid) / "
               f"{c['random_final_mean']:.3f} (random) on the convex front but {f['grid_final_mean']:.3f} / "
               f"{f['random_final_mean']:.3f} on the concave one: no search over alpha reaches a concave trade-off")
    return finish(NAME, TITLE, fig, out_dir, numbers, verdict)
