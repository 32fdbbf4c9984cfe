"""Scalarisations of a batch of objective vectors: ``(B, m)`` losses -> ``(B,)`` scalars.

All follow the project's weight convention ``L = L0 + alpha * L1`` (``alpha >= 0`` is the
relative weight of the second objective). For ``m > 2`` objectives pass a ``(B, m)`` (or
``(m,)``) weight vector instead of ``alpha``; weights are used as given (put them on the
simplex if you want them comparable).

* :func:`linear` -- the weighted sum. Reaches only supported points (global optima) and the
  locally convex stretches (local optima, depending on the initialisation).
* :func:`chebyshev` -- ``max_j w_j (f_j - z_j)`` with an ideal point ``z``, optionally
  augmented by ``rho * sum_j w_j (f_j - z_j)``. Its minimisers cover the whole front, concave
  parts included; with ``w = (1, alpha)`` it lands where ``L0 - z0 = alpha (L1 - z1)``.
* :func:`mdmm` -- the modified differential method of multipliers (Platt & Barr, 1988) for
  "minimise L0 subject to L1 = eps" (or ``<= eps``): the Lagrangian with a damping term,
  minimised over the parameters and *maximised* over the multiplier ``lambda``. The trainer
  ascends on the multiplier (it flips the sign of that gradient).

:func:`make_scalarizer` bundles one of them with its per-run settings for the trainer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from paretolab.errors import ParetolabError

__all__ = ["METHODS", "Scalarizer", "chebyshev", "linear", "make_scalarizer", "mdmm"]

Tensor = torch.Tensor
METHODS = ("linear", "chebyshev", "mdmm")


def _weights(objectives: Tensor, alpha) -> Tensor:
    """Per-run weights ``(B, m)`` from ``alpha``.

    m = 2: a scalar or a 1-D ``(B,)`` alpha means weights ``(1, alpha)``; m > 2: a 1-D
    ``(m,)`` weight vector is shared by all runs. A 2-D ``(B, m)`` array is used as given.
    """
    f = objectives
    if f.ndim != 2 or f.shape[1] < 2:
        raise ParetolabError(f"objectives: expected shape (B, m) with m >= 2, got {tuple(f.shape)}")
    B, m = f.shape
    a = torch.as_tensor(alpha, dtype=f.dtype)
    if m == 2 and a.ndim <= 1 and a.numel() in (1, B):
        a = a.reshape(-1).expand(B)
        return torch.stack([torch.ones_like(a), a], dim=1)
    if m > 2 and a.shape == (m,):
        return a.expand(B, m)
    if a.shape == (B, m):
        return a
    expected = f"a scalar or shape ({B},)" if m == 2 else f"weights of shape ({m},)"
    raise ParetolabError(
        f"alpha: expected {expected} or weights of shape ({B}, {m}) for objectives of shape "
        f"({B}, {m}); got shape {tuple(a.shape)}"
    )


def linear(objectives: Tensor, alpha) -> Tensor:
    """Weighted sum ``L0 + alpha * L1`` (or ``sum_j w_j f_j`` with weights for m > 2).

    Parameters
    ----------
    objectives : Tensor, shape (B, m)
    alpha : float, Tensor of shape (B,) (m = 2), or weights of shape (m,) or (B, m)

    Returns
    -------
    Tensor, shape (B,)

    Examples
    --------
    >>> f = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> linear(f, 0.5)
    tensor([2., 5.])
    >>> linear(torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([0.2, 0.3, 0.5]))
    tensor([2.3000])
    """
    if objectives.ndim == 2 and objectives.shape[1] == 2 and torch.as_tensor(alpha).ndim <= 1:
        w = _weights(objectives, alpha)[:, 1]  # validates the shape
        return objectives[:, 0] + w * objectives[:, 1]
    return (_weights(objectives, alpha) * objectives).sum(1)


def chebyshev(objectives: Tensor, alpha, *, ideal=None, augment: float = 0.0) -> Tensor:
    """Weighted Chebyshev distance to the ideal point: ``max_j w_j (f_j - z_j)``.

    With ``w = (1, alpha)`` for two objectives, the minimiser over a front is where
    ``L0 - z0 = alpha * (L1 - z1)``: the same ``alpha`` as in :func:`linear` sets the relative
    weight of ``L1``, so sweeps compare like with like. ``augment = rho > 0`` adds
    ``rho * sum_j w_j (f_j - z_j)`` (augmented Chebyshev), which rules out weakly Pareto
    optimal minimisers.

    Parameters
    ----------
    objectives : Tensor, shape (B, m)
    alpha : float, Tensor (B,) for m = 2, or weights (m,) / (B, m)
    ideal : array_like, shape (m,), optional
        The ideal (reference) point ``z``; default zeros. Use a point at or below every
        objective's minimum.
    augment : float
        ``rho >= 0``.

    Examples
    --------
    >>> f = torch.tensor([[1.0, 2.0], [3.0, 1.0]])
    >>> chebyshev(f, 1.0)
    tensor([2., 3.])
    >>> chebyshev(f, 1.0, ideal=[1.0, 0.0], augment=0.1)
    tensor([2.2000, 2.3000])
    """
    w = _weights(objectives, alpha)
    d = objectives
    if ideal is not None:
        z = torch.as_tensor(ideal, dtype=objectives.dtype)
        if z.shape != (objectives.shape[1],):
            raise ParetolabError(f"ideal: expected shape ({objectives.shape[1]},), got {tuple(z.shape)}")
        d = objectives - z
    wd = w * d
    out = wd.amax(1) if wd.shape[1] > 2 else torch.maximum(wd[:, 0], wd[:, 1])
    if augment:
        out = out + augment * wd.sum(1)
    return out


def mdmm(objectives: Tensor, epsilon, multiplier: Tensor, *, damping: float = 10.0,
         constraint: str = "eq") -> Tensor:
    """Damped Lagrangian of "minimise L0 subject to L_j = eps_j (or <= eps_j), j >= 1".

    ``constraint="eq"``: ``L0 + sum_j [lambda_j h_j + c h_j^2 / 2]`` with ``h_j = L_j - eps_j``
    (Platt & Barr 1988). ``constraint="le"``: the augmented Lagrangian of an inequality,
    ``L0 + sum_j [max(0, lambda_j + c h_j)^2 - lambda_j^2] / (2c)``. Minimise over the
    parameters, *maximise* over ``multiplier`` (gradient ascent); at a saddle point the
    constraint holds and the parameters are a KKT point of the constrained problem.

    Parameters
    ----------
    objectives : Tensor, shape (B, m)
    epsilon : float or Tensor, shape (B,) or (B, m - 1)
    multiplier : Tensor, shape (B, m - 1)
    damping : float
        ``c > 0``.
    constraint : {"eq", "le"}

    Examples
    --------
    >>> f = torch.tensor([[1.0, 0.5]])
    >>> mdmm(f, 0.25, torch.tensor([[2.0]]), damping=2.0)
    tensor([1.5625])
    """
    if constraint not in ("eq", "le"):
        raise ParetolabError(f"constraint: expected 'eq' or 'le', got {constraint!r}")
    if not damping > 0:
        raise ParetolabError(f"damping: expected a number > 0, got {damping!r}")
    rest = objectives[:, 1:]
    eps = torch.as_tensor(epsilon, dtype=objectives.dtype)
    if eps.ndim == 1 and rest.shape[1] == 1:
        eps = eps[:, None]
    h = rest - eps
    lam = multiplier
    if lam.shape != h.shape:
        raise ParetolabError(f"multiplier: expected shape {tuple(h.shape)}, got {tuple(lam.shape)}")
    if constraint == "eq":
        pen = lam * h + 0.5 * damping * h * h
    else:
        pen = (torch.clamp(lam + damping * h, min=0) ** 2 - lam * lam) / (2 * damping)
    return objectives[:, 0] + pen.sum(1)


@dataclass(frozen=True)
class Scalarizer:
    """A scalarisation with its per-run settings, ready for :func:`paretolab.train.train`.

    ``fn(objectives (B, m), values (B, ...), multipliers (B, k)) -> (B,)`` with ``values`` the
    per-run alpha, weights or eps (rows may be selected or repeated); ``n_multipliers = k`` extra
    variables per run that the trainer ascends (MDMM), starting at ``multiplier_init`` and
    kept ``>= multiplier_min``. ``scale`` (``(B,)`` or ``None`` for 1) is the sum of each
    run's weights, ``1 + alpha`` for two objectives: the trainer divides gradient norms by it
    before the stationarity test, so the test does not depend on how large alpha is.

    Examples
    --------
    >>> s = make_scalarizer("chebyshev", [1.0, 3.0])
    >>> s.method, s.n_multipliers, s.scale.tolist()
    ('chebyshev', 0, [2.0, 4.0])
    >>> s(torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64)).tolist()
    [1.0, 3.0]
    """

    method: str
    values: Tensor
    fn: Callable[[Tensor, Tensor, Tensor | None], Tensor]
    n_multipliers: int = 0
    multiplier_init: float = 0.0
    multiplier_min: float = -math.inf
    scale: Tensor | None = None

    def __call__(self, objectives: Tensor, multipliers: Tensor | None = None) -> Tensor:
        return self.fn(objectives, self.values, multipliers)


def make_scalarizer(method: str, values, n_obj: int = 2, *, ideal=None, augment: float = 0.0,
                    damping: float = 10.0, constraint: str = "eq",
                    dtype: torch.dtype = torch.float64) -> Scalarizer:
    """Bundle a scalarisation with per-run ``values`` (alpha, weights, or eps for ``"mdmm"``).

    Examples
    --------
    >>> s = make_scalarizer("linear", [0.5, 2.0])
    >>> s(torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64))
    tensor([1.5000, 3.0000], dtype=torch.float64)
    >>> make_scalarizer("ridge", [1.0])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: method: expected one of ('linear', 'chebyshev', 'mdmm'), got 'ridge'
    """
    if method not in METHODS:
        raise ParetolabError(f"method: expected one of {METHODS}, got {method!r}")
    v = torch.as_tensor(values, dtype=dtype)
    scale = 1 + v if v.ndim == 1 and n_obj == 2 else v.reshape(-1, n_obj).sum(1) if v.ndim else 1 + v
    if method == "linear":
        if n_obj == 2 and v.ndim == 1:
            # fast path for the training loop: no per-step validation (shapes checked in train)
            return Scalarizer(method, v, lambda f, a, lam: f[:, 0] + a * f[:, 1], scale=scale)
        return Scalarizer(method, v, lambda f, a, lam: linear(f, a), scale=scale)
    if method == "chebyshev":
        return Scalarizer(method, v, lambda f, a, lam: chebyshev(f, a, ideal=ideal, augment=augment),
                          scale=scale)
    return Scalarizer(
        method,
        v,
        lambda f, e, lam: mdmm(f, e, lam, damping=damping, constraint=constraint),
        n_multipliers=n_obj - 1,
        multiplier_min=0.0 if constraint == "le" else -math.inf,
    )
