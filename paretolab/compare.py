"""Where training landed versus where it could have landed: a report a practitioner can act on.

``compare(sweep_result, front)`` places every run on the reference front and turns the
difference into a verdict: which part of the front alpha can tune, which concave regions no
alpha reaches, where the solution jumps, and where the seed decides the outcome. Numpy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from paretolab import front as F
from paretolab.errors import ParetolabError

NOISE_FACTOR = 6.0
"""Concave regions of an empirical front must be this many times deeper than the seed scatter."""

__all__ = ["Analysis", "Report", "RunsAsSweep", "analyze", "compare", "project_onto_front", "seed_noise",
           "weighted_sum_outcomes"]


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
    lo, span = F._extent(f)
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


@dataclass(frozen=True)
class Report:
    """The comparison of a sweep with a front. ``str(report)`` is the summary; ``to_dict()`` JSON.

    Per-run arrays (one entry per run of the sweep): ``distance`` to the front and
    ``position`` along it (arc fraction; both on objectives scaled to the front's extent, NaN
    for diverged runs), ``dominated`` by a front point, ``converged``, ``diverged``, and for
    weighted-sum runs ``outcome``: ``"global"`` (at the weighted-sum optimum of the front),
    ``"local"`` (converged elsewhere on the front: a local minimum), ``"off-front"``,
    ``"unconverged"`` or ``"diverged"``. Summaries use converged, non-diverged runs only.
    """

    problem: str
    methods: tuple[str, ...]
    n_runs: int
    distance: np.ndarray
    position: np.ndarray
    dominated: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    outcome: np.ndarray
    coverage: float
    gd: float
    igd: float
    hypervolume_fraction: float
    regions: tuple[dict, ...]
    critical_alphas: tuple[float, ...]
    jumps: tuple[dict, ...]
    seed_disagreements: tuple[dict, ...]
    radius: float
    verdict: str
    method_coverage: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-Python fields, ready for ``json.dumps``."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value = [None if isinstance(v, float) and math.isnan(v) else v for v in value.tolist()]
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        ok = self.converged & ~self.diverged
        lines = [
            f"{self.problem}: {self.n_runs} runs ({', '.join(self.methods)}): {ok.sum()} converged, "
            f"{(~self.converged & ~self.diverged).sum()} not converged, {self.diverged.sum()} diverged",
            f"  coverage of the front within {self.radius:g}: {self.coverage:.0%}"
            + "".join(f"; {m}: {c:.0%}" for m, c in self.method_coverage.items() if len(self.method_coverage) > 1),
            f"  GD {self.gd:.2e}, IGD {self.igd:.2e}, hypervolume {self.hypervolume_fraction:.1%} of the front's",
        ]
        if (self.outcome == "local").any():
            lines.append(f"  {(self.outcome == 'local').sum()} weighted-sum runs stopped at a local minimum (not the global optimum)")
        if not self.regions:
            lines.append("  the front has no concave region: every point is a weighted-sum optimum for some alpha")
        for r in self.regions:
            who = ", ".join(r["core_reached_by"]) or "no run"
            lines.append(
                f"  concave region L0 in [{r['left'][0]:.4g}, {r['right'][0]:.4g}] ({r['share']:.0%} of the front, "
                f"depth {r['depth']:.3f}): jump at alpha* = {r['alpha']:.4g}; its concave core reached by {who}"
                + (f"; flank local minima from {', '.join(r['flank_reached_by'])}" if r["flank_reached_by"] else "")
            )
        for j in self.jumps[:5]:
            lines.append(
                f"  seed {j['seed']}: jumps from position {j['from']:.2f} to {j['to']:.2f} between alpha "
                f"{j['alpha_low']:.4g} and {j['alpha_high']:.4g} (predicted alpha* {j['predicted_alpha']:.4g})"
            )
        if len(self.jumps) > 5:
            lines.append(f"  ... {len(self.jumps) - 5} more jumps")
        if self.seed_disagreements:
            alphas = [d["alpha"] for d in self.seed_disagreements]
            lines.append(
                f"  seeds land on different parts of the front at {len(alphas)} alpha value(s), "
                f"from {min(alphas):.4g} to {max(alphas):.4g}"
            )
        lines.append(f"VERDICT: {self.verdict}")
        return "\n".join(lines)


def compare(result, front, *, radius: float = 0.05, jump: float = 0.2, tol: float = F.DEFAULT_TOL,
            min_depth: float = 0.0, outcome_tol: float = 0.02) -> Report:
    """Compare the runs of a sweep with a front (analytic, NSGA-II, or any points).

    Parameters
    ----------
    result : SweepResult
        From :func:`paretolab.sweep`.
    front : array_like (n, m) or ReferenceFront
        The reference front; dominated points are dropped.
    radius : float
        Distance (objectives scaled to the front's extent) within which a run counts as on the
        front and covers it.
    outcome_tol : float
        Tolerance of :func:`weighted_sum_outcomes` (distance to the front and weighted-sum gap)
        that tells hits from local minima.
    min_depth : float
        Concave regions shallower than this (relative to the front's extent) are left out, e.g.
        dents that run-to-run noise makes in an empirical front.
    jump : float
        Seeds disagree at an alpha when their converged runs lie farther apart than this along
        the front (arc fraction). A jump is two neighbouring alphas of one seed whose runs lie on
        opposite sides of a concave region; it is set against that region's critical alpha.

    Examples
    --------
    >>> import numpy as np
    >>> from paretolab.sweep import sweep
    >>> r = sweep("fonseca", alphas=[0.3, 3.0], seeds=2, steps=1500, problem_options={"n_var": 2})
    >>> t = np.linspace(-1, 1, 501)
    >>> report = compare(r, np.c_[1 - np.exp(-(t - 1) ** 2), 1 - np.exp(-(t + 1) ** 2)])
    >>> [round(j["predicted_alpha"], 3) for j in report.jumps]
    [1.0, 1.0]
    >>> str(report).splitlines()[-1].startswith("VERDICT")
    True
    """
    f = F.pareto_front(F.as_points(front, "front"))
    if len(f) == 0:
        raise ParetolabError("front: expected at least one point, got none")
    objectives = np.asarray(result.objectives, dtype=float)
    if objectives.shape[1] != f.shape[1]:
        raise ParetolabError(f"front: expected {objectives.shape[1]} objectives like the sweep, got {f.shape[1]}")
    radius, jump = float(radius), float(jump)
    if not radius > 0:
        raise ParetolabError(f"radius: expected a number > 0, got {radius!r}")
    n = len(objectives)
    converged = np.asarray(result.converged, dtype=bool)
    diverged = np.asarray(result.diverged, dtype=bool) | ~np.isfinite(objectives).all(axis=1)
    ok = converged & ~diverged
    methods = np.asarray(result.method).astype(str)
    alpha = np.asarray(result.alpha, dtype=float)
    seed = np.asarray(result.seed)
    lo, span = F._extent(f)
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

    outcome = _outcomes(f, objectives, alpha, methods, ok, diverged, outcome_tol) if two_d else np.full(n, "", dtype=object)
    regions, crit, jumps, disagreements = (), (), (), ()
    if two_d:
        arc = _arc(fu)
        regions = _regions_report(f, arc, position, distance, ok, methods, radius, tol, min_depth)
        crit = tuple(float(a) for a in F.critical_alphas(f, tol=tol))
        jumps = _jumps(arc, alpha, seed, methods, ok, position, regions)
        disagreements = _disagreements(alpha, seed, methods, ok, position, jump)
    verdict = _verdict(f, regions, jumps, disagreements, outcome, ok)
    return Report(
        problem=str(getattr(result, "problem", "")),
        methods=tuple(dict.fromkeys(methods.tolist())),
        n_runs=n,
        distance=distance,
        position=position,
        dominated=dominated,
        converged=converged,
        diverged=diverged,
        outcome=outcome.astype(str),
        coverage=float(cov),
        gd=gd,
        igd=float(igd),
        hypervolume_fraction=float(hv_fraction),
        regions=regions,
        critical_alphas=crit,
        jumps=jumps,
        seed_disagreements=disagreements,
        radius=radius,
        verdict=verdict,
        method_coverage={k: float(v) for k, v in method_cov.items()},
    )


def _arc(fu: np.ndarray) -> np.ndarray:
    """Arc-length position (0 to 1) of each point of a scaled 2-D front."""
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(fu, axis=0), axis=1))]
    return arc / arc[-1] if arc[-1] > 0 else arc


def weighted_sum_outcomes(objectives, alpha, converged, diverged, front, *, tol: float = 0.02) -> np.ndarray:
    """Label weighted-sum runs against the prediction of a (dense) 2-D front.

    ``"global"``: converged on the front (within ``tol``) with ``L0 + alpha * L1`` within
    ``tol`` of its minimum over the front (a hit; both ends count at a tie such as alpha = 1
    on Fonseca-Fleming). ``"local"``: converged on the front but with a worse weighted sum: a
    local minimum, e.g. on a locally convex cap away from its end. ``"off-front"``: converged
    but farther than ``tol`` from the front. ``"unconverged"`` and ``"diverged"``: not evidence.
    Distances and weighted-sum gaps are in units of the front's extent (objectives scaled to
    [0, 1], the gap divided by ``1 + alpha``).

    >>> front = [[0.0, 1.0], [0.5, 0.8], [1.0, 0.0]]  # concave: alpha* = 1
    >>> weighted_sum_outcomes([[0.0, 1.0], [1.0, 0.0], [0.5, 0.8]], [0.5, 0.5, 2.0],
    ...                       [True, True, False], [False, False, False], front).tolist()
    ['global', 'local', 'unconverged']
    """
    f = F.pareto_front(F.as_points(front, "front"))
    if f.shape[1] != 2:
        raise ParetolabError(f"front: expected 2 objectives, got {f.shape[1]}")
    objectives = np.asarray(objectives, dtype=float)
    diverged = np.asarray(diverged, dtype=bool)
    out = np.full(len(objectives), "unconverged", dtype=object)
    out[diverged] = "diverged"
    ok = np.asarray(converged, dtype=bool) & ~diverged
    if not ok.any():
        return out.astype(str)
    lo, span = F._extent(f)
    fu, pts = (f - lo) / span, (objectives[ok] - lo) / span
    d_front = project_onto_front(objectives[ok], f)[0]
    # weighted sums in scaled units: alpha in scaled units is alpha * span1 / span0
    a_unit = np.nan_to_num(np.asarray(alpha, dtype=float)[ok], nan=0.0) * span[1] / span[0]
    best = fu[F.weighted_sum_optimum(fu, a_unit)]
    gap = (pts[:, 0] + a_unit * pts[:, 1] - (best[:, 0] + a_unit * best[:, 1])) / (1 + a_unit)
    out[ok] = np.where(d_front > tol, "off-front", np.where(gap <= tol, "global", "local"))
    return out.astype(str)


def _outcomes(f, objectives, alpha, methods, ok, diverged, tol):
    """:func:`weighted_sum_outcomes` for the linear runs with an alpha; "" for the others."""
    out = np.full(len(objectives), "", dtype=object)
    rows = (methods == "linear") & np.isfinite(alpha)
    if rows.any():
        out[rows] = weighted_sum_outcomes(objectives[rows], alpha[rows], ok[rows], diverged[rows], f, tol=tol)
    return out


def _regions_report(f, arc, position, distance, ok, methods, radius, tol, min_depth=0.0):
    near = ok & (distance <= radius)
    out = []
    for r in F.concave_regions(f, tol=tol):
        if r.depth < min_depth:
            continue
        d = r.to_dict()
        inside = near & (position > arc[r.start - 1]) & (position < arc[r.stop])
        core_lo, core_hi = _core_span(d, arc)
        in_core = inside & (position >= core_lo) & (position <= core_hi) & (r.core_stop > r.core_start)
        d["core_reached_by"] = sorted(set(methods[in_core].tolist()))
        d["flank_reached_by"] = sorted(set(methods[inside & ~in_core].tolist()))
        d["runs_in_core"] = int(in_core.sum())
        d["runs_on_flanks"] = int((inside & ~in_core).sum())
        out.append(d)
    return tuple(out)


def _jumps(arc, alpha, seed, methods, ok, position, regions):
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
                out.append({
                    "seed": int(s), "alpha_low": float(alpha[i]), "alpha_high": float(alpha[j]),
                    "from": float(position[i]), "to": float(position[j]),
                    "predicted_alpha": float(crossed[0]["alpha"]),
                })
    return tuple(out)


def _core_span(region: dict, arc: np.ndarray) -> tuple[float, float]:
    """Arc positions of a region's concave core (its middle point when the core is empty)."""
    if region["core_stop"] > region["core_start"]:
        return arc[region["core_start"]], arc[region["core_stop"] - 1]
    mid = (arc[region["start"] - 1] + arc[region["stop"]]) / 2
    return mid, mid


def _disagreements(alpha, seed, methods, ok, position, threshold):
    """Alpha values (shared by several seeds) at which converged runs land far apart."""
    out = []
    rows = (methods == "linear") & ok & np.isfinite(alpha)
    for a in np.unique(alpha[rows]):
        at = rows & (alpha == a)
        if np.unique(seed[at]).size < 2:
            continue
        p = position[at]
        if p.max() - p.min() > threshold:
            out.append({"alpha": float(a), "positions": sorted(float(v) for v in p), "seeds": int(at.sum())})
    return tuple(out)


def _verdict(f, regions, jumps, disagreements, outcome, ok) -> str:
    if not ok.any():
        return "no run converged: nothing to conclude; train longer or lower the learning rate"
    if f.shape[1] != 2:
        return "m > 2 objectives: see coverage and distance; concave regions are reported for 2 objectives"
    if not regions:
        return "the front is convex: alpha is tunable over the whole front"
    unreached = sum(1 for r in regions if not r["core_reached_by"])
    share = sum(r["share"] for r in regions)
    alphas = ", ".join(f"{r['alpha']:.3g}" for r in regions)
    text = (
        f"alpha is tunable only outside {len(regions)} concave region(s) covering {share:.0%} of the front; "
        f"the weighted sum jumps across them at alpha* = {alphas}"
    )
    if unreached:
        text += f"; {unreached} region core(s) reached by no run (use Chebyshev or an epsilon-constraint)"
    if disagreements:
        text += "; the seed decides the outcome at some alphas"
    return text


@dataclass(frozen=True)
class Analysis:
    """What a set of loss values says on its own: its front, what a weighted sum reaches there,
    and, when the runs carry their alpha and seed, the jumps and seed disagreements."""

    names: tuple[str, ...]
    n_points: int
    dropped: int
    front: np.ndarray
    supported: np.ndarray
    regions: tuple[dict, ...]
    critical_alphas: tuple[float, ...]
    balanced: tuple[float, ...]
    runs: Report | None = None
    min_depth: float = 0.0
    shallow_regions: int = 0

    def to_dict(self) -> dict:
        return {
            "names": list(self.names),
            "n_points": self.n_points,
            "dropped": self.dropped,
            "front": self.front.tolist(),
            "supported": self.supported.tolist(),
            "regions": list(self.regions),
            "critical_alphas": list(self.critical_alphas),
            "balanced": list(self.balanced),
            "runs": self.runs.to_dict() if self.runs is not None else None,
            "min_depth": self.min_depth,
            "shallow_regions": self.shallow_regions,
        }

    def __str__(self) -> str:
        names = ", ".join(self.names)
        lines = [
            f"{self.n_points} runs ({names}), {self.dropped} dropped (non-finite values or failed runs); "
            f"front of {len(self.front)} points, {int(self.supported.sum())} supported",
            "  balanced point: " + ", ".join(f"{n}={v:.4g}" for n, v in zip(self.names, self.balanced)),
        ]
        for r in self.regions:
            lines.append(
                f"  concave region {self.names[0]} in [{r['left'][0]:.4g}, {r['right'][0]:.4g}] "
                f"({r['share']:.0%} of the front, depth {r['depth']:.3f}): a weighted sum jumps at "
                f"alpha* = {r['alpha']:.4g}"
            )
        if self.shallow_regions:
            lines.append(
                f"  {self.shallow_regions} dent(s) shallower than {self.min_depth:.3g} ({NOISE_FACTOR:g}x the scatter "
                "between seeds at one alpha) left out: run-to-run noise, not a concave region"
            )
        if self.runs is not None:
            for j in self.runs.jumps[:5]:
                lines.append(f"  seed {j['seed']}: jumps between alpha {j['alpha_low']:.4g} and {j['alpha_high']:.4g}")
            if self.runs.seed_disagreements:
                lines.append("  seeds disagree at alpha = " + ", ".join(
                    f"{d['alpha']:.4g}" for d in self.runs.seed_disagreements))
        if len(self.front) and self.front.shape[1] != 2:
            verdict = "more than 2 objectives: see the supported points; regions need 2 objectives"
        elif not self.regions:
            verdict = "no concave region in these runs' front: every trade-off found is reachable by a weighted sum"
        else:
            verdict = (f"{len(self.regions)} concave region(s): no alpha reaches them; the weighted sum jumps at "
                       + ", ".join(f"{r['alpha']:.4g}" for r in self.regions))
        lines.append(f"VERDICT: {verdict}")
        return "\n".join(lines)


def analyze(points, /, *, names=None, alpha=None, seed=None, dropped: int = 0,
            tol: float = F.DEFAULT_TOL, min_depth: float | None = None) -> Analysis:
    """The empirical front of a set of loss values, with the regions no weighted sum reaches.

    Parameters
    ----------
    points : array_like, shape (n, m)
        One row per run (objectives minimised).
    alpha, seed : array_like, shape (n,), optional
        The weighted-sum alpha and seed of each run; with them the analysis also reports jumps
        between neighbouring alphas and alphas where seeds disagree.
    min_depth : float, optional
        Report only concave regions at least this deep (relative to the front's extent).
        Default: ``NOISE_FACTOR`` (6) times :func:`seed_noise` when alpha and seed are given,
        else 0. Scatter between seeds makes dents in an empirical front; on fronts with known
        scatter the deepest such dent was 4.2 times the
        scatter measure in 120 simulated sweeps, so 6 keeps noise out while deeper regions stay.

    Examples
    --------
    >>> t = np.linspace(0, np.pi / 2, 50)
    >>> a = analyze(np.c_[np.sin(t), np.cos(t)], names=("loss", "penalty"))
    >>> len(a.regions), round(a.regions[0]["alpha"], 6)
    (1, 1.0)
    """
    pts = F.as_points(points)
    names = tuple(names) if names is not None else tuple(f"L{j}" for j in range(pts.shape[1]))
    front = F.pareto_front(pts)
    supported = F.is_supported(front, tol=tol)
    two_d = pts.shape[1] == 2
    if min_depth is None:
        min_depth = NOISE_FACTOR * seed_noise(pts, alpha, seed, front) if alpha is not None and seed is not None else 0.0
    found = F.concave_regions(front, tol=tol) if two_d else []
    regions = tuple(r.to_dict() for r in found if r.depth >= min_depth)
    shallow = len(found) - len(regions)
    crit = tuple(float(a) for a in F.critical_alphas(front, tol=tol)) if two_d else ()
    balanced = tuple(float(v) for v in front[F.balanced_point(front)]) if len(front) else ()
    runs = None
    if alpha is not None and two_d and len(front):
        runs = compare(RunsAsSweep.linear(pts, alpha, seed), front, tol=tol, min_depth=min_depth)
    return Analysis(names, len(pts), int(dropped), front, supported, regions, crit, balanced, runs,
                    float(min_depth), shallow)


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
    lo, span = F._extent(F.as_points(front, "front"))
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


@dataclass(frozen=True)
class RunsAsSweep:
    """The few fields of a sweep result that :func:`compare` reads."""

    objectives: np.ndarray
    alpha: np.ndarray
    seed: np.ndarray
    method: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    problem: str = "runs"

    @classmethod
    def linear(cls, objectives, alpha, seed=None, converged=None, keep=None) -> "RunsAsSweep":
        """Weighted-sum runs from plain columns: seed 0 and converged unless given, rows ``keep``."""
        objectives = np.asarray(objectives, dtype=float)
        n = len(objectives)
        keep = np.ones(n, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
        k = int(keep.sum())
        return cls(
            objectives=objectives[keep],
            alpha=np.asarray(alpha, dtype=float)[keep],
            seed=(np.zeros(n, dtype=int) if seed is None else np.asarray(seed))[keep],
            method=np.full(k, "linear"),
            converged=(np.ones(n, dtype=bool) if converged is None else np.asarray(converged, dtype=bool))[keep],
            diverged=np.zeros(k, dtype=bool),
        )
