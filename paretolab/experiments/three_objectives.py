"""Three objectives (DTLZ2): a concave front on the unit sphere, where weighted sums reach only
the three corners.

Weight vectors on a simplex lattice, plain weighted sum (linear) versus Chebyshev, each run
from several seeds. Measured: the share of the front that is supported (is_supported on the
analytic front), the share of linear runs that end at a corner, and each method's coverage (the
share of sampled front points within 0.1 of a converged run).
"""

from __future__ import annotations

import itertools

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.problems import get_problem

NAME = "three_objectives"
TITLE = "Three objectives (DTLZ2): weighted sums reach only the corners"
QUESTION = ("With three losses and a weight vector on the simplex, which part of a concave front does "
            "a weighted sum reach, and does Chebyshev do better?")
EXPECTED = ("only about 1% of the sampled sphere is supported (near the corners); nearly every converged linear run ends at a "
            "corner; Chebyshev weights spread over the front (coverage several times the linear one).")

CORNER = 0.99  # a point with one objective above this is at a corner of the unit sphere
RADIUS = 0.1


def simplex_lattice(h: int) -> np.ndarray:
    """All weight vectors (i, j, k) / h with i + j + k = h, ``(W, 3)``.

    >>> simplex_lattice(2).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]
    """
    rows = [(i, j, h - i - j) for i, j in itertools.product(range(h + 1), repeat=2) if i + j <= h]
    return np.asarray(rows, dtype=float) / h


def run(out_dir, *, quick: bool = False):
    prob = get_problem("dtlz2", n_var=5 if quick else 7)
    front = prob.true_front(300 if quick else 1000)
    w = simplex_lattice(4 if quick else 8)
    w = w[(w > 0).all(axis=1)] if not quick else w  # interior weights: every objective counts
    r = sweep_problem(prob, progress=False, weights=w, threads=1, method=["linear", "chebyshev"], seeds=2 if quick else 3,
              steps=800 if quick else 2000)
    ok = r.converged & ~r.diverged
    supported = F.is_supported(front)
    numbers = {"weights": len(w), "runs": len(r), "supported_share_of_front": float(supported.mean()),
               "supported_points": int(supported.sum()),
               # how close to a corner the supported sample points are (1 = exactly at one)
               "supported_min_largest_objective": float(front[supported].max(axis=1).min())}
    for m in ("linear", "chebyshev"):
        rows = ok & (r.method == m)
        pts = r.objectives[rows]
        numbers[f"{m}_converged"] = f"{int(rows.sum())}/{int((r.method == m).sum())}"
        numbers[f"{m}_at_corner"] = float((pts.max(axis=1) > CORNER).mean()) if len(pts) else float("nan")
        numbers[f"{m}_coverage"] = F.coverage(pts, front, RADIUS) if len(pts) else 0.0
    ax = P.plot_front3d(front, r, title="DTLZ2: weighted sums (circles) vs Chebyshev (squares)")
    verdict = (f"DTLZ2: {numbers['supported_points']} of {len(front)} front points are supported "
               f"(each with one objective >= {numbers['supported_min_largest_objective']:.2f}: near corners or edges); "
               f"{numbers['linear_at_corner']:.0%} of converged linear runs end at a corner (coverage "
               f"{numbers['linear_coverage']:.0%}), Chebyshev covers {numbers['chebyshev_coverage']:.0%} of the front "
               f"({numbers['chebyshev_at_corner']:.0%} at a corner)")
    return finish(NAME, TITLE, ax.figure, out_dir, numbers, verdict)
