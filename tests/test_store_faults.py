"""Faults of the results store, made for real: two drivers started together on one store, a
driver killed with SIGKILL while it holds the store, corrupted and crafted store files, and a
read-only store whose WAL has no ``-shm`` file. Each test says what a user lost before the fix.
"""

import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

import paretolab
from paretolab import read_runs
from paretolab.errors import StoreError
from paretolab.store import Store, run_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(paretolab.__file__)))
ENV = dict(os.environ, PYTHONPATH=ROOT)


def _identity(fn="m:f"):
    return {"function": fn, "config": {}}


def _fill(st, n, start=0):
    for i in range(start, start + n):
        st.put({"key": run_key("m:f", i / 10, 0), "method": "linear", "value": i / 10, "seed": 0,
                "objectives": [1.0, 2.0], "converged": True, "failed": False, "extra": {"note": "x" * 40}})


def _store(path, n=300):
    with Store(path) as st:
        st.bind(_identity())
        _fill(st, n)
    return str(path)


# --------------------------------------------------------------------------- one driver per store
def _binder(i, paths, bar, out):
    """One of two drivers: open each new store, bind it to function f<i>, hold it until both bound."""
    for path in paths:
        bar.wait()
        try:
            st, result = Store(path), "opened"
        except StoreError as exc:
            st, result = None, f"refused: {exc}"
        bar.wait()  # both tried to open before either binds
        if st is not None:
            try:
                st.bind(_identity(f"m:f{i}"))
                result = "accepted"
            except StoreError as exc:
                result = f"refused: {exc}"
        bar.wait()  # both bound before either closes
        if st is not None:
            st.close()
        out.put((path, os.getpid(), result))


def test_two_drivers_started_together_exactly_one_is_accepted(tmp_path):
    """Before: both drivers bound the new store in 2 to 8 of 60 such trials, and the store mixed
    two functions' runs without a word; in the others the second got a mismatch only because the
    first had written just before. Now the second is always refused, and told the first one's pid."""
    ctx = multiprocessing.get_context("spawn")
    trials = 20
    paths = [str(tmp_path / f"s{t}.sqlite") for t in range(trials)]
    bar, out = ctx.Barrier(2, timeout=60), ctx.Queue()
    procs = [ctx.Process(target=_binder, args=(i, paths, bar, out)) for i in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in range(2 * trials)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    for path in paths:
        mine = [(pid, r) for f, pid, r in results if f == path]
        accepted = [pid for pid, r in mine if r == "accepted"]
        assert len(accepted) == 1, mine
        (refusal,) = [r for pid, r in mine if r != "accepted"]
        assert f"pid {accepted[0]} holds it" in refusal and "kill" in refusal and path in refusal, refusal
        assert not os.path.exists(path + ".lock")  # the lock file goes with its holder's close


HOLDER = """
import sys, time
from paretolab.store import Store
st = Store(sys.argv[1])
st.bind({"function": "m:f", "config": {}})
print("ready", flush=True)
time.sleep(300)
"""


CALLS_MODULE = """
import os, time

def train(alpha, seed):
    with open(os.environ["CALL_LOG"], "a") as fh:
        fh.write(f"{alpha},{seed}\\n")
    time.sleep(0.1)
    return (alpha, 1 / (1 + alpha))
"""

DRIVER = """
import os, sys, time
from paretolab import sweep
from paretolab.errors import StoreError

if __name__ == "__main__":
    while not os.path.exists(sys.argv[2]):  # start together
        time.sleep(0.002)
    try:
        print("DONE", len(sweep("calls_mod:train", alphas=[1.0, 2.0], seeds=2, store=sys.argv[1], jobs=1,
                                progress=False)))
    except StoreError as exc:
        print("REFUSED", exc)
"""


def test_two_sweeps_of_one_plan_started_together_run_each_run_once(tmp_path):
    """Before: two drivers of the same sweep started together on one store both ran every run
    (8 calls for 4 runs): the second driver doubled the cost without a word. Now the second is
    refused, names the first's pid, and each run is made once."""
    (tmp_path / "calls_mod.py").write_text(CALLS_MODULE)
    (tmp_path / "driver.py").write_text(DRIVER)
    store, go, log = str(tmp_path / "runs.sqlite"), str(tmp_path / "go"), tmp_path / "calls.log"
    env = dict(ENV, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]), CALL_LOG=str(log))
    procs = [subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), store, go], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    open(go, "w").close()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(log.read_text().split()) == ["1.0,0", "1.0,1", "2.0,0", "2.0,1"]
    lines = sorted(out.strip() for out, _ in outs)
    assert lines[0] == "DONE 4", outs
    assert lines[1].startswith("REFUSED store: expected no other driver") and "holds it" in lines[1], outs


def test_a_held_store_refuses_a_second_writer_reads_and_is_freed_by_sigkill(tmp_path):
    """Before: a second driver on a store in use was accepted and ran every run again beside the
    first. Now it is refused with the holder's pid; analysis still reads the store; and a driver
    killed with SIGKILL leaves no stale lock behind (the next sweep just starts)."""
    path = _store(tmp_path / "runs.sqlite", n=5)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=rf"expected no other driver on .*runs.sqlite', but pid {holder.pid} "
                                             rf"holds it .*`kill {holder.pid}`"):
            Store(path)
        with Store(path, readonly=True) as ro:  # analyze never waits for the driver
            assert ro.count() == 5 and ro.meta()["identity"] == _identity()
        assert len(read_runs(path)) == 5
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    with Store(path) as st:  # the lock died with its holder
        st.bind(_identity())
        _fill(st, 1, start=5)
    with Store(path) as st:  # sweeps one after another into one store stay allowed
        assert st.count() == 6


def test_a_second_writer_in_the_same_process_is_refused_until_the_first_closes(tmp_path):
    """Before: two Store objects wrote one file at once without a word."""
    path = str(tmp_path / "runs.sqlite")
    first = Store(path)
    with pytest.raises(StoreError, match=rf"pid {os.getpid()} holds it .*that is this process"):
        Store(path)
    first.close()
    Store(path).close()


# --------------------------------------------------------------------------- damaged and crafted files
def _damaged(path):
    return rf"store: '{path}' is damaged \(.*\): restore a copy or start a new store.* \.recover` may save its runs"


def test_garbage_in_the_middle_pages_is_a_clear_error(tmp_path):
    """Before: `paretolab analyze` on it died with a raw `sqlite3.DatabaseError: database disk
    image is malformed` traceback that named no file and said nothing about what to do."""
    path = _store(tmp_path / "runs.sqlite")
    data = bytearray(open(path, "rb").read())
    a, b = len(data) // 3, 2 * len(data) // 3
    data[a:b] = random.Random(0).randbytes(b - a)
    open(path, "wb").write(data)
    with pytest.raises(StoreError, match=_damaged(path) + r".*") as info:
        read_runs(path)
    assert "malformed" in str(info.value)
    with pytest.raises(StoreError, match=_damaged(path)):
        with Store(path) as st:
            st.bind(_identity())
            st.rows()


def test_a_truncated_store_is_called_damaged_not_something_else(tmp_path):
    """Before: a store cut short (a full disk, a partial copy) was called "not a paretolab store
    (SQLite file)", which sends the user looking for the wrong file."""
    path = _store(tmp_path / "runs.sqlite")
    os.truncate(path, os.path.getsize(path) // 2)
    for readonly in (True, False):
        with pytest.raises(StoreError, match=_damaged(path)) as info:
            Store(path, readonly=readonly)
        assert "not a paretolab store" not in str(info.value)
    assert not os.path.exists(path + ".lock")  # a refused writer leaves nothing behind


@pytest.mark.parametrize("table, key, text, what", [
    ("meta", "identity", "{bad", r"meta 'identity': invalid JSON"),
    ("meta", "plans", "[" * 100_000 + "]" * 100_000, r"meta 'plans': JSON nested too deeply"),
    ("runs", "objectives", "[1.0,", r"runs.objectives: invalid JSON"),
    ("runs", "extra", "[" * 100_000 + "]" * 100_000, r"runs.extra: JSON nested too deeply"),
    ("runs", "objectives", '{"a": 1}', r"runs.objectives: expected a JSON list"),
])
def test_invalid_or_deeply_nested_json_is_a_clear_error(tmp_path, table, key, text, what):
    """Before: a crafted (or hand-edited) store gave a bare "Expecting value" JSONDecodeError or a
    RecursionError traceback, from `analyze` and from a sweep alike."""
    path = _store(tmp_path / "runs.sqlite", n=3)
    with sqlite3.connect(path) as conn:
        if table == "meta":
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (text, key))
        else:
            conn.execute(f"UPDATE runs SET {key} = ?", (text,))
    conn.close()
    with pytest.raises(StoreError, match=_damaged(path)) as info:
        read_runs(path)
    assert what.replace("\\", "") in str(info.value)
    with pytest.raises(StoreError, match=_damaged(path)):
        with Store(path) as st:
            st.bind(_identity())
            st.status(), st.rows()
    assert not os.path.exists(path + ".lock")


# --------------------------------------------------------------------------- a WAL without its -shm
READER = """
import sys
from paretolab.store import Store
with Store(sys.argv[1], readonly=True) as st:
    print(st.count(), len(st.rows()))
"""


def test_a_read_only_store_with_its_wal_but_no_shm_is_read_in_full(tmp_path):
    """Before: a store copied with its -wal file (or left by a killed driver) into a directory the
    reader cannot write was opened `immutable=1`, and analysis silently missed every run in the WAL
    (100 of 150 here). Now it is read from a temporary copy of the file and its WAL.

    SQLite cannot create the -shm file only when the directory denies it; root ignores directory
    modes, so as root the reader runs in a child without CAP_DAC_OVERRIDE (setpriv), as the
    read-only test of test_user_sweep does."""
    cmd = [sys.executable, "-c", READER]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: root creates the -shm file in any directory, so the "
                        "reader would never need the copy")
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
               "--inh-caps=-dac_override,-dac_read_search"] + cmd
    src = str(tmp_path / "src.sqlite")
    data = tmp_path / "data"
    data.mkdir()
    copy = str(data / "runs.sqlite")
    with Store(src) as st:
        st.bind(_identity())
        _fill(st, 50)
        st.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        st.connection.execute("PRAGMA wal_autocheckpoint=0")
        _fill(st, 100, start=50)  # committed, in the WAL only
        shutil.copyfile(src, copy)
        shutil.copyfile(src + "-wal", copy + "-wal")
    assert os.path.getsize(copy + "-wal") > 0 and not os.path.exists(copy + "-shm")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    os.chmod(data, 0o555)
    try:
        out = subprocess.run(cmd + [copy], env=dict(ENV, TMPDIR=str(tmp)), capture_output=True, text=True,
                             timeout=60)
    finally:
        os.chmod(data, 0o755)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["150", "150"]
    assert sorted(os.listdir(data)) == ["runs.sqlite", "runs.sqlite-wal"]  # the store was left as it was
    assert os.listdir(tmp) == []  # the temporary copy is gone
