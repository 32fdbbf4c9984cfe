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
import os
from concurrent.futures import Future, as_completed

import numpy as np

from paretolab.errors import ExecutorError, ParetolabError, ReturnValueError
from paretolab.plan import parse_seeds, parse_values
from paretolab.progress import progress_bar
from paretolab.runs import Runs
from paretolab.store import Store, run_key, runs_from_rows
from paretolab.userfn import check_signature, function_id, load_function, run_one, short_repr
from paretolab.workers import WorkerPool, unimportable

__all__ = ["SerialExecutor", "default_jobs", "make_executor", "sweep_function"]

log = logging.getLogger(__name__)


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
) -> Runs:
    """Sweep a user's training function over alpha x seeds, resumably, on any executor. Also
    reached as ``paretolab.sweep(train_fn, ...)``.

    ``train_fn(alpha, seed, **config)`` trains one model with ``L = L0 + alpha * L1`` from the
    initialisation given by ``seed`` and returns its final losses: a sequence ``(L0, L1)`` (or
    more objectives), or a mapping ``{"objectives": [L0, L1], "converged": bool, **extra}`` or
    ``{"L0": ..., "L1": ..., "converged": bool, **extra}`` (see
    :func:`paretolab.userfn.parse_return`).

    A run that raises, returns non-finite values or (on worker processes) ends its process is
    recorded as failed (``failed``, ``error``) and the sweep goes on; a return value of the wrong
    shape stops the sweep with a :class:`paretolab.errors.ReturnValueError` saying what came
    back (after recording the runs already finished).

    Parameters
    ----------
    train_fn : callable or str
        The function, or ``"package.module:function"`` (see
        :func:`paretolab.userfn.load_function`). Worker processes and Dask need a module-level
        (importable) function.
    alphas : array_like or str, optional
        Values or a spec (``"log:1e-3:1:9"``, ``"rand:0:5:50"``, see
        :func:`paretolab.plan.parse_alphas`). Random specs are drawn once and stored: a resumed
        sweep reuses the stored values. May be omitted when ``store`` already holds a plan.
    seeds : int or sequence of int, optional
        ``N`` means ``0..N-1``; default: the stored seeds, or 8.
    store : str, path-like or :class:`paretolab.store.Store`, optional
        SQLite results store. Finished runs in it are skipped; a store of a different sweep
        (function, config or plan) is refused. Without a store, results live in memory only.
    executor : optional
        A :class:`paretolab.workers.WorkerPool` (what :func:`make_executor` gives for
        ``jobs >= 2``), a :class:`SerialExecutor`, or any ``concurrent.futures.Executor`` (e.g.
        ``distributed.Client(address).get_executor()``); never shut down here.
    jobs : int, optional
        Without ``executor``: 1 runs serially in this process; N (default: the cores available)
        runs on N worker processes (one torch/OpenMP thread each).
    retry_failed : bool
        Rerun the runs stored as failed (only those, plus any missing ones).
    config : dict, optional
        JSON-serialisable keyword arguments for ``train_fn``; part of every run's key.
    grid_seed : int
        Seed for random alpha specs.
    progress : None, bool or callable
        None or True: a tqdm bar on stderr (also when it is not a terminal); False: none; a
        callable ``progress(done, total)`` in runs.

    Returns
    -------
    Runs
        One row per run of the plan (alpha-major, then seed), with ``failed``, ``error``,
        ``elapsed`` and ``extra``; ``source`` is the function's ``module:qualname``; no
        ``training`` part.

    Examples
    --------
    >>> def train(alpha, seed):  # a stand-in for training: the L0, L1 it ends at
    ...     return {"L0": alpha / (1 + alpha), "L1": 1 / (1 + alpha) + 0.01 * seed, "epochs": 3}
    >>> r = sweep_function(train, alphas=[1.0, 3.0], seeds=2, jobs=1, progress=False)
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
    if not (isinstance(retry_failed, (bool, np.bool_)) or retry_failed in (0, 1)):
        raise ParetolabError(f"retry_failed: expected a bool, got {retry_failed!r}")
    if executor is not None and jobs is not None:
        raise ParetolabError(f"jobs: give jobs or an executor, not both (got jobs={jobs!r}, executor={executor!r})")
    if executor is not None and not hasattr(executor, "submit"):
        raise ParetolabError(f"executor: expected a concurrent.futures.Executor (with .submit), got "
                             f"{short_repr(executor)} ({type(executor).__name__})")
    _check_jobs(jobs)
    fid = function_id(train_fn)

    own_store = store is not None and not isinstance(store, Store)
    st = Store(store) if own_store else store
    try:
        stored = st.meta() if st is not None else {}
        alpha_vals, seed_vals, spec, gseed = _plan(alphas, seeds, stored, grid_seed)
        plan_alpha = np.repeat(alpha_vals, seed_vals.size)
        plan_seed = np.tile(seed_vals, alpha_vals.size)
        keys = [run_key(fid, a, s, config) for a, s in zip(plan_alpha, plan_seed)]
        if len(set(keys)) != len(keys):
            raise ParetolabError("alphas: the plan repeats an (alpha, seed) pair; expected distinct alpha values "
                                 "and distinct seeds")
        status = {}
        if st is not None:
            st.bind({"function": fid, "config": config,
                     "alphas": {"spec": spec, "grid_seed": int(gseed), "values": alpha_vals.tolist()},
                     "seeds": seed_vals.tolist()})
            status = st.status()
        todo = [i for i, k in enumerate(keys) if k not in status or (retry_failed and status[k])]
        total = len(keys)
        counts = {"done": total - len(todo), "failed": sum(1 for k in keys if status.get(k) and not retry_failed)}
        update, close_bar = progress_bar(progress, total, initial=counts["done"], desc=fid.split(":")[-1])
        update(counts["done"], failed=counts["failed"], left=total - counts["done"])
        log.info("sweep %s: %d runs, %d already stored, %d to run", fid, total, counts["done"], len(todo))
        memory: dict[str, dict] = {}
        n_objectives = [st.n_objectives() if st is not None else None]

        def record(i: int, out: dict) -> None:
            if out.get("bad_return"):
                raise ReturnValueError(f"{out['bad_return']} (run alpha={out['alpha']!r}, seed={out['seed']!r})")
            row = dict(out, key=keys[i])
            if not row["failed"]:
                m = len(row["objectives"])
                if n_objectives[0] is not None and m != n_objectives[0]:
                    raise ReturnValueError(f"train_fn returned {m} objectives for alpha={out['alpha']!r}, seed="
                                           f"{out['seed']!r}, but {n_objectives[0]} for earlier runs")
                n_objectives[0] = m
            if st is not None:
                st.put(row, replace=retry_failed)
            memory[keys[i]] = row
            counts["done"] += 1
            counts["failed"] += bool(row["failed"])
            update(counts["done"], failed=counts["failed"], left=total - counts["done"])

        calls = [(i, float(plan_alpha[i]), int(plan_seed[i])) for i in todo]
        try:
            if not calls:
                pass
            elif isinstance(executor, SerialExecutor) or (executor is None and (jobs == 1 or len(todo) <= 1
                                                                              and jobs is None)):
                for i, a, s in calls:
                    record(i, run_one(train_fn, a, s, config))
            elif executor is None or _is_worker_pool(executor):
                _run_on_workers(train_fn, calls, config, executor, jobs, record)
            else:
                _run_on_executor(train_fn, calls, config, executor, record)
        finally:
            close_bar()
        rows = st.rows(keys) if st is not None else [memory[k] for k in keys]
        return runs_from_rows(rows, fid)
    finally:
        if own_store and st is not None:
            st.close()


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


def _plan(alphas, seeds, stored: dict, grid_seed: int):
    """Alpha values, seeds, spec and grid seed of the sweep: the stored ones win when this call
    names the same spec (a random plan is never drawn again) or names none."""
    old = stored.get("alphas", {})
    spec = alphas.strip() if isinstance(alphas, str) else None
    if alphas is None:
        if not old:
            raise ParetolabError("alphas: expected alpha values or a spec (e.g. 'log:1e-3:1:9'), got None (and no "
                                 "stored plan to resume)")
        values, spec, gseed = np.array(old["values"], dtype=float), old.get("spec"), old.get("grid_seed", grid_seed)
    elif spec is not None and old.get("spec") == spec and old.get("grid_seed") == grid_seed:
        values, gseed = np.array(old["values"], dtype=float), grid_seed
    else:
        values, gseed = parse_values(alphas, "alphas", seed=grid_seed), grid_seed
    if seeds is None:
        seed_vals = np.array(stored["seeds"], dtype=np.int64) if stored.get("seeds") else parse_seeds(8)
    else:
        seed_vals = parse_seeds(seeds)
    return values, seed_vals, spec, gseed


# --------------------------------------------------------------------------- execution
def _is_worker_pool(executor) -> bool:
    return isinstance(executor, WorkerPool)


def _run_on_workers(fn, calls, config, pool, jobs, record) -> None:
    """Runs on worker processes. A run that ends its process (exit, crash, timeout) is recorded
    as failed with the cause, and its worker is replaced. When recording fails (a return value
    of the wrong shape, the store), no new run starts, the running ones finish and are recorded,
    then the error is raised. Ctrl-C kills the runs at once. A pool given by the caller is
    never closed here, and outcomes of calls that are not this sweep's are left alone."""
    own = pool is None
    if own:
        why = unimportable(fn)
        if why is not None:
            raise ParetolabError(f"train_fn: worker processes cannot import it: {why}. Define it at module level "
                                 "in an importable module, or run serially with jobs=1")
        pool = WorkerPool(min(int(jobs or default_jobs()), len(calls)))
    index, fatal = {}, None
    try:
        for i, a, s in calls:
            index[pool.submit(run_one, fn, a, s, config)] = (i, a, s)
        pending = set(index)
        for outcome in pool.outcomes():
            if outcome.ticket not in pending:
                continue
            pending.discard(outcome.ticket)
            i, a, s = index[outcome.ticket]
            out = outcome.value if outcome.ok else {
                "alpha": a, "seed": s, "objectives": [], "converged": False, "failed": True, "error": outcome.error,
                "extra": {}, "bad_return": None, "elapsed": outcome.seconds}
            if fatal is not None:
                if not out.get("bad_return"):
                    try:  # draining after an error: keep every finished run we still can
                        record(i, out)
                    except Exception:  # noqa: BLE001
                        pass
            else:
                try:
                    record(i, out)
                except Exception as exc:  # noqa: BLE001 - start no new run, let the running ones finish
                    fatal = exc
                    pending -= set(pool.cancel(pending))
            if not pending:
                break
    except BaseException:  # Ctrl-C or an error of the driver: stop this sweep's runs at once
        if own:
            pool.close(kill=True)
        else:
            pool.cancel(index)
        raise
    if own:
        pool.close()
    if fatal is not None:
        raise fatal


def _run_on_executor(fn, calls, config, executor, record) -> None:
    """Runs on a ``concurrent.futures`` executor (Dask): an executor that loses a run stops the
    sweep, keeping every finished run."""
    futures: dict[Future, tuple] = {}
    fatal = None
    try:
        for call in calls:
            futures[executor.submit(run_one, fn, call[1], call[2], config)] = call
        for fut in as_completed(futures):  # O(1) per finished run; cancelled futures come out too
            if fut.cancelled():
                continue
            i, a, s = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # noqa: BLE001 - the executor failed, not the run
                if fatal is None:
                    why = unimportable(fn)
                    fatal = ExecutorError(f"executor: a run (alpha={a!r}, seed={s}) could not be executed: "
                                         f"{type(exc).__name__}: {exc}. Finished runs are stored; rerun the sweep "
                                         "to continue" + ("" if why is None else f" (note: {why})"))
                    fatal.__cause__ = exc
                    _cancel(futures)
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
    ``make_executor(jobs=1)`` gives. :func:`sweep_function` treats it as ``jobs=1``: one run at a
    time, each recorded as soon as it finishes."""

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


def _check_jobs(jobs) -> None:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1):
        raise ParetolabError(f"jobs: expected an integer >= 1, got {jobs!r}")


class make_executor:  # noqa: N801 - a context manager used like a function
    """The executor for ``--jobs N`` / ``--scheduler ADDRESS``, as a context manager.

    ``scheduler`` (a Dask scheduler address such as ``"tcp://10.0.0.5:8786"``) gives
    ``distributed.Client(scheduler).get_executor()`` and closes the client at the end;
    ``jobs=1`` gives a :class:`SerialExecutor` (runs in the driver); ``jobs=N`` or None a
    :class:`paretolab.workers.WorkerPool` of N worker processes (default: the cores available),
    closed at the end. Pass what it gives as ``sweep(..., executor=ex)``.

    >>> with make_executor(jobs=1) as ex:
    ...     print(ex)
    SerialExecutor()
    """

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, *, timeout: float = 30.0):
        _check_jobs(jobs)
        if jobs is not None and scheduler is not None:
            raise ParetolabError(f"jobs: give jobs or a scheduler address, not both (got jobs={jobs!r}, "
                                 f"scheduler={scheduler!r})")
        self.jobs, self.scheduler, self.timeout = jobs, scheduler, timeout
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
        n = default_jobs() if self.jobs is None else int(self.jobs)
        if n == 1:
            return SerialExecutor()
        self._pool = WorkerPool(n)
        return self._pool

    def __exit__(self, *exc):
        if self._client is not None:
            self._client.close()
        elif self._pool is not None:
            self._pool.close(kill=exc[0] is not None)
