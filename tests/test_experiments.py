"""Experiments: every one runs in quick mode, writes its figure and reports measured numbers.

All experiments run once (quick) into a temporary folder for the module; each test reads the
records. Quick numbers are rough, so only the coarse, structural parts of each claim are
checked here (the full run's numbers are in experiments/README.md).
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from paretolab import experiments as E

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("experiments")
    results = E.run_experiments(None, out, quick=True, progress=False)
    return out, {r.name: r for r in results}


def test_registry_names_and_descriptions():
    names = E.names()
    assert names == ["convex_vs_concave", "mixed_front", "model_concavity", "methods", "search", "mlp",
                     "three_objectives", "own_model"]
    for n in names:
        d = E.describe(n)
        assert d["name"] == n and d["title"] and "?" in d["question"]
        assert d["expected"]
    with pytest.raises(ValueError, match="expected one of"):
        E.describe("nope")
    with pytest.raises(ValueError, match="experiment names"):
        E.run_experiments(["methods", "nope"], ".", quick=True, progress=False)


@pytest.mark.parametrize("name", E.names())
def test_each_experiment_writes_its_figure_and_numbers(quick, name):
    out, results = quick
    r = results[name]
    assert r.name == name and r.quick and r.seconds > 0
    (fig,) = r.figures
    assert pathlib.Path(fig) == out / f"{name}.png"
    data = pathlib.Path(fig).read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert r.numbers and r.verdict and "\n" not in r.verdict
    json.loads(r.to_json())  # numbers are plain, JSON-ready
    text = str(r)
    assert text.startswith(f"{name}: ") and "VERDICT" in text


def test_results_come_back_in_the_order_asked(quick):
    _, results = quick
    assert list(results) == E.names()


def test_convex_vs_concave_numbers(quick):
    n = quick[1]["convex_vs_concave"].numbers
    assert n["convex"]["concave_share"] == 0 and n["convex"]["alpha_star"] == []
    assert n["fonseca"]["concave_share"] > 0.9
    assert n["fonseca"]["runs_in_concave_core"] == 0
    assert n["fonseca"]["balanced_point_distance"] > 0.3 > n["convex"]["balanced_point_distance"]
    assert n["fonseca"]["alpha_star"] == [pytest.approx(1.0, rel=1e-3)]


def test_mixed_front_numbers(quick):
    n = quick[1]["mixed_front"].numbers
    assert n["alpha_star"] == pytest.approx(1.0, rel=1e-3)
    assert 0.3 < n["concave_share"] < 0.6
    at = n["basins"]["1"]
    assert at["L0_end"] > 0.2 and at["L1_end"] > 0.2  # both pieces have a basin at alpha*
    assert n["runs_in_concave_core"] == 0


def test_model_concavity_numbers(quick):
    n = quick[1]["model_concavity"].numbers
    assert n["hadamard_lasso"]["concave_regions"] == 1 and n["hadamard_ridge"]["concave_regions"] == 0
    assert n["hadamard_lasso"]["basin_share_collapsed"] > n["hadamard_ridge"]["basin_share_collapsed"]


def test_methods_numbers(quick):
    n = quick[1]["methods"].numbers
    cov = n["coverage"]
    assert cov["chebyshev"] > cov["linear"] and cov["eps"] > cov["linear"]
    assert "linear" not in n["core_reached_by"] and "eps" in n["core_reached_by"]
    assert n["eps_max_distance_to_front"] < 1e-3


def test_search_numbers(quick):
    n = quick[1]["search"].numbers
    for key in ("grid_final_mean", "random_final_mean"):
        assert n["fonseca"][key] > 0.5 > n["convex"][key]


def test_mlp_and_three_objective_numbers(quick):
    m = quick[1]["mlp"].numbers
    assert m["n_var"] == 33 and m["nsga2_evaluations"] > 0
    assert 0 <= m["sweep_points_dominated_by_nsga2"] <= 1
    assert set(m["best_known_front_sources"]) <= {"nsga2", "alpha sweep"}
    assert sum(m["best_known_front_sources"].values()) >= 3
    t = quick[1]["three_objectives"].numbers
    assert t["supported_share_of_front"] < 0.1
    assert t["linear_at_corner"] > 0.5


def test_own_model_runs_a_user_training_loop_with_three_methods(quick):
    n = quick[1]["own_model"].numbers
    assert set(n["converged"]) == {"linear", "chebyshev", "eps"}
    assert n["runs"] == 8 + 2 * 2 * 2  # the auto budget, then 2 values x 2 seeds per method
    assert len(n["auto_alphas"]) >= 3 and all(1e-2 <= a <= 300 for a in n["auto_alphas"])
    on_bound, converged = map(int, n["eps_on_bound"].split()[0].split("/"))
    assert 1 <= on_bound <= converged  # the epsilon-constraint holds its bound on a real network


def test_format_report_lists_every_verdict(quick):
    results = list(quick[1].values())
    text = E.format_report(results)
    assert text.count("VERDICT") == len(results)
    assert all(f"  {r.name} (" in text for r in results)


def test_script_runs_quick_and_prints_numbers(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(ROOT / "experiments" / "methods.py"), "--quick", "--out",
                           str(tmp_path)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "coverage" in done.stdout and "VERDICT" in done.stdout
    assert (tmp_path / "methods.png").stat().st_size > 10_000


def test_every_script_calls_its_experiment(tmp_path):
    """experiments/<name>.py exists for every experiment; one of them runs end to end."""
    import pathlib
    import subprocess
    import sys

    from paretolab.experiments import names

    root = pathlib.Path(__file__).resolve().parents[1]
    for name in names():
        assert "script(__file__)" in (root / "experiments" / f"{name}.py").read_text(), name
    done = subprocess.run([sys.executable, str(root / "experiments" / "search.py"), "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, check=True)
    assert "VERDICT" in done.stdout and (tmp_path / "search.png").stat().st_size > 10_000
