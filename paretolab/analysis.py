"""Step 6 of problem -> ... -> reference -> analysis: where training landed versus where it could
have landed, and the verdict a practitioner can act on.

:func:`compare` places every run of a :class:`paretolab.runs.Runs` on a reference front (analytic,
NSGA-II or any points); :func:`analyze` does the same on the runs' own empirical front. Both
return one record, :class:`Report`: which concave regions no alpha reaches and which run
reached their core or flanks (:class:`RegionFindings`), where a seed's solution jumps between
neighbouring alphas (:class:`Jump`), where seeds disagree (:class:`Disagreement`), and a
one-line verdict. :func:`weighted_sum_outcomes` is the one definition of a hit (the global
weighted-sum optimum) versus a local minimum. Numpy only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace

import numpy as np

from paretolab import front as F
from paretolab.errors import ParetolabError
from paretolab.runs import Runs, plain

NOISE_FACTOR = 6.0
"""Concave regions of an empirical front must be this many times deeper than the seed scatter."""

__all__ = ["Disagreement", "Jump", "NOISE_FACTOR", "RegionFindings", "Report", "analyze", "compare",
           "project_onto_front", "seed_noise", "weighted_sum_outcomes"]


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class RegionFindings(F.ConcaveRegion):
    """A concave region of the front (:class:`paretolab.front.ConcaveRegion`) with what the runs
    did there: the methods whose converged runs reached its locally concave core or its locally
    convex flanks, and how many runs each."""

    core_reached_by: tuple[str, ...] = ()
    flank_reached_by: tuple[str, ...] = ()
    runs_in_core: int = 0
    runs_on_flanks: int = 0

    def to_dict(self) -> dict:
        return {**super().to_dict(), "core_reached_by": list(self.core_reached_by),
                "flank_reached_by": list(self.flank_reached_by), "runs_in_core": self.runs_in_core,
                "runs_on_flanks": self.runs_on_flanks}


@dataclass(frozen=True)
class Jump:
    """Seed ``seed`` lands on opposite sides of a concave region's core at the neighbouring
    alphas ``alpha_low < alpha_high`` (arc positions ``from_position`` -> ``to_position``);
    ``predicted_alpha`` is the region's alpha*."""

    seed: int
    alpha_low: float
    alpha_high: float
    from_position: float
    to_position: float
    predicted_alpha: float


@dataclass(frozen=True)
class Disagreement:
    """At ``alpha``, the converged runs of ``seeds`` seeds land farther apart than the
    threshold along the front (``positions``: their arc positions, sorted)."""

    alpha: float
    positions: tuple[float, ...]
    seeds: int


@dataclass(frozen=True)
class Report:
    """Runs set against a front. ``str(report)`` is the summary; ``to_dict()`` / ``to_json()``.

    ``front`` is the front compared with (``empirical``: the runs' own, from :func:`analyze`),
    ``supported`` its points a weighted sum reaches, ``regions`` its concave regions (deeper
    than ``min_depth``; ``shallow_regions`` counts the dents left out as noise) with what the
    runs did there, ``critical_alphas`` every alpha where the weighted-sum optimum changes and
    ``balanced`` the front's balanced point. Per run of ``runs``: ``distance`` to the front and
    ``position`` along it (arc fraction; both on objectives scaled to the front's extent, NaN
    for diverged or failed runs), ``dominated`` by a front point, and for weighted-sum runs
    ``outcome`` (:func:`weighted_sum_outcomes`). Summaries use the converged runs only;
    ``dropped`` counts the runs left out for failing or having non-finite losses.
    """

    source: str
    names: tuple[str, ...]
    front: np.ndarray
    empirical: bool
    supported: np.ndarray
    regions: tuple[RegionFindings, ...]
    critical_alphas: tuple[float, ...]
    balanced: tuple[float, ...]
    runs: Runs
    distance: np.ndarray
    position: np.ndarray
    dominated: np.ndarray
    outcome: np.ndarray
    coverage: float
    method_coverage: dict
    gd: float
    igd: float
    hypervolume_fraction: float
    radius: float
    jumps: tuple[Jump, ...]
    seed_disagreements: tuple[Disagreement, ...]
    min_depth: float
    shallow_regions: int
    dropped: int
    verdict: str

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.runs.method.tolist()))

    @property
    def converged(self) -> np.ndarray:
        return self.runs.converged & ~self.diverged

    @property
    def diverged(self) -> np.ndarray:
        """Diverged, failed or non-finite runs: never evidence."""
        return self.runs.diverged | self.runs.failed | ~np.isfinite(self.runs.objectives).all(axis=1)

    @property
    def n_points(self) -> int:
        """Runs with finite losses."""
        return int((~self.runs.failed & np.isfinite(self.runs.objectives).all(axis=1)).sum())

    def to_dict(self) -> dict:
        """Plain-Python fields (records as dicts, NaN as None), ready for ``json.dumps``."""
        out = {f.name: plain(getattr(self, f.name)) for f in fields(self) if f.name != "runs"}
        out["methods"] = list(self.methods)
        out["n_points"] = self.n_points
        out["runs"] = {"n": len(self.runs), "converged": plain(self.converged), "diverged": plain(self.diverged)}
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        return _analysis_text(self) if self.empirical else _comparison_text(self)


# --------------------------------------------------------------------------- placing runs
def project_onto_front(points, front, /) -> tuple[np.ndarray, np.ndarray]:
    """Distance of each point to a 2-D front drawn as a polyline, and its position along it.

    Objectives are scaled to the front's extent. The position is the arc-length fraction
    (0 = the lowest-L0 end, 1 = the lowest-L1 end) of the nearest point of the polyline.

    Examples
    --------
    >>> d, s = project_onto_front([[0.5, 0.6], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]])
    >>> d.round(4).tolist(), s.round(4).tolist()
    ([0.0707, 0.0], [0.45, 0.0])
    """
    f = F.as_front2d(F.pareto_front(F.as_points(front, "front")))
    p = F.as_points(points, "points")
    if p.shape[1] != 2:
        raise ParetolabError(f"points: expected 2 objectives like the front, got {p.shape[1]}")
    lo, span = F.extent(f)
    fu, pu = (f - lo) / span, (p - lo) / span
    if len(fu) == 1:
        return np.linalg.norm(pu - fu[0], axis=1), np.zeros(len(pu))
    a, d = fu[:-1], np.diff(fu, axis=0)
    seg = np.linalg.norm(d, axis=1)
    arc = np.r_[0.0, np.cumsum(seg)]
    dist = np.empty(len(pu))
    pos = np.empty(len(pu))
    per_chunk = max(1, 4_000_000 // max(len(a), 1))
    for lo_i in range(0, len(pu), per_chunk):
        q = pu[lo_i : lo_i + per_chunk, None, :]
        t = np.clip(((q - a) * d).sum(axis=2) / seg**2, 0.0, 1.0)
        gap = np.linalg.norm(a + t[..., None] * d - q, axis=2)
        k = gap.argmin(axis=1)
        rows = np.arange(len(k))
        dist[lo_i : lo_i + per_chunk] = gap[rows, k]
        pos[lo_i : lo_i + per_chunk] = (arc[k] + t[rows, k] * seg[k]) / arc[-1]
    return dist, pos


def weighted_sum_outcomes(runs: Runs, front, *, tol: float = 0.02) -> np.ndarray:
    """Label weighted-sum runs against the prediction of a (dense) 2-D front.

    ``"global"``: converged on the front (within ``tol``) with ``L0 + alpha * L1`` within
    ``tol`` of its minimum over the front (a hit; both ends count at a tie such as alpha = 1
    on Fonseca-Fleming). ``"local"``: converged on the front but with a worse weighted sum: a
    local minimum, e.g. on a locally convex cap away from its end. ``"off-front"``: converged
    but farther than ``tol`` from the front. ``"unconverged"`` and ``"diverged"`` (diverged or
    failed): not evidence. ``""``: not a weighted-sum run with an alpha. Distances and
    weighted-sum gaps are in units of the front's extent (objectives scaled to [0, 1], the gap
    divided by ``1 + alpha``).

    >>> front = [[0.0, 1.0], [0.5, 0.8], [1.0, 0.0]]  # concave: alpha* = 1
    >>> runs = Runs.from_arrays([[0.0, 1.0], [1.0, 0.0], [0.5, 0.8]], alpha=[0.5, 0.5, 2.0],
    ...                         converged=[True, True, False])
    >>> weighted_sum_outcomes(runs, front).tolist()
    ['global', 'local', 'unconverged']
    """
    f = F.pareto_front(F.as_points(front, "front"))
    if f.shape[1] != 2:
        raise ParetolabError(f"front: expected 2 objectives, got {f.shape[1]}")
    objectives = np.asarray(runs.objectives, dtype=float)
    out = np.full(len(objectives), "", dtype=object)
    linear = (runs.method == "linear") & np.isfinite(runs.alpha)
    bad = runs.diverged | runs.failed | ~np.isfinite(objectives).all(axis=1)
    out[linear] = "unconverged"
    out[linear & bad] = "diverged"
    ok = linear & runs.converged & ~bad
    if not ok.any():
        return out.astype(str)
    lo, span = F.extent(f)
    fu, pts = (f - lo) / span, (objectives[ok] - lo) / span
    d_front = project_onto_front(objectives[ok], f)[0]
    # weighted sums in scaled units: alpha in scaled units is alpha * span1 / span0
    a_unit = runs.alpha[ok] * span[1] / span[0]
    best = fu[F.weighted_sum_optimum(fu, a_unit)]
    gap = (pts[:, 0] + a_unit * pts[:, 1] - (best[:, 0] + a_unit * best[:, 1])) / (1 + a_unit)
    out[ok] = np.where(d_front > tol, "off-front", np.where(gap <= tol, "global", "local"))
    return out.astype(str)


# --------------------------------------------------------------------------- compare
def compare(runs: Runs, front, *, radius: float = 0.05, jump: float = 0.2, tol: float = F.DEFAULT_TOL,
            min_depth: float = 0.0, outcome_tol: float = 0.02) -> Report:
    """Compare runs with a front (analytic, NSGA-II, or any points).

    Parameters
    ----------
    runs : Runs
        From :func:`paretolab.sweep` or :func:`paretolab.read_runs`.
    front : array_like (n, m) or ReferenceFront
        The reference front; dominated points are dropped.
    radius : float
        Distance (objectives scaled to the front's extent) within which a run counts as on the
        front and covers it.
    outcome_tol : float
        Tolerance of :func:`weighted_sum_outcomes` that tells hits from local minima.
    min_depth : float
        Concave regions shallower than this (relative to the front's extent) are left out, e.g.
        dents that run-to-run noise makes in an empirical front.
    jump : float
        Seeds disagree at an alpha when their converged runs lie farther apart than this along
        the front (arc fraction). A jump is two neighbouring alphas of one seed whose runs lie on
        opposite sides of a concave region; it is set against that region's critical alpha.

    Examples
    --------
    >>> import paretolab
    >>> r = paretolab.sweep("fonseca", alphas=[0.3, 3.0], seeds=2, steps=1500, problem_options={"n_var": 2})
    >>> t = np.linspace(-1, 1, 501)
    >>> report = compare(r, np.c_[1 - np.exp(-(t - 1) ** 2), 1 - np.exp(-(t + 1) ** 2)])
    >>> [round(j.predicted_alpha, 3) for j in report.jumps]
    [1.0, 1.0]
    >>> str(report).splitlines()[-1].startswith("VERDICT")
    True
    """
    if not isinstance(runs, Runs):
        raise ParetolabError(f"runs: expected a paretolab Runs record (from paretolab.sweep or read_runs), got "
                             f"{type(runs).__name__}")
    f = F.pareto_front(F.as_points(front, "front"))
    if len(f) == 0:
        raise ParetolabError("front: expected at least one point, got none")
    objectives = runs.objectives
    if objectives.shape[1] != f.shape[1]:
        raise ParetolabError(f"front: expected {objectives.shape[1]} objectives like the runs, got {f.shape[1]}")
    radius, jump = float(radius), float(jump)
    if not radius > 0:
        raise ParetolabError(f"radius: expected a number > 0, got {radius!r}")
    n = len(runs)
    diverged = runs.diverged | runs.failed | ~np.isfinite(objectives).all(axis=1)
    ok = runs.converged & ~diverged
    methods = runs.method.astype(str)
    seed = runs.seed if runs.seed is not None else np.zeros(n, dtype=np.int64)
    lo, span = F.extent(f)
    fu, unit = (f - lo) / span, (objectives - lo) / span

    distance = np.full(n, np.nan)
    position = np.full(n, np.nan)
    finite = ~diverged
    two_d = f.shape[1] == 2
    if finite.any():
        if two_d:
            distance[finite], position[finite] = project_onto_front(objectives[finite], f)
        else:
            distance[finite] = np.sqrt(((unit[finite][:, None] - fu[None]) ** 2).sum(axis=2)).min(axis=1)
    dominated = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(finite):
        dominated[i] = ((f <= objectives[i]).all(axis=1) & (f < objectives[i]).any(axis=1)).any()

    reached = objectives[ok]
    cov = F.coverage(reached, f, radius) if len(reached) else 0.0
    method_cov = {m: (F.coverage(objectives[ok & (methods == m)], f, radius) if (ok & (methods == m)).any() else 0.0)
                  for m in dict.fromkeys(methods.tolist())}
    gd = float(np.nanmean(distance[ok])) if ok.any() else float("nan")
    igd = F.igd(unit[ok], reference=fu) if len(reached) else float("nan")
    ref_point = np.full(f.shape[1], 1.1)
    hv_front = F.hypervolume(fu, ref=ref_point)
    hv_fraction = F.hypervolume(unit[ok], ref=ref_point) / hv_front if len(reached) and hv_front > 0 else 0.0

    outcome = weighted_sum_outcomes(runs, f, tol=outcome_tol) if two_d else np.full(n, "")
    regions, crit, jumps, disagreements, shallow = (), (), (), (), 0
    if two_d:
        arc = _arc(fu)
        found = F.concave_regions(f, tol=tol) if len(f) >= 3 else []
        regions = _region_findings(found, arc, position, distance, ok, methods, radius, min_depth)
        shallow = len(found) - len(regions)
        crit = tuple(float(a) for a in F.critical_alphas(f, tol=tol))
        jumps = _jumps(arc, runs.alpha, seed, methods, ok, position, regions)
        disagreements = _disagreements(runs.alpha, seed, methods, ok, position, jump)
    return Report(
        source=runs.source, names=runs.names, front=f, empirical=False, supported=F.is_supported(f, tol=tol),
        regions=regions, critical_alphas=crit, balanced=tuple(float(v) for v in f[F.balanced_point(f)]),
        runs=runs, distance=distance, position=position, dominated=dominated, outcome=outcome,
        coverage=float(cov), method_coverage={k: float(v) for k, v in method_cov.items()}, gd=gd,
        igd=float(igd), hypervolume_fraction=float(hv_fraction), radius=radius, jumps=jumps,
        seed_disagreements=disagreements, min_depth=float(min_depth), shallow_regions=shallow,
        dropped=runs.dropped, verdict=_comparison_verdict(f, regions, disagreements, ok),
    )


def _arc(fu: np.ndarray) -> np.ndarray:
    """Arc-length position (0 to 1) of each point of a scaled 2-D front."""
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(fu, axis=0), axis=1))]
    return arc / arc[-1] if arc[-1] > 0 else arc


def _region_findings(found, arc, position, distance, ok, methods, radius, min_depth) -> tuple:
    near = ok & (distance <= radius)
    out = []
    for r in found:
        if r.depth < min_depth:
            continue
        inside = near & (position > arc[r.start - 1]) & (position < arc[r.stop])
        core_lo, core_hi = _core_span(r, arc)
        in_core = inside & (position >= core_lo) & (position <= core_hi) & (r.core_stop > r.core_start)
        out.append(RegionFindings(
            **{f.name: getattr(r, f.name) for f in fields(F.ConcaveRegion)},
            core_reached_by=tuple(sorted(set(methods[in_core].tolist()))),
            flank_reached_by=tuple(sorted(set(methods[inside & ~in_core].tolist()))),
            runs_in_core=int(in_core.sum()), runs_on_flanks=int((inside & ~in_core).sum())))
    return tuple(out)


def _core_span(region: F.ConcaveRegion, arc: np.ndarray) -> tuple[float, float]:
    """Arc positions of a region's concave core (its middle point when the core is empty)."""
    if region.core_stop > region.core_start:
        return arc[region.core_start], arc[region.core_stop - 1]
    mid = (arc[region.start - 1] + arc[region.stop]) / 2
    return mid, mid


def _jumps(arc, alpha, seed, methods, ok, position, regions) -> tuple[Jump, ...]:
    """Per seed of the weighted-sum runs: neighbouring alphas whose points lie on opposite sides
    of a concave region's core (the stretch no alpha and no initialisation reaches)."""
    if not regions:
        return ()
    out = []
    for s in np.unique(seed):
        rows = np.flatnonzero((methods == "linear") & (seed == s) & ok & np.isfinite(alpha))
        rows = rows[np.argsort(alpha[rows], kind="stable")]
        for i, j in zip(rows[:-1], rows[1:]):
            low, high = sorted((position[i], position[j]))
            crossed = [r for r in regions if low < _core_span(r, arc)[0] and high > _core_span(r, arc)[1]]
            if alpha[i] < alpha[j] and crossed:
                out.append(Jump(int(s), float(alpha[i]), float(alpha[j]), float(position[i]), float(position[j]),
                                float(crossed[0].alpha)))
    return tuple(out)


def _disagreements(alpha, seed, methods, ok, position, threshold) -> tuple[Disagreement, ...]:
    """Alpha values (shared by several seeds) at which converged runs land far apart."""
    out = []
    rows = (methods == "linear") & ok & np.isfinite(alpha)
    for a in np.unique(alpha[rows]):
        at = rows & (alpha == a)
        if np.unique(seed[at]).size < 2:
            continue
        p = position[at]
        if p.max() - p.min() > threshold:
            out.append(Disagreement(float(a), tuple(sorted(float(v) for v in p)), int(at.sum())))
    return tuple(out)


def _comparison_verdict(f, regions, disagreements, ok) -> str:
    if not ok.any():
        return "no run converged: nothing to conclude; train longer or lower the learning rate"
    if f.shape[1] != 2:
        return "m > 2 objectives: see coverage and distance; concave regions are reported for 2 objectives"
    if not regions:
        return "the front is convex: alpha is tunable over the whole front"
    unreached = sum(1 for r in regions if not r.core_reached_by)
    share = sum(r.share for r in regions)
    alphas = ", ".join(f"{r.alpha:.3g}" for r in regions)
    text = (f"alpha is tunable only outside {len(regions)} concave region(s) covering {share:.0%} of the front; "
            f"the weighted sum jumps across them at alpha* = {alphas}")
    if unreached:
        text += f"; {unreached} region core(s) reached by no run (use Chebyshev or an epsilon-constraint)"
    if disagreements:
        text += "; the seed decides the outcome at some alphas"
    return text


def _comparison_text(report: Report) -> str:
    ok = report.converged
    div = report.diverged
    lines = [
        f"{report.source}: {len(report.runs)} runs ({', '.join(report.methods)}): {ok.sum()} converged, "
        f"{(~report.runs.converged & ~div).sum()} not converged, {div.sum()} diverged",
        f"  coverage of the front within {report.radius:g}: {report.coverage:.0%}"
        + "".join(f"; {m}: {c:.0%}" for m, c in report.method_coverage.items() if len(report.method_coverage) > 1),
        f"  GD {report.gd:.2e}, IGD {report.igd:.2e}, hypervolume {report.hypervolume_fraction:.1%} of the front's",
    ]
    if (report.outcome == "local").any():
        lines.append(f"  {(report.outcome == 'local').sum()} weighted-sum runs stopped at a local minimum (not the "
                     "global optimum)")
    if not report.regions:
        lines.append("  the front has no concave region: every point is a weighted-sum optimum for some alpha")
    for r in report.regions:
        who = ", ".join(r.core_reached_by) or "no run"
        lines.append(
            f"  concave region L0 in [{r.left[0]:.4g}, {r.right[0]:.4g}] ({r.share:.0%} of the front, depth "
            f"{r.depth:.3f}): jump at alpha* = {r.alpha:.4g}; its concave core reached by {who}"
            + (f"; flank local minima from {', '.join(r.flank_reached_by)}" if r.flank_reached_by else ""))
    for j in report.jumps[:5]:
        lines.append(f"  seed {j.seed}: jumps from position {j.from_position:.2f} to {j.to_position:.2f} between "
                     f"alpha {j.alpha_low:.4g} and {j.alpha_high:.4g} (predicted alpha* {j.predicted_alpha:.4g})")
    if len(report.jumps) > 5:
        lines.append(f"  ... {len(report.jumps) - 5} more jumps")
    if report.seed_disagreements:
        alphas = [d.alpha for d in report.seed_disagreements]
        lines.append(f"  seeds land on different parts of the front at {len(alphas)} alpha value(s), from "
                     f"{min(alphas):.4g} to {max(alphas):.4g}")
    lines.append(f"VERDICT: {report.verdict}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- analyze
def analyze(runs, /, *, names=None, alpha=None, seed=None, tol: float = F.DEFAULT_TOL,
            min_depth: float | None = None) -> Report:
    """The empirical front of a set of runs, with the regions no weighted sum reaches.

    Parameters
    ----------
    runs : Runs or array_like, shape (n, m)
        A :class:`paretolab.runs.Runs` (from :func:`paretolab.read_runs` or a sweep), or one
        row of losses per run (objectives minimised) with ``names``, ``alpha`` and ``seed``.
    alpha, seed : array_like, shape (n,), optional
        With an array: the weighted-sum alpha and seed of each run; with them the analysis also
        reports jumps between neighbouring alphas and alphas where seeds disagree.
    min_depth : float, optional
        Report only concave regions at least this deep (relative to the front's extent).
        Default: ``NOISE_FACTOR`` (6) times :func:`seed_noise` when the runs have alphas and
        seeds, else 0. Scatter between seeds makes dents in an empirical front; on fronts with
        known scatter the deepest such dent was 4.2 times the scatter measure in 120 simulated
        sweeps, so 6 keeps noise out while deeper regions stay.

    The front is made of the converged runs with finite losses; every such run, converged or
    not, is placed on it.

    Examples
    --------
    >>> t = np.linspace(0, np.pi / 2, 50)
    >>> a = analyze(np.c_[np.sin(t), np.cos(t)], names=("loss", "penalty"))
    >>> len(a.regions), round(a.regions[0].alpha, 6)
    (1, 1.0)
    """
    if isinstance(runs, Runs):
        given = [k for k, v in (("names", names), ("alpha", alpha), ("seed", seed)) if v is not None]
        if given:
            raise ParetolabError(f"{given[0]}: a Runs record carries its own {given[0]}; pass it only with an array "
                                 "of losses")
    else:
        runs = Runs.from_arrays(F.as_points(runs), names=names, alpha=alpha, seed=seed)
    finite = runs.finite()
    evidence = finite.converged & ~finite.diverged
    front = F.pareto_front(finite.objectives[evidence])
    two_d = finite.objectives.shape[1] == 2
    has_alpha = bool(np.isfinite(finite.alpha).any())
    if min_depth is None:
        min_depth = 0.0
        if has_alpha and finite.seed is not None and len(front):
            min_depth = NOISE_FACTOR * seed_noise(finite.objectives[evidence], finite.alpha[evidence],
                                                  finite.seed[evidence], front)
    if not len(front):
        raise ParetolabError(f"runs: expected at least one converged run with finite losses, got none of "
                             f"{len(runs)} ({runs.dropped} dropped)")
    report = compare(finite if has_alpha and two_d else replace(finite, alpha=np.full(len(finite), np.nan)),
                     front, tol=tol, min_depth=min_depth)
    report = replace(report, runs=finite, empirical=True, dropped=runs.dropped)
    verdict = _analysis_verdict(report)
    return replace(report, verdict=verdict, source=runs.source)


def _analysis_verdict(report: Report) -> str:
    if report.front.shape[1] != 2:
        return "more than 2 objectives: see the supported points; regions need 2 objectives"
    if not report.regions:
        return "no concave region in these runs' front: every trade-off found is reachable by a weighted sum"
    return (f"{len(report.regions)} concave region(s): no alpha reaches them; the weighted sum jumps at "
            + ", ".join(f"{r.alpha:.4g}" for r in report.regions))


def _analysis_text(report: Report) -> str:
    names = ", ".join(report.names)
    dropped = report.dropped
    lines = [
        f"{report.n_points} runs ({names}), {dropped} dropped (non-finite values or failed runs); front of "
        f"{len(report.front)} points, {int(report.supported.sum())} supported",
        "  balanced point: " + ", ".join(f"{n}={v:.4g}" for n, v in zip(report.names, report.balanced)),
    ]
    for r in report.regions:
        lines.append(f"  concave region {report.names[0]} in [{r.left[0]:.4g}, {r.right[0]:.4g}] ({r.share:.0%} of "
                     f"the front, depth {r.depth:.3f}): a weighted sum jumps at alpha* = {r.alpha:.4g}")
    if report.shallow_regions:
        lines.append(f"  {report.shallow_regions} dent(s) shallower than {report.min_depth:.3g} ({NOISE_FACTOR:g}x the "
                     "scatter between seeds at one alpha) left out: run-to-run noise, not a concave region")
    for j in report.jumps[:5]:
        lines.append(f"  seed {j.seed}: jumps between alpha {j.alpha_low:.4g} and {j.alpha_high:.4g}")
    if report.seed_disagreements:
        lines.append("  seeds disagree at alpha = " + ", ".join(f"{d.alpha:.4g}" for d in report.seed_disagreements))
    lines.append(f"VERDICT: {report.verdict}")
    return "\n".join(lines)


def seed_noise(points, alpha, seed, front) -> float:
    """Typical distance between the runs of different seeds at one alpha (scaled to the front).

    For each alpha run with several seeds, each run's distance to its nearest other-seed run;
    the median over all such runs. Seeds that land on different branches do not inflate it
    (their runs have near neighbours on their own branch as soon as two seeds share one).

    >>> pts = np.array([[0.0, 1.0], [0.01, 1.0], [1.0, 0.0], [1.0, 0.02]])
    >>> round(seed_noise(pts, [1, 1, 2, 2], [0, 1, 0, 1], pts), 3)
    0.015
    """
    pts = np.asarray(points, dtype=float)
    alpha, seed = np.asarray(alpha, dtype=float), np.asarray(seed)
    lo, span = F.extent(F.as_points(front, "front"))
    unit = (pts - lo) / span
    nearest = []
    for a in np.unique(alpha[np.isfinite(alpha)]):
        rows = np.flatnonzero(alpha == a)
        if np.unique(seed[rows]).size < 2:
            continue
        d = np.linalg.norm(unit[rows, None] - unit[None, rows], axis=2)
        d[seed[rows][:, None] == seed[rows][None, :]] = np.inf
        nearest.extend(d.min(axis=1).tolist())
    return float(np.median(nearest)) if nearest else 0.0
