"""The seed's two cases: on a convex front alpha tunes the trade-off, on a concave one it cannot.

Same sweep (log grid of alpha, several seeds, plain weighted sum) on the convex problem (two
squared distances, front sqrt(L0) + sqrt(L1) = 2) and on Fonseca-Fleming (a concave core between
two small locally convex end caps). Measured: the share of the front covered by converged runs,
the share that is a concave region, the runs that land in its concave core, and how close the
best run comes to the balanced point (the trade-off a practitioner usually wants).
"""

from __future__ import annotations

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.analysis import compare
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.problems import get_problem

NAME = "convex_vs_concave"
TITLE = "Convex versus concave front: is alpha a tuning knob?"
QUESTION = ("Does sweeping alpha in L0 + alpha*L1 reach every trade-off? On a convex front yes; "
            "on a concave front only the ends.")
EXPECTED = ("convex: coverage near 90%, no concave region, the balanced point is hit; "
            "Fonseca-Fleming: a concave region over ~99% of the front, coverage ~10%, no run in its "
            "core, the balanced point missed by ~0.5 of the front's extent, a jump at alpha* = 1.")

SEEDS = 8


def balanced_distance(points, front) -> float:
    """Distance from the front's balanced point to the nearest of ``points`` (extent units)."""
    f = F.pareto_front(front)
    lo, span = f.min(axis=0), np.ptp(f, axis=0)
    b = (f[F.balanced_point(f)] - lo) / span
    if len(points) == 0:
        return float("nan")
    return float(np.min(np.linalg.norm((np.asarray(points) - lo) / span - b, axis=1)))


def case(problem_name: str, *, quick: bool, n_var: int = 2):
    prob = get_problem(problem_name, n_var=n_var)
    front = F.pareto_front(prob.true_front(201 if quick else 1001))
    r = sweep_problem(prob, progress=False, alphas="log:1e-2:1e2:9" if quick else "log:1e-2:1e2:25",
                      seeds=3 if quick else SEEDS, steps=1200 if quick else 2000, threads=1)
    rep = compare(r, front)
    regions = F.concave_regions(front)
    numbers = {
        "runs": len(r),
        "converged": int((r.converged & ~r.diverged).sum()),
        "coverage": rep.coverage,
        "concave_share": float(sum(x.share for x in regions)),
        "alpha_star": [x.alpha for x in regions],
        "runs_in_concave_core": int(sum(x.runs_in_core for x in rep.regions)),
        "balanced_point_distance": balanced_distance(r.reached(), front),
        "tunable": rep.tunable,
        "gaps": [f"{g.kind} at alpha* {g.alpha:.3g}" for g in rep.gaps],
        "alphas_where_seeds_disagree": sum(o.split for o in rep.outcomes if o.method == "linear"),
    }
    return prob, front, r, rep, numbers


def run(out_dir, *, quick: bool = False):
    fig, axes = P.new_figure(2, 2, width=5.2, height=4.0)
    numbers = {}
    for col, name in enumerate(("convex", "fonseca")):
        prob, front, r, rep, nums = case(name, quick=quick)
        numbers[name] = nums
        label = "convex front" if name == "convex" else "concave front (Fonseca-Fleming)"
        P.plot_front(rep, ax=axes[col],
                     title=f"{label}: coverage {nums['coverage']:.0%}")
        P.plot_alpha_response(rep, ax=axes[2 + col], title=f"{label}: response to α")
    c, f = numbers["convex"], numbers["fonseca"]
    verdict = (f"convex: alpha reaches {c['coverage']:.0%} of the front (balanced point missed by "
               f"{c['balanced_point_distance']:.3f}); concave: {f['coverage']:.0%} "
               f"({f['concave_share']:.0%} of the front is one concave region, {f['runs_in_concave_core']} runs "
               f"in its core, balanced point missed by {f['balanced_point_distance']:.3f}, jump at alpha* = "
               + ", ".join(f"{a:.3g}" for a in f["alpha_star"]) + ")")
    return finish(NAME, TITLE, fig, out_dir, numbers, verdict)
