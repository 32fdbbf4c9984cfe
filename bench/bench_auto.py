"""How many runs an ``auto`` plan needs against a log (or linear) grid over the same range.

* Runs to cover 90% of a front (share of its arc length within 0.04 of a reached point,
  objectives scaled to the front's extent), 2 seeds per value, with ``alphas="auto:LO:HI"``
  against ``log:LO:HI:k`` on a convex front whose alpha-to-point map is skewed: L0 = t^2,
  L1 = 0.01 (1 - t)^2 over alpha in [1e-2, 1e4] (and [1e-3, 1e5]), where the weighted sum's
  optimum t = 0.01 alpha / (1 + 0.01 alpha) crosses most of the front in the last three of six
  (of eight) decades. And with
  ``epsilons="auto:0:1"`` against ``lin:0:1:k`` on the concave quarter circle (sin u, cos u).
  Goal: auto needs at most a third of the grid's runs. Printed beside it: the runs of points
  evenly spaced along the arc of the known front, which no plan can do much better than (where
  that is above a third of the grid, the goal is out of reach on that front).
* Runs ``auto`` spends on the quarter circle with alpha to show that the gap between its ends is
  unreachable by alpha, beyond its initial grid, per seed. Goal: at most two per seed per gap.

The training functions give the exact optimum of each scalarisation (what a converged run
reaches), so the counts measure the plans, not an optimiser. Run:
``.venv/bin/python bench/bench_auto.py``.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

import paretolab
from paretolab.runner import sweep_function

C = 0.01
SEEDS = 2
TARGET = 0.9
RADIUS = 0.04


def skewed_convex(alpha, seed):
    """The weighted sum's optimum of (t^2, C (1 - t)^2)."""
    t = C * alpha / (1 + C * alpha)
    return t**2, C * (1 - t) ** 2


def circle_eps(objective, seed):
    """min L0 s.t. L1 = eps on the quarter circle (sin u, cos u): L0 = sqrt(1 - eps^2)."""
    eps = min(max(float(objective.values.reshape(-1)[0]), 0.0), 1.0)
    return math.sqrt(1 - eps**2), eps


def circle_linear(alpha, seed):
    """A global optimiser of L0 + alpha L1 on the quarter circle: an end, (0, 1) or (1, 0)."""
    return (0.0, 1.0) if alpha < 1 else (1.0, 0.0)


def arc_coverage(reached, front) -> float:
    from scipy.spatial import cKDTree

    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    u = (front - lo) / span
    arc = np.r_[0, np.cumsum(np.hypot(*np.diff(u, axis=0).T))]
    s = np.linspace(0, arc[-1], 20_001)
    samples = np.c_[np.interp(s, arc, u[:, 0]), np.interp(s, arc, u[:, 1])]
    d, _ = cKDTree((np.asarray(reached) - lo) / span).query(samples)
    return float(np.mean(d <= RADIUS))


def even_values(front) -> int:
    """Values a plan that knew the front would need: points every 2 RADIUS along its arc (from
    RADIUS in from an end), the fewest that cover TARGET; what no plan can do much better than."""
    lo, span = front.min(axis=0), np.ptp(front, axis=0)
    u = (front - lo) / span
    arc = np.r_[0, np.cumsum(np.hypot(*np.diff(u, axis=0).T))]
    for n in range(2, 1000):
        s = np.minimum(RADIUS + 2 * RADIUS * np.arange(n), arc[-1])
        points = np.c_[np.interp(s, arc, u[:, 0]), np.interp(s, arc, u[:, 1])] * span + lo
        if arc_coverage(points, front) >= TARGET:
            return n
    raise AssertionError("never covered")


def runs_to_cover(make, front, sizes) -> tuple[int | None, float]:
    """The fewest runs (over ``sizes``) whose sweep covers TARGET of the front."""
    best = 0.0
    for n in sizes:
        runs = make(n)
        cov = arc_coverage(runs.objectives[~runs.failed], front)
        best = max(best, cov)
        if cov >= TARGET:
            return len(runs), cov
    return None, best


def sweep(fn, n, **kw):
    return sweep_function(fn, seeds=SEEDS, in_process=True, progress=False, **kw)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args(argv)
    t = np.linspace(0, 1, 20_001)
    convex = np.c_[t**2, C * (1 - t) ** 2]
    u = np.linspace(0, math.pi / 2, 20_001)
    circle = np.c_[np.sin(u), np.cos(u)]
    cases = [
        (f"skewed convex front, alpha in [{lo}, {hi}]", convex,
         lambda n, lo=lo, hi=hi: sweep(skewed_convex, n, alphas=f"log:{lo}:{hi}:{n // SEEDS}"),
         lambda n, lo=lo, hi=hi: sweep(skewed_convex, n, alphas=f"auto:{lo}:{hi}", budget=n))
        for lo, hi in (("1e-2", "1e4"), ("1e-3", "1e5"))
    ] + [
        ("concave quarter circle, eps in [0, 1]", circle,
         lambda n: sweep(circle_eps, n, method="eps", epsilons=f"lin:0:1:{n // SEEDS}"),
         lambda n: sweep(circle_eps, n, method="eps", epsilons="auto:0:1", budget=n)),
    ]
    sizes = [2 * k for k in range(3, 400)]
    print(f"runs to cover {TARGET:.0%} of the front (arc within {RADIUS} of a reached point), {SEEDS} seeds per value:")
    for name, front, grid, auto in cases:
        n_grid, c_grid = runs_to_cover(grid, front, sizes)
        n_auto, c_auto = runs_to_cover(auto, front, sizes)
        even = SEEDS * even_values(front)
        ratio = f"{n_auto / n_grid:.2f}" if n_grid and n_auto else "n/a (never covered)"
        print(f"  {name:42s} grid {n_grid} runs ({c_grid:.1%}), auto {n_auto} runs ({c_auto:.1%}): "
              f"auto / grid = {ratio} (goal <= 0.33); evenly spaced along the known front {even} runs"
              + (f" ({even / n_grid:.2f} of the grid)" if n_grid else "")
              + (f", auto / even = {n_auto / even:.2f}" if n_auto else ""))
    runs = sweep(circle_linear, 40, alphas="auto:0.02:70", budget=40)  # alpha* = 1 not on the initial grid
    placed = runs.extra["placed"]
    initial = sum("initial" in p for p in placed)
    extra = len(runs) - initial
    report = paretolab.analyze(runs)
    gaps = [g for g in report.gaps if g.kind != "unresolved"]
    print(f"quarter circle with alpha in [0.02, 70], budget 40: {len(runs)} runs ({initial} of the initial grid), {extra} more to "
          f"show the gap unreachable: {extra / SEEDS:.1f} per seed for {len(gaps)} gap(s) (goal <= 2); verdict "
          f"{report.tunable!r}")


if __name__ == "__main__":
    main()
