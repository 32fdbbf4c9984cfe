"""Stationarity: is a run resting at a stationary point of its scalarised loss, kinks included?

A reached point is evidence only when the run has stopped: one that merely ran out of steps
can sit anywhere (on the concave part of a front, too). :func:`check_stationarity` decides it per
run, in two stages. Gradients are divided by the sum of the run's weights (``1 + alpha``: the
gradient of ``(L0 + alpha L1) / (1 + alpha)``, so the test does not depend on how large alpha
is) and projected on the box (components pushing out of the box at an active bound are
dropped, :func:`projected`):

1. the exponential moving average of the gradient over about ``window`` steps has norm below
   ``gtol`` (the trainer keeps it over the last ``AVERAGE_SPAN`` windows, see
   :func:`average_weight`) *and so has the last gradient*: the run rests at a smooth
   stationary point. A run still descending has a consistent gradient and fails, so a run
   that merely ran out of steps is not converged.
2. for the runs that fail 1, a nonsmooth test at the final point: the convex hull of the
   gradients sampled within ``RADIUS`` of it comes within ``gtol`` of zero (Goldstein
   epsilon-stationarity, as in gradient sampling; :func:`sampled_norm`). This is what
   recognises kinks -- ``|w|`` of a lasso at w = 0, the ridge of a Chebyshev ``max`` -- where
   the last gradient never gets small and the optimiser oscillates around the point.

Oscillation is not convergence. A small average with a large last gradient means that the
gradient swings back and forth: the run is oscillating. It counts as converged only when it
oscillates *at* a stationary point, within ``RADIUS`` of it (a kink), which stage 2 checks at
the final point. A run that keeps jumping across the box (a runaway learning rate taking the
parameters from corner (2, 2) to (-2, -2) and back at every step) has an averaged gradient
near zero -- the two corners' gradients cancel, and the projection on the box of the last
corner's average even makes it exactly 0 -- but its final point is a box corner where the
projected gradient points inwards, so stage 2 refuses it.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
import torch

__all__ = ["AVERAGE_SPAN", "RADIUS", "Stationarity", "average_weight", "check_stationarity", "projected",
           "sampled_norm"]

Tensor = torch.Tensor

RADIUS = 1e-3
"""Sampling radius of the nonsmooth test (stage 2); 0 turns that test off."""
AVERAGE_SPAN = 5
"""The moving average runs over the last ``AVERAGE_SPAN * window`` steps: older terms would
weigh less than ``exp(-2 * AVERAGE_SPAN)``."""


def average_weight(t: int, steps: int, window: int) -> float | None:
    """Weight of step ``t``'s gradient in the moving average: ``2 / (window + 1)`` over the last
    ``AVERAGE_SPAN`` windows of ``steps``, None before (where it would not count).

    >>> average_weight(1000, 1000, 100), average_weight(400, 1000, 100)
    (0.019801980198019802, None)
    """
    return 2.0 / (window + 1) if t > steps - AVERAGE_SPAN * window else None


def projected(z: Tensor, g: Tensor, lo, hi) -> Tensor:
    """``g`` without the components that push ``z`` out of the box ``[lo, hi]`` at an active bound.

    >>> projected(torch.tensor([[0.0, 0.5]]), torch.tensor([[1.0, 1.0]]), 0.0, 1.0)
    tensor([[0., 1.]])
    """
    blocked = ((z <= lo) & (g > 0)) | ((z >= hi) & (g < 0))
    return torch.where(blocked, 0.0, g)


LossAndGrad = Callable[[Tensor, Tensor], tuple[Tensor, Tensor, Tensor]]
"""``loss_and_grad_at(w, rows) -> (objectives, loss, gradient)`` at the points ``w``, row ``i``
scalarised with the settings of run ``rows[i]``."""


def sampled_norm(z: Tensor, rows: Tensor, lo, hi, loss_and_grad_at: LossAndGrad, radius: float) -> Tensor:
    """Goldstein-style stationarity of the runs ``rows``: the distance from 0 to the convex
    hull of the projected gradients at ``z`` and at points within ``radius`` of it (clamped to
    the box), i.e. the smallest norm of a convex combination, by a small NNLS per run.

    Parameters
    ----------
    z : Tensor, shape (B, d)
    rows : Tensor of int, shape (b,)
        The runs to test.
    lo, hi : Tensor, shape (d,)
        The box.
    loss_and_grad_at : callable
        ``(w, rows) -> (objectives, loss, gradient)`` (:data:`LossAndGrad`).
    radius : float

    Returns
    -------
    Tensor, shape (b,)
        ``inf`` for a run with a non-finite loss at a sample.

    Examples
    --------
    At the kink of ``|w|`` the gradient is +-1, but the hull of nearby gradients holds 0:

    >>> def abs_loss(w, rows):
    ...     return w.abs(), w.abs().sum(1), torch.sign(w)
    >>> box = torch.tensor([-1.0]), torch.tensor([1.0])
    >>> sampled_norm(torch.tensor([[0.0], [0.5]]), torch.tensor([0, 1]), *box, abs_loss, 1e-3)
    tensor([0., 1.])
    """
    from scipy.optimize import nnls

    zr = z[rows]
    b, d = zr.shape
    # the centre, +/- each axis, and +/- random sign vectors (diagonals, so that the samples
    # surround kinks that cut across axes); the same offsets for every run
    signs = torch.randint(0, 2, (max(4, d), d), generator=torch.Generator().manual_seed(0)) * 2 - 1
    diag = signs.to(z.dtype) * (radius / math.sqrt(d))
    eye = torch.eye(d, dtype=z.dtype) * radius
    offsets = torch.cat([torch.zeros(1, d, dtype=z.dtype), eye, -eye, diag, -diag])  # (S, d)
    S = offsets.shape[0]
    w = torch.clamp((zr[:, None, :] + offsets[None]).reshape(b * S, d), lo, hi)
    _, loss, g = loss_and_grad_at(w, rows.repeat_interleave(S))
    at_lo, at_hi = (zr <= lo).repeat_interleave(S, 0), (zr >= hi).repeat_interleave(S, 0)
    g = torch.where((at_lo & (g > 0)) | (at_hi & (g < 0)), 0.0, g)
    G = g.reshape(b, S, d).numpy()
    finite = torch.isfinite(loss).reshape(b, S).all(1).numpy()
    out = np.full(b, np.inf)
    for i in np.flatnonzero(finite):
        Gi = G[i]
        big = 1e3 * max(1.0, float(np.abs(Gi).max()))
        A = np.vstack([Gi.T, np.full((1, S), big)])
        rhs = np.zeros(d + 1)
        rhs[-1] = big
        lam, _ = nnls(A, rhs, maxiter=50 * S)
        lam = lam / lam.sum() if lam.sum() > 0 else np.full(S, 1.0 / S)
        out[i] = float(np.linalg.norm(lam @ Gi))
    return torch.as_tensor(out, dtype=z.dtype)


class Stationarity(NamedTuple):
    """Per-run outcome of :func:`check_stationarity` (tensors of shape ``(B,)``)."""

    grad_norm: Tensor
    """Norm of the projected last gradient, divided by the run's scale."""
    avg_grad_norm: Tensor
    """The same for the moving-average gradient: the stage-1 measure."""
    converged: Tensor
    """Stationary by stage 1 or 2, finite and not diverged."""


def check_stationarity(z: Tensor, g: Tensor, gbar: Tensor, lo: Tensor, hi: Tensor, *, gtol: float,
                       loss_and_grad_at: LossAndGrad, scale: Tensor | None = None,
                       diverged: Tensor | None = None, radius: float | None = None) -> Stationarity:
    """Which runs rest at a stationary point (the two stages of the module notes).

    Parameters
    ----------
    z : Tensor, shape (B, d)
        The final points (parameters and multipliers).
    g, gbar : Tensor, shape (B, d)
        The gradient at ``z`` and the moving-average gradient.
    lo, hi : Tensor, shape (d,)
        The box.
    gtol : float
    loss_and_grad_at : callable
        For stage 2 (:data:`LossAndGrad`).
    scale : Tensor, shape (B,) or broadcastable, optional
        The sum of each run's weights (gradients are divided by it).
    diverged : Tensor of bool, shape (B,), optional
        Runs that never count as converged.
    radius : float, optional
        Stage 2's sampling radius; default :data:`RADIUS`, 0 skips stage 2.

    Returns
    -------
    Stationarity

    Examples
    --------
    The loss ``|w - 0.9|``: its kink at 0.9, a run still descending at 0, and one that swings
    across the kink far from it (a small average of the gradients +-1, a large last one):

    >>> z = torch.tensor([[0.9], [0.0], [-0.5]])
    >>> def kink_loss(w, rows):
    ...     return w, (w - 0.9).abs().sum(1), torch.sign(w - 0.9)
    >>> g = kink_loss(z, None)[2]
    >>> gbar = torch.tensor([[0.5], [-1.0], [1e-6]])
    >>> box = torch.tensor([-1.0]), torch.tensor([1.0])
    >>> s = check_stationarity(z, g, gbar, *box, gtol=1e-4, loss_and_grad_at=kink_loss)
    >>> s.converged.tolist()  # the kink by stage 2; the oscillating run is not converged
    [True, False, False]

    At a smooth minimum the last and the averaged gradient are both small (stage 1):

    >>> def smooth_loss(w, rows):
    ...     return w, ((w - 0.9) ** 2).sum(1), 2 * (w - 0.9)
    >>> z = torch.tensor([[0.9]])
    >>> check_stationarity(z, smooth_loss(z, None)[2], torch.zeros(1, 1), *box, gtol=1e-4,
    ...                    loss_and_grad_at=smooth_loss).converged.tolist()
    [True]
    """
    B = z.shape[0]
    diverged = torch.zeros(B, dtype=torch.bool) if diverged is None else diverged
    radius = RADIUS if radius is None else radius
    grad_norm = projected(z, g, lo, hi).norm(dim=1)
    avg_norm = projected(z, gbar, lo, hi).norm(dim=1)
    if scale is not None:
        scale = torch.as_tensor(scale, dtype=z.dtype).reshape(-1).expand(B)
        grad_norm = grad_norm / scale
        avg_norm = avg_norm / scale
    finite = ~diverged & torch.isfinite(grad_norm)
    # stage 1 needs the last gradient small too: a small average of a large, swinging gradient
    # is an oscillation, which stage 2 accepts only around a (nonsmooth) stationary point
    converged = (avg_norm < gtol) & (grad_norm < gtol) & finite
    todo = ~converged & finite
    if radius > 0 and bool(todo.any()):
        sampled = sampled_norm(z, torch.nonzero(todo).reshape(-1), lo, hi, loss_and_grad_at, radius)
        if scale is not None:
            sampled = sampled / scale[todo]
        converged[todo] = sampled < gtol
    return Stationarity(grad_norm, avg_norm, converged)
