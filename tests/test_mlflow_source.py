"""MLflow runs as a Table: real runs in a temporary sqlite tracking store (no mocks)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("mlflow")
pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

import paretolab  # noqa: E402
from paretolab import mlflow_source  # noqa: E402
from paretolab.cli import main  # noqa: E402
from paretolab.errors import ParetolabError  # noqa: E402
from paretolab.mlflow_source import mlflow_table  # noqa: E402
from paretolab.runs import runs_from_table  # noqa: E402

# MLflow 3.17's store with SQLAlchemy 2.1 (hidden outside tests: a DeprecationWarning from a library)
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy is deprecated")

ALPHAS = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0]


def concave_sweep(seeds=3):
    """A weighted sum on a concave front: every seed at the L0 end below alpha* = 1 and at the L1
    end above it, with a little noise (alpha, seed, L0, L1 per run)."""
    rng = np.random.default_rng(0)
    return [(float(a), s, *(np.array((0.0, 1.0) if a < 1 else (1.0, 0.0)) + rng.normal(0, 1e-3, 2)).tolist())
            for a in np.geomspace(0.1, 10, 9) for s in range(seeds)]


SWEEP = concave_sweep()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One tracking store for the module (MLflow's sqlite store takes a second to create):
    experiment "tuning" with 6 finished runs, one FAILED, one left RUNNING; "other" with one
    FAILED run; "paging" with 11 finished runs; "sweep" with the runs of SWEEP; "clash" with
    params and metrics of one name."""
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    path = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    uri = f"sqlite:///{path}"
    client = MlflowClient(tracking_uri=uri)
    ids = {name: client.create_experiment(name) for name in ("tuning", "other", "paging", "sweep", "clash")}

    started = iter(range(1_700_000_000_000, 1_800_000_000_000, 1000))  # a second apart: a known order

    def run(exp, name, params, metrics, status="FINISHED"):
        r = client.create_run(ids[exp], start_time=next(started), run_name=name)
        client.log_batch(r.info.run_id, params=[Param(k, str(v)) for k, v in params.items()],
                         metrics=[Metric(k, v, 0, step) for k, v, step in metrics])
        if status != "RUNNING":
            client.set_terminated(r.info.run_id, status)
        return r.info.run_id

    finished = []
    for i, a in enumerate(ALPHAS):
        l0, l1 = a / (1 + a), 1 / (1 + a)
        finished.append(run("tuning", f"run-{i}", {"alpha": a, "seed": i % 2, "optimizer": "adam" if i % 3 else "sgd"},
                            [("L0", 5.0 + l0, 0), ("L0", l0, 10), ("L1", l1, 10)]))
    run("tuning", "crashed", {"alpha": 99.0, "seed": 0, "optimizer": "adam"}, [("L0", 7.0, 0)], status="FAILED")
    run("tuning", "still-going", {"alpha": 0.01, "seed": 0, "optimizer": "adam"}, [("L0", 8.0, 0)],
        status="RUNNING")
    run("other", "bad", {"alpha": 1.0}, [("L0", 1.0, 0)], status="FAILED")
    for i in range(11):
        run("paging", f"p{i}", {"alpha": float(i)}, [("L0", float(i), 0), ("L1", -float(i), 0)])
    for a, s, l0, l1 in SWEEP:  # the rows of a CSV, logged as runs
        run("sweep", f"a={a:g},s={s}", {"alpha": a, "seed": s}, [("L0", l0, 0), ("L1", l1, 0)])
    # a param missing in one run, one that logged None, names that are both a metric and a param
    run("clash", "c0", {"alpha": "1", "lr": "None", "run_id": "x"}, [("alpha", 0.5, 0), ("L0", 1.0, 0)])
    run("clash", "c1", {"beta": "2"}, [("L1", 2.0, 0)])
    return {"uri": uri, "path": path, "ids": ids, "finished": finished}


def test_finished_runs_by_name_with_last_metric_values_and_typed_params(store):
    t = mlflow_table("tuning", tracking_uri=store["uri"])
    assert t.source == "mlflow:tuning" and t.objectives == ()
    assert t.warnings == ("2 runs not finished (1 FAILED, 1 RUNNING) left out",)
    assert list(t.columns) == ["run_id", "run_name", "alpha", "optimizer", "seed", "L0", "L1"]
    assert t.columns["run_id"].tolist() == store["finished"]  # in the order the runs started
    assert t.columns["run_name"].tolist() == [f"run-{i}" for i in range(6)]
    assert t.columns["alpha"].dtype == float and t.columns["alpha"].tolist() == ALPHAS
    assert t.columns["seed"].tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    assert t.columns["optimizer"].tolist() == ["sgd", "adam", "adam", "sgd", "adam", "adam"]  # text stays text
    a = np.array(ALPHAS)
    assert np.allclose(t.columns["L0"], a / (1 + a))  # the value at the last step, not the first (5 + ...)
    assert np.allclose(t.columns["L1"], 1 / (1 + a))
    runs = runs_from_table(t)  # L0, L1 taken as objectives; alpha and seed by name
    assert runs.names == ("L0", "L1") and runs.alpha.tolist() == ALPHAS and runs.seed.tolist() == [0, 1] * 3
    # before: the runs left out were only logged; now the report says so with the verdict
    report = paretolab.analyze(runs)
    assert "mlflow:tuning: 2 runs not finished (1 FAILED, 1 RUNNING) left out" in report.warnings
    assert "2 runs not finished" in str(report)


def test_by_id_and_from_the_environment_variable(store, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store["uri"])
    by_name = mlflow_table("tuning")
    by_id = mlflow_table(experiment_id=store["ids"]["tuning"])
    assert by_id.source == f"mlflow:id={store['ids']['tuning']}"
    assert by_id.columns.keys() == by_name.columns.keys() and by_id.warnings == by_name.warnings
    for name, values in by_name.columns.items():
        assert np.array_equal(by_id.columns[name], values), name


def test_the_argument_wins_over_the_environment_variable(store, monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/absent.db")
    assert len(mlflow_table("tuning", tracking_uri=store["uri"]).columns["run_id"]) == 6
    with pytest.raises(ParetolabError, match="absent.db.*not found"):
        mlflow_table("tuning")
    assert not (tmp_path / "absent.db").exists()  # MLflow would have created an empty store there


def test_no_tracking_uri_is_an_error_not_mlflows_default(monkeypatch, tmp_path):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParetolabError, match=r"tracking_uri: expected an MLflow tracking URI .*MLFLOW_TRACKING_URI"
                                             r".*got none"):
        mlflow_table("tuning")
    assert list(tmp_path.iterdir()) == []  # no ./mlruns, no mlflow.db


def test_neither_or_both_of_name_and_id(store):
    with pytest.raises(ParetolabError, match="experiment, experiment_id: expected exactly one .* got neither"):
        mlflow_table(tracking_uri=store["uri"])
    with pytest.raises(ParetolabError, match="got both"):
        mlflow_table("tuning", experiment_id="1", tracking_uri=store["uri"])
    with pytest.raises(ParetolabError, match="experiment: expected a non-empty experiment name, got ''"):
        mlflow_table("", tracking_uri=store["uri"])


def test_an_unknown_experiment_lists_the_ones_present(store):
    with pytest.raises(ParetolabError, match=r"experiment: expected an experiment of .* got 'tunning'; experiments "
                                             r"present: \[.*'tuning'.*\]") as err:
        mlflow_table("tunning", tracking_uri=store["uri"])
    assert all(n in str(err.value) for n in ("'other'", "'paging'", "'Default'"))
    with pytest.raises(ParetolabError, match=r"experiment_id: expected an experiment .* got '12345'; experiments "
                                             r"present: \[.*'tuning'"):
        mlflow_table(experiment_id="12345", tracking_uri=store["uri"])


def test_an_experiment_without_finished_runs(store):
    with pytest.raises(ParetolabError, match=r"mlflow:other: expected finished runs .* got none \(1 run not finished "
                                             r"\(1 FAILED\) left out\)"):
        mlflow_table("other", tracking_uri=store["uri"])


def test_pages_of_runs_are_all_read(store, monkeypatch):
    monkeypatch.setattr(mlflow_source, "PAGE_SIZE", 4)  # 11 runs: 3 pages
    t = mlflow_table("paging", tracking_uri=store["uri"])
    assert t.columns["run_name"].tolist() == [f"p{i}" for i in range(11)]
    assert t.columns["L0"].tolist() == [float(i) for i in range(11)] and t.warnings == ()


def test_a_file_that_is_not_a_store(tmp_path):
    bad = tmp_path / "runs.csv"
    bad.write_text("alpha,L0,L1\n1,2,3\n")
    with pytest.raises(ParetolabError, match=r"tracking_uri: expected an MLflow tracking store MLflow can read, got "
                                             r"'sqlite:///.*runs.csv'"):
        mlflow_table("tuning", tracking_uri=f"sqlite:///{bad}")
    with pytest.raises(ParetolabError, match="is a directory"):
        mlflow_table("tuning", tracking_uri=f"sqlite:///{tmp_path}")


def test_params_missing_in_some_runs_and_name_clashes(store):
    t = mlflow_table("clash", tracking_uri=store["uri"])
    assert list(t.columns) == ["run_id", "run_name", "params.alpha", "beta", "lr", "params.run_id", "L0", "L1",
                               "metrics.alpha"]
    c = {k: v.tolist() for k, v in t.columns.items()}
    assert c["params.alpha"][0] == 1.0 and math.isnan(c["params.alpha"][1])
    assert math.isnan(c["beta"][0]) and c["beta"][1] == 2.0
    assert c["lr"] == ["None", ""]  # only "None" logged: kept as text
    assert c["params.run_id"] == ["x", ""] and c["metrics.alpha"][0] == 0.5 and math.isnan(c["L0"][1])
    assert any("'alpha' is a metric and a param" in w for w in t.warnings)
    assert any("'run_id' is a param" in w for w in t.warnings)


def test_the_same_report_as_through_a_csv(store, tmp_path, monkeypatch, capsys):
    csv = tmp_path / "runs.csv"
    csv.write_text("alpha,seed,L0,L1\n" + "".join(f"{a!r},{s},{l0!r},{l1!r}\n" for a, s, l0, l1 in SWEEP))
    from_csv = paretolab.analyze(paretolab.read_runs(csv))
    from_mlflow = paretolab.analyze(paretolab.read_runs("mlflow:sweep", tracking_uri=store["uri"]))
    assert from_mlflow.tunable == from_csv.tunable == "no"
    assert str(from_mlflow).split("\n", 1)[1] == str(from_csv).split("\n", 1)[1]  # all but the line naming the source
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store["uri"])
    assert main(["analyze", "mlflow:sweep"]) == 0
    out_mlflow = capsys.readouterr().out
    assert main(["analyze", str(csv)]) == 0
    assert out_mlflow.split("\n", 1)[1] == capsys.readouterr().out.split("\n", 1)[1]


def test_missing_packages_name_the_extra(store, monkeypatch):
    import sys

    for name in ("alembic", "sqlalchemy"):  # mlflow-skinny alone: no database store
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"needs sqlalchemy and alembic besides mlflow-skinny .*pip install "
                                          r"'paretolab\[mlflow\]'"):
        mlflow_table("tuning", tracking_uri=store["uri"])
    for name in ("mlflow", "mlflow.entities", "mlflow.exceptions", "mlflow.tracking"):  # no MLflow at all
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"needs MLflow \(mlflow-skinny is enough\): pip install "
                                          r"'paretolab\[mlflow\]'"):
        mlflow_table("tuning", tracking_uri=store["uri"])
