"""Worker processes the driver can kill and replace: where a user's training function runs.

A :class:`WorkerPool` runs calls ``fn(*args, **kwargs)`` in ``n`` worker processes, one call
per worker at a time, and hands back one :class:`Outcome` per call as it finishes. Unlike
``concurrent.futures.ProcessPoolExecutor`` (which on Python 3.11 can neither kill a worker nor
survive one dying), every way a call can end is an outcome and never breaks or hangs the pool:

=====================================  ==================================================
the call                               its outcome (``ok=False``), and the worker
=====================================  ==================================================
raises any exception, ``sys.exit(0)``  ``"SystemExit: 0 (at train.py:12)"``; worker kept
(argparse), ``KeyboardInterrupt``
ends its process: ``os._exit(3)``,     ``"worker process died: exit code 3"``,
a segfault, SIGKILL, out of memory     ``"... killed by signal SIGSEGV (...)"``; replaced
runs past its ``timeout``              ``"timed out after 60 s"``: SIGTERM, SIGKILL after
                                       1 s; replaced
=====================================  ==================================================

How it works: each worker is a ``multiprocessing`` process started with ``spawn`` (a fresh
interpreter, so the function may use CUDA, and no fork of a driver holding torch's or OpenMP's
threads). The driver sends a call as bytes over the worker's own pipe and waits with
``multiprocessing.connection.wait`` on the result pipes and the process sentinels together:
a result and a death wake it alike, with no busy polling (it also looks at every worker's
process every 5 s: a worker whose forked children hold its pipes open dies unseen by them).
A worker:

- ignores SIGINT, from before it starts: Ctrl-C is the driver's to handle (it kills the
  workers); no worker prints a ``KeyboardInterrupt`` traceback;
- runs in its own process group, so that killing it also ends the processes its call started
  (data loaders, subprocesses);
- exits within 0.5 s when the driver is gone (a driver killed with SIGKILL cannot stop its
  workers), by a thread that watches its parent; on Linux, when the pool is used from the main
  thread, the kernel also kills it at once (``PR_SET_PDEATHSIG``);
- sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and torch's thread
  count to ``threads`` (default 1: the pool is the parallelism) before its ``initializer``
  and the first call; ``threads=None`` leaves them alone. (The variables come too late for
  numpy's BLAS, which ``import paretolab`` loads as the worker starts: it keeps its default.)

The function and its arguments are pickled by reference, as with ``ProcessPoolExecutor``: the
function must be importable by name (defined at module level of an importable module, or of a
script whose entry point is guarded by ``if __name__ == "__main__":``). Lambdas, nested
functions and functions typed into an interactive session are refused at :meth:`submit`.

Example (``math.sqrt`` and ``operator.truediv`` stand in for a training function)::

    >>> import math, operator
    >>> with WorkerPool(2) as pool:
    ...     a = pool.submit(math.sqrt, 16.0)
    ...     b = pool.submit(operator.truediv, 1, 0)
    ...     done = {o.ticket: o for o in pool.outcomes()}
    >>> done[a].ok, done[a].value
    (True, 4.0)
    >>> done[b].ok, done[b].value, done[b].error
    (False, None, 'ZeroDivisionError: division by zero')

A pool is used from one thread; it is not thread-safe. Data flows one way: the pool calls no
code of its user's but the submitted functions, in the workers.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import math
import multiprocessing
import multiprocessing.util
import numbers
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait as _wait
from typing import Any, Self

from paretolab.errors import ParetolabError, WorkerPoolError

__all__ = ["TERM_GRACE", "Outcome", "WorkerPool", "unimportable"]

log = logging.getLogger(__name__)

TERM_GRACE = 1.0
"""Seconds a worker is given to exit after SIGTERM (a timeout, :meth:`WorkerPool.close`) before
SIGKILL."""

_DRIVER_POLL = 0.5  # seconds between a worker's checks that its driver is alive
_HEARTBEAT = 5.0  # seconds between the driver's looks at every worker's process (see _step)
_MAX_CAUSE = 2000  # characters of an error's text kept in an outcome
_STOP = b""  # driver -> idle worker: exit
_POOL_TIMEOUT = object()  # submit(timeout=...) not given: the pool's
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS")


@dataclass(frozen=True)
class Outcome:
    """One finished call of a :class:`WorkerPool`.

    Attributes
    ----------
    ticket : int
        What :meth:`WorkerPool.submit` returned for the call.
    ok : bool
        True if the call returned (whatever it returned).
    value : object
        The call's return value when ``ok``, else None.
    error : str
        Why the call failed when not ``ok`` (``""`` when ok): ``"RuntimeError: boom (at
        train.py:12)"``, ``"SystemExit: 0 (at ...)"``, ``"worker process died: exit code 3"``,
        ``"worker process died: killed by signal SIGSEGV (a crash in native code)"``,
        ``"timed out after 60 s"``.
    seconds : float
        Wall time of the call: measured in the worker when the call returned or raised, else from
        the moment it was sent to its worker until the death or timeout was seen.
    """

    ticket: int
    ok: bool
    value: Any
    error: str
    seconds: float


class _Call:
    __slots__ = ("name", "payload", "ticket", "timeout")

    def __init__(self, ticket: int, payload: bytes, timeout: float | None, name: str):
        self.ticket, self.payload, self.timeout, self.name = ticket, payload, timeout, name


class _Worker:
    """The driver's handle on one worker process."""

    __slots__ = (
        "call",
        "conn",
        "deadline",
        "exitcode",
        "grouped",
        "pid",
        "process",
        "ready",
        "start_error",
        "started",
    )

    def __init__(self, process, conn):
        self.process, self.pid, self.conn = process, process.pid, conn
        self.exitcode: int | None = None  # set when the process is reaped
        self.ready = False  # the worker finished starting and waits for calls
        self.grouped = False  # the worker leads its own process group (signal the group)
        self.call: _Call | None = None
        self.started = 0.0  # time.monotonic() when the call was sent
        self.deadline: float | None = None
        self.start_error = ""  # what the worker reported when it could not start

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the worker (and, once it leads its own group, to that group: the
        processes its call started)."""
        try:
            if self.grouped:
                os.killpg(self.pid, sig)
            elif self.exitcode is None and self.process.exitcode is None:
                os.kill(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


class WorkerPool:
    """``n`` worker processes that run one call each at a time; killed and replaced as needed.

    Parameters
    ----------
    n : int
        Number of worker processes (>= 1). Workers start when calls need them, so a pool of 8
        given 2 calls starts 2.
    timeout : float, optional
        Seconds a call may run before its worker is killed (SIGTERM, SIGKILL after
        :data:`TERM_GRACE` s) and the call is reported ``"timed out after N s"``; None (the
        default) lets calls run as long as they take. :meth:`submit` can set it per call. The
        clock starts when the call is sent to a started worker, so a worker's start-up (a fresh
        interpreter importing the function's module) is not counted.
    initializer : callable, optional
        Called as ``initializer(*initargs)`` in each worker when it starts (importable by name,
        like the functions). If it raises, the pool cannot start workers: :meth:`outcomes`
        raises :class:`WorkerPoolError` with the cause.
    initargs : tuple
        Arguments of ``initializer`` (picklable).
    threads : int or None, default 1
        Threads of OpenMP, MKL, OpenBLAS and torch in each worker (set in the worker before the
        initializer and the first call: ``torch.set_num_threads`` if torch is imported, and the
        ``*_NUM_THREADS`` variables for what loads later). None leaves the libraries' defaults.

    Notes
    -----
    Use it as a context manager: leaving the ``with`` block normally calls :meth:`close`, and
    on an exception (including ``KeyboardInterrupt``) ``close(kill=True)``, which kills running
    calls at once. A pool that is garbage-collected, or still open when the driver exits, kills
    its workers. Worker processes are not daemonic, so a call may start processes of its own
    (a torch ``DataLoader`` with workers); a pool may be used in a daemonic process too (a Dask
    task), its workers exit when that process ends.

    A call's keyword argument named ``timeout`` is taken by :meth:`submit`; pass a function that
    takes one through ``functools.partial(fn, timeout=...)``.

    Examples
    --------
    >>> import time
    >>> with WorkerPool(1, timeout=0.5) as pool:
    ...     hangs = pool.submit(time.sleep, 60)
    ...     after = pool.submit(pow, 2, 10)  # runs in a new worker
    ...     print(sorted((o.ticket, o.ok, o.value, o.error) for o in pool.outcomes()))
    [(0, False, None, 'timed out after 0.5 s'), (1, True, 1024, '')]
    """

    def __init__(self, n: int, *, timeout: float | None = None, initializer: Callable | None = None,
                 initargs: tuple = (), threads: int | None = 1):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ParetolabError(f"n: expected a number of worker processes, an integer >= 1, got {n!r}")
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, numbers.Integral)
                                    or threads < 1):
            raise ParetolabError(f"threads: expected an integer >= 1 or None, got {threads!r}")
        if initializer is not None:
            _check_function("initializer", initializer)
        if not isinstance(initargs, tuple):
            raise ParetolabError(f"initargs: expected a tuple, got {type(initargs).__name__} {_short(initargs)}")
        self.n = int(n)
        self.timeout = _check_timeout("timeout", timeout)
        self._boot = _dumps("initargs", (initializer, initargs, None if threads is None else int(threads)))
        self._ctx = multiprocessing.get_context("spawn")
        self._queue: collections.deque[_Call] = collections.deque()
        self._done: collections.deque[Outcome] = collections.deque()
        self._workers: list[_Worker] = []  # live workers; the list object is shared with _finalizer
        self._tickets = itertools.count()
        self._closed = False
        self._next_check = time.monotonic() + _HEARTBEAT
        # runs when the pool is garbage-collected or at the driver's exit (before multiprocessing
        # joins its children, which would wait forever for a worker waiting for calls)
        self._finalizer = multiprocessing.util.Finalize(self, _kill_all, args=(self._workers,), exitpriority=10)

    # ------------------------------------------------------------------ public
    def submit(self, fn: Callable, /, *args, timeout: Any = _POOL_TIMEOUT, **kwargs) -> int:
        """Queue the call ``fn(*args, **kwargs)``; it runs when a worker is free.

        Parameters
        ----------
        fn : callable
            Importable by name in a new process: a function at module level of an importable
            module (or of a script guarded by ``if __name__ == "__main__":``).
        *args, **kwargs
            The call's arguments (picklable).
        timeout : float or None, optional
            Seconds this call may run; by default the pool's ``timeout``; None: no limit.

        Returns
        -------
        int
            The call's ticket, found again in its :class:`Outcome`.

        Raises
        ------
        ParetolabError
            ``fn`` is not callable, or workers cannot import it, or the arguments cannot be
            pickled, or ``timeout`` is not a number > 0.
        WorkerPoolError
            The pool is closed.
        """
        if self._closed:
            raise WorkerPoolError("submit: the pool is closed; create a new WorkerPool")
        _check_function("fn", fn)
        call_timeout = self.timeout if timeout is _POOL_TIMEOUT else _check_timeout("timeout", timeout)
        payload = _dumps("args", (fn, args, kwargs))
        ticket = next(self._tickets)
        self._queue.append(_Call(ticket, payload, call_timeout, _name(fn)))
        return ticket

    def outcomes(self) -> Iterator[Outcome]:
        """Each call's :class:`Outcome`, as it finishes, until every submitted call is done.

        Calls submitted while iterating are waited for too. Stop iterating at any time: calls
        still running go on, and a later ``outcomes()`` yields them.

        Raises
        ------
        WorkerPoolError
            A worker process could not start (see ``initializer``); the message says why.
        """
        while True:
            while self._done:
                yield self._done.popleft()
            if self._closed or not (self._queue or any(w.call is not None for w in self._workers)):
                return
            self._dispatch()
            self._step()

    def cancel(self, tickets=None) -> list[int]:
        """Drop queued calls that have not started (those of ``tickets``, or all); running calls
        go on and still yield their :class:`Outcome`. Returns the tickets dropped.

        >>> with WorkerPool(1) as pool:
        ...     first, second = pool.submit(pow, 2, 3), pool.submit(pow, 2, 4)
        ...     pool.cancel([second]), [o.value for o in pool.outcomes()]
        ([1], [8])
        """
        wanted = None if tickets is None else set(tickets)
        dropped = [c.ticket for c in self._queue if wanted is None or c.ticket in wanted]
        self._queue = collections.deque(c for c in self._queue if c.ticket not in set(dropped))
        return dropped

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers and wait for their processes (none is left running or a zombie).

        Calls not yet started are dropped, and so are outcomes not yet read. Idle workers are
        asked to exit; a call still running (possible only when :meth:`outcomes` was not read to
        the end) is stopped with SIGTERM and SIGKILL after :data:`TERM_GRACE` s. With
        ``kill=True`` (Ctrl-C, an error in the driver) every worker gets SIGKILL at once: close
        never waits for a call. Closing twice is harmless.
        """
        self._closed = True
        dropped = len(self._queue) + sum(w.call is not None for w in self._workers)
        if dropped:
            log.debug("closing a worker pool with %d calls not finished", dropped)
        self._queue.clear()
        self._done.clear()
        workers = list(self._workers)
        self._workers.clear()
        if kill:
            _end(workers, grace=0.0)
            return
        for w in workers:
            if w.call is None:
                with contextlib.suppress(OSError):
                    w.conn.send_bytes(_STOP)
            else:
                w.signal(signal.SIGTERM)
        _end(workers, grace=TERM_GRACE)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(kill=exc_type is not None)

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._workers)} started"
        return f"WorkerPool(n={self.n}, timeout={self.timeout!r}; {state})"

    # ------------------------------------------------------------------ driver loop
    def _dispatch(self) -> None:
        """Start the workers the queued calls need, and send queued calls to idle workers."""
        busy = sum(w.call is not None for w in self._workers)
        while len(self._workers) < min(self.n, busy + len(self._queue)):
            self._start_worker()
        for w in self._workers:
            if not self._queue:
                break
            if w.ready and w.call is None:
                call = self._queue.popleft()
                w.call, w.started = call, time.monotonic()
                w.deadline = None if call.timeout is None else w.started + call.timeout
                try:
                    w.conn.send_bytes(pickle.dumps((call.ticket, call.payload), protocol=pickle.HIGHEST_PROTOCOL))
                except OSError:  # the worker just died: its sentinel reports the call as failed
                    pass

    def _start_worker(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        main = threading.current_thread() is threading.main_thread()
        process = self._ctx.Process(target=_worker_main, args=(child, os.getpid(), self._boot, main),
                                    name="paretolab-worker", daemon=False)
        with _sigint_ignored(), _children_allowed():  # the worker ignores SIGINT from its start on
            process.start()
        child.close()  # else the driver's copy keeps the pipe open after the worker dies
        self._workers.append(_Worker(process, parent))
        log.debug("started worker process %d", process.pid)

    def _step(self) -> None:
        """Wait for a result, a worker's death or the next deadline, and handle what happened."""
        now = time.monotonic()
        wake = [self._next_check]
        wake += [w.deadline for w in self._workers if w.call is not None and w.deadline is not None]
        handles = {}
        for w in self._workers:
            handles[w.conn] = w
            handles[w.process.sentinel] = w
        ready = _wait(list(handles), timeout=max(0.0, min(wake) - now))
        touched = {id(handles[r]): handles[r] for r in ready}
        now = time.monotonic()
        if now >= self._next_check:
            # a worker dies unseen by its pipes when a process it forked (a data loader) holds them
            # open: look at every worker's process now and then
            self._next_check = now + _HEARTBEAT
            touched = {id(w): w for w in self._workers}
        for w in touched.values():
            self._service(w)
        now = time.monotonic()
        for w in [w for w in self._workers if w.call is not None and w.deadline is not None and now >= w.deadline]:
            self._service(w)  # its result may have come just in time
            if w in self._workers and w.call is not None:
                self._time_out(w, now)

    def _service(self, w: _Worker) -> None:
        """Read what worker ``w`` sent; retire it if it died."""
        eof = False
        try:
            while w.conn.poll():
                self._handle(w, w.conn.recv_bytes())
        except (EOFError, OSError):
            eof = True
        if eof or not w.process.is_alive():
            self._retire(w)

    def _handle(self, w: _Worker, data: bytes) -> None:
        msg = pickle.loads(data)
        kind = msg[0]
        if kind == "ready":
            w.ready, w.grouped = True, msg[1]
        elif kind == "start-failed":
            w.start_error = msg[1]
        elif kind == "done":
            _, ticket, ok, value_bytes, error, seconds = msg
            value = None
            if ok:
                try:
                    value = pickle.loads(value_bytes)
                except Exception as exc:  # noqa: BLE001 - a class the driver cannot import, say
                    ok, error = False, f"the return value could not be read in the driver: {_cause(exc)}"
            self._done.append(Outcome(ticket, ok, value, error, seconds))
            w.call = w.deadline = None

    def _retire(self, w: _Worker) -> None:
        """Worker ``w`` died (or closed its pipe): report its call, remove it, reap it."""
        self._workers.remove(w)
        if w.process.is_alive():  # alive but its pipe is closed: unusable
            w.signal(signal.SIGKILL)
        _end([w], grace=0.0)
        how = _exit_cause(w.exitcode)
        if w.call is not None:
            seconds = time.monotonic() - w.started
            log.info("worker process %d died during %s: %s", w.pid, w.call.name, how)
            self._done.append(Outcome(w.call.ticket, False, None, f"worker process died: {how}", seconds))
        elif not w.ready:
            raise WorkerPoolError(f"a worker process could not start: {_start_failure(w.start_error, w.exitcode)}")
        else:
            log.info("idle worker process %d died: %s", w.pid, how)

    def _time_out(self, w: _Worker, now: float) -> None:
        call = w.call
        self._workers.remove(w)
        w.signal(signal.SIGTERM)
        _end([w], grace=TERM_GRACE)
        log.info("%s timed out after %g s; worker process %d killed",
                 call.name, call.timeout, w.pid)
        self._done.append(Outcome(call.ticket, False, None, f"timed out after {call.timeout:g} s", now - w.started))


# ---------------------------------------------------------------------- driver helpers
def _end(workers: list[_Worker], grace: float) -> None:
    """Wait up to ``grace`` s for the workers' processes to exit, SIGKILL the rest (and the
    processes they started), reap them and close their pipes."""
    pending = [w for w in workers if w.process.is_alive()]
    deadline = time.monotonic() + grace
    while pending and (left := deadline - time.monotonic()) > 0:
        _wait([w.process.sentinel for w in pending], timeout=left)
        pending = [w for w in pending if w.process.is_alive()]
    for w in workers:
        w.signal(signal.SIGKILL)  # the worker if still alive, and what its calls left in its group
    for w in workers:
        w.process.join(timeout=5.0)
        w.exitcode = w.process.exitcode
        if w.exitcode is None:  # pragma: no cover - stuck in the kernel (D state)
            log.warning("worker process %d did not exit after SIGKILL", w.pid)
        else:
            w.process.close()  # its sentinel's file descriptor
        w.conn.close()


def _start_failure(reported: str, exitcode: int | None) -> str:
    """Why a worker could not start, and what to do."""
    if reported:
        return f"its initializer raised {reported}"
    why = f"it died while starting ({_exit_cause(exitcode)})"
    if exitcode is None or exitcode <= 0:
        return why
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main is not None and not os.path.isfile(main):
        return (f"{why}: a worker imports the driver's main module again, and {main!r} is not a file; "
                "run the driver from a script file")
    return (f"{why}; its traceback is above. A worker imports the driver's main script again: guard the "
            "script's entry point with `if __name__ == '__main__':`, and check that it imports without errors")


def _kill_all(workers: list[_Worker]) -> None:
    """The pool's finalizer: SIGKILL every worker left."""
    left = list(workers)
    workers.clear()
    _end(left, grace=0.0)


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored while a worker starts: an ignored signal stays ignored in the new process
    (Python then installs no ``KeyboardInterrupt`` handler), so a Ctrl-C during a worker's
    start-up cannot print a traceback from it. A Ctrl-C in these few milliseconds is lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.getsignal(signal.SIGINT)
    if old is None:  # a handler not installed from Python: cannot be restored, leave it
        yield
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


_START_LOCK = threading.Lock()


@contextlib.contextmanager
def _children_allowed():
    """This process may start a worker even if it is daemonic (a Dask worker started by its
    nanny is). ``multiprocessing`` refuses children of a daemonic process lest they outlive it;
    a worker does not (it exits when its driver is gone, see :func:`_watch_driver`). The flag,
    ``multiprocessing.current_process().daemon``, is cleared only while the worker starts, under
    a lock: threads starting workers at once (a Dask worker's tasks) restore the same value. The
    lock is paretolab's own: another library's thread starting a process in these microseconds
    would pass multiprocessing's check too (and its process would be created non-daemonic)."""
    with _START_LOCK:
        me = multiprocessing.current_process()
        daemonic = me.daemon
        if daemonic:
            me.daemon = False
        try:
            yield
        finally:
            if daemonic:
                me.daemon = True


def _check_timeout(name: str, value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ParetolabError(f"{name}: expected seconds, a number > 0, or None, got {_short(value)}")
    return float(value)


def _check_function(name: str, fn) -> None:
    if not callable(fn):
        raise ParetolabError(f"{name}: expected a function, got {type(fn).__name__} {_short(fn)}")
    why = unimportable(fn)
    if why is not None:
        raise ParetolabError(f"{name}: worker processes cannot import {why}; define it at module level of an "
                             "importable module (or run in the driver's process, with in_process=True)")


def unimportable(fn, *, main_script: bool = True) -> str | None:
    """Why a new process cannot import ``fn`` by name, or None (pickling may still fail).
    ``main_script=False``: the process is not started by the driver (a Dask worker's child), so a
    function of the driver's main script cannot be imported there either."""
    import functools

    if isinstance(fn, functools.partial):
        return unimportable(fn.func, main_script=main_script)
    qual = getattr(fn, "__qualname__", None)
    if qual is None:  # an instance of a callable class: pickled by value
        return None
    mod = getattr(fn, "__module__", None)
    label = f"{mod}:{qual}"
    if "<lambda>" in qual:
        return f"{label}: it is a lambda"
    if "<locals>" in qual:
        return f"{label}: it is defined inside another function"
    if mod is None:
        return f"{fn!r}: it has no module"
    if mod == "__main__" and not getattr(sys.modules.get("__main__"), "__file__", None):
        return f"{label}: it is defined in an interactive session (no file a worker can import)"
    if mod == "__main__" and not main_script:
        return f"{qual}: it is defined in the driver's main script"
    return None


def _dumps(name: str, obj) -> bytes:
    try:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise ParetolabError(
            f"{name}: cannot be sent to a worker process ({type(exc).__name__}: {exc}); arguments must be "
            "picklable, and functions among them defined at module level of an importable module (or run in "
            "the driver's process, with in_process=True)") from exc


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__qualname__


def _short(value, n: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= n else text[:n] + "..."


def _exit_cause(exitcode: int | None) -> str:
    """``"exit code 3"``, ``"killed by signal SIGSEGV (a crash in native code)"``."""
    if exitcode is None:
        return "did not exit"
    if exitcode >= 0:
        return f"exit code {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = str(-exitcode)
    hint = {"SIGKILL": " (out of memory, or killed by another process)",
            "SIGSEGV": " (a crash in native code)", "SIGBUS": " (a crash in native code)",
            "SIGILL": " (a crash in native code)", "SIGFPE": " (a crash in native code)",
            "SIGABRT": " (aborted, by native code or a failed assertion in a library)"}.get(name, "")
    return f"killed by signal {name}{hint}"


def _cause(exc: BaseException) -> str:
    """``"RuntimeError: boom (at /path/train.py:12)"``: the exception and the deepest line outside
    this module where it was raised."""
    if isinstance(exc, SystemExit):
        text = exc.code if isinstance(exc.code, str) else repr(exc.code)
    else:
        text = str(exc)
    here = os.path.abspath(__file__)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) != here]
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    cause = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if len(cause) > _MAX_CAUSE:
        cause = cause[:_MAX_CAUSE] + "..."
    return cause + where


# ---------------------------------------------------------------------- the worker process
def _worker_main(conn, driver_pid: int, boot: bytes, pdeathsig: bool) -> None:
    """A worker's life: set up, say ready, then run calls until told to stop or the driver is
    gone. Never raises for a call's own errors."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    grouped = True
    try:
        os.setpgid(0, 0)
    except OSError:  # pragma: no cover - already a group leader, or not permitted
        grouped = os.getpgid(0) == os.getpid()
    if pdeathsig:
        _set_pdeathsig()
    _watch_driver(driver_pid)
    try:
        initializer, initargs, threads = pickle.loads(boot)
        if threads is not None:
            _limit_threads(threads)
        if initializer is not None:
            initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the driver, which stops
        with contextlib.suppress(OSError):
            conn.send_bytes(pickle.dumps(("start-failed", _cause(exc))))
        return
    conn.send_bytes(pickle.dumps(("ready", grouped)))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if data == _STOP:
            return
        try:
            conn.send_bytes(_run(data))
        except OSError:  # the driver is gone
            return


def _run(data: bytes) -> bytes:
    """Run one call; its result (or cause of failure) as the bytes to send back. Everything the
    call made is released when this returns."""
    ticket, payload = pickle.loads(data)
    t0 = time.perf_counter()
    try:
        fn, args, kwargs = pickle.loads(payload)  # imports the function's module: may fail too
        value = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt included
        return pickle.dumps(("done", ticket, False, None, _cause(exc), time.perf_counter() - t0))
    seconds = time.perf_counter() - t0
    try:
        value_bytes = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001
        return pickle.dumps(("done", ticket, False, None,
                             f"the return value cannot be sent back to the driver: {_cause(exc)}", seconds))
    return pickle.dumps(("done", ticket, True, value_bytes, "", seconds), protocol=pickle.HIGHEST_PROTOCOL)


def _limit_threads(threads: int) -> None:
    for var in _THREAD_VARS:
        os.environ[var] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _watch_driver(driver_pid: int) -> None:
    """Exit when the driver is gone: the worker is re-parented, so its parent pid changes."""

    def watch():
        while True:
            time.sleep(_DRIVER_POLL)
            if os.getppid() != driver_pid:
                os._exit(1)

    threading.Thread(target=watch, name="paretolab-driver-watch", daemon=True).start()


def _set_pdeathsig() -> None:
    """Linux: the kernel sends SIGKILL to this process when the thread that started it exits
    (the driver's main thread here, so: when the driver exits)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        pass
