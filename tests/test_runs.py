"""Reading users' run tables, and analysing a set of loss values on its own."""

from __future__ import annotations

import numpy as np
import pytest

from paretolab import analyze
from paretolab.runs import read_csv


def write(tmp_path, text, name="runs.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_named_columns_and_drops_non_finite_rows(tmp_path):
    path = write(tmp_path, "alpha,seed,L0,L1,extra\n0.1,0,0,1,x\n1,1,,0.5,y\n10,0,1,0,z\n2,1,inf,3,w\n")
    t = read_csv(path)
    kept = t.finite()
    assert t.names == ("L0", "L1") and t.dropped == 2
    assert kept.objectives.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert kept.alpha.tolist() == [0.1, 10.0] and kept.seed.tolist() == [0.0, 0.0]
    assert kept.line.tolist() == [2, 4]


def test_columns_by_name_and_index(tmp_path):
    path = write(tmp_path, "loss,penalty,acc\n1,2,3\n2,1,4\n")
    assert read_csv(path, objectives="penalty,loss").objectives.tolist() == [[2, 1], [1, 2]]
    assert read_csv(path, objectives=[0, 2]).objectives.tolist() == [[1, 3], [2, 4]]
    with pytest.raises(ValueError, match=r"exactly two numeric columns .* got 3: \['loss', 'penalty', 'acc'\]"):
        read_csv(path)  # three candidates: which two (or all three) were minimised is the user's to say


@pytest.mark.parametrize(
    "text, columns, match",
    [
        ("a,b\n1,2\n3,oops\n", None, r"line 3, column 'b': expected a number, got 'oops'"),
        ("a,b\n1,2\n3\n", None, r"line 3: expected 2 fields"),
        ("a,b\n1,2\n", "a,c", r"'c' is not a column .* columns present: \['a', 'b'\]"),
        ("a,b\n1,2\n", "0,5", r"index 5 is out of range"),
        ("a,alpha\n1,2\n", None, r"exactly two numeric columns besides \['alpha'\] .* got 1: \['a'\]"),
        ("", None, "empty file"),
    ],
)
def test_broken_files_say_where(tmp_path, text, columns, match):
    with pytest.raises(ValueError, match=match):
        read_csv(write(tmp_path, text), objectives=columns)


def test_missing_file():
    with pytest.raises(ValueError, match="not found"):
        read_csv("/nonexistent/runs.csv")


def test_analyze_concave_runs_with_alpha_and_seed():
    t = np.linspace(0, np.pi / 2, 41)
    arc = np.c_[np.sin(t), np.cos(t)]  # concave front: alpha* = 1
    # runs: below alpha* = 1 both seeds land at the L0 end, above it at the L1 end, except seed 1
    # at alpha 1.5 which stays behind
    alpha = np.array([0.1, 0.1, 0.5, 0.5, 1.5, 1.5, 3.0, 3.0])
    seed = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    pts = np.array([arc[0], arc[0], arc[0], arc[0], arc[-1], arc[0], arc[-1], arc[-1]])
    pts = np.r_[pts, arc[1:-1]]  # runs without an alpha (e.g. another method) fill the front
    alpha = np.r_[alpha, np.full(len(arc) - 2, np.nan)]
    seed = np.r_[seed, np.zeros(len(arc) - 2, dtype=int)]
    a = analyze(pts, alpha=alpha, seed=seed)
    assert len(a.front) == len(arc) and a.supported.sum() == 2
    (region,) = a.regions
    assert region.alpha == pytest.approx(1.0, rel=1e-9)
    (gap,) = a.gaps  # the runs of another method (no alpha) show the inside: concave
    assert gap.jumps == ((0, 0.5, 1.5), (1, 1.5, 3.0)) and gap.kind == "concave"
    assert gap.alpha == pytest.approx(1.0, rel=1e-9)
    assert [o.value for o in a.outcomes if o.split] == [1.5]
    assert str(a).splitlines()[-1].startswith("VERDICT (no): alpha is not tunable")


def test_analyze_convex_and_three_objectives():
    t = np.linspace(0, np.pi / 2, 30)
    a = analyze(np.c_[1 - np.cos(t), 1 - np.sin(t)])
    assert a.regions == () and a.supported.all() and "no concave region" in str(a)
    b = analyze(np.random.default_rng(0).random((40, 3)))
    assert b.regions == () and "more than 2 objectives" in str(b)


def noisy_runs(concave: bool, sigma: float, seed: int = 0):
    """4 seeds x 20 alphas landing near points of a quarter circle, with scatter sigma."""
    rng = np.random.default_rng(seed)
    t = np.repeat(np.linspace(0, np.pi / 2, 20), 4)
    pts = np.c_[np.sin(t), np.cos(t)] if concave else np.c_[1 - np.cos(t), 1 - np.sin(t)]
    pts = pts + rng.normal(0, sigma, pts.shape)
    return pts, np.repeat(np.geomspace(0.01, 100, 20), 4), np.tile(np.arange(4), 20)


@pytest.mark.parametrize("seed", range(100, 120))  # other seeds than those that set NOISE_FACTOR
def test_noise_dents_are_not_reported_as_concave_regions(seed):
    from paretolab.front import concave_regions, pareto_front

    pts, alpha, seeds = noisy_runs(concave=False, sigma=0.004, seed=seed)
    assert concave_regions(pareto_front(pts)), "the scatter does make dents at the default tolerance"
    a = analyze(pts, alpha=alpha, seed=seeds)
    assert a.regions == () and [g for g in a.gaps if g.kind != "unresolved"] == [] and a.tunable == "yes"
    assert a.noise_source == "seeds" and 0.01 < a.tolerances["depth"] < 0.1
    assert "noise" in str(a) and "no concave region" in str(a)
    # a real concave front with the same scatter keeps its region
    pts, alpha, seeds = noisy_runs(concave=True, sigma=0.004, seed=seed)
    b = analyze(pts, alpha=alpha, seed=seeds)
    assert len(b.regions) == 1 and b.regions[0].depth > 0.2


def test_csv_round_trip_and_lenient_role_columns(tmp_path):
    """What a user's CSV or our own to_csv holds comes back: no seed column stays no seeds,
    weight and parameter columns are not taken as objectives, a blank converged cell is unknown
    (converged), a blank or fractional seed is a label, a status column is not an objective."""
    from paretolab.runs import Runs

    r = Runs.from_arrays([[0.0, 1.0], [1.0, 0.0]], alpha=[0.1, 10.0])
    r.to_csv(tmp_path / "a.csv")
    back = read_csv(tmp_path / "a.csv")
    assert back.seed is None and back.names == ("L0", "L1") and back.alpha.tolist() == [0.1, 10.0]
    three = paretolab_sweep_3d()
    three.to_csv(tmp_path / "b.csv")
    back = read_csv(tmp_path / "b.csv")
    assert back.names == ("L0", "L1", "L2")
    np.testing.assert_array_equal(back.objectives, three.objectives)
    text = "alpha,seed,converged,status,loss,penalty\n0.1,0.5,,ok,0,1\n1,,1,ok,0.5,0.5\n10,1.5,0,ok,1,0\n"
    t = read_csv(write(tmp_path, text))
    assert t.names == ("loss", "penalty") and t.converged.tolist() == [True, True, False]
    assert len(set(t.seed.tolist())) == 3  # 0.5, unknown and 1.5: three distinct labels


def paretolab_sweep_3d():
    import paretolab

    return paretolab.sweep("dtlz2", weights=[[1, 1, 1], [1, 2, 3]], seeds=1, steps=20, progress=False,
                           problem_options={"n_var": 4})
