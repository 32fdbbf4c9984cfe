"""Runs from where they already live: roles of columns, DataFrames, the same report from every source."""

from __future__ import annotations

import json

import numpy as np
import pytest

import paretolab
from paretolab.cli import main
from paretolab.errors import ParetolabError
from paretolab.runs import Table, runs_from_table

pd = pytest.importorskip("pandas")


def concave_sweep(seeds=3):
    """A weighted sum on the concave quarter circle: every seed at the L0 end below alpha* = 1
    and at the L1 end above it (a jump), with a little noise."""
    rng = np.random.default_rng(0)
    rows = []
    for a in np.geomspace(0.1, 10, 9):
        for s in range(seeds):
            end = (0.0, 1.0) if a < 1 else (1.0, 0.0)
            rows.append((a, s, end[0] + rng.normal(0, 1e-3), end[1] + rng.normal(0, 1e-3)))
    return pd.DataFrame(rows, columns=["alpha", "seed", "L0", "L1"])


def report_text(report):
    """The report but its first line (which names the source)."""
    return str(report).split("\n", 1)[1]


def test_a_dataframe_a_csv_and_runs_give_the_same_report(tmp_path):
    df = concave_sweep()
    df.to_csv(tmp_path / "runs.csv", index=False)
    from_csv = paretolab.analyze(paretolab.read_runs(tmp_path / "runs.csv"))
    from_df = paretolab.analyze(df, objectives=["L0", "L1"], alpha="alpha", seed="seed")
    from_read = paretolab.analyze(paretolab.read_runs(df))
    assert from_df.tunable == from_csv.tunable == "no"
    assert report_text(from_df) == report_text(from_csv) == report_text(from_read)
    back = paretolab.read_runs(paretolab.read_runs(df).to_pandas())  # Runs -> DataFrame -> Runs
    assert np.array_equal(back.objectives, df[["L0", "L1"]].to_numpy())
    assert back.alpha.tolist() == df["alpha"].tolist() and back.seed.tolist() == df["seed"].tolist()


def test_roles_by_name_and_a_maximised_metric():
    # a beta-VAE style table: the weight is called beta, the seed rep, accuracy was maximised
    df = concave_sweep().rename(columns={"alpha": "beta", "seed": "rep", "L1": "acc"})
    df["acc"] = 1 - df["acc"]
    runs = paretolab.read_runs(df, objectives="L0,acc", alpha="beta", seed="rep", maximize=["acc"])
    assert runs.names == ("L0", "-acc")
    assert np.allclose(runs.objectives[:, 1], -df["acc"].to_numpy())  # negated in one place: minimised
    assert runs.alpha.tolist() == df["beta"].tolist() and runs.seed.tolist() == df["rep"].tolist()
    assert paretolab.analyze(runs).tunable == "no"


def test_doubt_about_the_objectives_is_an_error_that_lists_them():
    # before: every column besides alpha and seed was minimised, val_accuracy and beta included
    df = concave_sweep().rename(columns={"L0": "loss", "L1": "penalty"})
    df["val_accuracy"] = 0.9
    with pytest.raises(ValueError, match=r"exactly two numeric columns .* got 3: \['loss', 'penalty', "
                                         r"'val_accuracy'\] .*--objectives"):
        paretolab.read_runs(df)
    assert paretolab.read_runs(df, objectives=["loss", "penalty"]).names == ("loss", "penalty")
    three = Table({"f1": np.ones(2), "f2": np.ones(2), "f3": np.ones(2)}, "t")
    with pytest.raises(ValueError, match=r"got 3: \['f1', 'f2', 'f3'\]"):
        runs_from_table(three)
    assert runs_from_table(three, objectives="f1,f2,f3").names == ("f1", "f2", "f3")
    with pytest.raises(ValueError, match=r"alpha: expected a column of DataFrame, got 'beta'"):
        paretolab.read_runs(df, alpha="beta")
    with pytest.raises(ValueError, match=r"maximize: expected objectives among \['loss', 'penalty'\]"):
        paretolab.read_runs(df, objectives="loss,penalty", maximize="val_accuracy")


def test_options_that_do_not_apply_are_refused(tmp_path):
    df = concave_sweep()
    with pytest.raises(ValueError, match="objectives: names columns of a DataFrame"):
        paretolab.analyze(df[["L0", "L1"]].to_numpy(), objectives=["L0", "L1"])
    with pytest.raises(ValueError, match="study: applies to Optuna"):
        paretolab.read_runs("mlflow:exp", study="x")
    with pytest.raises(ValueError, match="experiment_id, tracking_uri: apply to MLflow"):
        paretolab.read_runs(df, experiment_id="1")
    with pytest.raises(ValueError, match="columns: not an option of read_runs"):
        paretolab.read_runs(df, columns="L0,L1")
    store = tmp_path / "runs.sqlite"
    paretolab.sweep(lambda a, s: (a / (1 + a), 1 / (1 + a)), alphas=[0.5, 2.0], seeds=1, store=store,
                    in_process=True, progress=False)
    with pytest.raises(ValueError, match="alpha: a paretolab store knows the roles"):
        paretolab.read_runs(store, alpha="x")


def test_cli_roles(tmp_path, capsys):
    df = concave_sweep().rename(columns={"alpha": "beta", "L1": "acc"})
    df["acc"] = 1 - df["acc"]
    df.to_csv(tmp_path / "runs.csv", index=False)
    assert main(["analyze", str(tmp_path / "runs.csv"), "--alpha", "beta", "--maximize", "acc", "--objectives",
                 "L0,acc"]) == 0
    out = capsys.readouterr().out
    assert "VERDICT" in out and "alpha* = 1" in out
    assert main(["analyze", str(tmp_path / "runs.csv")]) == 2  # beta and acc unnamed: L0, beta, acc
    assert "exactly two numeric columns" in capsys.readouterr().err


def test_next_places_the_values_a_users_own_loop_runs_next(tmp_path, capsys):
    # a convex front x^0.5 + y^0.5 = 1 swept at alphas 0.01, 0.1 and 100: the stretch between
    # alpha 0.1 and 100 is unreached, and the chord's slope across it is the alpha that lands inside
    x = np.linspace(0, 1, 4001)
    front = np.c_[x, (1 - np.sqrt(x)) ** 2]
    rows = [(a, s, *front[np.argmin(front[:, 0] + a * front[:, 1])]) for a in (0.01, 0.1, 100.0) for s in (0, 1)]
    pd.DataFrame(rows, columns=["alpha", "seed", "L0", "L1"]).to_csv(tmp_path / "runs.csv", index=False)
    plan_path = tmp_path / "plan.json"
    assert main(["next", str(tmp_path / "runs.csv"), "--count", "1", "--out", str(plan_path)]) == 0
    import json

    plan = json.loads(plan_path.read_text())
    a, b = front[np.argmin(front[:, 0] + 0.1 * front[:, 1])], front[np.argmin(front[:, 0] + 100 * front[:, 1])]
    chord = (b[0] - a[0]) / (a[1] - b[1])  # the alpha at which both ends weigh the same
    assert plan["method"] == "linear" and plan["seeds"] == [0, 1]
    assert plan["values"] == [pytest.approx(chord, rel=1e-9)]
    capsys.readouterr()
    assert main(["next", str(tmp_path / "runs.csv"), "--count", "1", "--out", str(plan_path)]) == 2
    assert "--out: " in capsys.readouterr().err  # never overwritten
    assert main(["next", str(tmp_path / "runs.csv"), "--count", "1", "--enqueue"]) == 2
    assert "--enqueue: enqueues into an Optuna study" in capsys.readouterr().err


def test_an_optuna_study_through_the_cli_and_enqueue(tmp_path, capsys):
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    df = concave_sweep(seeds=2)
    df.to_csv(tmp_path / "with_one.csv", index=False)
    assert main(["next", str(tmp_path / "with_one.csv"), "--count", "2"]) == 0  # alpha = 1 ran: nothing to add
    said = capsys.readouterr().out
    assert "no more runs" in said.lower() and "unreachable by alpha" in said
    df = df[df.alpha != 1.0]  # the study never ran alpha* = 1: next places it
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    study = optuna.create_study(study_name="alpha", storage=storage, directions=["minimize", "minimize"])
    for row in df.itertuples():
        study.enqueue_trial({"alpha": row.alpha, "seed": row.seed})
        trial = study.ask()
        a, s = trial.suggest_float("alpha", 0.01, 100, log=True), trial.suggest_int("seed", 0, 9)
        assert (a, s) == (row.alpha, row.seed)
        study.tell(trial, [row.L0, row.L1])
    df.to_csv(tmp_path / "runs.csv", index=False)
    assert main(["analyze", str(tmp_path / "runs.csv"), "--json"]) == 0
    from_csv = json.loads(capsys.readouterr().out)
    assert main(["analyze", storage, "--study", "alpha", "--objectives", "value0,value1", "--json"]) == 0
    from_optuna = json.loads(capsys.readouterr().out)
    for d in (from_csv, from_optuna):
        d.pop("source"), d.pop("names")
    assert from_optuna == from_csv  # the same report through Optuna as through a CSV
    assert main(["next", storage, "--study", "alpha", "--objectives", "value0,value1", "--count", "2",
                 "--enqueue"]) == 0
    waiting = [t for t in study.get_trials() if t.state == optuna.trial.TrialState.WAITING]
    fixed = [t.system_attrs["fixed_params"] for t in waiting]  # what the user's next trials will get
    assert len(fixed) == 2 and {f["seed"] for f in fixed} == {0, 1}
    assert all(f["alpha"] == pytest.approx(1.0, rel=1e-2) for f in fixed)  # the chord's slope: alpha* = 1
    # the enqueued trials wait: the next call says it left them out (before: only in the log)
    capsys.readouterr()
    assert main(["next", storage, "--study", "alpha", "--objectives", "value0,value1", "--count", "1"]) == 0
    assert "study.db#alpha: 2 trials not complete (2 WAITING) left out" in capsys.readouterr().err


def test_a_bad_cell_of_a_dataframe_is_named_by_its_row_not_a_file_line():
    # before: "DataFrame: line 1, column 'L1'" for a table that has no lines: the user looked for a file
    df = pd.DataFrame({"alpha": [0.1, 1.0, 10.0], "L0": [0.0, 0.5, 1.0], "L1": [1.0, "oops", 0.0]})
    with pytest.raises(ParetolabError, match=r": row 1 \(counting from 0\), column 'L1': expected a number, "
                                             r"got 'oops'"):
        paretolab.analyze(df)
