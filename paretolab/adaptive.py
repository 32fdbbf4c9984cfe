"""Plans that find the front: where the next alpha (or eps) is worth most, given the runs so far.

The computer, not the engineer, places the values. An ``auto:LO:HI`` spec starts from a coarse
grid over [LO, HI] (log for alpha, linear for eps) and then, round after round, places values
where the front found so far is thin:

* **alpha** (the dichotomic or NISE scheme: Aneja & Nair 1979, Cohon 1978): for the widest
  stretch between neighbouring reached points A and B, the alpha at the slope of the edge
  between them, ``(A0 - B0) / (B1 - A1)``. On a convex stretch that alpha lands inside it (the
  weighted-sum optimum sits where the front's slope is -1/alpha: even alpha spacing gives uneven
  points, Das & Dennis 1997); when converged runs of that alpha land on its ends instead, the
  stretch is unreachable by alpha for all we can tell, and it is said so (an eps-constraint
  reaches it: Kim & de Weck 2005 add constraints for the same reason). No more runs are spent
  there, but for the middle of the alpha bracket of the jump while the alphas on a side of it
  span too little for the analysis to tell the jump from a fast move.
* **eps** (minimise L0 subject to L1 = eps): an L1 across the widest stretch, placed so that the
  fewest runs cover it (its middle, or a third of the way across a stretch three pieces long); a
  run there lands inside unless the front has no point at that L1 (disconnected), which is then
  said.

Stretches narrower than ``2 * resolution`` (units of the front's extent) are covered and left
alone. :func:`propose` is a pure function of the runs so far; the sweeps (:mod:`paretolab.batch`,
:mod:`paretolab.runner`) run its proposals for every seed and call it again until the budget is
spent or nothing is left to place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from paretolab import front as F
from paretolab.analysis import TIE
from paretolab.errors import ParetolabError
from paretolab.runs import Runs

__all__ = ["AUTO", "RESOLUTION", "Proposal", "parse_auto", "propose"]

AUTO = "auto"
RESOLUTION = 0.04
"""Stretches shorter than twice this (units of the front's extent) count as covered."""
INITIAL = 3
"""Values of the first, coarse grid (fewer when the budget is small)."""


@dataclass(frozen=True)
class Proposal:
    """A value to run next (``value``: alpha or eps) and why; or, with ``value`` None, a finding:
    a stretch where no more runs are spent (``reason`` says why)."""

    value: float | None
    reason: str


def parse_auto(spec, name: str = "alphas") -> tuple[float, float] | None:
    """``(LO, HI)`` of an ``auto:LO:HI`` spec, None for any other spec.

    >>> parse_auto("auto:1e-3:10"), parse_auto("log:1e-3:10:5")
    ((0.001, 10.0), None)
    """
    if not isinstance(spec, str) or not spec.strip().startswith(AUTO + ":"):
        return None
    parts = spec.strip().split(":")
    usage = f"{name}: expected 'auto:LO:HI' with 0 <= LO < HI, got {spec!r}"
    if len(parts) != 3:
        raise ParetolabError(usage)
    try:
        lo, hi = float(parts[1]), float(parts[2])
    except ValueError:
        raise ParetolabError(usage) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
        raise ParetolabError(usage)
    if name == "alphas" and lo <= 0:
        raise ParetolabError(f"alphas: an auto alpha range is searched on a log scale and needs LO > 0, got {spec!r}")
    return lo, hi


def propose(runs: Runs, method: str, lo: float, hi: float, room: int, *,
            resolution: float = RESOLUTION) -> list[Proposal]:
    """Up to ``room`` values of ``method`` to run next, widest stretch first, and the findings.

    ``runs`` are the runs of this method so far (any seeds). With none, the initial grid:
    ``min(room, INITIAL)`` values over [lo, hi]. Values already run are never proposed again, nor
    an alpha within the noise on the edge's slope of one whose runs landed on the stretch's ends.

    Examples
    --------
    >>> x = np.linspace(0, 1, 2001)
    >>> front = np.c_[x, (1 - np.sqrt(x)) ** 2]               # convex
    >>> def optimum(a):
    ...     return front[np.argmin(front[:, 0] + a * front[:, 1])]
    >>> runs = Runs.from_arrays([optimum(a) for a in (0.1, 10.0)], alpha=[0.1, 10.0], seed=[0, 0])
    >>> [round(p.value, 2) for p in propose(runs, "linear", 0.01, 100.0, 1)]  # the chord's slope
    [1.0]
    """
    if room < 1:
        return []
    if method not in ("linear", "chebyshev", "eps"):
        raise ParetolabError(f"method: expected 'linear', 'chebyshev' or 'eps', got {method!r}")
    value = runs.epsilon if method == "eps" else runs.alpha
    mine = (runs.method == method) & np.isfinite(value)
    done = np.unique(value[mine])
    ok = mine & runs.evidence
    if not ok.any():
        grid = np.linspace(lo, hi, INITIAL) if method == "eps" else np.geomspace(lo, hi, INITIAL)
        todo = [v for v in grid if not _ran(done, v)][:room]
        return [Proposal(float(v), f"initial {'linear' if method == 'eps' else 'log'} grid over [{lo:.3g}, {hi:.3g}]")
                for v in todo]
    pts = runs.objectives[ok]
    front = F.pareto_front(pts)
    flo, span = F.extent(front)
    unit = (pts - flo) / span
    # reached points in order along the front (the empirical front's own points)
    fu = (front - flo) / span
    chord = np.hypot(*np.diff(fu, axis=0).T) if len(fu) > 1 else np.zeros(0)
    out, findings = [], []
    for k in np.argsort(-chord, kind="stable"):
        if chord[k] <= 2 * resolution:
            break
        a, b = front[k], front[k + 1]
        stretch = f"L0 in ({a[0]:.4g}, {b[0]:.4g})"
        if method == "eps":
            # the fewest pieces of 2 * resolution the stretch needs; the first run cuts off half of them
            # (a third of a stretch three pieces long, not its middle: both halves would need another)
            parts = math.ceil(chord[k] / (2 * resolution))
            share = (parts // 2) / parts
            v = float(a[1] + share * (b[1] - a[1]))
            reason = f"L1 {share:.0%} of the way across the widest unreached stretch {stretch}"
        elif b[1] == a[1]:
            continue
        else:
            v = float((a[0] - b[0]) / (b[1] - a[1]))
            reason = f"slope of the edge across the unreached stretch {stretch} (lands inside if it is convex)"
        if not lo <= v <= hi:
            findings.append(Proposal(None, f"{stretch}: its value {v:.4g} is outside [{lo:.3g}, {hi:.3g}]"))
            continue
        # runs at this value, or at an alpha as close to it as the noise on the stretch's ends
        # makes its slope, that landed on those ends: as runs come in, the ends and with them the
        # edge's slope move a little (112.9555, then 112.956), and a run there says the same. No
        # wider: on a nearly straight front a run 1% away in alpha lands far along the front
        exact = _ran(done, v)
        close = 1e-9 if method == "eps" else _slope_noise(unit, fu[k], fu[k + 1], resolution)
        near = ok & np.isclose(value, v, rtol=close, atol=0.0)
        landed = unit[near[ok]]
        on_ends = np.minimum(np.linalg.norm(landed - fu[k], axis=1), np.linalg.norm(landed - fu[k + 1], axis=1))
        if near.any() and (exact or (on_ends <= resolution).all()) and not _inside(landed, fu[k], fu[k + 1],
                                                                                   resolution).any():
            why = ("unreachable by alpha for all we can tell: converged runs at the edge's alpha "
                   f"{v:.4g} landed on its ends" if method != "eps" else
                   f"no front point with L1 = {v:.4g} found: the front may be disconnected there")
            findings.append(Proposal(None, f"{stretch}: {why}"))
            middle = _bracket_middle(value[ok], unit, fu[k], fu[k + 1]) if method != "eps" else None
            if middle is not None and lo <= middle <= hi and not _ran(done, middle):
                out.append(Proposal(middle, f"bracket the jump across {stretch}: the alphas on a side of it span "
                                            "too little to tell a jump from a fast move"))
                if len(out) == room:
                    break
            continue
        if exact:  # run, and none of its runs is evidence (failed, diverged, not converged)
            if not near.any():
                findings.append(Proposal(None, f"{stretch}: no run at its value {v:.4g} converged; no more runs "
                                               "are spent there"))
            continue
        out.append(Proposal(float(v), reason))
        if len(out) == room:
            break
    return out + findings


def _ran(done: np.ndarray, v: float) -> bool:
    return bool(np.isclose(done, v, rtol=1e-9, atol=0.0).any())


def _slope_noise(points_unit: np.ndarray, a: np.ndarray, b: np.ndarray, resolution: float) -> float:
    """Relative uncertainty of the slope of the edge from ``a`` to ``b`` that the spread of the runs
    landing on them gives (three standard deviations; at least 1e-6, at most the analysis's tie)."""
    spread = np.zeros(2)
    for end in (a, b):
        there = points_unit[np.linalg.norm(points_unit - end, axis=1) <= resolution]
        if len(there) > 1:
            spread = np.maximum(spread, there.std(axis=0, ddof=1))
    relative = 3 * float(np.sum(2 * spread / np.maximum(np.abs(b - a), 1e-300)))
    return min(max(relative, 1e-6), TIE)


def _bracket_middle(values: np.ndarray, points_unit: np.ndarray, a: np.ndarray, b: np.ndarray) -> float | None:
    """The geometric middle of the alphas between which the runs jump from end ``a`` to end ``b``
    of a stretch, when the alphas on a side of that bracket span less than a quarter of it in
    log(alpha) (the analysis measures how fast the solution moves on each side over at least
    that much: over less, its noise allowance would pass for a fast move); else None, and None
    once the bracket is narrower than the analysis's tie. Each middle halves the bracket, so the
    sides soon span enough."""
    d = b - a
    t = ((points_unit - a) @ d) / max(float(d @ d), 1e-300)
    low, high = values[t <= 0.5], values[t > 0.5]
    if low.size == 0 or high.size == 0:
        return None
    a_lo, a_hi = float(low.max()), float(high.min())
    if not 0 < a_lo < a_hi * (1 - TIE):  # seeds split, the sides overlap, or it is known to the tie
        return None
    need = math.log(a_hi / a_lo) / 4
    if math.log(a_lo / float(low.min())) >= need and math.log(float(high.max()) / a_hi) >= need:
        return None
    return math.sqrt(a_lo * a_hi)


def _inside(points_unit: np.ndarray, a: np.ndarray, b: np.ndarray, resolution: float) -> np.ndarray:
    """Points strictly between a and b along their chord, farther than ``resolution`` from both."""
    if len(points_unit) == 0:
        return np.zeros(0, dtype=bool)
    d = b - a
    t = ((points_unit - a) @ d) / max(float(d @ d), 1e-300)
    far = (np.linalg.norm(points_unit - a, axis=1) > resolution) & (np.linalg.norm(points_unit - b, axis=1) > resolution)
    return (t > 0) & (t < 1) & far


def covered_range(runs: Runs, method: str | None = None) -> tuple[str, float, float]:
    """The method to continue (default: the weighted sum when there are runs of it, else the
    first method) and the range of values its runs cover (alpha > 0, or eps).

    >>> covered_range(Runs.from_arrays([[0, 1], [1, 0]], alpha=[0.1, 10.0]))
    ('linear', 0.1, 10.0)
    """
    methods = list(dict.fromkeys(runs.method.tolist()))
    method = method or ("linear" if "linear" in methods else methods[0] if methods else "linear")
    if method not in methods:
        raise ParetolabError(f"method: the runs are of {methods}, got {method!r}")
    mine = runs.method == method
    values = runs.epsilon[mine] if method == "eps" else runs.alpha[mine]
    values = values[np.isfinite(values) & ((values > 0) if method != "eps" else True)]
    if values.size < 2 or values.min() == values.max():
        raise ParetolabError(f"runs: placing more runs of {method!r} needs runs at two values at least to span a "
                             f"range, got {np.unique(values).tolist()}")
    return method, float(values.min()), float(values.max())


def next_values(runs: Runs, count: int, *, method: str | None = None) -> tuple[str, list[Proposal]]:
    """The values an ``auto`` plan would run next on these runs (any source): up to ``count``
    values of ``method`` over the range they cover, widest unreached stretch first, and the
    findings (proposals without a value). For a tuning loop that is not paretolab's: write
    them as a plan, or enqueue them into an Optuna study.

    >>> x = np.linspace(0, 1, 2001)
    >>> front = np.c_[x, (1 - np.sqrt(x)) ** 2]               # convex
    >>> runs = Runs.from_arrays([front[np.argmin(front[:, 0] + a * front[:, 1])] for a in (0.1, 10.0)],
    ...                         alpha=[0.1, 10.0], seed=[0, 0])
    >>> method, todo = next_values(runs, 1)
    >>> method, [round(p.value, 2) for p in todo if p.value is not None]
    ('linear', [1.0])
    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ParetolabError(f"count: expected an integer >= 1, got {count!r}")
    method, lo, hi = covered_range(runs, method)
    return method, propose(runs.subset(runs.method == method), method, lo, hi, int(count))

