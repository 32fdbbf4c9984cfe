"""How often the verdict is wrong, on tables whose answers are known by construction.

* False positives on convex noisy fronts: a claimed concave region, a jump gap (concave or
  unexplored) or a verdict other than "yes", over random tables: points only (runs of any
  method, no alpha), one run per alpha with no seed column, one seed per alpha, four seeds;
  three convex fronts (superellipses p = 0.3, 0.5, 0.7), noise 1e-3, 3e-3, 1e-2 of the extent.
* The alpha* error of reported gaps on concave and mixed fronts (superellipses p = 1.5, 2, 3,
  Fonseca-Fleming, DENT, two dents): |log(gap alpha / true hull alpha)| of each reported jump
  gap against the brute-force hull of the formula, and the share of tables where every true
  region got its gap.
* Spurious regions against NSGA-II fronts of Fonseca-Fleming (10 variables), DENT and ZDT2
  (10 variables): regions beyond the one true region, over NSGA-II seeds.
* Time of analyze() on n runs (a convex front with noise, 4 seeds per alpha): O(n log n).

Run: ``.venv/bin/python bench/bench_verdict.py [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import verdict_cases as V  # noqa: E402

import paretolab  # noqa: E402
from paretolab import front as F  # noqa: E402
from paretolab.analysis import analyze, compare  # noqa: E402

MODES = ("points", "no seed column", "one seed per alpha", "four seeds")


def table(f, mode, noise, rng, alphas):
    if mode == "points":
        return V.points_along(f, 120, noise=noise, rng=rng)
    seeds = {"no seed column": None, "one seed per alpha": 1, "four seeds": 4}[mode]
    return V.weighted_sum_runs(f, alphas, seeds=seeds, noise=noise, rng=rng)


def false_positives(trials: int):
    alphas = np.geomspace(1e-2, 1e2, 41)
    print(f"false positives on convex noisy fronts ({trials} tables per mode):")
    for mode in MODES:
        bad = {"region": 0, "jump": 0, "not yes": 0}
        for i in range(trials):
            p, noise = (0.3, 0.5, 0.7)[i % 3], (1e-3, 3e-3, 1e-2)[i // 3 % 3]
            report = analyze(table(V.superellipse(p), mode, noise, np.random.default_rng(10_000 + i), alphas))
            bad["region"] += bool(report.regions)
            bad["jump"] += any(g.kind != "unresolved" for g in report.gaps)
            bad["not yes"] += report.tunable != "yes"
        print(f"  {mode:20s} " + ", ".join(f"{k}: {v}/{trials} ({v / trials:.1%})" for k, v in bad.items()))


def alpha_error(trials: int):
    alphas = np.geomspace(1e-2, 1e2, 81)
    fronts = {"superellipse 1.5": V.superellipse(1.5), "superellipse 2": V.superellipse(2),
              "superellipse 3": V.superellipse(3), "fonseca": V.fonseca(), "dent": V.dent(),
              "two dents": V.two_dents()}
    print(f"alpha* error of reported gaps ({trials} tables per front and mode, noise 0 / 1e-3 / 3e-3):")
    for name, f in fronts.items():
        truth = np.array([r.alpha for r in F.concave_regions(F.pareto_front(f))])
        errors, found = [], 0
        for i in range(trials):
            noise = (0.0, 1e-3, 3e-3)[i % 3]
            mode = MODES[1 + i % 3]
            report = analyze(table(f, mode, noise, np.random.default_rng(20_000 + i), alphas))
            got = np.array([g.alpha for g in report.gaps if g.kind != "unresolved"])
            if got.size:
                errors += [float(np.min(np.abs(np.log(a / truth)))) for a in got]
            found += all(got.size and np.min(np.abs(np.log(got / t))) < 0.1 for t in truth)
        e = np.array(errors)
        print(f"  {name:17s} every true jump found in {found}/{trials}; |log alpha ratio| median "
              f"{np.median(e):.4f}, max {e.max():.4f} ({e.size} gaps)")


def nsga2_regions(seeds):
    print(f"regions against NSGA-II fronts (pop 100, 300 generations, NSGA-II seeds {list(seeds)}; one is true):")
    for name, options in (("fonseca", {"n_var": 10}), ("dent", {}), ("zdt2", {"n_var": 10})):
        problem = paretolab.get_problem(name, **options)
        runs = paretolab.sweep(problem, alphas="log:1e-2:1e2:21", seeds=4, steps=2000, progress=False)
        counts, core_linear = [], 0
        for seed in seeds:
            ref = paretolab.reference_front(problem, pop_size=100, n_gen=300, seed=seed, progress=False)
            report = compare(runs, ref)
            counts.append(len(report.regions))
            core_linear += any("linear" in r.core_reached_by for r in report.regions)
        print(f"  {name:8s} regions per front {counts} (spurious: {sum(c - 1 for c in counts)}), core reached by "
              f"linear in {core_linear}/{len(seeds)}")


def timing(sizes):
    print("analyze() time (a convex front with noise 1e-3, 4 seeds per alpha):")
    base = None
    for n in sizes:
        k = n // 4
        runs = V.weighted_sum_runs(V.superellipse(0.5, 20_001), np.geomspace(1e-2, 1e2, k), seeds=4, noise=1e-3,
                                   rng=np.random.default_rng(0))
        t0 = time.perf_counter()
        analyze(runs)
        t = time.perf_counter() - t0
        base = base or (t, n)
        print(f"  n = {n:>9,d}: {t:7.2f} s ({t / base[0]:.1f}x the time of n = {base[1]:,d}, n ratio {n / base[1]:.0f})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    false_positives(18 if args.quick else 180)
    alpha_error(6 if args.quick else 30)
    nsga2_regions((0,) if args.quick else (0, 1, 2))
    timing((1_000, 10_000) if args.quick else (1_000, 10_000, 100_000, 1_000_000))


if __name__ == "__main__":
    main()
