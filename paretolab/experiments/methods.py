"""What reaches the rest of the front: linear weights, Chebyshev weights and MDMM on
Fonseca-Fleming (the Pareto-MTL / EPO toy, 10 parameters).

The weighted sum reaches only the two locally convex end caps; Chebyshev scalarisation
(min max_i w_i (L_i - ideal_i)) and the epsilon-constraint solved by MDMM (min L0 subject to
L1 = eps, Lagrange multiplier ascended) spread over the whole concave front. Coverage is the
share of the front's arc within 0.05 (front extent) of a converged run.
"""

from __future__ import annotations

import numpy as np

from paretolab import front as F
from paretolab import plot as P
from paretolab.analysis import compare
from paretolab.batch import sweep_problem
from paretolab.experiments._common import finish
from paretolab.problems import get_problem

NAME = "methods"
TITLE = "What reaches the rest: linear vs Chebyshev vs MDMM"
QUESTION = ("The concave core of Fonseca-Fleming is a saddle for every weighted sum; do Chebyshev "
            "weights or an epsilon-constraint (MDMM) reach it?")
EXPECTED = ("linear: ~10% coverage (end caps only, nothing in the core); Chebyshev and MDMM: most of "
            "the front, runs in the core, MDMM points on the analytic front to ~1e-4.")


def run(out_dir, *, quick: bool = False):
    prob = get_problem("fonseca", n_var=2 if quick else 10)
    front = F.pareto_front(prob.true_front(201 if quick else 2001))
    n = 7 if quick else 21
    r = sweep_problem(prob, progress=False, method=["linear", "chebyshev", "eps"], alphas=f"log:1e-2:1e2:{n}",
                      epsilons=f"lin:0.05:0.95:{n}", seeds=2 if quick else 4, steps=1000 if quick else 2000,
                      threads=1)
    rep = compare(r, front)
    ax = P.plot_methods(rep, title=f"Fonseca-Fleming ({prob.n_var} parameters): three scalarisations")
    (region,) = rep.regions
    ok = r.converged & ~r.diverged
    numbers = {"problem": f"fonseca n_var={prob.n_var}", "coverage": dict(rep.method_coverage)}
    for m in ("linear", "chebyshev", "eps"):
        rows = ok & (r.method == m)
        numbers[f"{m}_converged"] = f"{int(rows.sum())}/{int((r.method == m).sum())}"
    numbers["core_reached_by"] = list(region.core_reached_by)
    numbers["runs_in_core"] = region.runs_in_core
    eps = ok & (r.method == "eps")
    numbers["eps_max_distance_to_front"] = float(np.max(rep.distance[eps])) if eps.any() else float("nan")
    numbers["eps_max_constraint_violation"] = (
        float(np.max(np.abs(r.objectives[eps, 1] - r.epsilon[eps]))) if eps.any() else float("nan"))
    cov = rep.method_coverage
    verdict = (f"coverage of the Fonseca-Fleming front: linear {cov.get('linear', 0):.0%}, Chebyshev "
               f"{cov.get('chebyshev', 0):.0%}, MDMM {cov.get('eps', 0):.0%}; the concave core is reached by "
               f"{', '.join(region.core_reached_by) or 'no method'}; MDMM runs lie within "
               f"{numbers['eps_max_distance_to_front']:.1e} of the front")
    return finish(NAME, TITLE, ax.figure, out_dir, numbers, verdict)
