"""Where gradient descent started at each point of a parameter grid ends on the front.

For a problem with two parameters, :func:`basin_grid` trains a grid of starting points at one
alpha as one batch (:func:`paretolab.train.train`) and places each end point on the front: near
a critical alpha the border between the basins, not alpha, decides which piece of the front a
run lands on. :func:`paretolab.plot.plot_basins` draws the :class:`BasinGrid`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from paretolab import front as F
from paretolab.errors import ParetolabError

__all__ = ["BasinGrid", "basin_grid"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BasinGrid:
    """Where gradient descent started at each point of a 2-parameter grid ends on the front.

    ``x``, ``y``: ``(n,)`` grid coordinates; ``position``, ``distance``: ``(n, n)`` arc
    fraction along the front (0 = the L0 end) and distance to it of the end point (objectives
    scaled to the front's extent; NaN for diverged runs), row = y; ``converged``: ``(n, n)``;
    ``objectives``: ``(n, n, 2)``; ``alpha``: the weight used.
    """

    problem: str
    alpha: float
    x: np.ndarray
    y: np.ndarray
    position: np.ndarray
    distance: np.ndarray
    converged: np.ndarray
    objectives: np.ndarray

    def fractions(self, split: float = 0.5) -> dict:
        """Shares of the converged starts that end before / after ``split`` along the front."""
        ok = self.converged & np.isfinite(self.position)
        n = max(int(ok.sum()), 1)
        return {
            "converged": float(ok.mean()),
            "L0_end": float((ok & (self.position < split)).sum() / n),
            "L1_end": float((ok & (self.position >= split)).sum() / n),
        }


def basin_grid(problem, alpha: float, *, front=None, n: int = 41, steps: int = 1500, lr: float = 1e-2,
               limits=None, problem_options: dict | None = None, threads: int | None = None) -> BasinGrid:
    """Train ``n * n`` starts on a grid of a 2-parameter problem at one alpha, as one batch.

    Parameters
    ----------
    problem : str or Problem
        Must have ``n_var == 2``.
    alpha : float
        Weight in ``L0 + alpha * L1``.
    front : array_like (k, 2), optional
        Front to place the end points on (default: the problem's analytic front).
    n : int
        Grid points per axis.
    limits : ((x_lo, x_hi), (y_lo, y_hi)), optional
        Default: the problem's box.
    threads : int, optional
        torch threads while training (see :func:`paretolab.train.train`).

    Examples
    --------
    >>> g = basin_grid("dent", 1.0, n=3, steps=50)
    >>> g.position.shape, g.converged.dtype
    ((3, 3), dtype('bool'))
    """
    import torch

    from paretolab.analysis import project_onto_front
    from paretolab.problems import get_problem
    from paretolab.scalarize import make_scalarizer
    from paretolab.train import train

    prob = get_problem(problem, **(problem_options or {}))
    if prob.n_var != 2 or prob.n_obj != 2:
        raise ParetolabError(f"problem: expected 2 parameters and 2 objectives, got {prob.name!r} with "
                         f"n_var={prob.n_var}, n_obj={prob.n_obj}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ParetolabError(f"n: expected an integer >= 2, got {n!r}")
    lo, hi = prob.box()
    (x0, x1), (y0, y1) = limits if limits is not None else ((lo[0], hi[0]), (lo[1], hi[1]))
    x = np.linspace(x0, x1, n)
    y = np.linspace(y0, y1, n)
    xx, yy = np.meshgrid(x, y)
    starts = torch.as_tensor(np.c_[xx.ravel(), yy.ravel()], dtype=torch.float64)
    scal = make_scalarizer("linear", np.full(n * n, float(alpha)))
    r = train(prob, starts, scal, steps=steps, lr=lr, threads=threads)
    f = F.pareto_front(F.as_points(front if front is not None else prob.true_front(1001), "front"))
    obj = r.objectives
    finite = np.isfinite(obj).all(axis=1) & ~r.diverged
    pos = np.full(n * n, np.nan)
    dist = np.full(n * n, np.nan)
    if finite.any():
        dist[finite], pos[finite] = project_onto_front(obj[finite], f)
    log.info("basins of %s at alpha=%g: %d starts, %d converged", prob.name, alpha, n * n, int(r.converged.sum()))
    return BasinGrid(prob.name, float(alpha), x, y, pos.reshape(n, n), dist.reshape(n, n),
                     (r.converged & finite).reshape(n, n), obj.reshape(n, n, 2))
