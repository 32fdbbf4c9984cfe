"""The verdict on the data users have: jumps without visible regions, noise, sampled fronts.

Every answer here comes from the fronts' formulas or from brute force (verdict_cases.py): where
alpha* is, whether the front is convex. Random tables carry their seed in the failure message.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import verdict_cases as V

import paretolab
from paretolab import front as F
from paretolab.analysis import SCHEMA, analyze, compare
from paretolab.runs import Runs

ALPHAS = np.geomspace(1e-2, 1e2, 41)


def jump_gaps(report):
    return [g for g in report.gaps if g.kind != "unresolved"]


# --------------------------------------------------------------------------- every run at the ends
@pytest.mark.parametrize("alpha_star", [0.3, 1.0, 4.0])
def test_every_run_at_the_two_ends_is_a_jump_not_tunable(alpha_star):
    """Before: 'no concave region ... every trade-off is reachable', no jump, balanced point at an end."""
    runs = V.two_ends_table(ALPHAS, alpha_star=alpha_star, seeds=4)
    report = analyze(runs)
    (gap,) = report.gaps
    assert gap.kind == "unexplored" and gap.seeds == 4
    assert gap.alpha == pytest.approx(1.0)  # the hull edge (0, 1) - (1, 0)
    lo, hi = gap.alpha_bracket
    assert lo < alpha_star <= hi and hi / lo < 1.5  # the seeds jump right at the grid's step over alpha*
    assert report.tunable == "no" and report.regions == ()
    assert "not tunable" in report.verdict and "jumps" in report.verdict
    # no alpha reaches the balanced point: the suggestion is an eps-constraint at its L1
    assert report.suggested.alpha is None and report.suggested.epsilon is not None
    assert gap.settle["epsilons"] and min(gap.settle["epsilons"]) > 0


def test_runs_resting_on_small_flanks_make_the_jump_concave():
    """With local minima on locally convex flanks, the flank points behind the hull edge are
    the evidence that the stretch between is concave; each seed jumps at its own alpha."""
    runs = V.two_ends_table(ALPHAS, seeds=4, flank=0.08)
    report = analyze(runs)
    (gap,) = jump_gaps(report)
    assert gap.kind == "concave" and gap.seeds == 4 and report.tunable == "no"
    assert gap.alpha == pytest.approx(1.0, rel=0.2)


def test_two_alphas_only_cannot_tell():
    """Two alphas landing on the two ends: a concave jump or a fast convex move, undecidable."""
    runs = V.two_ends_table([0.5, 2.0], seeds=3)
    report = analyze(runs)
    (gap,) = report.gaps
    assert gap.kind == "unresolved" and gap.settle["alphas"] == [pytest.approx(1.0)]
    assert report.tunable == "unknown"


# --------------------------------------------------------------------------- noise
CONVEX = [0.3, 0.5, 0.7]


@pytest.mark.parametrize("mode", ["points", "no seed column", "one seed per alpha", "four seeds"])
def test_convex_noisy_fronts_claim_no_region_and_no_jump(mode):
    """Before: a convex front with noise 1e-3 and no seeds got 7-16 'concave regions'."""
    false = []
    for i in range(36):
        p, noise = CONVEX[i % 3], (1e-3, 3e-3, 1e-2)[i // 3 % 3]
        rng = np.random.default_rng(1000 + i)
        f = V.superellipse(p)
        if mode == "points":
            report = analyze(V.points_along(f, 120, noise=noise, rng=rng))
        else:
            seeds = {"no seed column": None, "one seed per alpha": 1, "four seeds": 4}[mode]
            report = analyze(V.weighted_sum_runs(f, ALPHAS, seeds=seeds, noise=noise, rng=rng))
        if report.regions or jump_gaps(report) or report.tunable != "yes":
            false.append((1000 + i, p, noise, report.tunable, [r.depth for r in report.regions],
                          [g.kind for g in report.gaps]))
        assert report.noise_floor is not None
        assert report.noise_source == ("seeds" if mode == "four seeds" else "estimate"), mode
    assert not false, f"false regions or jumps (seed, p, noise, ...): {false}"


def test_without_repeats_the_noise_is_estimated_with_a_warning_and_dents_stay_uncertain():
    rng = np.random.default_rng(7)
    report = analyze(V.points_along(V.superellipse(0.5), 200, noise=5e-3, rng=rng))
    assert report.noise_source == "estimate"
    assert 2e-3 < report.noise_floor < 2e-2  # the true noise is 5e-3 of the extent
    assert any("more seeds" in w for w in report.warnings)
    assert "no alpha reaches" not in report.verdict
    assert set(report.tolerances) >= {"region", "depth", "gap", "radius", "core", "behind", "dent_points"}


def test_seed_noise_ignores_the_spread_between_two_sides_of_a_jump():
    """Near a jump the seeds form two clusters: their spread is not noise."""
    runs = V.two_ends_table(ALPHAS, seeds=4)
    jitter = np.random.default_rng(0).normal(0, 1e-3, runs.objectives.shape)
    report = analyze(Runs.from_arrays(runs.objectives + jitter, alpha=runs.alpha, seed=runs.seed))
    assert report.noise_source == "seeds" and report.noise_floor < 3e-3


# --------------------------------------------------------------------------- dents and cores
def test_two_dents_of_different_depth_two_gaps_at_their_hull_alphas():
    f = V.two_dents()
    truth = sorted(r.alpha for r in F.concave_regions(F.pareto_front(f)))  # brute-force hull of the formula
    assert len(truth) == 2
    for seeds, noise in ((4, 0.0), (None, 1e-3), (4, 1e-3)):
        report = analyze(V.weighted_sum_runs(f, np.geomspace(1e-2, 1e2, 81), seeds=seeds, noise=noise))
        got = sorted(g.alpha for g in jump_gaps(report))
        assert len(got) == 2, (seeds, noise, report.gaps)
        np.testing.assert_allclose(got, truth, rtol=0.03)
        assert report.tunable == "partly"
    # the same front seen through runs all along it (another method): two regions, deep first
    report = analyze(V.points_along(f, 400, noise=0.0))
    assert [round(r.alpha, 2) for r in report.regions] == [round(a, 2) for a in truth]
    assert report.regions[0].depth > report.regions[1].depth


def concave_convex_concave(n=2001):
    u = np.linspace(0, 1, n)
    bump = np.clip(1 - ((u - 0.5) / 0.15) ** 2, 0, None) ** 3
    h = 0.2 * np.sin(np.pi * u) - 0.04 * bump
    return np.c_[u + h / np.sqrt(2), 1 - u + h / np.sqrt(2)]


def test_runs_in_the_convex_middle_of_a_region_are_not_in_a_core():
    """Before: the core ran from the first concave point to the last, so local minima resting in
    a locally convex middle were counted as reaching the core."""
    f = concave_convex_concave()
    middle = f[len(f) // 2 - 20 : len(f) // 2 + 21 : 10]  # locally convex stretch: local minima
    in_core = f[[300, 1700]]  # inside the two cores (u = 0.15, 0.85)
    runs = Runs.from_arrays(np.r_[middle, in_core], method=["linear"] * len(middle) + ["chebyshev"] * 2)
    report = compare(runs, f)
    (region,) = report.regions
    assert len(region.cores) == 2
    assert region.core_reached_by == ("chebyshev",) and region.runs_in_core == 2
    assert region.flank_reached_by == ("linear",) and region.runs_on_flanks == len(middle)
    assert [c.reached_by for c in region.cores] == [("chebyshev",), ("chebyshev",)]


# --------------------------------------------------------------------------- sampled reference fronts
@pytest.mark.parametrize("name, options", [("fonseca", {"n_var": 10}), ("dent", {}), ("zdt2", {"n_var": 10})])
def test_a_linear_sweep_against_an_nsga2_front_one_region_core_never_reached(name, options):
    """Before: NSGA-II's errors (~1e-4) gave spurious one-point regions and a core stretched over
    the flanks, reported as reached by linear."""
    problem = paretolab.get_problem(name, **options)
    ref = paretolab.reference_front(problem, pop_size=100, n_gen=300, seed=0, progress=False)
    runs = paretolab.sweep(problem, alphas="log:1e-2:1e2:21", seeds=4, steps=2000, progress=False)
    report = compare(runs, ref)
    (region,) = report.regions
    truth = F.concave_regions(problem.true_front(4001))
    assert len(truth) == 1 and region.alpha == pytest.approx(truth[0].alpha, rel=0.05)
    assert region.core_reached_by == ()
    assert report.noise_source == "reference" and report.tolerances["region"] > 1e-5
    (gap,) = jump_gaps(report)
    assert gap.alpha == pytest.approx(truth[0].alpha, rel=0.05) and gap.kind == "concave"


# --------------------------------------------------------------------------- coarse grids
@pytest.mark.parametrize("p", CONVEX)
@pytest.mark.parametrize("k", [3, 5, 9])
def test_a_coarse_alpha_grid_on_a_convex_front_is_no_jump(p, k):
    f = V.superellipse(p)
    runs = V.weighted_sum_runs(f, np.geomspace(1e-2, 1e2, k), seeds=2)
    report = analyze(runs)
    assert jump_gaps(report) == [] and report.regions == ()
    assert report.tunable == "yes"
    # every unresolved gap says which alpha settles it: the slope of its chord (lands inside)
    for g in report.gaps:
        (a,) = g.settle["alphas"]
        inside = V.optimum(f, a)
        assert g.left[0] < inside[0] < g.right[0]
    # against the analytic front, nothing is in doubt: no gap at all
    assert compare(runs, f).gaps == () and compare(runs, f).tunable == "yes"


def test_a_straight_front_is_a_switch_not_a_knob():
    """On a straight front every alpha but one lands on an end: alpha is not tunable."""
    f = V.superellipse(1.0)
    runs = V.weighted_sum_runs(f, ALPHAS, seeds=2)
    assert analyze(runs).tunable == "no" and compare(runs, f).tunable == "no"


# --------------------------------------------------------------------------- scale and contract
@pytest.mark.parametrize("scale", [(1e-6, 1.0), (1.0, 1e6), (1e3, 1e-3)])
def test_rescaling_an_objective_changes_no_answer(scale):
    f = V.dent()
    base = analyze(V.weighted_sum_runs(f, ALPHAS, seeds=3, noise=1e-3))
    scaled = analyze(V.weighted_sum_runs(f, ALPHAS, seeds=3, noise=1e-3, scale=scale))
    assert scaled.tunable == base.tunable
    assert [g.kind for g in scaled.gaps] == [g.kind for g in base.gaps]
    for a, b in zip(scaled.gaps, base.gaps):
        assert a.alpha == pytest.approx(b.alpha * scale[0] / scale[1], rel=1e-9)


def test_partly_tunable_gives_the_alpha_ranges_and_the_balanced_setting():
    f = V.dent()
    report = analyze(V.weighted_sum_runs(f, ALPHAS, seeds=3))
    assert report.tunable == "partly"
    (gap,) = jump_gaps(report)
    lo, hi = gap.alpha_bracket
    assert report.tunable_alphas[0][1] == pytest.approx(lo) and report.tunable_alphas[1][0] == pytest.approx(hi)
    assert "tunable for alpha in" in report.verdict
    # DENT's balanced trade-off (equal losses) is in its dent: no alpha, an eps on the line across
    s = report.suggested
    assert s.alpha is None and s.epsilon == pytest.approx(s.point[1]) and gap.left[0] < s.point[0] < gap.right[0]
    convex = analyze(V.weighted_sum_runs(V.superellipse(0.5), ALPHAS, seeds=3))
    s = convex.suggested  # on a convex front an alpha reaches it, with the seeds that did
    assert s.alpha is not None and s.seeds == (0, 1, 2) and s.epsilon is None


def test_the_report_contract_is_the_same_from_compare_analyze_and_the_cli(tmp_path):
    f = V.dent()
    runs = V.weighted_sum_runs(f, ALPHAS, seeds=2, noise=1e-3)
    keys = {"schema", "verdict", "tunable", "regions", "gaps", "noise_floor", "noise_source", "tolerances",
            "warnings", "suggested"}
    for report in (analyze(runs), compare(runs, f)):
        d = json.loads(report.to_json())
        assert keys <= set(d) and d["schema"] == SCHEMA and "runs" not in d
        assert d["tunable"] in ("yes", "partly", "no", "unknown")
        for g in d["gaps"]:
            assert {"left", "right", "alpha", "alpha_bracket", "seeds", "kind", "settle"} <= set(g)
        for r in d["regions"]:
            assert {"alpha", "depth", "share", "left", "right", "cores", "core_reached_by", "flank_reached_by"} <= set(r)
        assert set(d["suggested"]) >= {"target", "alpha", "seeds", "epsilon", "point"}
        assert "distance" in report.to_dict(runs=True)["runs"]
    path = tmp_path / "runs.csv"
    runs.to_csv(path)
    from paretolab import cli

    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["analyze", str(path), "--json"]) == 0
    d = json.loads(out.getvalue())
    assert keys <= set(d) and d["tunable"] == analyze(paretolab.read_runs(path)).tunable


def test_more_than_two_objectives_is_unknown_with_supported_runs():
    rng = np.random.default_rng(0)
    pts = rng.random((40, 3))
    report = analyze(pts)
    assert report.tunable == "unknown" and report.regions == () and report.gaps == ()
    assert "supported" in report.verdict and report.tolerances["supported_runs"] >= 1
