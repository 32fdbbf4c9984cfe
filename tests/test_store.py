"""The results store: rows, refusals, CSV export, reading for analysis, and kill-and-resume.

The kill test runs the sweep in a real driver subprocess, kills it with SIGKILL while runs are
being recorded, several times at different moments (serial and with a process pool), then
re-runs it to the end and checks that exactly the missing runs ran and that the file is sound.
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from paretolab import read_runs, sweep
from paretolab.errors import StoreError
from paretolab.store import Store, free_name, is_store, open_store, run_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _row(alpha, seed, objectives=(1.0, 2.0), failed=False, **kw):
    return dict(key=run_key("m:f", alpha, seed), method="linear", value=alpha, seed=seed, objectives=list(objectives),
                converged=not failed, failed=failed, **kw)


def _plan():
    return {"function": "m:f", "config": {}}


# --------------------------------------------------------------------------- rows
def test_put_keeps_the_first_row_unless_replacing(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as st:
        st.bind(_plan())
        st.put(_row(0.5, 0, failed=True, error="boom", objectives=[]))
        st.put(_row(0.5, 0, objectives=(9.0, 9.0)))  # same key: ignored
        assert st.count() == 1 and st.rows()[0]["error"] == "boom"
        st.put(_row(0.5, 0, objectives=(3.0, 4.0), extra={"epochs": 5}, elapsed=1.5), replace=True)
        (row,) = st.rows()
        assert row["objectives"] == [3.0, 4.0] and not row["failed"] and row["extra"] == {"epochs": 5}
        assert row["elapsed"] == 1.5 and st.status() == {run_key("m:f", 0.5, 0): False}
        assert st.integrity() == "ok"
    assert is_store(path) and open_store(path, readonly=True).meta() == {"identity": _plan(), "plans": []}


def test_run_key_depends_on_everything_that_makes_a_run():
    base = run_key("pkg.mod:train", 0.1, 0, {"width": 8})
    assert base == run_key("pkg.mod:train", 0.1, 0, {"width": 8})
    assert len({base, run_key("pkg.mod:other", 0.1, 0, {"width": 8}), run_key("pkg.mod:train", 0.1 + 1e-17 + 1e-16, 0,
               {"width": 8}), run_key("pkg.mod:train", 0.1, 1, {"width": 8}),
               run_key("pkg.mod:train", 0.1, 0, {"width": 16})}) == 5


def test_not_a_store_and_missing_files_are_clear_errors(tmp_path):
    text = tmp_path / "runs.csv"
    text.write_text("alpha,seed,L0,L1\n1,0,1,2\n")
    with pytest.raises(StoreError, match=r"is not a paretolab store \(not an SQLite file\); pick another file, "
                                         r"e.g. '.*runs-2.csv'"):
        Store(text)
    with pytest.raises(StoreError, match=r"expected an existing store file, got .*nothing.sqlite' \(not found\)"):
        Store(tmp_path / "nothing.sqlite", readonly=True)
    with pytest.raises(StoreError, match=r"expected a file, got .* \(a directory\?\)"):
        Store(tmp_path)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match=r"an SQLite file of something else \(tables \['t'\]\), not a paretolab "
                                         r"store; it was not changed"):
        Store(other)
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"]
    with pytest.raises(StoreError, match=r"an SQLite file but not a paretolab store \(no 'runs' table\)"):
        open_store(other, readonly=True).meta()
    (tmp_path / "runs-2.csv").write_text("")
    assert free_name(text) == str(tmp_path / "runs-3.csv")


def test_read_only_directory_falls_back_to_reading_the_file_as_it_is(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as st:
        st.bind(_plan())
        st.put(_row(0.5, 0))
    # immutable=1 is what a read-only directory (no -shm possible) needs; check it reads the same
    uri = "file:" + str(path) + "?immutable=1"
    with sqlite3.connect(uri, uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert not os.path.exists(str(path) + "-wal")  # the writer's close folded the WAL back in


# --------------------------------------------------------------------------- export and analysis
def test_csv_export_and_reader_for_analyze(tmp_path):
    path = tmp_path / "runs.sqlite"
    fn = _write_module(tmp_path, "storemod_a")
    sys.path.insert(0, str(tmp_path))
    try:
        r = sweep(f"{fn}:flaky", alphas=[0.5, 1.0, 2.0], seeds=2, store=path, jobs=1, progress=False)
    finally:
        sys.path.remove(str(tmp_path))
    out = tmp_path / "runs.csv"
    with open_store(path, readonly=True) as st:
        st.to_csv(out)
        with pytest.raises(FileExistsError):
            st.to_csv(out)
    with open(out) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    assert list(rows[0])[:6] == ["method", "alpha", "epsilon", "seed", "L0", "L1"]
    assert {"converged", "diverged", "failed", "error", "elapsed"} <= set(rows[0])
    errors = [row["error"] for row in rows if row["failed"] == "1"]
    assert len(errors) == 3 and all(e.startswith("ValueError: seed 1 fails (at ") for e in errors)
    np.testing.assert_allclose([float(row["L0"]) for row in rows if row["failed"] == "0"], r.objectives[~r.failed, 0])

    t = read_runs(path)
    kept = t.finite()
    assert t.names == ("L0", "L1") and t.dropped == 3 and t.failed.sum() == 3
    assert kept.alpha.tolist() == [0.5, 1.0, 2.0] and kept.seed.tolist() == [0, 0, 0]
    assert kept.converged.tolist() == [True, True, False]  # the function reported alpha = 2 unconverged
    assert [f["error"][:23] for f in t.failures()] == ["ValueError: seed 1 fail"] * 3
    # the same runs through the CSV written from the store
    from_csv = read_runs(out)
    np.testing.assert_array_equal(from_csv.finite().objectives, kept.objectives)
    from paretolab import analyze

    a = analyze(t)
    assert a.n_points == 3 and a.dropped == 3


def test_reader_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"path: expected an existing CSV file or store, got .*nope.sqlite"):
        read_runs(tmp_path / "nope.sqlite")
    empty = tmp_path / "empty.sqlite"
    with Store(empty) as st:
        st.bind(_plan())
    with pytest.raises(ValueError, match=r"holds no finished runs"):
        read_runs(empty)


# --------------------------------------------------------------------------- kill and resume
MODULE = '''
import os, time

def train(alpha, seed):
    with open(os.environ["PARETOLAB_CALL_LOG"], "a") as fh:
        fh.write(f"{alpha!r},{seed}\\n")
    time.sleep(0.015)
    return {"objectives": [alpha / (1 + alpha), 1 / (1 + alpha) + 0.001 * seed], "converged": alpha < 4.5}

def flaky(alpha, seed):
    if seed == 1:
        raise ValueError("seed 1 fails")
    return {"L0": alpha, "L1": 1 / (1 + alpha), "converged": alpha < 2}
'''

DRIVER = '''
import sys
from paretolab import sweep

if __name__ == "__main__":  # worker processes start from a fresh interpreter (spawn)
    sweep("{module}:train", alphas="rand:0:5:20", seeds=3, store=sys.argv[1], jobs=int(sys.argv[2]),
          progress=False)
'''


def _write_module(tmp_path, name):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(MODULE))
    return name


def _count(path):
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    except sqlite3.Error:
        return 0


def _log(path):
    if not os.path.exists(path):
        return []
    with open(path) as fh:
        return [(float(a), int(s)) for a, s in (line.split(",") for line in fh.read().split())]


def _settle(path, quiet=0.3):
    """Wait until the call log stops growing (orphaned pool workers finishing their call)."""
    size, t = -1, time.monotonic()
    while time.monotonic() - t < 5:
        now = os.path.getsize(path) if os.path.exists(path) else 0
        if now == size:
            return
        size = now
        time.sleep(quiet)


def _kill_driver(driver, store, jobs, rows, delay, env, log):
    """Start ``driver STORE JOBS``, SIGKILL it ``delay`` s after the store holds ``rows`` runs,
    and wait until its orphaned workers stop calling."""
    proc = subprocess.Popen([sys.executable, str(driver), str(store), str(jobs)], env=env, cwd=driver.parent,
                            stderr=subprocess.PIPE)
    t0 = time.monotonic()
    while _count(store) < rows and proc.poll() is None and time.monotonic() - t0 < 60:
        time.sleep(0.002)
    time.sleep(delay)
    assert proc.poll() is None, f"the driver ended before the kill: {proc.stderr.read().decode()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    _settle(log)


def test_sigkill_at_any_moment_then_rerun_completes_exactly_the_missing_runs(tmp_path):
    name = _write_module(tmp_path, "killmod")
    (tmp_path / "driver.py").write_text(DRIVER.format(module=name))
    store = tmp_path / "runs.sqlite"
    log = tmp_path / "calls.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]), PARETOLAB_CALL_LOG=str(log))
    total = 60
    # (jobs, rows seen, extra delay): the first kill lands while the driver starts up
    kills = [(1, 0, 0.3), (1, 3, 0.0), (1, 12, 0.007), (2, 22, 0.013), (1, 30, 0.021)]
    for jobs, rows, delay in kills:
        before = _count(store)
        _kill_driver(tmp_path / "driver.py", store, jobs, rows, delay, env, log)
        after = _count(store)
        assert before <= after < total, (before, after)
        if os.path.exists(store):
            with open_store(store, readonly=True) as st:
                assert st.integrity() == "ok"
    stored_before = _count(store)
    with open_store(store, readonly=True) as st:
        done_before = {(r["alpha"], r["seed"]) for r in st.rows()}
        alphas = st.meta()["plans"][-1]["values"]
    os.remove(log)
    subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(store), "1"], env=env, cwd=tmp_path,
                   check=True, timeout=120)
    calls = _log(log)
    # the last rerun ran exactly the missing runs, each once
    assert len(calls) == len(set(calls)) == total - stored_before
    plan = {(a, s) for a in alphas for s in range(3)}
    assert set(calls) == plan - done_before
    with open_store(store, readonly=True) as st:
        assert st.integrity() == "ok"
        rows = st.rows()
        plans = st.meta()["plans"]
        assert len(plans) == 1 and plans[0]["values"] == alphas  # the random plan was never redrawn
    assert len(rows) == total and len({r["key"] for r in rows}) == total
    assert {(r["alpha"], r["seed"]) for r in rows} == plan
    assert not any(r["failed"] for r in rows)
    for r in rows:
        np.testing.assert_allclose(r["objectives"], [r["alpha"] / (1 + r["alpha"]),
                                                     1 / (1 + r["alpha"]) + 0.001 * r["seed"]])



AUTO_MODULE = """
import os, time

def train(alpha, seed):
    with open(os.environ["PARETOLAB_CALL_LOG"], "a") as fh:
        fh.write(f"{alpha!r},{seed}\\n")
    time.sleep(0.03)
    t = alpha / (1 + alpha)  # the weighted sum's optimum on the convex front (t^2, (1 - t)^2)
    return (t * t, (1 - t) ** 2)
"""

AUTO_DRIVER = """
import sys
from paretolab import sweep

if __name__ == "__main__":
    sweep("autokill:train", alphas="auto:0.01:100", budget=24, seeds=2, store=sys.argv[1], jobs=int(sys.argv[2]),
          progress=False)
"""


def test_an_auto_sweep_killed_at_any_moment_resumes_to_what_an_uninterrupted_one_places(tmp_path):
    """Before: a driver killed in the middle of an auto round left values with some seeds only;
    the resumed sweep never ran their other seeds and placed different values from there on
    (auto proposes from the runs it sees). Oracle: the same sweep, never interrupted."""
    (tmp_path / "autokill.py").write_text(AUTO_MODULE)
    (tmp_path / "driver.py").write_text(AUTO_DRIVER)
    log = tmp_path / "calls.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]), PARETOLAB_CALL_LOG=str(log))
    whole = tmp_path / "whole.sqlite"
    subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(whole), "1"], env=env, cwd=tmp_path,
                   check=True, timeout=120)
    os.remove(log)
    store = tmp_path / "killed.sqlite"
    for jobs, rows, delay in [(1, 0, 0.2), (2, 1, 0.0), (1, 5, 0.01), (2, 9, 0.02), (1, 15, 0.0)]:
        _kill_driver(tmp_path / "driver.py", store, jobs, rows, delay, env, log)
    stored = _count(store)
    assert 0 < stored < 24
    with open_store(store, readonly=True) as st:
        done_before = {(r["alpha"], r["seed"]) for r in st.rows()}
    os.remove(log)
    subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(store), "2"], env=env, cwd=tmp_path,
                   check=True, timeout=120)
    with open_store(whole, readonly=True) as st:
        expected = {(r["alpha"], r["seed"]) for r in st.rows()}
    with open_store(store, readonly=True) as st:
        assert st.integrity() == "ok"
        got = {(r["alpha"], r["seed"]) for r in st.rows()}
        assert st.count() == len(got)
    assert len(expected) == 24 and got == expected  # the same values, every seed, within the budget
    calls = _log(log)
    assert len(calls) == len(set(calls)) and set(calls) == expected - done_before  # exactly the missing runs


def test_a_resumed_auto_sweep_stays_within_its_budget_and_its_seeds(tmp_path):
    """The values a stopped auto sweep placed are run first on resume, but never past the
    budget, and not for a sweep of other seeds (a review found 24 runs made for a budget of 6)."""
    calls, stop_at = [], [2]

    def train(alpha, seed):
        calls.append((alpha, seed))
        if len(calls) == stop_at[0]:
            raise KeyboardInterrupt  # Ctrl-C in the second run of the first round
        t = alpha / (1 + alpha)
        return t * t, (1 - t) ** 2

    store = tmp_path / "auto.sqlite"
    with pytest.raises(KeyboardInterrupt):
        sweep(train, alphas="auto:0.01:100", budget=6, seeds=[0, 1], store=store, in_process=True, progress=False)
    assert _count(store) == 1  # the first round placed 3 values (6 runs); one ran
    calls.clear()
    stop_at[0] = 0
    sweep(train, alphas="auto:0.01:100", budget=4, seeds=[0, 1], store=store, in_process=True, progress=False)
    assert len(calls) == 3 and _count(store) == 4  # the placed values, as far as a budget of 4 goes
    with open_store(store, readonly=True) as st:
        first_two = st.meta()["plans"][-1]["values"][:2]
    assert sorted({a for a, _ in calls} | {first_two[0]}) == sorted(first_two)
    calls.clear()
    sweep(train, alphas="auto:0.01:100", budget=4, seeds=[0, 1, 2, 3], store=store, in_process=True, progress=False)
    assert calls == []  # other seeds: nothing to resume, and the budget is spent

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (key TEXT PRIMARY KEY, alpha REAL NOT NULL, seed INTEGER NOT NULL, objectives TEXT NOT NULL,
    converged INTEGER NOT NULL, failed INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}', elapsed REAL, finished REAL);
"""


def test_a_store_written_before_methods_opens_analyses_and_grows(tmp_path):
    """A schema-1 store (weighted sums only, written by the previous release) is read as it is,
    analysed, resumed without rerunning anything, and grows (migrated to schema 2 on write)."""
    import json

    fn = _write_module(tmp_path, "storemod_v1")
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    sweep_meta = {"function": f"{fn}:flaky", "config": {}, "alphas": {"spec": None, "grid_seed": 0,
                                                                      "values": [0.5, 1.0]}, "seeds": [0, 2]}
    conn.execute("INSERT INTO meta VALUES ('schema', '1')")
    conn.execute("INSERT INTO meta VALUES ('sweep', ?)", (json.dumps(sweep_meta),))
    for a in (0.5, 1.0):
        for s_ in (0, 2):
            conn.execute("INSERT INTO runs VALUES (?, ?, ?, ?, 1, 0, '', '{\"tag\": 1}', 0.1, 0.0)",
                         (run_key(f"{fn}:flaky", a, s_), a, s_, json.dumps([a, 1 / (1 + a)])))
    conn.commit()
    conn.close()
    old = read_runs(path)  # read as it is, nothing written
    assert len(old) == 4 and set(old.method) == {"linear"} and old.extra["tag"].tolist() == [1.0] * 4
    with sqlite3.connect(path) as c:
        assert "alpha" in {r[1] for r in c.execute("PRAGMA table_info(runs)")}
    sys.path.insert(0, str(tmp_path))
    try:
        resumed = sweep(f"{fn}:flaky", store=path, jobs=1, progress=False)  # the stored plan: nothing to run
        assert len(resumed) == 4 and resumed.extra["tag"].tolist() == [1.0] * 4
        grown = sweep(f"{fn}:flaky", alphas=[0.5, 1.0, 2.0], seeds=[0, 2], store=path, jobs=1, progress=False)
    finally:
        sys.path.remove(str(tmp_path))
    assert len(grown) == 6 and grown.alpha.tolist() == [0.5, 0.5, 1.0, 1.0, 2.0, 2.0]
    np.testing.assert_array_equal(grown.objectives[:4], old.objectives)
    with open_store(path, readonly=True) as st:
        assert st.count() == 6 and st.integrity() == "ok"
        assert st.meta()["identity"] == {"function": f"{fn}:flaky", "config": {}}
