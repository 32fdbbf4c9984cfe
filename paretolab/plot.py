"""Step 7 (last): figures that make the case: fronts, alpha responses, basins, methods, searches, 3-D.

Every function draws a record it is given (a :class:`paretolab.analysis.Report`, a
:class:`paretolab.runs.Runs`, a :class:`paretolab.basins.BasinGrid`) and computes nothing of its
own, so a figure never disagrees with the report it shows.

Matplotlib's object API only: every function takes an optional ``ax`` (a new
:class:`matplotlib.figure.Figure` with one Axes is made when it is ``None``), draws on it and
returns it. Nothing touches pyplot's global state and nothing is shown; write a figure with
:func:`save`, which picks the format from the file extension and fixes the metadata so that
saving the same figure twice gives the same bytes (PNG and SVG; PDF where matplotlib allows).

Greyscale print: colours come from perceptually uniform colormaps (``viridis``/``cividis``,
monotone in lightness), and every distinction that matters is also made by a marker, a
hatch or a line style. Artists that tests (and readers of the code) count carry a ``gid``:
``"concave-region"``, ``"critical-alpha"``, ``"reached"``, ``"front"``, ``"hull"``.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from paretolab import front as F
from paretolab.errors import ParetolabError

__all__ = [
    "plot_alpha_response",
    "plot_basins",
    "plot_front",
    "plot_front3d",
    "plot_methods",
    "plot_search",
    "new_figure",
    "save",
]

log = logging.getLogger(__name__)

CMAP = "viridis"
"""Colormap for alpha (perceptually uniform, monotone lightness: readable in greyscale)."""
SEED_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "<", ">", "*", "h", "p")
METHOD_STYLE = {
    "linear": dict(marker="o", color="#440154", label="linear (weighted sum)"),
    "chebyshev": dict(marker="s", color="#21918c", label="Chebyshev"),
    "eps": dict(marker="^", color="#fde725", label="MDMM (eps-constraint)", edgecolor="black"),
}
HATCH = "///"


# --------------------------------------------------------------------------- helpers
def _axes(ax, *, projection: str | None = None, figsize=(6.0, 4.5)):
    """The given Axes, or the single Axes of a new object-API Figure."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(projection=projection) if projection else fig.add_subplot()


def _labels(ax, labels=("L0", "L1")):
    ax.set_xlabel(f"{labels[0]} (loss, lower is better)")
    ax.set_ylabel(f"{labels[1]} (loss, lower is better)")


def _log_norm(alpha: np.ndarray):
    """LogNorm over the positive finite alphas (alpha = 0 is drawn at the lower end)."""
    from matplotlib.colors import LogNorm

    pos = alpha[np.isfinite(alpha) & (alpha > 0)]
    lo, hi = (float(pos.min()), float(pos.max())) if pos.size else (1e-2, 1e2)
    if hi <= lo:
        lo, hi = lo / 10, hi * 10
    return LogNorm(vmin=lo, vmax=hi)


def _result_columns(runs):
    """Objectives, alpha, seed, converged, not-drawable (diverged, failed, non-finite), method."""
    obj = np.asarray(runs.objectives, dtype=float)
    seed = runs.seed if runs.seed is not None else np.zeros(len(obj), dtype=int)
    diverged = runs.diverged | runs.failed | ~np.isfinite(obj).all(axis=1)
    return obj, runs.alpha, seed, runs.converged, diverged, runs.method.astype(str)


# --------------------------------------------------------------------------- front plot
def plot_front(report, *, analytic=None, ax=None, labels=("L0", "L1"), title: str | None = None,
               colorbar: bool = True, annotate: bool = True, front_label: str | None = None,
               runs: bool = True):
    """Draw a :class:`paretolab.analysis.Report`: its front, supported hull, concave regions and
    their cores, the gaps the weighted sum skips, and where its runs landed.

    Parameters
    ----------
    report : Report
        From :func:`paretolab.compare` or :func:`paretolab.analyze` (2 objectives). Its front
        is drawn as a line, except across a gap of an empirical front (no run there: a dotted
        line, not a trade-off anyone reached); the supported points as the hull; each region
        as a hatched patch with its cores as thick lines; each gap as a thick dotted line
        coloured by its kind; alpha* labels stacked so that they do not collide. Runs are
        coloured by alpha on a log scale (colour bar); runs that did not pass the
        stationarity test are hollow; diverged and failed runs are not drawn but counted in
        the legend; runs without an alpha (MDMM) are grey triangles.
    analytic : array_like (k, 2), optional
        The analytic front, drawn as a dotted line.
    front_label : str, optional
        Legend of the front line (default: "empirical front" or "reference front").
    runs : bool
        Draw the report's runs (default); False draws the front alone.

    Returns
    -------
    The Axes. Concave regions are patches with ``gid="concave-region"``, cores lines with
    ``gid="core"``, gaps lines with ``gid="gap"``, alpha* labels texts with ``gid="alpha-star"``
    and reached points scatter collections with ``gid="reached"``.

    Examples
    --------
    >>> from paretolab.analysis import analyze
    >>> t = np.linspace(0, np.pi / 2, 50)
    >>> ax = plot_front(analyze(np.c_[np.sin(t), np.cos(t)]))  # a concave quarter circle
    >>> [p.get_gid() for p in ax.patches], len([l for l in ax.lines if l.get_gid() == "core"])
    (['concave-region'], 1)
    """
    ax = _axes(ax)
    f = report.front
    if f.shape[1] != 2:
        raise ParetolabError(f"report: expected a front of 2 objectives, got {f.shape[1]}; use plot_front3d for 3")
    if front_label is None:
        front_label = "empirical front" if report.empirical else "reference front"
    _front_line(ax, report, front_label)
    if analytic is not None:
        a = F.as_points(analytic, "analytic")
        ax.plot(a[:, 0], a[:, 1], ":", color="0.45", lw=1.4, label="analytic front", zorder=2)
    if len(f) >= 2:
        hull = f[report.supported]
        ax.plot(hull[:, 0], hull[:, 1], "--", color="0.35", lw=1.0, label="supported hull (weighted sums)",
                gid="hull", zorder=1)
    from matplotlib.patches import Polygon

    anchors = []
    for i, r in enumerate(report.regions):
        ax.add_patch(Polygon(f[r.start - 1 : r.stop + 1], closed=True, facecolor="0.82", edgecolor="0.4",
                             hatch=HATCH, lw=0.5, gid="concave-region", zorder=0,
                             label="concave region (no weighted sum)" if i == 0 else None))
        for k, c in enumerate(r.cores):
            pts = f[c.start : c.stop]
            ax.plot(pts[:, 0], pts[:, 1], "-", color="#440154", lw=4.0, alpha=0.55, solid_capstyle="butt",
                    gid="core", zorder=3, label="concave core (no alpha, no start)" if i == k == 0 else None)
        anchors.append((f[(r.start + r.stop - 1) // 2], r.alpha))
    for i, gap in enumerate(report.gaps):
        _gap_bracket(ax, report, gap, label=all(g.kind != gap.kind for g in report.gaps[:i]))
        # one label per alpha* as printed (a region's and its gap's hull alphas agree to 3 digits)
        if gap.kind != "unresolved" and not any(f"{gap.alpha:.3g}" == f"{a:.3g}" for _, a in anchors):
            anchors.append((np.mean([gap.left, gap.right], axis=0), gap.alpha))
    if annotate:
        _alpha_labels(ax, f, anchors)
    if runs:
        _scatter_runs(ax, report.runs, colorbar=colorbar)
    _labels(ax, labels)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize=7, framealpha=0.9)
    return ax


def _front_line(ax, report, label):
    """The front as a solid line; on an empirical front, the straight segment across a gap is
    left out (no run there: it is not a trade-off anyone reached)."""
    f = report.front
    if not report.empirical or not report.gaps:
        ax.plot(f[:, 0], f[:, 1], "-", color="black", lw=1.6, label=label, gid="front", zorder=2)
        return
    cut = np.zeros(len(f) - 1, dtype=bool)
    for g in report.gaps:
        cut |= (f[:-1, 0] >= g.left[0] - 1e-12 * abs(g.left[0])) & (f[1:, 0] <= g.right[0] + 1e-12 * abs(g.right[0]))
    first = True
    for piece in np.split(np.arange(len(f)), np.flatnonzero(cut) + 1):
        ax.plot(f[piece, 0], f[piece, 1], "-", color="black", lw=1.6, gid="front", zorder=2,
                label=label if first else None)
        first = False


def _gap_bracket(ax, report, gap, *, label: bool):
    """A thick dotted line over the stretch of a gap, coloured by its kind (in the legend when
    ``label``): along the reference front, or straight across on an empirical front (where
    nothing was reached)."""
    f = report.front
    inside = f[(f[:, 0] > gap.left[0]) & (f[:, 0] < gap.right[0])] if not report.empirical else np.zeros((0, 2))
    pts = np.vstack([gap.left, inside, gap.right])
    colour = {"concave": "#21918c", "disconnected": "#440154", "unexplored": "#b5de2b", "unresolved": "0.55"}[gap.kind]
    ax.plot(pts[:, 0], pts[:, 1], ":", color=colour, lw=2.6, gid="gap", zorder=3,
            label=f"gap the weighted sum skips ({gap.kind})" if label else None)


def _alpha_labels(ax, f, anchors):
    """alpha* labels at their anchors, stacked upwards where anchors are close (no collisions)."""
    lo, span = F.extent(f)
    placed = []
    for point, alpha in sorted(anchors, key=lambda t: t[0][0]):
        u = (np.asarray(point) - lo) / span
        level = sum(1 for v in placed if np.hypot(*(u - v)) < 0.15)
        placed.append(u)
        ax.annotate(f"α* = {alpha:.3g}", xy=(point[0], point[1]), xytext=(8, 8 + 13 * level),
                    textcoords="offset points", fontsize=8, gid="alpha-star",
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.5", lw=0.5))


def _scatter_runs(ax, runs, *, colorbar: bool = True):
    from matplotlib.lines import Line2D

    obj, alpha, _, converged, diverged, method = _result_columns(runs)
    show = ~diverged
    has_alpha = show & np.isfinite(alpha)
    norm = _log_norm(alpha[has_alpha]) if has_alpha.any() else None
    colour_alpha = np.clip(alpha, norm.vmin, norm.vmax) if norm is not None else alpha
    sc = None
    for conv, label in ((True, "reached (stationary)"), (False, "not converged (hollow)")):
        rows = has_alpha & (converged == conv)
        if not rows.any():
            continue
        if conv:
            sc = ax.scatter(obj[rows, 0], obj[rows, 1], c=colour_alpha[rows], cmap=CMAP, norm=norm, s=28,
                            marker="o", edgecolors="black", linewidths=0.4, zorder=4, gid="reached",
                            label=label)
        else:
            from matplotlib import colormaps

            colours = colormaps[CMAP](norm(colour_alpha[rows]))
            ax.scatter(obj[rows, 0], obj[rows, 1], facecolors="none", edgecolors=colours, s=30, marker="o",
                       linewidths=1.0, zorder=4, gid="reached", label=label)
            if sc is None:
                from matplotlib.cm import ScalarMappable

                sc = ScalarMappable(norm=norm, cmap=CMAP)
    other = show & ~np.isfinite(alpha)
    if other.any():
        ax.scatter(obj[other, 0], obj[other, 1], marker="^", c="0.5", edgecolors="black", linewidths=0.4,
                   s=28, zorder=4, gid="reached", label=f"{', '.join(sorted(set(method[other])))} runs")
    if diverged.any():
        ax.add_line(Line2D([], [], linestyle="none", marker="x", color="black",
                           label=f"diverged: {int(diverged.sum())} run(s), not shown"))
    if sc is not None and colorbar:
        cb = ax.figure.colorbar(sc, ax=ax, pad=0.02)
        cb.set_label("α  (L = L0 + α·L1, log scale)")
    return sc


# --------------------------------------------------------------------------- alpha response
def plot_alpha_response(runs, *, critical=None, ax=None, labels=("L0", "L1"), title: str | None = None):
    """L0 and L1 of every run against alpha (log axis), one marker per seed.

    ``runs`` is a :class:`paretolab.runs.Runs`, or a :class:`paretolab.analysis.Report`, whose
    runs are drawn with its predicted jumps (the alpha* of its regions and of its gaps that
    are not unresolved) and the alpha brackets where seeds jumped shaded. Vertical dash-dotted
    lines mark the critical alphas ``critical`` when given. A jump shows as a step in both
    curves, seed disagreement as markers of one alpha at different heights. Unconverged runs
    are hollow; runs of other methods (Chebyshev's alpha weighs something else, MDMM has none) and
    diverged or failed runs are left out.

    Examples
    --------
    >>> from paretolab.runs import Runs
    >>> r = Runs.from_arrays([[0.1, 0.9], [0.9, 0.1]], alpha=[0.1, 10.0], seed=[0, 0])
    >>> ax = plot_alpha_response(r, critical=[1.0])
    >>> len([l for l in ax.lines if l.get_gid() == "critical-alpha"])
    1
    """
    ax = _axes(ax)
    report = runs if hasattr(runs, "gaps") else None
    if report is not None:
        runs = report.runs
        jumps = [g for g in report.gaps if g.kind != "unresolved"]
        if critical is None:
            critical = []  # one line per alpha* as printed (a region's and its gap's agree to 3 digits)
            for a in [r.alpha for r in report.regions] + [g.alpha for g in jumps]:
                if not any(f"{a:.3g}" == f"{c:.3g}" for c in critical):
                    critical.append(a)
            critical.sort()
        for i, g in enumerate(jumps):  # each seed jumps at its own alpha (local minima): the span of them
            lo = min([g.alpha_bracket[0], *(j[1] for j in g.jumps)])
            hi = max([g.alpha_bracket[1], *(j[2] for j in g.jumps)])
            ax.axvspan(lo, hi, color="0.9", zorder=0, gid="jump-bracket",
                       label="alphas where seeds jump" if i == 0 else None)
    obj, alpha, seed, converged, diverged, method = _result_columns(runs)
    ok = ~diverged & np.isfinite(alpha) & (alpha > 0)
    if (ok & (method == "linear")).any():  # the weighted sum's response (a Chebyshev alpha is another weight)
        ok &= method == "linear"
    seeds = np.unique(seed[ok])
    styles = (("-", "black", labels[0]), ("--", "0.55", labels[1]))
    for j, (ls, colour, name) in enumerate(styles):
        for k, s in enumerate(seeds):
            rows = np.flatnonzero(ok & (seed == s))
            rows = rows[np.argsort(alpha[rows], kind="stable")]
            marker = SEED_MARKERS[k % len(SEED_MARKERS)]
            ax.plot(alpha[rows], obj[rows, j], ls=ls, color=colour, lw=0.6, alpha=0.5, zorder=2)
            for conv in (True, False):
                sel = rows[converged[rows] == conv]
                if sel.size == 0:
                    continue
                ax.plot(alpha[sel], obj[sel, j], linestyle="none", marker=marker, ms=4.5,
                        mec=colour if conv else colour, mfc=colour if conv else "none", zorder=3,
                        gid="reached")
        ax.plot([], [], ls=ls, color=colour, label=f"{name} (marker = seed, hollow = not converged)")
    for i, a in enumerate(np.asarray(critical if critical is not None else [], dtype=float).ravel()):
        ax.axvline(a, color="0.2", ls="-.", lw=1.1, gid="critical-alpha",
                   label="predicted α* (jump)" if i == 0 else None)
    ax.set_xscale("log")
    ax.set_xlabel("α  (L = L0 + α·L1)")
    ax.set_ylabel("loss at the end of training")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, loc="best", framealpha=0.9)
    return ax


# --------------------------------------------------------------------------- basins
def plot_basins(grid, *, ax=None, labels=("w1", "w2"), title: str | None = None,
                colorbar: bool = True, pareto_set=None):
    """The parameter plane coloured by where descent started there ends along the front.

    Colour: arc position of the end point (0 = the L0 end, 1 = the L1 end; cividis). Starts
    whose run did not pass the stationarity test are hatched. ``pareto_set`` (k, 2) draws the
    Pareto set as a dashed line.

    Examples
    --------
    >>> from paretolab.basins import BasinGrid
    >>> g = BasinGrid("toy", 1.0, np.arange(3.0), np.arange(3.0), np.eye(3), np.zeros((3, 3)),
    ...               np.ones((3, 3), bool), np.zeros((3, 3, 2)))
    >>> ax = plot_basins(g)
    >>> len(ax.collections) >= 1
    True
    """
    ax = _axes(ax)
    mesh = ax.pcolormesh(grid.x, grid.y, np.ma.masked_invalid(grid.position), cmap="cividis", vmin=0, vmax=1,
                         shading="nearest", gid="basins")
    bad = ~grid.converged
    if bad.any():
        ax.contourf(grid.x, grid.y, bad.astype(float), levels=[0.5, 1.5], colors="none", hatches=["xxx"],
                    gid="unconverged")
        ax.fill([], [], facecolor="white", hatch="xxx", edgecolor="black",
                label=f"not converged ({int(bad.sum())} starts)")
    if pareto_set is not None:
        ps = np.asarray(pareto_set, dtype=float)
        ax.plot(ps[:, 0], ps[:, 1], "--", color="white", lw=1.5, label="Pareto set")
    if colorbar:
        cb = ax.figure.colorbar(mesh, ax=ax, pad=0.02)
        cb.set_label("end point along the front (0 = L0 end, 1 = L1 end)")
    ax.set_xlabel(f"{labels[0]} (start)")
    ax.set_ylabel(f"{labels[1]} (start)")
    ax.set_title(title or f"basins at α = {grid.alpha:.3g}", fontsize=10)
    fr = grid.fractions()
    ax.plot([], [], " ", label=f"L0 end {fr['L0_end']:.0%}, L1 end {fr['L1_end']:.0%}")
    ax.legend(fontsize=7, loc="lower left", framealpha=0.9)
    return ax


# --------------------------------------------------------------------------- methods
def plot_methods(report, *, ax=None, analytic=None, labels=("L0", "L1"), title: str | None = None):
    """Draw a report's linear, Chebyshev and MDMM runs on its front, each method's coverage (within
    the report's radius) in the legend. Unconverged runs are hollow; the report's gaps are
    dotted, coloured by kind (on a front of the runs themselves, no line crosses a gap).

    Examples
    --------
    >>> from paretolab.analysis import compare
    >>> from paretolab.runs import Runs
    >>> r = Runs.from_arrays([[0.0, 1.0], [0.5, 0.5]], method=["linear", "eps"])
    >>> ax = plot_methods(compare(r, [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]))
    >>> sorted(t.get_text().split(" (")[0] for t in ax.get_legend().get_texts())[:2]
    ['MDMM', 'linear']
    """
    ax = _axes(ax)
    f = report.front
    _front_line(ax, report, "front of these runs" if report.empirical else "reference front")
    for i, gap in enumerate(report.gaps):
        _gap_bracket(ax, report, gap, label=all(g.kind != gap.kind for g in report.gaps[:i]))
    if analytic is not None:
        a = F.as_points(analytic, "analytic")
        ax.plot(a[:, 0], a[:, 1], ":", color="0.45", lw=1.2, label="analytic front")
    from matplotlib.patches import Polygon

    for r in report.regions:
        ax.add_patch(Polygon(f[r.start - 1 : r.stop + 1], closed=True, facecolor="0.9", edgecolor="0.6",
                             hatch=HATCH, lw=0.4, gid="concave-region", zorder=0))
    obj, _, _, converged, diverged, method = _result_columns(report.runs)
    for i, m in enumerate(dict.fromkeys(method.tolist())):
        z = 6 - i  # the first method (usually linear, fewest distinct points) on top
        style = METHOD_STYLE.get(m, dict(marker="D", color="0.3", label=m))
        rows = (method == m) & ~diverged
        ok = rows & converged
        cov = report.method_coverage.get(m, 0.0)
        label = f"{style['label']} ({cov:.0%} coverage, {int(ok.sum())}/{int((method == m).sum())} runs)"
        edge = style.get("edgecolor", "black")
        ax.scatter(obj[ok, 0], obj[ok, 1], marker=style["marker"], c=style["color"], edgecolors=edge,
                   linewidths=0.5, s=32, zorder=z, label=label, gid="reached")
        bad = rows & ~converged
        if bad.any():
            ax.scatter(obj[bad, 0], obj[bad, 1], marker=style["marker"], facecolors="none",
                       edgecolors=style["color"] if m != "eps" else "black", s=32, zorder=z, gid="reached")
    _labels(ax, labels)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, loc="best", framealpha=0.9)
    return ax


# --------------------------------------------------------------------------- search
def plot_search(trajectories: dict, *, ax=None, spread=(0.1, 0.9), log_y: bool = True,
                title: str | None = None, ylabel: str = "best-so-far distance to the balanced point"):
    """Best-so-far distance against the number of trained models, mean and spread over repeats.

    Parameters
    ----------
    trajectories : dict
        ``{name: (R, K) array}``: repeat ``r``'s best-so-far value after ``k + 1`` models
        (NaN while no model counts yet). Each name gets a line style and marker; the band is
        the ``spread`` quantiles over repeats.

    Examples
    --------
    >>> ax = plot_search({"grid": np.ones((3, 5)), "random": np.full((3, 5), 0.5)})
    >>> len(ax.get_lines()), len(ax.collections)
    (2, 2)
    """
    ax = _axes(ax)
    styles = (("-", "o", "black", "0.6"), ("--", "s", "#21918c", "#21918c"), (":", "^", "#440154", "#440154"),
              ("-.", "D", "0.4", "0.7"))
    for i, (name, values) in enumerate(trajectories.items()):
        v = np.asarray(values, dtype=float)
        if v.ndim == 1:
            v = v[None]
        k = np.arange(1, v.shape[1] + 1)
        ls, marker, colour, band = styles[i % len(styles)]
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(v, axis=0)
                lo, hi = np.nanquantile(v, spread[0], axis=0), np.nanquantile(v, spread[1], axis=0)
        ax.plot(k, mean, ls=ls, marker=marker, ms=3.5, color=colour, label=f"{name} (mean of {v.shape[0]})")
        ax.fill_between(k, lo, hi, color=band, alpha=0.18, hatch=None if i == 0 else "..", lw=0)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("number of trained models (α values tried)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, framealpha=0.9, title=f"band: {spread[0]:.0%}-{spread[1]:.0%} of repeats",
              title_fontsize=7)
    return ax


# --------------------------------------------------------------------------- three objectives
def plot_front3d(front, runs=None, *, ax=None, labels=("L0", "L1", "L2"), title: str | None = None,
                 elev: float = 25.0, azim: float = 40.0):
    """3-D view of a 3-objective front (small grey dots) and the runs of a sweep.

    ``runs`` (a :class:`paretolab.runs.Runs`) are drawn by method (marker and colour as in
    :func:`plot_methods`), hollow when not converged; ``ax`` must be a 3-D Axes
    (``projection="3d"``) when given.

    Examples
    --------
    >>> ax = plot_front3d(np.eye(3))
    >>> ax.name
    '3d'
    """
    ax = _axes(ax, projection="3d", figsize=(6.0, 5.0))
    f = F.as_points(front, "front")
    if f.shape[1] != 3:
        raise ParetolabError(f"front: expected 3 objectives, got {f.shape[1]}")
    ax.scatter(f[:, 0], f[:, 1], f[:, 2], s=3, c="0.6", depthshade=False, label="reference front", gid="front")
    if runs is not None:
        obj, _, _, converged, diverged, method = _result_columns(runs)
        for m in dict.fromkeys(method.tolist()):
            style = METHOD_STYLE.get(m, dict(marker="D", color="0.3", label=m))
            ok = (method == m) & converged & ~diverged
            ax.scatter(obj[ok, 0], obj[ok, 1], obj[ok, 2], marker=style["marker"], c=style["color"],
                       edgecolors="black", linewidths=0.4, s=70 if m == "linear" else 26, depthshade=False,
                       gid="reached",
                       label=f"{style['label']} ({int(ok.sum())} runs)")
            bad = (method == m) & ~converged & ~diverged
            if bad.any():
                ax.scatter(obj[bad, 0], obj[bad, 1], obj[bad, 2], marker=style["marker"], facecolors="none",
                           edgecolors=style["color"], s=26, depthshade=False, gid="reached")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_zlabel(labels[2])
    ax.view_init(elev=elev, azim=azim)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    return ax


# --------------------------------------------------------------------------- saving
_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def figure_path(path, *, name: str = "path") -> str:
    """The file a figure saved to ``path`` goes to: ``.png`` appended when there is no
    extension; an extension other than ``.png``, ``.svg``, ``.pdf`` is refused (the error
    names the argument ``name``).

    >>> figure_path("front"), figure_path("front.svg")
    ('front.png', 'front.svg')
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext == "":
        return path + ".png"
    if ext not in _FORMATS:
        raise ParetolabError(f"{name}: expected an extension in {sorted(_FORMATS)} (or none for .png), got {ext!r}")
    return path


def save(fig_or_ax, path, *, dpi: int = 120) -> str:
    """Write a figure (or the figure of an Axes) to ``path``; the format follows the extension.

    ``.png`` (also the default when the path has no extension: ``.png`` is appended),
    ``.svg`` or ``.pdf``. Metadata that changes from run to run is left out (PNG
    ``Software``, SVG ``Date`` with a fixed ``svg.hashsalt``, PDF ``CreationDate``), so two
    saves of the same figure are byte-identical for PNG and SVG. Parent folders are created.
    Returns the path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ax = plot_search({"grid": np.ones((2, 3))})
    >>> p = save(ax, pathlib.Path(tempfile.mkdtemp()) / "fig")
    >>> p.endswith("fig.png"), os.path.getsize(p) > 0
    (True, True)
    """
    import matplotlib

    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    fig = fig if hasattr(fig, "savefig") else fig_or_ax
    if not hasattr(fig, "savefig"):
        raise ParetolabError(f"fig_or_ax: expected a matplotlib Figure or Axes, got {type(fig_or_ax).__name__}")
    path = figure_path(path)
    fmt = _FORMATS[os.path.splitext(path)[1].lower()]
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with matplotlib.rc_context({"svg.hashsalt": "paretolab", "pdf.compression": 6}):
        # constrained layout settles over draws (a colour bar moves once): lay out first, so
        # the first save of a figure equals every later one
        fig.draw_without_rendering()
        fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
    log.debug("saved %s", path)
    return path


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 5.0, height: float = 4.2, projections=None):
    """A constrained-layout object-API Figure with a flat list of ``nrows * ncols`` Axes.

    ``projections``: optional list (one entry per Axes, ``None`` or ``"3d"``).

    >>> fig, axes = new_figure(2)
    >>> len(axes)
    2
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = []
    for i in range(nrows * ncols):
        proj = projections[i] if projections is not None else None
        axes.append(fig.add_subplot(nrows, ncols, i + 1, projection=proj) if proj else
                    fig.add_subplot(nrows, ncols, i + 1))
    return fig, axes

