"""NSGA-II reference fronts: quality (GD, IGD against the analytic front) and wall time.

For every registered problem with an analytic 2-D front, runs ``paretolab.reference_front``
with its default settings (population evaluated in one batched torch call) and, in the same
run, pymoo's NSGA-II on the same problem evaluated row by row (pymoo's elementwise mode, one
torch call per individual) with the same seed and budget, and prints medians and ratios.

    python bench/bench_reference.py            # defaults (takes a few minutes)
    python bench/bench_reference.py --quick    # small budget smoke run
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np
import torch

from paretolab.problems import get_problem
from paretolab.reference import reference_front


def quality(points: np.ndarray, true: np.ndarray) -> tuple[float, float, float]:
    """GD, IGD and the IGD floor of as many evenly spaced points, objectives scaled to the front."""
    lo, span = true.min(axis=0), np.ptp(true, axis=0)
    p, t = (points - lo) / span, (true - lo) / span
    d = np.linalg.norm(p[:, None] - t[None], axis=2)
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(t, axis=0), axis=1))]
    # evenly spaced along the front's arc, skipping the gaps of a disconnected front
    steps = np.linalg.norm(np.diff(t, axis=0), axis=1)
    gaps = steps > 20 * np.median(steps)
    arc = np.r_[0, np.cumsum(np.where(gaps, 0.0, steps))]
    s = np.linspace(0, arc[-1], len(p))
    idx = np.clip(np.searchsorted(arc, s), 0, len(t) - 1)
    even = t[idx]
    floor = np.linalg.norm(even[:, None] - t[None], axis=2).min(axis=0).mean()
    return d.min(axis=1).mean(), d.min(axis=0).mean(), floor


class EvalClock:
    """Wraps a problem's objective function and adds up the time spent inside it."""

    def __init__(self, problem):
        self.seconds = 0.0
        self.calls = 0
        inner = problem.objectives

        def timed(x):
            t0 = time.perf_counter()
            try:
                return inner(x)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1

        self.problem = dataclasses.replace(problem, objectives=timed)


def elementwise_nsga2(problem, pop_size: int, n_gen: int, seed: int) -> tuple[np.ndarray, float]:
    """pymoo's NSGA-II with one torch call per individual (its elementwise mode)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import ElementwiseProblem
    from pymoo.optimize import minimize

    lo, hi = problem.box()

    class RowByRow(ElementwiseProblem):
        def __init__(self):
            super().__init__(n_var=problem.n_var, n_obj=problem.n_obj, xl=lo, xu=hi)

        def _evaluate(self, x, out, *args, **kwargs):
            with torch.no_grad():
                out["F"] = problem.evaluate(torch.as_tensor(x[None, :], dtype=torch.float64)).numpy()[0]

    start = time.perf_counter()
    res = minimize(RowByRow(), NSGA2(pop_size=pop_size), ("n_gen", n_gen), seed=seed, verbose=False)
    return res.F, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small budget smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    cases = [("fonseca", {"n_var": 2}), ("dent", {}), ("fonseca", {}), ("zdt1", {}), ("zdt2", {}),
             ("zdt3", {}), ("mlp", {})]
    settings = {"pop_size": 40, "n_gen": 100} if args.quick else {}
    repeats = 1 if args.quick else args.repeats
    print(f"torch threads 1, repeats {repeats}, settings {settings or 'defaults'}")
    header = (f"{'problem':<16}{'points':>7}{'gens':>6}{'evals':>8}{'stop':>9}{'GD':>10}{'IGD':>10}"
              f"{'IGD/floor':>10}{'time s':>8}{'eval s':>8}{'row s':>9}{'row ev s':>9}{'total x':>9}"
              f"{'eval x':>10}{'row IGD/fl':>11}")
    print(header)
    print("-" * len(header))
    for name, options in cases:
        problem = get_problem(name, **options)
        true = problem.true_front(20001)
        times, eval_times, runs = [], [], []
        for r in range(repeats):
            clock = EvalClock(problem)
            t0 = time.perf_counter()
            ref = reference_front(clock.problem, seed=r, progress=False, **settings)
            times.append(time.perf_counter() - t0)
            eval_times.append(clock.seconds)
            runs.append(ref)
        ref = runs[0]
        gd, igd, floor = quality(ref.points, true) if true is not None else (np.nan, np.nan, np.nan)
        # pymoo row by row, same seed and the number of generations the batched run used
        row_clock = EvalClock(problem)
        row_f, row_time = elementwise_nsga2(row_clock.problem, settings.get("pop_size", 100), ref.generations, 0)
        row_igd, row_floor = quality(row_f, true)[1:] if true is not None else (np.nan, np.nan)
        label = name + ("" if not options else f"(n={options['n_var']})")
        med, med_eval = statistics.median(times), statistics.median(eval_times)
        print(f"{label:<16}{len(ref):>7}{ref.generations:>6}{ref.evaluations:>8}{ref.stopped:>9}"
              f"{gd:>10.2e}{igd:>10.2e}{igd / floor:>10.2f}{med:>8.2f}{med_eval:>8.2f}{row_time:>9.2f}"
              f"{row_clock.seconds:>9.2f}{row_time / med:>9.1f}{row_clock.seconds / med_eval:>10.1f}"
              f"{row_igd / row_floor:>11.2f}", flush=True)
    print("GD: mean distance of the found points to the analytic front; IGD/floor: IGD over the IGD of as many")
    print("points evenly spaced along the analytic front (1.0 is the best a set of that size can do).")
    print("time/eval s: paretolab total and inside the objective (median of repeats); row s / row ev s: pymoo's")
    print("own NSGA-II with elementwise evaluation (one torch call per individual), same seed and generations;")
    print("total x, eval x: row-by-row time over batched time. mlp has no analytic front (quality n/a).")


if __name__ == "__main__":
    main()
