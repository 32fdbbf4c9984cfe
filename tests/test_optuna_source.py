"""Runs from real Optuna studies (SQLite and journal files) and trials enqueued back into them."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from paretolab.errors import ParetolabError
from paretolab.optuna_source import enqueue, optuna_table

optuna = pytest.importorskip("optuna")
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")  # set_metric_names

ALPHAS = [0.2, 0.5, 1.0, 2.0, 5.0]


@pytest.fixture(autouse=True)
def quiet_optuna():
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(level)


def front(a):
    """The weighted-sum optimum of L0 + a*L1 on the front sqrt(L0) + sqrt(L1) = 1."""
    return (a / (1 + a)) ** 2, (1 / (1 + a)) ** 2


def objective(trial):
    alpha = trial.suggest_float("alpha", 0.01, 100.0, log=True)
    trial.suggest_int("seed", 0, 3)
    if alpha == 0.3:
        raise RuntimeError("this run diverged")
    if alpha == 0.4:
        raise optuna.TrialPruned()
    return front(alpha)


def two_objective_study(storage, name="toy"):
    """ALPHAS (seed i % 2) complete; alpha 0.3 fails, 0.4 is pruned, one trial is left running."""
    study = optuna.create_study(study_name=name, storage=storage, directions=["minimize", "minimize"])
    study.set_metric_names(["L0", "L1"])
    for i, a in enumerate(ALPHAS + [0.3, 0.4]):
        study.enqueue_trial({"alpha": a, "seed": i % 2})
    study.optimize(objective, n_trials=len(ALPHAS) + 2, catch=(RuntimeError,))
    study.ask()  # a trial still running
    return study


def check_two_objective_table(table, study):
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert table.objectives == ("L0", "L1")
    assert list(table.columns) == ["trial", "L0", "L1", "alpha", "seed"]
    assert table.columns["trial"].tolist() == [t.number for t in complete] == [0, 1, 2, 3, 4]
    assert table.columns["alpha"].tolist() == ALPHAS
    assert table.columns["seed"].tolist() == [0, 1, 0, 1, 0]
    assert table.columns["L0"].tolist() == [front(a)[0] for a in ALPHAS]
    assert table.columns["L1"].tolist() == [front(a)[1] for a in ALPHAS]
    assert table.warnings == ("3 trials not complete (1 FAIL, 1 PRUNED, 1 RUNNING) left out",)


def test_a_multi_objective_sqlite_study_gives_its_complete_trials(tmp_path):
    db = tmp_path / "study.db"
    url = f"sqlite:///{db}"
    study = two_objective_study(url)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    table = optuna_table(url, "toy")
    check_two_objective_table(table, study)
    assert table.source == f"optuna:{url}#toy"
    assert optuna_table(str(db), "toy").columns["L0"].tolist() == table.columns["L0"].tolist()  # the file's path
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest  # read, never written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.db"]


def test_the_same_through_a_journal_file(tmp_path):
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    path = tmp_path / "journal.log"
    study = two_objective_study(JournalStorage(JournalFileBackend(str(path))))
    size = path.stat().st_size
    table = optuna_table(str(path), "toy")
    check_two_objective_table(table, study)
    assert table.source == f"optuna:{path}#toy"
    assert path.stat().st_size == size


def test_a_single_objective_study_gives_user_attributes_as_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'single.db'}"

    def single(trial):
        alpha = trial.suggest_float("alpha", 0.01, 100.0, log=True)
        trial.suggest_categorical("optimizer", ["adam", "sgd"])
        if trial.number == 1:
            trial.suggest_float("lr", 1e-4, 1e-1, log=True)  # a param only some trials have
        L0, L1 = front(alpha)
        trial.set_user_attr("L0", L0)
        trial.set_user_attr("L1", L1)
        trial.set_user_attr("note", "text is not a column")
        return L0 + alpha * L1

    study = optuna.create_study(study_name="single", storage=url)
    for a, opt in zip(ALPHAS[:3], ["adam", "sgd", "adam"]):
        study.enqueue_trial({"alpha": a, "optimizer": opt, "lr": 0.01})
    study.optimize(single, n_trials=3)
    table = optuna_table(url, "single")
    assert table.objectives == () and table.warnings == ()
    assert list(table.columns) == ["trial", "value", "alpha", "optimizer", "lr", "L0", "L1"]
    assert table.columns["L0"].tolist() == [front(a)[0] for a in ALPHAS[:3]]
    assert table.columns["L1"].tolist() == [front(a)[1] for a in ALPHAS[:3]]
    assert table.columns["value"].tolist() == [t.value for t in study.trials]
    assert table.columns["optimizer"].tolist() == ["adam", "sgd", "adam"]
    lr = table.columns["lr"]
    assert math.isnan(lr[0]) and lr[1] == 0.01 and math.isnan(lr[2])

    from paretolab.runs import runs_from_table

    runs = runs_from_table(table, objectives=["L0", "L1"])
    assert runs.names == ("L0", "L1") and runs.alpha.tolist() == ALPHAS[:3] and runs.seed is None


def test_a_maximised_value_is_negated_as_minus_name(tmp_path):
    url = f"sqlite:///{tmp_path / 'max.db'}"
    study = optuna.create_study(study_name="acc", storage=url, directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "accuracy"])
    study.enqueue_trial({"alpha": 0.5})
    study.optimize(lambda t: (t.suggest_float("alpha", 0.1, 10.0), 0.9), n_trials=1)
    table = optuna_table(url, "acc")
    assert table.objectives == ("loss", "-accuracy")
    assert table.columns["-accuracy"].tolist() == [-0.9] and table.columns["loss"].tolist() == [0.5]


def test_a_missing_study_or_storage_is_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    optuna.create_study(study_name="first", storage=url)
    optuna.create_study(study_name="second", storage=url)
    with pytest.raises(ParetolabError, match=r"got 'third'; studies present: 'first', 'second'"):
        optuna_table(url, "third")
    with pytest.raises(ParetolabError, match="not found; paretolab does not create studies"):
        optuna_table(f"sqlite:///{tmp_path / 'none.db'}", "first")
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(ParetolabError, match="not found"):
        optuna_table(str(tmp_path / "none.log"), "first")
    assert not (tmp_path / "none.log").exists()
    (tmp_path / "runs.csv").write_text("alpha,L0,L1\n1,2,3\n4,5,6\n")
    with pytest.raises(ParetolabError, match="cannot open .*runs.csv"):
        optuna_table(str(tmp_path / "runs.csv"), "first")
    with pytest.raises(ParetolabError, match="cannot open 'nosuchdialect://x'"):
        optuna_table("nosuchdialect://x", "first")
    import sqlite3

    other = sqlite3.connect(tmp_path / "other.sqlite")  # an SQLite database that is not a study
    other.execute("CREATE TABLE runs (x)")
    other.commit()
    other.close()
    with pytest.raises(ParetolabError, match=r"other.sqlite' as an Optuna storage \(read as an SQLite database\).*"
                                             "no such table"):
        optuna_table(str(tmp_path / "other.sqlite"), "first")


def test_without_optuna_the_error_names_the_extra(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "optuna", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'paretolab\[optuna\]'"):
        optuna_table(f"sqlite:///{tmp_path / 'study.db'}", "toy")
    with pytest.raises(ImportError, match=r"pip install 'paretolab\[optuna\]'"):
        enqueue(f"sqlite:///{tmp_path / 'study.db'}", "toy", [{"alpha": 1.0}])


def test_enqueue_adds_waiting_trials_and_skips_duplicates(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = two_objective_study(url)
    n_before = len(study.trials)
    params = [{"alpha": 0.7, "seed": 0}, {"alpha": np.float64(3.0), "seed": np.int64(1)},
              {"alpha": 0.7, "seed": 0},  # a repeat
              {"alpha": 1.0, "seed": 0}]  # trial 2 has it
    assert enqueue(url, "toy", params) == 2
    assert enqueue(url, "toy", params[:2]) == 0
    trials = optuna.load_study(study_name="toy", storage=url).trials
    waiting = [t for t in trials if t.state == optuna.trial.TrialState.WAITING]
    assert len(trials) == n_before + 2
    assert [t.system_attrs["fixed_params"] for t in waiting] == [{"alpha": 0.7, "seed": 0}, {"alpha": 3.0, "seed": 1}]
    left_out = "5 trials not complete (2 WAITING, 1 FAIL, 1 PRUNED, 1 RUNNING) left out"
    assert optuna_table(url, "toy").warnings == (left_out,)
    with pytest.raises(ParetolabError, match="studies present: 'toy'"):
        enqueue(url, "other", params)
    with pytest.raises(ParetolabError, match="expected a list of dicts"):
        enqueue(url, "toy", {"alpha": 1.0})
