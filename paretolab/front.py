"""Pareto fronts of loss values: which points are nondominated, which any weighted sum reaches.

Numpy only (scipy's LP and moocore for the m >= 3 cases); importing this module never imports
torch or pymoo. Every objective is minimised. Points are an ``(n, m)`` array, ``m >= 2``.

Conventions
-----------
* Dominance: ``a`` dominates ``b`` when ``a <= b`` in every objective and ``a < b`` in one.
* Duplicates: a point repeated exactly is not dominated by its copy. ``is_nondominated`` marks
  only the first copy (in input order) unless ``keep_weakly=True``, as moocore does.
  ``pareto_front`` returns each nondominated point once.
* Weights follow ``L = L0 + alpha * L1`` with ``alpha >= 0``; a critical alpha between front
  points A and B is ``(A0 - B0) / (B1 - A1)``.
* Tolerances are relative to the front's extent: objectives are rescaled to ``[0, 1]`` over the
  nondominated points before any geometric test, so rescaling one objective changes no answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from paretolab.errors import ParetolabError

__all__ = [
    "ConcaveRegion",
    "as_front2d",
    "as_points",
    "balanced_point",
    "concave_regions",
    "coverage",
    "critical_alphas",
    "extent",
    "hypervolume",
    "igd",
    "is_nondominated",
    "is_supported",
    "pareto_front",
    "weighted_sum_optimum",
]

DEFAULT_TOL = 1e-6
"""Default tolerance, in units of the front's extent (objectives rescaled to [0, 1])."""


# --------------------------------------------------------------------------- validation
def as_points(points, name: str = "points", *, min_objectives: int = 2) -> np.ndarray:
    """Return ``points`` as a float ``(n, m)`` array, or raise a ``ValueError`` naming ``name``.

    The input is never modified; a copy is made only when the dtype or layout requires it. A
    record with a ``points`` attribute (e.g. a ``ReferenceFront``) stands for its points.

    >>> as_points([[1, 2], [3, 4]]).shape
    (2, 2)
    >>> as_points([1, 2])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: points: expected a 2-D array of shape (n, m) with m >= 2 objectives, got a 1-D array of shape (2,)
    """
    points = getattr(points, "points", points)
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError) as exc:
        kind = type(points).__name__
        raise ParetolabError(
            f"{name}: expected a numeric array of shape (n, m), got {kind} that is not numeric ({exc})"
        ) from None
    expected = f"expected a 2-D array of shape (n, m) with m >= {min_objectives} objectives"
    if arr.size == 0 and (arr.ndim == 1 or (arr.ndim == 2 and arr.shape[0] == 0 and arr.shape[1] != 1)):
        # no points at all ([] or an empty (0, m) array): empty results downstream
        m = arr.shape[1] if arr.ndim == 2 and arr.shape[1] >= min_objectives else min_objectives
        return arr.reshape(0, m)
    if arr.ndim != 2:
        raise ParetolabError(f"{name}: {expected}, got a {arr.ndim}-D array of shape {arr.shape}")
    if arr.shape[1] < min_objectives:
        raise ParetolabError(f"{name}: {expected}, got shape {arr.shape} ({arr.shape[1]} objective(s))")
    if not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
        raise ParetolabError(
            f"{name}: expected finite values, got {bad.size} row(s) with NaN or inf "
            f"(first at rows {bad[:5].tolist()})"
        )
    return arr


def as_front2d(front, name: str = "front") -> np.ndarray:
    """Validate a 2-D front in ``pareto_front`` order: L0 strictly increasing, L1 strictly decreasing."""
    arr = as_points(front, name)
    if arr.shape[1] != 2:
        raise ParetolabError(
            f"{name}: expected 2 objectives (L0, L1), got {arr.shape[1]}; "
            "this function is defined for m = 2 only"
        )
    if not _is_front_order(arr):
        bad = np.flatnonzero((np.diff(arr[:, 0]) <= 0) | (np.diff(arr[:, 1]) >= 0))
        if bad.size:
            raise ParetolabError(
                f"{name}: expected a front in pareto_front() order (first objective strictly "
                f"increasing, second strictly decreasing), but rows {bad[0]} and {bad[0] + 1} "
                "are not; pass pareto_front(points) instead"
            )
    return arr


def extent(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower corner and per-objective range of ``points`` (a zero range counts as 1): the units
    in which tolerances, depths and distances are measured (``(points - lo) / span``).

    >>> extent(np.array([[0.0, 4.0], [2.0, 4.0]]))
    (array([0., 4.]), array([2., 1.]))
    """
    # column by column: a reduction along axis 0 of an (n, 2) array is several times slower
    lo = np.array([points[:, k].min() for k in range(points.shape[1])])
    span = np.array([points[:, k].max() for k in range(points.shape[1])]) - lo
    return lo, np.where(span > 0, span, 1.0)


def _normalise(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    lo, span = extent(reference)
    return (points - lo) / span


def _unit_xy(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two objectives of a 2-D set as contiguous columns scaled to [0, 1] over the set."""
    lo, span = extent(points)
    return (points[:, 0] - lo[0]) / span[0], (points[:, 1] - lo[1]) / span[1]


# --------------------------------------------------------------------------- nondominance
def is_nondominated(points, /, *, keep_weakly: bool = False) -> np.ndarray:
    """Boolean mask of the points that no other point dominates.

    2-D uses an O(n log n) sort and running minimum after an O(n) prefilter; m >= 3 delegates
    to moocore. Exact duplicates of a nondominated point: only the first copy in input order is
    ``True``, unless ``keep_weakly=True`` (then every copy is), matching moocore.

    Parameters
    ----------
    points : array_like, shape (n, m)
        Objective values, all minimised.
    keep_weakly : bool
        Keep every copy of a duplicated nondominated point.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> is_nondominated([[1, 2], [2, 1], [2, 2], [1, 2]])
    array([ True,  True, False, False])
    >>> is_nondominated([[1, 2], [2, 1], [2, 2], [1, 2]], keep_weakly=True)
    array([ True,  True, False,  True])
    """
    pts = as_points(points)
    n, m = pts.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if m > 2:
        import moocore

        return np.asarray(moocore.is_nondominated(pts, keep_weakly=keep_weakly), dtype=bool)
    return _nondominated_2d(pts, keep_weakly)


def _nondominated_2d(pts: np.ndarray, keep_weakly: bool) -> np.ndarray:
    mask = np.zeros(pts.shape[0], dtype=bool)
    mask[_front_order_2d(pts, keep_weakly)] = True
    return mask


def _front_order_2d(pts: np.ndarray, keep_weakly: bool) -> np.ndarray:
    """Indices of the nondominated 2-D points, sorted by (L0, L1, input position)."""
    f0, f1 = np.ascontiguousarray(pts[:, 0]), np.ascontiguousarray(pts[:, 1])
    candidates = _prefilter_2d(f0, f1) if f0.size > 64 else np.arange(f0.size)
    c0, c1 = f0[candidates], f1[candidates]
    order = np.argsort(c0)
    s0, s1 = c0[order], c1[order]
    new_group = np.empty(s0.size, dtype=bool)
    new_group[0] = True
    np.not_equal(s0[1:], s0[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    if starts.size == s0.size:  # no ties in L0, hence no duplicates
        return candidates[order[_running_min_mask(s1)]]
    # Ties in L0: a group of equal L0 is on the front when its least L1 beats every earlier
    # group; its points with that least L1 are copies of one point.
    group = np.cumsum(new_group) - 1
    group_min = np.minimum.reduceat(s1, starts)
    on_front = _running_min_mask(group_min)
    best = on_front[group] & (s1 == group_min[group])
    position = candidates[order]
    if keep_weakly:
        kept = position[best]
        return kept[np.lexsort((kept, group[best]))]
    first = np.minimum.reduceat(np.where(best, position, np.iinfo(np.intp).max), starts)
    return first[on_front]


def _prefilter_2d(f0: np.ndarray, f1: np.ndarray) -> np.ndarray:
    """Indices of the points not strictly dominated by a few anchor points (O(n)).

    Anchors: the lowest sum after scaling to the data's range, then the lowest L0 and the
    lowest L1. Only points an anchor dominates are dropped: the result contains the front.
    """
    lo0, lo1 = f0.min(), f1.min()
    span0 = (f0.max() - lo0) or 1.0
    span1 = (f1.max() - lo1) or 1.0
    idx = np.arange(f0.size)
    for anchor in (np.argmin(f0 / span0 + f1 / span1), np.argmin(f0), np.argmin(f1)):
        a0, a1 = f0[anchor], f1[anchor]
        g0, g1 = f0[idx], f1[idx]
        idx = idx[~((a0 <= g0) & (a1 <= g1) & ((a0 < g0) | (a1 < g1)))]
    return idx


def pareto_front(points, /) -> np.ndarray:
    """The nondominated points, each once, sorted by the first objective (then the others).

    Examples
    --------
    >>> pareto_front([[3, 1], [1, 3], [2, 2], [2, 3], [1, 3]])
    array([[1., 3.],
           [2., 2.],
           [3., 1.]])
    """
    pts = as_points(points)
    if pts.shape[0] == 0:
        return pts.copy()
    if pts.shape[1] == 2:
        return pts[_front_order_2d(pts, keep_weakly=False)]
    front = pts[is_nondominated(pts)]
    return front[np.lexsort(front.T[::-1])]


# --------------------------------------------------------------------------- supported points
def is_supported(points, /, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    """Boolean mask of the points that minimise some weighted sum with strictly positive weights.

    A point is supported when no convex combination of the points dominates it: it lies on the
    lower-left convex hull of the front (collinear points on a hull edge included). For a finite
    2-D front both ends qualify; on a 3-objective concave sphere only the corners do. Dominated
    points are never supported.

    Tolerance: objectives are rescaled to ``[0, 1]`` over the front; a point counts as supported
    when the largest total improvement (summed over objectives) that a convex combination of the
    points offers over it is at most ``tol``. Noise well below ``tol`` on a straight front makes
    no unsupported point, and rescaling an objective changes no answer.

    Parameters
    ----------
    points : array_like, shape (n, m)
    tol : float
        Tolerance in units of the front's extent.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    A concave quarter circle: only the two ends are reached by a weighted sum.

    >>> t = np.linspace(0, np.pi / 2, 5)
    >>> is_supported(np.c_[np.sin(t), np.cos(t)])
    array([ True, False, False, False,  True])
    >>> is_supported([[0, 1], [0.5, 0.5], [1, 0]])  # collinear: all supported
    array([ True,  True,  True])
    """
    pts = as_points(points)
    tol = _check_tol(tol)
    n, m = pts.shape
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    if m == 2:
        if _is_front_order(pts):  # already a front in pareto_front order: no sort needed
            return _improvement_2d(*_unit_xy(pts)) <= tol
        idx = _front_order_2d(pts, keep_weakly=True)
        mask[idx] = _improvement_2d(*_unit_xy(pts[idx])) <= tol
        return mask
    idx = np.flatnonzero(is_nondominated(pts, keep_weakly=True))
    mask[idx] = _improvement_lp(_normalise(pts[idx], pts[idx]), tol) <= tol
    return mask


def _is_front_order(pts: np.ndarray) -> bool:
    """First objective strictly increasing and second strictly decreasing (2-D)."""
    return bool((np.diff(pts[:, 0]) > 0).all() and (np.diff(pts[:, 1]) < 0).all())


def _check_tol(tol) -> float:
    try:
        value = float(tol)
    except (TypeError, ValueError):
        raise ParetolabError(f"tol: expected a number >= 0, got {tol!r}") from None
    if not value >= 0 or not math.isfinite(value):
        raise ParetolabError(f"tol: expected a finite number >= 0, got {tol!r}")
    return value


def _running_min_mask(y: np.ndarray) -> np.ndarray:
    """``y[i] < min(y[:i])``: the staircase of a sequence sorted by the other objective."""
    before = np.empty_like(y)
    if y.size:
        before[0] = np.inf
        np.minimum.accumulate(y[:-1], out=before[1:])
    return y < before


def _lower_hull(x: np.ndarray, y: np.ndarray, exact: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Indices of the strict lower-left convex hull of points sorted by x (ties: lower y first).

    Every vertex of a lower-left hull is on the running minimum of y, so that staircase is the
    starting chain. Vectorised passes drop, all at once, the chain points on or above the chord
    of their two chain neighbours (never hull vertices; collinear points are not vertices
    either) while that removes a good share of the chain. What is left splits at its remaining
    reflex vertices into convex pieces, merged left to right through their lower common
    tangents. Runs in O(n) numpy work for the fronts met in practice.

    ``exact``: the points' own values when ``x``, ``y`` are them rescaled; a difference the
    rescaling rounded away (L1 of 0, 1e-26 and 4e297: the first two both become 0) is then
    decided on them: the staircase on the own values, and a chain point that is on the chord
    of its neighbours only in the rescaled values by exact rational arithmetic.
    """
    idx = np.flatnonzero(_running_min_mask(y if exact is None else exact[1]))
    while idx.size >= 3:
        reflex = _reflex(x[idx], y[idx], None if exact is None else (exact[0][idx], exact[1][idx]))
        if not reflex.any():
            return idx
        if reflex.sum() < idx.size // 100:
            break
        idx = idx[np.concatenate([[True], ~reflex, [True]])]
    else:
        return idx
    cuts = np.flatnonzero(reflex) + 2  # a piece ends at each reflex vertex
    return _merge_convex_pieces(x, y, np.split(idx, cuts))


def _reflex(x: np.ndarray, y: np.ndarray, exact: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """For each interior point of a chain: is it on or above the chord of its neighbours? With
    ``exact`` (see :func:`_lower_hull`), a point found on the chord where the rescaling merged
    two of the three points' distinct values is decided on the own values, exactly."""
    cross = (x[1:-1] - x[:-2]) * (y[2:] - y[:-2]) - (y[1:-1] - y[:-2]) * (x[2:] - x[:-2])
    out = cross <= 0
    if exact is not None:
        e0, e1 = exact
        merged = ((np.diff(x) == 0) & (np.diff(e0) != 0)) | ((np.diff(y) == 0) & (np.diff(e1) != 0))
        for i in np.flatnonzero((cross == 0) & (merged[:-1] | merged[1:])):
            (ax, bx, cx), (ay, by, cy) = (map(Fraction, e0[i:i + 3].tolist()), map(Fraction, e1[i:i + 3].tolist()))
            out[i] = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) <= 0
    return out


def _merge_convex_pieces(x: np.ndarray, y: np.ndarray, pieces: list[np.ndarray]) -> np.ndarray:
    """Lower hull of x-separated convex chains, in order, joined by lower common tangents."""
    hull = np.empty(sum(p.size for p in pieces), dtype=np.intp)
    top = 0
    for piece in pieces:
        if top == 0:
            hull[: piece.size] = piece
            top = piece.size
            continue
        i, j = _bridge(x, y, hull[:top], piece)
        top = i + 1
        hull[top : top + piece.size - j] = piece[j:]
        top += piece.size - j
    return hull[:top]


def _bridge(x: np.ndarray, y: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[int, int]:
    """Lower common tangent of two convex chains, ``left`` entirely left of ``right``.

    Alternates the tangent from the current right point to ``left`` (the largest slope to it,
    leftmost on ties) and from the current left point to ``right`` (the least slope, rightmost
    on ties) until neither moves. Each search looks at a window next to the gap that grows
    until the answer is inside it (slopes from a point are unimodal along a convex chain).
    """
    i, j = left.size - 1, 0
    while True:
        new_i = _tangent(x, y, left, right[j], from_end=True)
        new_j = _tangent(x, y, right, left[new_i], from_end=False)
        if new_i == i and new_j == j:
            return i, j
        i, j = new_i, new_j


def _tangent(x: np.ndarray, y: np.ndarray, chain: np.ndarray, point: int, *, from_end: bool) -> int:
    n = chain.size
    px, py = x[point], y[point]
    width = 256
    while True:
        lo, hi = (max(0, n - width), n) if from_end else (0, min(n, width))
        window = chain[lo:hi]
        if from_end:  # tangent from a point on the right: largest slope, leftmost on ties
            k = int(np.argmax((py - y[window]) / (px - x[window])))
            if k > 0 or lo == 0:
                return lo + k
        else:  # tangent from a point on the left: least slope, rightmost on ties
            slope = (y[window] - py) / (x[window] - px)
            k = int(slope.size - 1 - np.argmin(slope[::-1]))
            if k < slope.size - 1 or hi == n:
                return k
        width *= 8


def _improvement_2d(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Largest L1 improvement a convex combination offers over each point of a sorted 2-D front.

    ``x``, ``y`` are a nondominated set sorted by x (copies allowed). With the lower hull H
    (convex, decreasing) and K its vertex of least x + y, the best dominating combination for p
    is where H crosses x = p0 (gain: the vertical gap), where it crosses y = p1 (gain: the
    horizontal gap), or K itself when K lies below-left of p.
    """
    hull = _lower_hull(x, y)
    if hull.size == x.size:  # every point is a hull vertex
        return np.zeros(x.size)
    hx, hy = x[hull], y[hull]
    vertical = y - np.interp(x, hx, hy)
    # x as a function of y along the hull: y decreases, so reverse for np.interp.
    horizontal = x - np.interp(y, hy[::-1], hx[::-1])
    k = int(np.argmin(hx + hy))
    through_k = (x + y) - (hx[k] + hy[k])
    gain = np.where(hx[k] > x, vertical, np.where(hy[k] > y, horizontal, through_k))
    return np.maximum(gain, 0.0)


def _improvement_lp(unit: np.ndarray, tol: float) -> np.ndarray:
    """Largest L1 improvement by a convex combination, for m >= 3, via one small LP per point.

    By LP duality the improvement for p is ``min over w >= 1 of w.p - min_i w.q_i``, an LP with
    m + 1 variables. Points proven supported by the equal weights ``w = 1`` skip the LP.
    """
    from scipy.optimize import linprog

    n, m = unit.shape
    gain = unit.sum(axis=1) - unit.sum(axis=1).min()
    todo = np.flatnonzero(gain > tol)
    # variables (w_1..w_m, t): minimise w.p - t  s.t.  t - w.q_i <= 0,  w >= 1.
    a_ub = np.hstack([-unit, np.ones((n, 1))])
    b_ub = np.zeros(n)
    bounds = [(1.0, None)] * m + [(None, None)]
    for i in todo:
        res = linprog(
            np.append(unit[i], -1.0), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs"
        )
        if res.status != 0:  # pragma: no cover - the LP is always feasible and bounded
            raise RuntimeError(f"supported-point LP failed for point {i}: {res.message}")
        gain[i] = max(res.fun, 0.0)
    return gain


# --------------------------------------------------------------------------- weighted sums
def weighted_sum_optimum(points, alpha, /):
    """Index of the point a global minimiser of ``L0 + alpha * L1`` over ``points`` reaches.

    Ties (exactly at a critical alpha, or duplicated points) go to the lowest L0, then the
    lowest L1, then the first in input order. ``alpha`` may be a scalar (returns ``int``) or an
    array (returns an integer array of the same shape); ``alpha = inf`` minimises L1 alone.

    Scale: like the other utilities, the lower convex hull is found with the objectives
    rescaled to ``[0, 1]`` over the points (``alpha`` converted to those units, ``alpha *
    span1 / span0``), and which side of an edge's critical alpha ``alpha`` falls on is decided
    on the points' own differences, ``alpha * (A1 - B1)`` against ``B0 - A0``, taken apart into
    mantissas and exponents so that nothing overflows or underflows: multiplying an
    objective by any positive factor (1e-300 to 1e300) changes no answer, and no warning is
    raised.

    Examples
    --------
    >>> front = [[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]]
    >>> weighted_sum_optimum(front, 0.1), weighted_sum_optimum(front, 10.0)
    (0, 2)
    >>> weighted_sum_optimum(front, [0.5, 1.0, 2.0])
    array([0, 1, 2])
    >>> weighted_sum_optimum(np.array(front) * 1e-200, [0.5, 1.0, 2.0])  # same at any scale
    array([0, 1, 2])
    """
    pts = as_points(points)
    if pts.shape[1] != 2:
        raise ParetolabError(f"points: expected 2 objectives (L0, L1), got {pts.shape[1]}")
    a = _check_alpha(alpha)
    if pts.shape[0] == 0:
        raise ParetolabError("points: expected at least one point, got none")
    order = np.lexsort((np.arange(pts.shape[0]), pts[:, 1], pts[:, 0]))
    s0, s1 = pts[order, 0], pts[order, 1]
    # overflow and underflow are handled (ranges beyond the float range are halved, values
    # or cross products far below the extent become 0): none of them may warn
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        (x, span0), (y, span1) = _unit_column(s0), _unit_column(s1)
        vertices = _lower_hull(x, y, exact=(s0, s1))
        if vertices.size == 1:
            k = np.zeros(a.size, dtype=np.intp)
        else:
            flat = a.reshape(-1)
            # the position among the critical alphas, in the unit square (an edge whose two
            # differences the rescaling rounded to 0 gets its neighbour's; settled below) ...
            with np.errstate(invalid="ignore"):
                crit = np.diff(x[vertices]) / -np.diff(y[vertices])
            crit = np.maximum.accumulate(np.nan_to_num(crit, nan=0.0, posinf=np.inf))
            k = np.searchsorted(crit, _times_ratio(flat, span1, span0), side="left")
            # ... then settled on the points' own differences (one rounding, as in floats)
            k = _settle(flat, k, _edge_differences(s0[vertices], s1[vertices]))
    result = order[vertices[k]].reshape(a.shape)
    return int(result) if np.ndim(result) == 0 else result


def _unit_column(c: np.ndarray) -> tuple[np.ndarray, tuple[float, int]]:
    """One objective scaled to [0, 1] over its range (a zero range counts as 1, as in
    :func:`extent`), and that range as ``(value, log2 factor)``: a range beyond the largest
    float (values from -1e308 to 1e308) is taken of the halved values. Call it under
    ``np.errstate(over="ignore", under="ignore")``."""
    lo, hi = c.min(), c.max()
    span = hi - lo
    halved = 0
    if not math.isfinite(span):
        c, lo, span, halved = c * 0.5, lo * 0.5, hi * 0.5 - lo * 0.5, 1
    if not span > 0:
        span = 1.0
    return np.ascontiguousarray((c - lo) / span), (float(span), halved)


def _times_ratio(a: np.ndarray, num: tuple[float, int], den: tuple[float, int]) -> np.ndarray:
    """``a * num / den`` for spans ``(value, log2 factor)``, saturating to 0 and inf instead of
    overflowing in between (``0 -> 0``, ``inf -> inf``)."""
    ma, ea = np.frexp(a)
    mn, en = math.frexp(num[0])
    md, ed = math.frexp(den[0])
    return np.ldexp(ma * (mn / md), ea + (en + num[1] - ed - den[1]))


def _edge_differences(v0: np.ndarray, v1: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the edges of a hull with vertices ``(v0, v1)`` (v0 increasing, v1 decreasing): the
    mantissas of ``dx = diff(v0)`` and ``dy = -diff(v1)`` and the exponent of ``dy / dx``, so
    that ``a * dy > dx`` is ``ldexp(ma * my, ea + e) > mx``. A difference that overflows is
    taken of the halved values (both: their ratio stays)."""
    v = np.stack((v0, v1))
    d = np.diff(v, axis=1)
    if not np.isfinite(d).all():
        d = np.diff(v * 0.5, axis=1)
    m, e = np.frexp(d)
    return m[0], -m[1], e[1] - e[0]


def _settle(a: np.ndarray, k: np.ndarray, edges: tuple) -> np.ndarray:
    """Move each hull position ``k`` until ``a`` is beyond the critical alpha of the edge before
    it and not beyond that of the edge after it.

    ``a`` is beyond edge ``j`` (from vertex ``j`` to ``j + 1``) when ``a * dy[j] > dx[j]``: the
    next vertex is strictly better. It is formed from mantissas and exponents
    (:func:`_edge_differences`): one rounding, like ``a * dy`` in floats, but no overflow or
    underflow at any scale. A tie is not beyond: it goes to the lower L0.
    """
    mx, my, e = edges
    ma, ea = np.frexp(a)
    last = mx.size - 1

    def beyond(rows, j):
        return np.ldexp(ma[rows] * my[j], ea[rows] + e[j]) > mx[j]

    every = slice(None)
    k = np.minimum(k, last + 1)
    back = (k > 0) & ~beyond(every, np.maximum(k - 1, 0))
    on = (k <= last) & beyond(every, np.minimum(k, last))
    if not (back.any() or on.any()):  # the usual case: the unit square's answer stands
        return k
    rows = np.flatnonzero(back)
    while rows.size:  # back while the edge before k is not crossed
        k[rows] -= 1
        rows = rows[k[rows] > 0]
        rows = rows[~beyond(rows, k[rows] - 1)]
    rows = np.flatnonzero(k <= last)
    rows = rows[beyond(rows, k[rows])]
    while rows.size:  # on while the edge after k is crossed
        k[rows] += 1
        rows = rows[k[rows] <= last]
        rows = rows[beyond(rows, k[rows])]
    return k


def _check_alpha(alpha) -> np.ndarray | float:
    try:
        a = np.asarray(alpha, dtype=float)
    except (TypeError, ValueError):
        raise ParetolabError(f"alpha: expected a number >= 0 or an array of them, got {alpha!r}") from None
    if np.isnan(a).any() or (a < 0).any():
        raise ParetolabError(f"alpha: expected values >= 0 (L = L0 + alpha*L1), got {alpha!r}")
    return a


def _edge_alphas(vertices: np.ndarray) -> np.ndarray:
    """Critical alpha of each edge of a lower hull given by its vertices in L0 order."""
    d0 = np.diff(vertices[:, 0])
    d1 = np.diff(vertices[:, 1])
    return d0 / -d1


def critical_alphas(points, /, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    """Sorted alpha values at which the minimiser of ``L0 + alpha * L1`` over the points changes.

    One value per edge of the lower convex hull of the front. Hull corners that lie within
    ``tol`` (relative to the front's extent) of the edge joining their neighbours are merged,
    so a straight front with tiny noise has a single critical alpha.

    Examples
    --------
    >>> critical_alphas([[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]])
    array([0.66666667, 1.5       ])
    >>> critical_alphas([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]])  # straight: one alpha
    array([1.])
    """
    pts = as_points(points)
    if pts.shape[1] != 2:
        raise ParetolabError(f"points: expected 2 objectives (L0, L1), got {pts.shape[1]}")
    tol = _check_tol(tol)
    front = pareto_front(pts)
    if front.shape[0] < 2:
        return np.zeros(0)
    x, y = _unit_xy(front)
    vertices = _lower_hull(x, y)
    corners = vertices[_simplify(x[vertices], y[vertices], tol)]
    return _edge_alphas(front[corners])


def _distance_to_line(px: np.ndarray, py: np.ndarray, a: tuple, c: tuple) -> np.ndarray:
    """Signed distance of points ``(px, py)`` above the line through ``a`` and ``c`` (2-D)."""
    d0, d1 = c[0] - a[0], c[1] - a[1]
    return ((py - a[1]) * d0 - (px - a[0]) * d1) / math.hypot(d0, d1)


# --------------------------------------------------------------------------- concave regions
@dataclass(frozen=True)
class ConcaveRegion:
    """A maximal run of unsupported points of a 2-D front, bridged by one hull edge.

    ``front[start:stop]`` are its points (in ``pareto_front`` order); ``front[start - 1]`` and
    ``front[stop]`` are the bridging supported points ``left`` and ``right``. A weighted sum
    jumps from ``left`` to ``right`` at ``alpha``. ``depth`` is the largest distance from the
    region to the bridging edge and ``share`` the region's fraction of the front's arc length
    (from ``left`` to ``right``), both with objectives scaled to the front's extent.

    ``cores`` are the locally concave stretches, each ``(core_start, core_stop)`` so that
    ``front[core_start:core_stop]`` are its points: there the weighted sum has a saddle along
    the front for every alpha, so no initialisation converges to it. A region may hold several
    cores with locally convex stretches between them; the rest of the region (its flanks and
    those stretches) is locally convex: local minima for some alpha, reached from some
    initialisations only. No core means the region is unsupported but locally convex
    throughout.
    """

    start: int
    stop: int
    left: tuple[float, float]
    right: tuple[float, float]
    alpha: float
    depth: float
    share: float
    cores: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict:
        """Plain-Python fields, ready for JSON."""
        return {
            "start": self.start,
            "stop": self.stop,
            "left": list(self.left),
            "right": list(self.right),
            "alpha": self.alpha,
            "depth": self.depth,
            "share": self.share,
            "cores": [list(c) for c in self.cores],
        }


def concave_regions(front, /, *, tol: float = DEFAULT_TOL, core_tol: float | None = None) -> list[ConcaveRegion]:
    """The regions of a 2-D front that no weighted sum ``L0 + alpha * L1`` reaches.

    Parameters
    ----------
    front : array_like, shape (n, 2)
        A front in ``pareto_front`` order (first objective strictly increasing, second strictly
        decreasing); pass ``pareto_front(points)`` for raw points.
    tol : float
        Tolerance relative to the front's extent, as in :func:`is_supported`.
    core_tol : float, optional
        Wiggles smaller than this (default ``tol``) are ignored when the curvature is read for
        the cores, so that noise on a sampled front does not split a core into many.

    Returns
    -------
    list of ConcaveRegion, in front order.

    Examples
    --------
    >>> t = np.linspace(0, np.pi / 2, 101)
    >>> (region,) = concave_regions(np.c_[np.sin(t), np.cos(t)])
    >>> region.start, region.stop, round(region.alpha, 6), round(region.depth, 4)
    (1, 100, 1.0, 0.2929)
    """
    pts = as_front2d(front)
    tol = _check_tol(tol)
    core_tol = tol if core_tol is None else max(tol, _check_tol(core_tol))
    n = pts.shape[0]
    if n < 3:
        return []
    x, y = _unit_xy(pts)
    unsupported = _improvement_2d(x, y) > tol
    if not unsupported.any():
        return []
    edges = np.diff(unsupported.astype(np.int8))
    starts = np.flatnonzero(edges == 1) + 1
    stops = np.flatnonzero(edges == -1) + 1
    seg = np.hypot(np.diff(x), np.diff(y))
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    regions = []
    for start, stop in zip(starts.tolist(), stops.tolist()):
        left, right = start - 1, stop
        a, c = (x[left], y[left]), (x[right], y[right])
        depth = float(np.max(_distance_to_line(x[start:stop], y[start:stop], a, c)))
        regions.append(
            ConcaveRegion(
                start=start,
                stop=stop,
                left=(float(pts[left, 0]), float(pts[left, 1])),
                right=(float(pts[right, 0]), float(pts[right, 1])),
                alpha=float((pts[left, 0] - pts[right, 0]) / (pts[right, 1] - pts[left, 1])),
                depth=depth,
                share=float((arc[right] - arc[left]) / arc[-1]),
                cores=_concave_cores(x, y, left, right, core_tol),
            )
        )
    return regions


def _concave_cores(x: np.ndarray, y: np.ndarray, left: int, right: int, tol: float) -> tuple:
    """Index ranges of the locally concave stretches of the front between two bridging points.

    The stretch ``left..right`` is simplified (Douglas-Peucker at ``tol``) so that wiggles
    below the tolerance cannot flip the sign of the curvature. Each maximal run of simplified
    vertices where the front turns concave (a clockwise turn while L0 increases) is one core,
    from its first to its last such vertex; a core reaches back to the region's edge when the
    vertex before it is the bridge.
    """
    keep = _simplify(x[left : right + 1], y[left : right + 1], tol) + left
    if keep.size < 3:
        return ()
    kx, ky = x[keep], y[keep]
    turn = (kx[1:-1] - kx[:-2]) * (ky[2:] - ky[1:-1]) - (ky[1:-1] - ky[:-2]) * (kx[2:] - kx[1:-1])
    concave = np.concatenate([[False], turn < 0, [False]])
    edges = np.diff(concave.astype(np.int8))
    cores = []
    for first, last in zip(np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1)):
        start = left + 1 if first == 1 else int(keep[first])
        stop = right if last == keep.size - 2 else int(keep[last]) + 1
        cores.append((start, stop))
    return tuple(cores)


def _simplify(x: np.ndarray, y: np.ndarray, tol: float) -> np.ndarray:
    """Indices kept by Douglas-Peucker simplification of a polyline at distance ``tol``."""
    keep = np.zeros(x.size, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, x.size - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        d = np.abs(_distance_to_line(x[i + 1 : j], y[i + 1 : j], (x[i], y[i]), (x[j], y[j])))
        k = int(np.argmax(d))
        if d[k] > tol:
            k += i + 1
            keep[k] = True
            stack.append((i, k))
            stack.append((k, j))
    return np.flatnonzero(keep)


# --------------------------------------------------------------------------- summaries
def coverage(reached, front, /, radius: float = 0.05) -> float:
    """Fraction of the front within ``radius`` of some reached point.

    Objectives are scaled to the front's extent. For a 2-D front the fraction is of its arc
    length (the front drawn as a polyline in ``pareto_front`` order), computed exactly; for
    m >= 3 it is the fraction of the front's points (a sampled front stands in for its area).
    A front of one point is covered (1.0) or not (0.0). No reached points: 0.0.

    Examples
    --------
    >>> front = [[0.0, 1.0], [1.0, 0.0]]
    >>> coverage([[0.0, 1.0]], front, radius=0.5 * 2 ** 0.5)
    0.5
    """
    f = as_points(front, "front")
    r = as_points(reached, "reached")
    if r.shape[0] and r.shape[1] != f.shape[1]:
        raise ParetolabError(
            f"reached: expected {f.shape[1]} objectives like front, got {r.shape[1]}"
        )
    radius = float(radius)
    if not radius > 0 or not math.isfinite(radius):
        raise ParetolabError(f"radius: expected a finite number > 0, got {radius!r}")
    if f.shape[0] == 0:
        raise ParetolabError("front: expected at least one point, got none")
    if r.shape[0] == 0:
        return 0.0
    f = pareto_front(f)
    lo, span = extent(f)
    fu, ru = (f - lo) / span, (r - lo) / span
    if f.shape[0] == 1 or f.shape[1] > 2:
        near = np.zeros(fu.shape[0], dtype=bool)
        for chunk in np.array_split(np.arange(fu.shape[0]), max(1, fu.shape[0] * ru.shape[0] // 2_000_000)):
            dist2 = ((fu[chunk, None, :] - ru[None, :, :]) ** 2).sum(axis=2)
            near[chunk] = (dist2 <= radius**2).any(axis=1)
        return float(near.mean())
    return _covered_arc_fraction(fu, ru, radius)


def _covered_arc_fraction(front: np.ndarray, reached: np.ndarray, radius: float) -> float:
    """Exact covered fraction of a 2-D polyline's length by discs around ``reached``."""
    a, b = front[:-1], front[1:]
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    covered = 0.0
    per_chunk = max(1, 2_000_000 // reached.shape[0])
    for lo in range(0, a.shape[0], per_chunk):
        sl = slice(lo, lo + per_chunk)
        # |a + t d - r|^2 <= R^2  ->  L^2 t^2 + 2 t d.(a - r) + |a - r|^2 - R^2 <= 0, t in [0, 1]
        ar = a[sl, None, :] - reached[None, :, :]
        qa = (length[sl] ** 2)[:, None]
        qb = 2 * (d[sl, None, :] * ar).sum(axis=2)
        qc = (ar**2).sum(axis=2) - radius**2
        disc = qb**2 - 4 * qa * qc
        ok = disc >= 0
        root = np.sqrt(np.where(ok, disc, 0.0))
        t0 = np.clip((-qb - root) / (2 * qa), 0.0, 1.0)
        t1 = np.clip((-qb + root) / (2 * qa), 0.0, 1.0)
        t0 = np.where(ok, t0, 1.0)
        t1 = np.where(ok, t1, 0.0)
        covered += float((_union_length(t0, t1) * length[sl]).sum())
    return covered / float(length.sum())


def _union_length(t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Per row, the total length of the union of intervals ``[t0, t1]`` (empty if t1 < t0)."""
    order = np.argsort(t0, axis=1)
    s0 = np.take_along_axis(t0, order, axis=1)
    s1 = np.take_along_axis(t1, order, axis=1)
    reach = np.maximum.accumulate(s1, axis=1)
    before = np.concatenate([np.full((s0.shape[0], 1), -np.inf), reach[:, :-1]], axis=1)
    gained = np.clip(s1 - np.maximum(s0, before), 0.0, None)
    return gained.sum(axis=1)


def balanced_point(front, /) -> int:
    """Index of the balanced trade-off: the point whose largest normalised loss is smallest.

    Objectives are scaled to ``[0, 1]`` over the nondominated points (0 = best seen, 1 =
    worst on the front); ties go to the lowest sum of scaled losses, then the first index.
    This is the "balanced" solution a practitioner usually wants; on a concave front it lies
    in the region no weighted sum reaches.

    Examples
    --------
    >>> balanced_point([[0.0, 1.0], [0.45, 0.5], [0.6, 0.4], [1.0, 0.0]])
    1
    """
    pts = as_points(front, "front")
    if pts.shape[0] == 0:
        raise ParetolabError("front: expected at least one point, got none")
    nondominated = is_nondominated(pts, keep_weakly=True)
    unit = _normalise(pts, pts[nondominated])
    worst = np.where(nondominated, unit.max(axis=1), np.inf)
    total = unit.sum(axis=1)
    candidates = np.flatnonzero(worst == worst.min())
    return int(candidates[np.argmin(total[candidates])])


def hypervolume(points, /, ref) -> float:
    """Hypervolume dominated by ``points`` and bounded by the reference point ``ref`` (moocore).

    Points that do not strictly dominate ``ref`` contribute nothing.

    Examples
    --------
    >>> hypervolume([[1, 2], [2, 1]], ref=[3, 3])
    3.0
    """
    pts = as_points(points)
    ref_arr = np.asarray(as_points(np.atleast_2d(ref), "ref"))
    if ref_arr.shape != (1, pts.shape[1]):
        raise ParetolabError(
            f"ref: expected a point with {pts.shape[1]} objectives, got shape {np.shape(ref)}"
        )
    inside = (pts < ref_arr).all(axis=1)
    if not inside.any():
        return 0.0
    import moocore

    return float(moocore.hypervolume(pts[inside], ref=ref_arr[0]))


def igd(points, /, reference) -> float:
    """Inverted generational distance: mean distance from each reference point to ``points``.

    A thin validated wrapper over moocore; normalise objectives first if their scales differ.

    Examples
    --------
    >>> igd([[0, 1], [1, 0]], reference=[[0, 1], [0.5, 0.5], [1, 0]])
    0.23570226039551587
    """
    pts = as_points(points)
    ref = as_points(reference, "reference")
    if pts.shape[0] == 0 or ref.shape[0] == 0:
        raise ParetolabError(
            f"points, reference: expected at least one point each, got {pts.shape[0]} and {ref.shape[0]}"
        )
    if ref.shape[1] != pts.shape[1]:
        raise ParetolabError(f"reference: expected {pts.shape[1]} objectives like points, got {ref.shape[1]}")
    import moocore

    return float(moocore.igd(pts, ref=ref))
