"""The contract a :class:`paretolab.Problem` must meet, as small named checks.

Your own problem
----------------
Run ``paretolab.testing.check_problem(mine)`` before a sweep. It evaluates your objectives on
a few hundred points (uniform in the box, the box's corners and faces, and ``mine.sample``)
and raises :class:`paretolab.errors.ProblemCheckError`, naming the failed check, when the
batched trainer could not use the problem as it is: wrong shapes or dtypes, NaN or infinite
values or gradients somewhere in the box (runs are clamped onto its faces), a ``sample`` that
leaves the box or changes between two calls with one seed, an objective that writes into its
input, or an objective in which one run sees another's parameters (a batch mean such as
``x.mean(0)``: every row of the output must depend on its own row of the input only). When you
give ``front`` and ``pareto_set``, it also checks that the Pareto set evaluates to the front,
that the front is nondominated and, for two objectives, sorted by the first objective.
Every check is a function of this module (``check_rows_independent(mine)`` reruns one);
:func:`problem_checks` lists the ones that apply to a problem, for ``pytest.mark.parametrize``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import torch

from paretolab.errors import ParetolabError, ProblemCheckError, check_positive
from paretolab.front import is_nondominated
from paretolab.problems import Problem, get_problem

__all__ = [
    "check_finite_gradients",
    "check_finite_values",
    "check_front_nondominated",
    "check_front_order",
    "check_input_unchanged",
    "check_pareto_set_in_box",
    "check_pareto_set_on_front",
    "check_problem",
    "check_rows_independent",
    "check_sample",
    "check_shapes",
    "problem_checks",
]

log = logging.getLogger(__name__)

FRONT_RTOL = 1e-6
"""Tolerance of ``objectives(pareto_set(n))`` against ``front(n)``, per objective, in units of
the front's extent (its max minus min; 1 when that is 0)."""

_N_FACE = 32  # points on the box's faces (some coordinates at a bound)
_N_CORNER = 16  # random corners, besides the all-lo and all-hi ones
_N_PROBED = 6  # rows whose dependence on the other rows is probed


# --------------------------------------------------------------------------- entry point
def check_problem(problem, *, n_points: int = 256, seed: int = 0) -> tuple[str, ...]:
    """Run every check that applies to ``problem``; raise on the first one that fails.

    The points: ``n_points`` drawn uniformly from the box (numpy, seeded by ``seed``), the
    box's all-low and all-high corners, 16 random corners, 32 points on its faces (about half
    of their coordinates at a bound), its centre, and ``problem.sample(n_points, seed=seed)``.
    The checks, in order (see each function):
    :func:`check_sample`, :func:`check_shapes`, :func:`check_input_unchanged`,
    :func:`check_finite_values`, :func:`check_finite_gradients`,
    :func:`check_rows_independent`, then, when the problem has a ``front``,
    :func:`check_front_nondominated` and (two objectives) :func:`check_front_order`, when it has
    a ``pareto_set``, :func:`check_pareto_set_in_box`, and when it has both,
    :func:`check_pareto_set_on_front`.

    Parameters
    ----------
    problem : Problem or str
        A :class:`paretolab.Problem`, or the name of a registered one.
    n_points : int
        Points drawn from the box, and from ``problem.sample``, and of the front (at least 2).
    seed : int
        Seed of those draws (at least 0); the same seed checks the same points.

    Returns
    -------
    tuple of str
        The names of the checks that ran (all passed).

    Raises
    ------
    paretolab.errors.ProblemCheckError
        The first failed check, as ``"<check name>: problem '<name>': <what is wrong>"``.

    Examples
    --------
    >>> import torch
    >>> from paretolab import Problem
    >>> def two_parabolas(x):                     # (B, 2) -> (B, 2), row by row
    ...     return torch.stack([((x - 1) ** 2).sum(1), ((x + 1) ** 2).sum(1)], dim=1)
    >>> mine = Problem(name="mine", n_var=2, n_obj=2, objectives=two_parabolas, bounds=(-2, 2))
    >>> check_problem(mine)[:3]
    ('check_sample', 'check_shapes', 'check_input_unchanged')

    Centring on the batch mean makes every run depend on the others:

    >>> def centred(x):
    ...     x = x - x.mean(0)
    ...     return torch.stack([((x - 1) ** 2).sum(1), ((x + 1) ** 2).sum(1)], dim=1)
    >>> coupled = Problem(name="coupled", n_var=2, n_obj=2, objectives=centred, bounds=(-2, 2))
    >>> check_problem(coupled)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paretolab.errors.ProblemCheckError: check_rows_independent: problem 'coupled': row 1 of the objectives changes when only row 0 of the input changes (a batch mean or sum couples runs; ...)
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    ran = []
    for check in problem_checks(problem):
        check(problem, n_points=n_points, seed=seed)
        ran.append(check.__name__)
        log.debug("%s: problem %r passed", check.__name__, problem.name)
    skipped = sorted(set(_ALL_CHECKS) - set(ran))
    log.info("check_problem: problem %r passed %s; not applicable: %s", problem.name, ran, skipped)
    return tuple(ran)


def problem_checks(problem) -> tuple[Callable, ...]:
    """The checks that apply to ``problem``, in the order :func:`check_problem` runs them.

    Each is called as ``check(problem, n_points=256, seed=0)`` and returns None or raises
    :class:`paretolab.errors.ProblemCheckError`.

    >>> from paretolab import get_problem
    >>> [c.__name__ for c in problem_checks(get_problem("mlp"))][-1]
    'check_rows_independent'
    >>> len(problem_checks(get_problem("dtlz2")))  # no order check for 3 objectives
    9
    """
    problem = get_problem(problem)
    checks = [check_sample, check_shapes, check_input_unchanged, check_finite_values,
              check_finite_gradients, check_rows_independent]
    if problem.front is not None:
        checks.append(check_front_nondominated)
        if problem.n_obj == 2:
            checks.append(check_front_order)
    if problem.pareto_set is not None:
        checks.append(check_pareto_set_in_box)
        if problem.front is not None:
            checks.append(check_pareto_set_on_front)
    return tuple(checks)


# --------------------------------------------------------------------------- helpers
def _setup(problem, n_points, seed) -> tuple[Problem, int, int]:
    problem = get_problem(problem)
    check_positive("n_points", n_points, integer=True)
    if n_points < 2:
        raise ParetolabError(f"n_points: expected an integer >= 2 (two rows at least), got {n_points!r}")
    check_positive("seed", seed, integer=True, allow_zero=True)
    return problem, int(n_points), int(seed)


def _fail(check: str, problem: Problem, detail: str) -> ProblemCheckError:
    return ProblemCheckError(f"{check}: problem {problem.name!r}: {detail}")


def _fmt(values) -> str:
    """A short, readable vector (long ones elided in the middle)."""
    return np.array2string(np.asarray(values, dtype=float), precision=6, threshold=8, edgeitems=3,
                           separator=", ", max_line_width=10_000)


def _box(problem: Problem) -> tuple[torch.Tensor, torch.Tensor]:
    lo, hi = problem.box()
    return torch.as_tensor(lo), torch.as_tensor(hi)


def _box_points(problem: Problem, n_points: int, seed: int) -> tuple[torch.Tensor, np.ndarray]:
    """Uniform points, corners, face points and the centre of the box, with a label per row.

    numpy's generator, not torch's: a default ``init`` draws from torch seeded by ``seed``, and
    the box points should not repeat those.
    """
    lo, hi = problem.box()
    rng = np.random.default_rng(seed)
    uniform = lo + (hi - lo) * rng.random((n_points, problem.n_var))
    at_hi = rng.random((_N_CORNER, problem.n_var)) < 0.5
    corners = np.vstack([lo, hi, np.where(at_hi, hi, lo)])
    faces = lo + (hi - lo) * rng.random((_N_FACE, problem.n_var))
    snap = rng.random((_N_FACE, problem.n_var))
    faces = np.where(snap < 0.25, lo, np.where(snap > 0.75, hi, faces))
    centre = (lo + hi)[None, :] / 2
    parts = [("uniform in the box", uniform), ("a corner of the box", corners),
             ("on a face of the box", faces), ("the centre of the box", centre)]
    x = np.vstack([p for _, p in parts])
    labels = np.concatenate([[label] * len(p) for label, p in parts])
    return torch.as_tensor(x, dtype=torch.float64), labels


def _points(check: str, problem: Problem, n_points: int, seed: int) -> tuple[torch.Tensor, np.ndarray]:
    """The box points followed by ``problem.sample(n_points, seed=seed)`` (float64)."""
    x, labels = _box_points(problem, n_points, seed)
    init = _sample(check, problem, n_points, seed)
    label = f"row {{}} of problem.sample({n_points}, seed={seed})"
    init_labels = np.array([label.format(i) for i in range(n_points)])
    return torch.cat([x, init]).contiguous(), np.concatenate([labels, init_labels])


def _sample(check: str, problem: Problem, n: int, seed: int) -> torch.Tensor:
    try:
        x = problem.sample(n, seed=seed)
    except Exception as exc:
        raise _fail(check, problem, f"problem.sample({n}, seed={seed}) raised "
                    f"{type(exc).__name__}: {exc}") from exc
    return x


def _objectives(check: str, problem: Problem, x: torch.Tensor) -> torch.Tensor:
    """``problem.objectives(x)``, checked to be a ``(B, n_obj)`` tensor of x's dtype."""
    shape = f"a {tuple(x.shape)} {str(x.dtype).removeprefix('torch.')} tensor"
    try:
        f = problem.objectives(x)
    except Exception as exc:
        raise _fail(check, problem, f"objectives(x) of {shape} raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(f, torch.Tensor):
        raise _fail(check, problem, f"objectives(x) of {shape} returned a {type(f).__name__}, "
                    "expected a torch tensor (define the objectives in torch, so that autograd "
                    "differentiates them)")
    if tuple(f.shape) != (x.shape[0], problem.n_obj):
        raise _fail(check, problem, f"objectives(x) of {shape}: expected shape "
                    f"({x.shape[0]}, {problem.n_obj}) = (B, n_obj), got {tuple(f.shape)}")
    if f.dtype != x.dtype:
        raise _fail(check, problem, f"objectives(x) of {shape}: expected dtype "
                    f"{x.dtype} (the input's), got {f.dtype}")
    return f


def _grad(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """dy/dx, zeros where y does not depend on x."""
    (g,) = torch.autograd.grad(y, x, retain_graph=True, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def _front(check: str, problem: Problem, n: int) -> np.ndarray:
    if problem.front is None:
        raise _fail(check, problem, "the problem has no front (front=None): nothing to check")
    return _array(check, problem, problem.front, n, "front", problem.n_obj, "n_obj")


def _pareto_set(check: str, problem: Problem, n: int) -> np.ndarray:
    if problem.pareto_set is None:
        raise _fail(check, problem, "the problem has no Pareto set (pareto_set=None): nothing to check")
    return _array(check, problem, problem.pareto_set, n, "pareto_set", problem.n_var, "n_var")


def _array(check: str, problem: Problem, fn, n: int, what: str, width: int, width_name: str) -> np.ndarray:
    try:
        a = np.asarray(fn(n), dtype=float)
    except Exception as exc:
        raise _fail(check, problem, f"{what}({n}) raised {type(exc).__name__}: {exc}") from exc
    if a.ndim != 2 or a.shape[0] < 1 or a.shape[1] != width:
        raise _fail(check, problem, f"{what}({n}): expected an array of shape ({n}, {width}) = "
                    f"(n, {width_name}), got {a.shape}")
    bad = ~np.isfinite(a).all(1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _fail(check, problem, f"{what}({n}) has non-finite values: row {i} is {_fmt(a[i])}")
    return a


# --------------------------------------------------------------------------- the checks
def check_sample(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``problem.sample(n, seed=s)`` is a finite ``(n, n_var)`` tensor in the box, the same
    for the same seed, for ``n = n_points`` and ``n = 1``.

    >>> from paretolab import get_problem
    >>> check_sample(get_problem("fonseca"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_sample"
    lo, hi = _box(problem)
    for n in (n_points, 1):
        x = _sample(name, problem, n, seed)
        call = f"problem.sample({n}, seed={seed})"
        if not isinstance(x, torch.Tensor) or tuple(x.shape) != (n, problem.n_var):
            got = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
            raise _fail(name, problem, f"{call}: expected a tensor of shape ({n}, {problem.n_var}) "
                        f"= (n, n_var), got {got}")
        if not torch.isfinite(x).all():
            i = int(torch.nonzero(~torch.isfinite(x).all(1))[0, 0])
            raise _fail(name, problem, f"{call} has non-finite values: row {i} is {_fmt(x[i])}")
        outside = (x < lo) | (x > hi)
        if outside.any():
            i, j = (int(v) for v in torch.nonzero(outside)[0])
            raise _fail(name, problem, f"{call} leaves the box: row {i}, variable {j} is "
                        f"{x[i, j].item():.6g}, outside [{lo[j].item():.6g}, {hi[j].item():.6g}] "
                        "(init must draw inside bounds: the trainer clamps every run into the box)")
        again = _sample(name, problem, n, seed)
        if not torch.equal(x, again):
            raise _fail(name, problem, f"{call} differs between two calls with the same seed "
                        "(init must draw from the generator it is given, not from torch's global one)")


def check_shapes(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``objectives(x)`` of a ``(B, n_var)`` tensor is a ``(B, n_obj)`` tensor of the same
    dtype: for float64, for ``B = 1`` and for float32.

    >>> from paretolab import get_problem
    >>> check_shapes(get_problem("zdt1"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    x, _ = _points("check_shapes", problem, n_points, seed)
    for batch in (x, x[:1], x.to(torch.float32)):
        _objectives("check_shapes", problem, batch.clone())


def check_input_unchanged(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``objectives(x)`` leaves ``x`` as it was: no in-place write (``x += ...``,
    ``x.clamp_()``, ``x[:, 0] = ...``), even one that happens to keep the values.

    >>> from paretolab import get_problem
    >>> check_input_unchanged(get_problem("dent"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_input_unchanged"
    x, _ = _points(name, problem, n_points, seed)
    before, version = x.clone(), x._version
    _objectives(name, problem, x)
    changed = (x != before) & ~(torch.isnan(x) & torch.isnan(before))
    if changed.any():
        i, j = (int(v) for v in torch.nonzero(changed)[0])
        raise _fail(name, problem, f"objectives(x) modifies its input in place: x[{i}, {j}] went "
                    f"from {before[i, j].item():.6g} to {x[i, j].item():.6g} (work on a copy, "
                    "e.g. x = x.clamp(...) instead of x.clamp_(...); the trainer's parameters "
                    "are the input)")
    if x._version != version:
        raise _fail(name, problem, "objectives(x) writes into its input in place (the values "
                    "happen to stay the same on these points; the write fails under autograd "
                    "and changes the trainer's parameters elsewhere): work on a copy")


def check_finite_values(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """Every objective is finite at every checked point of the (closed) box.

    >>> from paretolab import get_problem
    >>> check_finite_values(get_problem("zdt3"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_finite_values"
    x, labels = _points(name, problem, n_points, seed)
    f = _objectives(name, problem, x).detach()
    bad = ~torch.isfinite(f)
    if bad.any():
        i, j = (int(v) for v in torch.nonzero(bad)[0])
        raise _fail(name, problem, f"objective {j} is {f[i, j].item()} at x = {_fmt(x[i])} "
                    f"({labels[i]}); every objective must be finite everywhere in the box, "
                    "its faces included (the trainer clamps runs onto them)")


def check_finite_gradients(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """Every objective is differentiable by autograd, with a finite gradient at every checked
    point of the (closed) box.

    >>> from paretolab import get_problem
    >>> check_finite_gradients(get_problem("zdt1"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_finite_gradients"
    x, labels = _points(name, problem, n_points, seed)
    x.requires_grad_(True)
    f = _objectives(name, problem, x)
    if not f.requires_grad:
        raise _fail(name, problem, "objectives(x) is not differentiable: the output does not "
                    "require grad when x does (a .detach(), .item(), torch.no_grad() or numpy "
                    "round trip cuts the autograd graph)")
    for j in range(problem.n_obj):
        g = _grad(f[:, j].sum(), x)
        bad = ~torch.isfinite(g).all(1)
        if bad.any():
            i = int(torch.nonzero(bad)[0, 0])
            k = int(torch.nonzero(~torch.isfinite(g[i]))[0, 0])
            raise _fail(name, problem, f"the gradient of objective {j} is {g[i, k].item()} in "
                        f"variable {k} at x = {_fmt(x[i].detach())} ({labels[i]}); every "
                        "objective needs a finite gradient everywhere in the box, its faces "
                        "included (e.g. sqrt or log at 0 on a bound: keep the argument away from 0)")


def check_rows_independent(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """Row ``b`` of ``objectives(x)`` depends on row ``b`` of ``x`` only.

    Two ways, on a few probed rows ``j``: replace row ``j`` of ``x`` by another point of the
    box and require every other row of the output to stay bitwise the same (this also catches
    coupling hidden from autograd, e.g. through ``x.detach().mean(0)``); and require the gradient
    of ``objectives(x)[j].sum()`` to be zero off row ``j`` (this also catches coupling through
    a row the perturbation did not move, e.g. a batch maximum).

    >>> from paretolab import get_problem
    >>> check_rows_independent(get_problem("mlp"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_rows_independent"
    hint = "(a batch mean or sum couples runs; every run must depend on its own row only)"
    x, _ = _points(name, problem, n_points, seed)
    rows = np.unique(np.linspace(0, len(x) - 1, _N_PROBED).astype(int))
    f = _objectives(name, problem, x.clone()).detach()
    lo, hi = problem.box()
    others = lo + (hi - lo) * np.random.default_rng(seed + 1).random((len(rows), problem.n_var))
    for j, other in zip(rows, others):
        moved = x.clone()
        moved[j] = torch.as_tensor(other)
        g = _objectives(name, problem, moved).detach()
        same = (g == f) | (torch.isnan(g) & torch.isnan(f))
        changed = ~same.all(1)
        changed[j] = False
        if changed.any():
            i = int(torch.nonzero(changed)[0, 0])
            raise _fail(name, problem, f"row {i} of the objectives changes when only row {j} of "
                        f"the input changes {hint}")
    x = x.clone().requires_grad_(True)
    f = _objectives(name, problem, x)
    if not f.requires_grad:
        return  # not differentiable: check_finite_gradients says so
    for j in rows:
        g = _grad(f[j].sum(), x)
        coupled = (g != 0).any(1)
        coupled[j] = False
        if coupled.any():
            i = int(torch.nonzero(coupled)[0, 0])
            raise _fail(name, problem, f"the gradient of row {j} of the objectives is nonzero on "
                        f"row {i} of the input {hint}")


def check_front_nondominated(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``front(n)`` is a finite ``(n, n_obj)`` array whose points do not dominate each other.

    >>> from paretolab import get_problem
    >>> check_front_nondominated(get_problem("dtlz2"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_front_nondominated"
    front = _front(name, problem, n_points)
    keep = is_nondominated(front, keep_weakly=True)
    if not keep.all():
        i = int(np.flatnonzero(~keep)[0])
        by = (front <= front[i]).all(1) & (front < front[i]).any(1)
        k = int(np.flatnonzero(by)[0])
        raise _fail(name, problem, f"front({n_points}) has dominated points: row {i} "
                    f"{_fmt(front[i])} is dominated by row {k} {_fmt(front[k])} (every objective "
                    "is minimised; a front holds only points no other point beats)")


def check_front_order(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """For two objectives, ``front(n)`` is in :func:`paretolab.pareto_front` order: the first
    objective increasing, the second decreasing (the order ``concave_regions`` reads).

    >>> from paretolab import get_problem
    >>> check_front_order(get_problem("hadamard_lasso"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_front_order"
    front = _front(name, problem, n_points)
    if problem.n_obj != 2:
        raise _fail(name, problem, f"the order is checked for 2 objectives, the problem has {problem.n_obj}")
    for k, sign, word in ((0, 1, "increasing"), (1, -1, "decreasing")):
        wrong = sign * np.diff(front[:, k]) < 0
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0]) + 1
            raise _fail(name, problem, f"front({n_points}) is not in pareto_front order (L0 "
                        f"increasing, L1 decreasing): L{k} goes from {front[i - 1, k]:.6g} in row "
                        f"{i - 1} to {front[i, k]:.6g} in row {i}, expected {word} (reverse the "
                        "parametrisation, or sort with paretolab.pareto_front; pareto_set must "
                        "follow the same order)")


def check_pareto_set_in_box(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``pareto_set(n)`` is a finite ``(n, n_var)`` array inside the box.

    >>> from paretolab import get_problem
    >>> check_pareto_set_in_box(get_problem("convex"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_pareto_set_in_box"
    ps = _pareto_set(name, problem, n_points)
    lo, hi = problem.box()
    slack = 1e-12 * (hi - lo)
    outside = (ps < lo - slack) | (ps > hi + slack)
    if outside.any():
        i, j = (int(v) for v in np.argwhere(outside)[0])
        raise _fail(name, problem, f"pareto_set({n_points}) leaves the box: row {i}, variable {j} "
                    f"is {ps[i, j]:.6g}, outside [{lo[j]:.6g}, {hi[j]:.6g}] (widen the bounds, "
                    "or the trainer can never reach that part of the front)")


def check_pareto_set_on_front(problem, *, n_points: int = 256, seed: int = 0) -> None:
    """``objectives(pareto_set(n))`` equals ``front(n)`` row by row, to
    :data:`FRONT_RTOL` of the front's extent in each objective.

    >>> from paretolab import get_problem
    >>> check_pareto_set_on_front(get_problem("fonseca"))
    """
    problem, n_points, seed = _setup(problem, n_points, seed)
    name = "check_pareto_set_on_front"
    front = _front(name, problem, n_points)
    ps = _pareto_set(name, problem, n_points)
    if len(ps) != len(front):
        raise _fail(name, problem, f"pareto_set({n_points}) has {len(ps)} rows but "
                    f"front({n_points}) has {len(front)}: row i of one must map to row i of the other")
    f = _objectives(name, problem, torch.as_tensor(ps, dtype=torch.float64)).detach().numpy()
    span = front.max(0) - front.min(0)
    scale = np.where(span > 0, span, 1.0)
    error = np.abs(f - front) / scale
    bad = ~(error <= FRONT_RTOL)  # NaN counts as bad
    if bad.any():
        i = int(np.flatnonzero(bad.any(1))[0])
        raise _fail(name, problem, f"objectives(pareto_set({n_points})) differs from "
                    f"front({n_points}) in row {i}: {_fmt(f[i])} against {_fmt(front[i])} "
                    f"(error {np.nanmax(error[i]):.3g} of the front's extent, tolerance "
                    f"{FRONT_RTOL:g}; both must follow the same parametrisation and order)")


_ALL_CHECKS = tuple(name for name in __all__ if name.startswith("check_") and name != "check_problem")
