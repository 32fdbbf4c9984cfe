"""Step 3 for a built-in (or your own) :class:`~paretolab.problems.Problem`: train a whole plan
as one batch.

Every run of a plan (method x value x seed) trains at once as one ``(B, n_var)`` tensor
(:func:`paretolab.train.train`), at most ``chunk_size`` runs per batch. A run's initial point
is ``problem.sample(1, seed=seed)``, so its result does not depend on which other runs share
its batch. The result is a :class:`paretolab.runs.Runs` with its :class:`~paretolab.runs.Training`
part (parameters, gradient norms, multipliers, snapshots).
"""

from __future__ import annotations

import logging

import numpy as np

from paretolab.adaptive import INITIAL, parse_auto, propose
from paretolab.errors import ParetolabError, check_positive
from paretolab.plan import check_applicable, make_plan
from paretolab.progress import progress_bar
from paretolab.runs import Runs, Training, concat_runs

__all__ = ["sweep_problem"]

log = logging.getLogger(__name__)


def sweep_problem(
    problem,
    alphas=None,
    *,
    seeds=None,
    method="linear",
    epsilons=None,
    weights=None,
    steps: int = 2000,
    lr: float = 1e-2,
    optimizer: str = "adam",
    gtol: float = 1e-4,
    window: int = 100,
    ideal=None,
    augment: float | None = None,
    damping: float | None = None,
    constraint: str | None = None,
    chunk_size: int = 4096,
    snapshot_every: int | None = None,
    threads: int | None = None,
    dtype=None,
    grid_seed: int = 0,
    progress=None,
    problem_options: dict | None = None,
    budget: int | None = None,
) -> Runs:
    """Train every (method, alpha or eps, seed) of a plan on a problem and record where each
    run lands. Also reached as ``paretolab.sweep(problem, ...)``.

    Parameters
    ----------
    problem : str or Problem
        A registered name (see :func:`paretolab.problems.problem_names`) or your own Problem.
    alphas : array_like or str
        Alpha values (``L = L0 + alpha * L1``) for ``"linear"`` and ``"chebyshev"``, or a spec
        such as ``"log:1e-2:1e2:21"`` (see :func:`paretolab.plan.parse_alphas`).
    seeds : int or sequence of int, optional
        ``N`` means seeds ``0..N-1`` (default 8).
    method : str or sequence of str
        ``"linear"``, ``"chebyshev"`` or ``"eps"``; several methods are swept one after another.
    epsilons : array_like or str
        Constraint levels for ``"eps"`` (minimise L0 subject to L1 = eps, or <= eps with
        ``constraint="le"``).
    weights : array_like, shape (W, m)
        For problems with ``m > 2`` objectives instead of ``alphas``: one weight vector per row.
    steps, lr, optimizer, gtol, window, snapshot_every, threads
        Passed to :func:`paretolab.train.train` (``threads=None`` leaves torch's setting alone).
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
    progress : None, bool or callable
        None or True: a tqdm bar on stderr, in run-steps; False: none; a callable
        ``progress(done, total)`` in run-steps.
    problem_options : dict, optional
        Options for :func:`paretolab.problems.get_problem` (e.g. ``{"n_var": 2}``).
    budget : int, optional
        With ``alphas`` or ``epsilons`` ``"auto:LO:HI"``: the runs to make (every seed counts),
        placed round by round where the front found so far is thinnest
        (:mod:`paretolab.adaptive`); ``extra["placed"]`` says why each run was made.

    Returns
    -------
    Runs
        One row per run (method-major, then value, then seed), with its ``training`` part.

    Examples
    --------
    >>> r = sweep_problem("convex", alphas="lin:0.5:2:2", seeds=2, steps=1500)
    >>> len(r), r.alpha.tolist(), r.seed.tolist()
    (4, [0.5, 0.5, 2.0, 2.0], [0, 1, 0, 1])
    >>> r.reached().round(2)  # analytic: s = (1 - a)/(1 + a), f = ((s - 1)^2, (s + 1)^2)
    array([[0.44, 1.78],
           [0.44, 1.78],
           [1.78, 0.44],
           [1.78, 0.44]])
    """
    import torch

    from paretolab.problems import get_problem
    from paretolab.scalarize import make_scalarizer
    from paretolab.train import train

    prob = get_problem(problem, **(problem_options or {}))
    autos = {name: parse_auto(spec, name) for name, spec in (("alphas", alphas), ("epsilons", epsilons))}
    if any(v is not None for v in autos.values()):
        options = dict(seeds=seeds, method=method, weights=weights, steps=steps, lr=lr, optimizer=optimizer, gtol=gtol,
                       window=window, ideal=ideal, augment=augment, damping=damping, constraint=constraint,
                       chunk_size=chunk_size, snapshot_every=snapshot_every, threads=threads, dtype=dtype,
                       grid_seed=grid_seed, progress=progress)
        return _auto(prob, alphas, epsilons, autos, budget, options)
    if budget is not None:
        raise ParetolabError("budget: applies to an auto spec (alphas or epsilons 'auto:LO:HI'), not to fixed values")
    check_positive("steps", steps, integer=True)
    check_positive("lr", lr)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParetolabError(f"chunk_size: expected an integer >= 1, got {chunk_size!r}")
    plan = make_plan(methods=method, alphas=alphas, epsilons=epsilons, weights=weights,
                     seeds=8 if seeds is None else seeds,
                     n_obj=prob.n_obj, grid_seed=grid_seed, problem=prob.name)
    dtype = torch.float64 if dtype is None else dtype
    methods = list(dict.fromkeys(plan.method.tolist()))
    check_applicable(methods, alphas, epsilons, None, ideal=ideal, augment=augment, damping=damping,
                     constraint=constraint)
    augment, damping, constraint = augment or 0.0, 10.0 if damping is None else damping, constraint or "eq"
    if ideal is None and "chebyshev" in methods:
        front = prob.true_front(1001)
        ideal = front.min(axis=0) if front is not None else np.zeros(prob.n_obj)
    K, n, m = len(plan), prob.n_var, prob.n_obj
    starts = {int(s): prob.sample(1, seed=int(s), dtype=dtype)[0] for s in np.unique(plan.seed)}
    x0_all = torch.stack([starts[int(s)] for s in plan.seed]) if K else None

    out = {
        "objectives": np.full((K, m), np.nan),
        "params": np.full((K, n), np.nan),
        "loss": np.full(K, np.nan),
        "grad_norm": np.full(K, np.nan),
        "avg_grad_norm": np.full(K, np.nan),
        "converged": np.zeros(K, dtype=bool),
        "diverged": np.zeros(K, dtype=bool),
        "multipliers": np.full((K, m - 1), np.nan),
    }
    snaps = []
    total, done = K * steps, 0
    update, close_bar = progress_bar(progress, total, desc=prob.name, unit="run-step")
    log.info("sweep %s: %d runs x %d steps (%s)", prob.name, K, steps, ", ".join(methods))
    for meth in methods:
        idx_m = np.flatnonzero(plan.method == meth)
        values = plan.values(meth)
        for lo in range(0, idx_m.size, chunk_size):
            idx = idx_m[lo : lo + chunk_size]
            scal = make_scalarizer(meth, values[lo : lo + chunk_size], m, ideal=ideal, augment=augment,
                                   damping=damping, constraint=constraint, dtype=dtype)

            def callback(t, base=done, b=idx.size):
                update(base + t * b)

            r = train(prob, x0_all[idx], scal, steps=steps, lr=lr, optimizer=optimizer, gtol=gtol, window=window,
                      snapshot_every=snapshot_every, threads=threads, callback=None if progress is False else callback)
            done += idx.size * steps
            for key in ("objectives", "params", "loss", "grad_norm", "avg_grad_norm", "converged", "diverged"):
                out[key][idx] = getattr(r, key)
            if r.multipliers.shape[1]:
                out["multipliers"][idx] = r.multipliers
            if snapshot_every is not None:
                snaps.append((idx, r.snapshot_steps, r.snapshot_objectives))
    close_bar()
    snap_steps, snap_obj = np.zeros(0, dtype=int), np.zeros((0, K, m))
    if snaps:
        snap_steps = snaps[0][1]
        snap_obj = np.full((snap_steps.size, K, m), np.nan)
        for idx, _, so in snaps:
            snap_obj[:, idx] = so
    log.info("sweep %s: %d converged, %d diverged of %d runs", prob.name, int(out["converged"].sum()),
             int(out["diverged"].sum()), K)
    training = Training(params=out["params"], loss=out["loss"], grad_norm=out["grad_norm"],
                        avg_grad_norm=out["avg_grad_norm"], multipliers=out["multipliers"], steps=int(steps),
                        lr=float(lr), snapshot_steps=snap_steps, snapshot_objectives=snap_obj)
    return Runs(
        source=prob.name, names=tuple(f"L{j}" for j in range(m)), objectives=out["objectives"],
        method=plan.method, alpha=plan.alpha, epsilon=plan.epsilon, weights=plan.weights, seed=plan.seed,
        converged=out["converged"], diverged=out["diverged"], failed=np.zeros(K, dtype=bool),
        error=np.full(K, "", dtype=object), elapsed=np.full(K, np.nan), training=training,
    )


ROUND = 4
"""Values an adaptive plan of a built-in problem places per round (all its seeds train at once)."""


def _auto(prob, alphas, epsilons, autos, budget, options) -> Runs:
    """Adaptive plans on a problem: rounds of :func:`paretolab.adaptive.propose`, each trained
    as one batch, until the budget is spent or nothing is worth a run."""
    from dataclasses import replace

    from paretolab.plan import parse_seeds

    if budget is None:
        raise ParetolabError("budget: an 'auto:LO:HI' spec places runs until a budget is spent; pass budget=N (CLI: "
                             "--budget N), the number of runs, every seed included")
    check_positive("budget", budget, integer=True)
    methods = [options["method"]] if isinstance(options["method"], str) else list(options["method"])
    n_seeds = parse_seeds(8 if options["seeds"] is None else options["seeds"]).size
    parts, spent = [], 0
    for m in methods:
        name, fixed = ("epsilons", epsilons) if m == "eps" else ("alphas", alphas)
        if autos[name] is None:  # fixed values of this method: one batch
            part = sweep_problem(prob, **{name: fixed, **{k: v for k, v in options.items() if k != "method"}},
                                 method=m)
            parts.append(part)
            continue
        lo, hi = autos[name]
        mine = []
        while True:
            room = (budget - spent) // n_seeds
            done = concat_runs(mine) if mine else Runs.from_arrays(np.zeros((0, prob.n_obj)), method="linear")
            first = not mine  # the whole initial grid at once
            proposals = propose(done, m, lo, hi, min(room, INITIAL if first else ROUND)) if room >= 1 else []
            for p in (p for p in proposals if p.value is None):
                log.info("auto %s on %s: %s", m, prob.name, p.reason)
            values = [p for p in proposals if p.value is not None]
            if not values:
                break
            part = sweep_problem(prob, **{name: [p.value for p in values]},
                                 **{k: v for k, v in options.items() if k != "method"}, method=m)
            reasons = np.repeat(np.array([p.reason for p in values], dtype=object), n_seeds)
            mine.append(replace(part, extra={**part.extra, "placed": reasons}))
            spent += len(part)
        parts += mine
    if not parts:
        raise ParetolabError(f"budget: {budget} runs are fewer than one value for each of the {n_seeds} seeds")
    return replace(concat_runs(parts), source=prob.name)
