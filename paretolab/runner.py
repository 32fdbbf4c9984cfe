"""Step 3 for your own model: run ``train(alpha, seed)`` once per run of a plan, resumably.

:func:`sweep_function` calls the function (:mod:`paretolab.userfn`) for every (alpha, seed) of
the plan that the results store (:mod:`paretolab.store`) does not hold yet, in this process, on
worker processes the driver can kill and replace (:mod:`paretolab.workers`), or on any
``concurrent.futures`` executor such as Dask's; records each finished run as soon as it
finishes; and returns every run of the plan as a :class:`paretolab.runs.Runs`.
"""

from __future__ import annotations

import json
import logging
import math
import os
from concurrent.futures import Future, as_completed

import numpy as np

from paretolab.adaptive import covered_range, parse_auto
from paretolab.errors import ExecutorError, ParetolabError, ReturnValueError, check_positive
from paretolab.plan import check_applicable, check_method, parse_seeds, parse_values
from paretolab.progress import progress_bar
from paretolab.runs import Runs, plain
from paretolab.store import Store, run_key, runs_from_rows
from paretolab.userfn import check_methods, check_signature, function_id, load_function, run_one, short_repr
from paretolab.workers import WorkerPool, unimportable

__all__ = ["SerialExecutor", "default_jobs", "make_executor", "refine", "run_one_in_child", "sweep_function"]

log = logging.getLogger(__name__)


def sweep_function(
    train_fn,
    alphas=None,
    *,
    epsilons=None,
    method="linear",
    seeds=None,
    store=None,
    executor=None,
    jobs: int | None = None,
    in_process: bool = False,
    timeout: float | None = None,
    retry_failed: bool = False,
    config: dict | None = None,
    grid_seed: int = 0,
    budget: int | None = None,
    ideal=None,
    augment: float | None = None,
    smooth: float | None = None,
    damping: float | None = None,
    constraint: str | None = None,
    progress=None,
) -> Runs:
    """Sweep a user's training function over methods x values x seeds, resumably, on any executor.
    Also reached as ``paretolab.sweep(train_fn, ...)``.

    The function trains one model from the initialisation given by ``seed`` and returns its
    final losses: a sequence ``(L0, L1)`` (or more objectives), or a mapping ``{"objectives":
    [L0, L1], "converged": bool, **extra}`` or ``{"L0": ..., "L1": ..., "converged": bool,
    **extra}`` (see :func:`paretolab.userfn.parse_return`). Written ``train(objective, seed,
    **config)``, it gets the run's scalarisation (:mod:`paretolab.scalarize`: ``loss =
    objective(l0, l1)``, ``objective.parameters()`` added to its optimizer) and serves every
    method; written ``train(alpha, seed, **config)``, it gets alpha and serves the weighted sum.

    A run that raises, returns non-finite values, ends its process (``sys.exit``, ``os._exit``,
    a segfault, out of memory) or passes its ``timeout`` is recorded as failed (``failed``,
    ``error`` with the cause), its worker process is replaced, and the sweep goes on; a resume
    does not repeat it (``retry_failed`` does). A return value of the wrong shape stops the sweep
    with a :class:`paretolab.errors.ReturnValueError` saying what came back (after recording the
    runs already finished).

    Parameters
    ----------
    train_fn : callable or str
        The function, or ``"package.module:function"`` (see
        :func:`paretolab.userfn.load_function`). Worker processes and Dask need a module-level
        (importable) function.
    alphas, epsilons : array_like or str, optional
        Alpha values for ``"linear"`` and ``"chebyshev"``, eps values for ``"eps"`` (minimise
        L0 subject to L1 = eps), or a spec (``"log:1e-3:1:9"``, ``"rand:0:5:50"``, see
        :func:`paretolab.plan.parse_alphas`); random specs are drawn once and stored. Or
        ``"auto:LO:HI"`` with ``budget``: the values are placed where the front found so far is
        thinnest (:mod:`paretolab.adaptive`). Omitted with a store: the store's plans are resumed.
    method : str or sequence of str
        ``"linear"`` (default), ``"chebyshev"``, ``"eps"``, or several.
    seeds : int or sequence of int, optional
        ``N`` means ``0..N-1``; default: the stored plan's seeds, or 8.
    store : str, path-like or :class:`paretolab.store.Store`, optional
        SQLite results store of one function and configuration. Finished runs in it are
        skipped; more seeds, values or methods add exactly the missing runs; a store of another
        function or configuration is refused. Without a store, results live in memory only.
    executor : optional
        A :class:`paretolab.workers.WorkerPool` (what :func:`make_executor` gives), a
        :class:`SerialExecutor`, or any ``concurrent.futures.Executor`` (e.g.
        ``distributed.Client(address).get_executor()``: Dask retries a run that kills its worker
        up to its ``allowed-failures``, then it is recorded as failed; with ``timeout`` at once,
        see below); never shut down here.
    jobs : int, optional
        Without ``executor``: N worker processes (default: the cores available; one torch/OpenMP
        thread each). ``jobs=1`` runs one run at a time, still in a worker process.
    in_process : bool
        Run in this process, one run at a time: no process to start, and lambdas or functions
        defined in a notebook work, but a run that exits, crashes or hangs takes the sweep down
        with it (not crash-safe). Refused with an executor, ``jobs > 1`` or ``timeout``.
    timeout : float, optional
        Seconds a run may take; a run past it is killed and recorded as failed (``timed out after
        ... s``). On another executor (Dask cannot cancel a running task) each run then goes to a
        child process of its task (:func:`run_one_in_child`): a fresh interpreter per run. Refused
        in process, where a run cannot be stopped.
    retry_failed : bool
        Rerun the runs stored as failed (only those, plus any missing ones).
    config : dict, optional
        JSON-serialisable keyword arguments for ``train_fn``; part of the store's identity.
    grid_seed : int
        Seed for random specs.
    budget : int, optional
        With an ``auto`` spec: the runs the adaptive plan may make (every seed counts; runs it
        placed earlier in the store count too, so a killed auto sweep resumes).
    ideal, augment, smooth
        Chebyshev only (refused for other methods): the ideal point (default: the smallest value of each objective among the
        store's runs when the first Chebyshev sweep starts, kept from then on; with no runs yet it
        must be given, e.g. ``[0, 0]`` for losses that are never negative), augmentation and
        smoothing (see :class:`paretolab.scalarize.Chebyshev`).
    damping, constraint
        The eps-constraint only (refused for other methods): its damping ``c`` (default 10;
        stable when above the front's curvature, which scales with the losses: with L0 scaled
        by ``a`` and L1 by ``b``, scale c by ``a / b**2``) and ``"eq"`` (default) or ``"le"``.
    progress : None, bool or callable
        None or True: a tqdm bar on stderr (also when it is not a terminal); False: none; a
        callable ``progress(done, total)`` in runs.

    Returns
    -------
    Runs
        The runs of this call's plan (method, value, then seed order; with no values given, every
        stored run), with ``failed``, ``error``, ``elapsed``, ``extra`` (``placed``: why an
        adaptive plan made the run); ``source`` is the function's ``module:qualname``.

    Examples
    --------
    >>> def train(alpha, seed):  # a stand-in for training: the L0, L1 it ends at
    ...     return {"L0": alpha / (1 + alpha), "L1": 1 / (1 + alpha) + 0.01 * seed, "epochs": 3}
    >>> r = sweep_function(train, alphas=[1.0, 3.0], seeds=2, in_process=True, progress=False)
    >>> r.objectives.tolist(), r.seed.tolist(), r.extra["epochs"].tolist()
    ([[0.5, 0.5], [0.5, 0.51], [0.75, 0.25], [0.75, 0.26]], [0, 1, 0, 1], [3.0, 3.0, 3.0, 3.0])
    >>> bool(r.failed.any()), r.source
    (False, 'paretolab.runner:train')
    """
    if isinstance(train_fn, str):
        train_fn = load_function(train_fn, name="train_fn")
    if not callable(train_fn):
        raise ParetolabError(f"train_fn: expected a function train_fn(alpha, seed) or 'package.module:function', "
                             f"got {short_repr(train_fn)} ({type(train_fn).__name__})")
    config = _check_config(config)
    check_signature(train_fn, config)
    methods = [check_method(m) for m in ([method] if isinstance(method, str) else list(method))] or ["linear"]
    methods = list(dict.fromkeys(methods))
    check_methods(train_fn, methods)
    check_applicable(methods, alphas, epsilons, budget, ideal=ideal, augment=augment, smooth=smooth,
                                damping=damping, constraint=constraint)
    if not (isinstance(retry_failed, (bool, np.bool_)) or retry_failed in (0, 1)):
        raise ParetolabError(f"retry_failed: expected a bool, got {retry_failed!r}")
    if executor is not None and jobs is not None:
        raise ParetolabError(f"jobs: give jobs or an executor, not both (got jobs={jobs!r}, executor={executor!r})")
    if executor is not None and not hasattr(executor, "submit"):
        raise ParetolabError(f"executor: expected a concurrent.futures.Executor (with .submit), got "
                             f"{short_repr(executor)} ({type(executor).__name__})")
    _check_jobs(jobs)
    _check_where(executor, jobs, in_process, timeout, train_fn)
    fid = function_id(train_fn)

    own_store = store is not None and not isinstance(store, Store)
    st = Store(store) if own_store else store
    session = None
    try:
        stored = st.bind({"function": fid, "config": config}) if st is not None else {}
        plans = _plans(methods, alphas, epsilons, seeds, stored, grid_seed, budget)
        plans.sort(key=lambda p: p["method"] == "chebyshev")  # its ideal point may come from the other runs
        session = _Session(train_fn, fid, config, st, executor, jobs, retry_failed, progress, in_process, timeout)
        options = {"ideal": ideal, "augment": augment or 0.0, "smooth": smooth or 0.0,
                   "damping": 10.0 if damping is None else damping, "constraint": constraint or "eq"}
        _method_settings("eps", st, session, **options)  # bad settings are refused before any run
        keys = []
        for plan in plans:
            settings = _method_settings(plan["method"], st, session, **options)
            record = lambda p=plan, s=settings: st is not None and st.add_plan(  # noqa: E731 - before the runs start
                {k: p[k] for k in ("method", "spec", "grid_seed", "values", "seeds")} | {"settings": s})
            if plan["auto"] is not None:
                keys += _run_auto(session, plan, settings, budget, record)
            else:
                record()
                calls = [session.call(plan["method"], v, s, settings) for v in plan["values"] for s in plan["seeds"]]
                keys += [c[0] for c in calls]
                session.run(calls)
        return runs_from_rows(session.rows(None if alphas is None and epsilons is None else keys), fid)
    except BaseException:  # Ctrl-C or an error: this sweep's workers are killed, not waited for
        if session is not None:
            session.close(kill=True)
        raise
    finally:
        if session is not None:
            session.close()
        if own_store and st is not None:
            st.close()


def _plans(methods, alphas, epsilons, seeds, stored: dict, grid_seed: int, budget) -> list[dict]:
    """The plans of this call: per method its values (stored ones reused for the same random
    spec, never drawn again) and seeds; with no values given, the store's plans (resumed)."""
    old_plans = stored.get("plans", [])
    if alphas is None and epsilons is None:
        if not old_plans:
            raise ParetolabError("alphas: expected alpha values or a spec (e.g. 'log:1e-3:1:9'), got None (and no "
                                 "stored plan to resume)")
        return [dict(p, auto=None, seeds=list(p["seeds"] if seeds is None else parse_seeds(seeds).tolist()))
                for p in old_plans]
    if seeds is None:
        seed_vals = np.array(old_plans[-1]["seeds"], dtype=np.int64) if old_plans else parse_seeds(8)
    else:
        seed_vals = parse_seeds(seeds)
    out = []
    for m in methods:
        arg, name = (epsilons, "epsilons") if m == "eps" else (alphas, "alphas")
        if arg is None:
            other = "alphas" if m == "eps" else "epsilons"
            raise ParetolabError(f"{name}: method {m!r} sweeps {'eps' if m == 'eps' else 'alpha'}; pass {name}=... "
                                 f"(e.g. {'lin:0.05:0.95:10' if m == 'eps' else 'log:1e-3:1:9'})"
                                 + (f"; {other} apply to the other methods" if other else ""))
        auto = parse_auto(arg, name)
        spec = arg.strip() if isinstance(arg, str) else None
        if auto is not None:
            if budget is None:
                raise ParetolabError(f"budget: an {name} spec 'auto:LO:HI' places runs until a budget is spent; pass "
                                     "budget=N (CLI: --budget N), the number of runs, every seed included")
            values = []  # placed round by round; what this spec placed before is resumed (_run_auto)
        else:
            same = [p for p in old_plans if p["method"] == m and spec is not None and p.get("spec") == spec
                    and p.get("grid_seed") == grid_seed]
            values = same[-1]["values"] if same else parse_values(arg, name, seed=grid_seed).tolist()
        if len(set(values)) != len(values) or len(set(seed_vals.tolist())) != seed_vals.size:
            raise ParetolabError(f"{name}: the plan repeats an ({'eps' if m == 'eps' else 'alpha'}, seed) pair; "
                                 "expected distinct values and distinct seeds")
        out.append({"method": m, "spec": spec, "grid_seed": int(grid_seed), "values": [float(v) for v in values],
                    "seeds": seed_vals.tolist(), "auto": auto,
                    "before": [p for p in old_plans if auto is not None and p["method"] == m and p.get("spec") == spec]})
    return out


def _method_settings(method: str, st, session, *, ideal, augment, smooth, damping, constraint) -> dict:
    """A method's settings (part of its runs' keys): Chebyshev's ideal point (given, else the
    store's, else the smallest losses of the runs finished so far, kept in the store from then
    on), augmentation and smoothing; the eps-constraint's damping and constraint kind."""
    if method == "eps":
        check_positive("damping", damping)
        if constraint not in ("eq", "le"):
            raise ParetolabError(f"constraint: expected 'eq' or 'le', got {constraint!r}")
        return {"damping": float(damping), "constraint": constraint}
    if method != "chebyshev":
        return {}
    z = ideal
    if z is None and st is not None:
        z = st.meta().get("ideal") or st.minima()
    if z is None:
        done = [r["objectives"] for r in session.rows() if not r["failed"] and r["objectives"]]
        z = np.min(np.array(done, dtype=float), axis=0) if done else None
    if z is None:
        raise ParetolabError("ideal: Chebyshev needs an ideal point (a point at or below every loss); none was given "
                             "and no run has finished to take the smallest losses from. Pass ideal=[z0, z1] (CLI: "
                             "--ideal 0,0 for losses that are never negative), or sweep another method first (in the "
                             "same call: --method linear,chebyshev)")
    z = [float(v) for v in np.asarray(z, dtype=float).reshape(-1)]
    if len(z) != 2 or not all(math.isfinite(v) for v in z):
        raise ParetolabError(f"ideal: expected 2 finite numbers (one per objective), got {ideal!r}")
    if st is not None and ideal is None and not st.meta().get("ideal"):
        st.set_ideal(z)
    return {"ideal": z, "augment": float(augment), "smooth": float(smooth)}


class _Session:
    """Runs of one sweep: makes calls, records them in the store (or in memory), keeps counts."""

    def __init__(self, fn, fid, config, store, executor, jobs, retry_failed, progress, in_process=False,
                 timeout=None):
        self.fn, self.fid, self.config, self.store = fn, fid, config, store
        self.executor, self.jobs, self.retry_failed, self.progress = executor, jobs, retry_failed, progress
        self.in_process = in_process or isinstance(executor, SerialExecutor)
        self.timeout = timeout
        self.memory: dict[str, dict] = {}
        self.n_objectives = store.n_objectives() if store is not None else None
        self.pool: WorkerPool | None = None  # started at the first parallel round, kept for the next ones

    def close(self, *, kill: bool = False) -> None:
        """Stop this sweep's own worker processes (a pool given by the caller stays open)."""
        if self.pool is not None:
            self.pool.close(kill=kill)
            self.pool = None

    def call(self, method, value, seed, settings, placed: str = "") -> tuple:
        key = run_key(self.fid, value, seed, self.config, method=method, settings=settings)
        return key, method, float(value), int(seed), settings, placed

    def status(self) -> dict:
        return self.store.status() if self.store is not None else {k: r["failed"] for k, r in self.memory.items()}

    def rows(self, keys=None) -> list[dict]:
        if self.store is not None:
            return self.store.rows(keys)
        return list(self.memory.values()) if keys is None else [self.memory[k] for k in keys if k in self.memory]

    def run(self, calls) -> None:
        """Make the calls that are not stored yet (or failed, with ``retry_failed``)."""
        status = self.status()
        todo = [c for c in calls if c[0] not in status or (self.retry_failed and status[c[0]])]
        total = len(calls)
        counts = {"done": total - len(todo), "failed": sum(1 for c in calls if status.get(c[0]) and not self.retry_failed)}
        update, close_bar = progress_bar(self.progress, total, initial=counts["done"], desc=self.fid.split(":")[-1])
        update(counts["done"], failed=counts["failed"], left=total - counts["done"])
        log.info("sweep %s: %d runs, %d already stored, %d to run", self.fid, total, counts["done"], len(todo))

        def record(call: tuple, out: dict) -> None:
            key, method, value, seed, _, placed = call
            if out.get("bad_return"):
                raise ReturnValueError(f"{out['bad_return']} (run {describe(method, value, seed)})")
            row = dict(out, key=key, placed=placed)
            if not row["failed"]:
                m = len(row["objectives"])
                if self.n_objectives is not None and m != self.n_objectives:
                    raise ReturnValueError(f"train_fn returned {m} objectives for {describe(method, value, seed)}, but "
                                           f"{self.n_objectives} for earlier runs")
                self.n_objectives = m
            eps = method == "eps"
            row["alpha"], row["epsilon"] = (math.nan, value) if eps else (value, math.nan)
            if self.store is not None:
                self.store.put(row, replace=self.retry_failed)
            self.memory[key] = row
            counts["done"] += 1
            counts["failed"] += bool(row["failed"])
            update(counts["done"], failed=counts["failed"], left=total - counts["done"])

        try:
            ex = self.executor
            if not todo:
                pass
            elif self.in_process:
                for c in todo:
                    record(c, run_one(self.fn, c[1], c[2], c[3], self.config, c[4]))
            elif ex is None or _is_worker_pool(ex):
                _run_on_workers(self.fn, todo, self.config, ex or self._own_pool(), record, self.timeout)
            else:
                _run_on_executor(self.fn, todo, self.config, ex, record, self.timeout)
        finally:
            close_bar()

    def _own_pool(self) -> WorkerPool:
        if self.pool is None:
            why = unimportable(self.fn)
            if why is not None:
                raise ParetolabError(f"train_fn: worker processes cannot import it: {why}. Define it at module "
                                     "level in an importable module, or run it in this process with "
                                     "in_process=True (--in-process; not crash-safe)")
            self.pool = WorkerPool(int(self.jobs or default_jobs()))
        return self.pool

    def workers(self) -> int:
        if self.in_process or self.jobs == 1:
            return 1
        if _is_worker_pool(self.executor):
            return self.executor.n
        return int(self.jobs or default_jobs())


def _run_auto(session: _Session, plan: dict, settings: dict, budget: int, record) -> list[str]:
    """Rounds of an adaptive plan: each proposes as many runs as there are workers (at least one
    value for every seed), until the budget is spent or nothing is worth a run. Returns the keys."""
    from paretolab.adaptive import INITIAL, propose

    check_positive("budget", budget, integer=True)
    method, (lo, hi), seeds = plan["method"], plan["auto"], plan["seeds"]
    keys, findings = [], set()
    # a driver stopped mid-round (killed, Ctrl-C) placed values it did not run for every seed:
    # run those first (the same seeds and settings, within the budget), so that the resumed sweep
    # places what an uninterrupted one would have
    same = [p for p in plan["before"] if sorted(p.get("seeds", [])) == sorted(seeds) and
            json.dumps(plain(p.get("settings")), sort_keys=True) == json.dumps(plain(settings), sort_keys=True)]
    stored = session.status()
    before, room = [], budget - _spent(session, method)
    for v in (same[-1]["values"] if same else []):
        missing = [s for s in seeds if session.call(method, v, s, settings)[0] not in stored]
        if len(missing) > room:
            break
        before.append(float(v))
        room -= len(missing)
    if before:
        calls = [session.call(method, v, s, settings, placed="placed before the sweep was stopped; resumed")
                 for v in before for s in seeds]
        keys += [c[0] for c in calls]
        plan["values"] = before
        record()
        session.run(calls)
    while True:
        runs = runs_from_rows(session.rows(), session.fid)
        mine = runs.subset(runs.method == method) if len(runs) else runs
        room = (budget - _spent(session, method, runs)) // len(seeds)
        if room < 1:
            break
        per_round = max(1, session.workers() // len(seeds))
        if not (mine.method == method).any():
            per_round = max(per_round, INITIAL)  # the whole initial grid at once
        per_round = min(room, per_round)
        proposals = propose(mine, method, lo, hi, per_round)
        for p in proposals:
            if p.value is None and p.reason not in findings:
                findings.add(p.reason)
                log.info("auto %s: %s", method, p.reason)
        values = [p for p in proposals if p.value is not None]
        if not values:
            break
        calls = [session.call(method, p.value, s, settings, placed=p.reason) for p in values for s in seeds]
        keys += [c[0] for c in calls]
        plan["values"] = plan["values"] + [p.value for p in values]
        record()
        session.run(calls)
    return keys


def _spent(session: _Session, method: str, runs: Runs | None = None) -> int:
    """Runs of ``method`` an adaptive plan placed in this store (every seed counts)."""
    runs = runs_from_rows(session.rows(), session.fid) if runs is None else runs
    if not len(runs):
        return 0
    placed = runs.extra.get("placed", np.full(len(runs), "", dtype=object))
    return int(sum(1 for p, m in zip(placed, runs.method) if p and m == method))


def describe(method: str, value: float, seed: int) -> str:
    """A run in words: ``alpha=0.5, seed=1``, ``eps=0.2, seed=0``, ``chebyshev alpha=2.0, seed=3``.

    >>> describe("eps", 0.2, 0)
    'eps=0.2, seed=0'
    """
    what = {"linear": "alpha", "eps": "eps"}.get(method, f"{method} alpha")
    return f"{what}={value!r}, seed={seed!r}"


def refine(store, budget: int, *, method: str | None = None, executor=None, jobs: int | None = None,
           in_process: bool = False, timeout: float | None = None, progress=None) -> Runs:
    """Continue a store's sweep where its front is thinnest: up to ``budget`` more runs of
    ``method`` (default: the weighted sum when the store has any, else its first method), placed
    as an ``auto`` plan over the range of values the store already covers, with its seeds and
    settings (:mod:`paretolab.adaptive`). ``executor``, ``jobs``, ``in_process`` and ``timeout``
    as in :func:`sweep_function`. Returns every run of the store.
    """
    check_positive("budget", budget, integer=True)
    with Store(store, readonly=True) as st:
        meta, runs = st.meta(), st.runs()
    identity, plans = meta.get("identity") or {}, meta.get("plans") or []
    if not identity.get("function") or not len(runs):
        raise ParetolabError(f"store: {os.fspath(store)!r} holds no runs of a function to refine; sweep into it first "
                             "(paretolab sweep --fn ... --store ...)")
    method, lo, hi = covered_range(runs, method)
    mine = runs.subset(runs.method == method)
    spent = int(sum(1 for p in mine.extra.get("placed", []) if p))
    plan = [p for p in plans if p["method"] == method][-1:] or [{"seeds": sorted(set(mine.seed.tolist())),
                                                               "settings": {}}]
    settings = plan[0].get("settings") or {}
    spec = f"auto:{lo:.17g}:{hi:.17g}"
    fn = load_function(identity["function"], name="store function")
    kwargs = {"epsilons" if method == "eps" else "alphas": spec}
    if method == "chebyshev":
        kwargs.update(ideal=settings.get("ideal"), augment=settings.get("augment", 0.0),
                      smooth=settings.get("smooth", 0.0))
    if method == "eps":
        kwargs.update(damping=settings.get("damping", 10.0), constraint=settings.get("constraint", "eq"))
    sweep_function(fn, method=method, seeds=plan[0]["seeds"], store=store, config=identity.get("config") or {},
                   budget=spent + budget, executor=executor, jobs=jobs, in_process=in_process, timeout=timeout,
                   progress=progress, **kwargs)
    with Store(store, readonly=True) as st:
        return st.runs()


def _check_config(config) -> dict:
    if config is None:
        return {}
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
        raise ParetolabError(f"config: expected a dict of keyword arguments for train_fn, got {short_repr(config)}")
    try:
        json.dumps(config, allow_nan=True)
    except TypeError as exc:
        raise ParetolabError(f"config: expected JSON-serialisable values (it is part of each run's key), got "
                             f"{short_repr(config)} ({exc})") from None
    return config


# --------------------------------------------------------------------------- execution
def _is_worker_pool(executor) -> bool:
    return isinstance(executor, WorkerPool)


def _run_on_workers(fn, calls, config, pool, record, timeout=None) -> None:
    """Runs on worker processes. A run that ends its process (exit, crash, timeout) is recorded
    as failed with the cause, and its worker is replaced. When recording fails (a return value
    of the wrong shape, the store), no new run starts, the running ones finish and are recorded,
    then the error is raised. Ctrl-C stops this sweep's runs at once (the owner of the pool kills
    its workers). The pool is never closed here, and outcomes of calls that are not this
    sweep's are left alone."""
    index, fatal = {}, None
    limit = {} if timeout is None else {"timeout": timeout}  # else the pool's own
    try:
        for call in calls:
            index[pool.submit(run_one, fn, call[1], call[2], call[3], config, call[4], **limit)] = call
        pending = set(index)
        for outcome in pool.outcomes():
            if outcome.ticket not in pending:
                continue
            pending.discard(outcome.ticket)
            call = index[outcome.ticket]
            out = outcome.value if outcome.ok else _failed(*call[1:4], outcome.error, outcome.seconds)
            if fatal is not None:
                if not out.get("bad_return"):
                    try:  # draining after an error: keep every finished run we still can
                        record(call, out)
                    except Exception:  # noqa: BLE001
                        pass
            else:
                try:
                    record(call, out)
                except Exception as exc:  # noqa: BLE001 - start no new run, let the running ones finish
                    fatal = exc
                    pending -= set(pool.cancel(pending))
            if not pending:
                break
    except BaseException:  # Ctrl-C or an error of the driver: stop this sweep's runs at once
        pool.cancel(index)
        raise
    if fatal is not None:
        raise fatal


def _failed(method: str, value: float, seed: int, error: str, seconds: float = math.nan) -> dict:
    """The record of a run that did not return (its process died, it timed out)."""
    return {"method": method, "value": value, "seed": seed, "objectives": [], "converged": False,
            "failed": True, "error": error, "extra": {}, "bad_return": None, "elapsed": seconds}


def run_one_in_child(fn, method: str, value: float, seed: int, config: dict, settings: dict | None,
                     timeout: float) -> dict:
    """:func:`paretolab.userfn.run_one` in a child process of this one, killed after ``timeout``
    seconds: how a Dask task enforces a timeout (Dask cannot cancel a running task). A run that
    times out or ends its process (exit, segfault) is returned as failed with the cause, and this
    process (the Dask worker) lives on. Costs a fresh interpreter per run; the child keeps this
    process's thread settings (a Dask worker's ``OMP_NUM_THREADS``)."""
    with WorkerPool(1, timeout=timeout, threads=None) as pool:
        pool.submit(run_one, fn, method, value, seed, config, settings)
        outcome = next(pool.outcomes())
    return outcome.value if outcome.ok else _failed(method, value, seed, outcome.error, outcome.seconds)


def _run_on_executor(fn, calls, config, executor, record, timeout=None) -> None:
    """Runs on a ``concurrent.futures`` executor (Dask): an executor that loses a run stops the
    sweep, keeping every finished run. With a ``timeout`` each run goes to a child process of its
    task (:func:`run_one_in_child`)."""
    futures: dict[Future, tuple] = {}
    fatal = None
    task, limit = (run_one, ()) if timeout is None else (run_one_in_child, (timeout,))
    try:
        for call in calls:
            futures[executor.submit(task, fn, call[1], call[2], call[3], config, call[4], *limit)] = call
        for fut in as_completed(futures):  # O(1) per finished run; cancelled futures come out too
            if fut.cancelled():
                continue
            call = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # noqa: BLE001 - the executor failed, not the run
                if type(exc).__name__ == "KilledWorker":  # Dask gave up: the run killed every worker it was tried on
                    out = _failed(*call[1:4], f"its worker process died each time Dask ran it (KilledWorker: {exc})")
                else:
                    if fatal is None:
                        why = unimportable(fn)
                        fatal = ExecutorError(f"executor: a run ({describe(call[1], call[2], call[3])}) could not be "
                                              f"executed: {type(exc).__name__}: {exc}. Finished runs are stored; "
                                              "rerun the sweep to continue" + ("" if why is None else f" (note: {why})"))
                        fatal.__cause__ = exc
                        _cancel(futures)
                    continue
            if fatal is None:
                try:
                    record(call, out)
                except Exception as exc:  # noqa: BLE001 - stop: a bad return value or the store failed
                    fatal = exc
                    _cancel(futures)
            elif not out.get("bad_return"):
                try:  # draining after a fatal error: keep every finished run we still can
                    record(call, out)
                except Exception:  # noqa: BLE001
                    pass
    except BaseException:  # Ctrl-C or an error of the driver: do not wait for running runs
        _cancel(futures)
        raise
    if fatal is not None:
        raise fatal


def _cancel(futures) -> None:
    for f in futures:
        f.cancel()


def default_jobs() -> int:
    """Cores this process may use (``os.sched_getaffinity`` where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Runs each call in the driver, at ``submit`` (``concurrent.futures`` protocol); what
    ``make_executor(in_process=True)`` gives. :func:`sweep_function` treats it as
    ``in_process=True``: one run at a time, each recorded as soon as it finishes (not crash-safe)."""

    def submit(self, fn, /, *args, **kwargs):
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


def _check_where(executor, jobs, in_process, timeout, fn) -> None:
    """Refuse combinations of where runs go that cannot hold: in process with workers, a timeout
    where a run cannot be stopped, or on an executor for a function its tasks' child processes
    cannot import."""
    if not isinstance(in_process, (bool, np.bool_)):
        raise ParetolabError(f"in_process: expected a bool, got {in_process!r}")
    if in_process and (jobs not in (None, 1) or (executor is not None and not isinstance(executor, SerialExecutor))):
        raise ParetolabError(f"in_process: runs in this process cannot also go to workers (got jobs={jobs!r}, "
                             f"executor={short_repr(executor)})")
    if timeout is None:
        return
    check_positive("timeout", timeout)  # seconds
    if in_process or isinstance(executor, SerialExecutor):
        raise ParetolabError(f"timeout: a run in this process cannot be stopped (in_process); drop in_process to run "
                             f"on a worker process that can be, got timeout={timeout!r}")
    # a Dask worker gets the function by value (cloudpickle), but its child imports it by name,
    # and the worker's __main__ is not the driver's script
    why = unimportable(fn, main_script=False)
    if executor is not None and not _is_worker_pool(executor) and why is not None:
        raise ParetolabError(f"timeout: on {type(executor).__name__} a run with a timeout goes to a child process "
                             f"of its task, which cannot import {why}; define train_fn at module level of a "
                             f"module the workers can import (not the script you run), or drop the timeout (got "
                             f"timeout={timeout!r})")


def _check_jobs(jobs) -> None:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1):
        raise ParetolabError(f"jobs: expected an integer >= 1, got {jobs!r}")


class make_executor:  # noqa: N801 - a context manager used like a function
    """The executor for ``--jobs N`` / ``--scheduler ADDRESS``, as a context manager.

    ``scheduler`` (a Dask scheduler address such as ``"tcp://10.0.0.5:8786"``) gives
    ``distributed.Client(scheduler).get_executor()`` and closes the client at the end;
    ``jobs=N`` or None a :class:`paretolab.workers.WorkerPool` of N worker processes (default:
    the cores available), closed at the end; ``in_process=True`` a :class:`SerialExecutor` (runs
    in the driver, not crash-safe). Pass what it gives as ``sweep(..., executor=ex)``.

    >>> with make_executor(in_process=True) as ex:
    ...     print(ex)
    SerialExecutor()
    """

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, *, in_process: bool = False,
                 timeout: float = 30.0):
        _check_jobs(jobs)
        if jobs is not None and scheduler is not None:
            raise ParetolabError(f"jobs: give jobs or a scheduler address, not both (got jobs={jobs!r}, "
                                 f"scheduler={scheduler!r})")
        if in_process and (jobs not in (None, 1) or scheduler is not None):
            raise ParetolabError(f"in_process: runs in this process cannot also go to workers (got jobs={jobs!r}, "
                                 f"scheduler={scheduler!r})")
        self.jobs, self.scheduler, self.in_process, self.timeout = jobs, scheduler, in_process, timeout
        self._client = self._pool = None

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
                raise ParetolabError(f"scheduler: could not connect to a Dask scheduler at {self.scheduler!r}: "
                                     f"{type(exc).__name__}: {exc}") from exc
            return self._client.get_executor()
        if self.in_process:
            return SerialExecutor()
        self._pool = WorkerPool(default_jobs() if self.jobs is None else int(self.jobs))
        return self._pool

    def __exit__(self, *exc):
        if self._client is not None:
            self._client.close()
        elif self._pool is not None:
            self._pool.close(kill=exc[0] is not None)
