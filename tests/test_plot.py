"""Plots: each function on a small input writes a non-empty image and draws what it claims."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from paretolab import plot as P
from paretolab.front import concave_regions, pareto_front
from paretolab.analysis import analyze, compare
from paretolab.basins import BasinGrid, basin_grid
from paretolab.runs import Runs


def _result(objectives, alpha, seed, converged=None, diverged=None, method=None):
    return Runs.from_arrays(objectives, alpha=alpha, seed=seed, converged=converged, diverged=diverged,
                            method=method, source="toy")


def _dent_like_front(n=201):
    # convex piece, concave dent, convex piece: one concave region
    d = np.linspace(-3, 3, n)
    base = 0.5 * (1 + np.sqrt(1 + d**2)) + 0.85 * np.exp(-(d**2))
    return pareto_front(np.c_[base + d / 2, base - d / 2])


def _reached(ax):
    return [c for c in ax.collections if c.get_gid() == "reached"]


def _n_offsets(collections):
    return sum(len(c.get_offsets()) for c in collections)


def _written(ax, tmp_path, name="fig.png"):
    path = P.save(ax, tmp_path / name)
    data = open(path, "rb").read()
    assert len(data) > 1000
    return data


# --------------------------------------------------------------------------- front plot
def test_front_plot_draws_regions_points_colorbar_hollow_and_diverged(tmp_path):
    front = _dent_like_front()
    regions = concave_regions(front)
    assert len(regions) == 1
    obj = front[[0, 20, 180, 200, 100, 50]].copy()
    obj[5] = np.nan  # a diverged run
    r = _result(obj, alpha=[0.01, 0.1, 10.0, 100.0, 1.0, 1.0], seed=[0, 0, 0, 0, 1, 1],
                converged=[True, True, True, True, False, False], diverged=[False] * 5 + [True])
    ax = P.plot_front(compare(r, front), analytic=front)
    shaded = [p for p in ax.patches if p.get_gid() == "concave-region"]
    assert len(shaded) == len(regions) == 1
    assert shaded[0].get_hatch() == P.HATCH
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("α* = ") for t in texts)
    reached = _reached(ax)
    assert _n_offsets(reached) == 5  # 4 converged + 1 hollow; the diverged run is not drawn
    hollow = [c for c in reached if len(c.get_facecolors()) == 0]
    assert _n_offsets(hollow) == 1
    assert len(ax.figure.axes) == 2  # the colour bar
    assert "log" in ax.figure.axes[1].get_ylabel() and ax.figure.axes[1].get_yscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("diverged: 1 run" in t for t in legend)
    assert any(line.get_gid() == "hull" for line in ax.lines)
    assert ax.get_xlabel().startswith("L0") and ax.get_ylabel().startswith("L1")
    _written(ax, tmp_path)


def test_front_plot_convex_front_has_no_region_and_no_colorbar_without_runs(tmp_path):
    s = np.linspace(1, -1, 50)
    ax = P.plot_front(analyze(np.c_[(s - 1) ** 2, (s + 1) ** 2]), runs=False)
    assert not [p for p in ax.patches if p.get_gid() == "concave-region"]
    assert len(ax.figure.axes) == 1
    _written(ax, tmp_path)


def test_front_plot_uses_the_given_axes_and_refuses_three_objectives():
    fig = Figure()
    ax = fig.add_subplot()
    assert P.plot_front(analyze(_dent_like_front()), ax=ax) is ax
    with pytest.raises(ValueError, match="plot_front3d"):
        P.plot_front(analyze(np.eye(3)))


# --------------------------------------------------------------------------- alpha response
def test_alpha_response_one_marker_per_seed_and_critical_lines(tmp_path):
    front = _dent_like_front()
    alphas = np.array([0.1, 1.0, 10.0] * 3)
    seeds = np.repeat([0, 1, 2], 3)
    obj = front[[0, 50, 200] * 3]
    r = _result(obj, alphas, seeds)
    ax = P.plot_alpha_response(r, critical=[x.alpha for x in concave_regions(front)])
    crit = [line for line in ax.lines if line.get_gid() == "critical-alpha"]
    assert len(crit) == 1 and np.isclose(crit[0].get_xdata()[0], concave_regions(front)[0].alpha)
    markers = {line.get_marker() for line in ax.lines if line.get_gid() == "reached"}
    assert markers == set(P.SEED_MARKERS[:3])
    points = sum(len(line.get_xdata()) for line in ax.lines if line.get_gid() == "reached")
    assert points == 2 * len(obj)  # L0 and L1 of every run
    assert ax.get_xscale() == "log"
    ax2 = P.plot_alpha_response(r, critical=[0.5, 2.0])
    assert len([line for line in ax2.lines if line.get_gid() == "critical-alpha"]) == 2
    _written(ax, tmp_path)


# --------------------------------------------------------------------------- basins
def test_basin_grid_trains_one_batch_and_plot_colours_the_plane(tmp_path):
    g = basin_grid("dent", 1.0, n=6, steps=400)
    assert g.position.shape == (6, 6) and g.objectives.shape == (6, 6, 2)
    fr = g.fractions()
    assert fr["converged"] > 0.5
    assert fr["L0_end"] > 0.2 and fr["L1_end"] > 0.2  # at alpha* both ends have a basin
    ax = P.plot_basins(g)
    meshes = [c for c in ax.collections if c.get_gid() == "basins"]
    assert len(meshes) == 1 and meshes[0].get_array().size == 36
    assert len(ax.figure.axes) == 2  # colour bar
    _written(ax, tmp_path)
    with pytest.raises(ValueError, match="2 parameters"):
        basin_grid("fonseca", 1.0, n=3, steps=10)


def test_basins_hatch_unconverged_starts():
    conv = np.ones((3, 3), bool)
    conv[0, 0] = False
    g = BasinGrid("toy", 1.0, np.arange(3.0), np.arange(3.0), np.full((3, 3), 0.2), np.zeros((3, 3)), conv,
                    np.zeros((3, 3, 2)))
    ax = P.plot_basins(g)
    assert any(c.get_gid() == "unconverged" for c in ax.collections) or any(
        getattr(c, "get_gid", lambda: None)() == "unconverged" for c in ax.get_children())
    assert any("not converged (1" in t.get_text() for t in ax.get_legend().get_texts())


# --------------------------------------------------------------------------- methods
def test_methods_plot_has_each_method_with_coverage_in_legend(tmp_path):
    front = _dent_like_front()
    idx = [0, 200, 0, 60, 100, 140, 200, 80, 120]
    meth = ["linear"] * 2 + ["chebyshev"] * 5 + ["eps"] * 2
    r = _result(front[idx], alpha=[0.1, 10, 0.1, 0.5, 1, 2, 10, np.nan, np.nan], seed=[0] * 9, method=meth,
                converged=[True] * 8 + [False])
    ax = P.plot_methods(compare(r, front))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in ("linear", "Chebyshev", "MDMM"):
        (line,) = [t for t in legend if t.startswith(name)]
        assert "coverage" in line
    assert any("1/2 runs" in t for t in legend)  # MDMM: one of two converged
    assert _n_offsets(_reached(ax)) == 9
    assert [p.get_gid() for p in ax.patches].count("concave-region") == 1
    _written(ax, tmp_path)


def test_methods_plot_draws_no_front_line_across_a_gap_of_the_runs_own_front():
    # a weighted sum of a concave front: every run at an end, nothing in between
    r = _result([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]] * 3, alpha=np.repeat([0.5, 0.8, 1.25, 2.0], 3),
                seed=[0, 1, 2] * 4, method=["linear"] * 12, converged=[True] * 12)
    report = analyze(r)
    assert report.gaps
    ax = P.plot_methods(report)
    for line in (ln for ln in ax.get_lines() if ln.get_gid() == "front"):
        x = np.asarray(line.get_xdata())
        assert not ((x.min() < 0.5) & (x.max() > 0.5))  # no solid segment from one end to the other
    assert any(ln.get_gid() == "gap" for ln in ax.get_lines())


# --------------------------------------------------------------------------- search
def test_search_plot_mean_line_and_band_per_strategy(tmp_path):
    rng = np.random.default_rng(0)
    traj = {"grid": np.minimum.accumulate(rng.uniform(0.1, 1, (4, 10)), axis=1),
            "random": np.minimum.accumulate(rng.uniform(0.01, 1, (4, 10)), axis=1)}
    traj["grid"][:, 0] = np.nan  # no converged model yet
    ax = P.plot_search(traj)
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    assert all(len(line.get_xdata()) == 10 for line in ax.get_lines())
    assert np.allclose(ax.get_lines()[1].get_ydata(), traj["random"].mean(axis=0))
    assert ax.get_yscale() == "log" and "trained models" in ax.get_xlabel()
    _written(ax, tmp_path)


# --------------------------------------------------------------------------- 3 objectives
def test_front3d_draws_front_and_runs(tmp_path):
    t = np.linspace(0.05, np.pi / 2 - 0.05, 8)
    a, b = np.meshgrid(t, t)
    front = np.c_[(np.cos(a) * np.cos(b)).ravel(), (np.cos(a) * np.sin(b)).ravel(), np.sin(a).ravel()]
    r = _result(np.eye(3).tolist() + [[0.58, 0.58, 0.58]], alpha=[np.nan] * 4, seed=[0] * 4,
                method=["linear"] * 3 + ["chebyshev"], converged=[True, True, True, False])
    ax = P.plot_front3d(front, r)
    assert ax.name == "3d"
    fronts = [c for c in ax.collections if c.get_gid() == "front"]
    assert len(fronts) == 1 and len(fronts[0].get_offsets()) == 64
    assert len(_reached(ax)) == 3  # linear, chebyshev (none converged: empty), chebyshev hollow
    assert ax.get_zlabel() == "L2"
    _written(ax, tmp_path)
    with pytest.raises(ValueError, match="3 objectives"):
        P.plot_front3d(np.eye(2))


# --------------------------------------------------------------------------- save
def test_save_by_extension_and_byte_reproducible(tmp_path):
    front = _dent_like_front()
    r = _result(front[[0, 200]], alpha=[0.1, 10.0], seed=[0, 0])
    ax = P.plot_front(compare(r, front))
    heads = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}
    for ext, head in heads.items():
        a = open(P.save(ax, tmp_path / f"a{ext}"), "rb").read()
        b = open(P.save(ax.figure, tmp_path / f"b{ext}"), "rb").read()
        assert a.startswith(head)
        if ext in (".png", ".svg"):
            assert a == b, ext
    assert b"Date" not in open(tmp_path / "a.svg", "rb").read()
    assert P.save(ax, tmp_path / "sub" / "noext").endswith("noext.png")
    with pytest.raises(ValueError, match="extension"):
        P.save(ax, tmp_path / "x.jpeg")
    with pytest.raises(ValueError, match="Figure or Axes"):
        P.save("not a figure", tmp_path / "x.png")


def test_plots_do_not_touch_pyplot_state():
    import sys

    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        before = plt.get_fignums()
    else:
        before = None
    P.plot_front(analyze(_dent_like_front()), runs=False)
    P.plot_search({"grid": np.ones((2, 3))})
    if before is not None:
        assert plt.get_fignums() == before
    else:
        assert "matplotlib.pyplot" not in sys.modules


def test_front_plot_accepts_a_reference_front_and_alpha_zero(tmp_path):
    from paretolab.reference import ReferenceFront

    front = _dent_like_front(51)
    ref = ReferenceFront("toy", front, np.zeros((len(front), 2)), np.full(len(front), "nsga2", dtype=object))
    r = _result(front[[0, 25, 50]], alpha=[0.0, 1.0, 100.0], seed=[0, 0, 0])
    ax = P.plot_front(compare(r, ref, min_depth=0.0))
    (sc,) = _reached(ax)
    assert len(sc.get_offsets()) == 3
    norm = sc.norm
    assert norm.vmin == 1.0 and norm.vmax == 100.0  # alpha = 0 drawn at the low end of the scale
    assert np.isfinite(sc.get_array()).all()
    deep_only = P.plot_front(compare(r, ref, min_depth=10.0), runs=False)
    assert not [p for p in deep_only.patches if p.get_gid() == "concave-region"]
    _written(ax, tmp_path)


def test_new_figure_gives_flat_axes_with_projections():
    fig, axes = P.new_figure(2, 2, projections=[None, "3d", None, None])
    assert len(axes) == 4 and axes[1].name == "3d" and axes[0].name == "rectilinear"
    assert all(ax.figure is fig for ax in axes)
