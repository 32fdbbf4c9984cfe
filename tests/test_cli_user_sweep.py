"""`paretolab sweep --fn` into a store, resumed, then `paretolab analyze STORE`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap


def cli(*argv, cwd, env):
    return subprocess.run([sys.executable, "-m", "paretolab", *argv], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_sweep_fn_store_resume_and_analyze(tmp_path):
    (tmp_path / "toymodel.py").write_text(textwrap.dedent('''
        import math

        def train(alpha, seed):
            """Concave front (sin t, cos t), alpha* = 1: seed 0 moves along it (as Chebyshev
            would), the other seeds jump from one end to the other at alpha* like a weighted sum."""
            if seed == 2 and alpha > 5:
                raise RuntimeError("exploded")
            if seed == 0:
                t = math.pi / 4 * (math.log10(alpha) + 1)
            else:
                t = 0.0 if alpha < 1 else math.pi / 2
            return (math.sin(t), math.cos(t))
    '''))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    store = str(tmp_path / "runs.sqlite")
    done = cli("sweep", "--fn", "toymodel:train", "--alphas", "log:1e-1:1e1:5", "--seeds", "3",
               "--store", store, "--jobs", "1", "--no-progress", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "15 runs" in done.stdout and "1 failed" in done.stdout and "exploded" in done.stdout
    again = cli("sweep", "--fn", "toymodel:train", "--store", store, "--jobs", "1", "--json",
                "--no-progress", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)["alpha"]) == 15  # resumed: the stored plan, nothing rerun
    analysis = cli("analyze", store, "--json", cwd=tmp_path, env=env)
    data = json.loads(analysis.stdout)
    assert data["n_points"] == 14 and "RuntimeError: exploded" in data["failures"][0]["error"]
    (region,) = data["regions"]
    assert abs(region["alpha"] - 1.0) < 1e-9
    jumps = {(j["seed"], round(j["alpha_low"], 3)) for g in data["gaps"] for j in g["jumps"]}
    assert {(1, 0.316), (2, 0.316)} <= jumps  # the weighted-sum-like seeds jump across the whole front
    # seed 0 stops inside: the stretches between its points are gaps the others jump over, all
    # behind the one hull edge (0, 1) - (1, 0) at alpha* = 1
    assert all(g["kind"] == "concave" and abs(g["alpha"] - 1) < 1e-9 for g in data["gaps"])
    assert data["tunable"] in ("no", "partly")
    text = cli("analyze", store, cwd=tmp_path, env=env).stdout
    assert "failed run: alpha=10 seed=2" in text


def test_sweep_fn_errors(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = cli("sweep", "--fn", "nosuchmodule:train", "--alphas", "1", "--store", "s.sqlite",
               cwd=tmp_path, env=env)
    assert done.returncode == 2 and "nosuchmodule" in done.stderr
    done = cli("sweep", "--fn", "x:y", "--alphas", "1", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "--store" in done.stderr
    done = cli("sweep", "--problem", "convex", "--alphas", "1", "--store", "s.sqlite", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "--store" in done.stderr
