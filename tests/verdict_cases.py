"""Run tables with answers known by construction, for the verdict's tests and its error rates.

A "global optimiser" lands, for each alpha, on the point of a dense analytic front that
minimises L0 + alpha * L1 (brute force over the front's points); noise is iid normal, its
standard deviation given in units of the front's extent. Nothing here calls the code under
test: the answers (convex or not, where alpha* is) come from the fronts' formulas.
"""

from __future__ import annotations

import numpy as np

from paretolab.runs import Runs


def superellipse(p: float, n: int = 4001) -> np.ndarray:
    """x^p + y^p = 1 on [0, 1]^2: a convex front for p < 1, a straight line for p = 1, a concave
    front (bulging away from the origin) for p > 1. Sorted by L0."""
    t = np.linspace(0.0, np.pi / 2, n)
    x, y = np.cos(t) ** (2 / p), np.sin(t) ** (2 / p)
    f = np.c_[x, y][::-1]
    return f[np.argsort(f[:, 0], kind="stable")]


def fonseca(n: int = 4001) -> np.ndarray:
    """Fonseca-Fleming: locally convex end caps around a concave core; alpha* = 1."""
    s = np.linspace(1.0, -1.0, n)
    return np.c_[1 - np.exp(-((s - 1) ** 2)), 1 - np.exp(-((s + 1) ** 2))]


def dent(n: int = 4001) -> np.ndarray:
    """DENT (jMetal) along x1 = -x2: two convex pieces around a concave dent; alpha* = 1."""
    x = np.linspace(-1.5, 1.5, n)
    d = 2 * x
    base = 0.5 * (np.sqrt(1 + d**2) + 1) + 0.85 * np.exp(-(d**2))
    f = np.c_[base + d / 2, base - d / 2]
    f = f[np.argsort(f[:, 0])]
    keep = np.r_[True, np.diff(np.minimum.accumulate(f[:, 1])) < 0]
    return f[keep]


def two_dents(n: int = 6001, deep: float = 0.08, shallow: float = 0.03) -> np.ndarray:
    """A convex front (a quarter circle bulging towards the origin) with two outward dents of
    different depths (Gaussian bumps along the normal): two concave regions."""
    t = np.linspace(0.0, np.pi / 2, n)
    base = np.c_[1 - np.cos(t), 1 - np.sin(t)]
    normal = np.c_[np.cos(t), np.sin(t)]  # away from the origin
    bump = deep * np.exp(-(((t - 0.45) / 0.09) ** 2)) + shallow * np.exp(-(((t - 1.15) / 0.07) ** 2))
    f = base + bump[:, None] * normal
    f = f[np.argsort(f[:, 0])]
    keep = np.r_[True, np.diff(np.minimum.accumulate(f[:, 1])) < 0]
    return f[keep]


def optimum(front: np.ndarray, alpha: float) -> np.ndarray:
    """Where a global optimiser of L0 + alpha * L1 over the front lands (brute force)."""
    return front[np.argmin(front[:, 0] + alpha * front[:, 1])]


def hull_alpha(a, b) -> float:
    """The alpha at which a weighted sum is indifferent between a and b."""
    return float((a[0] - b[0]) / (b[1] - a[1]))


def weighted_sum_runs(front, alphas, *, seeds: int | None = 1, noise: float = 0.0, rng=None,
                      scale=(1.0, 1.0)) -> Runs:
    """Runs of a global optimiser for every alpha (``seeds`` repeats; ``None``: no seed column),
    with noise of standard deviation ``noise`` x the front's extent; objectives multiplied by
    ``scale`` (alpha rescaled to match, so that the same points are optimal)."""
    rng = np.random.default_rng(0) if rng is None else rng
    f = np.asarray(front, dtype=float)
    span = np.ptp(f, axis=0)
    reps = 1 if seeds is None else seeds
    pts, alpha, seed = [], [], []
    for a in alphas:
        p = optimum(f, a)
        for s in range(reps):
            pts.append(p + noise * span * rng.standard_normal(2))
            alpha.append(a)
            seed.append(s)
    pts = np.asarray(pts) * np.asarray(scale)
    alpha = np.asarray(alpha) * scale[0] / scale[1]
    return Runs.from_arrays(pts, alpha=alpha, seed=None if seeds is None else seed)


def points_along(front, n: int, *, noise: float = 0.0, rng=None) -> np.ndarray:
    """``n`` points spread along the front's arc, with noise (x extent): runs of any method."""
    rng = np.random.default_rng(0) if rng is None else rng
    f = np.asarray(front, dtype=float)
    span = np.ptp(f, axis=0)
    u = (f - f.min(axis=0)) / span
    arc = np.r_[0, np.cumsum(np.hypot(*np.diff(u, axis=0).T))]
    s = np.sort(rng.uniform(0, arc[-1], n))
    pts = np.c_[np.interp(s, arc, f[:, 0]), np.interp(s, arc, f[:, 1])]
    return pts + noise * span * rng.standard_normal(pts.shape)


def two_ends_table(alphas, alpha_star: float = 1.0, seeds: int = 4, flank: float = 0.0) -> Runs:
    """The textbook concave sweep: every seed at (0, 1) for alpha < alpha* and at (1, 0) above it;
    with ``flank > 0`` every run rests on a local minimum up the concave front x^2 + y^2 = 1
    instead, ``flank * exp(-|log(alpha / alpha*)|)`` radians from its end (closer to alpha*,
    farther up), the same for every seed."""
    pts, alpha, seed = [], [], []
    for a in alphas:
        for s in range(seeds):
            t = flank * np.exp(-abs(np.log(a / alpha_star)))
            p = np.array([np.sin(t), np.cos(t)]) if a < alpha_star else np.array([np.cos(t), np.sin(t)])
            pts.append(p)
            alpha.append(a)
            seed.append(s)
    return Runs.from_arrays(np.asarray(pts), alpha=alpha, seed=seed)
