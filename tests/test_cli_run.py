"""`paretolab run --quick` end to end, and its refusal to overwrite results."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from paretolab import cli, experiments


def test_run_quick_end_to_end(tmp_path):
    out_dir = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "paretolab", "run", "--quick", "--out", str(out_dir)],
        capture_output=True, text=True, check=True, timeout=600,
    )
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == experiments.names()
    assert "experiments" in done.stderr  # progress bar on stderr, not stdout
    report = json.loads((out_dir / "report.json").read_text())
    assert [r["name"] for r in report] == experiments.names()
    for r in report:
        for figure in r["figures"]:
            assert (out_dir / figure.split("/")[-1]).stat().st_size > 10_000
        assert r["verdict"] and r["numbers"]
    assert (out_dir / "report.txt").read_text().strip()


def test_existing_results_are_never_overwritten(tmp_path):
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    (out_dir / "search.png").write_bytes(b"precious")
    args = cli.build_parser().parse_args(["run", "search", "--quick", "--out", str(out_dir), "--no-progress"])
    out, err = io.StringIO(), io.StringIO()
    assert cli.run_command(args, out=out, err=err) == 0
    assert (out_dir / "search.png").read_bytes() == b"precious"
    (moved,) = [p for p in tmp_path.iterdir() if p.name.startswith("results-")]
    assert f"writing to {moved}" in err.getvalue()
    assert (moved / "search.png").stat().st_size > 10_000 and (moved / "report.json").exists()


def test_unknown_experiment_and_list():
    out, err = io.StringIO(), io.StringIO()
    assert cli.run_command(cli.build_parser().parse_args(["run", "nope"]), out=out, err=err) == 2
    assert "unknown experiment" in err.getvalue() and "methods" in err.getvalue()
    assert cli.run_command(cli.build_parser().parse_args(["run", "--list"]), out=out, err=err) == 0
    assert all(name in out.getvalue() for name in experiments.names())
