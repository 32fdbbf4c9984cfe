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

Your own model: ``sweep(train_fn, alphas=..., seeds=..., store="runs.sqlite")`` calls
``train_fn(alpha, seed)`` once per run instead (:func:`sweep_function`), on a process pool, any
``concurrent.futures.Executor`` or Dask (``Client(address).get_executor()``), records each
finished run in a resumable SQLite store (:mod:`paretolab.store`) and returns the same
:class:`SweepResult`.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import sys as _sys
from dataclasses import dataclass, field, fields
from typing import Callable, Sequence

import numpy as np

__all__ = ["SweepResult", "grid", "parse_alphas", "sweep", "linear_outcomes", "sweep_function",
           "load_function", "function_id", "make_executor", "SerialExecutor", "parse_return",
           "default_jobs"]

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
    # sweeps of a user's function (empty for built-in problems): a run that raised or returned
    # non-finite values is ``failed`` with its ``error`` text; ``elapsed`` seconds per run;
    # ``extra`` holds the extra fields the function returned, one (K,) array per name
    failed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    error: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    elapsed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extra: dict = field(default_factory=dict)

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
        if self.failed.shape[0] == len(self) and len(self):
            cols.update(failed=self.failed, error=self.error, elapsed=self.elapsed)
        for name, v in self.extra.items():
            cols[name if name not in cols else f"extra_{name}"] = v
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
            if f.name in _USER_FIELDS and not (self.failed.shape[0] == len(self) and len(self)):
                continue  # a built-in problem's sweep: no user-function fields
            if isinstance(v, dict):
                out[f.name] = {k: [None if isinstance(x, float) and math.isnan(x) else x for x in a.tolist()]
                               for k, a in v.items()}
                continue
            out[f.name] = np.where(np.isnan(v), None, v).tolist() if v.dtype.kind == "f" else v.tolist()
        return out


_USER_FIELDS = ("failed", "error", "elapsed", "extra")


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
    seeds=None,
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
    store=None,
    executor=None,
    jobs: int | None = None,
    retry_failed: bool = False,
    config: dict | None = None,
) -> SweepResult:
    """Train every (method, alpha or eps, seed) of a plan and record where each run lands.

    The first argument is either a problem (batched training of a toy model, below) or **your
    own training function** ``train_fn(alpha, seed, **config)``, called once per run; see
    :func:`sweep_function` for that path and its options ``store``, ``executor``, ``jobs``,
    ``retry_failed`` and ``config`` (which apply to it only).

    Parameters
    ----------
    problem : str, Problem or callable
        A registered name (see :func:`paretolab.problems.problem_names`) or your own Problem;
        or a training function (or a ``"package.module:function"`` string) to sweep it.
    alphas : array_like or str
        Alpha values (``L = L0 + alpha * L1``) for ``"linear"`` and ``"chebyshev"``, or a spec
        such as ``"log:1e-2:1e2:21"`` (see :func:`parse_alphas`).
    seeds : int or sequence of int
        ``N`` means seeds ``0..N-1`` (default 8).
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
    if callable(problem) or (isinstance(problem, str) and ":" in problem):
        if method != "linear" or epsilons is not None or weights is not None or problem_options:
            raise ValueError("problem: a training function is swept over alphas x seeds only; method, "
                             "epsilons, weights and problem_options apply to built-in problems")
        return sweep_function(problem, alphas, seeds=seeds, store=store, executor=executor, jobs=jobs,
                              retry_failed=retry_failed, config=config, grid_seed=grid_seed,
                              progress=progress)
    for name, v in (("store", store), ("executor", executor), ("jobs", jobs), ("config", config)):
        if v is not None:
            raise ValueError(f"{name}: applies to sweeps of a training function, not to problem {problem!r}")
    if retry_failed:
        raise ValueError(f"retry_failed: applies to sweeps of a training function, not to problem {problem!r}")
    if seeds is None:
        seeds = 8
    import torch

    from paretolab.problems import get_problem
    from paretolab.scalarize import METHODS, make_scalarizer
    from paretolab.train import _positive, train

    prob = get_problem(problem, **(problem_options or {}))
    methods = [method] if isinstance(method, str) else list(method)
    if not methods:
        raise ValueError(f"method: expected one of {METHODS} or a list of them, got an empty list")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method: expected one of {METHODS}, got {m!r}")
    _positive("steps", steps, integer=True)
    _positive("lr", lr)
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


# --------------------------------------------------------------------------- a user's function
def load_function(spec: str, *, name: str = "fn") -> Callable:
    """Import ``"package.module:function"`` (or ``"package.module:Class.method"``) and return it.

    Errors name what was tried: the module import (with its own error) or the missing attribute
    (with the public names the module does have).

    >>> load_function("math:hypot")(3, 4)
    5.0
    >>> load_function("math:nope")
    Traceback (most recent call last):
    ...
    ValueError: fn: module 'math' (imported from 'math:nope') has no attribute 'nope'; it has acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, comb, ... (60 names)
    """
    import importlib

    if not isinstance(spec, str) or spec.count(":") != 1 or not all(spec.split(":")):
        raise ValueError(f"{name}: expected 'package.module:function', got {spec!r}")
    mod_name, qual = (p.strip() for p in spec.split(":"))
    try:
        obj = importlib.import_module(mod_name)
    except Exception as exc:  # noqa: BLE001 - report any import failure with what was tried
        raise ValueError(
            f"{name}: could not import module {mod_name!r} (from {spec!r}): {type(exc).__name__}: {exc}. "
            f"Is it installed or on PYTHONPATH (current directory: {os.getcwd()!r})?"
        ) from exc
    for part in qual.split("."):
        if not hasattr(obj, part):
            import difflib

            public = sorted(n for n in dir(obj) if n.isidentifier() and not n.startswith("_"))
            close = difflib.get_close_matches(part, public, n=3)
            shown = ", ".join(public[:10]) + (f", ... ({len(public)} names)" if len(public) > 10 else "")
            hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise ValueError(f"{name}: module {mod_name!r} (imported from {spec!r}) has no attribute "
                             f"{qual!r}; {hint}it has {shown or 'no public names'}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{name}: {spec!r} is a {type(obj).__name__}, expected a function train_fn(alpha, seed)")
    return obj


def function_id(fn) -> str:
    """``"module:qualname"`` of a function: its identity in a store's run keys.

    A function defined in a script run as ``__main__`` is named after the script's module when
    it was started with ``python -m``.

    >>> function_id(load_function("math:hypot"))
    'math:hypot'
    """
    mod = getattr(fn, "__module__", None) or type(fn).__module__
    qual = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    if mod == "__main__":
        spec = getattr(_sys.modules.get("__main__"), "__spec__", None)
        if spec is not None and getattr(spec, "name", None):
            mod = spec.name
    return f"{mod}:{qual}"


def _importable(fn) -> str | None:
    """None if worker processes can import ``fn`` by name, else the reason they cannot."""
    qual = getattr(fn, "__qualname__", "")
    mod = getattr(fn, "__module__", None)
    if not qual or "<" in qual:
        return f"{function_id(fn)} is a lambda or a function defined inside another function"
    if mod is None:
        return f"{fn!r} has no module"
    if mod == "__main__" and not getattr(_sys.modules.get("__main__"), "__file__", None):
        return f"{function_id(fn)} is defined in an interactive session (no file to import it from)"
    return None


def _check_signature(fn, config: dict) -> None:
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # builtins without a signature: find out at the first call
    try:
        sig.bind(0.0, 0, **config)
    except TypeError as exc:
        extra = f", **config with keys {sorted(config)}" if config else ""
        raise ValueError(
            f"train_fn: expected a function train_fn(alpha, seed{extra}), got {function_id(fn)}{sig} ({exc})"
        ) from None


_RETURN_FORMAT = ("expected a sequence of 2 or more numbers (L0, L1, ...), or a mapping "
                  "{'objectives': [L0, L1, ...], 'converged': bool, <extra fields>} or "
                  "{'L0': ..., 'L1': ..., 'converged': bool, <extra fields>}")


class _BadReturn(TypeError):
    pass


def _scalar(v):
    if hasattr(v, "item") and getattr(v, "ndim", getattr(v, "dim", lambda: 0)() if callable(getattr(v, "dim", None)) else 0) == 0:
        try:
            v = v.item()
        except (TypeError, ValueError):
            pass
    return v


def _as_objectives(seq, what):
    try:
        arr = np.array([float(_scalar(v)) for v in seq], dtype=float)
    except (TypeError, ValueError):
        raise _BadReturn(f"train_fn returned {what}; {_RETURN_FORMAT}") from None
    if arr.size < 2:
        raise _BadReturn(f"train_fn returned {what} ({arr.size} number(s)); {_RETURN_FORMAT}")
    return arr


def _short_repr(value, n: int = 120) -> str:
    text = repr(value)
    return (text[:n] + "...") if len(text) > n else text


def parse_return(value) -> tuple[list, bool, dict]:
    """Read what a training function returned: ``(objectives, converged, extra)``.

    Accepted: a sequence or 1-D array of ``m >= 2`` numbers ``(L0, L1, ...)``; or a mapping
    with either ``"objectives": [L0, L1, ...]`` or keys ``"L0", "L1", ...``, an optional
    ``"converged"`` (default True) and any extra fields (numbers, strings, bools or None),
    which are stored with the run.

    >>> parse_return((0.5, 2.0))
    ([0.5, 2.0], True, {})
    >>> parse_return({"L0": 0.5, "L1": 2.0, "converged": False, "epochs": 30})
    ([0.5, 2.0], False, {'epochs': 30})
    >>> parse_return(0.5)
    Traceback (most recent call last):
    ...
    paretolab.sweep._BadReturn: train_fn returned 0.5 (float); expected a sequence of 2 or more numbers (L0, L1, ...), or a mapping {'objectives': [L0, L1, ...], 'converged': bool, <extra fields>} or {'L0': ..., 'L1': ..., 'converged': bool, <extra fields>}
    """
    from collections.abc import Mapping

    what = f"{_short_repr(value)} ({type(value).__name__})"
    converged, extra = True, {}
    if isinstance(value, Mapping):
        d = dict(value)
        if "objectives" in d:
            raw = d.pop("objectives")
            if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
                raise _BadReturn(f"train_fn returned objectives={_short_repr(raw)}; {_RETURN_FORMAT}")
            obj = _as_objectives(list(raw), what)
        else:
            names = []
            while f"L{len(names)}" in d:
                names.append(f"L{len(names)}")
            if len(names) < 2:
                raise _BadReturn(f"train_fn returned a mapping with keys {sorted(map(str, d))}; {_RETURN_FORMAT}")
            obj = _as_objectives([d.pop(k) for k in names], what)
        if "converged" in d:
            converged = bool(_scalar(d.pop("converged")))
        for k, v in d.items():
            v = _scalar(v)
            if not (v is None or isinstance(v, (bool, int, float, str))):
                raise _BadReturn(f"train_fn returned extra field {k!r} = {_short_repr(v)} "
                                 f"({type(v).__name__}); extra fields must be numbers, strings, bools or None")
            extra[str(k)] = v
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or getattr(value, "ndim", 1) != 1:
        raise _BadReturn(f"train_fn returned {what}; {_RETURN_FORMAT}")
    else:
        obj = _as_objectives(list(value), what)
    return obj.tolist(), converged, extra


def _run_one(fn, alpha: float, seed: int, config: dict) -> dict:
    """Call ``fn(alpha, seed, **config)`` in a worker; never raises for the run's own errors."""
    import time
    import traceback

    t0 = time.perf_counter()
    out = {"alpha": alpha, "seed": seed, "objectives": [], "converged": False, "failed": True,
           "error": "", "extra": {}, "bad_return": None}
    try:
        value = fn(alpha, seed, **config)
    except Exception as exc:  # noqa: BLE001 - a run's failure is recorded, not raised
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" (at {tb[-1].filename}:{tb[-1].lineno})" if tb else ""
        out["error"] = f"{type(exc).__name__}: {exc}{where}"
    else:
        try:
            obj, converged, extra = parse_return(value)
        except _BadReturn as exc:
            out["bad_return"] = str(exc)
        else:
            finite = all(math.isfinite(v) for v in obj)
            out.update(objectives=obj, converged=converged and finite, failed=not finite, extra=extra,
                       error="" if finite else f"non-finite objectives {obj}")
    out["elapsed"] = time.perf_counter() - t0
    return out


def _pool_initializer(driver_pid: int) -> None:
    """Worker set-up: one thread per worker process (the pool is the parallelism), and exit when
    the driver is gone (a driver killed with SIGKILL cannot shut its pool down)."""
    import threading
    import time

    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if "torch" in _sys.modules:
        _sys.modules["torch"].set_num_threads(1)

    def watch():
        while True:
            time.sleep(0.5)
            try:
                os.kill(driver_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - a pid reused by another user's process
                os._exit(1)

    threading.Thread(target=watch, name="paretolab-driver-watch", daemon=True).start()


def default_jobs() -> int:
    """Cores this process may use (``os.sched_getaffinity`` where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _process_pool(n: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean process, not a fork of a driver that may hold torch's
    # thread pools (fork after OpenMP can hang)
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_pool_initializer,
                               initargs=(os.getpid(),))


class SerialExecutor:
    """Runs each call in the driver, at ``submit`` (``concurrent.futures`` protocol); what
    ``make_executor(jobs=1)`` gives. :func:`sweep_function` treats it as ``jobs=1``: one run at a
    time, each recorded as soon as it finishes."""

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future

        f = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            f.set_exception(exc)
        return f

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass

    def __repr__(self) -> str:
        return "SerialExecutor()"


def _check_jobs(jobs) -> None:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1):
        raise ValueError(f"jobs: expected an integer >= 1, got {jobs!r}")


class make_executor:  # noqa: N801 - a context manager used like a function
    """The executor for ``--jobs N`` / ``--scheduler ADDRESS``, as a context manager.

    ``scheduler`` (a Dask scheduler address such as ``"tcp://10.0.0.5:8786"``) gives
    ``distributed.Client(scheduler).get_executor()`` and closes the client at the end;
    ``jobs=1`` gives a :class:`SerialExecutor` (runs in the driver); ``jobs=N`` or None a
    process pool of N (default: the cores available) shut down at the end. Pass what it gives
    as ``sweep(..., executor=ex)``.

    >>> with make_executor(jobs=1) as ex:
    ...     print(ex)
    SerialExecutor()
    """

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, *, timeout: float = 30.0):
        _check_jobs(jobs)
        if jobs is not None and scheduler is not None:
            raise ValueError(f"jobs: give jobs or a scheduler address, not both (got jobs={jobs!r}, "
                             f"scheduler={scheduler!r})")
        self.jobs, self.scheduler, self.timeout = jobs, scheduler, timeout
        self._client = self._executor = None

    def __enter__(self):
        if self.scheduler is not None:
            try:
                from distributed import Client
            except ImportError:
                raise ImportError("scheduler: Dask is not installed; pip install 'paretolab[dask]' "
                                  "(installs distributed)") from None
            try:
                self._client = Client(self.scheduler, timeout=self.timeout)
            except Exception as exc:  # noqa: BLE001
                raise ValueError(f"scheduler: could not connect to a Dask scheduler at {self.scheduler!r}: "
                                 f"{type(exc).__name__}: {exc}") from exc
            self._executor = self._client.get_executor()
            return self._executor
        n = default_jobs() if self.jobs is None else int(self.jobs)
        if n == 1:
            return SerialExecutor()
        self._executor = _process_pool(n)
        return self._executor

    def __exit__(self, *exc):
        if self._client is not None:
            self._client.close()
        elif self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _progress_bar(progress, total: int, initial: int, failed: int, name: str):
    """A callable ``update(done, failed)`` and a closer, for tqdm or a user's callback."""
    if callable(progress):
        def update(done, n_failed):
            progress(done, total)
        return update, lambda: None
    if progress is False:
        return (lambda done, n_failed: None), (lambda: None)
    from tqdm.auto import tqdm

    bar = tqdm(total=total, initial=initial, desc=name, unit="run", file=_sys.stderr,
               disable=None if progress is None else False, dynamic_ncols=True, leave=True)
    bar.set_postfix(failed=failed, left=total - initial, refresh=False)

    def update(done, n_failed):
        bar.n = done
        bar.set_postfix(failed=n_failed, left=total - done, refresh=False)
        bar.refresh()
    return update, bar.close


def _user_result(rows: list[dict], name: str) -> SweepResult:
    """A SweepResult from stored rows of a user's function (one per run, in the given order)."""
    K = len(rows)
    m = max((len(r["objectives"]) for r in rows), default=2)
    m = max(m, 2)
    obj = np.full((K, m), np.nan)
    for i, r in enumerate(rows):
        if len(r["objectives"]) == m:
            obj[i] = r["objectives"]
    alpha = np.array([r["alpha"] for r in rows], dtype=float)
    failed = np.array([r["failed"] for r in rows], dtype=bool)
    names = list(dict.fromkeys(k for r in rows for k in r.get("extra", {})))
    extra = {}
    for k in names:
        vals = [r.get("extra", {}).get(k) for r in rows]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) or v is None for v in vals):
            extra[k] = np.array([np.nan if v is None else v for v in vals], dtype=float)
        else:
            extra[k] = np.array(["" if v is None else v for v in vals], dtype=object)
    loss = obj[:, 0] + alpha * obj[:, 1] if m == 2 else np.full(K, np.nan)
    return SweepResult(
        problem=name,
        method=np.full(K, "linear"),
        alpha=alpha,
        epsilon=np.full(K, np.nan),
        seed=np.array([r["seed"] for r in rows], dtype=np.int64),
        objectives=obj,
        params=np.zeros((K, 0)),
        loss=loss,
        grad_norm=np.full(K, np.nan),
        avg_grad_norm=np.full(K, np.nan),
        converged=np.array([r["converged"] for r in rows], dtype=bool) & ~failed,
        diverged=np.array([r["failed"] and len(r["objectives"]) > 0 and not np.isfinite(r["objectives"]).all()
                           for r in rows], dtype=bool),
        multipliers=np.full((K, m - 1), np.nan),
        steps=0,
        lr=math.nan,
        weights=np.c_[np.ones(K), alpha],
        failed=failed,
        error=np.array([r.get("error") or "" for r in rows], dtype=object),
        elapsed=np.array([np.nan if r.get("elapsed") is None else r["elapsed"] for r in rows], dtype=float),
        extra=extra,
    )


def sweep_function(
    train_fn,
    alphas=None,
    *,
    seeds=None,
    store=None,
    executor=None,
    jobs: int | None = None,
    retry_failed: bool = False,
    config: dict | None = None,
    grid_seed: int = 0,
    progress=None,
) -> SweepResult:
    """Sweep a user's training function over alpha x seeds, resumably, on any executor.

    ``train_fn(alpha, seed, **config)`` trains one model with ``L = L0 + alpha * L1`` from the
    initialisation given by ``seed`` and returns its final losses: a sequence ``(L0, L1)`` (or
    more objectives), or a mapping ``{"objectives": [L0, L1], "converged": bool, **extra}`` or
    ``{"L0": ..., "L1": ..., "converged": bool, **extra}`` (see :func:`parse_return`). Same as
    ``sweep(train_fn, ...)``.

    A run that raises or returns non-finite values is recorded as failed (``failed``, ``error``)
    and the sweep goes on; a return value of the wrong shape stops the sweep with a
    ``TypeError`` saying what came back (after recording the runs already finished).

    Parameters
    ----------
    train_fn : callable or str
        The function, or ``"package.module:function"`` (see :func:`load_function`). Process pools
        and Dask need a module-level (importable) function.
    alphas : array_like or str, optional
        Values or a spec (``"log:1e-3:1:9"``, ``"rand:0:5:50"``, see :func:`parse_alphas`).
        Random specs are drawn once and stored: a resumed sweep reuses the stored values. May be
        omitted when ``store`` already holds a plan.
    seeds : int or sequence of int, optional
        ``N`` means ``0..N-1``; default: the stored seeds, or 8.
    store : str, path-like or :class:`paretolab.store.Store`, optional
        SQLite results store. Finished runs in it are skipped; a store of a different sweep
        (function, config or plan) is refused. Without a store, results live in memory only.
    executor : concurrent.futures.Executor, optional
        Any executor (e.g. ``distributed.Client(address).get_executor()``); not shut down here.
    jobs : int, optional
        Without ``executor``: 1 runs serially in this process; N (default: the cores available)
        uses a process pool of N workers (one torch/OpenMP thread each).
    retry_failed : bool
        Rerun the runs stored as failed (only those, plus any missing ones).
    config : dict, optional
        JSON-serialisable keyword arguments for ``train_fn``; part of every run's key.
    grid_seed : int
        Seed for random alpha specs.
    progress : None, bool or callable
        None: a tqdm bar on stderr when it is a terminal; True: always; False: none; a callable
        ``progress(done, total)`` in runs.

    Returns
    -------
    SweepResult
        One row per run of the plan (alpha-major, then seed), with ``failed``, ``error``,
        ``elapsed`` and ``extra``; ``problem`` is the function's ``module:qualname``, ``method``
        is ``"linear"``; ``params``, ``grad_norm`` and ``steps`` do not apply (empty, NaN, 0).

    Examples
    --------
    >>> def train(alpha, seed):  # a stand-in for training: the L0, L1 it ends at
    ...     return {"L0": alpha / (1 + alpha), "L1": 1 / (1 + alpha) + 0.01 * seed, "epochs": 3}
    >>> r = sweep_function(train, alphas=[1.0, 3.0], seeds=2, jobs=1, progress=False)
    >>> r.objectives.tolist(), r.seed.tolist(), r.extra["epochs"].tolist()
    ([[0.5, 0.5], [0.5, 0.51], [0.75, 0.25], [0.75, 0.26]], [0, 1, 0, 1], [3.0, 3.0, 3.0, 3.0])
    >>> bool(r.failed.any()), r.problem
    (False, 'paretolab.sweep:train')
    """
    from paretolab.store import Store, run_key

    if isinstance(train_fn, str):
        train_fn = load_function(train_fn, name="train_fn")
    if not callable(train_fn):
        raise ValueError(f"train_fn: expected a function train_fn(alpha, seed) or 'package.module:function', "
                         f"got {_short_repr(train_fn)} ({type(train_fn).__name__})")
    if config is None:
        config = {}
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
        raise ValueError(f"config: expected a dict of keyword arguments for train_fn, got {_short_repr(config)}")
    import json

    try:
        json.dumps(config, allow_nan=True)
    except TypeError as exc:
        raise ValueError(f"config: expected JSON-serialisable values (it is part of each run's key), got "
                         f"{_short_repr(config)} ({exc})") from None
    _check_signature(train_fn, config)
    if isinstance(retry_failed, (int, np.integer)) is False:
        raise ValueError(f"retry_failed: expected a bool, got {retry_failed!r}")
    if executor is not None and jobs is not None:
        raise ValueError(f"jobs: give jobs or an executor, not both (got jobs={jobs!r}, executor={executor!r})")
    if executor is not None and not hasattr(executor, "submit"):
        raise ValueError(f"executor: expected a concurrent.futures.Executor (with .submit), got "
                         f"{_short_repr(executor)} ({type(executor).__name__})")
    _check_jobs(jobs)
    fid = function_id(train_fn)

    own_store = store is not None and not isinstance(store, Store)
    st = Store(store) if own_store else store
    try:
        stored = st.meta() if st is not None else {}
        # the plan: stored values win when this call names the same spec (never redraw)
        old_a = stored.get("alphas", {})
        spec = alphas.strip() if isinstance(alphas, str) else None
        if alphas is None:
            if not old_a:
                raise ValueError("alphas: expected alpha values or a spec (e.g. 'log:1e-3:1:9'), got None "
                                 "(and no stored plan to resume)")
            alpha_vals = np.array(old_a["values"], dtype=float)
            spec, gseed = old_a.get("spec"), old_a.get("grid_seed", grid_seed)
        elif spec is not None and old_a.get("spec") == spec and old_a.get("grid_seed") == grid_seed:
            alpha_vals, gseed = np.array(old_a["values"], dtype=float), grid_seed
        else:
            alpha_vals, gseed = _values(alphas, "alphas", grid_seed), grid_seed
        if seeds is None:
            seed_vals = np.array(stored["seeds"], dtype=np.int64) if stored.get("seeds") else _seeds(8)
        else:
            seed_vals = _seeds(seeds)
        plan_alpha = np.repeat(alpha_vals, seed_vals.size)
        plan_seed = np.tile(seed_vals, alpha_vals.size)
        keys = [run_key(fid, a, s, config) for a, s in zip(plan_alpha, plan_seed)]
        if len(set(keys)) != len(keys):
            raise ValueError("alphas: the plan repeats an (alpha, seed) pair; expected distinct alpha values "
                             "and distinct seeds")
        if st is not None:
            st.bind({"function": fid, "config": config,
                     "alphas": {"spec": spec, "grid_seed": int(gseed), "values": alpha_vals.tolist()},
                     "seeds": seed_vals.tolist()})
            status = st.status()
        else:
            status = {}
        memory: dict[str, dict] = {}
        todo = [i for i, k in enumerate(keys) if k not in status or (retry_failed and status[k])]
        total = len(keys)
        n_failed = sum(1 for k in keys if status.get(k) and not retry_failed)
        done = total - len(todo)
        update, close_bar = _progress_bar(progress, total, done, n_failed, fid.split(":")[-1])
        log.info("sweep %s: %d runs, %d already stored, %d to run", fid, total, done, len(todo))

        m_seen = st.n_objectives() if st is not None else None

        def record(i: int, out: dict) -> None:
            nonlocal done, n_failed, m_seen
            if out.get("bad_return"):
                raise TypeError(f"{out['bad_return']} (run alpha={out['alpha']!r}, seed={out['seed']!r})")
            row = dict(out, key=keys[i])
            if not row["failed"]:
                if m_seen is not None and len(row["objectives"]) != m_seen:
                    raise TypeError(f"train_fn returned {len(row['objectives'])} objectives for alpha="
                                    f"{out['alpha']!r}, seed={out['seed']!r}, but {m_seen} for earlier runs")
                m_seen = len(row["objectives"])
            if st is not None:
                st.put(row, replace=retry_failed)
            memory[keys[i]] = row
            done += 1
            n_failed += bool(row["failed"])
            update(done, n_failed)

        try:
            if isinstance(executor, SerialExecutor) or (executor is None and (jobs == 1 or len(todo) <= 1
                                                                              and jobs is None)):
                for i in todo:
                    record(i, _run_one(train_fn, float(plan_alpha[i]), int(plan_seed[i]), config))
            else:
                _run_parallel(train_fn, todo, plan_alpha, plan_seed, config, executor, jobs, record)
        finally:
            close_bar()
        if st is not None:
            rows = st.rows(keys)
        else:
            rows = [memory[k] for k in keys]
        return _user_result(rows, fid)
    finally:
        if own_store and st is not None:
            st.close()


def _cancel(futures) -> None:
    for f in futures:
        f.cancel()


def _run_parallel(fn, todo, plan_alpha, plan_seed, config, executor, jobs, record) -> None:
    from concurrent.futures import as_completed

    own = executor is None
    if own:
        why = _importable(fn)
        if why is not None:
            raise ValueError(f"train_fn: worker processes cannot import it: {why}. Define it at module level "
                             "in an importable module, or run serially with jobs=1")
        executor = _process_pool(min(int(jobs or default_jobs()), len(todo)))
    futures = {}
    fatal = None
    interrupted = False
    try:
        for i in todo:
            futures[executor.submit(_run_one, fn, float(plan_alpha[i]), int(plan_seed[i]), config)] = i
        for fut in as_completed(futures):  # O(1) per finished run; cancelled futures come out too
            if fut.cancelled():
                continue
            i = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # noqa: BLE001 - the executor failed, not the run
                out = None
                if fatal is None:
                    fatal = RuntimeError(
                        f"executor: a run (alpha={float(plan_alpha[i])!r}, seed={int(plan_seed[i])}) could not "
                        f"be executed: {type(exc).__name__}: {exc}. Finished runs are stored; rerun the sweep "
                        "to continue"
                        + (" (a worker process died: out of memory, a crash in native code, or a driver "
                           "script without an `if __name__ == '__main__':` guard)"
                           if type(exc).__name__ == "BrokenProcessPool" else "")
                        + ("" if _importable(fn) is None else f" (note: {_importable(fn)})"))
                    fatal.__cause__ = exc
                    _cancel(futures)
            if out is None:
                continue
            if fatal is None:
                try:
                    record(i, out)
                except Exception as exc:  # noqa: BLE001 - stop: a bad return value or the store failed
                    fatal = exc
                    _cancel(futures)
            elif not out.get("bad_return"):
                try:  # draining after a fatal error: keep every finished run we still can
                    record(i, out)
                except Exception:  # noqa: BLE001
                    pass
    except BaseException:  # Ctrl-C or an error of the driver: do not wait for running runs
        _cancel(futures)
        interrupted = True
        raise
    finally:
        if own:
            executor.shutdown(wait=fatal is None and not interrupted, cancel_futures=True)
    if fatal is not None:
        raise fatal


# --------------------------------------------------------------------------- reading a sweep
def linear_outcomes(result: SweepResult, front, *, tol: float = 0.02) -> np.ndarray:
    """Classify each run of a weighted-sum sweep against a (dense) analytic 2-D front:
    ``"global"``, ``"local"``, ``"off-front"``, ``"unconverged"`` or ``"diverged"`` (see
    :func:`paretolab.compare.weighted_sum_outcomes`).

    Examples
    --------
    >>> from paretolab.problems import get_problem
    >>> r = sweep("fonseca", alphas=[0.1], seeds=2, steps=1500, problem_options={"n_var": 2})
    >>> linear_outcomes(r, get_problem("fonseca", n_var=2).true_front(2001)).tolist()
    ['global', 'global']
    """
    from paretolab.compare import weighted_sum_outcomes

    return weighted_sum_outcomes(result.objectives, result.alpha, result.converged, result.diverged,
                                 front, tol=tol)


# `paretolab.sweep` names both this module and the function above. Importing the submodule
# makes the package attribute the module, so the module itself forwards calls to sweep():
# ``paretolab.sweep(...)`` works whichever of the two the attribute holds.
class _CallableModule(type(math)):
    def __call__(self, *args, **kwargs):
        return sweep(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
