"""A mixed front (DENT): two convex pieces around a concave dent. The solution jumps across the
dent at alpha*, and near alpha* the initialisation decides which piece a run lands on.

A weighted-sum sweep over alpha and seeds, the alpha response (a step at alpha* in both
losses), and the basins of attraction: a grid of starting points in the 2-parameter plane,
trained as one batch at alpha below, at and above alpha*. Tuning alpha near alpha* does not
move the solution along the front; it moves the border between the two basins.
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

NAME = "mixed_front"
TITLE = "Mixed front (DENT): a jump at alpha* and basins decided by the start"
QUESTION = ("On a front that is convex in parts and concave in between, what does tuning alpha do "
            "near the critical alpha*, and does the initialisation matter?")
EXPECTED = ("one concave region (~40% of the front) with alpha* = 1; every seed jumps across it; at "
            "alpha* the plane splits about half/half between the two pieces, and moving alpha to "
            "0.5 or 2 moves the border between the basins rather than the solution.")

BASIN_FACTORS = (0.5, 1.0, 2.0)


def run(out_dir, *, quick: bool = False):
    prob = get_problem("dent")
    front = F.pareto_front(prob.true_front(201 if quick else 1001))
    (region,) = F.concave_regions(front)
    r = sweep_problem(prob, progress=False, alphas="log:1e-2:1e2:9" if quick else "log:1e-2:1e2:25", seeds=3 if quick else 8,
                      steps=800 if quick else 2000, threads=1)
    rep = compare(r, front)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15.0, 8.4), layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    ax_front, ax_resp = top.subplots(1, 2)
    P.plot_front(rep, ax=ax_front, title=f"DENT: sweep of α, coverage {rep.coverage:.0%}")
    P.plot_alpha_response(rep, ax=ax_resp, title="response to α: a step at α*")
    basins = {}
    for ax, k in zip(bottom.subplots(1, len(BASIN_FACTORS)), BASIN_FACTORS):
        a = k * region.alpha
        g = basin_grid(prob, a, front=front, n=9 if quick else 41, steps=600 if quick else 1500, threads=1)
        P.plot_basins(g, ax=ax, pareto_set=prob.pareto_set(101), colorbar=k == BASIN_FACTORS[-1],
                      title=f"basins at α = {a:.3g} ({k:g} α*)")
        basins[f"{a:.3g}"] = g.fractions(split=_split(front, region))
    jumps = [g for g in rep.gaps if g.kind != "unresolved"]
    numbers = {
        "alpha_star": region.alpha,
        "concave_share": region.share,
        "concave_depth": region.depth,
        "coverage": rep.coverage,
        "runs": len(r),
        "converged": int((r.converged & ~r.diverged).sum()),
        "runs_in_concave_core": int(sum(x.runs_in_core for x in rep.regions)),
        "tunable": rep.tunable,
        "gaps": [f"{g.kind} at alpha* {g.alpha:.3g}" for g in rep.gaps],
        "seeds_that_jump": max((g.seeds for g in jumps), default=0),
        "jump_brackets": [list(g.alpha_bracket) for g in jumps if g.alpha_bracket is not None],
        "alphas_where_seeds_disagree": sum(o.split for o in rep.outcomes if o.method == "linear"),
        "basins": basins,
    }
    at = basins[f"{region.alpha:.3g}"]
    verdict = (f"DENT: one concave region ({region.share:.0%} of the front), alpha* = {region.alpha:.3g}; "
               f"{numbers['seeds_that_jump']} seeds jump across it, {numbers['runs_in_concave_core']} runs land in "
               f"its core; at alpha* {at['L0_end']:.0%} of starts end on the L0 piece and {at['L1_end']:.0%} on "
               f"the L1 piece; alpha moves the basin border ("
               + ", ".join(f"alpha {a}: {v['L1_end']:.0%}" for a, v in basins.items()) + " on the L1 piece)")
    return finish(NAME, TITLE, fig, out_dir, numbers, verdict)


def _split(front, region) -> float:
    """Arc position of the middle of the concave region: left of it is the L0 piece."""
    f = F.pareto_front(front)
    lo, span = f.min(axis=0), np.ptp(f, axis=0)
    fu = (f - lo) / span
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(fu, axis=0), axis=1))]
    arc /= arc[-1]
    return float((arc[region.start - 1] + arc[region.stop]) / 2)
