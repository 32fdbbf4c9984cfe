"""Sweeps of a user's own training function: results, failures, retries, bad input, executors.

The training functions live at module level so that process pools and Dask can import them.
"""

import math
import os

import numpy as np
import pytest

import paretolab
from paretolab import sweep
from paretolab.errors import StoreError, StoreMismatch
from paretolab.runner import SerialExecutor, make_executor, sweep_function
from paretolab.runs import Runs
from paretolab.store import Store, open_store
from paretolab.userfn import function_id, load_function, parse_return

CALLS = []  # (alpha, seed) of every call made in this process (serial runs only)
FAIL_SEEDS = {1}


def train(alpha, seed, scale=1.0):
    """A stand-in for training: where a run with this alpha and seed ends up."""
    CALLS.append((alpha, seed))
    s = (1 - alpha) / (1 + alpha)
    return {"L0": scale * (s - 1) ** 2 + 0.001 * seed, "L1": (s + 1) ** 2, "epochs": 10 + seed,
            "converged": alpha != 0.5}


def flaky(alpha, seed):
    """Raises for the seeds in FAIL_SEEDS, diverges (NaN) at alpha = 2."""
    CALLS.append((alpha, seed))
    if seed in FAIL_SEEDS:
        raise RuntimeError(f"out of memory at alpha={alpha}")
    if alpha == 2.0:
        return (math.nan, 1.0)
    return (alpha, 1.0 / (1.0 + alpha))


def three(alpha, seed):
    return [alpha, 1.0 - alpha, float(seed)]


def returns_string(alpha, seed):
    return "0.1, 0.2"


def returns_one(alpha, seed):
    return [alpha]


def returns_bad_extra(alpha, seed):
    return {"objectives": [alpha, 1.0], "history": [1, 2, 3]}


def changes_shape(alpha, seed):
    return [alpha, 1.0] if alpha < 1 else [alpha, 1.0, 2.0]


def one_arg(alpha):
    return (alpha, alpha)


def _table(path):
    with open_store(path, readonly=True) as st:
        return sorted((r["key"], r["alpha"], r["seed"], tuple(r["objectives"]), r["converged"], r["failed"],
                       r["error"], tuple(sorted(r["extra"].items()))) for r in st.rows())


# --------------------------------------------------------------------------- results
def test_function_sweep_returns_a_sweep_result_with_the_mapping_fields(tmp_path):
    r = sweep(train, alphas=[0.5, 2.0], seeds=3, in_process=True, progress=False)
    assert isinstance(r, Runs) and len(r) == 6
    assert r.alpha.tolist() == [0.5] * 3 + [2.0] * 3 and r.seed.tolist() == [0, 1, 2] * 2
    s = (1 - 2.0) / 3
    np.testing.assert_allclose(r.objectives[3], [(s - 1) ** 2, (s + 1) ** 2])
    assert r.converged.tolist() == [False] * 3 + [True] * 3  # the function said so at alpha = 0.5
    assert not r.failed.any() and not r.diverged.any()
    assert r.extra["epochs"].tolist() == [10, 11, 12] * 2
    assert r.source == "test_user_sweep:train" and set(r.method) == {"linear"}
    assert r.training is None  # a user's function reports losses only, no parameters or gradients
    assert len(r.reached()) == 3
    # the package-level entry point is the same function
    r2 = paretolab.sweep(train, alphas=[0.5, 2.0], seeds=3, in_process=True, progress=False)
    np.testing.assert_array_equal(r2.objectives, r.objectives)
    # CSV: the run columns plus the failure and extra fields
    out = tmp_path / "runs.csv"
    r.to_csv(out)
    header = out.read_text().splitlines()[0].split(",")
    assert header[:6] == ["method", "alpha", "epsilon", "seed", "L0", "L1"]
    assert {"converged", "diverged", "failed", "error", "elapsed", "epochs"} <= set(header)


def test_config_reaches_the_function_and_keys_the_runs(tmp_path):
    a = sweep(train, alphas=[2.0], seeds=1, in_process=True, config={"scale": 2.0}, progress=False)
    b = sweep(train, alphas=[2.0], seeds=1, in_process=True, progress=False)
    np.testing.assert_allclose(a.objectives[0, 0], 2 * b.objectives[0, 0])


def test_more_than_two_objectives(tmp_path):
    r = sweep(three, alphas=[0.25, 0.75], seeds=2, store=tmp_path / "r.sqlite", in_process=True, progress=False)
    assert r.objectives.shape == (4, 3)
    assert r.objectives[3].tolist() == [0.75, 0.25, 1.0]


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path, capsys):
    CALLS.clear()
    path = tmp_path / "runs.sqlite"
    r = sweep(flaky, alphas=[1.0, 2.0, 3.0], seeds=3, store=path, in_process=True, progress=True)
    assert len(CALLS) == 9 and len(r) == 9
    raised = r.seed == 1
    nan = (r.alpha == 2.0) & ~raised
    assert r.failed.tolist() == (raised | nan).tolist()
    assert all("RuntimeError: out of memory at alpha=" in e for e in r.error[raised])
    assert all(e.startswith("non-finite objectives [nan, 1.0]") for e in r.error[nan])
    assert r.diverged.tolist() == nan.tolist()  # non-finite values; a raise is not a divergence
    assert not r.converged[r.failed].any() and r.converged[~r.failed].all()
    assert np.isnan(r.objectives[raised]).all()
    err = capsys.readouterr().err
    assert "failed=5" in err and "left=0" in err and "9/9" in err

    # a plain rerun skips everything, failed runs included
    CALLS.clear()
    sweep(flaky, alphas=[1.0, 2.0, 3.0], seeds=3, store=path, in_process=True, progress=False)
    assert CALLS == []
    # retry_failed reruns the failed runs only; they now succeed except the NaN ones
    FAIL_SEEDS.clear()
    try:
        r2 = sweep(flaky, alphas=[1.0, 2.0, 3.0], seeds=3, store=path, in_process=True, retry_failed=True, progress=False)
    finally:
        FAIL_SEEDS.add(1)
    assert sorted(CALLS) == sorted((float(a), int(s)) for a, s in zip(r.alpha[r.failed], r.seed[r.failed]))
    assert r2.failed.tolist() == (r2.alpha == 2.0).tolist()
    with open_store(path, readonly=True) as st:
        assert st.count() == 9


def test_random_alpha_plans_are_drawn_once_and_stored(tmp_path, monkeypatch):
    path = tmp_path / "runs.sqlite"
    first = sweep(train, alphas="rand:0:5:4", seeds=2, store=path, in_process=True, progress=False)
    import paretolab.plan

    def no_redraw(*a, **k):
        raise AssertionError("the random plan was drawn again")

    monkeypatch.setattr(paretolab.plan, "grid", no_redraw)
    again = sweep(train, alphas="rand:0:5:4", seeds=2, store=path, in_process=True, progress=False)
    resumed = sweep(train, store=path, in_process=True, progress=False)  # the stored plan, alphas and seeds
    for r in (again, resumed):
        np.testing.assert_array_equal(r.alpha, first.alpha)
        np.testing.assert_array_equal(r.seed, first.seed)
        np.testing.assert_array_equal(r.objectives, first.objectives)
    with open_store(path, readonly=True) as st:
        (plan,) = st.meta()["plans"]
        assert plan["spec"] == "rand:0:5:4" and plan["method"] == "linear"
        assert plan["values"] == first.alpha[::2].tolist()


# --------------------------------------------------------------------------- executors
def test_process_pool_and_dask_give_the_same_store_as_serial(tmp_path):
    distributed = pytest.importorskip("distributed")
    plan = dict(alphas="log:0.1:10:5", seeds=3, progress=False)
    sweep(flaky, store=tmp_path / "serial.sqlite", in_process=True, **plan)
    sweep(flaky, store=tmp_path / "pool.sqlite", jobs=2, **plan)
    for processes in (False, True):  # Dask workers as threads, then as separate processes
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            r = sweep(flaky, store=tmp_path / f"dask{processes}.sqlite", executor=client.get_executor(), **plan)
    serial = _table(tmp_path / "serial.sqlite")
    assert len(serial) == 15 and sum(row[5] for row in serial) == 5  # seed 1 raises
    assert _table(tmp_path / "pool.sqlite") == serial
    assert _table(tmp_path / "daskFalse.sqlite") == serial
    assert _table(tmp_path / "daskTrue.sqlite") == serial
    assert len(r) == 15 and r.failed.sum() == 5


def test_make_executor_for_jobs_and_bad_choices():
    with make_executor(in_process=True) as ex:
        assert isinstance(ex, SerialExecutor)
        CALLS.clear()
        r = sweep(train, alphas=[1.0, 2.0], seeds=1, executor=ex, progress=False)
        assert CALLS == [(1.0, 0), (2.0, 0)] and len(r) == 2  # ran here, in plan order
    with make_executor(jobs=2) as ex:  # worker processes the driver can kill and replace
        ticket = ex.submit(math.hypot, 3, 4)
        assert [(o.ticket, o.value) for o in ex.outcomes()] == [(ticket, 5.0)]
    with pytest.raises(ValueError, match=r"jobs: expected an integer >= 1, got 0"):
        make_executor(jobs=0)
    with pytest.raises(ValueError, match="jobs: give jobs or a scheduler address, not both"):
        make_executor(jobs=2, scheduler="tcp://127.0.0.1:1")


def test_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match=r"scheduler: could not connect to a Dask scheduler at 'tcp://127.0.0.1:9'"):
        with make_executor(scheduler="tcp://127.0.0.1:9", timeout=1) as _:
            pass


def test_a_lambda_cannot_go_to_a_process_pool():
    with pytest.raises(ValueError, match=r"train_fn: worker processes cannot import it: .*lambda.*in_process=True"):
        sweep(lambda a, s: (a, s), alphas=[1.0, 2.0], seeds=1, jobs=2, progress=False)
    r = sweep(lambda a, s: (a, s), alphas=[1.0, 2.0], seeds=1, in_process=True, progress=False)  # serial is fine
    assert r.objectives.tolist() == [[1.0, 0.0], [2.0, 0.0]]


# --------------------------------------------------------------------------- bad input
def test_load_function_says_what_was_tried(tmp_path):
    assert load_function("test_user_sweep:train") is train
    with pytest.raises(ValueError, match=r"fn: could not import module 'no_such_pkg.mod' \(from 'no_such_pkg.mod:f'\): "
                                         r"ModuleNotFoundError"):
        load_function("no_such_pkg.mod:f")
    with pytest.raises(ValueError, match=r"fn: module 'test_user_sweep' .* has no attribute 'trian'; did you mean 'train'\? it has"):
        load_function("test_user_sweep:trian")
    with pytest.raises(ValueError, match=r"fn: expected 'package.module:function', got 'test_user_sweep.train'"):
        load_function("test_user_sweep.train")
    with pytest.raises(ValueError, match=r"fn: 'test_user_sweep:CALLS' is a list, expected a function"):
        load_function("test_user_sweep:CALLS")
    broken = tmp_path / "broken_mod_xyz.py"
    broken.write_text("import nothing_here_xyz\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ValueError, match=r"could not import module 'broken_mod_xyz'.*nothing_here_xyz"):
            load_function("broken_mod_xyz:train")
    finally:
        sys.path.remove(str(tmp_path))
    # the string form goes straight into sweep
    r = sweep("test_user_sweep:three", alphas=[0.5], seeds=1, in_process=True, progress=False)
    assert r.source == "test_user_sweep:three"


def test_wrong_signature_is_refused_before_any_run():
    CALLS.clear()
    with pytest.raises(ValueError, match=r"train_fn: expected a function train_fn\(alpha, seed\) or "
                                         r"train_fn\(objective, seed\), got test_user_sweep:one_arg\(alpha\)"):
        sweep(one_arg, alphas=[1.0], seeds=1, in_process=True)
    with pytest.raises(ValueError, match=r"train_fn\(alpha, seed, \*\*config with keys \['width'\]\)"):
        sweep(train, alphas=[1.0], seeds=1, in_process=True, config={"width": 3})
    with pytest.raises(ValueError, match=r"train_fn: expected a function .* got 3 \(int\)"):
        sweep_function(3, alphas=[1.0])
    assert CALLS == []


@pytest.mark.parametrize("fn, what", [
    (returns_string, r"train_fn returned '0.1, 0.2' \(str\); expected a sequence of 2 or more numbers"),
    (returns_one, r"train_fn returned \[1.0\] \(list\) \(1 number\(s\)\); expected a sequence of 2 or more"),
    (returns_bad_extra, r"extra field 'history' = \[1, 2, 3\] \(list\); extra fields must be numbers"),
])
def test_wrong_return_shape_stops_the_sweep_saying_what_came_back(tmp_path, fn, what):
    path = tmp_path / "runs.sqlite"
    with pytest.raises(TypeError, match=what + r".*\(run alpha=1.0, seed=0\)"):
        sweep(fn, alphas=[1.0, 2.0], seeds=1, store=path, in_process=True, progress=False)
    with open_store(path, readonly=True) as st:
        assert st.count() == 0  # nothing recorded for a run whose result could not be read


def test_a_change_in_the_number_of_objectives_stops_the_sweep_keeping_earlier_runs(tmp_path):
    path = tmp_path / "runs.sqlite"
    with pytest.raises(TypeError, match=r"train_fn returned 3 objectives for alpha=2.0, seed=0, but 2 for earlier"):
        sweep(changes_shape, alphas=[0.5, 2.0], seeds=1, store=path, in_process=True, progress=False)
    with open_store(path, readonly=True) as st:
        assert [r["alpha"] for r in st.rows()] == [0.5]
    with pytest.raises(TypeError, match=r"3 objectives for alpha=2.0, seed=0, but 2 for earlier"):  # resumed too
        sweep(changes_shape, alphas=[0.5, 2.0], seeds=1, store=path, in_process=True, progress=False)


def test_parse_return_formats():
    assert parse_return(np.array([1.0, 2.0, 3.0])) == ([1.0, 2.0, 3.0], True, {})
    assert parse_return({"objectives": (1, 2), "converged": np.bool_(False), "note": "x"}) == ([1.0, 2.0], False,
                                                                                             {"note": "x"})
    torch = pytest.importorskip("torch")
    assert parse_return((torch.tensor(0.5), torch.tensor(2.0))) == ([0.5, 2.0], True, {})
    assert parse_return({"L0": torch.tensor(1.0), "L1": 2, "lr": np.float32(0.5)}) == ([1.0, 2.0], True, {"lr": 0.5})
    with pytest.raises(TypeError, match=r"a mapping with keys \['loss', 'penalty'\]; expected"):
        parse_return({"loss": 1.0, "penalty": 2.0})
    with pytest.raises(TypeError, match=r"returned None \(NoneType\)"):
        parse_return(None)


def test_bad_arguments_name_themselves(tmp_path):
    with pytest.raises(ValueError, match=r"alphas: expected finite values >= 0"):
        sweep(train, alphas=[-1.0], seeds=1, in_process=True)
    with pytest.raises(ValueError, match=r"alphas: expected alpha values or a spec .* got None"):
        sweep(train, seeds=1, in_process=True)
    with pytest.raises(ValueError, match=r"jobs: expected an integer >= 1, got 0"):
        sweep(train, alphas=[1.0], seeds=1, jobs=0)
    with pytest.raises(ValueError, match=r"jobs: give jobs or an executor, not both"):
        sweep(train, alphas=[1.0], seeds=1, jobs=2, executor=object())
    with pytest.raises(ValueError, match=r"executor: expected a concurrent.futures.Executor .* got 'pool' \(str\)"):
        sweep(train, alphas=[1.0, 2.0], seeds=1, executor="pool")
    with pytest.raises(ValueError, match=r"config: expected JSON-serialisable values"):
        sweep(train, alphas=[1.0], seeds=1, in_process=True, config={"scale": object()})
    with pytest.raises(ValueError, match=r"method: 'chebyshev' needs the run's objective, but test_user_sweep:train "
                                         r"takes alpha: write it as train\(objective, seed"):
        sweep(train, alphas=[1.0], seeds=1, method="chebyshev")
    with pytest.raises(ValueError, match=r"store: applies to sweeps of a training function, not to problem 'convex'"):
        sweep("convex", alphas=[1.0], seeds=1, store=tmp_path / "x.sqlite")
    with pytest.raises(ValueError, match=r"alphas: the plan repeats an \(alpha, seed\) pair"):
        sweep(train, alphas=[1.0, 1.0], seeds=1, in_process=True)


def test_function_id_names_module_and_qualname():
    assert function_id(train) == "test_user_sweep:train"
    assert function_id(os.path.join) == "posixpath:join"


# --------------------------------------------------------------------------- store refusals
def test_a_store_of_another_function_or_configuration_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "runs.sqlite"
    sweep(train, alphas=[1.0, 2.0], seeds=2, store=path, in_process=True, progress=False)
    before = _table(path)
    cases = [
        (dict(fn=train, config={"scale": 3.0}), r"configuration \{\} \(stored\) vs \{'scale': 3.0\}"),
        (dict(fn=flaky), r"function 'test_user_sweep:train' \(stored\) vs 'test_user_sweep:flaky'"),
    ]
    for case, msg in cases:
        kw = dict(alphas=[1.0, 2.0], seeds=2, store=path, in_process=True, progress=False)
        kw.update({k: v for k, v in case.items() if k != "fn"})
        with pytest.raises(StoreMismatch, match=msg + r".*It was not changed. Use a new file, e.g. store='.*runs-2.sqlite'"):
            sweep(case["fn"], **kw)
    assert _table(path) == before


def test_a_store_grows_by_exactly_the_missing_runs(tmp_path):
    """Before: more seeds or a finer alpha grid on an existing store was refused ("holds runs of a
    different sweep"), so every question cost a full recomputation."""
    path = tmp_path / "runs.sqlite"
    CALLS.clear()
    sweep(train, alphas=[1.0, 2.0], seeds=2, store=path, in_process=True, progress=False)
    assert len(CALLS) == 4
    CALLS.clear()
    r = sweep(train, alphas=[1.0, 2.0], seeds=4, store=path, in_process=True, progress=False)  # two more seeds
    assert sorted(CALLS) == [(1.0, 2), (1.0, 3), (2.0, 2), (2.0, 3)] and len(r) == 8
    CALLS.clear()
    r = sweep(train, alphas=[1.0, 1.5, 2.0], seeds=4, store=path, in_process=True, progress=False)  # a finer grid
    assert sorted(CALLS) == [(1.5, s) for s in range(4)] and len(r) == 12
    CALLS.clear()
    everything = sweep(train, store=path, in_process=True, progress=False)  # no values: the store's plans, all stored
    assert CALLS == [] and len(everything) == 12
    with open_store(path, readonly=True) as st:
        assert st.count() == 12 and len(st.meta()["plans"]) == 3


def test_read_only_store_is_a_clear_error_and_loses_nothing(tmp_path):
    path = tmp_path / "runs.sqlite"
    sweep(train, alphas=[1.0, 2.0], seeds=2, store=path, in_process=True, progress=False, retry_failed=False)
    with Store(path) as st:
        st.connection.execute("DELETE FROM runs WHERE value = 2.0")  # as if killed half-way
    before = _table(path)
    CALLS.clear()
    with Store(path, readonly=True) as ro:  # SQLite mode=ro: refused even for root
        with pytest.raises(StoreError, match=r"opened read-only; a sweep needs to write to it"):
            sweep(train, alphas=[1.0, 2.0], seeds=2, store=ro, in_process=True, progress=False)
    assert CALLS == [] and _table(path) == before


RO_SCRIPT = """
import sys
from paretolab import read_runs, sweep
from paretolab.errors import StoreError
try:
    sweep("ro_mod:train", alphas=[1.0, 2.0], seeds=2, store=sys.argv[1], in_process=True, progress=False)
except StoreError as exc:
    print("ERROR", exc)
print("READ", len(read_runs(sys.argv[1]).finite().objectives))
"""


def test_read_only_file_and_directory_are_a_clear_error(tmp_path):
    """chmod'ed file and directory. Root ignores file modes, so as root the check runs in a child
    without CAP_DAC_OVERRIDE (setpriv), where the modes apply as for any user."""
    import shutil
    import subprocess
    import sys

    cmd = [sys.executable, str(tmp_path / "ro_driver.py"), str(tmp_path / "data" / "runs.sqlite")]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file modes do not stop root (mode=ro is tested above)")
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
               "--inh-caps=-dac_override,-dac_read_search"] + cmd
    (tmp_path / "ro_mod.py").write_text("def train(alpha, seed):\n    return (alpha, 1 / (1 + alpha))\n")
    (tmp_path / "ro_driver.py").write_text(RO_SCRIPT)
    data = tmp_path / "data"
    data.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(os.path.dirname(__file__))]))
    sys.path.insert(0, str(tmp_path))
    try:
        sweep("ro_mod:train", alphas=[1.0, 2.0], seeds=2, store=data / "runs.sqlite", in_process=True, progress=False)
    finally:
        sys.path.remove(str(tmp_path))
    with Store(data / "runs.sqlite") as st:
        st.connection.execute("DELETE FROM runs WHERE value = 2.0")  # as if stopped half-way
    before = _table(data / "runs.sqlite")
    os.chmod(data / "runs.sqlite", 0o444)
    os.chmod(data, 0o555)
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    finally:
        os.chmod(data, 0o755)
        os.chmod(data / "runs.sqlite", 0o644)
    assert out.returncode == 0, out.stderr
    assert "ERROR store: c" in out.stdout and "(the file or its directory is read-only)" in out.stdout, out.stdout
    assert "nothing in it was changed" in out.stdout or "already stored are intact" in out.stdout, out.stdout
    assert "READ 2" in out.stdout  # analysis still reads it (directory read-only: no WAL side files)
    assert _table(data / "runs.sqlite") == before


def test_a_full_disk_stops_the_sweep_with_the_stored_runs_intact(tmp_path):
    path = tmp_path / "runs.sqlite"
    big = [float(a) for a in np.linspace(1.0, 2.0, 200)]
    with Store(path) as st:
        def fill_up(done, total):  # after 10 runs the file may not grow any more: "disk full"
            if done == 10:
                pages = st.connection.execute("PRAGMA page_count").fetchone()[0]
                st.connection.execute(f"PRAGMA max_page_count = {pages}")

        with pytest.raises(StoreError) as info:
            sweep(train, alphas=big, seeds=2, store=st, in_process=True, progress=fill_up)
    text = str(info.value)
    assert "full" in text and "already stored are intact" in text and "rerun the same sweep" in text
    with open_store(path, readonly=True) as st:
        assert st.integrity() == "ok"
        keys = [r["key"] for r in st.rows()]
        assert len(keys) == len(set(keys)) >= 10
    # with room again, the same sweep finishes exactly the rest
    CALLS.clear()
    r = sweep(train, alphas=big, seeds=2, store=path, in_process=True, progress=False)
    assert len(r) == 400 and not r.failed.any() and len(CALLS) == 400 - len(keys)


class _LosesSeedOne:
    """An executor whose runs of seed 1 are lost (as when a cluster worker dies)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future

        f = Future()
        if args[3] == 1:  # run_one(fn, method, value, seed, config, settings)
            f.set_exception(OSError("worker tcp://10.0.0.7:4000 lost"))
        else:
            f.set_result(fn(*args))
        return f


def test_an_executor_failure_stops_the_sweep_keeping_finished_runs(tmp_path):
    path = tmp_path / "runs.sqlite"
    with pytest.raises(RuntimeError, match=r"executor: a run \(alpha=[12].0, seed=1\) could not be executed: OSError: "
                                           r"worker tcp://10.0.0.7:4000 lost. Finished runs are stored"):
        sweep(three, alphas=[1.0, 2.0], seeds=2, store=path, executor=_LosesSeedOne(), progress=False)
    with open_store(path, readonly=True) as st:
        assert sorted((r["alpha"], r["seed"]) for r in st.rows()) == [(1.0, 0), (2.0, 0)]
    r = sweep(three, alphas=[1.0, 2.0], seeds=2, store=path, in_process=True, progress=False)  # resume elsewhere
    assert len(r) == 4 and not r.failed.any()


def slow_or_bad(alpha, seed):
    """alpha = 2 returns garbage at once; the others take a moment and return losses."""
    import time

    if alpha == 2.0:
        return "oops"
    time.sleep(0.3)
    return (alpha, 1.0)


def test_a_bad_return_on_workers_keeps_the_runs_already_running(tmp_path):
    """Before: one bad return value killed every worker at once, losing the runs in flight."""
    path = tmp_path / "runs.sqlite"
    with pytest.raises(TypeError, match=r"train_fn returned 'oops'"):
        sweep(slow_or_bad, alphas=[1.0, 2.0, 4.0], seeds=1, store=path, jobs=3, progress=False)
    with open_store(path, readonly=True) as st:
        assert sorted(r["alpha"] for r in st.rows()) == [1.0, 4.0]


def test_a_pool_passed_in_is_never_closed_and_its_own_calls_are_left_alone(tmp_path):
    """Before: an error closed the caller's pool (the next sweep on it failed), and a call of the
    caller's own in the pool crashed the sweep with a KeyError."""
    from paretolab.workers import WorkerPool

    with WorkerPool(2) as pool:
        mine = pool.submit(math.sqrt, 16.0)
        with pytest.raises(TypeError, match=r"train_fn returned 'oops'"):
            sweep(slow_or_bad, alphas=[1.0, 2.0], seeds=1, executor=pool, progress=False)
        r = sweep(three, alphas=[0.25, 0.5], seeds=1, executor=pool, progress=False)
        assert r.objectives.tolist() == [[0.25, 0.75, 0.0], [0.5, 0.5, 0.0]]
        assert mine is not None
    # resuming a finished store on workers runs nothing and returns the runs
    path = tmp_path / "done.sqlite"
    sweep(three, alphas=[0.25, 0.5], seeds=2, store=path, in_process=True, progress=False)
    again = sweep(three, alphas=[0.25, 0.5], seeds=2, store=path, jobs=2, progress=False)
    assert len(again) == 4
