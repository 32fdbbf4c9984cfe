"""Runs that end their process, hang or are interrupted: real faults in real processes.

Each test says what a user lost before the fix.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

FAULTY = textwrap.dedent('''
    import ctypes, os, sys, time

    def train(alpha, seed):
        with open(os.environ["CALL_LOG"], "a") as fh:
            fh.write(f"{alpha} {seed}\\n")
        if alpha == 2.0 and seed == 0:
            sys.exit(0)                 # e.g. the user's own argparse on paretolab's argv
        if alpha == 2.0 and seed == 1:
            os._exit(3)
        if alpha == 2.0 and seed == 2:
            ctypes.string_at(0)         # segfault
        if alpha == 3.0 and seed == 0:
            time.sleep(1000)            # hangs
        return (alpha / (1 + alpha), 1 / (1 + alpha) + 0.01 * seed)

    def slow(alpha, seed):
        time.sleep(0.25)
        return (alpha, 1 / alpha)
''')


def cli(*argv, cwd, env, timeout=120):
    return subprocess.run([sys.executable, "-m", "paretolab", *argv], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


@pytest.fixture()
def faulty(tmp_path):
    (tmp_path / "faulty.py").write_text(FAULTY)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "CALL_LOG": str(tmp_path / "calls.log")}
    return tmp_path, env


def _calls(tmp_path) -> int:
    log = tmp_path / "calls.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def _rows(store):
    with sqlite3.connect(store) as con:
        return con.execute("SELECT COUNT(*), SUM(failed) FROM runs").fetchone()


def test_runs_that_exit_crash_or_hang_are_recorded_and_the_sweep_finishes_with_one_job(faulty):
    # before: with --jobs 1 (in the driver) sys.exit ended the sweep silently with rc 0 after a
    # few runs, os._exit and a segfault killed the driver and every resume hit the same run again,
    # and a hang never ended
    tmp_path, env = faulty
    store = str(tmp_path / "runs.sqlite")
    argv = ("sweep", "--fn", "faulty:train", "--alphas", "1,2,3", "--seeds", "3", "--store", store,
            "--jobs", "1", "--timeout", "3", "--no-progress")  # the hang is stopped after 3 s
    done = cli(*argv, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "9 runs" in done.stdout and "4 failed" in done.stdout
    assert "SystemExit" in done.stdout and "exit code 3" in done.stdout and "SIGSEGV" in done.stdout
    assert "timed out after 3" in done.stdout
    assert _rows(store) == (9, 4) and _calls(tmp_path) == 9
    again = cli(*argv, cwd=tmp_path, env=env)  # a resume repeats none of them ...
    assert again.returncode == 0 and _calls(tmp_path) == 9
    assert "9 run(s) already stored" in again.stderr
    retry = cli(*argv, "--retry-failed", cwd=tmp_path, env=env)  # ... --retry-failed does
    assert retry.returncode == 0, retry.stderr
    assert _calls(tmp_path) == 9 + 4 and _rows(store) == (9, 4)


def test_ctrl_c_says_what_is_stored_and_how_to_resume(faulty):
    # before: a 25-line KeyboardInterrupt traceback and no word on the runs stored or how to go on
    tmp_path, env = faulty
    store = str(tmp_path / "slow.sqlite")
    argv = ["sweep", "--fn", "faulty:slow", "--alphas", "lin:1:40:40", "--seeds", "2", "--store", store,
            "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen([sys.executable, "-m", "paretolab", *argv], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some runs are stored
        time.sleep(0.3)
        if os.path.exists(store):
            try:
                if _rows(store)[0] >= 4:
                    break
            except sqlite3.Error:
                pass
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - start < 10
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    stored = _rows(store)[0]
    assert 4 <= stored < 80
    assert f"interrupted; {stored} run(s) are stored in {store}" in err
    assert "paretolab sweep --fn faulty:slow" in err  # the command that resumes
    again = cli(*argv, cwd=tmp_path, env=env)
    assert again.returncode == 0 and f"{stored} run(s) already stored" in again.stderr
    assert _rows(store) == (80, 0)


def test_options_about_processes_are_refused_where_they_cannot_hold(faulty):
    tmp_path, env = faulty
    store = str(tmp_path / "x.sqlite")
    r = cli("sweep", "--fn", "faulty:slow", "--alphas", "1,2", "--seeds", "1", "--store", store, "--in-process",
            "--timeout", "5", "--no-progress", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "timeout: a run in this process cannot be stopped" in r.stderr
    r = cli("sweep", "--fn", "faulty:slow", "--alphas", "1,2", "--seeds", "1", "--store", store, "--in-process",
            "--jobs", "2", "--no-progress", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "in_process: runs in this process cannot also go to workers" in r.stderr
    r = cli("sweep", "--problem", "convex", "--alphas", "1,2", "--seeds", "1", "--timeout", "5", cwd=tmp_path,
            env=env)
    assert r.returncode == 2 and "--timeout: options of --fn sweeps" in r.stderr
    assert not os.path.exists(store)


def test_in_process_runs_in_the_driver(faulty):
    tmp_path, env = faulty
    store = str(tmp_path / "here.sqlite")
    r = cli("sweep", "--fn", "faulty:slow", "--alphas", "1,2", "--seeds", "1", "--store", store, "--in-process",
            "--no-progress", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert _rows(store) == (2, 0)


def test_a_dask_run_that_kills_its_worker_is_recorded_as_failed(tmp_path, monkeypatch):
    # before: KilledWorker stopped the sweep, the run was never recorded, and every resume hit it again
    distributed = pytest.importorskip("distributed")
    import dask

    from paretolab import sweep
    from paretolab.store import Store

    (tmp_path / "faulty.py").write_text(FAULTY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CALL_LOG", str(tmp_path / "calls.log"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    store = tmp_path / "dask.sqlite"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            ok = sweep("faulty:train", alphas=[1.0], seeds=[1], store=store, executor=client.get_executor(),
                       progress=False)
            # alone: a run beside it on the dying worker would be lost with it (Dask's KilledWorker too)
            r = sweep("faulty:train", alphas=[1.0, 2.0], seeds=[1], store=store, executor=client.get_executor(),
                      progress=False)
    assert ok.failed.tolist() == [False]
    assert len(r) == 2 and r.failed.tolist() == [False, True]
    assert "KilledWorker" in r.error[1]
    with Store(store, readonly=True) as st:
        assert st.count() == 2


def _dask_cluster(threads: int):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=threads, processes=True,
                                       dashboard_address=None)
    return cluster, distributed.Client(cluster)


def _worker_state() -> tuple:
    import multiprocessing

    return os.getpid(), multiprocessing.current_process().daemon


def test_a_dask_run_that_hangs_is_stopped_by_the_timeout(tmp_path, monkeypatch):
    # before: --timeout was refused with --scheduler, and without it a hanging run held its Dask
    # worker forever: the sweep never finished, and Ctrl-C left the run hanging on the cluster
    from paretolab import sweep
    from paretolab.store import Store

    (tmp_path / "faulty.py").write_text(FAULTY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CALL_LOG", str(tmp_path / "calls.log"))
    store = tmp_path / "dask.sqlite"
    cluster, client = _dask_cluster(threads=1)
    with cluster, client:
        start = time.monotonic()
        r = sweep("faulty:train", alphas=[1.0, 3.0], seeds=[0, 1], store=store, executor=client.get_executor(),
                  timeout=1, progress=False)  # alpha=3, seed=0 hangs
        took = time.monotonic() - start
    assert took < 30
    assert r.failed.tolist() == [False, False, True, False]
    assert r.error[2] == "timed out after 1 s" and 1 <= r.elapsed[2] < 10
    assert np.allclose(r.objectives[[0, 1, 3]], [[0.5, 0.5], [0.5, 0.51], [0.75, 0.26]])
    assert _calls(tmp_path) == 4
    with Store(store, readonly=True) as st:
        assert st.count() == 4


def test_a_dask_run_that_crashes_under_a_timeout_leaves_its_worker_alive(tmp_path, monkeypatch):
    # before: --timeout was refused with --scheduler; without it a run that exits or segfaults
    # killed its Dask worker (the runs beside it on that worker were lost with it), and Dask tried
    # it again on fresh workers (restarted for seconds each) up to allowed-failures times
    from paretolab import sweep

    (tmp_path / "faulty.py").write_text(FAULTY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CALL_LOG", str(tmp_path / "calls.log"))
    cluster, client = _dask_cluster(threads=2)  # two tasks start their child processes at once
    with cluster, client:
        before = client.run(_worker_state)
        r = sweep("faulty:train", alphas=[1.0, 2.0], seeds=[0, 1, 2], executor=client.get_executor(),
                  timeout=60, progress=False)  # alpha=2: sys.exit(0), os._exit(3), a segfault
        after = client.run(_worker_state)
    assert r.failed.tolist() == [False] * 3 + [True] * 3
    assert r.error[3].startswith("SystemExit: 0 (at ")
    assert r.error[4] == "worker process died: exit code 3"
    assert r.error[5].startswith("worker process died: killed by signal SIGSEGV")
    assert _calls(tmp_path) == 6  # each run once: no retry by Dask
    assert after == before and next(iter(after.values()))[1] is True  # same worker process, still daemonic


def test_a_timeout_on_an_executor_needs_an_importable_function():
    # the run goes to a child process of its task, which imports the function by name
    from concurrent.futures import ThreadPoolExecutor

    from paretolab import sweep
    from paretolab.errors import ParetolabError

    with ThreadPoolExecutor(1) as ex, pytest.raises(ParetolabError, match=r"timeout: on ThreadPoolExecutor a run "
                                                    r"with a timeout goes to a child process .* it is a lambda"):
        sweep(lambda alpha, seed: (alpha, 1 - alpha), alphas=[0.5], seeds=1, executor=ex, timeout=5,
              progress=False)


def test_a_timeout_on_an_executor_refuses_a_function_of_the_driver_script(tmp_path):
    # before: the check passed a function defined in the script being run; on Dask every task then
    # failed to send it to its child (the worker's __main__ is not the script) and the sweep stopped
    script = tmp_path / "driver.py"
    script.write_text(textwrap.dedent("""
        from concurrent.futures import ThreadPoolExecutor
        from paretolab import sweep

        def train(alpha, seed):
            return alpha, 1 - alpha

        if __name__ == "__main__":
            with ThreadPoolExecutor(1) as ex:
                sweep(train, alphas=[0.5], seeds=1, executor=ex, timeout=5, progress=False)
    """))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 1 and "timeout: on ThreadPoolExecutor" in r.stderr
    assert "train: it is defined in the driver's main script" in r.stderr


def test_a_big_report_stays_small_unless_runs_are_asked_for(tmp_path):
    # before: every seed of every outcome went into the JSON and the text (7 MB at a million runs,
    # thousands of seeds on one line of the verdict)
    import json

    import numpy as np

    from paretolab.analysis import analyze
    from paretolab.runs import Runs

    rng = np.random.default_rng(0)
    alpha = np.repeat(np.geomspace(0.1, 10, 21), 2000)
    s = alpha / (1 + alpha)  # weighted-sum optima of sqrt(x) + sqrt(y) = 1, with noise
    runs = Runs.from_arrays(np.c_[s**2, (1 - s) ** 2] + rng.normal(0, 1e-3, (len(alpha), 2)), alpha=alpha,
                            seed=np.tile(np.arange(2000), 21))
    report = analyze(runs)
    small, full = json.dumps(report.to_dict()), json.dumps(report.to_dict(runs=True))
    assert len(small) < 100_000 < len(full)
    assert sum(len(c["seeds"]) for o in json.loads(full)["outcomes"] for c in o["clusters"]) == len(runs)
    assert max(len(line) for line in str(report).splitlines()) < 400


def test_analyze_plot_never_overwrites_and_names_the_formats(tmp_path):
    # before: --plot front passed the existence check and then overwrote front.png; --plot x.jpg
    # crashed with a traceback after the whole analysis
    csv = tmp_path / "runs.csv"
    csv.write_text("alpha,seed,L0,L1\n0.5,0,0,1\n0.5,1,0,1\n2,0,1,0\n2,1,1,0\n")
    (tmp_path / "front.png").write_text("precious")
    env = dict(os.environ)
    r = cli("analyze", str(csv), "--plot", "front", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "--plot: 'front.png' exists" in r.stderr
    assert (tmp_path / "front.png").read_text() == "precious"
    r = cli("analyze", str(csv), "--plot", "x.jpg", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--plot: expected an extension in ['.pdf', '.png', '.svg']" in r.stderr
    r = cli("analyze", str(csv), "--runs", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "--runs: applies to the JSON report; add --json" in r.stderr
    r = cli("analyze", str(csv), "--plot", "new", cwd=tmp_path, env=env)
    assert r.returncode == 0 and (tmp_path / "new.png").stat().st_size > 1000
