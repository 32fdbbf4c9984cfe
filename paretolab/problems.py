"""Test problems: objectives defined once, in torch, on a batch of parameter vectors.

A :class:`Problem` is a frozen record. Its ``objectives`` function maps a ``(B, n_var)`` tensor
to a ``(B, n_obj)`` tensor of losses, all minimised, row ``b`` depending on row ``b`` only (so
``B`` independent runs train as one tensor). ``bounds`` is the box ``(lo, hi)`` used for
initialisation, for projection during training and by NSGA-II. Everything else is optional.

Defining one's own problem takes a torch function and a box::

    >>> import torch
    >>> def two_parabolas(x):                      # (B, 2) -> (B, 2)
    ...     return torch.stack([((x - 1) ** 2).sum(1), ((x + 1) ** 2).sum(1)], dim=1)
    >>> mine = Problem(name="mine", n_var=2, n_obj=2, objectives=two_parabolas, bounds=(-2, 2))
    >>> mine.evaluate(torch.zeros(3, 2)).shape
    torch.Size([3, 2])

Built-in problems are registered by name: :func:`problem_names` lists them and
:func:`get_problem` builds one, passing keyword options (e.g. ``n_var``) to its factory.

Box handling: the trainer (:mod:`paretolab.train`) takes a projected-gradient step (clamps each
parameter into ``bounds`` after every optimiser step) and measures stationarity with the
projected gradient, so problems whose optimum lies on the box (ZDT, DTLZ2) converge without a
reparametrisation. Objective functions stay finite and differentiable everywhere inside the box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from paretolab.errors import ParetolabError

__all__ = [
    "Problem",
    "get_problem",
    "problem_names",
    "register_problem",
]

Tensor = torch.Tensor


@dataclass(frozen=True)
class Problem:
    """A multi-objective problem: ``objectives`` maps ``(B, n_var)`` to ``(B, n_obj)`` losses.

    Parameters
    ----------
    name : str
        Short name (registry key for the built-in problems).
    n_var, n_obj : int
        Number of parameters per run and number of objectives (``n_obj >= 2``).
    objectives : callable
        ``objectives(x) -> f`` with ``x`` a ``(B, n_var)`` tensor and ``f`` a ``(B, n_obj)``
        tensor, differentiable with torch autograd; row ``b`` of ``f`` depends on row ``b`` of
        ``x`` only. Every objective is minimised.
    bounds : (lo, hi)
        The box, each a number or a sequence of ``n_var`` numbers, ``lo < hi``.
    init : callable, optional
        ``init(n, generator, dtype) -> (n, n_var)`` tensor of initial points. Default: uniform
        in ``bounds``.
    front : callable, optional
        ``front(n) -> (n, n_obj)`` array: the analytic Pareto front sampled at ``n`` points
        (``None`` when unknown). Read it through :meth:`true_front`.
    pareto_set : callable, optional
        ``pareto_set(n) -> (n, n_var)`` array whose objectives are ``front(n)``, row by row.
    description : str
        One line on the shape of the front.

    Examples
    --------
    >>> p = get_problem("fonseca", n_var=2)
    >>> p.name, p.n_var, p.n_obj
    ('fonseca', 2, 2)
    >>> p.true_front(3).round(3)
    array([[0.   , 0.982],
           [0.632, 0.632],
           [0.982, 0.   ]])
    """

    name: str
    n_var: int
    n_obj: int
    objectives: Callable[[Tensor], Tensor]
    bounds: tuple
    init: Callable | None = None
    front: Callable[[int], np.ndarray] | None = None
    pareto_set: Callable[[int], np.ndarray] | None = None
    description: str = ""
    options: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ParetolabError(f"name: expected a non-empty string, got {self.name!r}")
        for arg, low in (("n_var", 1), ("n_obj", 2)):
            value = getattr(self, arg)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ParetolabError(f"{arg}: expected an integer >= {low}, got {value!r}")
        if not callable(self.objectives):
            raise ParetolabError(f"objectives: expected a callable (B, n_var) -> (B, n_obj), got {self.objectives!r}")
        lo, hi = self.box()
        if not (np.isfinite(lo).all() and np.isfinite(hi).all() and (lo < hi).all()):
            raise ParetolabError(f"bounds: expected finite (lo, hi) with lo < hi, got {self.bounds!r}")

    # ----------------------------------------------------------------- helpers
    def box(self) -> tuple[np.ndarray, np.ndarray]:
        """The bounds as two float arrays of shape ``(n_var,)``.

        >>> get_problem("dent").box()
        (array([-1.5, -1.5]), array([1.5, 1.5]))
        """
        try:
            lo, hi = self.bounds
            lo = np.broadcast_to(np.asarray(lo, dtype=float), (self.n_var,)).copy()
            hi = np.broadcast_to(np.asarray(hi, dtype=float), (self.n_var,)).copy()
        except (TypeError, ValueError):
            raise ParetolabError(
                f"bounds: expected (lo, hi), each a number or {self.n_var} numbers, got {self.bounds!r}"
            ) from None
        return lo, hi

    def sample(self, n: int, *, seed: int | None = None, generator: torch.Generator | None = None,
               dtype: torch.dtype = torch.float64) -> Tensor:
        """``n`` initial points, shape ``(n, n_var)``, from ``init`` (default: uniform in the box).

        Pass ``seed`` (an int) or a ``torch.Generator``; the same seed gives the same points.

        >>> get_problem("dent").sample(2, seed=0).shape
        torch.Size([2, 2])
        """
        if generator is None:
            generator = torch.Generator().manual_seed(0 if seed is None else int(seed))
        if self.init is not None:
            x = torch.as_tensor(self.init(n, generator, dtype), dtype=dtype)
        else:
            lo, hi = (torch.as_tensor(b, dtype=dtype) for b in self.box())
            x = lo + (hi - lo) * torch.rand(n, self.n_var, generator=generator, dtype=dtype)
        if x.shape != (n, self.n_var):
            raise ParetolabError(f"init: expected a tensor of shape ({n}, {self.n_var}), got {tuple(x.shape)}")
        return x

    def evaluate(self, x) -> Tensor:
        """Objectives of a batch, with shape checks: ``(B, n_var) -> (B, n_obj)``.

        >>> get_problem("convex", n_var=2).evaluate(torch.zeros(1, 2, dtype=torch.float64)).round(decimals=6)
        tensor([[1., 1.]], dtype=torch.float64)
        """
        x = torch.as_tensor(x, dtype=torch.float64) if not isinstance(x, Tensor) else x
        if x.ndim != 2 or x.shape[1] != self.n_var:
            raise ParetolabError(f"x: expected shape (B, {self.n_var}), got {tuple(x.shape)}")
        f = self.objectives(x)
        if f.shape != (x.shape[0], self.n_obj):
            raise ParetolabError(
                f"objectives of problem {self.name!r}: expected shape ({x.shape[0]}, {self.n_obj}), "
                f"got {tuple(f.shape)}"
            )
        return f

    def true_front(self, n: int = 201) -> np.ndarray | None:
        """The analytic Pareto front at ``n`` points, ``(n, n_obj)``, or ``None`` when unknown.

        >>> get_problem("mlp").true_front() is None
        True
        """
        if self.front is None:
            return None
        return np.asarray(self.front(int(n)), dtype=float)


# --------------------------------------------------------------------------- registry
_REGISTRY: dict[str, tuple[Callable[..., Problem], str]] = {}


def register_problem(name: str, factory: Callable[..., Problem], description: str = "") -> None:
    """Register ``factory(**options) -> Problem`` under ``name`` (replacing any previous one).

    >>> register_problem("tmp", lambda: get_problem("convex"))
    >>> "tmp" in problem_names()
    True
    >>> _ = _REGISTRY.pop("tmp")
    """
    if not isinstance(name, str) or not name:
        raise ParetolabError(f"name: expected a non-empty string, got {name!r}")
    _REGISTRY[name] = (factory, description)


def problem_names() -> list[str]:
    """Sorted names of the registered problems.

    >>> "fonseca" in problem_names()
    True
    """
    return sorted(_REGISTRY)


def problem_descriptions() -> dict[str, str]:
    """``{name: one-line description}`` of the registered problems.

    >>> problem_descriptions()["zdt2"]
    'ZDT2: concave front f2 = 1 - f1^2'
    """
    return {name: _REGISTRY[name][1] for name in problem_names()}


def get_problem(name, **options) -> Problem:
    """Build a registered problem; ``options`` go to its factory (e.g. ``n_var=10``).

    The same name and options give the same :class:`Problem` object (a problem is frozen and
    its functions are pure), so a second sweep of it reuses what was compiled for the first.
    A :class:`Problem` passed as ``name`` is returned unchanged (options not allowed).

    >>> get_problem("fonseca").n_var
    10
    >>> get_problem("fonseca", n_var=3) is get_problem("fonseca", n_var=3)
    True
    >>> get_problem("nope")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: problem: expected one of the registered names ['convex', 'dent', 'dtlz2', 'fonseca', 'hadamard_lasso', 'hadamard_ridge', 'mlp', 'zdt1', 'zdt2', 'zdt3'] or a Problem, got 'nope'
    """
    if isinstance(name, Problem):
        if options:
            raise ParetolabError(f"options: a Problem instance takes no options, got {sorted(options)}")
        return name
    if name not in _REGISTRY:
        raise ParetolabError(
            f"problem: expected one of the registered names {problem_names()} or a Problem, got {name!r}"
        )
    factory = _REGISTRY[name][0]
    # the option's type is part of the key: n_var=3.0 must still be refused, not served n_var=3
    key = (name, factory, tuple(sorted((k, type(v), v) for k, v in options.items())))
    try:
        return _BUILT[key]
    except TypeError:  # an unhashable option: build without memoising
        key = None
    except KeyError:
        pass
    try:
        problem = factory(**options)
    except TypeError as exc:
        raise ParetolabError(f"options for problem {name!r}: {exc}") from None
    if key is not None:
        if len(_BUILT) >= 256:
            _BUILT.clear()
        _BUILT[key] = problem
    return problem


_BUILT: dict = {}
"""Problems built by :func:`get_problem`, by (name, factory, options)."""


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ParetolabError(f"{name}: expected an integer >= {low}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- convex
def _convex(n_var: int = 2) -> Problem:
    n = _check_int("n_var", n_var, 1)
    c = 1.0 / math.sqrt(n)

    def objectives(x):
        d1, d2 = x - c, x + c
        return torch.stack([(d1 * d1).sum(1), (d2 * d2).sum(1)], dim=1)

    # Pareto set x_i = s/sqrt(n), s in [-1, 1]: f = ((s - 1)^2, (s + 1)^2), i.e.
    # sqrt(f1) + sqrt(f2) = 2, a strictly convex curve (derived by hand: for fixed f2 the
    # minimum of f1 lies on the segment between the two centres).
    def pareto_set(k):
        s = np.linspace(1.0, -1.0, k)
        return np.repeat(s[:, None] * c, n, axis=1)

    def front(k):
        s = np.linspace(1.0, -1.0, k)
        return np.c_[(s - 1) ** 2, (s + 1) ** 2]

    return Problem("convex", n, 2, objectives, (-2.0, 2.0), front=front, pareto_set=pareto_set,
                   description="two squared distances: strictly convex front sqrt(f1) + sqrt(f2) = 2",
                   options={"n_var": n})


# --------------------------------------------------------------------------- Fonseca-Fleming
def _fonseca(n_var: int = 10) -> Problem:
    n = _check_int("n_var", n_var, 1)
    c = 1.0 / math.sqrt(n)

    def objectives(x):
        # (d * d).sum(1) rather than (d ** 2).sum(1): the same values, and its backward is
        # about 1.5x faster on CPU (pow's backward multiplies the expanded gradient twice)
        d1, d2 = x - c, x + c
        return torch.stack([-torch.expm1(-(d1 * d1).sum(1)), -torch.expm1(-(d2 * d2).sum(1))], dim=1)

    def init(k, generator, dtype):
        # Uniform in [-1, 1]^n rather than the box [-4, 4]^n: far from the front both
        # objectives are 1 - exp(-50) = 1.0 in floating point and the gradient underflows.
        return 2 * torch.rand(k, n, generator=generator, dtype=dtype) - 1

    # Fonseca & Fleming (1995), as used by Pareto-MTL / EPO: Pareto set x_i = s/sqrt(n),
    # s in [-1, 1], hence f1 = 1 - exp(-(s - 1)^2), f2 = 1 - exp(-(s + 1)^2).
    def pareto_set(k):
        s = np.linspace(1.0, -1.0, k)
        return np.repeat(s[:, None] * c, n, axis=1)

    def front(k):
        s = np.linspace(1.0, -1.0, k)
        return np.c_[-np.expm1(-((s - 1) ** 2)), -np.expm1(-((s + 1) ** 2))]

    return Problem("fonseca", n, 2, objectives, (-4.0, 4.0), init=init, front=front,
                   pareto_set=pareto_set,
                   description="Fonseca-Fleming: locally convex end caps around a concave core",
                   options={"n_var": n})


# --------------------------------------------------------------------------- DENT
_DENT_LAMBDA = 0.85


def _dent() -> Problem:
    lam = _DENT_LAMBDA

    def objectives(x):
        x1, x2 = x[:, 0], x[:, 1]
        base = 0.5 * (torch.sqrt(1 + (x1 + x2) ** 2) + torch.sqrt(1 + (x1 - x2) ** 2))
        d = lam * torch.exp(-((x1 - x2) ** 2))
        return torch.stack([base + 0.5 * (x1 - x2) + d, base - 0.5 * (x1 - x2) + d], dim=1)

    # DENT as in jMetal (Dent.java) and smoof: lambda = 0.85, box [-1.5, 1.5]^2. For a fixed
    # difference d = x1 - x2 both objectives are minimised by x1 + x2 = 0 (the only place the
    # sum enters is sqrt(1 + (x1 + x2)^2)), so the front is x1 = -x2 = d/2, d in [-3, 3]:
    # f1,2 = (1 + sqrt(1 + d^2) +/- d)/2 + lambda exp(-d^2). Both are monotone in d
    # (checked numerically on 20001 points), so every point of that curve is nondominated.
    def pareto_set(k):
        d = np.linspace(-3.0, 3.0, k)
        return np.c_[d / 2, -d / 2]

    def front(k):
        d = np.linspace(-3.0, 3.0, k)
        base = 0.5 * (1 + np.sqrt(1 + d**2)) + lam * np.exp(-(d**2))
        return np.c_[base + d / 2, base - d / 2]

    return Problem("dent", 2, 2, objectives, (-1.5, 1.5), front=front, pareto_set=pareto_set,
                   description="DENT (jMetal): two convex pieces around a concave dent")


# --------------------------------------------------------------------------- ZDT
# Zitzler, Deb & Thiele (2000). Box [0, 1]^n, handled by projection in the trainer. The
# square root is taken of max(r, 1e-30): the gradient stays finite at f1 = 0 and every value
# above 1e-30 is exact. Pareto set: x_1 = f1, x_2.. = 0 (g = 1).
_ZDT3_REGIONS = (
    # Disconnected pieces of the ZDT3 front in f1, as tabulated by pymoo's ZDT3.pareto_front
    # (computed from where 1 - sqrt(f1) - f1 sin(10 pi f1) is nondominated).
    (0.0, 0.0830015349),
    (0.1822287280, 0.2577623634),
    (0.4093136748, 0.4538821041),
    (0.6183967944, 0.6525117038),
    (0.8233317983, 0.8518328654),
)


def _sqrt_pos(r):
    """sqrt(r) for r >= 0 whose gradient stays large (not zero, not inf) at r = 0.

    Clamping alone would zero the gradient below the clamp: a run pushed onto the box edge
    x1 = 0 of ZDT would then look stationary although sqrt's slope drives it back inside.
    """
    tiny = 1e-30
    return torch.where(r > tiny, torch.sqrt(torch.clamp(r, min=tiny)), r / (2 * tiny**0.5))


def _zdt(kind: int, n_var: int = 30) -> Problem:
    n = _check_int("n_var", n_var, 2)

    def objectives(x):
        f1 = x[:, 0]
        g = 1 + 9.0 / (n - 1) * x[:, 1:].sum(1)
        r = f1 / g
        if kind == 1:
            h = 1 - _sqrt_pos(r)
        elif kind == 2:
            h = 1 - r**2
        else:
            h = 1 - _sqrt_pos(r) - r * torch.sin(10 * math.pi * f1)
        return torch.stack([f1, g * h], dim=1)

    def f1_values(k):
        if kind != 3:
            return np.linspace(0.0, 1.0, k)
        lengths = np.array([b - a for a, b in _ZDT3_REGIONS])
        u = np.linspace(0.0, lengths.sum(), k)
        edges = np.concatenate([[0.0], np.cumsum(lengths)])
        piece = np.clip(np.searchsorted(edges, u, side="right") - 1, 0, len(lengths) - 1)
        return np.array([_ZDT3_REGIONS[p][0] for p in piece]) + (u - edges[piece])

    def front(k):
        f1 = f1_values(k)
        if kind == 1:
            f2 = 1 - np.sqrt(f1)  # convex
        elif kind == 2:
            f2 = 1 - f1**2  # concave
        else:
            f2 = 1 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1)  # disconnected
        return np.c_[f1, f2]

    def pareto_set(k):
        x = np.zeros((k, n))
        x[:, 0] = f1_values(k)
        return x

    shape = {1: "convex front f2 = 1 - sqrt(f1)", 2: "concave front f2 = 1 - f1^2",
             3: "disconnected front, five pieces"}[kind]
    return Problem(f"zdt{kind}", n, 2, objectives, (0.0, 1.0), front=front, pareto_set=pareto_set,
                   description=f"ZDT{kind}: {shape}", options={"n_var": n})


# --------------------------------------------------------------------------- Hadamard
def _hadamard(penalty: str) -> Problem:
    def objectives(x):
        p = x[:, 0] * x[:, 1]
        reg = x.abs().sum(1) if penalty == "lasso" else (x**2).sum(1)
        return torch.stack([0.5 * (1 - p) ** 2, reg], dim=1)

    # Derived by hand. For a fixed penalty t = L1, L0 = (1 - p)^2 / 2 is smallest for the
    # largest product p = w1 w2 <= 1, reached at w1 = w2 = u (|w1| + |w2| = t and
    # w1^2 + w2^2 = t both maximise the product on the diagonal). So the front is
    # w1 = w2 = u, u in [0, 1]: L0 = (1 - u^2)^2 / 2 and L1 = 2u (lasso, concave-then-convex
    # in (L0, L1), t = L1 in [0, 2]) or L1 = 2u^2 (ridge, L0 = (1 - L1/2)^2 / 2, convex).
    # u runs from 1 down to 0 so that the front comes in pareto_front order (L0 increasing).
    def pareto_set(k):
        u = np.linspace(1.0, 0.0, k)
        return np.c_[u, u]

    def front(k):
        u = np.linspace(1.0, 0.0, k)
        return np.c_[0.5 * (1 - u**2) ** 2, 2 * u if penalty == "lasso" else 2 * u**2]

    desc = (
        "Hadamard lasso p = w1*w2, L0 = (1-p)^2/2, L1 = |w1|+|w2|: concave then convex front, "
        "seed-dependent collapse to w = 0"
        if penalty == "lasso"
        else "Hadamard ridge p = w1*w2, L0 = (1-p)^2/2, L1 = w1^2+w2^2: convex front (control)"
    )
    return Problem(f"hadamard_{penalty}", 2, 2, objectives, (-2.0, 2.0), front=front,
                   pareto_set=pareto_set, description=desc)


# --------------------------------------------------------------------------- two-task MLP
def _mlp(hidden: int = 8, n_data: int = 32, data_seed: int = 0) -> Problem:
    h = _check_int("hidden", hidden, 1)
    n_data = _check_int("n_data", n_data, 2)
    gen = torch.Generator().manual_seed(int(data_seed))
    inputs = 2 * torch.rand(n_data, 2, generator=gen, dtype=torch.float64) - 1
    # Conflicting targets for one shared output: task A wants sin(3 x1), task B wants
    # -sin(3 x1) + x2. A perfect fit of one is a bad fit of the other.
    target_a = torch.sin(3 * inputs[:, 0])
    target_b = -torch.sin(3 * inputs[:, 0]) + inputs[:, 1]
    n_var = 2 * h + h + h + 1  # W1 (2 x h), b1 (h), w2 (h), b2 (1)

    def objectives(x):
        X, ya, yb = (t.to(x.dtype) for t in (inputs, target_a, target_b))
        w1 = x[:, : 2 * h].reshape(-1, 2, h)
        b1 = x[:, 2 * h : 3 * h]
        w2 = x[:, 3 * h : 4 * h]
        b2 = x[:, 4 * h]
        hid = torch.tanh(torch.einsum("nd,bdh->bnh", X, w1) + b1[:, None, :])
        out = torch.einsum("bnh,bh->bn", hid, w2) + b2[:, None]
        return torch.stack([((out - ya) ** 2).mean(1), ((out - yb) ** 2).mean(1)], dim=1)

    def init(k, generator, dtype):
        return torch.randn(k, n_var, generator=generator, dtype=dtype) * 0.5

    return Problem("mlp", n_var, 2, objectives, (-5.0, 5.0), init=init,
                   description=f"two-task MLP 2-{h}-1 ({n_var} parameters) on {n_data} fixed points, "
                   "conflicting targets; front unknown",
                   options={"hidden": h, "n_data": n_data, "data_seed": int(data_seed)})


# --------------------------------------------------------------------------- DTLZ2
def _dtlz2(n_var: int = 7) -> Problem:
    n = _check_int("n_var", n_var, 3)

    def objectives(x):
        g = ((x[:, 2:] - 0.5) ** 2).sum(1)
        a, b = x[:, 0] * (math.pi / 2), x[:, 1] * (math.pi / 2)
        r = 1 + g
        return torch.stack(
            [r * torch.cos(a) * torch.cos(b), r * torch.cos(a) * torch.sin(b), r * torch.sin(a)], dim=1
        )

    # Deb, Thiele, Laumanns & Zitzler (2002), DTLZ2 with 3 objectives, box [0, 1]^n: the
    # front is the positive octant of the unit sphere (g = 0 at x_3.. = 0.5), concave;
    # only its three corners are supported. Points: a Kronecker (R2) sequence on the angles.
    def angles(k):
        i = np.arange(k) + 0.5
        phi = 1.32471795724474602596  # plastic number
        return np.c_[np.mod(i / phi, 1.0), np.mod(i / phi**2, 1.0)]

    def pareto_set(k):
        x = np.full((k, n), 0.5)
        x[:, :2] = angles(k)
        return x

    def front(k):
        t = angles(k) * (np.pi / 2)
        return np.c_[np.cos(t[:, 0]) * np.cos(t[:, 1]), np.cos(t[:, 0]) * np.sin(t[:, 1]), np.sin(t[:, 0])]

    return Problem("dtlz2", n, 3, objectives, (0.0, 1.0), front=front, pareto_set=pareto_set,
                   description="DTLZ2, 3 objectives: concave front on the unit sphere",
                   options={"n_var": n})


register_problem("convex", _convex, "two squared distances: strictly convex front")
register_problem("fonseca", _fonseca, "Fonseca-Fleming: locally convex end caps around a concave core")
register_problem("dent", _dent, "DENT (jMetal): two convex pieces around a concave dent")
register_problem("zdt1", lambda n_var=30: _zdt(1, n_var), "ZDT1: convex front f2 = 1 - sqrt(f1)")
register_problem("zdt2", lambda n_var=30: _zdt(2, n_var), "ZDT2: concave front f2 = 1 - f1^2")
register_problem("zdt3", lambda n_var=30: _zdt(3, n_var), "ZDT3: disconnected front, five pieces")
register_problem("hadamard_lasso", lambda: _hadamard("lasso"),
                 "p = w1*w2, L1 = |w1|+|w2|: concave then convex front, collapse to w = 0")
register_problem("hadamard_ridge", lambda: _hadamard("ridge"),
                 "p = w1*w2, L1 = w1^2+w2^2: convex front (control)")
register_problem("mlp", _mlp, "two-task MLP on fixed synthetic data, conflicting targets; front unknown")
register_problem("dtlz2", _dtlz2, "DTLZ2, 3 objectives: concave front on the unit sphere")
