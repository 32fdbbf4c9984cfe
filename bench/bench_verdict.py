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
* Wrong verdicts on the layouts users have (the adversarial review's cases): even, random and
  paired alpha grids on convex fronts, one seed per run (trial ids), duplicated rows, a
  handful of points, a seed stuck at an end, an off-front run next to alpha*, coarse grids on
  partly tunable fronts, ZDT3's successive jumps, nearly straight convex fronts (swept within
  a doubling of alpha: reported as a switch), points only on a shallow wide concave front.
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


def layouts(trials: int):
    """Wrong verdicts per family; "wrong" is defined per family from the formulas."""
    from paretolab.runs import Runs

    def jumped(r):
        return any(g.kind != "unresolved" for g in r.gaps) or bool(r.regions)

    def convex_wrong(r):
        return jumped(r) or r.tunable not in ("yes", "unknown")

    A41 = np.geomspace(1e-2, 1e2, 41)
    fam = {}
    rng = np.random.default_rng(0)
    fam["convex p<=0.8, even log grids k=4..40"] = [
        convex_wrong(analyze(V.weighted_sum_runs(V.superellipse(p), np.geomspace(1e-2, 1e2, k), seeds=2)))
        for p in (0.3, 0.5, 0.7, 0.8) for k in range(4, 41, 2)]
    fam["convex p=0.9-0.95 (swept within x1.6), even grids"] = [
        convex_wrong(analyze(V.weighted_sum_runs(V.superellipse(p), np.geomspace(1e-2, 1e2, k), seeds=2)))
        for p in (0.9, 0.95) for k in range(4, 41, 2)]
    out = []
    for i in range(trials):
        p = (0.3, 0.5, 0.7)[i % 3]
        alphas = np.sort(10 ** rng.uniform(-2, 2, (9, 20, 40)[i // 3 % 3]))
        out.append(convex_wrong(analyze(V.weighted_sum_runs(V.superellipse(p), alphas, seeds=(1, 4)[i % 2],
                                                            noise=(0, 1e-3)[i // 9 % 2], rng=rng))))
    fam["convex, random alpha draws"] = out
    out = []
    for i in range(trials):
        base = V.weighted_sum_runs(V.superellipse(0.5), A41, seeds=1, noise=(1e-3, 3e-3, 1e-2)[i % 3], rng=rng)
        o, a = base.objectives, base.alpha
        out.append(convex_wrong(analyze(Runs.from_arrays(np.r_[o, o], alpha=np.r_[a, a],
                                                         seed=np.r_[np.zeros(41), np.ones(41)]))))
    fam["convex, every row duplicated"] = out
    fam["convex, 5-6 noisy points, no seeds"] = [convex_wrong(analyze(V.weighted_sum_runs(
        V.superellipse(0.7), np.geomspace(1e-2, 1e2, 5 + i % 2), seeds=None, noise=(3e-3, 1e-2, 3e-2)[i % 3],
        rng=rng))) for i in range(trials)]
    out = []
    for p in (0.3, 0.5, 0.7):
        for release in (1.0, 3.0, 10.0):
            f = V.superellipse(p)
            pts = [f[0] if (s == 3 and a < release) else V.optimum(f, a) for a in A41 for s in range(4)]
            out.append(convex_wrong(analyze(Runs.from_arrays(np.array(pts), alpha=np.repeat(A41, 4),
                                                             seed=np.tile(range(4), 41)))))
    fam["convex, one seed stuck at an end"] = out
    circle = V.superellipse(2.0)
    out = []
    for i in range(trials):
        alphas = 10 ** rng.uniform(-2, 2, 40)
        pts = np.array([V.optimum(circle, a) for a in alphas])
        out.append(analyze(Runs.from_arrays(pts, alpha=alphas, seed=np.arange(40))).tunable in ("yes", "partly"))
    fam["quarter circle, one run per seed (trial ids; 'yes'/'partly' wrong)"] = out
    out = []
    for i in range(trials):
        pts = np.array([V.optimum(circle, a) for a in A41])
        k = np.flatnonzero(A41 > 1)[0]
        pts[k] = rng.uniform(0.8, 1.2, 2)
        out.append(analyze(Runs.from_arrays(pts, alpha=A41)).tunable != "no")
    fam["quarter circle, 41 alphas, an off-front run next to alpha*"] = out
    fam["DENT / two dents, 5-21 alphas ('no' or 'yes' wrong)"] = [
        analyze(V.weighted_sum_runs(f, np.geomspace(1e-2, 1e2, k), seeds=s)).tunable in ("no", "yes")
        for f in (V.dent(), V.two_dents()) for k in (5, 9, 13, 21) for s in (None, 2)]
    fam["concave x^1.1 + y^1.1, 120 points, noise 1e-2 ('yes' wrong)"] = [
        analyze(V.points_along(V.superellipse(1.1), 120, noise=1e-2, rng=rng)).tunable == "yes" for _ in range(trials)]
    x = np.linspace(0, 1, 200001)
    z = F.pareto_front(np.c_[x, 1 - np.sqrt(x) - x * np.sin(10 * np.pi * x)])
    fine = np.geomspace(0.1, 10, 20001)
    truth = fine[1:][np.diff(np.array([V.optimum(z, a)[0] for a in fine])) > 0.05]
    print(f"wrong verdicts on the layouts users have ({trials} random tables per random family):")
    for name, wrong in fam.items():
        print(f"  {name:70s} {sum(wrong)}/{len(wrong)}")
    for k in (21, 41, 81, 200):
        got = [g.alpha for g in analyze(V.weighted_sum_runs(z, np.geomspace(1e-2, 1e2, k), seeds=2)).gaps
               if g.kind != "unresolved"]
        false = sum(np.min(np.abs(np.log(a / truth))) > 0.05 for a in got)
        print(f"  ZDT3, {k:3d} alphas: {len(got)} of its {len(truth)} jumps reported, {false} at a wrong alpha")


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
    layouts(12 if args.quick else 60)
    alpha_error(6 if args.quick else 30)
    nsga2_regions((0,) if args.quick else (0, 1, 2))
    timing((1_000, 10_000) if args.quick else (1_000, 10_000, 100_000, 1_000_000))


if __name__ == "__main__":
    main()
