"""Worker processes the driver can kill and replace (:mod:`paretolab.workers`), tried with real
faults: calls that exit, ``os._exit``, segfault, kill themselves, hang; a driver killed with
SIGKILL; Ctrl-C. No mocks.

The functions the workers run are defined at module level here: a spawned worker imports this
module by name (pytest puts ``tests/`` on ``sys.path``, and a spawned process starts with its
driver's ``sys.path``). This module imports nothing heavy, so a worker starts in well under a
second.
"""

import ctypes
import functools
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

from paretolab.errors import ParetolabError, WorkerPoolError
from paretolab.workers import TERM_GRACE, Outcome, WorkerPool

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ what the workers run
def double(x):
    return 2 * x


def my_pid():
    return os.getpid()


def span(seconds):
    """Sleep; the wall-clock interval slept."""
    t0 = time.time()
    time.sleep(seconds)
    return t0, time.time()


def touch(path):
    Path(path).write_text("done")
    return "touched"


def wait_for(path, tag, limit=30.0):
    """Return ``tag`` once ``path`` exists (another call made it)."""
    end = time.monotonic() + limit
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.01)
    return tag


def exits(code):
    sys.exit(code)


def raises_system_exit():
    raise SystemExit(2)


def interrupts():
    raise KeyboardInterrupt


def boom():
    raise RuntimeError("boom")


def returns_lock():
    return threading.Lock()


def hard_exit(code):
    os._exit(code)


def segfault():
    ctypes.string_at(0)


def kills_itself():
    os.kill(os.getpid(), signal.SIGKILL)


def forks_then_exits(pid_file):
    """Fork a child that sleeps (as a fork-based data loader's workers do; it holds the worker's
    pipes open), then end the worker."""
    child = os.fork()
    if child == 0:
        time.sleep(600)
        os._exit(0)
    Path(pid_file).write_text(str(child))
    os._exit(3)


def hangs(pid_file=None):
    """Write this worker's pid to ``pid_file`` (so a test knows the call runs), then hang."""
    if pid_file is not None:
        Path(pid_file).write_text(str(os.getpid()))
    time.sleep(600)


def thread_settings():
    return os.environ.get("OMP_NUM_THREADS"), os.environ.get("PARETOLAB_TEST_MARKER"), "torch" in sys.modules


def set_marker(value):
    os.environ["PARETOLAB_TEST_MARKER"] = value


def no_gpu():
    raise RuntimeError("no GPU here")


# ------------------------------------------------------------------ helpers
def running(pid: int) -> bool:
    """True if process ``pid`` exists and is not a zombie (a reaped process does not exist)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def wait_file(path: Path, limit: float = 30.0) -> str:
    end = time.monotonic() + limit
    while not path.exists() or not path.read_text():
        assert time.monotonic() < end, f"{path} never written"
        time.sleep(0.02)
    return path.read_text()


def by_ticket(outcomes):
    return {o.ticket: o for o in outcomes}


def assert_no_children():
    assert multiprocessing.active_children() == []


# ------------------------------------------------------------------ results
def test_results_arrive_as_calls_finish_with_their_values(tmp_path):
    """Without it, a sweep would see no run until its slowest had finished, and a result could be
    recorded under another run's (alpha, seed)."""
    flag = tmp_path / "flag"
    with WorkerPool(2) as pool:
        slow = pool.submit(wait_for, str(flag), "slow")  # finishes only after every other call
        fast = [pool.submit(double, k) for k in range(5)]
        last = pool.submit(touch, str(flag))
        got = list(pool.outcomes())
    assert all(isinstance(o, Outcome) for o in got)
    assert sorted(o.ticket for o in got) == [slow, *fast, last]
    assert got[-1].ticket == slow
    done = by_ticket(got)
    assert (done[slow].ok, done[slow].value, done[slow].error) == (True, "slow", "")
    assert [done[t].value for t in fast] == [0, 2, 4, 6, 8]
    assert all(done[t].ok and done[t].error == "" and 0 <= done[t].seconds < 5 for t in fast)
    assert_no_children()


def test_two_workers_run_calls_in_parallel():
    """Without it, --jobs 2 would take as long as --jobs 1."""
    with WorkerPool(2) as pool:
        for _ in range(2):
            pool.submit(span, 1.0)
        spans = [o.value for o in pool.outcomes()]
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    assert max(starts) < min(ends)  # the two sleeps overlapped
    assert max(ends) - min(starts) < 1.8


# ------------------------------------------------------------------ calls that raise or exit
def test_a_call_that_exits_or_raises_is_a_failure_with_its_cause_and_the_worker_stays():
    """Before: a run calling sys.exit(0) (or its own argparse) ended the sweep with rc 0 and no
    message after 1 of 9 runs, and on a pool lost most rows; a KeyboardInterrupt raised by the
    run passed for a Ctrl-C. Each is now one failed run with its cause, and its worker goes on."""
    with WorkerPool(1) as pool:
        before = pool.submit(my_pid)
        calls = {
            "sys.exit(0)": pool.submit(exits, 0),
            "SystemExit(2)": pool.submit(raises_system_exit),
            "sys.exit(str)": pool.submit(exits, "error: unrecognized arguments: --alphas"),
            "KeyboardInterrupt": pool.submit(interrupts),
            "RuntimeError": pool.submit(boom),
            "unpicklable return": pool.submit(returns_lock),
        }
        after = pool.submit(my_pid)
        done = by_ticket(pool.outcomes())
    here = f"{__file__}:"
    err = {name: done[t].error for name, t in calls.items()}
    assert err["sys.exit(0)"].startswith("SystemExit: 0 (at " + here)
    assert err["SystemExit(2)"].startswith("SystemExit: 2 (at " + here)
    assert err["sys.exit(str)"].startswith("SystemExit: error: unrecognized arguments: --alphas (at ")
    assert err["KeyboardInterrupt"].startswith("KeyboardInterrupt (at " + here)
    assert err["RuntimeError"].startswith("RuntimeError: boom (at " + here)
    assert err["unpicklable return"].startswith("the return value cannot be sent back to the driver: TypeError")
    assert all(not done[t].ok and done[t].value is None for t in calls.values())
    assert done[before].value == done[after].value  # one worker did it all
    assert not running(done[before].value)
    assert_no_children()


# ------------------------------------------------------------------ calls that end their process
@pytest.mark.parametrize("fn, args, cause", [
    (hard_exit, (3,), "worker process died: exit code 3"),
    (segfault, (), "worker process died: killed by signal SIGSEGV (a crash in native code)"),
    (kills_itself, (), "worker process died: killed by signal SIGKILL (out of memory, or killed by another process)"),
])
def test_a_call_that_ends_its_process_is_a_failure_and_its_worker_is_replaced(fn, args, cause):
    """Before: a run that called os._exit, segfaulted or was killed (out of memory) was never
    recorded; every resume hit it again, so the sweep could never finish, and the pool threw
    away the runs in flight each time."""
    with WorkerPool(1) as pool:
        first = pool.submit(my_pid)
        dies = pool.submit(fn, *args)
        later = [pool.submit(double, k) for k in range(3)]
        last = pool.submit(my_pid)
        done = by_ticket(pool.outcomes())
    assert (done[dies].ok, done[dies].value, done[dies].error) == (False, None, cause)
    assert 0 <= done[dies].seconds < 10
    assert [done[t].value for t in later] == [0, 2, 4]
    assert done[first].value != done[last].value  # a fresh worker
    assert not running(done[first].value) and not running(done[last].value)
    assert_no_children()


def test_a_worker_whose_forked_child_holds_its_pipes_is_still_seen_to_die(tmp_path, monkeypatch):
    """Without it, a run that started fork-based data-loader workers and then crashed would leave
    the sweep waiting forever: its pipes stay open in those children, so neither the result pipe
    nor the process sentinel says the worker died. The driver also looks at its workers'
    processes every few seconds, and kills what the dead worker started."""
    monkeypatch.setattr("paretolab.workers._HEARTBEAT", 0.3)
    pid_file = tmp_path / "grandchild.pid"
    t0 = time.monotonic()
    with WorkerPool(1) as pool:
        dies = pool.submit(forks_then_exits, str(pid_file))
        after = pool.submit(double, 4)
        done = by_ticket(pool.outcomes())
    assert time.monotonic() - t0 < 10
    assert done[dies].error == "worker process died: exit code 3"
    assert done[after].value == 8
    grandchild = int(pid_file.read_text())
    end = time.monotonic() + 3
    while running(grandchild) and time.monotonic() < end:
        time.sleep(0.05)
    assert not running(grandchild)
    assert_no_children()


# ------------------------------------------------------------------ calls that hang
def test_a_call_past_its_timeout_is_killed_and_its_worker_replaced(tmp_path):
    """Before: a run that hung (a deadlock, a stuck data loader) held its worker forever and the
    sweep never finished; there was no per-run timeout."""
    t0 = time.monotonic()
    with WorkerPool(1, timeout=1) as pool:
        stuck = pool.submit(hangs, str(tmp_path / "pid1"))
        after = pool.submit(double, 21)
        short = pool.submit(hangs, str(tmp_path / "pid2"), timeout=0.5)  # per call
        last = pool.submit(my_pid)
        done = by_ticket(pool.outcomes())
    elapsed = time.monotonic() - t0
    assert (done[stuck].ok, done[stuck].error) == (False, "timed out after 1 s")
    assert 1.0 <= done[stuck].seconds < 1.0 + TERM_GRACE + 1
    assert (done[short].ok, done[short].error) == (False, "timed out after 0.5 s")
    assert done[after].value == 42
    pids = [int((tmp_path / name).read_text()) for name in ("pid1", "pid2")]
    assert len({*pids, done[last].value}) == 3  # replaced after each timeout
    assert not any(running(p) for p in pids)
    assert elapsed < 10  # 1.5 s of timeouts, 3 worker start-ups
    assert_no_children()


def start_hang(pool, tmp_path):
    """Submit a hanging call and drive the pool until it runs; its worker's pid."""
    pid_file = tmp_path / "hang.pid"
    pool.submit(hangs, str(pid_file))
    waiting = pool.submit(wait_for, str(pid_file), "started")
    for o in pool.outcomes():
        if o.ticket == waiting:
            break
    return int(wait_file(pid_file))


def test_close_kill_stops_a_hanging_call_at_once(tmp_path):
    """Without it, stopping a sweep (Ctrl-C, an error in the driver) would wait for a run that
    never ends."""
    pool = WorkerPool(2)
    pid = start_hang(pool, tmp_path)
    t0 = time.monotonic()
    pool.close(kill=True)
    assert time.monotonic() - t0 < 2
    assert not running(pid)
    assert_no_children()
    with pytest.raises(WorkerPoolError, match="closed"):
        pool.submit(double, 1)


def test_close_does_not_hang_on_a_call_still_running(tmp_path):
    """Without it, leaving the pool's `with` block after a `break` would wait for a run that
    never ends."""
    with WorkerPool(2) as pool:
        pid = start_hang(pool, tmp_path)
        t0 = time.monotonic()
    assert time.monotonic() - t0 < TERM_GRACE + 1
    assert not running(pid)
    assert_no_children()


def test_ctrl_c_while_waiting_kills_the_workers_at_once(tmp_path):
    """Before: SIGINT to the driver alone never finished while a pool worker hung."""
    timer = None
    try:
        with pytest.raises(KeyboardInterrupt), WorkerPool(2) as pool:
            pid = start_hang(pool, tmp_path)
            timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
            timer.start()
            t0 = time.monotonic()
            for _ in pool.outcomes():  # blocks on the hanging call until SIGINT arrives
                pass
    finally:
        if timer is not None:
            timer.cancel()
    assert time.monotonic() - t0 < 2.5
    assert not running(pid)
    assert_no_children()


DRIVER = """
import os, sys, threading, time
from pathlib import Path
from paretolab.workers import WorkerPool

def hang(pid_file):
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(600)

def run(out):
    with WorkerPool(2) as pool:
        pool.submit(hang, os.path.join(out, "a"))
        pool.submit(hang, os.path.join(out, "b"))
        for _ in pool.outcomes():
            pass

if __name__ == "__main__":
    if sys.argv[1] == "thread":  # the pool driven from a thread: no PR_SET_PDEATHSIG, the watch thread
        t = threading.Thread(target=run, args=(sys.argv[2],))
        t.start()
        t.join()
    else:
        run(sys.argv[2])
"""


def test_a_driver_killed_with_sigkill_leaves_no_worker_running(tmp_path):
    """Without it, every sweep killed with SIGKILL (or by the out-of-memory killer) would leave
    its workers training on, holding cores and GPU memory, with nobody to read their results."""
    script = tmp_path / "driver.py"
    script.write_text(textwrap.dedent(DRIVER))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    drivers = {}
    for mode in ("main", "thread"):
        out = tmp_path / mode
        out.mkdir()
        drivers[mode] = (subprocess.Popen([sys.executable, str(script), mode, str(out)], env=env), out)
    try:
        pids = {mode: [int(wait_file(out / k)) for k in "ab"] for mode, (_, out) in drivers.items()}
        for proc, _ in drivers.values():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        end = time.monotonic() + 3
        while any(running(p) for ps in pids.values() for p in ps) and time.monotonic() < end:
            time.sleep(0.05)
        assert {mode: [p for p in ps if running(p)] for mode, ps in pids.items()} == {"main": [], "thread": []}
    finally:
        for proc, _ in drivers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


# ------------------------------------------------------------------ start-up
def test_workers_use_one_thread_and_run_the_initializer():
    """Without it, N workers each running torch/OpenMP with all cores would oversubscribe the
    machine N times; and a user could not prepare each worker (a GPU, a data cache)."""
    with WorkerPool(1, initializer=set_marker, initargs=("set",)) as pool:
        pool.submit(thread_settings)
        (o,) = pool.outcomes()
    assert o.value == ("1", "set", False)
    with WorkerPool(1, threads=None) as pool:
        pool.submit(thread_settings)
        (o,) = pool.outcomes()
    assert o.value[0] == os.environ.get("OMP_NUM_THREADS")


def test_an_initializer_that_raises_stops_the_pool_with_its_cause():
    """Without it, a worker that cannot start would be replaced forever, or the pool would wait
    for it."""
    t0 = time.monotonic()
    message = r"could not start: its initializer raised RuntimeError: no GPU here"
    with pytest.raises(WorkerPoolError, match=message), WorkerPool(2, initializer=no_gpu) as pool:
        pool.submit(double, 1)
        list(pool.outcomes())
    assert time.monotonic() - t0 < 10
    assert_no_children()


# ------------------------------------------------------------------ refused at once
def test_functions_workers_cannot_import_are_refused_at_submit(monkeypatch):
    """Before: a lambda or a nested function got as far as the pool, and the sweep failed with a
    pickling traceback that did not say what to change."""

    def nested(alpha, seed):
        return alpha, seed

    interactive = types.FunctionType(double.__code__, {}, "typed_in")
    interactive.__module__ = "__main__"
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # no __file__: a REPL
    with WorkerPool(2) as pool:
        for fn, why in [(lambda a, s: (a, s), "it is a lambda"),
                        (nested, "it is defined inside another function"),
                        (functools.partial(nested, 1.0), "it is defined inside another function"),
                        (interactive, "it is defined in an interactive session")]:
            with pytest.raises(ParetolabError, match=rf"^fn: worker processes cannot import .*{why}.*"
                                                     r"define it at module level.*in_process=True"):
                pool.submit(fn, 1)
        with pytest.raises(ParetolabError, match=r"^args: cannot be sent to a worker process \(TypeError: .*lock"):
            pool.submit(double, threading.Lock())
        with pytest.raises(ParetolabError, match=r"^args: .*define.* at module level"):
            pool.submit(double, lambda: 1)
        with pytest.raises(ParetolabError, match=r"^fn: expected a function, got int 3"):
            pool.submit(3)
        with pytest.raises(ParetolabError, match=r"^timeout: expected seconds, a number > 0, or None, got -1"):
            pool.submit(double, 1, timeout=-1)
        assert list(pool.outcomes()) == []  # nothing was queued, no worker started
    assert_no_children()


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 0}, r"^n: expected a number of worker processes, an integer >= 1, got 0"),
    ({"n": 2.0}, r"^n: .* got 2.0"),
    ({"n": True}, r"^n: .* got True"),
    ({"n": 1, "timeout": 0}, r"^timeout: expected seconds, a number > 0, or None, got 0"),
    ({"n": 1, "timeout": float("nan")}, r"^timeout: .* got nan"),
    ({"n": 1, "timeout": "60"}, r"^timeout: .* got '60'"),
    ({"n": 1, "threads": 0}, r"^threads: expected an integer >= 1 or None, got 0"),
    ({"n": 1, "initializer": lambda: None}, r"^initializer: worker processes cannot import .* lambda"),
    ({"n": 1, "initializer": set_marker, "initargs": ["x"]}, r"^initargs: expected a tuple, got list \['x'\]"),
])
def test_bad_arguments_name_the_argument(kwargs, message):
    """Without it, a typo in a pool's settings would surface as a confusing failure in a worker."""
    with pytest.raises(ParetolabError, match=message):
        WorkerPool(**kwargs)
