"""Scalarisations: objective vectors -> one loss per run, for a batch ``(B, m)`` or one run.

All follow the project's weight convention ``L = L0 + alpha * L1`` (``alpha >= 0`` is the
relative weight of the second objective). For ``m > 2`` objectives pass a ``(B, m)`` (or
``(m,)``) weight vector instead of ``alpha``; weights are used as given (put them on the
simplex if you want them comparable).

* :func:`linear` -- the weighted sum. Reaches only supported points (global optima) and the
  locally convex stretches (local optima, depending on the initialisation).
* :func:`chebyshev` -- ``max_j w_j (f_j - z_j)`` with an ideal point ``z``, optionally
  augmented by ``rho * sum_j w_j (f_j - z_j)``, or smoothed (``mu log sum_j exp(w_j (f_j -
  z_j) / mu)``, Lin et al. 2024). Its minimisers cover the whole front, concave parts
  included; with ``w = (1, alpha)`` it lands where ``L0 - z0 = alpha (L1 - z1)``.
* :func:`epsilon_constraint` -- the modified differential method of multipliers (MDMM, Platt & Barr, 1988) for
  "minimise L0 subject to L1 = eps" (or ``<= eps``): the Lagrangian with a damping term,
  minimised over the parameters and *maximised* over the multiplier ``lambda``.

These are pure functions of a batch, ``(B, m) -> (B,)``. The same three come as small torch
modules that hold their per-run values (alpha, weights or eps) and their settings:
:class:`WeightedSum`, :class:`Chebyshev` and :class:`EpsilonConstraint` (:func:`make_scalarizer`
builds one by method name). A module scalarises a batch, ``objective(f)`` with ``f`` of shape
``(B, m)`` -> ``(B,)``, or one run's losses, ``objective(l0, l1)`` or ``objective(losses)``
with ``losses`` of shape ``(m,)`` -> a 0-d tensor. The batched trainer
(:func:`paretolab.train.train`) takes them, and so does a training loop of one's own:

    >>> model = torch.nn.Linear(2, 1)
    >>> objective = WeightedSum(0.1)
    >>> x, y = torch.ones(8, 2), torch.zeros(8, 1)
    >>> l0 = ((model(x) - y) ** 2).mean()
    >>> l1 = model.weight.abs().sum()
    >>> objective(l0, l1).shape
    torch.Size([])

:class:`EpsilonConstraint` owns its multiplier ``lambda`` as a parameter whose gradient a hook
negates, so one optimizer over the model's and the objective's parameters descends on the
model and ascends on ``lambda`` (see its example).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from paretolab.errors import ParetolabError, check_positive
from paretolab.plan import METHODS, check_method

__all__ = [
    "METHODS",
    "Chebyshev",
    "EpsilonConstraint",
    "Scalarization",
    "WeightedSum",
    "chebyshev",
    "epsilon_constraint",
    "linear",
    "make_scalarizer",
]

Tensor = torch.Tensor
CONSTRAINTS = ("eq", "le")


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


def chebyshev(objectives: Tensor, alpha, *, ideal=None, augment: float = 0.0, smooth: float = 0.0) -> Tensor:
    """Weighted Chebyshev distance to the ideal point: ``max_j w_j (f_j - z_j)``.

    With ``w = (1, alpha)`` for two objectives, the minimiser over a front is where
    ``L0 - z0 = alpha * (L1 - z1)``: the same ``alpha`` as in :func:`linear` sets the relative
    weight of ``L1``, so sweeps compare like with like. ``augment = rho > 0`` adds
    ``rho * sum_j w_j (f_j - z_j)`` (augmented Chebyshev), which rules out weakly Pareto
    optimal minimisers. ``smooth = mu > 0`` replaces the max by ``mu * log sum_j exp(w_j (f_j
    - z_j) / mu)`` (smooth Tchebycheff, Lin et al. 2024): differentiable everywhere, and
    between the max and the max plus ``mu * log(m)``.

    Parameters
    ----------
    objectives : Tensor, shape (B, m)
    alpha : float, Tensor (B,) for m = 2, or weights (m,) / (B, m)
    ideal : array_like, shape (m,), optional
        The ideal (reference) point ``z``; default zeros. Use a point at or below every
        objective's minimum.
    augment : float
        ``rho >= 0``.
    smooth : float
        ``mu >= 0``; 0 is the max itself.

    Returns
    -------
    Tensor, shape (B,)

    Examples
    --------
    >>> f = torch.tensor([[1.0, 2.0], [3.0, 1.0]])
    >>> chebyshev(f, 1.0)
    tensor([2., 3.])
    >>> chebyshev(f, 1.0, ideal=[1.0, 0.0], augment=0.1)
    tensor([2.2000, 2.3000])
    >>> chebyshev(f, 1.0, smooth=0.1)  # at most 0.1 * log(2) = 0.069 above the max
    tensor([2.0000, 3.0000])
    """
    w = _weights(objectives, alpha)
    d = objectives
    if ideal is not None:
        z = torch.as_tensor(ideal, dtype=objectives.dtype)
        if z.shape != (objectives.shape[1],):
            raise ParetolabError(f"ideal: expected shape ({objectives.shape[1]},), got {tuple(z.shape)}")
        d = objectives - z
    wd = w * d
    if smooth:
        out = smooth * torch.logsumexp(wd / smooth, dim=1)
    else:
        out = wd.amax(1) if wd.shape[1] > 2 else torch.maximum(wd[:, 0], wd[:, 1])
    if augment:
        out = out + augment * wd.sum(1)
    return out


def epsilon_constraint(objectives: Tensor, epsilon, multiplier: Tensor, *, damping: float = 10.0,
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

    Returns
    -------
    Tensor, shape (B,)

    Examples
    --------
    >>> f = torch.tensor([[1.0, 0.5]])
    >>> epsilon_constraint(f, 0.25, torch.tensor([[2.0]]), damping=2.0)
    tensor([1.5625])
    """
    if constraint not in CONSTRAINTS:
        raise ParetolabError(f"constraint: expected one of {CONSTRAINTS}, got {constraint!r}")
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


# The batch losses the modules hand to the trainer: ``loss(f, values, multipliers, **settings)``,
# module-level functions so that a compiled training step can be cached by (function, settings).
# The shapes were checked when the module was made; these run at every step.
def _linear_loss(f: Tensor, values: Tensor, multipliers: Tensor | None = None) -> Tensor:
    if f.shape[1] == 2 and values.ndim <= 1:
        return f[:, 0] + values * f[:, 1]  # the common case, without linear()'s checks
    return linear(f, values)


def _chebyshev_loss(f: Tensor, values: Tensor, multipliers: Tensor | None = None, *, ideal=None,
                    augment: float = 0.0, smooth: float = 0.0) -> Tensor:
    return chebyshev(f, values, ideal=ideal, augment=augment, smooth=smooth)


def _eps_loss(f: Tensor, values: Tensor, multipliers: Tensor, *, damping: float = 10.0,
               constraint: str = "eq") -> Tensor:
    return epsilon_constraint(f, values, multipliers, damping=damping, constraint=constraint)


def _negate(grad: Tensor) -> Tensor:
    return -grad


class Scalarization(nn.Module):
    """What :class:`WeightedSum`, :class:`Chebyshev` and :class:`EpsilonConstraint` share.

    Holds the per-run ``values`` (a buffer: alpha, weights or eps; first axis = run when there
    is one per run) and scalarises losses in two call forms:

    * ``objective(f)``, ``f`` of shape ``(B, m)`` -> ``(B,)``: a batch of ``B`` runs (the values
      are per run, or one value shared by every run);
    * ``objective(l0, l1, ...)`` (0-d tensors) or ``objective(losses)`` (shape ``(m,)``) -> a
      0-d tensor: one run (the values are one run's, or ``B = 1``).

    ``multipliers=`` overrides an :class:`EpsilonConstraint`'s own multipliers.

    What the batched trainer reads: ``method`` (the name in :data:`METHODS`), ``values``,
    ``n_runs`` (None when the values are shared by every run), ``n_multipliers`` (``k``
    variables per run that training ascends on), ``multiplier_init``, ``multiplier_min``,
    ``scale`` (the sum of each run's weights, ``1 + alpha`` for two objectives, by which the
    trainer divides gradient norms; None for MDMM), ``settings`` (the options shared by every
    run, a hashable tuple of ``(name, value)`` pairs) and ``loss_fn``, a module-level function
    with ``loss_fn(f, values, multipliers, **dict(settings))`` the batch loss: two modules with
    equal settings share one compiled training step.
    """

    method: str = ""
    multiplier_init: float = 0.0
    n_multipliers: int = 0
    values: Tensor

    def __init__(self, values, *, name: str, n_obj: int, dtype: torch.dtype | None):
        super().__init__()
        if isinstance(n_obj, bool) or not isinstance(n_obj, int) or n_obj < 2:
            raise ParetolabError(f"n_obj: expected an integer >= 2, got {n_obj!r}")
        self.n_obj = n_obj
        v = torch.as_tensor(values, dtype=dtype or torch.get_default_dtype()).detach().clone()
        # a number, one value per run (two objectives), or a row of `width` (weights, or one
        # eps per constraint) shared by every run or given per run
        width = n_obj if name != "epsilon" else n_obj - 1
        if v.ndim == 2:
            ok = v.shape[1] == width
        elif v.ndim == 1:
            ok = n_obj == 2 or v.shape[0] == width
        else:
            ok = v.ndim == 0
        if not ok:
            what = "weights" if name != "epsilon" else "bounds"
            raise ParetolabError(
                f"{name}: expected a number or shape (B,) for two objectives, or {what} of shape ({width},) "
                f"or (B, {width}) for n_obj = {n_obj}; got shape {tuple(v.shape)}"
            )
        self.register_buffer("values", v, persistent=False)

    @property
    def n_runs(self) -> int | None:
        """Number of runs the values are for; None when they are shared by every run."""
        v = self.values
        if v.ndim == 2 or (v.ndim == 1 and self.n_obj == 2):
            return v.shape[0]
        return None

    @property
    def settings(self) -> tuple:
        """The options shared by every run, as a hashable tuple of ``(name, value)`` pairs."""
        return ()

    @property
    def multiplier_min(self) -> float:
        """Lower bound of the multipliers (``-inf``, or 0 for an inequality)."""
        return -math.inf

    @property
    def scale(self) -> Tensor | None:
        """Sum of each run's weights (``1 + alpha`` for two objectives), or None (MDMM)."""
        v = self.values
        if v.ndim == 0 or (v.ndim == 1 and self.n_obj == 2):
            return 1 + v
        return v.reshape(-1, self.n_obj).sum(1)

    def loss(self, f: Tensor, values: Tensor, multipliers: Tensor | None = None) -> Tensor:
        """The batch loss ``(B, m) -> (B,)`` with the given per-run values (no shape checks)."""
        return self.loss_fn(f, values, multipliers, **dict(self.settings))

    def project_(self) -> Scalarization:
        """Clamp the multipliers to ``multiplier_min`` in place (call after ``opt.step()``).

        Needed for ``EpsilonConstraint(..., constraint="le")`` only; otherwise a no-op.
        """
        return self

    def forward(self, *losses: Tensor, multipliers: Tensor | None = None) -> Tensor:
        """``(B, m) -> (B,)`` for a batch; ``(m,)`` or ``m`` 0-d tensors -> 0-d for one run."""
        if len(losses) == 1 and isinstance(losses[0], Tensor) and losses[0].ndim == 2:
            f = losses[0]
            if f.shape[1] != self.n_obj:
                raise ParetolabError(f"losses: expected shape (B, {self.n_obj}), got {tuple(f.shape)}")
            if self.n_runs is not None and f.shape[0] != self.n_runs:
                raise ParetolabError(
                    f"losses: expected the losses of {self.n_runs} runs (one row per value), got {f.shape[0]} rows"
                )
            return self.loss(f, self.values, self._multipliers(f.shape[0], multipliers))
        if not all(isinstance(t, Tensor) for t in losses):
            raise ParetolabError(f"losses: expected tensors, got {[type(t).__name__ for t in losses]}")
        if len(losses) == 1:
            f = losses[0]
        elif all(t.ndim == 0 for t in losses):
            f = torch.stack(losses)
        else:
            f = None
        if f is None or f.shape != (self.n_obj,):
            got = [tuple(t.shape) for t in losses]
            raise ParetolabError(
                f"losses: expected a (B, {self.n_obj}) batch, {self.n_obj} scalar tensors or one of shape "
                f"({self.n_obj},); got shapes {got}"
            )
        if self.n_runs not in (None, 1):
            raise ParetolabError(
                f"losses: this {type(self).__name__} holds the values of {self.n_runs} runs; pass a "
                f"({self.n_runs}, {self.n_obj}) batch, or make one with a single run's values"
            )
        if multipliers is not None and multipliers.ndim == 1:
            multipliers = multipliers[None]
        return self.loss(f[None], self.values, self._multipliers(1, multipliers))[0]

    def _multipliers(self, B: int, given: Tensor | None) -> Tensor | None:
        return given

    def extra_repr(self) -> str:
        values = f"values of shape {tuple(self.values.shape)}" if self.values.ndim else f"{float(self.values)!r}"
        return ", ".join([values, f"n_obj={self.n_obj}"] + [f"{k}={v!r}" for k, v in self.settings])


class WeightedSum(Scalarization):
    """The weighted sum ``L0 + alpha * L1`` (``sum_j w_j L_j`` with weights for m > 2).

    Parameters
    ----------
    alpha : float or array_like
        A number (shared by every run), ``(B,)`` one alpha per run (two objectives), or weights
        of shape ``(m,)`` (shared) or ``(B, m)`` (per run).
    n_obj : int
        Number of objectives ``m``.
    dtype : torch.dtype, optional
        Of the values; default torch's default dtype.

    Examples
    --------
    >>> s = WeightedSum([0.5, 2.0])
    >>> s(torch.tensor([[1.0, 1.0], [1.0, 1.0]]))
    tensor([1.5000, 3.0000])
    >>> WeightedSum(0.5)(torch.tensor(1.0), torch.tensor(2.0))
    tensor(2.)
    >>> WeightedSum([0.2, 0.3, 0.5], n_obj=3)(torch.tensor([1.0, 2.0, 3.0]))
    tensor(2.3000)
    """

    method = "linear"
    loss_fn = staticmethod(_linear_loss)

    def __init__(self, alpha, *, n_obj: int = 2, dtype: torch.dtype | None = None):
        super().__init__(alpha, name="alpha", n_obj=n_obj, dtype=dtype)


class Chebyshev(Scalarization):
    """Weighted Chebyshev distance ``max_j w_j (L_j - z_j)`` to an ideal point ``z``.

    Parameters
    ----------
    alpha : float or array_like
        As for :class:`WeightedSum`: ``w = (1, alpha)`` for two objectives, or weights.
    ideal : sequence of m numbers, optional
        The ideal point ``z`` (default zeros); put it at or below every objective's minimum
        (not 0 when a loss can be negative, as an ELBO can).
    augment : float
        ``rho >= 0``: adds ``rho * sum_j w_j (L_j - z_j)`` (rules out weakly optimal points).
    smooth : float
        ``mu >= 0``: the smooth form ``mu * log sum_j exp(w_j (L_j - z_j) / mu)``, between the
        max and the max plus ``mu * log(m)`` (Lin et al. 2024); 0 is the max.
    n_obj : int
    dtype : torch.dtype, optional

    Examples
    --------
    >>> s = Chebyshev([1.0, 3.0])
    >>> s.method, s.n_multipliers, s.scale.tolist()
    ('chebyshev', 0, [2.0, 4.0])
    >>> s(torch.tensor([[1.0, 1.0], [1.0, 1.0]])).tolist()
    [1.0, 3.0]
    >>> Chebyshev(1.0, ideal=[0.5, 0.0], smooth=0.01).settings
    (('ideal', (0.5, 0.0)), ('augment', 0.0), ('smooth', 0.01))
    """

    method = "chebyshev"
    loss_fn = staticmethod(_chebyshev_loss)

    def __init__(self, alpha, *, ideal=None, augment: float = 0.0, smooth: float = 0.0, n_obj: int = 2,
                 dtype: torch.dtype | None = None):
        super().__init__(alpha, name="alpha", n_obj=n_obj, dtype=dtype)
        if ideal is not None:
            z = torch.as_tensor(ideal, dtype=torch.float64)
            if z.shape != (n_obj,) or not bool(torch.isfinite(z).all()):
                raise ParetolabError(f"ideal: expected {n_obj} finite numbers, got {ideal!r}")
            ideal = tuple(z.tolist())
        self.ideal = ideal
        self.augment = float(check_positive("augment", augment, allow_zero=True))
        self.smooth = float(check_positive("smooth", smooth, allow_zero=True))

    @property
    def settings(self) -> tuple:
        return (("ideal", self.ideal), ("augment", self.augment), ("smooth", self.smooth))


class EpsilonConstraint(Scalarization):
    """"Minimise L0 subject to L_j = eps_j (or <= eps_j)" by MDMM (Platt & Barr 1988).

    The loss is ``L0 + lambda h + (c / 2) h^2`` with ``h = L1 - eps`` (``constraint="eq"``), or
    the augmented Lagrangian of an inequality (``"le"``, see :func:`epsilon_constraint`). The multiplier
    ``lambda`` is the parameter ``multiplier`` (shape ``(k,)`` for one run, ``(B, k)`` for a
    batch, ``k = m - 1``, starting at 0); a hook on it negates its gradient, so one optimizer
    over the model's and this module's parameters descends on the model and *ascends* on
    ``lambda``. Keep weight decay off ``lambda`` (a parameter group with ``weight_decay=0``).
    For ``"le"``, ``lambda >= 0``: call :meth:`project_` after every ``opt.step()``.

    Stability needs the damping ``c`` above the front's curvature, which depends on the
    losses' scale; a larger ``c`` needs a smaller learning rate (plain SGD in particular).

    Parameters
    ----------
    epsilon : float or array_like
        The bound: a number (one run), ``(B,)`` one per run (two objectives), or ``(k,)`` (one
        run) / ``(B, k)`` for ``m > 2``.
    damping : float
        ``c > 0``.
    constraint : {"eq", "le"}
    n_obj : int
    dtype : torch.dtype, optional

    Examples
    --------
    A one-parameter model, ``L0 = (w - 2)^2`` subject to ``L1 = w^2 = 1``: the solution is
    ``w = 1`` with ``lambda = 1``.

    >>> w = torch.nn.Parameter(torch.tensor(0.0))
    >>> objective = EpsilonConstraint(1.0, damping=1.0)
    >>> opt = torch.optim.SGD([w, *objective.parameters()], lr=0.1)
    >>> for _ in range(300):
    ...     opt.zero_grad()
    ...     objective((w - 2) ** 2, w ** 2).backward()
    ...     opt.step()
    >>> abs(w.item() ** 2 - 1.0) < 1e-3, round(w.item(), 3), round(objective.multiplier.item(), 3)
    (True, 1.0, 1.0)
    """

    method = "eps"
    loss_fn = staticmethod(_eps_loss)

    def __init__(self, epsilon, *, damping: float = 10.0, constraint: str = "eq", n_obj: int = 2,
                 dtype: torch.dtype | None = None):
        super().__init__(epsilon, name="epsilon", n_obj=n_obj, dtype=dtype)
        if constraint not in CONSTRAINTS:
            raise ParetolabError(f"constraint: expected one of {CONSTRAINTS}, got {constraint!r}")
        self.damping = float(check_positive("damping", damping))
        self.constraint = constraint
        self.n_multipliers = n_obj - 1
        shape = (self.n_multipliers,) if self.n_runs is None else (self.n_runs, self.n_multipliers)
        self.multiplier = nn.Parameter(torch.full(shape, self.multiplier_init, dtype=self.values.dtype))
        self.multiplier.register_hook(_negate)

    def __setstate__(self, state):
        # copy.deepcopy and pickle rebuild the parameter without its hooks
        super().__setstate__(state)
        self.multiplier.register_hook(_negate)

    @property
    def settings(self) -> tuple:
        return (("damping", self.damping), ("constraint", self.constraint))

    @property
    def multiplier_min(self) -> float:
        return 0.0 if self.constraint == "le" else -math.inf

    @property
    def scale(self) -> None:
        return None

    def project_(self) -> EpsilonConstraint:
        """Clamp the multipliers at ``multiplier_min`` in place (0 for ``"le"``); returns self.

        Call it after each ``opt.step()`` (projected gradient ascent); a no-op for ``"eq"``.
        """
        with torch.no_grad():
            self.multiplier.clamp_(min=self.multiplier_min)
        return self

    def _multipliers(self, B: int, given: Tensor | None) -> Tensor:
        if given is not None:
            return given
        lam = self.multiplier
        if lam.ndim == 2:
            return lam
        if B != 1:
            raise ParetolabError(
                f"epsilon: this EpsilonConstraint holds one run's multiplier (epsilon of shape "
                f"{tuple(self.values.shape)}); give one epsilon per run to scalarise a batch of {B}"
            )
        return lam[None]


def make_scalarizer(method: str, values, n_obj: int = 2, *, ideal=None, augment: float = 0.0,
                    smooth: float = 0.0, damping: float = 10.0, constraint: str = "eq",
                    dtype: torch.dtype = torch.float64) -> Scalarization:
    """The scalarisation ``method`` with per-run ``values`` (alpha, weights, or eps for ``"eps"``).

    Parameters
    ----------
    method : {"linear", "chebyshev", "eps"}
        :class:`WeightedSum`, :class:`Chebyshev` or :class:`EpsilonConstraint`.
    values : array_like
        Per-run alpha (or weights), or eps for ``"eps"``.
    n_obj : int
    ideal, augment, smooth
        :class:`Chebyshev`'s options (ignored otherwise).
    damping, constraint
        :class:`EpsilonConstraint`'s options (ignored otherwise).
    dtype : torch.dtype

    Examples
    --------
    >>> s = make_scalarizer("linear", [0.5, 2.0])
    >>> s(torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64))
    tensor([1.5000, 3.0000], dtype=torch.float64)
    >>> make_scalarizer("eps", [0.5, 0.7], constraint="le")
    EpsilonConstraint(values of shape (2,), n_obj=2, damping=10.0, constraint='le')
    >>> make_scalarizer("ridge", [1.0])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: method: expected one of ('linear', 'chebyshev', 'eps'), got 'ridge'
    """
    check_method(method)
    if method == "linear":
        return WeightedSum(values, n_obj=n_obj, dtype=dtype)
    if method == "chebyshev":
        return Chebyshev(values, ideal=ideal, augment=augment, smooth=smooth, n_obj=n_obj, dtype=dtype)
    return EpsilonConstraint(values, damping=damping, constraint=constraint, n_obj=n_obj, dtype=dtype)
