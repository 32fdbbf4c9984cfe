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
    for _, lo, hi in gap.jumps:  # each seed jumps right at the grid's step over alpha*
        assert lo < alpha_star <= hi and hi / lo < 1.5
    # a global optimiser jumps at the hull edge's alpha: the runs between alpha* and 1 are local minima
    lo, hi = gap.alpha_bracket
    assert lo <= min(alpha_star, 1.0) and hi >= 1.0
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



@pytest.mark.parametrize("behind", [(0.03, 1.02), (0.3, 1.0), (1.0, 0.3)])
def test_a_gap_is_reached_only_by_runs_on_the_front_and_inside_it(behind):
    """Before: a converged Chebyshev run just past an end of the gap, dominated by that end (the
    MLP of own_model: L0 0.33 against the end's 0.21, both losses worse), made the verdict say
    the stretch was 'reached by chebyshev, never by any alpha'."""
    ends = V.two_ends_table(ALPHAS, alpha_star=1.0, seeds=2)
    inside = (np.sin(np.pi / 4), np.cos(np.pi / 4))  # on the concave front x^2 + y^2 = 1, mid-gap

    def with_chebyshev(points):
        pts = np.r_[ends.objectives, points]
        return Runs.from_arrays(pts, alpha=np.r_[ends.alpha, np.ones(len(points))], seed=np.r_[ends.seed, [0, 1]],
                                method=["linear"] * len(ends) + ["chebyshev"] * len(points))

    (gap,) = jump_gaps(analyze(with_chebyshev([behind, behind])))
    assert gap.reached_by == ()
    (gap,) = jump_gaps(analyze(with_chebyshev([inside, inside])))
    assert gap.reached_by == ("chebyshev",)


@pytest.mark.parametrize("beyond", [1.02, 1.05, 1.2])
def test_a_jump_with_little_of_the_range_beyond_it_is_never_called_tunable(beyond):
    """Before: alphas 0.001, 0.0324, 1 and 1.05 (the range ends just past the jump at 1), each
    seed at (0, 1) below 1 and at (1, 0) from 1 on: 'alpha is tunable, no jump'. The noise
    allowance spread over log(1.05) passed for a fast move beside the jump. Such a side says
    nothing either way: the jump is unresolved (or found), never missed."""
    alphas = [1e-3, 0.0324, 1.0, beyond]
    runs = Runs.from_arrays([(0.0, 1.0) if a < 1 else (1.0, 0.0) for a in alphas for _ in range(2)],
                            alpha=np.repeat(alphas, 2), seed=[0, 1] * len(alphas))
    report = analyze(runs)
    assert report.tunable != "yes", str(report)
    (gap,) = report.gaps
    assert gap.alpha_bracket == (0.0324, 1.0)


@pytest.mark.parametrize("noise", [1e-3, 3e-3, 1e-2])
@pytest.mark.parametrize("seeds", [1, 2, 4])
def test_little_of_the_range_beyond_a_jump_with_noise_and_few_seeds(noise, seeds):
    """The same layouts with noise: the far side's own moves are then noise over log(1.02), a
    high speed. Its move must exceed twice what the noise could hide to count as fast (with once,
    2 of 360 such tables were called tunable). The convex front swept the same way is never
    called 'no' (it may be 'unknown': those alphas cannot tell a jump from a fast move)."""
    rng = np.random.default_rng(int(noise * 1e4) + seeds)
    x = np.linspace(0, 1, 4001)
    convex = np.c_[x, (1 - np.sqrt(x)) ** 2]
    for beyond in (1.02, 1.05, 1.2):
        alphas = [1e-3, 0.0324, 1.0, beyond]
        kw = {"alpha": np.repeat(alphas, seeds), "seed": np.tile(np.arange(seeds), len(alphas))}
        for _ in range(10):
            jump = np.array([(0.0, 1.0) if a < 1 else (1.0, 0.0) for a in alphas for _ in range(seeds)])
            report = analyze(Runs.from_arrays(jump + rng.normal(0, noise, jump.shape), **kw))
            assert report.tunable != "yes", str(report)
            smooth = np.array([convex[np.argmin(convex[:, 0] + a * convex[:, 1])] for a in alphas for _ in range(seeds)])
            assert analyze(Runs.from_arrays(smooth + rng.normal(0, noise, smooth.shape), **kw)).tunable != "no"

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
    # three alphas a factor 100 apart: every step crosses a gap, nothing shows a smooth move
    assert report.tunable == ("unknown" if k == 3 else "yes")
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


# --------------------------------------------------------------------------- the data users have (review cases)
def two_end_runs(alphas, seed=None):
    """A global optimiser on the quarter circle x^2 + y^2 = 1: every run at an end, alpha* = 1."""
    f = V.superellipse(2.0)
    return Runs.from_arrays(np.array([V.optimum(f, a) for a in alphas]), alpha=alphas, seed=seed)


@pytest.mark.parametrize("seed", ["trial id", "none", "trial % 4"])
def test_every_run_at_an_end_is_a_jump_whatever_the_seed_labels(seed):
    """Before: with one run per seed (Optuna trial ids) no seed had two alphas: 'tunable, no jump'."""
    alphas = 10 ** np.random.default_rng(0).uniform(-2, 2, 40)
    labels = {"trial id": np.arange(40), "none": None, "trial % 4": np.arange(40) % 4}[seed]
    report = analyze(two_end_runs(alphas, labels))
    (gap,) = report.gaps
    assert report.tunable == "no" and gap.kind == "unexplored"
    lo, hi = gap.alpha_bracket
    assert lo < 1 < hi and hi / lo < 1.5  # the closest draws around alpha* = 1


@pytest.mark.parametrize("bad", [(0.8, 1.2), (1.1, 0.9), (1.2, 1.2)])
def test_one_off_front_run_next_to_alpha_star_does_not_hide_the_jump(bad):
    """Before: a converged run off the front (no converged column in a CSV) split the jump in two
    steps, neither spanning the gap: 'tunable, no jump'."""
    runs = two_end_runs(ALPHAS)
    k = np.flatnonzero(ALPHAS > 1)[0]
    objectives = runs.objectives.copy()
    objectives[k] = bad
    report = analyze(Runs.from_arrays(objectives, alpha=ALPHAS))
    (gap,) = jump_gaps(report)
    assert report.tunable == "no" and gap.alpha == pytest.approx(1.0, rel=0.15)


def convex_tables():
    """Convex fronts on the alpha layouts users have: even log grids (alpha* between two grid
    points), random draws (shared, or per seed), a grid with each alpha and 1.1 x it."""
    rng = np.random.default_rng(2024)
    for p in (0.3, 0.5, 0.7, 0.8):
        f = V.superellipse(p)
        for k in (4, 6, 8, 10, 12, 14):
            yield f"p={p} even grid k={k}", V.weighted_sum_runs(f, np.geomspace(1e-2, 1e2, k), seeds=2)
        for n in (9, 20, 40):
            alphas = np.sort(10 ** rng.uniform(-2, 2, n))
            yield f"p={p} {n} random alphas", V.weighted_sum_runs(f, alphas, seeds=2, noise=1e-3, rng=rng)
        pts, alpha, seed = [], [], []
        for s in range(2):
            for a in 10 ** rng.uniform(-2, 2, 10):
                pts.append(V.optimum(f, a))
                alpha.append(a)
                seed.append(s)
        yield f"p={p} own draws per seed", Runs.from_arrays(np.array(pts), alpha=alpha, seed=seed)
        grid = np.geomspace(1e-2, 1e2, 9)
        yield f"p={p} paired grid", V.weighted_sum_runs(f, np.sort(np.r_[grid, 1.1 * grid]), seeds=3)


def test_convex_fronts_on_any_alpha_layout_claim_no_jump_and_no_region():
    """Before: even grids, random draws and paired grids gave false jumps and 'not tunable' on
    convex fronts (a step compared with neighbouring steps regardless of the alphas between)."""
    false = []
    for name, runs in convex_tables():
        report = analyze(runs)
        if jump_gaps(report) or report.regions or report.tunable not in ("yes", "unknown"):
            false.append((name, report.tunable, [g.kind for g in report.gaps]))
        # an undecided gap names the alpha that settles it: on a convex front it lands inside
        for g in report.gaps:
            (a,) = g.settle["alphas"]
            inside = V.optimum(V.superellipse(float(name.split()[0][2:])), a)
            assert g.left[0] - 5e-3 < inside[0] < g.right[0] + 5e-3, (name, a)  # within the noise (1e-3)
    assert not false, false


def test_a_run_at_the_settle_alpha_decides_an_unresolved_gap():
    """Coarse grid, two ends: undecidable; the run the report asks for decides it either way."""
    coarse = np.geomspace(1e-2, 1e2, 8)  # alpha* = 1 falls between 0.72 and 1.39
    concave = analyze(two_end_runs(coarse))
    assert concave.tunable == "unknown"
    (a,) = concave.gaps[0].settle["alphas"]
    settled = analyze(two_end_runs(np.sort(np.r_[coarse, a])))
    assert settled.tunable == "no" and [g.kind for g in settled.gaps] == ["unexplored"]
    f = V.superellipse(0.8)  # a convex front: the same run lands inside
    convex = analyze(V.weighted_sum_runs(f, np.geomspace(1e-2, 1e2, 6), seeds=2))
    assert convex.tunable == "unknown"
    (a,) = convex.gaps[0].settle["alphas"]
    settled = analyze(V.weighted_sum_runs(f, np.sort(np.r_[np.geomspace(1e-2, 1e2, 6), a]), seeds=2))
    assert settled.tunable == "yes" and jump_gaps(settled) == []


@pytest.mark.parametrize("repeat", ["every row twice", "one alpha re-run"])
def test_rows_reproduced_exactly_are_not_a_zero_noise_floor(repeat):
    """Before: duplicated rows gave a noise floor of 0 from 'seeds' and 4-10 false concave regions."""
    false = []
    for i in range(12):
        base = V.weighted_sum_runs(V.superellipse(0.5), ALPHAS, seeds=1, noise=(1e-3, 3e-3, 1e-2)[i % 3],
                                   rng=np.random.default_rng(500 + i))
        o, a = base.objectives, base.alpha
        take = slice(None) if repeat == "every row twice" else slice(20, 21)
        runs = Runs.from_arrays(np.r_[o, o[take]], alpha=np.r_[a, a[take]], seed=np.r_[np.zeros(41), np.ones(len(a[take]))])
        report = analyze(runs)
        assert report.noise_floor > 5e-4
        if report.regions or jump_gaps(report) or report.tunable != "yes":
            false.append((500 + i, report.tunable, report.noise_floor))
    assert not false, false


def test_a_handful_of_noisy_points_claims_no_concave_region():
    """Before: with fewer than 7 points the floor was 0 and a noise dent of 0.002 was 'concave'."""
    false = []
    for i in range(40):
        noise = (3e-3, 1e-2, 3e-2)[i % 3]
        runs = V.weighted_sum_runs(V.superellipse(0.7), np.geomspace(1e-2, 1e2, 5 + i % 2), seeds=None,
                                   noise=noise, rng=np.random.default_rng(12000 + i))
        report = analyze(runs)
        if report.regions or any(g.kind == "concave" for g in report.gaps) or report.tunable in ("no", "partly"):
            false.append((12000 + i, report.tunable))
    assert not false, false
    # the same few points, exact, on a deeply concave front: the dent is deeper than a gap, claimed
    t = np.linspace(0, np.pi / 2, 5)
    report = analyze(Runs.from_arrays(np.c_[np.sin(t), np.cos(t)], method=["chebyshev"] * 5))
    assert len(report.regions) == 1 and report.tunable == "no"


def test_a_seed_stuck_at_an_end_is_a_local_minimum_not_a_jump():
    """Before: one seed resting at (0, 1) until alpha = 1-10 made the other seeds' ordinary steps
    'jumps' (the stuck seed's one long step crossed them all)."""
    for p in (0.3, 0.5, 0.7):
        for release in (1.0, 3.0, 10.0):
            f = V.superellipse(p)
            pts, alpha, seed = [], [], []
            for a in ALPHAS:
                for s in range(4):
                    pts.append(f[0] if (s == 3 and a < release) else V.optimum(f, a))
                    alpha.append(a)
                    seed.append(s)
            report = analyze(Runs.from_arrays(np.array(pts), alpha=alpha, seed=seed))
            assert report.tunable == "yes" and report.gaps == (), (p, release, report.gaps)


def zdt3_front():
    x = np.linspace(0, 1, 200001)
    return F.pareto_front(np.c_[x, 1 - np.sqrt(x) - x * np.sin(10 * np.pi * x)])


def test_zdt3_jumps_between_pieces_are_found_where_the_grid_shows_them():
    """ZDT3's jumps follow each other within a factor 1.5 of alpha; each one the grid shows
    with the solution resting on a piece before and after is found, at its hull alpha."""
    z = zdt3_front()
    fine = np.geomspace(0.1, 10, 20001)  # brute force: where the optimum jumps between pieces
    idx = np.array([V.optimum(z, a)[0] for a in fine])
    jumps = fine[1:][np.diff(idx) > 0.05]
    assert len(jumps) == 4
    report = analyze(V.weighted_sum_runs(z, np.geomspace(1e-2, 1e2, 200), seeds=2))
    got = [g.alpha for g in jump_gaps(report)]
    assert len(got) >= 2 and report.tunable == "partly"
    for a in got:  # every reported jump is a true one
        assert np.min(np.abs(np.log(a / jumps))) < 0.02


def test_degenerate_tables_are_not_called_tunable():
    one_place = Runs.from_arrays(np.tile([0.3, 0.7], (18, 1)), alpha=np.repeat(np.geomspace(1e-2, 1e2, 9), 2),
                                 seed=np.tile([0, 1], 9))
    assert analyze(one_place).tunable == "no" and "moves nothing" in analyze(one_place).verdict
    assert analyze(Runs.from_arrays([[0.3, 0.7]], alpha=[1.0], seed=[0])).tunable == "unknown"
    flat = Runs.from_arrays(np.c_[np.linspace(0, 1, 9), np.ones(9)], alpha=np.geomspace(1e-2, 1e2, 9))
    assert analyze(flat).tunable == "unknown"


def test_points_only_a_wide_dent_hidden_in_noise_is_unknown_not_yes():
    """Before: a concave front (depth 0.046) at noise 1e-2 got 'every trade-off is reachable'
    while the report listed the dent as too shallow to tell."""
    verdicts = [analyze(V.points_along(V.superellipse(1.1), 120, noise=1e-2, rng=np.random.default_rng(13000 + i)))
                .tunable for i in range(10)]
    assert "yes" not in verdicts
    convex = [analyze(V.points_along(V.superellipse(p), 120, noise=n, rng=np.random.default_rng(1000 + i))).tunable
              for i, (p, n) in enumerate([(0.3, 1e-3), (0.5, 3e-3), (0.7, 1e-2)] * 4)]
    assert set(convex) == {"yes"}


def test_compare_takes_the_runs_own_noise_into_account():
    """Before: against an exact front the tolerance was 1e-6 and a noisy run at a gap's end was
    'behind the hull edge': a concave gap on a convex front."""
    f = V.superellipse(0.7)
    false = []
    for i in range(20):
        runs = V.weighted_sum_runs(f, ALPHAS, seeds=4, noise=1e-2, rng=np.random.default_rng(14000 + i))
        report = compare(runs, f)
        if report.gaps or report.regions or report.tunable != "yes":
            false.append((14000 + i, report.tunable))
    assert not false, false


def test_eps_runs_inside_a_hole_show_the_front_is_disconnected():
    t = np.linspace(0, np.pi / 2, 6001)
    keep = (t < 0.55) | (t > 1.0)
    f = np.c_[1 - np.cos(t), 1 - np.sin(t)][keep]
    f = f[np.argsort(f[:, 0])]
    runs = V.weighted_sum_runs(f, ALPHAS, seeds=3)
    (gap,) = analyze(runs).gaps
    assert gap.kind == "unexplored" and len(gap.settle["epsilons"]) == 3
    eps = np.array(gap.settle["epsilons"])
    land = np.array([f[f[:, 1] <= e][np.argmin(f[f[:, 1] <= e][:, 0])] for e in eps])  # min L0 s.t. L1 <= eps
    both = Runs.from_arrays(np.r_[runs.objectives, land], alpha=np.r_[runs.alpha, [np.nan] * 3],
                            epsilon=np.r_[[np.nan] * len(runs), eps], seed=np.r_[runs.seed, [0, 0, 0]],
                            method=["linear"] * len(runs) + ["eps"] * 3)
    report = analyze(both)
    (gap,) = report.gaps
    assert gap.kind == "disconnected" and "hole" in report.verdict
    from paretolab.plot import plot_front

    ax = plot_front(report)  # every kind has its colour
    assert [line for line in ax.lines if line.get_gid() == "gap"]


def test_tunable_says_how_wide_a_jump_it_can_see():
    report = analyze(V.weighted_sum_runs(V.superellipse(0.5), ALPHAS, seeds=2))
    assert report.tunable == "yes" and "no jump across more than 0.1 of the front's extent" in report.verdict


# --------------------------------------------------------------------------- second review
def eps_on_convex(f, noise, rng, k=10):
    """Weighted-sum runs plus eps-constraint runs at L1 <= eps (brute force: each lands on its bound)."""
    alphas = np.geomspace(1e-2, 1e2, 21)
    span, lo = np.ptp(f, 0), f.min(0)
    pts = np.array([V.optimum(f, a) for a in alphas for _ in range(4)])
    eps = lo[1] + span[1] * np.linspace(0.05, 0.95, k)
    landed = np.array([f[f[:, 1] <= e][np.argmin(f[f[:, 1] <= e][:, 0])] for e in eps])
    x = np.r_[pts, landed] + noise * span * rng.standard_normal((len(pts) + k, 2))
    return Runs.from_arrays(x, alpha=np.r_[np.repeat(alphas, 4), [np.nan] * k], epsilon=np.r_[[np.nan] * len(pts), eps],
                            seed=np.r_[np.tile(range(4), 21), [0] * k], method=["linear"] * len(pts) + ["eps"] * k)


def test_eps_runs_on_their_bound_never_make_a_convex_front_disconnected():
    """Before: an eps run at L1 = eps near a gap's end counted as 'stopped on the end': 'a hole'."""
    false = []
    for p in (0.5, 0.6):
        for noise in (0.0, 1e-3, 1e-2):
            for s in range(6):
                report = analyze(eps_on_convex(V.superellipse(p), noise, np.random.default_rng(s)))
                if any(g.kind == "disconnected" for g in report.gaps) or report.tunable in ("no", "partly"):
                    false.append((p, noise, s, report.tunable))
    assert not false, false


@pytest.mark.parametrize("noise", [0.0, 1e-2, 3e-2])
def test_a_seed_stuck_at_the_end_for_every_alpha_is_not_a_tie(noise):
    """Before: the stuck run and the optimum near the end were one cluster, their distance 'noise',
    and the stuck run at one alpha a side of a 'tie': a jump on a convex front."""
    x = np.linspace(0, 1, 4001)
    for f in (V.superellipse(0.6), np.c_[x, 1 - np.sqrt(x)]):
        for s in range(4):
            rng = np.random.default_rng(s)
            end = f[np.argmin(f[:, 1])]
            pts = np.array([end if k == 0 else V.optimum(f, a) for a in ALPHAS[::2] for k in range(4)])
            pts = pts + noise * np.ptp(f, 0) * rng.standard_normal(pts.shape)
            report = analyze(Runs.from_arrays(pts, alpha=np.repeat(ALPHAS[::2], 4), seed=np.tile(range(4), 21)))
            assert report.tunable == "yes", (noise, s, report.verdict)


def test_a_lasso_front_with_a_corner_and_random_alphas_is_not_called_not_tunable():
    """w = max(1 - alpha, 0): every alpha >= 1 lands on the corner w = 0, and the response
    speeds up towards it; random draws leave voids in alpha. Before: 'not tunable' or 'partly'."""
    verdicts = []
    for s in range(60):
        alphas = np.sort(10 ** np.random.default_rng(s).uniform(-2, 2, 20))
        w = np.maximum(1 - alphas, 0)
        runs = Runs.from_arrays(np.c_[0.5 * (w - 1) ** 2, w], alpha=alphas, seed=np.arange(20))
        verdicts.append(analyze(runs).tunable)
    assert "no" not in verdicts and verdicts.count("partly") <= 1 and verdicts.count("yes") >= 45, verdicts


def test_random_alphas_on_a_front_with_a_dent_never_say_tunable():
    f = V.dent()
    for s in range(30):
        alphas = 10 ** np.random.default_rng(s).uniform(-2, 2, 30)
        runs = Runs.from_arrays(np.array([V.optimum(f, a) for a in alphas]), alpha=alphas, seed=np.arange(30))
        assert analyze(runs).tunable in ("partly", "unknown"), s


@pytest.mark.parametrize("p, lo, hi", [(0.3, 0.5, 2.0), (0.5, 0.8, 1.25)])
def test_a_narrow_alpha_range_that_moves_the_solution_is_not_moves_nothing(p, lo, hi):
    """Before: spans along the front (arc fractions) were compared with a gap in units of the
    extent: a move of 0.14-0.16 of the extent read as 'alpha moves nothing'."""
    f = V.superellipse(p)
    report = compare(V.weighted_sum_runs(f, np.geomspace(lo, hi, 21), seeds=4), f)
    assert report.tunable == "yes"


@pytest.mark.parametrize("cut", [0.0, 0.05, 0.1])
def test_compare_with_a_reference_that_stops_short_of_an_end(cut):
    """Before: the runs beyond the reference's end were 'noise' (tolerance 0.6) or the region was
    crossed as if alpha moved along it: 'partly tunable'."""
    f = V.superellipse(2.0)
    report = compare(V.weighted_sum_runs(f, ALPHAS[::2], seeds=2), f[f[:, 0] >= cut])
    assert report.tunable == "no" and report.tolerances["response"] < 1e-3
    convex = V.superellipse(0.6)
    assert compare(V.weighted_sum_runs(convex, ALPHAS[::2], seeds=2), convex[convex[:, 0] >= cut]).tunable == "yes"
