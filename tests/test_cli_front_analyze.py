"""`paretolab front` and `paretolab analyze` end to end (in-process, real files)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from paretolab import cli


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(argv)
    command = {"front": cli.front_command, "analyze": cli.analyze_command}[args.command]
    code = command(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_front_summary_and_csv(tmp_path):
    path = tmp_path / "front.csv"
    code, out, _ = run(["front", "--problem", "fonseca", "--n-var", "2", "--pop", "30", "--gens", "60",
                        "--out", str(path), "--no-progress"])
    assert code == 0
    assert "30 front points after 60 generations, 1800 evaluations" in out
    gd = float(out.split("GD ")[1].split(",")[0])
    assert gd < 5e-3
    assert "alpha* = 1" in out  # the concave region of Fonseca-Fleming, found on the NSGA-II front
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 30 and set(rows[0]) == {"L0", "L1", "x0", "x1", "source"}
    # a second run refuses to overwrite the file
    code, _, err = run(["front", "--problem", "fonseca", "--n-var", "2", "--pop", "10", "--gens", "2",
                        "--out", str(path), "--no-progress"])
    assert code == 2 and "exists" in err and len(list(csv.DictReader(path.open()))) == 30


def test_front_json_and_bad_problem():
    code, out, _ = run(["front", "--problem", "dent", "--pop", "10", "--gens", "3", "--json", "--no-progress"])
    data = json.loads(out)
    assert code == 0 and data["generations"] == 3 and len(data["points"]) == 10
    code, _, err = run(["front", "--problem", "nope", "--no-progress"])
    assert code == 2 and "registered names" in err and "fonseca" in err


def write_runs(path, rows):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["alpha", "seed", "L0", "L1"])
        w.writerows(rows)


def test_analyze_good_csv_text_and_json(tmp_path):
    t = np.linspace(0, np.pi / 2, 21)
    rows = [[np.nan, 0, np.sin(a), np.cos(a)] for a in t]  # concave front, alpha* = 1
    rows += [[0.5, 0, 0.0, 1.0], [2.0, 0, 1.0, 0.0], [1.0, 0, "nan", 0.3]]
    path = tmp_path / "runs.csv"
    write_runs(path, rows)
    code, out, _ = run(["analyze", str(path)])
    assert code == 0
    assert "1 dropped" in out and "alpha* = 1" in out and out.splitlines()[-1].startswith("VERDICT")
    assert "jumps between alpha 0.5 and 2" in out
    code, out, _ = run(["analyze", str(path), "--json"])
    data = json.loads(out)
    assert data["dropped"] == 1 and len(data["regions"]) == 1 and data["names"] == ["L0", "L1"]
    assert data["regions"][0]["alpha"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "content, extra, message",
    [
        ("alpha,L0,L1\n1,0.5,x\n", [], "line 2, column 'L1'"),
        ("a,b\n1,2\n", ["--objectives", "a,zz"], "columns present: ['a', 'b']"),
        ("a,b\n1,2\n1,2,3\n", [], "line 3"),
    ],
)
def test_analyze_broken_csv(tmp_path, content, extra, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = run(["analyze", str(path), *extra])
    assert code == 2 and out == "" and message in err


def test_analyze_missing_file(tmp_path):
    code, _, err = run(["analyze", str(tmp_path / "none.csv")])
    assert code == 2 and "not found" in err


def test_analyze_plot(tmp_path):
    t = np.linspace(0, np.pi / 2, 21)
    rows = [[a, s, np.sin(x), np.cos(x)] for s in range(2) for a, x in zip(np.geomspace(0.1, 10, 21), t)]
    path = tmp_path / "runs.csv"
    write_runs(path, rows)
    figure = tmp_path / "front.png"
    code, _, err = run(["analyze", str(path), "--plot", str(figure)])
    assert code == 0, err
    assert figure.stat().st_size > 10_000
    code, _, err = run(["analyze", str(path), "--plot", str(figure)])
    assert code == 2 and "exists" in err  # an existing figure is never overwritten
