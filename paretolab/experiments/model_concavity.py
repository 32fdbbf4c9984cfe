"""Concavity made by the model: the same data loss, a Hadamard product p = w1*w2, and a lasso
versus a ridge penalty.

L0 = (1 - w1 w2)^2 / 2 with L1 = |w1| + |w2| (lasso) has a concave-then-convex front: a weighted
sum jumps from the fit to w = 0, and w = 0 is a local minimum for every alpha > 0, so runs
collapse there depending on the start. With L1 = w1^2 + w2^2 (ridge) the front is convex: the
control, where alpha tunes the trade-off. Both losses are convex in the model's output p; the
non-convexity comes from the parametrisation (the seed: convexity in the output is not enough).
"""

from __future__ import annotations

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.analysis import compare
from paretolab.basins import basin_grid
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.problems import get_problem

NAME = "model_concavity"
TITLE = "Concavity made by the model: Hadamard lasso versus its ridge control"
QUESTION = ("Both losses are convex in the model's output; is the front of achievable losses convex? "
            "Not with a Hadamard parametrisation and a lasso penalty; yes with ridge (control).")
EXPECTED = ("lasso: one concave region covering most of the front with alpha* ~ 0.27, runs collapse to "
            "w = 0 where it is not the optimum, depending on the seed; ridge: no concave region, coverage of most of "
            "the front, no collapse before the end of the front.")

COLLAPSE_L1 = 1e-3  # a run with |w1| + |w2| (or w1^2 + w2^2) below this has collapsed to w = 0


def run(out_dir, *, quick: bool = False):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15.0, 8.4), layout="constrained")
    rows = fig.subfigures(2, 1)
    numbers = {}
    lasso_alpha = None
    for row, name in zip(rows, ("hadamard_lasso", "hadamard_ridge")):
        prob = get_problem(name)
        front = F.pareto_front(prob.true_front(201 if quick else 1001))
        regions = F.concave_regions(front)
        r = sweep_problem(prob, progress=False, alphas="log:1e-2:1:9" if quick else "log:1e-2:1:25", seeds=3 if quick else 8,
                          steps=1000 if quick else 3000, threads=1)
        rep = compare(r, front)
        ok = r.converged & ~r.diverged
        collapsed = ok & (r.objectives[:, 1] < COLLAPSE_L1)
        # runs whose weighted-sum optimum over the front is not w = 0 (L1 of the optimum above the
        # collapse level): a collapse there is a local minimum, decided by the start
        a_star = regions[0].alpha if regions else np.inf
        optimum_l1 = front[F.weighted_sum_optimum(front, np.nan_to_num(r.alpha)), 1]
        below = ok & (optimum_l1 > 10 * COLLAPSE_L1)
        if lasso_alpha is None:
            lasso_alpha = 0.7 * a_star
        ax_f, ax_r, ax_b = row.subplots(1, 3)
        label = "lasso |w1|+|w2|" if name.endswith("lasso") else "ridge w1²+w2² (control)"
        P.plot_front(rep, ax=ax_f, title=f"{label}: coverage {rep.coverage:.0%}")
        P.plot_alpha_response(rep, ax=ax_r, title=f"{label}: response to α")
        g = basin_grid(prob, lasso_alpha, front=front, n=9 if quick else 41, steps=800 if quick else 2000,
                       threads=1)
        P.plot_basins(g, ax=ax_b, pareto_set=prob.pareto_set(101), title=f"{label}: basins at α = {lasso_alpha:.3g}")
        collapsed_grid = g.converged & (g.objectives[..., 1] < COLLAPSE_L1)
        numbers[name] = {
            "runs": len(r),
            "converged": int(ok.sum()),
            "coverage": rep.coverage,
            "concave_regions": len(regions),
            "concave_share": float(sum(x.share for x in regions)),
            "alpha_star": [x.alpha for x in regions],
            "collapsed_where_not_optimal": int((collapsed & below).sum()),
            "runs_where_w0_not_optimal": int(below.sum()),
            "alphas_where_seeds_disagree": sum(o.split for o in rep.outcomes if o.method == "linear"),
            "tunable": rep.tunable,
            "basin_alpha": lasso_alpha,
            "basin_share_collapsed": float(collapsed_grid.sum() / max(g.converged.sum(), 1)),
        }
    la, ri = numbers["hadamard_lasso"], numbers["hadamard_ridge"]
    verdict = (f"lasso: {la['concave_share']:.0%} of the front is concave (alpha* = "
               + ", ".join(f"{a:.3g}" for a in la["alpha_star"])
               + f"); {la['collapsed_where_not_optimal']}/{la['runs_where_w0_not_optimal']} runs whose optimum is "
               f"not w = 0 collapse there, {la['basin_share_collapsed']:.0%} of starts collapse at alpha = "
               f"{la['basin_alpha']:.3g}, coverage {la['coverage']:.0%}; ridge control: {ri['concave_regions']} "
               f"concave regions, coverage {ri['coverage']:.0%}, {ri['collapsed_where_not_optimal']}/"
               f"{ri['runs_where_w0_not_optimal']} runs and {ri['basin_share_collapsed']:.0%} of starts collapse")
    return finish(NAME, TITLE, fig, out_dir, numbers, verdict)
