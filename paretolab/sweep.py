"""Sweeps: alpha (or eps) x seeds x method, trained as one batch, recorded per run.

A plan is the product of a list of alpha values (or eps values for ``"mdmm"``), a list of
seeds and one or more methods. The seed sets a run's initial point (``problem.sample(1,
seed=seed)``), so the same seed starts from the same point for every alpha and method, and a
run's result does not depend on which other runs share its batch.

Alpha specs (the CLI's ``--alphas``, also accepted by :func:`sweep`), parsed by
:func:`parse_alphas`:

==========================  ===================================================
``log:1e-2:1e2:21``         21 values on a log grid from 1e-2 to 1e2
``lin:0:5:11``              11 values on a linear grid from 0 to 5
``rand:0:5:50``             50 uniform draws in [0, 5] (seeded, sorted)
``rand-log:1e-2:1e2:50``    50 log-uniform draws in [1e-2, 1e2] (seeded, sorted)
``1,2,5``                   an explicit list (one value is fine: ``3``)
==========================  ===================================================
"""

from __future__ import annotations

import csv
import logging
import math
import os
from dataclasses import dataclass, field, fields
from typing import Callable, Sequence

import numpy as np

__all__ = ["SweepResult", "grid", "parse_alphas", "sweep", "linear_outcomes"]

log = logging.getLogger(__name__)

GRID_KINDS = ("lin", "log", "rand", "rand-log")


# --------------------------------------------------------------------------- plans
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
        raise ValueError(f"{name}: expected a grid kind in {GRID_KINDS}, got {kind!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name}: expected a number of values >= 1, got {n!r}")
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ValueError(f"{name}: expected finite bounds lo <= hi, got lo={lo!r}, hi={hi!r}")
    if kind in ("log", "rand-log") and lo <= 0:
        raise ValueError(f"{name}: a {kind!r} grid needs lo > 0, got lo={lo!r}")
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
    ValueError: alphas: expected 'KIND:LO:HI:N' with KIND in ('lin', 'log', 'rand', 'rand-log') or a list like '1,2,5', got 'cubic:0:1:3'
    """
    text = str(spec).strip()
    usage = f"expected 'KIND:LO:HI:N' with KIND in {GRID_KINDS} or a list like '1,2,5', got {spec!r}"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 4 or parts[0] not in GRID_KINDS:
            raise ValueError(f"{name}: {usage}")
        try:
            lo, hi = float(parts[1]), float(parts[2])
            n = int(parts[3])
        except ValueError:
            raise ValueError(f"{name}: {usage}") from None
        return grid(parts[0], lo, hi, n, seed=seed, name=name)
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{name}: {usage}") from None
    if not values:
        raise ValueError(f"{name}: expected at least one value, got {spec!r}")
    return np.asarray(values)


def _values(arg, name: str, seed: int) -> np.ndarray:
    if isinstance(arg, str):
        v = parse_alphas(arg, seed=seed, name=name)
    else:
        try:
            v = np.array(arg, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected numbers or a spec string, got {arg!r}") from None
    if v.size == 0:
        raise ValueError(f"{name}: expected at least one value, got an empty grid")
    if not np.isfinite(v).all() or (v < 0).any():
        bad = v[~(np.isfinite(v) & (v >= 0))]
        raise ValueError(f"{name}: expected finite values >= 0 (L = L0 + alpha*L1), got {bad[:5].tolist()}")
    return v


def _seeds(seeds) -> np.ndarray:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds: expected a number of seeds >= 1 or a list of ints, got {seeds!r}")
        return np.arange(int(seeds))
    try:
        s = np.asarray(list(seeds))
    except TypeError:
        raise ValueError(f"seeds: expected a number of seeds >= 1 or a list of ints, got {seeds!r}") from None
    if s.size == 0 or s.dtype.kind not in "iu":
        raise ValueError(f"seeds: expected a non-empty list of ints, got {seeds!r}")
    return s.astype(np.int64)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class SweepResult:
    """One row per run (``K`` runs); numpy arrays, first axis = run.

    ``alpha`` is NaN for MDMM runs and ``epsilon`` is NaN for the others; ``weights`` holds each
    run's weight vector (``(1, alpha)`` for two objectives, the given weights for more, NaN for
    MDMM) and ``alpha`` is NaN for problems with more than two objectives. ``converged``
    is the trainer's stationarity test; only converged, non-diverged runs are evidence
    (:meth:`reached`).

    Examples
    --------
    >>> r = sweep("convex", alphas=[0.5, 2.0], seeds=2, steps=1500)
    >>> r.reached().round(2)  # analytic: s = (1 - a)/(1 + a), f = ((s - 1)^2, (s + 1)^2)
    array([[0.44, 1.78],
           [0.44, 1.78],
           [1.78, 0.44],
           [1.78, 0.44]])
    >>> sorted(r.columns())[:4]
    ['L0', 'L1', 'alpha', 'avg_grad_norm']
    """

    problem: str
    method: np.ndarray  # (K,) str
    alpha: np.ndarray  # (K,)
    epsilon: np.ndarray  # (K,)
    seed: np.ndarray  # (K,) int
    objectives: np.ndarray  # (K, m)
    params: np.ndarray  # (K, n_var)
    loss: np.ndarray  # (K,)
    grad_norm: np.ndarray  # (K,)
    avg_grad_norm: np.ndarray  # (K,)
    converged: np.ndarray  # (K,) bool
    diverged: np.ndarray  # (K,) bool
    multipliers: np.ndarray  # (K, m - 1), NaN except for MDMM
    steps: int
    lr: float
    weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (K, m)
    snapshot_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    snapshot_objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    def __len__(self) -> int:
        return int(self.alpha.shape[0])

    def reached(self) -> np.ndarray:
        """Objectives of the converged, non-diverged runs: the evidence, ``(k, m)``."""
        return self.objectives[self.converged & ~self.diverged]

    def columns(self) -> dict[str, np.ndarray]:
        """Flat per-run columns (as written by :meth:`to_csv`)."""
        cols = {
            "method": self.method,
            "alpha": self.alpha,
            "epsilon": self.epsilon,
            "seed": self.seed,
        }
        for j in range(self.objectives.shape[1]):
            cols[f"L{j}"] = self.objectives[:, j]
        cols.update(loss=self.loss, grad_norm=self.grad_norm, avg_grad_norm=self.avg_grad_norm,
                    converged=self.converged, diverged=self.diverged)
        if self.weights.shape[1] > 2:
            for j in range(self.weights.shape[1]):
                cols[f"w{j}"] = self.weights[:, j]
        for j in range(self.multipliers.shape[1]):
            cols[f"lambda{j + 1}"] = self.multipliers[:, j]
        for j in range(self.params.shape[1]):
            cols[f"x{j}"] = self.params[:, j]
        return cols

    def to_csv(self, path, *, overwrite: bool = False) -> None:
        """Write one row per run; refuse to replace an existing file unless ``overwrite``.

        >>> import tempfile, pathlib
        >>> r = sweep("convex", alphas=[1.0], seeds=1, steps=10)
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "runs.csv"
        >>> r.to_csv(out)
        >>> out.read_text().splitlines()[0][:40]
        'method,alpha,epsilon,seed,L0,L1,loss,gra'
        """
        path = os.fspath(path)
        if os.path.exists(path) and not overwrite:
            raise FileExistsError(f"path: {path!r} exists; pass overwrite=True (CLI: --force) to replace it")
        cols = self.columns()
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for i in range(len(self)):
                w.writerow([_fmt(c[i]) for c in cols.values()])

    def to_dict(self) -> dict:
        """Plain-Python version (lists), ready for JSON."""
        out = {"problem": self.problem, "steps": self.steps, "lr": self.lr}
        for f in fields(self):
            if f.name in out or f.name.startswith("snapshot"):
                continue
            v = getattr(self, f.name)
            out[f.name] = np.where(np.isnan(v), None, v).tolist() if v.dtype.kind == "f" else v.tolist()
        return out


def _fmt(v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    return v.item() if hasattr(v, "item") else v


# --------------------------------------------------------------------------- running a plan
def sweep(
    problem,
    alphas=None,
    *,
    seeds=8,
    method: str | Sequence[str] = "linear",
    epsilons=None,
    weights=None,
    steps: int = 2000,
    lr: float = 1e-2,
    optimizer: str = "adam",
    gtol: float = 1e-4,
    window: int = 100,
    ideal=None,
    augment: float = 0.0,
    damping: float = 10.0,
    constraint: str = "eq",
    chunk_size: int = 4096,
    snapshot_every: int | None = None,
    threads: int | None = 1,
    dtype=None,
    grid_seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    problem_options: dict | None = None,
) -> SweepResult:
    """Train every (method, alpha or eps, seed) of a plan and record where each run lands.

    Parameters
    ----------
    problem : str or Problem
        A registered name (see :func:`paretolab.problems.problem_names`) or your own Problem.
    alphas : array_like or str
        Alpha values (``L = L0 + alpha * L1``) for ``"linear"`` and ``"chebyshev"``, or a spec
        such as ``"log:1e-2:1e2:21"`` (see :func:`parse_alphas`).
    seeds : int or sequence of int
        ``N`` means seeds ``0..N-1``.
    method : str or sequence of str
        ``"linear"``, ``"chebyshev"`` or ``"mdmm"``; several methods are swept one after another.
    epsilons : array_like or str
        Constraint levels for ``"mdmm"`` (minimise L0 subject to L1 = eps, or <= eps with
        ``constraint="le"``).
    weights : array_like, shape (W, m)
        For problems with ``m > 2`` objectives instead of ``alphas``: one weight vector per
        row (e.g. on the simplex), for ``"linear"`` and ``"chebyshev"``.
    steps, lr, optimizer, gtol, window, snapshot_every, threads
        Passed to :func:`paretolab.train.train`.
    ideal, augment
        Chebyshev ideal point (default: the minimum of the problem's analytic front per
        objective, or zeros when the front is unknown) and augmentation ``rho``.
    damping, constraint
        MDMM damping ``c`` and constraint kind (``"eq"`` or ``"le"``).
    chunk_size : int
        Runs trained together at most (memory bound).
    dtype : torch dtype, optional
        Default ``torch.float64``.
    grid_seed : int
        Seed for random alpha specs (``rand:...``).
    progress : callable, optional
        ``progress(done, total)`` in run-steps, for progress bars.
    problem_options : dict, optional
        Options for :func:`paretolab.problems.get_problem` (e.g. ``{"n_var": 2}``).

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> r = sweep("convex", alphas="lin:0.5:2:2", seeds=2, steps=1500)
    >>> len(r), r.alpha.tolist(), r.seed.tolist()
    (4, [0.5, 0.5, 2.0, 2.0], [0, 1, 0, 1])
    >>> bool(r.converged.all())
    True
    >>> sweep("convex", alphas=[-1.0])
    Traceback (most recent call last):
    ...
    ValueError: alphas: expected finite values >= 0 (L = L0 + alpha*L1), got [-1.0]
    """
    import torch

    from paretolab.problems import get_problem
    from paretolab.scalarize import METHODS, make_scalarizer
    from paretolab.train import train

    prob = get_problem(problem, **(problem_options or {}))
    methods = [method] if isinstance(method, str) else list(method)
    if not methods:
        raise ValueError(f"method: expected one of {METHODS} or a list of them, got an empty list")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method: expected one of {METHODS}, got {m!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps <= 0:
        raise ValueError(f"steps: expected an integer > 0, got {steps!r}")
    if not isinstance(lr, (int, float)) or not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"lr: expected a number > 0, got {lr!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected an integer >= 1, got {chunk_size!r}")
    seed_list = _seeds(seeds)
    m_obj = prob.n_obj
    values = {}
    if m_obj > 2:
        if "mdmm" in methods:
            raise ValueError(f"method: 'mdmm' sweeps support 2 objectives, problem {prob.name!r} has {m_obj}; "
                             "use 'linear' or 'chebyshev' with weights=...")
        if weights is None or alphas is not None:
            raise ValueError(f"weights: problem {prob.name!r} has {m_obj} objectives; pass weights=... of "
                             f"shape (W, {m_obj}) instead of alphas (alpha is the weight of L1 for 2 objectives)")
        w = np.array(weights, dtype=float)
        if w.ndim != 2 or w.shape[1] != m_obj or w.shape[0] == 0:
            raise ValueError(f"weights: expected shape (W, {m_obj}) with W >= 1, got {w.shape}")
        if not np.isfinite(w).all() or (w < 0).any() or (w.sum(1) <= 0).any():
            raise ValueError("weights: expected finite values >= 0 with a positive sum in every row")
        for m in dict.fromkeys(methods):
            values[m] = w
    elif weights is not None:
        raise ValueError("weights: for 2 objectives pass alphas (L = L0 + alpha*L1) instead")
    for m in dict.fromkeys(methods):
        if m_obj > 2:
            continue
        if m == "mdmm":
            if epsilons is None:
                raise ValueError("epsilons: method 'mdmm' sweeps eps (min L0 s.t. L1 = eps); pass epsilons=...")
            values[m] = _values(epsilons, "epsilons", grid_seed)
        else:
            if alphas is None:
                raise ValueError(f"alphas: method {m!r} sweeps alpha; pass alphas=... (e.g. 'log:1e-2:1e2:21')")
            values[m] = _values(alphas, "alphas", grid_seed)
    dtype = torch.float64 if dtype is None else dtype
    if ideal is None and "chebyshev" in methods:
        front = prob.true_front(1001)
        ideal = front.min(axis=0) if front is not None else np.zeros(prob.n_obj)

    # the plan: method-major, then value, then seed
    rows_method, rows_value, rows_seed = [], [], []
    for m in dict.fromkeys(methods):
        v = values[m]
        rows_method += [m] * (v.shape[0] * seed_list.size)
        rows_value.append(np.repeat(v, seed_list.size, axis=0))
        rows_seed.append(np.tile(seed_list, v.shape[0]))
    method_arr = np.asarray(rows_method)
    value_arr = np.concatenate(rows_value)
    seed_arr = np.concatenate(rows_seed)
    K, n, k = value_arr.shape[0], prob.n_var, prob.n_obj - 1
    starts = {int(s): prob.sample(1, seed=int(s), dtype=dtype)[0] for s in np.unique(seed_arr)}
    x0_all = torch.stack([starts[int(s)] for s in seed_arr]) if K else None

    out = {
        "objectives": np.full((K, prob.n_obj), np.nan),
        "params": np.full((K, n), np.nan),
        "loss": np.full(K, np.nan),
        "grad_norm": np.full(K, np.nan),
        "avg_grad_norm": np.full(K, np.nan),
        "converged": np.zeros(K, dtype=bool),
        "diverged": np.zeros(K, dtype=bool),
        "multipliers": np.full((K, k), np.nan),
    }
    snaps = []
    total = K * steps
    done = 0
    log.info("sweep %s: %d runs x %d steps (%s)", prob.name, K, steps, ", ".join(dict.fromkeys(methods)))
    for m in dict.fromkeys(methods):
        idx_m = np.flatnonzero(method_arr == m)
        for lo in range(0, idx_m.size, chunk_size):
            idx = idx_m[lo : lo + chunk_size]
            scal = make_scalarizer(m, value_arr[idx], prob.n_obj, ideal=ideal, augment=augment,
                                   damping=damping, constraint=constraint, dtype=dtype)
            base = done

            def cb(t, base=base, b=idx.size):
                if progress is not None:
                    progress(base + t * b, total)

            r = train(prob, x0_all[idx], scal, steps=steps, lr=lr, optimizer=optimizer, gtol=gtol,
                      window=window, snapshot_every=snapshot_every, threads=threads,
                      callback=cb if progress is not None else None)
            done += idx.size * steps
            for key in ("objectives", "params", "loss", "grad_norm", "avg_grad_norm", "converged", "diverged"):
                out[key][idx] = getattr(r, key)
            if r.multipliers.shape[1]:
                out["multipliers"][idx] = r.multipliers
            if snapshot_every is not None:
                snaps.append((idx, r.snapshot_steps, r.snapshot_objectives))
    snap_steps = np.zeros(0, dtype=int)
    snap_obj = np.zeros((0, K, prob.n_obj))
    if snaps:
        snap_steps = snaps[0][1]
        snap_obj = np.full((snap_steps.size, K, prob.n_obj), np.nan)
        for idx, _, so in snaps:
            snap_obj[:, idx] = so
    log.info("sweep %s: %d converged, %d diverged of %d runs", prob.name,
             int(out["converged"].sum()), int(out["diverged"].sum()), K)
    is_mdmm = method_arr == "mdmm"
    if m_obj > 2:
        weights_arr, alpha_arr, eps_arr = value_arr, np.full(K, np.nan), np.full(K, np.nan)
    else:
        alpha_arr = np.where(is_mdmm, np.nan, value_arr)
        eps_arr = np.where(is_mdmm, value_arr, np.nan)
        weights_arr = np.c_[np.where(is_mdmm, np.nan, 1.0), alpha_arr]
    return SweepResult(
        problem=prob.name,
        method=method_arr,
        alpha=alpha_arr,
        epsilon=eps_arr,
        weights=weights_arr,
        seed=seed_arr,
        steps=int(steps),
        lr=float(lr),
        snapshot_steps=snap_steps,
        snapshot_objectives=snap_obj,
        **out,
    )


# --------------------------------------------------------------------------- reading a sweep
def linear_outcomes(result: SweepResult, front, *, tol: float = 0.02) -> np.ndarray:
    """Classify each run of a weighted-sum sweep against a (dense) analytic 2-D front.

    ``"global"``: converged on the front (within ``tol``) with ``L0 + alpha * L1`` within
    ``tol`` of its minimum over the front (a hit; both ends count at a tie such as alpha = 1
    on Fonseca-Fleming). ``"local"``: converged on the front but with a worse weighted sum: a
    local minimum, e.g. on a locally convex cap away from its end. ``"off-front"``: converged
    but farther than ``tol`` from the front. ``"unconverged"`` and ``"diverged"``: not evidence.
    Distances and weighted-sum gaps are in units of the front's extent (objectives scaled to
    [0, 1], the gap divided by ``1 + alpha``).

    Examples
    --------
    >>> from paretolab.problems import get_problem
    >>> r = sweep("fonseca", alphas=[0.1], seeds=2, steps=1500, problem_options={"n_var": 2})
    >>> linear_outcomes(r, get_problem("fonseca", n_var=2).true_front(2001)).tolist()
    ['global', 'global']
    """
    from paretolab.front import as_points, pareto_front, weighted_sum_optimum

    f = pareto_front(as_points(front, "front"))
    if f.shape[1] != 2:
        raise ValueError(f"front: expected 2 objectives, got {f.shape[1]}")
    lo = f.min(axis=0)
    span = np.where(f.max(axis=0) > lo, f.max(axis=0) - lo, 1.0)
    fu = (f - lo) / span
    out = np.full(len(result), "unconverged", dtype=object)
    out[result.diverged] = "diverged"
    ok = result.converged & ~result.diverged
    if not ok.any():
        return out.astype(str)
    pts = (result.objectives[ok] - lo) / span
    d_front = np.sqrt(((pts[:, None, :] - fu[None, :, :]) ** 2).sum(-1)).min(1)
    alpha = np.nan_to_num(result.alpha[ok], nan=0.0)
    # weighted sums in scaled units: alpha in scaled units is alpha * span1 / span0
    a_unit = alpha * span[1] / span[0]
    best = fu[weighted_sum_optimum(fu, a_unit)]
    gap = (pts[:, 0] + a_unit * pts[:, 1] - (best[:, 0] + a_unit * best[:, 1])) / (1 + a_unit)
    label = np.where(d_front > tol, "off-front", np.where(gap <= tol, "global", "local"))
    out[ok] = label
    return out.astype(str)


# `paretolab.sweep` names both this module and the function above. Importing the submodule
# makes the package attribute the module, so the module itself forwards calls to sweep():
# ``paretolab.sweep(...)`` works whichever of the two the attribute holds.
class _CallableModule(type(math)):
    def __call__(self, *args, **kwargs):
        return sweep(*args, **kwargs)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule
