"""The two-task MLP: a small network (2-8-1, 33 parameters) fitted to two conflicting targets.

No analytic front: NSGA-II over the 33 parameters gives one reference front, an alpha sweep
of gradient descent another; their nondominated union (merge_fronts) is the best-known front.
Measured: which method's points dominate the other's, the share of the best-known front each
contributes, and what a weighted sum reaches on it (concave regions at a tolerance of 1% of
the front's extent, to ignore NSGA-II's jitter).
"""

from __future__ import annotations

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.analysis import compare
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.problems import get_problem
from paretolab.reference import merge_fronts, reference_front

NAME = "mlp"
TITLE = "Two-task MLP: NSGA-II front versus the alpha sweep"
QUESTION = ("For a real (if small) network with no analytic front, how does the front found by "
            "NSGA-II over the weights compare with the points an alpha sweep of gradient descent reaches?")
EXPECTED = ("no sweep point is dominated by NSGA-II's points while some of NSGA-II's are dominated by "
            "sweep points (gradient descent is sharper in 33 dimensions); NSGA-II fills the gaps between "
            "the sweep's points; the best-known front has no concave region deeper than 2% of its "
            "extent, so alpha is a usable knob for this model.")

REGION_TOL = 1e-2
MIN_DEPTH = 0.02  # regions shallower than 2% of the front's extent are NSGA-II jitter, not shape


def _dominated_share(points, by) -> float:
    """Share of ``points`` strictly dominated by some point of ``by``."""
    if len(points) == 0 or len(by) == 0:
        return 0.0
    dom = ((by[None, :, :] <= points[:, None, :]).all(axis=2) & (by[None, :, :] < points[:, None, :]).any(axis=2))
    return float(dom.any(axis=1).mean())


def run(out_dir, *, quick: bool = False):
    prob = get_problem("mlp")
    ref = reference_front(prob, pop_size=40 if quick else 100, n_gen=30 if quick else 250, seed=0,
                          progress=False)
    r = sweep_problem(prob, progress=False, threads=1, alphas="log:1e-2:1e2:5" if quick else "log:1e-2:1e2:13", seeds=2 if quick else 4,
              steps=3000 if quick else 6000)
    ok = r.converged & ~r.diverged
    finite = ~r.diverged & np.isfinite(r.objectives).all(axis=1)
    merged = merge_fronts(ref, r.objectives[finite], r.training.params[finite], "alpha sweep")
    all_regions = F.concave_regions(merged.points, tol=REGION_TOL) if len(merged) >= 3 else []
    regions = [x for x in all_regions if x.depth >= MIN_DEPTH]
    rep = compare(r, merged.points, tol=REGION_TOL, min_depth=MIN_DEPTH)
    ax = P.plot_front(rep, front_label="best-known front (merged)",
                      title=f"two-task MLP ({prob.n_var} parameters): best-known front")
    ax.scatter(ref.points[:, 0], ref.points[:, 1], marker="+", c="0.3", s=30, zorder=3, gid="nsga2",
               label=f"NSGA-II ({ref.evaluations} evaluations)")
    ax.legend(fontsize=7, loc="best", framealpha=0.9)
    counts = merged.counts()
    numbers = {
        "n_var": prob.n_var,
        "nsga2_points": len(ref),
        "nsga2_evaluations": ref.evaluations,
        "nsga2_seconds": ref.seconds,
        "sweep_runs": len(r),
        "sweep_converged": int(ok.sum()),
        "sweep_points_dominated_by_nsga2": _dominated_share(r.objectives[finite], ref.points),
        "nsga2_points_dominated_by_sweep": _dominated_share(ref.points, r.objectives[finite]),
        "best_known_front_sources": counts,
        "concave_regions_at_tol": len(all_regions),
        "deepest_region": max((x.depth for x in all_regions), default=0.0),
        "concave_regions": len(regions),
        "concave_share": float(sum(x.share for x in regions)),
        "alpha_star": [x.alpha for x in regions],
        "sweep_coverage_of_best_known": rep.coverage,
    }
    verdict = (f"NSGA-II ({ref.evaluations} evaluations) vs {len(r)} gradient runs: "
               f"{numbers['nsga2_points_dominated_by_sweep']:.0%} of NSGA-II's points are dominated by sweep points, "
               f"{numbers['sweep_points_dominated_by_nsga2']:.0%} the other way; the best-known front has "
               + ", ".join(f"{v} points from {k}" for k, v in counts.items())
               + f"; {len(regions)} concave region(s) deeper than {MIN_DEPTH:g} of its extent (deepest "
               f"{numbers['deepest_region']:.3f}); "
               f"{int(ok.sum())}/{len(r)} sweep runs converged")
    return finish(NAME, TITLE, ax.figure, out_dir, numbers, verdict)
