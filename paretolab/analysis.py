"""Step 6 of problem -> ... -> reference -> analysis: where training landed versus where it could
have landed, and a verdict a practitioner can act on: is alpha tunable?

:func:`compare` places the runs of a :class:`paretolab.runs.Runs` on a reference front (analytic,
NSGA-II or any points); :func:`analyze` does the same on the runs' own empirical front. Both
give one record, :class:`Report`, whose ``to_dict()`` is the report contract (``schema``
:data:`SCHEMA`) documented in the README ("How to read the verdict").

What it finds, on the data users have:

* **The alpha-response**: where a global optimiser of the weighted sum lands, per alpha. Only
  converged weighted-sum runs within the noise of the front's supporting line at their alpha
  count (a seed stuck in a local minimum, or a run off the front, says nothing about where
  alpha moves the solution); seeds are pooled, so one run per seed (Optuna trial ids) or no
  seed column at all works the same.
* **Gaps** (:class:`Gap`): stretches of more than :data:`GAP` of the front's extent between two
  consecutive points of the response, crossed without a run landing inside (a weighted sum
  never rests inside a concave stretch, so on a user's sweep the region itself is usually
  invisible). Each has the alpha of the hull edge across it, the bracket of alphas where runs
  left one end for the other, and a kind. ``"concave"``: front points behind the hull edge were
  seen. ``"disconnected"``: eps-constraint runs with bounds inside landed on its end (a hole).
  ``"unexplored"``: a jump whose inside is unknown: the response crossed it within a factor
  :data:`JUMP_WINDOW` of alpha (or at one alpha, seeds on both ends), moving at most
  1/:data:`STEP_RATIO` as fast on either side (arc per unit of log alpha, over as wide a stretch
  of alpha), or crossed it with a run at the chord's own alpha landing on an end. A convex
  stretch swept that fast is a switch, not a knob: the kind says only what the runs show.
  ``"unresolved"``: the crossing was faster than around it but the alphas are too far apart to
  tell; ``settle`` names the chord's alpha, whose run lands inside a convex stretch and on an
  end of anything else (``looks_like_jump`` when it barely moved around it). A crossing as
  fast as the moves around it is a coarse grid on a smooth front: no gap.
* **Noise** (``noise_floor``): measured from repeated runs at one setting (the scatter inside
  each cluster of outcomes, so that seeds landing on two sides of a jump do not count as
  noise; rows reproduced to the last bit are one run; with fewer than :data:`MIN_REPEATS`
  repeats, at least the front's roughness), else estimated from the roughness of the front,
  or taken from the reference front's own roughness (an NSGA-II front has errors of about
  1e-4) and, in :func:`compare`, the runs' distances to it. When it cannot be measured (a
  handful of points, no repeats) it is taken as ``GAP / DENT_FACTOR``. Regions and cores are
  found at a tolerance above it, and a dent is claimed only when it is deeper than
  :data:`DENT_FACTOR` noise floors (and, without repeats, spans :data:`DENT_POINTS` points);
  shallower ones are ``uncertain_regions`` with a warning, never "no alpha reaches them" (and
  a wide one makes a verdict from points alone "unknown").
* **Regions and cores** (:class:`RegionFindings`): each maximal locally concave stretch is its
  own core (a region can hold several); runs are placed on the front as a polyline (the whole
  NSGA-II archive when there is one) and count in a core only when inside it by more than the
  front's resolution and the noise.

Every step is O(n log n) time and O(n) memory for two objectives. Numpy and scipy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from paretolab import front as F
from paretolab.errors import ParetolabError
from paretolab.runs import Runs, dataframe_table, is_dataframe, plain, runs_from_table

__all__ = ["DENT_FACTOR", "DENT_POINTS", "GAP", "JUMP_WINDOW", "SCHEMA", "STEP_RATIO", "Cluster", "Core", "Gap", "Outcomes",
           "RegionFindings", "Report", "Suggestion", "analyze", "compare", "estimate_roughness",
           "project_onto_front", "seed_noise", "weighted_sum_outcomes"]

SCHEMA = 1
"""Version of the report contract (``Report.to_dict()``)."""
GAP = 0.1
"""Smallest unreached stretch reported as a gap: its chord, in units of the front's extent."""
STEP_RATIO = 3.0
"""The alpha-response crossing a gap looks like a jump when, on either side, it moved at most 1/3
as fast (arc per unit of log alpha, over as wide a stretch of alpha)."""
JUMP_WINDOW = 2.0
"""... and it is claimed as a jump when it crossed the whole gap within this factor of alpha."""
TIE = 0.02
"""A run within this relative distance of a gap's edge alpha settles it (the settle alphas are
printed to 3 significant digits); widened by the noise on the edge's slope."""
DENT_FACTOR = 8.0
"""A dent is claimed as a concave region only when deeper than this many noise floors."""
DENT_POINTS = 3
"""Without repeated runs, a dent must also span this many front points to be claimed."""
MIN_REPEATS = 8
"""With fewer repeated runs than this, the noise floor is at least the front's roughness."""
REGION_NOISE = 3.0
"""Regions and cores are found at a tolerance of this many noise floors (at least 1e-6)."""


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Core:
    """One locally concave stretch of a region: ``front[start:stop]``, from ``left`` to ``right``
    (points in the user's units); ``reached_by`` the methods with a converged run inside it."""

    start: int
    stop: int
    left: tuple[float, ...]
    right: tuple[float, ...]
    reached_by: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"left": list(self.left), "right": list(self.right), "reached_by": list(self.reached_by),
                "start": self.start, "stop": self.stop}


@dataclass(frozen=True)
class RegionFindings:
    """A concave region of the front (see :class:`paretolab.front.ConcaveRegion`) with what the
    runs did there: its cores and who reached them, and who rested on its locally convex
    flanks (local minima of the weighted sum)."""

    start: int
    stop: int
    left: tuple[float, ...]
    right: tuple[float, ...]
    alpha: float
    depth: float
    share: float
    cores: tuple[Core, ...]
    flank_reached_by: tuple[str, ...] = ()
    runs_in_core: int = 0
    runs_on_flanks: int = 0

    @property
    def core_reached_by(self) -> tuple[str, ...]:
        """The methods that reached any of its cores."""
        return tuple(sorted({m for c in self.cores for m in c.reached_by}))

    def to_dict(self) -> dict:
        return {"alpha": self.alpha, "depth": self.depth, "share": self.share, "left": list(self.left),
                "right": list(self.right), "cores": [c.to_dict() for c in self.cores],
                "core_reached_by": list(self.core_reached_by), "flank_reached_by": list(self.flank_reached_by),
                "runs_in_core": self.runs_in_core, "runs_on_flanks": self.runs_on_flanks, "start": self.start,
                "stop": self.stop}


@dataclass(frozen=True)
class Gap:
    """A stretch between two consecutive points of the alpha-response, ``left`` and ``right``,
    that the response crossed without a run landing inside.

    ``alpha``: the alpha of the hull edge across it (where a global optimiser jumps);
    ``alpha_bracket``: the last alpha whose optimal runs landed left of it and the first that
    landed right (where the solution jumps); ``jumps``: each seed's own ``(seed, alpha_low,
    alpha_high)``, local minima included (on locally convex flanks each seed jumps at its own
    alpha), and ``seeds`` how many; ``reached_by``: the other methods (Chebyshev, eps) whose
    converged runs reached inside it; ``kind``: ``"concave"``, ``"disconnected"``,
    ``"unexplored"`` or ``"unresolved"`` (see the module notes), ``looks_like_jump`` when the
    response barely moved around it; ``settle``: alpha and eps values whose runs would settle it
    (``{"alphas": [...], "epsilons": [...]}``: a run at the chord's alpha lands inside a convex
    gap and on an end of anything else; an eps-constraint run at L1 <= eps shows the inside).
    ``positions``: arc positions (0 to 1) of its ends along the front.
    """

    left: tuple[float, ...]
    right: tuple[float, ...]
    alpha: float
    alpha_bracket: tuple[float, float]
    seeds: int
    kind: str
    settle: dict
    positions: tuple[float, float]
    jumps: tuple[tuple[int, float, float], ...] = ()
    reached_by: tuple[str, ...] = ()
    looks_like_jump: bool = False

    def to_dict(self) -> dict:
        return {"left": list(self.left), "right": list(self.right), "alpha": self.alpha, "reached_by": list(self.reached_by),
                "alpha_bracket": list(self.alpha_bracket),
                "seeds": self.seeds, "kind": self.kind, "settle": plain(self.settle),
                "positions": list(self.positions),
                "jumps": [{"seed": s, "alpha_low": lo, "alpha_high": hi} for s, lo, hi in self.jumps],
                "looks_like_jump": self.looks_like_jump}


@dataclass(frozen=True)
class Cluster:
    """Runs of one setting that landed together: their median ``point``, how many (``runs``,
    of which ``converged``), which seeds."""

    point: tuple[float, ...]
    runs: int
    seeds: tuple[int, ...]
    converged: int = 0


@dataclass(frozen=True)
class Outcomes:
    """Where the runs of one method and setting (``alpha``, ``epsilon``, or a weight vector for
    m > 2, named by ``label``) landed, as clusters along the front: never averaged across them."""

    method: str
    value: float
    clusters: tuple[Cluster, ...]
    label: str = ""

    @property
    def split(self) -> bool:
        """Converged runs of this setting landed in more than one place (the seed decides)."""
        return sum(c.converged > 0 for c in self.clusters) > 1


@dataclass(frozen=True)
class Suggestion:
    """A setting for a ``target`` of the front (``"balanced"``: equal losses in units of the
    front's extent, at ``point``; inside a gap, on the straight line across it): the ``alpha``
    whose runs (``seeds``) reach it, or, when no alpha does, the ``epsilon`` of an
    eps-constraint (min L0 s.t. L1 <= eps) that would."""

    target: str
    point: tuple[float, ...]
    alpha: float | None
    seeds: tuple[int, ...]
    epsilon: float | None


@dataclass(frozen=True)
class Report:
    """Runs set against a front, and the verdict. ``str(report)`` is the summary; ``to_dict()``
    the contract (keys documented in the README); ``to_json()``.

    ``front`` is the front compared with (``empirical``: the runs' own, from :func:`analyze`),
    ``supported`` its points a weighted sum reaches. ``tunable`` is ``"yes"``, ``"partly"``,
    ``"no"`` or ``"unknown"``. Per run of ``runs``: ``distance`` to the front and ``position``
    along it (arc fraction, both on objectives scaled to the front's extent; NaN for diverged or
    failed runs), ``dominated`` by the front, and for weighted-sum runs ``outcome``
    (:func:`weighted_sum_outcomes`). Summaries use the converged runs only.
    """

    source: str
    names: tuple[str, ...]
    front: np.ndarray
    empirical: bool
    supported: np.ndarray
    verdict: str
    tunable: str
    regions: tuple[RegionFindings, ...]
    uncertain_regions: tuple[F.ConcaveRegion, ...]
    gaps: tuple[Gap, ...]
    outcomes: tuple[Outcomes, ...]
    noise_floor: float | None
    noise_source: str | None
    tolerances: dict
    warnings: tuple[str, ...]
    suggested: Suggestion | None
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
    dropped: int = 0
    tunable_alphas: tuple[tuple[float, float], ...] = field(default=())

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.runs.method.tolist()))

    @property
    def diverged(self) -> np.ndarray:
        """Diverged, failed or non-finite runs: never evidence."""
        return self.runs.diverged | self.runs.failed | ~np.isfinite(self.runs.objectives).all(axis=1)

    @property
    def converged(self) -> np.ndarray:
        """The evidence: converged runs that neither diverged nor failed."""
        return self.runs.converged & ~self.diverged

    @property
    def n_points(self) -> int:
        """Runs with finite losses."""
        return int((~self.runs.failed & np.isfinite(self.runs.objectives).all(axis=1)).sum())

    @property
    def radius(self) -> float:
        return float(self.tolerances["radius"])

    def to_dict(self, *, runs: bool = False) -> dict:
        """The report contract as plain Python (NaN as None), ready for ``json.dumps``. Per-run
        arrays (``distance``, ``position``, ``dominated``, ``outcome``, ``converged``) and the
        seeds of each outcome cluster only when ``runs`` (a million runs stay a small report)."""
        out = {
            "schema": SCHEMA, "verdict": self.verdict, "tunable": self.tunable,
            "regions": [r.to_dict() for r in self.regions], "gaps": [g.to_dict() for g in self.gaps],
            "noise_floor": plain(self.noise_floor), "noise_source": self.noise_source,
            "tolerances": plain(self.tolerances), "warnings": list(self.warnings),
            "suggested": None if self.suggested is None else plain(self.suggested),
            "tunable_alphas": [list(a) for a in self.tunable_alphas],
            "uncertain_regions": [r.to_dict() for r in self.uncertain_regions],
            "outcomes": [{**o, "clusters": [c if runs else {k: v for k, v in c.items() if k != "seeds"}
                                            for c in o["clusters"]]} for o in plain(self.outcomes)],
            "source": self.source, "names": list(self.names),
            "empirical": self.empirical, "methods": list(self.methods), "n_runs": len(self.runs),
            "n_points": self.n_points, "dropped": self.dropped, "front": plain(self.front),
            "supported": plain(self.supported), "critical_alphas": list(self.critical_alphas),
            "balanced": list(self.balanced), "coverage": self.coverage,
            "method_coverage": plain(self.method_coverage), "gd": plain(self.gd), "igd": plain(self.igd),
            "hypervolume_fraction": self.hypervolume_fraction,
        }
        if runs:
            out["runs"] = {"distance": plain(self.distance), "position": plain(self.position),
                           "dominated": plain(self.dominated), "outcome": plain(self.outcome),
                           "converged": plain(self.converged), "alpha": plain(self.runs.alpha),
                           "seed": None if self.runs.seed is None else plain(self.runs.seed),
                           "method": plain(self.runs.method)}
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        return _text(self)


# --------------------------------------------------------------------------- geometry, O(n log n)
@dataclass(frozen=True)
class _Geometry:
    """A 2-D front as a polyline in units of its extent, with arc positions and a search index."""

    points: np.ndarray
    lo: np.ndarray
    span: np.ndarray
    unit: np.ndarray
    arc: np.ndarray  # (f,) fraction of the arc length, 0 to 1
    length: float


def _geometry(front: np.ndarray) -> _Geometry:
    lo, span = F.extent(front)
    unit = (front - lo) / span
    seg = np.hypot(*np.diff(unit, axis=0).T) if len(unit) > 1 else np.zeros(0)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    length = float(arc[-1])
    return _Geometry(front, lo, span, unit, arc / length if length > 0 else arc, length)


def _project(g: _Geometry, points_unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance to the polyline and arc position of its nearest point, for each point.

    The polyline is sampled at most ``h`` apart into a k-d tree (``h`` at most a quarter of the
    mean segment and 1/1000 of the arc). The segments of the 8 nearest samples are checked
    exactly; for points within ``8 h`` of the polyline, more neighbours are asked for until every
    sample within (the nearest sample's distance + h) is among them: their segments hold the
    nearest one, so the answer is exact there. Farther out the distance is exact to within
    ``h / 2`` (a sample lies within ``h / 2`` of the nearest point), and the work stays
    O(log f) per point however dense the front. Points go in chunks: memory O(chunk), not O(n).
    """
    from scipy.spatial import cKDTree

    q = points_unit
    if len(g.unit) == 1 or g.length == 0:
        return np.linalg.norm(q - g.unit[0], axis=1), np.zeros(len(q))
    a, d = g.unit[:-1], np.diff(g.unit, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    h = g.length / max(4 * len(seg), 1000)
    per = np.maximum(1, np.ceil(seg / h).astype(int))
    which = np.repeat(np.arange(len(seg)), per)
    t = (np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)) / np.repeat(per, per)
    samples = np.vstack([a[which] + t[:, None] * d[which], g.unit[-1:]])
    which = np.append(which, len(seg) - 1)
    tree = cKDTree(samples)

    def nearest(pts, k):
        """The nearest of the segments of each point's k nearest samples, and whether samples
        within (nearest sample + h) may lie beyond the k asked for."""
        dist_k, idx_k = tree.query(pts, k=k)
        dist_k, idx_k = dist_k.reshape(len(pts), k), idx_k.reshape(len(pts), k)
        segs = which[idx_k]
        aa, dd, ss = a[segs], d[segs], seg[segs]
        tt = np.clip(((pts[:, None, :] - aa) * dd).sum(axis=2) / np.where(ss > 0, ss**2, 1.0), 0.0, 1.0)
        gap = np.hypot(*np.moveaxis(aa + tt[..., None] * dd - pts[:, None, :], 2, 0))
        j = np.argmin(gap, axis=1)
        r = np.arange(len(pts))
        more = (dist_k[:, -1] < dist_k[:, 0] + h) & (dist_k[:, 0] <= 8 * h) & (k < len(samples))
        return gap[r, j], g.arc[segs[r, j]] + tt[r, j] * ss[r, j] / g.length, more

    dist, pos = np.empty(len(q)), np.empty(len(q))
    for lo in range(0, len(q), 1 << 15):
        chunk = q[lo : lo + (1 << 15)]
        k = min(16, len(samples))
        dc, pc, more = nearest(chunk, k)
        while more.any():
            k = min(4 * k, len(samples))
            sel = np.flatnonzero(more)
            d2, p2, more2 = nearest(chunk[sel], k)
            dc[sel], pc[sel] = d2, p2  # a superset of the candidates: at least as near
            more = np.zeros(len(chunk), dtype=bool)
            more[sel] = more2
        dist[lo : lo + len(chunk)], pos[lo : lo + len(chunk)] = dc, pc
    return dist, pos


def project_onto_front(points, front, /) -> tuple[np.ndarray, np.ndarray]:
    """Distance of each point to a 2-D front drawn as a polyline, and its position along it.

    Objectives are scaled to the front's extent. The position is the arc-length fraction
    (0 = the lowest-L0 end, 1 = the lowest-L1 end) of the nearest point of the polyline.
    O((n + f) log f) time.

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
    g = _geometry(f)
    return _project(g, (p - g.lo) / g.span)


def _dominated_2d(front: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Is each point dominated by some front point (front in pareto_front order)? O(n log f)."""
    k = np.searchsorted(front[:, 0], points[:, 0], side="right") - 1
    ok = k >= 0
    f = front[np.maximum(k, 0)]
    return ok & (f[:, 1] <= points[:, 1]) & ((f[:, 0] < points[:, 0]) | (f[:, 1] < points[:, 1]))


def _coverage(g: _Geometry, reached_unit: np.ndarray, radius: float) -> float:
    """Share of the front's arc within ``radius`` of a reached point: exact for small inputs, to
    within 1/20000 of the arc for large ones (a k-d tree over the reached points)."""
    if len(reached_unit) == 0:
        return 0.0
    if len(g.unit) * len(reached_unit) <= 4_000_000 or len(g.unit) < 2:
        return float(F.coverage(reached_unit, g.unit, radius))
    from scipy.spatial import cKDTree

    s = (np.arange(20_000) + 0.5) / 20_000
    samples = np.c_[np.interp(s, g.arc, g.unit[:, 0]), np.interp(s, g.arc, g.unit[:, 1])]
    d, _ = cKDTree(reached_unit).query(samples, distance_upper_bound=radius * (1 + 1e-12))
    return float(np.mean(d <= radius))


# --------------------------------------------------------------------------- noise
def estimate_roughness(front) -> float | None:
    """Noise floor of a sampled 2-D front from its roughness, in units of its extent.

    The points are taken in ``pareto_front`` order; see :func:`_roughness`. A bend of the front
    itself inflates the estimate a little (so it errs towards claiming fewer dents). ``None``
    for fronts of fewer than 7 points.

    >>> x = np.linspace(0, 1, 400)
    >>> smooth = np.c_[x, (1 - x) ** 2]
    >>> estimate_roughness(smooth) < 1e-6
    True
    >>> noisy = smooth + np.random.default_rng(0).normal(0, 1e-3, smooth.shape)
    >>> 2e-4 < estimate_roughness(F.pareto_front(noisy)) < 3e-3
    True
    """
    f = F.as_front2d(F.pareto_front(F.as_points(front, "front")))
    lo, span = F.extent(f)
    return _roughness((f - lo) / span)


def _roughness(u: np.ndarray) -> float | None:
    """Noise of points in order along a curve (units of ``u``): each interior point's signed
    distance to the chord of its two neighbours, less the mean of its neighbours' (what a smooth
    bend cannot explain); of their absolute values the median and the 99th percentile, each
    scaled so that iid normal noise of standard deviation sigma per coordinate gives sigma, and
    the larger of the two (heavy tails, as in an NSGA-II front that converged better in some
    stretches than in others, raise it). ``None`` for fewer than 7 points."""
    if len(u) < 7:
        return None
    a, b, c = u[:-2], u[1:-1], u[2:]
    chord = c - a
    norm = np.hypot(chord[:, 0], chord[:, 1])
    keep = norm > 0
    d = np.zeros(len(b))
    d[keep] = ((b - a)[keep, 0] * chord[keep, 1] - (b - a)[keep, 1] * chord[keep, 0]) / norm[keep]
    e = np.abs(d[1:-1] - 0.5 * (d[:-2] + d[2:])) / math.sqrt(4.375)
    return float(max(np.median(e) / 0.6745, np.quantile(e, 0.99) / 2.5758))


def _clusters_along(pos: np.ndarray, unit: np.ndarray, gap: float) -> list[np.ndarray]:
    """Split rows (sorted by arc position) where neighbours are farther apart than ``gap``."""
    order = np.argsort(pos, kind="stable")
    if order.size == 0:
        return []
    step = np.linalg.norm(np.diff(unit[order], axis=0), axis=1)
    return np.split(order, np.flatnonzero(step > gap) + 1)


def _sorted_blocks(keys) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by ``keys`` (1-D arrays, the first the primary key; stable) and where each
    block of equal keys starts in that order. O(n log n), without the row views of
    ``np.unique(axis=0)``."""
    keys = [np.unique(k, return_inverse=True)[1].reshape(-1) if np.asarray(k).dtype.kind in "OSU" else np.asarray(k)
            for k in keys]  # labels as numbers (lexsort cannot sort objects)
    order = np.lexsort(keys[::-1])
    new = np.zeros(order.size, dtype=bool)
    new[:1] = True
    for k in keys:
        ks = k[order]
        new[1:] |= ks[1:] != ks[:-1]
    return order, new


def _group_ids(*keys) -> np.ndarray:
    """The number of each row's distinct combination of ``keys`` (0, 1, ... in sorted order).

    >>> _group_ids(np.array(["b", "a", "b"]), np.array([1.0, 1.0, 1.0])).tolist()
    [1, 0, 1]
    """
    order, new = _sorted_blocks(keys)
    ids = np.empty(order.size, dtype=np.intp)
    ids[order] = np.cumsum(new) - 1
    return ids


def _first_rows(*keys) -> np.ndarray:
    """Indices of the first row of each distinct combination of ``keys``, in row order.

    >>> _first_rows(np.array([1.0, 2.0, 1.0, 3.0]), np.array([0, 0, 0, 1])).tolist()
    [0, 1, 3]
    """
    order, new = _sorted_blocks(keys)
    return np.sort(order[new])


def seed_noise(points_unit, setting, position, gap: float = GAP) -> tuple[float | None, int]:
    """Noise floor from repeated runs of one setting, in the units of ``points_unit``.

    Rows with the same ``setting`` (e.g. method and alpha) are repeats. Along the front (by
    ``position``) they split into clusters of outcomes wherever neighbours are more than
    ``gap`` apart: seeds on two sides of a jump are two clusters, and their spread is not noise.
    Inside each cluster of ``k >= 2`` runs, the distances to the cluster's coordinate-wise
    median (times ``sqrt(k / (k - 1))``; a seed stuck in a local minimum near the others moves
    it little); their median over all clusters, scaled so that iid normal noise of standard
    deviation sigma per objective gives about sigma (0.9 sigma for k = 4). Returns ``(sigma,
    runs used)``; ``(None, 0)`` without repeats.

    >>> pts = np.array([[0.0, 1.0], [0.01, 1.0], [1.0, 0.0], [1.0, 0.02]])
    >>> sigma, used = seed_noise(pts, [1, 1, 2, 2], [0.0, 0.0, 1.0, 1.0])
    >>> round(sigma, 4), used
    (0.009, 4)
    """
    pts = np.asarray(points_unit, dtype=float)
    group = _group_ids(np.asarray(setting))
    order, cluster = _grouped_clusters(group, np.asarray(position, dtype=float), pts, gap)
    size = np.bincount(cluster)
    big = size[cluster] >= 2
    if not big.any():
        return None, 0
    p = pts[order]
    starts = np.flatnonzero(np.r_[True, np.diff(cluster) != 0])
    med = np.empty((starts.size, p.shape[1]))
    for j in range(p.shape[1]):  # the coordinate-wise median of each cluster, by one sort
        srt = np.lexsort((p[:, j], cluster))
        vals = p[srt, j]
        lo, hi = starts + (size - 1) // 2, starts + size // 2
        med[:, j] = 0.5 * (vals[lo] + vals[hi])
    # distances to the median, not the mean: one seed stuck elsewhere in the cluster moves the
    # median of the others' distances little; k / (k - 1) for the centre taken from the sample
    dev = np.linalg.norm(p - med[cluster], axis=1) * np.sqrt(size[cluster] / np.maximum(size[cluster] - 1, 1))
    dev = dev[big]
    return float(np.median(dev) / math.sqrt(2 * math.log(2))), int(dev.size)


def _grouped_clusters(group: np.ndarray, pos: np.ndarray, unit: np.ndarray, gap: float):
    """Rows ordered by (group, position along the front) and the cluster number of each, in that
    order: a new cluster starts with a new group or where neighbours are more than ``gap`` apart.
    O(n log n), no loop over groups."""
    order = np.lexsort((pos, group))
    if order.size == 0:
        return order, np.zeros(0, dtype=np.intp)
    g, u = group[order], unit[order]
    step = np.linalg.norm(np.diff(u, axis=0), axis=1)
    new = np.r_[True, (np.diff(g) != 0) | (step > gap)]
    return order, np.cumsum(new) - 1


# --------------------------------------------------------------------------- outcomes
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
    g = _geometry(f)
    pts = (objectives[ok] - g.lo) / g.span
    d_front = _project(g, pts)[0]
    # weighted sums in scaled units: alpha in scaled units is alpha * span1 / span0
    a_unit = runs.alpha[ok] * g.span[1] / g.span[0]
    best = g.unit[F.weighted_sum_optimum(g.unit, a_unit)]
    gap = (pts[:, 0] + a_unit * pts[:, 1] - (best[:, 0] + a_unit * best[:, 1])) / (1 + a_unit)
    out[ok] = np.where(d_front > tol, "off-front", np.where(gap <= tol, "global", "local"))
    return out.astype(str)


def _outcomes(runs: Runs, ok: np.ndarray, unit: np.ndarray, pos: np.ndarray, gap: float) -> tuple[Outcomes, ...]:
    """Per method and setting (alpha, eps, or weight vector for m > 2), the clusters of all its
    runs with finite losses along the front (``pos``), each with how many of them converged."""
    finite = ~runs.failed & np.isfinite(runs.objectives).all(axis=1)
    m = runs.objectives.shape[1]
    value = np.where(runs.method == "eps", runs.epsilon, runs.alpha)
    rows = np.flatnonzero(finite & (np.isfinite(value) | (m > 2)))
    if rows.size == 0:
        return ()
    group = _group_ids(runs.method[rows], *([value[rows]] if m == 2 else runs.weights[rows].T))
    order, cluster = _grouped_clusters(group, pos[rows], unit[rows], gap)
    members = rows[order]
    starts = np.flatnonzero(np.r_[True, np.diff(cluster) != 0])
    # per cluster: the coordinate-wise median (a sort of each coordinate within the clusters)
    size = np.diff(np.r_[starts, members.size])
    med = np.empty((starts.size, m))
    for j in range(m):
        srt = np.lexsort((runs.objectives[members, j], cluster))
        vals = runs.objectives[members[srt], j]
        lo, hi = starts + (size - 1) // 2, starts + size // 2
        med[:, j] = 0.5 * (vals[lo] + vals[hi])
    conv = np.add.reduceat(ok[members].astype(int), starts).tolist()
    # as Python lists once (one Cluster per alpha and outcome: there may be a million)
    seeds = [] if runs.seed is None else runs.seed[members][np.lexsort((runs.seed[members], cluster))].tolist()
    first_rows = np.minimum.reduceat(members, starts).tolist()
    cluster_group = group[order][starts].tolist()
    out, current = [], []
    for c, (st, n, centre) in enumerate(zip(starts.tolist(), size.tolist(), med.tolist())):
        current.append(Cluster(tuple(centre), n, tuple(seeds[st : st + n]), conv[c]))
        if c + 1 == starts.size or cluster_group[c + 1] != cluster_group[c]:
            first = min(first_rows[c + 1 - len(current) : c + 1])
            if m == 2:
                label = ("eps=" if runs.method[first] == "eps" else "alpha=") + f"{value[first]:.6g}"
            else:
                label = "w=" + ",".join(f"{v:g}" for v in runs.weights[first])
            out.append((first, Outcomes(str(runs.method[first]), float(value[first]), tuple(current), label)))
            current = []
    if m == 2:  # by method (in order of appearance), then value
        methods = list(dict.fromkeys(runs.method[rows].tolist()))
        return tuple(o for _, o in sorted(out, key=lambda t: (methods.index(t[1].method), t[1].value)))
    return tuple(o for _, o in sorted(out, key=lambda t: t[0]))  # in the order the weights came


# --------------------------------------------------------------------------- regions
def _region_findings(found, g: _Geometry, pos, dist, ok, methods, radius, margin) -> tuple[RegionFindings, ...]:
    near = ok & (dist <= radius)
    out = []
    for r in found:
        lo_arc, hi_arc = g.arc[r.start - 1], g.arc[r.stop]
        inside = near & (pos > lo_arc) & (pos < hi_arc)
        in_any = np.zeros(len(pos), dtype=bool)
        cores = []
        for c0, c1 in r.cores:
            a0, a1 = g.arc[max(c0 - 1, r.start - 1)], g.arc[min(c1, r.stop)]
            span_margin = max(margin, float(np.max(np.diff(g.arc[max(c0 - 1, 0):min(c1, len(g.arc) - 1) + 1]),
                                                   initial=0.0)))
            within = inside & (pos > a0 + span_margin) & (pos < a1 - span_margin)
            in_any |= within
            cores.append(Core(int(c0), int(c1), tuple(float(v) for v in g.points[c0]),
                              tuple(float(v) for v in g.points[c1 - 1]),
                              tuple(sorted(set(methods[within].tolist())))))
        out.append(RegionFindings(
            start=r.start, stop=r.stop, left=r.left, right=r.right, alpha=r.alpha, depth=r.depth, share=r.share,
            cores=tuple(cores), flank_reached_by=tuple(sorted(set(methods[inside & ~in_any].tolist()))),
            runs_in_core=int(in_any.sum()), runs_on_flanks=int((inside & ~in_any).sum())))
    return tuple(out)


# --------------------------------------------------------------------------- the alpha-response
@dataclass(frozen=True)
class _Response:
    """Where a global optimiser of the weighted sum landed, per alpha: the converged
    weighted-sum runs within ``tau`` of the front's supporting line at their alpha (local
    minima and runs off the front are not evidence of where alpha moves the solution), pooled
    over seeds. ``rows`` sorted by alpha; ``alphas`` the distinct ones with the median arc
    position of their runs (arc fraction) and how many there are."""

    rows: np.ndarray
    alphas: np.ndarray
    position: np.ndarray
    count: np.ndarray

    def at(self, alpha: float) -> int:
        return int(np.searchsorted(self.alphas, alpha))


def _response(runs: Runs, linear: np.ndarray, unit: np.ndarray, pos: np.ndarray, g: _Geometry, tau: float) -> _Response:
    rows = np.flatnonzero(linear)
    a = runs.alpha[rows] * g.span[1] / g.span[0]
    best = g.unit[F.weighted_sum_optimum(g.unit, a)] if rows.size else np.zeros((0, 2))
    excess = (unit[rows, 0] + a * unit[rows, 1] - best[:, 0] - a * best[:, 1]) / np.hypot(1.0, a)
    rows = rows[excess <= tau]
    rows = rows[np.lexsort((pos[rows], runs.alpha[rows]))]
    alphas, start, count = np.unique(runs.alpha[rows], return_index=True, return_counts=True)
    mid = start + (count - 1) // 2  # the median position (rows of one alpha are sorted by it)
    return _Response(rows, alphas, pos[rows][mid], count)


# --------------------------------------------------------------------------- gaps
def _hull_alpha(g: _Geometry, supported: np.ndarray, x0: float, x1: float) -> tuple[float, int, int]:
    """The alpha of the hull edge of the front over ``[x0, x1]`` (L0 in units of the extent):
    the edge between the last hull vertex at or left of ``x0`` and the first at or right of
    ``x1``; with its two vertex indices."""
    hull = np.flatnonzero(supported)
    hx = g.unit[hull, 0]
    i = hull[max(np.searchsorted(hx, x0, side="right") - 1, 0)]
    j = hull[min(np.searchsorted(hx, x1, side="left"), len(hull) - 1)]
    if i == j:
        return math.nan, int(i), int(j)
    a, b = g.points[i], g.points[j]
    return float((a[0] - b[0]) / (b[1] - a[1])) if b[1] != a[1] else math.inf, int(i), int(j)


def _behind(g: _Geometry, i: int, j: int, pts_unit: np.ndarray) -> np.ndarray:
    """Distance of points above (behind) the hull edge from vertex i to vertex j (unit coords)."""
    return _signed_to_chord(g.unit[i], g.unit[j], pts_unit)


def _signed_to_chord(a: np.ndarray, b: np.ndarray, pts_unit: np.ndarray) -> np.ndarray:
    """Signed distance of points from the line a -> b (a left of b): positive behind it (away
    from the origin), negative in front of it."""
    e = b - a
    n = math.hypot(*e)
    if n == 0:
        return np.zeros(len(pts_unit))
    v = pts_unit - a
    return (e[0] * v[:, 1] - e[1] * v[:, 0]) / n


def _split(runs: Runs, resp: _Response, pos, mid: float, a_from: float, a_to: float, seed, rows) -> bool:
    """Do the runs optimal at alphas in [a_from, a_to] land on both sides of ``mid`` (a tie at
    alpha*, seeds split), with at least a quarter of them (and one) on the smaller side, whose
    seeds land on the other side at other alphas (a seed resting at one place for every alpha
    is a local minimum, not a side of a tie)? ``rows``: the runs that show where seeds land."""
    at = resp.rows[(runs.alpha[resp.rows] >= a_from) & (runs.alpha[resp.rows] <= a_to)]
    left = pos[at] <= mid
    if min(left.sum(), (~left).sum()) < max(1, 0.25 * at.size):
        return False
    small = at[left] if left.sum() <= (~left).sum() else at[~left]
    other = rows & ((pos > mid) if pos[small[0]] <= mid else (pos <= mid))
    return bool(np.isin(seed[small], seed[other]).all())


def _chord_alpha(a, b) -> float:
    """The alpha at which a weighted sum ties the points ``a`` and ``b`` (a left of b): between
    them, a run at it lands inside a convex stretch and on an end of anything else."""
    return float((b[0] - a[0]) / (a[1] - b[1])) if a[1] != b[1] else math.inf


def _at_the_edge(a, b, a_lo: float, a_hi: float, tie: float) -> bool:
    """Did a global optimiser at (about) the alpha of the chord from ``a`` to ``b`` land on one
    of its ends? Then nothing lies below the chord: a convex stretch there would have been
    reached at that alpha. ``tie``: the relative tolerance on that alpha."""
    edge = _chord_alpha(a, b)
    near = math.log1p(tie)
    return bool(edge > 0 and min(abs(math.log(a / edge)) if a > 0 else math.inf for a in (a_lo, a_hi)) <= near)


def _speed(resp: _Response, k_from: int, k_to: int, noise: float) -> float:
    """Arc moved per unit of log(alpha) between two of the response's alphas, plus what the
    noise could hide: two medians of n1 and n2 noisy runs differ by up to about
    ``2.5 noise sqrt(1/n1 + 1/n2)`` with no move at all (``noise`` in arc fractions)."""
    lo, hi = resp.alphas[k_from], resp.alphas[k_to]
    if not (lo > 0 and hi > lo):
        return math.inf
    slack = 2.5 * noise * math.sqrt(1 / resp.count[k_from] + 1 / resp.count[k_to])
    return (abs(resp.position[k_to] - resp.position[k_from]) + slack) / math.log(hi / lo)


def _side_speeds(resp: _Response, ka: int, kb: int, width: float, noise: float) -> tuple[float | None, float | None]:
    """The response's speed left of alpha ``ka`` and right of ``kb``: the larger of its speeds
    over a stretch of log(alpha) at least ``width / 4`` and at least ``width`` wide (as far as
    the alphas tried reach), so that a side is slow only when slow at both scales (a response
    speeding up towards a corner of the front is not slow; alphas closer than ``width / 4`` say
    nothing over the noise). When the next alpha on a side is farther than ``4 width`` (or a
    factor :data:`JUMP_WINDOW`), the whole move to it counts as if made within ``width``: a void
    in the alphas could hide the response speeding up. ``None`` on a side with no alpha tried."""
    a = resp.alphas
    left = right = None
    reach = max(math.exp(4 * width), JUMP_WINDOW)
    if ka > 0:
        near, far = (int(np.searchsorted(a, a[ka] / math.exp(w) * (1 + 1e-9), side="right")) - 1
                     for w in (width / 4, width))
        left = max(_speed(resp, max(near, 0), ka, noise), _speed(resp, max(far, 0), ka, noise))
        if a[ka - 1] * reach < a[ka]:
            left = max(left, _speed(resp, ka - 1, ka, noise) * math.log(a[ka] / a[ka - 1]) / width)
    if kb < len(a) - 1:
        near, far = (int(np.searchsorted(a, a[kb] * math.exp(w) * (1 - 1e-9), side="left")) for w in (width / 4, width))
        right = max(_speed(resp, kb, min(near, len(a) - 1), noise), _speed(resp, kb, min(far, len(a) - 1), noise))
        if a[kb] * reach < a[kb + 1]:
            right = max(right, _speed(resp, kb, kb + 1, noise) * math.log(a[kb + 1] / a[kb]) / width)
    return left, right


def _trusted_sides(resp: _Response, ka: int, kb: int, width: float, noise: float, crossing: float) -> list:
    """:func:`_side_speeds`, but a side whose alphas span less than ``width / 4`` of log(alpha)
    shows a fast move only by its own move, and one more than twice what the noise could hide
    (over so short a stretch a small move is a high speed); else, when it would pass for fast,
    it is unknown (None). (Without this a range ending just past a jump, alphas 1 and 1.05 on
    its far side, passed for a coarse grid across a fast move, and the jump was missed.)"""
    speeds = _side_speeds(resp, ka, kb, width, noise)
    own = _side_speeds(resp, ka, kb, width, 0.0)  # the same without the noise allowance
    a = resp.alphas
    short = (ka > 0 and math.log(a[ka] / a[0]) < width / 4, kb < len(a) - 1 and math.log(a[-1] / a[kb]) < width / 4)
    fast = crossing / 1.5
    return [None if s is not None and sh and s >= fast and (r < fast or r < 2 * (s - r)) else s
            for s, r, sh in zip(speeds, own, short)]


def _gaps(runs: Runs, ok, near, dominated, unit, pos, g: _Geometry, supported, gap, tau, noise, noise_floor,
          resp: _Response, empirical: bool, repeats: bool, depth_tol: float) -> tuple[Gap, ...]:
    """Stretches between consecutive points reached by a global optimiser (along the front)
    that the alpha-response crossed without landing inside; what the runs and the front show
    tells its kind (see the module notes)."""
    linear = ok & (runs.method == "linear") & np.isfinite(runs.alpha)
    if resp.alphas.size < 2:
        return ()
    reached = resp.rows[near[resp.rows]]
    order = reached[np.argsort(pos[reached], kind="stable")]
    chord = np.linalg.norm(np.diff(unit[order], axis=0), axis=1)
    seed = runs.seed if runs.seed is not None else _pseudo_seeds(runs.alpha, pos, linear)
    out = []
    for k in np.flatnonzero(chord > gap):
        ia, ib = order[k], order[k + 1]
        pa, pb = pos[ia], pos[ib]
        ua, ub = unit[ia], unit[ib]
        x0, x1 = sorted((ua[0], ub[0]))
        # supported front points well inside (farther than half a gap from both ends, and below the
        # chord: a convex bulge, not a straight stretch where every point ties at one alpha):
        # alpha reaches there and the grid only skipped it; a fast move along the front, no jump
        far = (np.linalg.norm(g.unit - ua, axis=1) > gap / 2) & (np.linalg.norm(g.unit - ub, axis=1) > gap / 2)
        inner = np.flatnonzero(supported & far & (g.unit[:, 0] > x0) & (g.unit[:, 0] < x1))
        if inner.size and (-_signed_to_chord(ua, ub, g.unit[inner]) > tau).any():
            continue
        # the response on either side: the last alpha landing left of the gap, the first right of it
        mid = 0.5 * (pa + pb)
        left = pos[resp.rows] <= mid
        a_lo = float(runs.alpha[resp.rows[left]].max())
        a_hi = float(runs.alpha[resp.rows[~left]].min())
        ka, kb = resp.at(a_lo), resp.at(a_hi)
        window = a_hi / a_lo if a_lo > 0 else math.inf
        tie = max(TIE, DENT_FACTOR * noise / max(float(np.linalg.norm(ub - ua)), 1e-300))
        width = math.log(window) if 1 < window < math.inf else 0.0
        crossing = abs(pb - pa) / width if width > 0 else math.inf
        sides = [s for s in _trusted_sides(resp, ka, kb, width, noise_floor / max(g.length, 1e-300), crossing)
                 if s is not None] if width > 0 else []
        isolated = len(sides) == 2 and max(sides) <= crossing / STEP_RATIO
        suspect = len(sides) < 2 or crossing >= 1.5 * max(sides)
        alpha, i, j = _hull_alpha(g, supported, x0, x1)
        # what is known of the inside: front points behind the hull edge across the gap (and, on
        # the runs' own front, the gap's ends themselves when not dominated: flank minima)
        ends = [u[None] for u, r in ((ua, ia), (ub, ib)) if empirical and not dominated[r]]
        cand = np.vstack([g.unit[(g.unit[:, 0] > x0) & (g.unit[:, 0] < x1)], *ends])
        behind = _behind(g, i, j, cand) if i != j else np.zeros(0)
        depth_behind = float(np.max(behind, initial=0.0))
        # the same standard as a claimed region: without repeats, several points behind the edge
        seen = repeats or not empirical or int((behind > depth_tol).sum()) >= DENT_POINTS
        eps_inside = _epsilons(runs.objectives[ia], runs.objectives[ib])
        chord_alpha = _chord_alpha(runs.objectives[ia], runs.objectives[ib])
        if not min(a_lo, a_hi) <= chord_alpha <= max(a_lo, a_hi) and a_lo > 0:
            chord_alpha = math.sqrt(a_lo * a_hi)  # noisy ends (or local minima): the middle of the bracket
        if depth_behind > depth_tol and seen:
            kind, settle = "concave", {"alphas": [], "epsilons": eps_inside}
        elif _empty_inside(runs, ok, unit, (runs.epsilon - g.lo[1]) / g.span[1], ua, ub, tau):
            kind, settle = "disconnected", {"alphas": [], "epsilons": []}
        elif (window <= 1 and _split(runs, resp, pos, mid, a_hi, a_lo, seed, linear & near)) or isolated and (window <= JUMP_WINDOW or _at_the_edge(
                runs.objectives[ia], runs.objectives[ib], a_lo, a_hi, tie)):
            # a jump: the seeds crossed the whole stretch within a narrow window of alpha (or at
            # one alpha), moving at most 1/STEP_RATIO as fast on either side; whatever is inside
            # is reached, if at all, only inside that window
            kind, settle = "unexplored", {"alphas": [chord_alpha], "epsilons": eps_inside}
        elif suspect:
            kind, settle = "unresolved", {"alphas": [chord_alpha], "epsilons": []}
        else:
            continue  # the response moved across it as fast as before and after: a coarse grid
        jumps = _seed_jumps(runs, linear & near, seed, pos, mid)
        # reached inside: on the front (not behind it) and farther than half a gap from both ends
        inside = near & (runs.method != "linear") & (pos > min(pa, pb)) & (pos < max(pa, pb)) \
            & (np.linalg.norm(unit - ua, axis=1) > gap / 2) & (np.linalg.norm(unit - ub, axis=1) > gap / 2)
        out.append(Gap(left=tuple(float(v) for v in runs.objectives[ia]), reached_by=tuple(sorted(set(
                       runs.method[inside].tolist()))), right=tuple(float(v) for v in runs.objectives[ib]),
                       alpha=alpha, alpha_bracket=(a_lo, a_hi),
                       seeds=len(jumps), kind=kind, settle=settle, positions=(float(pa), float(pb)), jumps=jumps,
                       looks_like_jump=bool(isolated)))
    return tuple(out)


def _empty_inside(runs: Runs, ok, unit, eps_unit, ua, ub, tau: float) -> bool:
    """Did eps-constraint runs with a bound well inside the gap's L1 range all stop on its
    lower-L1 end, well below their bound? ``min L0 s.t. L1 <= eps`` lands on the bound inside any
    front that continues there, concave or not: if none did, the front has a hole (no trade-off
    exists between the ends). ``eps_unit``: each run's bound in units of the front's extent."""
    lo_end, hi_end = (ua, ub) if ua[1] < ub[1] else (ub, ua)
    inset = max(0.1 * (hi_end[1] - lo_end[1]), 2 * tau)
    rows = np.flatnonzero(ok & (runs.method == "eps") & (eps_unit > lo_end[1] + inset) & (eps_unit < hi_end[1] - inset))
    if not rows.size:
        return False
    at_end = np.linalg.norm(unit[rows] - lo_end, axis=1) <= tau
    below_bound = unit[rows, 1] < eps_unit[rows] - inset
    return bool((at_end & below_bound).all())


def _seed_jumps(runs: Runs, rows: np.ndarray, seed: np.ndarray, pos: np.ndarray, mid: float):
    """Each seed's ``(seed, alpha_low, alpha_high)`` across a stretch: its last alpha landing
    left of ``mid`` below its first alpha landing right. O(n log n)."""
    idx = np.flatnonzero(rows)
    ids, which = np.unique(seed[idx], return_inverse=True)
    right = pos[idx] > mid
    first_right = np.full(ids.size, np.inf)
    np.minimum.at(first_right, which[right], runs.alpha[idx[right]])
    below = ~right & (runs.alpha[idx] < first_right[which])
    last_left = np.full(ids.size, -np.inf)
    np.maximum.at(last_left, which[below], runs.alpha[idx[below]])
    both = np.isfinite(first_right) & np.isfinite(last_left)
    return tuple((int(s), float(lo), float(hi)) for s, lo, hi in zip(ids[both], last_left[both], first_right[both]))


def _pseudo_seeds(alpha, pos, rows) -> np.ndarray:
    """Without seed labels: the k-th run of each alpha (in order along the front) is seed k."""
    seed = np.zeros(len(alpha), dtype=np.int64)
    idx = np.flatnonzero(rows)
    order = idx[np.lexsort((pos[idx], alpha[idx]))]
    new = np.r_[True, alpha[order][1:] != alpha[order][:-1]]
    start = np.maximum.accumulate(np.where(new, np.arange(order.size), 0))
    seed[order] = np.arange(order.size) - start
    return seed


def _epsilons(a, b) -> list[float]:
    """Three L1 levels inside a gap (eps-constraint targets: min L0 s.t. L1 <= eps)."""
    lo, hi = sorted((float(a[1]), float(b[1])))
    return [float(v) for v in lo + (hi - lo) * np.array([0.25, 0.5, 0.75])]


# --------------------------------------------------------------------------- compare and analyze
def _front_of(front) -> np.ndarray:
    """A front's points; a ReferenceFront's whole archive when it has one."""
    archive = getattr(front, "archive", None)
    pts = archive if archive is not None and len(archive) > len(getattr(front, "points", ())) else front
    return F.pareto_front(F.as_points(pts, "front"))


def compare(runs: Runs, front, *, radius: float = 0.05, gap: float = GAP, tol: float | None = None,
            min_depth: float | None = None, outcome_tol: float = 0.02, target: float | None = None) -> Report:
    """Compare runs with a front (analytic, NSGA-II, or any points) and give the verdict.

    Parameters
    ----------
    runs : Runs
        From :func:`paretolab.sweep` or :func:`paretolab.read_runs`.
    front : array_like (n, m) or ReferenceFront
        The reference front; dominated points are dropped. A ReferenceFront's whole archive is
        used. Its own error (NSGA-II's) is estimated from its roughness
        (:func:`estimate_roughness`) and sets the tolerance of regions and cores.
    radius : float
        Distance (objectives scaled to the front's extent) within which a run counts as on the
        front and covers it.
    gap : float
        Smallest unreached stretch (chord, units of the extent) reported as a gap.
    tol, min_depth : float, optional
        Tolerance of regions and cores, and the depth a region needs to be claimed. Default:
        from the noise floor (:data:`REGION_NOISE` and :data:`DENT_FACTOR` noise floors).
    outcome_tol : float
        Tolerance of :func:`weighted_sum_outcomes` that tells hits from local minima.
    target : float, optional
        ``c`` for the target "L1 <= c" of ``suggested`` (the point of the front with the lowest
        L0 among L1 <= c); default: the balanced trade-off.

    Examples
    --------
    >>> import paretolab
    >>> r = paretolab.sweep("fonseca", alphas="log:0.1:10:5", seeds=2, steps=1500, problem_options={"n_var": 2})
    >>> t = np.linspace(-1, 1, 501)
    >>> report = compare(r, np.c_[1 - np.exp(-(t - 1) ** 2), 1 - np.exp(-(t + 1) ** 2)])
    >>> report.tunable, [round(g.alpha, 3) for g in report.gaps], [g.kind for g in report.gaps]
    ('no', [1.0], ['concave'])
    """
    if not isinstance(runs, Runs):
        raise ParetolabError(f"runs: expected a paretolab Runs record (from paretolab.sweep or read_runs), got "
                             f"{type(runs).__name__}")
    f = _front_of(front)
    if len(f) == 0:
        raise ParetolabError("front: expected at least one point, got none")
    if runs.objectives.shape[1] != f.shape[1]:
        raise ParetolabError(f"front: expected {runs.objectives.shape[1]} objectives like the runs, got {f.shape[1]}")
    warnings = list(runs.notes)  # what reading the source left out
    sigma, source = None, None
    if f.shape[1] == 2:
        sigma = estimate_roughness(f)
        source = "reference" if sigma is not None else None
    return _report(runs, f, empirical=False, sigma=sigma, source=source, repeats=False, radius=radius, gap=gap,
                   tol=tol, min_depth=min_depth, outcome_tol=outcome_tol, warnings=warnings, target=target)


def analyze(runs, /, *, names=None, alpha=None, seed=None, objectives=None, method_column=None, maximize=(),
            radius: float = 0.05, gap: float = GAP, tol: float | None = None, min_depth: float | None = None,
            target: float | None = None) -> Report:
    """The empirical front of a set of runs, its gaps and regions, and the verdict.

    Parameters
    ----------
    runs : Runs, array_like of shape (n, m), or pandas.DataFrame
        A :class:`paretolab.runs.Runs` (from :func:`paretolab.read_runs` or a sweep); one row
        of losses per run (objectives minimised) with ``names``, ``alpha`` and ``seed``; or a
        DataFrame, one run per row, read by :func:`paretolab.read_runs` with the roles
        ``objectives``, ``alpha``, ``seed``, ``method_column``, ``maximize`` (column names).
    alpha, seed : array_like, shape (n,), or str, optional
        With an array: the weighted-sum alpha and seed of each run. With a DataFrame: the
        names of their columns.
    radius, gap, tol, min_depth, target
        As in :func:`compare`.

    The front is made of the converged runs with finite losses; every run with finite losses,
    converged or not, is placed on it. The noise floor comes from repeated runs at one setting when there
    are any (``noise_source="seeds"``), else from the front's roughness (``"estimate"``, with
    a warning: without repeats noise cannot be told from a narrow dent).

    Examples
    --------
    >>> t = np.linspace(0, np.pi / 2, 50)
    >>> a = analyze(np.c_[np.sin(t), np.cos(t)], names=("loss", "penalty"))
    >>> len(a.regions), round(a.regions[0].alpha, 6), a.tunable
    (1, 1.0, 'no')
    """
    roles = {"objectives": objectives, "method_column": method_column, "maximize": maximize}
    table_roles = [k for k, v in roles.items() if v not in (None, (), [])]
    if is_dataframe(runs):
        if names is not None:
            raise ParetolabError("names: a DataFrame names its columns; choose the objectives with objectives=[...]")
        runs = runs_from_table(dataframe_table(runs), alpha=alpha, seed=seed, **roles)
    elif table_roles:
        raise ParetolabError(f"{table_roles[0]}: names columns of a DataFrame (or use paretolab.read_runs), got "
                             f"{type(runs).__name__}")
    elif isinstance(runs, Runs):
        given = [k for k, v in (("names", names), ("alpha", alpha), ("seed", seed)) if v is not None]
        if given:
            raise ParetolabError(f"{given[0]}: a Runs record carries its own {given[0]}; pass it only with an array "
                                 "of losses")
    else:
        runs = Runs.from_arrays(F.as_points(runs), names=names, alpha=alpha, seed=seed)
    finite = runs.finite()
    evidence = finite.converged & ~finite.diverged
    front = F.pareto_front(finite.objectives[evidence])
    if not len(front):
        raise ParetolabError(f"runs: expected at least one converged run with finite losses, got none of "
                             f"{len(runs)} ({runs.dropped} dropped)")
    warnings = list(runs.notes)  # what reading the source left out
    sigma, source, repeats = None, None, False
    if front.shape[1] == 2:
        g = _geometry(front)
        unit = (finite.objectives - g.lo) / g.span
        pos = _project(g, unit)[1]
        value = np.where(finite.method == "eps", finite.epsilon, finite.alpha)
        setting = _group_ids(finite.method, value)
        # repeats reproduced to the last bit (a duplicated row, a deterministic trainer) measure nothing
        use = np.flatnonzero(evidence & np.isfinite(value))
        use = use[_first_rows(setting[use], *finite.objectives[use].T)]
        sigma, used = seed_noise(unit[use], setting[use], pos[use])
        distinct = np.flatnonzero(evidence)
        distinct = distinct[_first_rows(*finite.objectives[distinct].T)]
        rough = _roughness(unit[distinct][np.argsort(pos[distinct], kind="stable")])
        if sigma is not None and used < MIN_REPEATS and rough is not None and rough > sigma:
            warnings.append(f"only {used} repeated runs at one setting: the noise floor is the larger of their scatter "
                            f"({sigma:.2g}) and the front's roughness ({rough:.2g})")
            sigma = rough
        if sigma is not None:
            source, repeats = "seeds", True
        else:  # the scatter of all converged runs in order along the front, a bend removed
            sigma = rough
            if sigma is not None:
                source = "estimate"
                warnings.append(f"no repeated runs at one setting: the noise floor ({sigma:.2g} of the front's extent) "
                                "is estimated from the front's roughness; dents near it cannot be told from noise, and "
                                "more seeds per alpha would settle them")
            else:
                warnings.append("no repeated runs and too few front points: the noise floor could not be measured; "
                                f"dents are claimed only when deeper than a gap ({gap:g} of the front's extent)")
    return _report(runs, front, empirical=True, sigma=sigma, source=source, repeats=repeats, radius=radius,
                   gap=gap, tol=tol, min_depth=min_depth, outcome_tol=0.02, warnings=warnings, target=target)


def _report(runs: Runs, f: np.ndarray, *, empirical, sigma, source, repeats, radius, gap, tol, min_depth,
            outcome_tol, warnings, target=None) -> Report:
    radius, gap = float(radius), float(gap)
    if not radius > 0:
        raise ParetolabError(f"radius: expected a number > 0, got {radius!r}")
    if not gap > 0:
        raise ParetolabError(f"gap: expected a number > 0, got {gap!r}")
    n, m = len(runs), f.shape[1]
    objectives = runs.objectives
    bad = runs.diverged | runs.failed | ~np.isfinite(objectives).all(axis=1)
    ok = runs.converged & ~bad
    methods = runs.method.astype(str)
    # a floor that cannot be measured (few points, no repeats) is taken as large as a gap allows:
    # only dents deeper than a gap are claimed
    noise = sigma if sigma is not None else gap / DENT_FACTOR if empirical else 0.0
    tol = max(F.DEFAULT_TOL, REGION_NOISE * noise) if tol is None else float(tol)
    if min_depth is None:
        min_depth = DENT_FACTOR * noise
    tolerances = {"region": tol, "depth": float(min_depth), "gap": gap, "radius": radius, "outcome": outcome_tol,
                  "step_ratio": STEP_RATIO}
    if not repeats and m == 2:
        tolerances["dent_points"] = DENT_POINTS
    if not ok.any():
        warnings.append("no run converged: nothing to conclude; train longer or lower the learning rate")
    if (~runs.converged & ~bad).any():
        warnings.append(f"{int((~runs.converged & ~bad).sum())} run(s) did not pass the stationarity test and are "
                        "not evidence (placed, drawn hollow)")
    if bad.any():
        warnings.append(f"{int(bad.sum())} run(s) diverged or failed and are left out")
    if m != 2:
        return _report_nd(runs, f, ok, bad, methods, radius, tol, warnings, tolerances)

    g = _geometry(f)
    unit = (objectives - g.lo) / g.span
    distance = np.full(n, np.nan)
    position = np.full(n, np.nan)
    if (~bad).any():
        distance[~bad], position[~bad] = _project(g, unit[~bad])
    dominated = np.zeros(n, dtype=bool)
    dominated[~bad] = _dominated_2d(f, objectives[~bad])
    supported = F.is_supported(f, tol=tol)
    core_tol = max(tol, DENT_FACTOR * noise)
    tolerances["core"] = core_tol
    found = F.concave_regions(f, tol=tol, core_tol=core_tol) if len(f) >= 3 else []
    claimed = [r for r in found if r.depth >= min_depth
               and (repeats or not empirical or r.stop - r.start >= DENT_POINTS)]
    uncertain = tuple(r for r in found if r not in claimed)
    margin = max(2 * noise, tol)
    tolerances["core_margin"] = margin
    regions = _region_findings(claimed, g, position, distance, ok, methods, radius, margin)
    if uncertain:
        warnings.append(f"{len(uncertain)} dent(s) up to depth {max(r.depth for r in uncertain):.2g} are too shallow "
                        f"(or too narrow) to tell from noise (claimed from depth {min_depth:.2g}"
                        + ("" if repeats else f" over {DENT_POINTS} points") + "): more seeds would settle them")
    tau = max(tol, DENT_FACTOR * noise)
    tolerances["behind"] = max(tau, min_depth)
    run_noise = noise if empirical else _runs_noise(runs, ok, unit, position, distance)
    tau_runs = max(tau, DENT_FACTOR * run_noise)
    tolerances["response"] = tau_runs
    gap = max(gap, DENT_FACTOR * (noise if empirical else run_noise))  # a stretch must also be wider than the noise
    tolerances["gap"] = gap
    linear = ok & (runs.method == "linear") & np.isfinite(runs.alpha)
    resp = _response(runs, linear, unit, np.nan_to_num(position), g, tau_runs)
    gaps = _gaps(runs, ok, ok & (distance <= radius), dominated, unit, position, g, supported, gap, tau,
                 (noise if repeats else 0.0) if empirical else max(noise, run_noise),
                 noise if empirical else max(noise, run_noise), resp, empirical, repeats, max(tau, min_depth))
    outcomes = _outcomes(runs, ok, unit, np.nan_to_num(position), gap)
    reached = unit[ok]
    coverage = _coverage(g, reached, radius)
    method_cov = {mm: _coverage(g, unit[ok & (methods == mm)], radius) for mm in dict.fromkeys(methods.tolist())}
    gd = float(np.mean(distance[ok])) if ok.any() else math.nan
    igd = math.nan
    if ok.any():
        from scipy.spatial import cKDTree

        igd = float(np.mean(cKDTree(reached).query(g.unit)[0]))
    ref_point = np.full(2, 1.1)
    hv_front = F.hypervolume(g.unit, ref=ref_point)
    hv = F.hypervolume(reached, ref=ref_point) / hv_front if ok.any() and hv_front > 0 else 0.0
    outcome = weighted_sum_outcomes(runs, f, tol=outcome_tol)
    crit = tuple(float(a) for a in F.critical_alphas(f, tol=tol))
    balanced = f[F.balanced_point(f)]
    tunable, text, ranges = _verdict(runs, ok, position, resp, regions, uncertain, gaps, outcomes, gap, noise, empirical,
                                     g.length, g.arc)
    unresolved = [gg for gg in gaps if gg.kind == "unresolved"]
    if unresolved:
        alphas = sorted({a for gg in unresolved for a in gg.settle["alphas"]})
        warnings.append(f"{len(unresolved)} gap(s) are unresolved: the alpha grid is too coarse to tell a jump from a "
                        "fast move along a convex stretch; runs at alpha = " + ", ".join(f"{a:.3g}" for a in alphas)
                        + " would settle them")
    return Report(
        source=runs.source, names=runs.names, front=f, empirical=empirical, supported=supported, verdict=text,
        tunable=tunable, regions=regions, uncertain_regions=uncertain, gaps=gaps, outcomes=outcomes,
        noise_floor=sigma, noise_source=source, tolerances=tolerances, warnings=tuple(warnings),
        suggested=_suggest(runs, ok, unit, g, radius, target), critical_alphas=crit,
        balanced=tuple(float(v) for v in balanced), runs=runs, distance=distance, position=position,
        dominated=dominated, outcome=outcome, coverage=coverage,
        method_coverage={k: float(v) for k, v in method_cov.items()}, gd=gd, igd=igd,
        hypervolume_fraction=float(hv), dropped=runs.dropped, tunable_alphas=ranges,
    )


def _runs_noise(runs: Runs, ok, unit, position, distance) -> float:
    """The runs' own noise against a reference front (units of its extent): from repeated runs
    at one setting when there are any, else from their distances to the front (the median
    distance of iid normal noise is 0.6745 sigma), leaving out runs beyond its ends (a reference
    that stops short of an end is not noise)."""
    value = np.where(runs.method == "eps", runs.epsilon, runs.alpha)
    rows = np.flatnonzero(ok & np.isfinite(value))
    if rows.size:
        setting = np.char.add(runs.method[rows].astype(str), np.char.mod("|%r", value[rows]))
        sigma, _ = seed_noise(unit[rows], setting, position[rows])
        if sigma is not None:
            return sigma
    inside = ok & (position > 0) & (position < 1)
    return float(np.median(distance[inside]) / 0.6745) if inside.any() else 0.0


def _report_nd(runs, f, ok, bad, methods, radius, tol, warnings, tolerances) -> Report:
    """More than two objectives: supported and unsupported runs; tunable is unknown."""
    n = len(runs)
    lo, span = F.extent(f)
    unit, fu = (runs.objectives - lo) / span, (f - lo) / span
    distance = np.full(n, np.nan)
    dominated = np.zeros(n, dtype=bool)
    if (~bad).any():
        from scipy.spatial import cKDTree

        distance[~bad] = cKDTree(fu).query(unit[~bad])[0]
        for i in np.flatnonzero(~bad):
            dominated[i] = ((f <= runs.objectives[i]).all(axis=1) & (f < runs.objectives[i]).any(axis=1)).any()
    supported_runs = np.zeros(n, dtype=bool)
    if ok.any():
        pts = runs.objectives[ok]
        together = np.vstack([f, pts])
        supported_runs[ok] = F.is_supported(together, tol=tol)[len(f):]
    k_sup, k_all = int(supported_runs.sum()), int(ok.sum())
    text = (f"more than 2 objectives ({f.shape[1]}): alpha's tunability is not defined; {k_sup} of {k_all} converged "
            "runs are supported (some weighted sum's optimum), "
            f"{k_all - k_sup} are not; concave regions and jumps are reported for 2 objectives")
    cov = F.coverage(unit[ok], fu, radius) if ok.any() else 0.0
    method_cov = {mm: (F.coverage(unit[ok & (methods == mm)], fu, radius) if (ok & (methods == mm)).any() else 0.0)
                  for mm in dict.fromkeys(methods.tolist())}
    tolerances["supported_runs"] = k_sup
    return Report(
        source=runs.source, names=runs.names, front=f, empirical=False, supported=F.is_supported(f, tol=tol),
        verdict=text, tunable="unknown", regions=(), uncertain_regions=(), gaps=(),
        outcomes=_outcomes(runs, ok, unit, np.nan_to_num(unit[:, 0]), GAP), noise_floor=None,
        noise_source=None, tolerances=tolerances, warnings=tuple(warnings), suggested=None, critical_alphas=(),
        balanced=tuple(float(v) for v in f[F.balanced_point(f)]), runs=runs, distance=distance,
        position=np.full(n, np.nan), dominated=dominated, outcome=np.full(n, ""), coverage=float(cov),
        method_coverage={k: float(v) for k, v in method_cov.items()},
        gd=float(np.mean(distance[ok])) if ok.any() else math.nan, igd=math.nan, hypervolume_fraction=math.nan,
        dropped=runs.dropped)


# --------------------------------------------------------------------------- the verdict
def _verdict(runs, ok, pos, resp: _Response, regions, uncertain, gaps, outcomes, gap, noise, empirical, length, arc):
    """``(tunable, sentence, tunable alpha ranges)`` from the alpha-response of a global
    optimiser, the gaps it jumped and the regions no alpha reaches."""
    if not ok.any():
        return "unknown", "no run converged: nothing to conclude; train longer or lower the learning rate", ()
    jumps = [gg for gg in gaps if gg.kind != "unresolved"]
    unresolved = [gg for gg in gaps if gg.kind == "unresolved"]
    where = _where(gaps, regions)
    if not (ok & (runs.method == "linear") & np.isfinite(runs.alpha)).any():
        if not regions:
            wide = [r for r in uncertain if r.share >= 2 * gap and r.depth >= 2 * noise]
            if wide:
                return "unknown", (f"no concave region is certain, but {len(wide)} dent(s) over up to "
                                   f"{max(r.share for r in wide):.0%} of the front cannot be told from noise (see "
                                   "warnings): more runs per setting would settle them"), ()
            return "yes", ("no concave region in this front: every trade-off found is reachable by a weighted sum "
                           "(no weighted-sum runs with an alpha to check for jumps)"), ()
        share = sum(r.share for r in regions)
        kind = "no" if share >= 1 - gap else "partly"
        return kind, (f"{len(regions)} concave region(s) covering {share:.0%} of the front: no alpha reaches "
                      f"{where}; the weighted sum jumps at alpha* = " + ", ".join(f"{r.alpha:.3g}" for r in regions)), ()
    if resp.alphas.size < 2:
        return "unknown", ("cannot tell whether alpha is tunable: the converged weighted-sum runs that are optimal at "
                           f"their alpha were trained at {resp.alphas.size} alpha value(s); a sweep over several alphas "
                           "would tell"), ()
    lo_a, hi_a = float(resp.alphas[0]), float(resp.alphas[-1])
    brackets = sorted(gg.alpha_bracket for gg in jumps)
    cuts = np.sort([0.5 * (gg.positions[0] + gg.positions[1]) for gg in gaps]
                   + [0.5 * (arc[r.start - 1] + arc[r.stop]) for r in regions])
    ends = tuple(a for br in brackets for a in br)
    gap_arc = gap / length if length > 0 else math.inf  # arc fractions
    segments = [(a, b) for a, b in _complement(brackets, lo_a, hi_a)
                if _moves(resp, a, b, gap_arc, cuts, ends)]
    looks = [gg for gg in unresolved if gg.looks_like_jump]
    settle = ", ".join(f"{a:.3g}" for gg in unresolved for a in gg.settle["alphas"])
    if jumps or regions:
        alphas = ", ".join(f"{gg.alpha:.3g}" for gg in jumps) or ", ".join(f"{r.alpha:.3g}" for r in regions)
        across = (f"the solution jumps at alpha* ~ {alphas}" + _bracket_text(jumps) + f" across {where}") if jumps else (
            f"no alpha reaches {where} (concave: a weighted sum would jump there, at alpha* ~ {alphas})")
        caveat = f"; elsewhere the grid is too coarse to tell (run alpha = {settle})" if unresolved else ""
        if not segments:
            points = len(_clusters_along(resp.position, np.c_[resp.position, np.zeros_like(resp.position)], gap_arc))
            text = (f"alpha is not tunable: the converged weighted-sum runs optimal at their alpha sit at {points} "
                    f"place(s) along the front; {across}")
            return "no", text + _inside_text(jumps, regions) + caveat, ()
        seedwise = _seed_dependent(outcomes, brackets)
        text = ("alpha is partly tunable: tunable for " + _ranges_text(segments) + f"; {across}"
                + ("; there the outcome depends on the seed" if seedwise else ""))
        return "partly", text + _inside_text(jumps, regions) + caveat, tuple(segments)
    places = np.unique(np.searchsorted(cuts, resp.position)).size
    if looks or (unresolved and not segments):
        shown = looks or unresolved
        how = ("in one step while barely moving around it" if looks else
               "in one step, and no run shows the solution moving without crossing such a step")
        return "unknown", ("cannot tell whether alpha is tunable: between alpha " + "; between alpha ".join(
            f"{gg.alpha_bracket[0]:.3g} and {gg.alpha_bracket[1]:.3g} the solution crossed the stretch L0 in "
            f"({gg.left[0]:.4g}, {gg.right[0]:.4g})" for gg in shown) + f" {how}: a jump, or a fast move along a "
            "convex stretch that the alpha grid skipped; run alpha = " + settle), ()
    if not segments and places <= 1:
        moved = float(np.ptp(resp.position)) * length
        if moved <= max(DENT_FACTOR * noise, F.DEFAULT_TOL):
            return "no", (f"alpha moves nothing: every converged weighted-sum run optimal at its alpha ends at the same "
                          f"place for alpha in [{lo_a:.3g}, {hi_a:.3g}]; a wider range of alpha would show more"), ()
        return "unknown", (f"alpha moves the solution only {moved:.2g} of the front's extent for alpha in [{lo_a:.3g}, "
                           f"{hi_a:.3g}], less than a gap ({gap:.2g}): a wider range of alpha would tell"), ()
    where_front = " in this front" if empirical else ""
    if unresolved:
        text = ("alpha is tunable: the converged runs move along the front as alpha changes, with no concave region"
                f"{where_front} and no certain jump; between alpha " + ", ".join(
                    f"{gg.alpha_bracket[0]:.3g} and {gg.alpha_bracket[1]:.3g}" for gg in unresolved)
                + " they moved faster than around it, too coarsely or noisily to tell (run alpha = " + settle + ")")
    else:
        text = ("alpha is tunable: the converged runs move along the front as alpha changes, with no jump across more "
                f"than {gap:.2g} of the front's extent and no concave region{where_front}")
    return "yes", text, ((lo_a, hi_a),)


def _moves(resp: _Response, lo: float, hi: float, gap: float, cuts: np.ndarray, ends: tuple = ()) -> bool:
    """Does the response move along the front by more than ``gap`` (an arc fraction) for alpha
    in [lo, hi] without crossing a gap (``cuts``: arc positions inside the gaps)? The alphas in
    ``ends`` (where a jump starts or ends: at a tie they may land anywhere) do not count."""
    exclude_lo = lo if lo in ends else math.nan
    exclude_hi = hi if hi in ends else math.nan
    k = (resp.alphas >= lo) & (resp.alphas <= hi)
    k[resp.alphas == exclude_lo] = k[resp.alphas == exclude_hi] = False
    if not k.any():
        return False
    piece = np.searchsorted(cuts, resp.position[k])
    spans = [np.ptp(resp.position[k][piece == j]) for j in np.unique(piece)]
    return bool(max(spans) > gap)


def _where(gaps, regions) -> str:
    """The stretches no alpha reaches (jump gaps and regions, overlapping ones merged)."""
    spans = sorted([(gg.left[0], gg.right[0]) for gg in gaps if gg.kind != "unresolved"]
                   + [(r.left[0], r.right[0]) for r in regions])
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    if not merged:
        return "no stretch"
    return " and ".join(f"the stretch L0 in ({a:.4g}, {b:.4g})" for a, b in merged)


def _bracket_text(jumps) -> str:
    parts = [f"between alpha {gg.alpha_bracket[0]:.3g} and {gg.alpha_bracket[1]:.3g}"
             if gg.alpha_bracket[0] < gg.alpha_bracket[1] else
             f"at alpha {min(gg.alpha_bracket):.3g}"
             + (f" to {max(gg.alpha_bracket):.3g}" if gg.alpha_bracket[0] > gg.alpha_bracket[1] else "")
             + ", where runs land on both ends" for gg in jumps]
    return (" (" + "; ".join(parts) + ")") if parts else ""


def _inside_text(jumps, regions) -> str:
    kinds = {gg.kind for gg in jumps}
    if kinds == {"disconnected"}:
        return ("; the front has a hole there: eps-constraint runs with bounds inside it landed on its end, so no "
                "method reaches a trade-off between")
    if "unexplored" in kinds:
        eps = sorted({e for gg in jumps if gg.kind == "unexplored" for e in gg.settle["epsilons"]})
        return ("; what lies inside is unknown: an epsilon-constraint run (min L0 s.t. L1 <= eps, eps = "
                + ", ".join(f"{e:.3g}" for e in eps) + ") or Chebyshev would tell concave from disconnected")
    if "concave" in kinds or regions:
        by = sorted({m for gg in jumps for m in gg.reached_by})
        if by:
            return f"; it is concave and {' and '.join(by)} reached it, never any alpha"
        return "; it is concave: an epsilon-constraint or Chebyshev reaches it"
    return ""


def _complement(brackets, lo: float, hi: float) -> list[tuple[float, float]]:
    """The alpha ranges in [lo, hi] outside every bracket."""
    out, start = [], lo
    for a, b in brackets:
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if start < hi:
        out.append((start, hi))
    return out


def _ranges_text(ranges) -> str:
    if not ranges:
        return "no alpha tried"
    parts = []
    for a, b in ranges:
        parts.append(f"alpha in [{a:.3g}, {b:.3g}]")
    return " and ".join(parts)


def _seed_dependent(outcomes, brackets) -> bool:
    return any(o.split and any(a <= o.value <= b for a, b in brackets)
               for o in outcomes if o.method == "linear")


def _suggest(runs, ok, unit, g: _Geometry, radius, target: float | None = None) -> Suggestion:
    """A setting for a target of the front, by default the balanced trade-off (equal losses in
    units of its extent; across a gap, on the straight line between its ends), or with
    ``target = c`` the lowest L0 with L1 <= c. The alpha whose weighted-sum runs reach it (most
    seeds), with those seeds; else the eps of an eps-constraint (min L0 s.t. L1 <= eps)."""
    u = g.unit
    if target is None:
        name = "balanced"
        diff = u[:, 0] - u[:, 1]  # increases along the front
        k = int(np.clip(np.searchsorted(diff, 0.0), 1, len(u) - 1)) if len(u) > 1 else 0
        if len(u) > 1 and diff[k - 1] != diff[k]:
            t = float(np.clip(-diff[k - 1] / (diff[k] - diff[k - 1]), 0.0, 1.0))
            goal = u[k - 1] + t * (u[k] - u[k - 1])
        else:
            goal = u[k]
    else:
        name = f"L1 <= {target:.6g}"
        c = (float(target) - g.lo[1]) / g.span[1]
        if c < u[:, 1].min():
            raise ParetolabError(f"target: expected a bound L1 <= c that some front point meets, got c = {target!r} "
                                 f"(the front's smallest L1 is {g.points[:, 1].min():.6g})")
        y = u[:, 1]  # decreases along the front: the first point at or below c, on the polyline
        k = int(np.argmax(y <= c))
        if k > 0 and y[k] < c:
            t = (y[k - 1] - c) / (y[k - 1] - y[k])
            goal = u[k - 1] + t * (u[k] - u[k - 1])
        else:
            goal = u[k]
    point = tuple(float(v) for v in goal * g.span + g.lo)
    linear = ok & (runs.method == "linear") & np.isfinite(runs.alpha)
    near = linear & (np.linalg.norm(unit - goal, axis=1) <= radius)
    if target is not None:
        near &= runs.objectives[:, 1] <= target + 1e-12 * max(1.0, abs(target))
    if near.any():
        alphas, counts = np.unique(runs.alpha[near], return_counts=True)
        best = float(alphas[np.argmax(counts)])
        rows = near & (runs.alpha == best)
        seeds = () if runs.seed is None else tuple(int(s) for s in sorted(runs.seed[rows]))
        return Suggestion(name, point, best, seeds, None)
    return Suggestion(name, point, None, (), point[1])


def _text(r: Report) -> str:
    ok = r.converged
    whose = "the runs' own" if r.empirical else "reference"
    lines = [f"{r.source}: {len(r.runs)} runs ({', '.join(r.methods)}), {int(ok.sum())} converged, "
             f"{r.dropped} dropped (failed or non-finite); front of {len(r.front)} points ({whose}), "
             f"{int(r.supported.sum())} supported"]
    if r.front.shape[1] == 2:
        lines.append(f"  coverage of the front within {r.radius:g}: {r.coverage:.0%}"
                     + "".join(f"; {m}: {c:.0%}" for m, c in r.method_coverage.items()
                               if len(r.method_coverage) > 1))
        if r.noise_floor is not None:
            lines.append(f"  noise floor {r.noise_floor:.2g} of the front's extent (from {r.noise_source}); regions "
                         f"claimed from depth {r.tolerances['depth']:.2g}")
    for reg in r.regions:
        cores = "; ".join(f"core L0 in [{c.left[0]:.4g}, {c.right[0]:.4g}] reached by "
                          f"{', '.join(c.reached_by) or 'no run'}" for c in reg.cores) or "no locally concave core"
        lines.append(f"  concave region {r.names[0]} in [{reg.left[0]:.4g}, {reg.right[0]:.4g}] ({reg.share:.0%} of "
                     f"the front, depth {reg.depth:.3f}, alpha* = {reg.alpha:.4g}): {cores}"
                     + (f"; flank local minima from {', '.join(reg.flank_reached_by)}" if reg.flank_reached_by else ""))
    for gg in r.gaps:
        br = f", the solution jumps between alpha {gg.alpha_bracket[0]:.4g} and {gg.alpha_bracket[1]:.4g}" + (
            f" (each of {gg.seeds} seed(s) between its own, see jumps)" if gg.seeds else "")
        by = f"; reached by {', '.join(gg.reached_by)}, never by any alpha" if gg.reached_by else ""
        lines.append(f"  gap {r.names[0]} in ({gg.left[0]:.4g}, {gg.right[0]:.4g}): {gg.kind}; hull alpha* = "
                     f"{gg.alpha:.4g}{br}{by}")
    split = [o for o in r.outcomes if o.split and o.method == "linear"]
    for o in split[:5]:
        lines.append(f"  alpha = {o.value:.4g}: " + ", ".join(
            f"{c.runs} run(s) at ({', '.join(f'{v:.3g}' for v in c.point)})" for c in o.clusters))
    if len(split) > 5:
        lines.append(f"  ... {len(split) - 5} more alpha values where runs land in several places")
    if r.suggested is not None:
        s = r.suggested
        at = f"({', '.join(f'{v:.4g}' for v in s.point)})"
        what = "balanced point" if s.target == "balanced" else f"target {s.target}"
        if s.alpha is not None:
            shown = ", ".join(map(str, s.seeds[:8])) + (f", ... ({len(s.seeds)} seeds)" if len(s.seeds) > 8 else "")
            lines.append(f"  {what} {at}: alpha = {s.alpha:.4g}" + (f" (seeds {shown})" if s.seeds else ""))
        else:
            lines.append(f"  {what} {at}: no alpha reaches it; an epsilon-constraint with L1 <= {s.epsilon:.4g} would")
    for w in r.warnings:
        lines.append(f"  warning: {w}")
    lines.append(f"VERDICT ({r.tunable}): {r.verdict}")
    return "\n".join(lines)
