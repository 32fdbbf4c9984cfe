"""Train many runs at once: ``B`` parameter vectors as one ``(B, n_var)`` tensor.

Each step evaluates the problem's objectives on the whole batch, scalarises them per run,
sums the ``B`` losses and takes one backward pass and one optimiser step. Rows never interact
(the objectives of row ``b`` depend on row ``b`` only and the optimisers are elementwise), so a
batched run gives the same result as training each run alone.

The pieces, each in its module: the scalarisation (:mod:`paretolab.scalarize`), the optimiser
update (:mod:`paretolab.optim`), one step function here (gradient, moving average, update,
box clamp) that runs eagerly or under ``torch.compile``, and the test of whether a run has
stopped (:func:`paretolab.stationarity.check_stationarity`, which sets ``converged``).

Box constraints: after every step each parameter is clamped into ``problem.bounds``
(projected gradient). MDMM multipliers ride along as extra columns whose gradient is negated
(ascent) and, for inequality constraints, clamped at 0.

Learning rate: ``lr``, then a cosine decay to ``lr / 1000`` over the last ``ANNEAL`` fraction
of the steps, which lets runs settle at kinks.

Divergence: every ``CHECK_EVERY`` steps the losses are checked; a run with a non-finite loss
is reset to its last finite parameters, frozen (no further updates) and flagged ``diverged``;
the other runs go on. Nothing is printed or warned; the count is logged at DEBUG level.

Speed: an eager step is a few dozen small torch operations (about 100 us plus 50 ns per run
for Fonseca-Fleming with 10 variables, on one CPU thread); ``compile`` turns the whole step
into a few fused loops over the runs, worth its 3-5 s start-up only for long sweeps
(``compile="auto"`` decides, see :func:`train`). A compiled step is kept for the process and
reused by every later call with the same problem function, scalarisation class and settings,
sizes and optimiser record.
"""

from __future__ import annotations

import functools
import logging
import math
import types
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from paretolab.errors import ParetolabError, check_positive
from paretolab.optim import SGD, Adam, get_optimizer
from paretolab.problems import Problem
from paretolab.scalarize import Scalarization
from paretolab.stationarity import average_weight, check_stationarity

__all__ = ["ANNEAL", "CALLBACK_EVERY", "CHECK_EVERY", "COMPILE_SAVING", "COMPILE_SECONDS", "TrainResult", "train"]

log = logging.getLogger(__name__)

ANNEAL = 0.25
"""Fraction of the steps, at the end, over which the learning rate decays (cosine) from ``lr``
to ``lr / 1000``; 0 keeps it constant."""
CHECK_EVERY = 10
"""Steps between checks for non-finite losses."""
CALLBACK_EVERY = 100
"""Steps between calls of ``train``'s ``callback``."""
COMPILE_SECONDS = 5.0
"""What ``torch.compile`` of the training step costs on a cold cache (3-5 s, 2-core CPU)."""
COMPILE_SAVING = (7e-5, 1e-8)
"""Seconds a compiled step saves over an eager one: per step, plus per run in the batch
(Fonseca-Fleming n_var=10, float32 or float64, 2-core CPU; ``bench/bench_train.py``)."""
_COMPILED: dict = {}
"""Compiled steps by (objectives function, scalarisation class, settings, n, k, optimiser)."""


@dataclass(frozen=True)
class TrainResult:
    """Per-run outcome of :func:`train` (numpy arrays, first axis = run).

    Attributes
    ----------
    params : (B, n_var) final parameters.
    objectives : (B, n_obj) objectives at ``params``.
    loss : (B,) scalarised loss at ``params``.
    grad_norm : (B,) norm of the projected gradient of the scalarised loss at the final point
        (parameters and, for MDMM, the constraint violation), divided by the sum of the run's
        weights (``1 + alpha``; 1 for MDMM) so that it does not grow with alpha.
    avg_grad_norm : (B,) the same for the moving-average gradient: the stationarity measure.
    converged : (B,) stationary (:mod:`paretolab.stationarity`) and not diverged.
    diverged : (B,) a non-finite loss was seen at a check (every ``CHECK_EVERY`` steps, and at
        the end); the run was frozen at its last finite point checked.
    multipliers : (B, k) final multipliers (MDMM), ``k = 0`` otherwise.
    steps : number of optimiser steps taken.
    snapshot_steps : (S,) steps at which snapshots were taken (empty without snapshots).
    snapshot_params : (S, B, n_var); snapshot_objectives : (S, B, n_obj).

    Examples
    --------
    >>> from paretolab.problems import get_problem
    >>> from paretolab.scalarize import make_scalarizer
    >>> p = get_problem("convex")
    >>> r = train(p, p.sample(2, seed=0), make_scalarizer("linear", [1.0, 1.0]), steps=20)
    >>> r.params.shape, r.converged.tolist()  # 20 steps: still descending, not converged
    ((2, 2), [False, False])
    """

    params: np.ndarray
    objectives: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    avg_grad_norm: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    multipliers: np.ndarray
    steps: int
    snapshot_steps: np.ndarray
    snapshot_params: np.ndarray
    snapshot_objectives: np.ndarray


def train(
    problem: Problem,
    x0,
    scalarizer: Scalarization,
    *,
    steps: int = 1000,
    lr: float = 1e-2,
    optimizer: str | Adam | SGD = "adam",
    gtol: float = 1e-4,
    window: int = 100,
    compile: bool | str = "auto",
    snapshot_every: int | None = None,
    threads: int | None = None,
    callback: Callable[[int], None] | None = None,
) -> TrainResult:
    """Train ``B`` runs of ``problem`` from the rows of ``x0`` at once.

    Parameters
    ----------
    problem : Problem
    x0 : Tensor or array, shape (B, n_var)
        Initial points (not modified). Its dtype is kept for tensors (float64 for arrays).
    scalarizer : Scalarization
        A :class:`~paretolab.scalarize.WeightedSum`, :class:`~paretolab.scalarize.Chebyshev` or
        :class:`~paretolab.scalarize.EpsilonConstraint` (e.g. from
        :func:`~paretolab.scalarize.make_scalarizer`) with the values of ``B`` runs (or values
        shared by all).
    steps : int
        Optimiser steps (> 0).
    lr : float
        Learning rate (> 0), shared by parameters and multipliers; it decays over the last
        ``ANNEAL`` fraction of the steps (module notes).
    optimizer : {"adam", "sgd"} or Adam or SGD
        A name (the records' defaults) or a record of :mod:`paretolab.optim` with its settings,
        e.g. ``SGD(momentum=0.5)`` or ``Adam(b2=0.99)``.
    gtol : float
        Stationarity tolerance on the moving-average projected gradient norm
        (:mod:`paretolab.stationarity`, whose ``RADIUS`` sets the nonsmooth test).
    window : int
        Steps the moving average spans (its decay is ``1 - 2 / (window + 1)``).
    compile : bool or "auto"
        ``torch.compile`` the whole training step (gradient by ``torch.func.grad``, moving
        average, optimiser update, clamp), on column-major state so that the fused loops run
        over the runs. ``"auto"`` compiles only when the expected saving, ``steps x
        (COMPILE_SAVING[0] + COMPILE_SAVING[1] x B)``, exceeds ``COMPILE_SECONDS`` (a rule on
        the sizes alone, not on timings, so that a sweep's results never depend on how busy
        the machine was): on a 2-core CPU the compile costs 3-5 s and each step then saves
        ~70 us + 10 ns per run (Fonseca n_var=10 at B = 4096: 310 -> 190 us per step in
        float64), so about 40,000 steps at B = 4096. Results equal eager ones up to rounding.
        If torch.compile fails (a C++ compiler missing, a function it cannot trace) a warning
        is logged and training runs eagerly. A compiled step is reused by later calls with
        the same ``problem.objectives``, scalarisation class and settings, ``n_var``,
        multipliers and optimiser record (:func:`paretolab.problems.get_problem` returns the
        same problem for the same name and options).
    snapshot_every : int, optional
        Record parameters and objectives every this many steps (and at step 0).
    threads : int or None
        torch intra-op threads during training (restored afterwards); ``None`` leaves torch's
        setting alone. One thread is fastest for small batches on a busy machine.
    callback : callable, optional
        ``callback(steps_done)`` every ``CALLBACK_EVERY`` steps and at the end (progress bars).

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> from paretolab.problems import get_problem
    >>> from paretolab.scalarize import make_scalarizer
    >>> p = get_problem("convex", n_var=2)
    >>> r = train(p, p.sample(3, seed=0), make_scalarizer("linear", [1.0, 1.0, 1.0]), steps=2000)
    >>> bool(r.converged.all()), r.objectives.round(3)[0]  # alpha = 1: the middle of the front
    (True, array([1., 1.]))
    """
    opt = get_optimizer(optimizer)
    check_positive("steps", steps, integer=True)
    check_positive("lr", lr)
    check_positive("gtol", gtol)
    check_positive("window", window, integer=True)
    if snapshot_every is not None:
        check_positive("snapshot_every", snapshot_every, integer=True)
    if not isinstance(scalarizer, Scalarization):
        raise ParetolabError(
            "scalarizer: expected a WeightedSum, Chebyshev or EpsilonConstraint (see make_scalarizer), "
            f"got {type(scalarizer).__name__}"
        )
    x0 = x0 if isinstance(x0, torch.Tensor) else torch.as_tensor(np.asarray(x0, dtype=float))
    if x0.ndim != 2 or x0.shape[1] != problem.n_var:
        raise ParetolabError(f"x0: expected shape (B, {problem.n_var}), got {tuple(x0.shape)}")
    B, n = x0.shape
    if scalarizer.n_runs is not None and scalarizer.n_runs != B:
        raise ParetolabError(f"scalarizer: expected settings for {B} runs, got {scalarizer.n_runs}")
    k = scalarizer.n_multipliers
    dtype = x0.dtype
    lo_x, hi_x = (torch.as_tensor(b, dtype=dtype) for b in problem.box())
    lo = torch.cat([lo_x, torch.full((k,), scalarizer.multiplier_min, dtype=dtype)])
    hi = torch.cat([hi_x, torch.full((k,), math.inf, dtype=dtype)])
    values = torch.as_tensor(scalarizer.values, dtype=dtype)
    grad_at = _gradient(problem.objectives, _loss_fn(scalarizer), n, k, functional=False)

    def loss_and_grad_at(w, rows=None):
        """Eager objectives, losses and ascent-adjusted gradient at ``w`` (runs ``rows``)."""
        g, (f, loss) = grad_at(w, values if rows is None or scalarizer.n_runs is None else values[rows])
        return f, loss, g

    with _threads(threads):
        run, state = _runner(problem, scalarizer, opt, grad_at, x0, values, lo, hi, compile, steps, lr)
        z, opt_state, gbar = state
        keep = None  # (B, 1) mask of the runs not frozen, once one diverges
        diverged = torch.zeros(B, dtype=torch.bool)
        last_good, candidate = z.clone(), z.clone()
        snap_steps, snap_x, snap_f = [], [], []
        for t in range(1, steps + 1):
            check = t % CHECK_EVERY == 1 or CHECK_EVERY == 1
            if check:
                candidate.copy_(z)
            snapshot = snapshot_every is not None and (t - 1) % snapshot_every == 0
            if snapshot:
                snap_x.append(z[:, :n].clone())
            f, loss, g = run(state, opt.rates(_learning_rate(lr, t, steps), t), average_weight(t, steps, window), keep)
            if snapshot:
                snap_steps.append(t - 1)
                snap_f.append(f.clone())
            if check:
                # loss is at the point before this step's update, ``candidate``
                bad = ~torch.isfinite(loss) & ~diverged
                if bool(bad.any()):
                    log.debug("step %d: %d run(s) diverged and were frozen", t, int(bad.sum()))
                    diverged |= bad
                    candidate[bad] = last_good[bad]
                    z[diverged] = candidate[diverged]
                    for buf in (*opt_state, gbar):
                        if buf.ndim:  # per-run rows (Adam's fused step count is shared)
                            buf[diverged] = 0
                    keep = ~diverged[:, None]
                last_good, candidate = candidate, last_good
            if callback is not None and t % CALLBACK_EVERY == 0:
                callback(t)

        f, loss, g = loss_and_grad_at(z)
        bad = ~torch.isfinite(loss) & ~diverged
        if bool(bad.any()):
            diverged |= bad
            z[bad] = last_good[bad]
            f, loss, g = loss_and_grad_at(z)
        stat = check_stationarity(z, g, gbar, lo, hi, gtol=gtol, loss_and_grad_at=loss_and_grad_at,
                                  scale=scalarizer.scale, diverged=diverged)
        x = z[:, :n]
        if snapshot_every is not None and steps % snapshot_every == 0:
            snap_steps.append(steps)
            snap_x.append(x.clone())
            snap_f.append(f.clone())
        if callback is not None and steps % CALLBACK_EVERY:
            callback(steps)

    return TrainResult(
        params=x.numpy().copy(),
        objectives=f.numpy().copy(),
        loss=loss.numpy().copy(),
        grad_norm=stat.grad_norm.numpy().copy(),
        avg_grad_norm=stat.avg_grad_norm.numpy().copy(),
        converged=stat.converged.numpy().copy(),
        diverged=diverged.numpy().copy(),
        multipliers=z[:, n:].numpy().copy(),
        steps=steps,
        snapshot_steps=np.asarray(snap_steps, dtype=int),
        snapshot_params=torch.stack(snap_x).numpy() if snap_x else np.zeros((0, B, n)),
        snapshot_objectives=torch.stack(snap_f).numpy() if snap_f else np.zeros((0, B, problem.n_obj)),
    )


def _learning_rate(lr: float, t: int, steps: int) -> float:
    """``lr`` at step ``t``: constant, then a cosine decay to ``lr / 1000`` over the last ``ANNEAL``."""
    anneal_from = steps - int(round(ANNEAL * steps))
    if t <= anneal_from:
        return lr
    frac = (t - anneal_from) / max(1, steps - anneal_from)
    return lr * (1e-3 + (1 - 1e-3) * 0.5 * (1 + math.cos(math.pi * frac)))


def _loss_fn(scalarizer: Scalarization):
    """The scalarisation's batch loss ``(f, values, multipliers) -> (B,)``, settings bound."""
    return functools.partial(scalarizer.loss_fn, **dict(scalarizer.settings))


def _gradient(objectives_fn, loss_fn, n: int, k: int, functional: bool):
    """``grad(w, values) -> (g, (f, loss))``: the gradient of the runs' summed losses at ``w``,
    negated on the ``k`` multiplier columns (ascent), by ``torch.func.grad`` (which
    ``torch.compile`` traces) when ``functional``, else by eager autograd.
    """

    def terms(w, values):
        # eagerly, the objectives get contiguous rows as a user's function may expect (.view);
        # compiled, they get the column-major layout the fused loops want
        x = w[:, :n] if k else w
        f = objectives_fn(x if functional else x.contiguous())
        loss = loss_fn(f, values, w[:, n:] if k else None)
        return loss.sum(), (f, loss)

    def autograd(w, values):
        w = w.detach().requires_grad_(True)
        with torch.enable_grad():
            total, (f, loss) = terms(w, values)
            (g,) = torch.autograd.grad(total, w)
        return g, (f.detach(), loss.detach())

    raw = torch.func.grad(terms, has_aux=True) if functional else autograd

    def grad(w, values):
        g, aux = raw(w, values)
        if k:
            g[:, n:].neg_()
        return g, aux

    return grad


def _make_step(grad, opt: Adam | SGD, fused: bool):
    """One optimiser step of every run, in place: gradient, moving average, update, box clamp.

    The same code runs eagerly (with torch's one-pass CPU Adam kernel when ``fused``) and under
    ``torch.compile``, which fuses the whole step into a few loops over the runs. ``rates`` are
    ``opt.rates(lr, t)``, numbers or 0-d tensors; ``ema`` (the moving average's weight) and
    ``keep`` ((B, 1) mask of the runs still training) may be None to skip that work.
    """

    def step(z, opt_state, gbar, values, lo, hi, rates, ema, keep):
        g, (f, loss) = grad(z, values)
        if keep is not None:
            g = torch.where(keep, g, 0.0)
        if ema is not None:
            gbar.lerp_(g, ema)
        opt.update(z, g, opt_state, rates, fused=fused)
        z.clamp_(lo, hi)
        return f, loss, g

    return step


def _compiled_step(objectives_fn, scalarizer: Scalarization, n: int, k: int, opt: Adam | SGD):
    """The compiled step for these (by value: the function, the scalarisation's class and
    settings, the sizes and the optimiser record), compiled on first use and kept."""
    key = (objectives_fn, type(scalarizer), scalarizer.settings, n, k, opt)
    if key not in _COMPILED:
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        step = _make_step(_gradient(objectives_fn, _loss_fn(scalarizer), n, k, functional=True), opt, fused=False)
        # a code object of its own: torch.compile keeps at most recompile_limit (8) variants
        # per code object, and every problem, scalarisation and batch shape would be one
        step = types.FunctionType(step.__code__.replace(), step.__globals__, step.__name__, None, step.__closure__)
        _COMPILED[key] = torch.compile(step)
    return _COMPILED[key]


def _want_compile(option, B: int, steps: int) -> bool:
    """Whether to compile; ``"auto"``: when the steps' expected saving pays for the compile."""
    if option == "auto":
        per_step, per_run = COMPILE_SAVING
        return steps * (per_step + per_run * B) >= COMPILE_SECONDS
    if not isinstance(option, bool):
        raise ParetolabError(f"compile: expected True, False or 'auto', got {option!r}")
    return option


def _state(x0, scalarizer: Scalarization, lo, hi, opt: Adam | SGD, column_major: bool) -> tuple:
    """``(z, opt_state, gbar)``: the parameters ``z`` = (x, multipliers) clamped into the box,
    the optimiser's state and the moving average, in the same layout (column-major: (B, d)
    views of (d, B) storage)."""
    B, n = x0.shape
    d = n + scalarizer.n_multipliers
    z = torch.empty(d, B, dtype=x0.dtype).t() if column_major else torch.empty(B, d, dtype=x0.dtype)
    z[:, :n] = x0.detach()
    z[:, n:] = scalarizer.multiplier_init
    z.clamp_(lo, hi)
    return z, opt.init(z), torch.zeros_like(z)


def _runner(problem, scalarizer, opt, grad_at, x0, values, lo, hi, compile, steps: int, lr: float):
    """``(run, state)``: ``run(state, rates, ema, keep) -> (f, loss, g)`` takes one step of the
    state, eagerly or compiled (``compile``, see :func:`train`)."""
    B, n = x0.shape
    run = _eager_runner(_make_step(grad_at, opt, opt.uses_fused(x0.dtype)), values, lo, hi)
    state = _state(x0, scalarizer, lo, hi, opt, column_major=False)
    if not _want_compile(compile, B, steps):
        return run, state
    # column-major state: Inductor's fused loops then run over the runs, not over n_var
    c_state = _state(x0, scalarizer, lo, hi, opt, column_major=True)
    c_step = _compiled_step(problem.objectives, scalarizer, n, scalarizer.n_multipliers, opt)
    c_run = _compiled_runner(c_step, values, lo, hi, B, len(opt.rates(lr, 1)))
    log.info("compiling the training step of %d runs x %d steps (a few seconds)", B, steps)
    try:  # compile now, on copies: a function torch.compile cannot handle trains eagerly
        z, opt_state, gbar = c_state
        c_run((z.clone(), tuple(s.clone() for s in opt_state), gbar.clone()), opt.rates(lr, 1), None, None)
    except Exception as exc:  # noqa: BLE001 -- any compiler failure
        reason = (str(exc).strip().splitlines() or [""])[0]
        log.warning("torch.compile failed, training eagerly (%s: %s)", type(exc).__name__, reason)
        return run, state
    return c_run, c_state


def _eager_runner(step, values, lo, hi):
    """``run(state, rates, ema, keep) -> (f, loss, g)``: one eager step."""
    # clamp to plain numbers when the box is the same for every column (3x faster eagerly)
    if bool((lo == lo[0]).all() and (hi == hi[0]).all()):
        lo, hi = float(lo[0]), float(hi[0])

    def run(state, rates, ema, keep):
        return step(*state, values, lo, hi, rates, ema, keep)

    return run


def _compiled_runner(step, values, lo, hi, B: int, n_rates: int):
    """``run(state, rates, ema, keep)`` for a compiled step of ``B`` runs: every argument a
    tensor of fixed shape, so that the compiled code is reused at every step."""
    rates_t = tuple(torch.zeros((), dtype=values.dtype) for _ in range(n_rates))
    ema_t = torch.zeros((), dtype=values.dtype)
    live = torch.ones(B, 1, dtype=torch.bool)

    def run(state, rates, ema, keep):
        for tensor, value in zip(rates_t, rates):
            tensor.fill_(value)
        ema_t.fill_(0.0 if ema is None else ema)
        return step(*state, values, lo, hi, rates_t, ema_t, live if keep is None else keep)

    return run


@contextmanager
def _threads(n: int | None):
    if n is None:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(old)
