"""Step 2 of problem -> plan -> training -> runs: which runs to make.

A :class:`Plan` is the product of methods x values x seeds, in that order (method-major, then
value, then seed), with the spec it came from. Values are the weight alpha of ``L = L0 +
alpha*L1`` (``"linear"``, ``"chebyshev"``), the constraint level eps of ``"eps"`` (minimise
L0 subject to L1 = eps), or, for ``m > 2`` objectives, one weight vector per row. A seed sets
a run's initialisation, so the same seed starts from the same point for every value and method.

Value specs (the CLI's ``--alphas`` / ``--epsilons``), parsed by :func:`parse_alphas`:

==========================  ===================================================
``log:1e-2:1e2:21``         21 values on a log grid from 1e-2 to 1e2
``lin:0:5:11``              11 values on a linear grid from 0 to 5
``rand:0:5:50``             50 uniform draws in [0, 5] (seeded, sorted)
``rand-log:1e-2:1e2:50``    50 log-uniform draws in [1e-2, 1e2] (seeded, sorted)
``1,2,5``                   an explicit list (one value is fine: ``3``)
==========================  ===================================================

>>> p = make_plan(methods="linear", alphas="lin:0.5:2:2", seeds=2)
>>> len(p), p.alpha.tolist(), p.seed.tolist()
(4, [0.5, 0.5, 2.0, 2.0], [0, 1, 0, 1])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from paretolab.errors import ParetolabError

__all__ = ["GRID_KINDS", "METHODS", "Plan", "check_applicable", "check_method", "grid", "make_plan", "parse_alphas", "parse_seeds",
           "parse_values"]

GRID_KINDS = ("lin", "log", "rand", "rand-log")
METHODS = ("linear", "chebyshev", "eps")
"""Scalarisations a plan can name; :func:`paretolab.scalarize.make_scalarizer` builds each:
the weighted sum, Chebyshev and the epsilon-constraint (minimise L0 subject to L1 = eps, by
MDMM)."""


def check_method(method) -> str:
    """``method`` if it is one of :data:`METHODS`; the old name ``"mdmm"`` is refused with the new.

    >>> check_method("mdmm")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: method: 'mdmm' is now called 'eps' (the epsilon-constraint it solves: minimise L0 subject to L1 = eps); expected one of ('linear', 'chebyshev', 'eps')
    """
    if method == "mdmm":
        raise ParetolabError("method: 'mdmm' is now called 'eps' (the epsilon-constraint it solves: minimise L0 "
                             f"subject to L1 = eps); expected one of {METHODS}")
    if method not in METHODS:
        raise ParetolabError(f"method: expected one of {METHODS}, got {method!r}")
    return method


def grid(kind: str, lo: float, hi: float, n: int, *, seed: int = 0, name: str = "alphas") -> np.ndarray:
    """``n`` values from ``lo`` to ``hi``: ``"lin"``, ``"log"``, ``"rand"`` or ``"rand-log"``.

    Random draws use ``numpy.random.default_rng(seed)`` and are returned sorted.

    Examples
    --------
    >>> grid("log", 0.01, 100, 5)
    array([1.e-02, 1.e-01, 1.e+00, 1.e+01, 1.e+02])
    >>> grid("lin", 0, 5, 3)
    array([0. , 2.5, 5. ])
    >>> grid("rand", 0, 1, 3, seed=1).round(3)
    array([0.144, 0.512, 0.95 ])
    """
    if kind not in GRID_KINDS:
        raise ParetolabError(f"{name}: expected a grid kind in {GRID_KINDS}, got {kind!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParetolabError(f"{name}: expected a number of values >= 1, got {n!r}")
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ParetolabError(f"{name}: expected finite bounds lo <= hi, got lo={lo!r}, hi={hi!r}")
    if kind in ("log", "rand-log") and lo <= 0:
        raise ParetolabError(f"{name}: a {kind!r} grid needs lo > 0, got lo={lo!r}")
    if kind == "lin":
        return np.linspace(lo, hi, n)
    if kind == "log":
        return np.geomspace(lo, hi, n)
    rng = np.random.default_rng(seed)
    if kind == "rand":
        return np.sort(rng.uniform(lo, hi, n))
    return np.sort(np.exp(rng.uniform(math.log(lo), math.log(hi), n)))


def parse_alphas(spec: str, *, seed: int = 0, name: str = "alphas") -> np.ndarray:
    """Parse an alpha (or eps) spec: ``log:LO:HI:N``, ``lin:LO:HI:N``, ``rand:LO:HI:N``,
    ``rand-log:LO:HI:N`` or a comma-separated list ``1,2,5``.

    Examples
    --------
    >>> parse_alphas("lin:0:5:11")[:3]
    array([0. , 0.5, 1. ])
    >>> parse_alphas("1,2,5")
    array([1., 2., 5.])
    >>> parse_alphas("cubic:0:1:3")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: alphas: expected 'KIND:LO:HI:N' with KIND in ('lin', 'log', 'rand', 'rand-log') or a list like '1,2,5', got 'cubic:0:1:3'
    """
    text = str(spec).strip()
    usage = f"expected 'KIND:LO:HI:N' with KIND in {GRID_KINDS} or a list like '1,2,5', got {spec!r}"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 4 or parts[0] not in GRID_KINDS:
            raise ParetolabError(f"{name}: {usage}")
        try:
            lo, hi = float(parts[1]), float(parts[2])
            n = int(parts[3])
        except ValueError:
            raise ParetolabError(f"{name}: {usage}") from None
        return grid(parts[0], lo, hi, n, seed=seed, name=name)
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ParetolabError(f"{name}: {usage}") from None
    if not values:
        raise ParetolabError(f"{name}: expected at least one value, got {spec!r}")
    return np.asarray(values)


def parse_values(arg, name: str = "alphas", *, seed: int = 0) -> np.ndarray:
    """Alpha or eps values from numbers or a spec string: finite, ``>= 0``, at least one.

    >>> parse_values([0.5, 2]).tolist()
    [0.5, 2.0]
    >>> parse_values([-1.0])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: alphas: expected finite values >= 0 (L = L0 + alpha*L1), got [-1.0]
    """
    if isinstance(arg, str):
        v = parse_alphas(arg, seed=seed, name=name)
    else:
        try:
            v = np.array(arg, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ParetolabError(f"{name}: expected numbers or a spec string, got {arg!r}") from None
    if v.size == 0:
        raise ParetolabError(f"{name}: expected at least one value, got an empty grid")
    if not np.isfinite(v).all() or (v < 0).any():
        bad = v[~(np.isfinite(v) & (v >= 0))]
        raise ParetolabError(f"{name}: expected finite values >= 0 (L = L0 + alpha*L1), got {bad[:5].tolist()}")
    return v


def parse_seeds(seeds) -> np.ndarray:
    """Seeds from a count ``N`` (``0..N-1``) or a list of ints.

    >>> parse_seeds(3).tolist(), parse_seeds([7, 9]).tolist()
    ([0, 1, 2], [7, 9])
    """
    usage = f"seeds: expected a number of seeds >= 1 or a list of ints, got {seeds!r}"
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ParetolabError(usage)
        return np.arange(int(seeds))
    try:
        s = np.asarray(list(seeds))
    except TypeError:
        raise ParetolabError(usage) from None
    if s.size == 0 or s.dtype.kind not in "iu":
        raise ParetolabError(f"seeds: expected a non-empty list of ints, got {seeds!r}")
    return s.astype(np.int64)


@dataclass(frozen=True)
class Plan:
    """The runs to make, one row per run: method-major, then value, then seed.

    ``alpha`` is NaN for ``"eps"`` runs and for ``m > 2`` objectives, ``epsilon`` NaN for the
    others; ``weights`` ``(K, m)`` holds each run's weight vector (``(1, alpha)`` for two
    objectives, the given rows for more, NaN for ``"eps"``). ``spec`` is what the values came
    from: ``{"alphas": str or None, "epsilons": str or None, "grid_seed": int}``.
    """

    method: np.ndarray  # (K,) str
    alpha: np.ndarray  # (K,)
    epsilon: np.ndarray  # (K,)
    weights: np.ndarray  # (K, m)
    seed: np.ndarray  # (K,) int64
    spec: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.seed.shape[0])

    def values(self, method: str) -> np.ndarray:
        """The per-run setting of the rows of ``method``: alpha, eps, or weight rows (m > 2).

        >>> make_plan(methods=["linear", "eps"], alphas=[1.0], epsilons=[0.3], seeds=1).values("eps")
        array([0.3])
        """
        rows = self.method == method
        if method == "eps":
            return self.epsilon[rows]
        if self.weights.shape[1] > 2:
            return self.weights[rows]
        return self.alpha[rows]


def make_plan(*, methods="linear", alphas=None, epsilons=None, weights=None, seeds=8, n_obj: int = 2,
              grid_seed: int = 0, problem: str = "") -> Plan:
    """Build a :class:`Plan`, checking that each method gets the values it sweeps.

    ``"linear"`` and ``"chebyshev"`` sweep ``alphas`` (two objectives) or ``weights`` (a
    ``(W, m)`` array, ``m > 2`` objectives); ``"eps"`` sweeps ``epsilons`` (two objectives).
    ``problem`` names the problem in error messages.

    Examples
    --------
    >>> p = make_plan(methods=["linear", "eps"], alphas=[0.5, 2.0], epsilons=[1.0], seeds=2)
    >>> p.method.tolist(), p.epsilon[4:].tolist()
    (['linear', 'linear', 'linear', 'linear', 'eps', 'eps'], [1.0, 1.0])
    >>> make_plan(methods="ridge", alphas=[1.0])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: method: expected one of ('linear', 'chebyshev', 'eps'), got 'ridge'
    """
    methods = [methods] if isinstance(methods, str) else list(methods)
    if not methods:
        raise ParetolabError(f"method: expected one of {METHODS} or a list of them, got an empty list")
    for m in methods:
        check_method(m)
    methods = list(dict.fromkeys(methods))
    which = f"problem {problem!r}" if problem else "this problem"
    seed_list = parse_seeds(seeds)
    values = {}
    if n_obj > 2:
        if "eps" in methods:
            raise ParetolabError(f"method: 'eps' sweeps support 2 objectives, {which} has {n_obj}; "
                                 "use 'linear' or 'chebyshev' with weights=...")
        if weights is None or alphas is not None:
            raise ParetolabError(f"weights: {which} has {n_obj} objectives; pass weights=... of shape (W, "
                                 f"{n_obj}) instead of alphas (alpha is the weight of L1 for 2 objectives)")
        w = np.array(weights, dtype=float)
        if w.ndim != 2 or w.shape[1] != n_obj or w.shape[0] == 0:
            raise ParetolabError(f"weights: expected shape (W, {n_obj}) with W >= 1, got {w.shape}")
        if not np.isfinite(w).all() or (w < 0).any() or (w.sum(1) <= 0).any():
            raise ParetolabError("weights: expected finite values >= 0 with a positive sum in every row")
        values = {m: w for m in methods}
    else:
        if weights is not None:
            raise ParetolabError("weights: for 2 objectives pass alphas (L = L0 + alpha*L1) instead")
        for m in methods:
            if m == "eps":
                if epsilons is None:
                    raise ParetolabError("epsilons: method 'eps' sweeps eps (min L0 s.t. L1 = eps); pass "
                                         "epsilons=...")
                values[m] = parse_values(epsilons, "epsilons", seed=grid_seed)
            else:
                if alphas is None:
                    raise ParetolabError(f"alphas: method {m!r} sweeps alpha; pass alphas=... (e.g. "
                                         "'log:1e-2:1e2:21')")
                values[m] = parse_values(alphas, "alphas", seed=grid_seed)
    method, value, seed = [], [], []
    for m in methods:
        v = values[m]
        method += [m] * (v.shape[0] * seed_list.size)
        value.append(np.repeat(v, seed_list.size, axis=0))
        seed.append(np.tile(seed_list, v.shape[0]))
    method = np.asarray(method)
    value = np.concatenate(value)
    K = method.size
    if n_obj > 2:
        alpha, epsilon, w = np.full(K, np.nan), np.full(K, np.nan), value
    else:
        is_eps = method == "eps"
        alpha = np.where(is_eps, np.nan, value)
        epsilon = np.where(is_eps, value, np.nan)
        w = np.c_[np.where(is_eps, np.nan, 1.0), alpha]
    spec = {"alphas": alphas.strip() if isinstance(alphas, str) else None,
            "epsilons": epsilons.strip() if isinstance(epsilons, str) else None, "grid_seed": int(grid_seed)}
    return Plan(method, alpha, epsilon, w, np.concatenate(seed).astype(np.int64), spec)


def check_applicable(methods, alphas, epsilons, budget, **options) -> None:
    """Refuse (never ignore) the options of a method not in this sweep, values for no method in
    it, and a budget without an ``auto`` spec; ``options`` not given are ``None``.

    >>> check_applicable(["linear"], "log:0.1:10:3", None, None, damping=None)
    >>> check_applicable(["linear"], "log:0.1:10:3", None, None, damping=3.0)
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: damping: a setting of method 'eps', which this sweep does not run (methods: linear); got damping=3.0
    """
    owner = {"ideal": "chebyshev", "augment": "chebyshev", "smooth": "chebyshev", "damping": "eps",
             "constraint": "eps", "weights": "linear or chebyshev"}
    for name, value in options.items():
        if value is not None and not set(owner[name].split(" or ")) & set(methods):
            raise ParetolabError(f"{name}: a setting of method {owner[name]!r}, which this sweep does not run (methods: "
                                 f"{', '.join(methods)}); got {name}={value!r}")
    if epsilons is not None and "eps" not in methods:
        raise ParetolabError(f"epsilons: values of method 'eps', which this sweep does not run (methods: "
                             f"{', '.join(methods)}); add method='eps' (CLI: --method {','.join(methods)},eps)")
    if alphas is not None and not set(methods) - {"eps"}:
        raise ParetolabError("alphas: values of methods 'linear' and 'chebyshev'; this sweep runs only 'eps' (pass "
                             "epsilons=...)")
    auto = any(isinstance(v, str) and v.strip().startswith("auto") for v in (alphas, epsilons))
    if budget is not None and not auto:
        raise ParetolabError(f"budget: the number of runs of an 'auto:LO:HI' plan; no auto spec was given (got "
                             f"budget={budget!r})")
