"""`paretolab problems` and `paretolab sweep`: output, CSV, JSON, errors, progress on stderr."""

import csv
import json
import subprocess
import sys

import pytest

from paretolab import cli
from paretolab.problems import problem_names


def test_problems_lists_every_registered_problem(capsys):
    assert cli.main(["problems"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == problem_names()
    assert "n_var=10" in out and "front unknown" in out


def test_sweep_summary_and_csv(tmp_path, capsys):
    path = tmp_path / "runs.csv"
    argv = ["sweep", "--problem", "fonseca", "--n-var", "2", "--alphas", "0.1,10", "--seeds", "3",
            "--steps", "1500", "--out", str(path), "--no-progress"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "fonseca: 6 runs x 1500 steps, 6 converged, 0 diverged" in out
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and [float(r["alpha"]) for r in rows] == [0.1] * 3 + [10.0] * 3
    # alpha = 0.1 ends at the L0 end, alpha = 10 at the L1 end
    assert all(float(r["L0"]) < 0.01 for r in rows[:3]) and all(float(r["L1"]) < 0.01 for r in rows[3:])
    # refuses to overwrite, unless --force
    assert cli.main(argv) == 2
    assert "--out" in capsys.readouterr().err
    assert cli.main(argv + ["--force"]) == 0


def test_sweep_json_mdmm(capsys):
    argv = ["sweep", "--problem", "fonseca", "--n-var", "2", "--method", "eps", "--epsilons",
            "lin:0.2:0.8:3", "--seeds", "1", "--steps", "1500", "--json", "--no-progress"]
    assert cli.main(argv) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["method"] == ["eps"] * 3 and d["alpha"] == [None] * 3
    assert [round(L1, 3) for _, L1 in d["objectives"]] == [0.2, 0.5, 0.8]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--problem", "nope", "--alphas", "1"], "problem: expected one of the registered names"),
        (["--problem", "dent", "--alphas", "1", "--method", "ridge"], "method: expected one of"),
        (["--problem", "dent", "--alphas", "log:0:1:3"], "alphas: a 'log' grid needs lo > 0"),
        (["--problem", "dent", "--alphas", "1", "--steps", "0"], "steps: expected an integer > 0"),
        (["--problem", "dent", "--alphas", "-1"], "alphas: expected finite values >= 0"),
    ],
)
def test_sweep_errors_exit_2_with_message(extra, message, capsys):
    assert cli.main(["sweep", "--no-progress", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("paretolab sweep: error: ") and message in err


def test_progress_bar_goes_to_stderr():
    out = subprocess.run(
        [sys.executable, "-m", "paretolab", "sweep", "--problem", "convex", "--alphas", "lin:0.5:2:4",
         "--seeds", "2", "--steps", "300"],
        capture_output=True, text=True, check=True,
    )
    assert "run-step" in out.stderr and "run-step" not in out.stdout
    assert out.stdout.startswith("convex: 8 runs x 300 steps")


def test_demo_and_version_still_work(capsys):
    assert cli.main(["demo"]) == 0
    assert "fonseca" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "paretolab" in capsys.readouterr().out


def test_sweep_three_objectives_takes_weights(capsys):
    argv = ["sweep", "--problem", "dtlz2", "--weights", "1,1,1;1,0.02,0.02", "--seeds", "2",
            "--method", "chebyshev", "--steps", "2000", "--no-progress"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "weights" in lines[1] and "L2" in lines[1]
    row = lines[2].split(maxsplit=2)
    assert row[0] == "1,1,1" and row[1] == "2/2"
    (cluster,) = row[2].split("; ")  # both seeds in one place: the balanced point
    point = cluster.split(" at (")[1].rstrip(")").split(", ")
    assert cluster.startswith("2 (2) at") and all(abs(float(v) - 3 ** -0.5) < 1e-2 for v in point)
    assert cli.main(["sweep", "--problem", "dtlz2", "--weights", "1,x", "--no-progress"]) == 2
    assert "--weights: expected rows of numbers" in capsys.readouterr().err
