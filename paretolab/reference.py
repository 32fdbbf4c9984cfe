"""The best-known front of a problem: NSGA-II (pymoo) over its box, optionally merged with
points found by gradient sweeps. The only module that imports pymoo.

The whole population is evaluated in one batched call of the problem's torch objective
(no gradients), so a generation costs one tensor operation, not ``pop_size`` Python calls.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from paretolab import front as F
from paretolab.errors import ParetolabError
from paretolab.problems import Problem, get_problem

log = logging.getLogger(__name__)

__all__ = ["ReferenceFront", "merge_fronts", "reference_front"]

_INVALID = np.finfo(float).max  # objective value given to rows whose objectives are not finite


@dataclass(frozen=True)
class ReferenceFront:
    """A front with where each point came from.

    ``points`` ``(k, n_obj)`` are nondominated and sorted by the first objective; ``params``
    ``(k, n_var)`` produce them; ``source[i]`` names the method that found point ``i``
    (``"nsga2"``, ``"chebyshev"``, ...). ``stopped`` says why NSGA-II ended: ``"budget"`` or
    ``"stalled"`` (hypervolume improved less than the relative tolerance for the set number of
    generations). ``archive`` ``(a, n_obj)`` is the whole nondominated archive the front was
    spread from (sorted like ``points``): a denser front to place runs on and to estimate the
    front's own error from (:func:`paretolab.analysis.compare` uses it).
    """

    problem: str
    points: np.ndarray
    params: np.ndarray
    source: np.ndarray
    generations: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    stopped: str = "budget"
    hypervolume_history: tuple = field(default=(), repr=False)
    archive: np.ndarray = field(default=None, repr=False)

    def __post_init__(self):
        if self.archive is None:
            object.__setattr__(self, "archive", self.points)

    def __len__(self) -> int:
        return len(self.points)

    def counts(self) -> dict[str, int]:
        """How many front points each source contributed."""
        names, counts = np.unique(self.source, return_counts=True)
        return {str(n): int(c) for n, c in zip(names, counts)}

    def to_dict(self) -> dict:
        """Plain-Python fields, ready for JSON."""
        return {
            "problem": self.problem,
            "points": self.points.tolist(),
            "params": self.params.tolist(),
            "source": self.source.tolist(),
            "generations": self.generations,
            "evaluations": self.evaluations,
            "seconds": self.seconds,
            "stopped": self.stopped,
            "counts": self.counts(),
            "archive": self.archive.tolist(),
        }


def _pymoo_problem(problem: Problem):
    from pymoo.core.problem import Problem as PymooProblem

    lo, hi = problem.box()

    class Batched(PymooProblem):
        """The whole population in one torch call. A row with a non-finite objective gets the
        largest float in every objective: every valid row dominates it, and it is recognised
        (and kept out of the archive) by that value."""

        def __init__(self):
            super().__init__(n_var=problem.n_var, n_obj=problem.n_obj, xl=lo, xu=hi)

        def _evaluate(self, x, out, *args, **kwargs):
            with torch.no_grad():
                f = problem.evaluate(torch.as_tensor(x, dtype=torch.float64)).numpy()
            valid = np.isfinite(f).all(axis=1, keepdims=True)
            out["F"] = np.where(valid, f, _INVALID)

    return Batched()


def reference_front(
    problem,
    *,
    pop_size: int = 100,
    n_gen: int = 1500,
    seed: int = 0,
    stall_generations: int | None = 50,
    stall_rtol: float = 1e-5,
    progress: bool | None = None,
    **nsga2_options,
) -> ReferenceFront:
    """Run NSGA-II over the problem's box and return the best front it found.

    Every point NSGA-II evaluates enters a nondominated archive (so a point that only survives
    in the population for its diversity, without being on the front, is pushed out by better
    ones found later); the returned front is ``pop_size`` points of that archive spread evenly
    along it (farthest-point sampling on objectives scaled to the front's extent).

    Parameters
    ----------
    problem : Problem or str
        A :class:`~paretolab.problems.Problem` or a registered name.
    pop_size, n_gen : int
        Population size and the largest number of generations (the budget).
    seed : int
        Seed of NSGA-II's random operators: the same seed gives the same front.
    stall_generations : int or None
        Stop early when the hypervolume of the archive (objectives scaled by the first
        generation's front, reference point 1.1) improved by less than ``stall_rtol``
        (relative) over this many generations. ``None``: always run the full budget.
    progress : bool or None
        Progress bar on stderr; ``None`` shows it only on a terminal.

    Examples
    --------
    >>> ref = reference_front("fonseca", pop_size=20, n_gen=5, progress=False,
    ...                       stall_generations=None)
    >>> ref.points.shape[1], ref.generations, ref.evaluations, ref.stopped
    (2, 5, 100, 'budget')
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from tqdm.auto import tqdm

    problem = get_problem(problem)
    for name, value, low in (("pop_size", pop_size, 4), ("n_gen", n_gen, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ParetolabError(f"{name}: expected an integer >= {low}, got {value!r}")
    if stall_generations is not None and (not isinstance(stall_generations, int) or stall_generations < 1):
        raise ParetolabError(f"stall_generations: expected an integer >= 1 or None, got {stall_generations!r}")

    start = time.perf_counter()
    pm_problem = _pymoo_problem(problem)
    algorithm = NSGA2(pop_size=int(pop_size), **nsga2_options)
    algorithm.setup(pm_problem, termination=("n_gen", int(n_gen)), seed=int(seed), verbose=False)
    archive_f = np.zeros((0, problem.n_obj))
    archive_x = np.zeros((0, problem.n_var))
    history: list[float] = []
    scale = None
    stopped = "budget"
    generations = 0
    hide = None if progress is None else not progress
    with tqdm(total=int(n_gen), desc=f"NSGA-II {problem.name}", unit="gen", disable=hide, leave=False) as bar:
        while algorithm.has_next():
            offspring = algorithm.ask()
            algorithm.evaluator.eval(pm_problem, offspring)
            algorithm.tell(infills=offspring)
            generations += 1
            bar.update(1)
            valid = (offspring.get("F") != _INVALID).all(axis=1)
            archive_f, archive_x = _update_archive(
                archive_f, archive_x, offspring.get("F")[valid], offspring.get("X")[valid],
                limit=20 * int(pop_size),
            )
            if stall_generations is None or len(archive_f) == 0:
                continue
            if scale is None:
                lo, span = archive_f.min(axis=0), np.ptp(archive_f, axis=0)
                scale = (lo, np.where(span > 0, span, 1.0))
            unit = (archive_f - scale[0]) / scale[1]
            history.append(F.hypervolume(unit, ref=np.full(problem.n_obj, 1.1)))
            if len(history) > stall_generations:
                old, new = history[-1 - stall_generations], history[-1]
                if new - old <= stall_rtol * abs(new):
                    stopped = "stalled"
                    break
    keep = _spread_subset(archive_f, int(pop_size))
    points, params = _nondominated_sorted(archive_f[keep], archive_x[keep])
    (archive,) = _nondominated_sorted(archive_f)
    seconds = time.perf_counter() - start
    log.info("NSGA-II on %s: %d points, %d generations, %.2f s (%s)", problem.name, len(points),
             generations, seconds, stopped)
    return ReferenceFront(
        problem=problem.name,
        points=points,
        params=params,
        source=np.full(len(points), "nsga2", dtype=object),
        generations=generations,
        evaluations=int(algorithm.evaluator.n_eval),
        seconds=seconds,
        stopped=stopped,
        hypervolume_history=tuple(history),
        archive=archive,
    )


def _update_archive(archive_f, archive_x, new_f, new_x, *, limit: int):
    """Nondominated set of everything evaluated so far, thinned evenly beyond ``limit``."""
    f = np.concatenate([archive_f, new_f])
    x = np.concatenate([archive_x, new_x])
    keep = F.is_nondominated(f) if len(f) else np.zeros(0, dtype=bool)
    f, x = f[keep], x[keep]
    if len(f) > limit:
        keep = _spread_subset(f, limit // 2)
        f, x = f[keep], x[keep]
    return f, x


def _spread_subset(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` points spread evenly over a front (greedy farthest-point sampling).

    Objectives are scaled to the front's extent; the per-objective minima come first, then each
    step adds the point farthest from those already chosen.
    """
    n = len(points)
    if n <= k:
        return np.arange(n)
    lo, span = points.min(axis=0), np.ptp(points, axis=0)
    unit = (points - lo) / np.where(span > 0, span, 1.0)
    chosen = list(dict.fromkeys(int(i) for i in unit.argmin(axis=0)))
    nearest = np.full(n, np.inf)
    for i in chosen:
        nearest = np.minimum(nearest, ((unit - unit[i]) ** 2).sum(axis=1))
    while len(chosen) < k:
        i = int(np.argmax(nearest))
        chosen.append(i)
        nearest = np.minimum(nearest, ((unit - unit[i]) ** 2).sum(axis=1))
    return np.asarray(chosen)


def _nondominated_sorted(points: np.ndarray, *others: np.ndarray):
    """Keep the nondominated rows once (first copy), sorted by the objectives; apply to others."""
    if len(points) == 0:
        return (points, *others)
    keep = np.flatnonzero(F.is_nondominated(points))
    keep = keep[np.lexsort(points[keep].T[::-1])]
    return (points[keep], *(o[keep] for o in others))


def merge_fronts(front: ReferenceFront, points, params, source: str | np.ndarray) -> ReferenceFront:
    """The nondominated union of a front and new points, every point keeping its source.

    Parameters
    ----------
    front : ReferenceFront
    points : array_like, shape (k, n_obj)
        Objective values found another way (e.g. converged Chebyshev or MDMM runs). Rows with
        non-finite values are dropped.
    params : array_like, shape (k, n_var)
    source : str or array of str
        One name for all new points, or one per point.

    Examples
    --------
    >>> ref = ReferenceFront("toy", np.array([[0.0, 1.0], [1.0, 0.0]]), np.zeros((2, 1)),
    ...                      np.array(["nsga2", "nsga2"], dtype=object))
    >>> merged = merge_fronts(ref, [[0.4, 0.4], [2.0, 2.0]], [[1.0], [2.0]], "chebyshev")
    >>> merged.points.tolist(), merged.source.tolist()
    ([[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]], ['nsga2', 'chebyshev', 'nsga2'])
    """
    pts = np.asarray(points, dtype=float)
    par = np.asarray(params, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != front.points.shape[1]:
        raise ParetolabError(f"points: expected shape (k, {front.points.shape[1]}), got {pts.shape}")
    if par.ndim != 2 or par.shape[0] != pts.shape[0] or par.shape[1] != front.params.shape[1]:
        raise ParetolabError(f"params: expected shape ({pts.shape[0]}, {front.params.shape[1]}), got {par.shape}")
    src = np.asarray(source, dtype=object)
    src = np.full(len(pts), src, dtype=object) if src.ndim == 0 else src
    if src.shape != (len(pts),):
        raise ParetolabError(f"source: expected one name or {len(pts)} names, got {src.shape}")
    finite = np.isfinite(pts).all(axis=1)
    all_points = np.concatenate([front.points, pts[finite]])
    all_params = np.concatenate([front.params, par[finite]])
    all_source = np.concatenate([front.source, src[finite]])
    merged = _nondominated_sorted(all_points, all_params, all_source)
    (archive,) = _nondominated_sorted(np.concatenate([front.archive, pts[finite]]))
    return replace(front, points=merged[0], params=merged[1], source=merged[2], archive=archive)
