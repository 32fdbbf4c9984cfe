"""Train many runs at once: ``B`` parameter vectors as one ``(B, n_var)`` tensor.

Each step evaluates the problem's objectives on the whole batch, scalarises them per run,
sums the ``B`` losses and takes one backward pass and one optimiser step. Rows never interact
(the objectives of row ``b`` depend on row ``b`` only and the optimisers are elementwise), so a
batched run gives the same result as training each run alone.

Box constraints: after every step each parameter is clamped into ``problem.bounds``
(projected gradient). MDMM multipliers ride along as extra columns whose gradient is negated
(ascent) and, for inequality constraints, clamped at 0.

Stationarity (``converged``), in two stages; gradients are divided by the sum of the run's
weights (``1 + alpha``: the gradient of ``(L0 + alpha L1) / (1 + alpha)``) and projected on
the box (components pushing out of the box at an active bound are dropped):

1. the exponential moving average of the gradient over about ``window`` steps has norm below
   ``gtol``. At a smooth minimum this is the gradient norm; a run still descending has a
   consistent gradient and fails, so a run that merely ran out of steps is not converged.
2. for the runs that fail 1, a nonsmooth test at the final point: the convex hull of the
   gradients sampled within ``radius`` of it comes within ``gtol`` of zero (Goldstein
   epsilon-stationarity, as in gradient sampling). This is what recognises kinks -- ``|w|`` of a
   lasso at w = 0, the ridge of a Chebyshev ``max`` -- where the last gradient never gets
   small and the optimiser oscillates around the point.

An optional cosine decay of the learning rate over the last ``anneal`` fraction of the steps
lets runs settle at such kinks.

Divergence: every ``check_every`` steps the losses are checked; a run with a non-finite loss
is reset to its last finite parameters, frozen (no further updates) and flagged ``diverged``;
the other runs go on. Nothing is printed or warned; the count is logged at DEBUG level.

Speed: an eager step is a few dozen small torch operations (about 100 us plus 50 ns per run
for Fonseca-Fleming with 10 variables, on one CPU thread); ``compile`` turns the whole step
into a few fused loops over the runs, worth its 3-5 s start-up only for long sweeps
(``compile="auto"`` decides, see :func:`train`).
"""

from __future__ import annotations

import logging
import math
import types
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from paretolab.errors import ParetolabError
from paretolab.problems import Problem
from paretolab.scalarize import Scalarizer

__all__ = ["COMPILE_SAVING", "COMPILE_SECONDS", "OPTIMIZERS", "TrainResult", "train"]

log = logging.getLogger(__name__)
OPTIMIZERS = ("adam", "sgd")
COMPILE_SECONDS = 5.0
"""What ``torch.compile`` of the training step costs on a cold cache (3-5 s, 2-core CPU)."""
COMPILE_SAVING = (7e-5, 1e-8)
"""Seconds a compiled step saves over an eager one: per step, plus per run in the batch
(Fonseca-Fleming n_var=10, float32 or float64, 2-core CPU; ``bench/bench_train.py``)."""
_COMPILED: dict = {}


def _want_compile(option, B: int, steps: int) -> bool:
    """Whether to compile; ``"auto"``: when the steps' expected saving pays for the compile."""
    if option == "auto":
        per_step, per_run = COMPILE_SAVING
        return steps * (per_step + per_run * B) >= COMPILE_SECONDS
    if not isinstance(option, bool):
        raise ParetolabError(f"compile: expected True, False or 'auto', got {option!r}")
    return option


def _gradient(objectives_fn, scal_fn, n: int, k: int, functional: bool):
    """``grad(w, values) -> (g, (f, loss))``: the gradient of the runs' summed losses at ``w``,
    negated on the ``k`` multiplier columns (ascent), by ``torch.func.grad`` (which
    ``torch.compile`` traces) when ``functional``, else by eager autograd.
    """

    def terms(w, values):
        # eagerly, the objectives get contiguous rows as a user's function may expect (.view);
        # compiled, they get the column-major layout the fused loops want
        x = w[:, :n] if k else w
        f = objectives_fn(x if functional else x.contiguous())
        loss = scal_fn(f, values, w[:, n:] if k else None)
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


def _make_step(grad, optimizer: str, momentum: float, betas, eps: float, fused: bool):
    """One optimiser step of every run, in place: gradient, moving average, update, box clamp.

    The same code runs eagerly (with torch's one-pass CPU Adam kernel when ``fused``) and under
    ``torch.compile``, which fuses the whole step into a few loops over the runs. ``rates`` are
    numbers or 0-d tensors: the learning rate, and Adam's bias-corrected step size and epsilon
    (:func:`_rates`); ``ema`` (the moving average's weight) and ``keep`` ((B, 1) mask of the
    runs still training) may be None to skip that work.
    """
    b1, b2 = betas

    def step(z, state1, state2, gbar, fused_count, values, lo, hi, rates, ema, keep):
        lr, step_size, eps_hat = rates
        g, (f, loss) = grad(z, values)
        if keep is not None:
            g = torch.where(keep, g, 0.0)
        if ema is not None:
            gbar.lerp_(g, ema)
        if fused:  # the same update as the branch below, in one pass
            fused_count += 1
            torch._fused_adam_([z], [g], [state1], [state2], [], [fused_count], amsgrad=False, lr=lr,
                               beta1=b1, beta2=b2, weight_decay=0.0, eps=eps, maximize=False)
        elif optimizer == "adam":
            state1.lerp_(g, 1 - b1)
            state2.mul_(b2).addcmul_(g, g, value=1 - b2)
            z.addcdiv_(state1, state2.sqrt().add_(eps_hat).div_(-step_size))
        else:
            state1.mul_(momentum).add_(g)
            z.sub_(state1 * lr)
        z.clamp_(lo, hi)
        return f, loss, g

    return step


def _rates(lr: float, t: int, betas, eps: float) -> tuple[float, float, float]:
    """Learning rate, and Adam's step size and epsilon with the bias corrections of step ``t``
    folded in: ``z -= step_size * m / (sqrt(v) + eps_hat)`` is Adam's update."""
    c2 = math.sqrt(1 - betas[1] ** t)
    return lr, lr * c2 / (1 - betas[0] ** t), eps * c2


def _compiled_step(objectives_fn, scal_fn, n, k, optimizer, momentum, betas, eps):
    key = (objectives_fn, scal_fn, n, k, optimizer, momentum, tuple(betas), eps)
    if key not in _COMPILED:
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        step = _make_step(_gradient(objectives_fn, scal_fn, n, k, functional=True), optimizer, momentum, betas,
                          eps, fused=False)
        # a code object of its own: torch.compile keeps at most recompile_limit (8) variants
        # per code object, and every problem, scalarisation and batch shape would be one
        step = types.FunctionType(step.__code__.replace(), step.__globals__, step.__name__, None,
                                  step.__closure__)
        _COMPILED[key] = torch.compile(step)
    return _COMPILED[key]


def _has_fused_adam(dtype) -> bool:
    fused = getattr(torch, "_fused_adam_", None)
    if fused is None:
        return False
    probe, count = torch.zeros(1, dtype=dtype), torch.zeros((), dtype=torch.float32)
    try:
        fused([probe], [probe.clone()], [probe.clone()], [probe.clone()], [], [count], amsgrad=False, lr=0.1,
              beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8, maximize=False)
    except (RuntimeError, TypeError, NotImplementedError):
        return False
    return True


def _state(x0, scalarizer, lo, hi, optimizer: str, fused: bool, column_major: bool) -> tuple:
    """``(z, state1, state2, gbar, fused_count)``: the parameters ``z`` = (x, multipliers)
    clamped into the box, zeroed optimiser state and moving average in the same layout
    (column-major: (B, d) views of (d, B) storage), and the fused Adam kernel's step count."""
    B, n = x0.shape
    d = n + scalarizer.n_multipliers
    z = torch.empty(d, B, dtype=x0.dtype).t() if column_major else torch.empty(B, d, dtype=x0.dtype)
    z[:, :n] = x0.detach()
    z[:, n:] = scalarizer.multiplier_init
    z.clamp_(lo, hi)
    state2 = torch.zeros_like(z) if optimizer == "adam" else None
    count = torch.zeros((), dtype=torch.float32) if fused else None
    return z, torch.zeros_like(z), state2, torch.zeros_like(z), count


def _eager_runner(step, values, lo, hi):
    """``run(state, rates, ema, keep) -> (f, loss, g)``: one eager step."""
    # clamp to plain numbers when the box is the same for every column (3x faster eagerly)
    if bool((lo == lo[0]).all() and (hi == hi[0]).all()):
        lo, hi = float(lo[0]), float(hi[0])

    def run(state, rates, ema, keep):
        return step(*state, values, lo, hi, rates, ema, keep)

    return run


def _compiled_runner(step, values, lo, hi, B: int):
    """``run(state, rates, ema, keep)`` for a compiled step of ``B`` runs: every argument a
    tensor of fixed shape, so that the compiled code is reused at every step."""
    rates_t = tuple(torch.zeros((), dtype=values.dtype) for _ in range(3))
    ema_t = torch.zeros((), dtype=values.dtype)
    live = torch.ones(B, 1, dtype=torch.bool)

    def run(state, rates, ema, keep):
        for tensor, value in zip(rates_t, rates):
            tensor.fill_(value)
        ema_t.fill_(0.0 if ema is None else ema)
        return step(*state, values, lo, hi, rates_t, ema_t, live if keep is None else keep)

    return run


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
    converged : (B,) ``avg_grad_norm < gtol`` and not diverged.
    diverged : (B,) a non-finite loss was seen at a check (every ``check_every`` steps, and at
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


def _positive(name: str, value, *, integer: bool = False, allow_zero: bool = False):
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) if integer else \
        isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok:
        ok = value >= 0 if allow_zero else value > 0
        ok = ok and math.isfinite(value)
    if not ok:
        kind = "an integer" if integer else "a number"
        raise ParetolabError(f"{name}: expected {kind} {'>=' if allow_zero else '>'} 0, got {value!r}")
    return value


def train(
    problem: Problem,
    x0,
    scalarizer: Scalarizer,
    *,
    steps: int = 1000,
    lr: float = 1e-2,
    optimizer: str = "adam",
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    gtol: float = 1e-4,
    window: int = 100,
    anneal: float = 0.25,
    radius: float = 1e-3,
    fused_adam: bool = True,
    compile: bool | str = "auto",
    check_every: int = 10,
    snapshot_every: int | None = None,
    threads: int | None = 1,
    callback: Callable[[int], None] | None = None,
    callback_every: int = 100,
) -> TrainResult:
    """Train ``B`` runs of ``problem`` from the rows of ``x0`` at once.

    Parameters
    ----------
    problem : Problem
    x0 : Tensor or array, shape (B, n_var)
        Initial points (not modified). Its dtype is kept for tensors (float64 for arrays).
    scalarizer : Scalarizer
        From :func:`paretolab.scalarize.make_scalarizer`, with per-run settings for ``B`` runs.
    steps : int
        Optimiser steps (> 0).
    lr : float
        Learning rate (> 0), shared by parameters and multipliers.
    optimizer : {"adam", "sgd"}
        Adam (hand-rolled, batched, with bias correction) or SGD with ``momentum``.
    gtol : float
        Stationarity tolerance on the moving-average projected gradient norm.
    window : int
        Steps the moving average spans (its decay is ``1 - 2 / (window + 1)``).
    anneal : float
        Fraction of the steps, at the end, over which the learning rate decays (cosine) from
        ``lr`` to ``lr / 1000``; 0 keeps it constant. It lets runs settle at kinks.
    fused_adam : bool
        Eagerly, use torch's fused CPU Adam kernel when this torch has it (same update, fewer
        passes); compiled steps fuse their own update.
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
        is logged and training runs eagerly. A compiled step is reused while the problem's
        function, the Scalarizer object and the optimiser settings stay the same.
    radius : float
        Sampling radius of the nonsmooth stationarity test (see the module notes); 0 turns
        that test off.
    check_every : int
        Steps between checks for non-finite losses.
    snapshot_every : int, optional
        Record parameters and objectives every this many steps (and at step 0).
    threads : int or None
        torch intra-op threads during training (restored afterwards); ``None`` leaves the
        setting alone. One thread is fastest for small batches on a busy machine.
    callback : callable, optional
        ``callback(steps_done)`` every ``callback_every`` steps and at the end (progress bars).

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
    if optimizer not in OPTIMIZERS:
        raise ParetolabError(f"optimizer: expected one of {OPTIMIZERS}, got {optimizer!r}")
    _positive("steps", steps, integer=True)
    _positive("lr", lr)
    _positive("gtol", gtol)
    _positive("window", window, integer=True)
    if not (isinstance(anneal, (int, float)) and 0 <= anneal <= 1):
        raise ParetolabError(f"anneal: expected a fraction in [0, 1], got {anneal!r}")
    _positive("radius", radius, allow_zero=True)
    _positive("check_every", check_every, integer=True)
    if snapshot_every is not None:
        _positive("snapshot_every", snapshot_every, integer=True)
    x0 = x0 if isinstance(x0, torch.Tensor) else torch.as_tensor(np.asarray(x0, dtype=float))
    if x0.ndim != 2 or x0.shape[1] != problem.n_var:
        raise ParetolabError(f"x0: expected shape (B, {problem.n_var}), got {tuple(x0.shape)}")
    B, n = x0.shape
    k = scalarizer.n_multipliers
    dtype = x0.dtype
    lo_x, hi_x = (torch.as_tensor(b, dtype=dtype) for b in problem.box())
    lo = torch.cat([lo_x, torch.full((k,), scalarizer.multiplier_min, dtype=dtype)])
    hi = torch.cat([hi_x, torch.full((k,), math.inf, dtype=dtype)])
    values = torch.as_tensor(scalarizer.values, dtype=dtype)
    if values.ndim and values.shape[0] != B:
        raise ParetolabError(f"scalarizer: expected settings for {B} runs, got {values.shape[0]}")
    grad_at = _gradient(problem.objectives, scalarizer.fn, n, k, functional=False)

    def loss_and_grad_at(w, rows=None):
        """Eager objectives, losses and ascent-adjusted gradient at ``w`` (runs ``rows``)."""
        g, (f, loss) = grad_at(w, values if rows is None or values.ndim == 0 else values[rows])
        return f, loss, g

    with _threads(threads):
        fused = optimizer == "adam" and fused_adam and _has_fused_adam(dtype)
        run = _eager_runner(_make_step(grad_at, optimizer, momentum, betas, eps, fused), values, lo, hi)
        state = _state(x0, scalarizer, lo, hi, optimizer, fused, column_major=False)
        if _want_compile(compile, B, steps):
            # column-major state: Inductor's fused loops then run over the runs, not over n_var
            c_state = _state(x0, scalarizer, lo, hi, optimizer, False, column_major=True)
            c_step = _compiled_step(problem.objectives, scalarizer.fn, n, k, optimizer, momentum, betas, eps)
            c_run = _compiled_runner(c_step, values, lo, hi, B)
            log.info("compiling the training step of %d runs x %d steps (a few seconds)", B, steps)
            try:  # compile now, on copies: a function torch.compile cannot handle trains eagerly
                c_run(tuple(None if s is None else s.clone() for s in c_state), _rates(lr, 1, betas, eps), None, None)
            except Exception as exc:  # noqa: BLE001 -- any compiler failure
                reason = (str(exc).strip().splitlines() or [""])[0]
                log.warning("torch.compile failed, training eagerly (%s: %s)", type(exc).__name__, reason)
            else:
                run, state = c_run, c_state
        z, state1, state2, gbar, _ = state
        keep = None  # (B, 1) mask of the runs not frozen, once one diverges
        decay = 2.0 / (window + 1)
        diverged = torch.zeros(B, dtype=torch.bool)
        last_good, candidate = z.clone(), z.clone()
        snap_steps, snap_x, snap_f = [], [], []
        anneal_from = steps - int(round(anneal * steps))
        # the moving average only matters at the end: older terms weigh < exp(-10)
        ema_from = steps - 5 * window
        for t in range(1, steps + 1):
            if t > anneal_from:
                frac = (t - anneal_from) / max(1, steps - anneal_from)
                lr_now = lr * (1e-3 + (1 - 1e-3) * 0.5 * (1 + math.cos(math.pi * frac)))
            else:
                lr_now = lr
            check = t % check_every == 1 or check_every == 1
            if check:
                candidate.copy_(z)
            snapshot = snapshot_every is not None and (t - 1) % snapshot_every == 0
            if snapshot:
                snap_x.append(z[:, :n].clone())
            f, loss, g = run(state, _rates(lr_now, t, betas, eps), decay if t > ema_from else None, keep)
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
                    for buf in (state1, state2, gbar):
                        if buf is not None:
                            buf[diverged] = 0
                    keep = ~diverged[:, None]
                last_good, candidate = candidate, last_good
            if callback is not None and t % callback_every == 0:
                callback(t)

        f, loss, g = loss_and_grad_at(z)
        bad = ~torch.isfinite(loss) & ~diverged
        if bool(bad.any()):
            diverged |= bad
            z[bad] = last_good[bad]
            f, loss, g = loss_and_grad_at(z)
        x = z[:, :n]
        blocked = ((z <= lo) & (g > 0)) | ((z >= hi) & (g < 0))
        grad_norm = torch.where(blocked, 0.0, g).norm(dim=1)
        blocked_avg = ((z <= lo) & (gbar > 0)) | ((z >= hi) & (gbar < 0))
        avg_norm = torch.where(blocked_avg, 0.0, gbar).norm(dim=1)
        if scalarizer.scale is not None:
            scale = torch.as_tensor(scalarizer.scale, dtype=dtype).reshape(-1).expand(B)
            grad_norm = grad_norm / scale
            avg_norm = avg_norm / scale
        converged = (avg_norm < gtol) & ~diverged & torch.isfinite(grad_norm)
        todo = ~converged & ~diverged & torch.isfinite(grad_norm)
        if radius > 0 and bool(todo.any()):
            sampled = _sampled_stationarity(z, torch.nonzero(todo).reshape(-1), lo, hi, loss_and_grad_at, radius)
            if scalarizer.scale is not None:
                sampled = sampled / scale[todo]
            converged[todo] = sampled < gtol
        if snapshot_every is not None and steps % snapshot_every == 0:
            snap_steps.append(steps)
            snap_x.append(x.clone())
            snap_f.append(f.clone())
        if callback is not None and steps % callback_every:
            callback(steps)

    m = problem.n_obj
    return TrainResult(
        params=x.numpy().copy(),
        objectives=f.numpy().copy(),
        loss=loss.numpy().copy(),
        grad_norm=grad_norm.numpy().copy(),
        avg_grad_norm=avg_norm.numpy().copy(),
        converged=converged.numpy().copy(),
        diverged=diverged.numpy().copy(),
        multipliers=z[:, n:].numpy().copy(),
        steps=steps,
        snapshot_steps=np.asarray(snap_steps, dtype=int),
        snapshot_params=torch.stack(snap_x).numpy() if snap_x else np.zeros((0, B, n)),
        snapshot_objectives=torch.stack(snap_f).numpy() if snap_f else np.zeros((0, B, m)),
    )


def _sampled_stationarity(z: torch.Tensor, rows: torch.Tensor, lo, hi, loss_and_grad_at,
                          radius: float) -> torch.Tensor:
    """Goldstein-style stationarity of the runs ``rows``: the distance from 0 to the convex
    hull of the projected gradients at ``z`` and at points within ``radius`` of it (clamped to
    the box), i.e. the smallest norm of a convex combination, by a small NNLS per run.
    """
    from scipy.optimize import nnls

    zr = z[rows]
    b, d = zr.shape
    # the centre, +/- each axis, and +/- random sign vectors (diagonals, so that the samples
    # surround kinks that cut across axes); the same offsets for every run
    signs = torch.randint(0, 2, (max(4, d), d), generator=torch.Generator().manual_seed(0)) * 2 - 1
    diag = signs.to(z.dtype) * (radius / math.sqrt(d))
    eye = torch.eye(d, dtype=z.dtype) * radius
    offsets = torch.cat([torch.zeros(1, d, dtype=z.dtype), eye, -eye, diag, -diag])  # (S, d)
    S = offsets.shape[0]
    w = torch.clamp((zr[:, None, :] + offsets[None]).reshape(b * S, d), lo, hi)
    _, loss, g = loss_and_grad_at(w, rows.repeat_interleave(S))
    at_lo, at_hi = (zr <= lo).repeat_interleave(S, 0), (zr >= hi).repeat_interleave(S, 0)
    g = torch.where((at_lo & (g > 0)) | (at_hi & (g < 0)), 0.0, g)
    G = g.reshape(b, S, d).numpy()
    finite = torch.isfinite(loss).reshape(b, S).all(1).numpy()
    out = np.full(b, np.inf)
    for i in np.flatnonzero(finite):
        Gi = G[i]
        big = 1e3 * max(1.0, float(np.abs(Gi).max()))
        A = np.vstack([Gi.T, np.full((1, S), big)])
        rhs = np.zeros(d + 1)
        rhs[-1] = big
        lam, _ = nnls(A, rhs, maxiter=50 * S)
        lam = lam / lam.sum() if lam.sum() > 0 else np.full(S, 1.0 / S)
        out[i] = float(np.linalg.norm(lam @ Gi))
    return torch.as_tensor(out, dtype=z.dtype)
