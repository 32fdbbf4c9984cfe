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
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from paretolab.problems import Problem
from paretolab.scalarize import Scalarizer

__all__ = ["COMPILE_MIN_RUN_STEPS", "OPTIMIZERS", "TrainResult", "train"]

log = logging.getLogger(__name__)
OPTIMIZERS = ("adam", "sgd")
COMPILE_MIN_RUN_STEPS = 200_000_000
"""``compile="auto"`` compiles float32 training of at least this many runs x steps."""
_COMPILED: dict = {}


def _want_compile(option, dtype, B: int, steps: int) -> bool:
    if option == "auto":
        return dtype == torch.float32 and B * steps >= COMPILE_MIN_RUN_STEPS
    if not isinstance(option, bool):
        raise ValueError(f"compile: expected True, False or 'auto', got {option!r}")
    return option


def _compiled_forward(objectives_fn, scal_fn, n: int, k: int):
    key = (objectives_fn, scal_fn, n, k)
    if key not in _COMPILED:

        def forward(w, values):
            x = w[:, :n] if k else w
            f = objectives_fn(x)
            return f, scal_fn(f, values, w[:, n:] if k else None)

        if len(_COMPILED) > 32:
            _COMPILED.clear()
        _COMPILED[key] = torch.compile(forward, dynamic=False)
    return _COMPILED[key]


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
    diverged : (B,) a non-finite loss occurred; the run was frozen at its last finite point.
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
        raise ValueError(f"{name}: expected {kind} {'>=' if allow_zero else '>'} 0, got {value!r}")
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
        Use torch's fused CPU Adam kernel when this torch has it (same update, fewer passes).
    compile : bool or "auto"
        ``torch.compile`` the forward pass (objectives + scalarisation). ``"auto"`` compiles
        only float32 sweeps of at least ``COMPILE_MIN_RUN_STEPS`` run-steps: on this project's
        2-core CPU box the compile costs ~3 s and then saves ~30 ns per run-step in float32,
        while in float64 the compiled kernels were slower than eager ones. Compiled functions
        are cached per (objectives, scalarisation) pair.
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
        raise ValueError(f"optimizer: expected one of {OPTIMIZERS}, got {optimizer!r}")
    _positive("steps", steps, integer=True)
    _positive("lr", lr)
    _positive("gtol", gtol)
    _positive("window", window, integer=True)
    if not (isinstance(anneal, (int, float)) and 0 <= anneal <= 1):
        raise ValueError(f"anneal: expected a fraction in [0, 1], got {anneal!r}")
    _positive("radius", radius, allow_zero=True)
    _positive("check_every", check_every, integer=True)
    if snapshot_every is not None:
        _positive("snapshot_every", snapshot_every, integer=True)
    x0 = x0 if isinstance(x0, torch.Tensor) else torch.as_tensor(np.asarray(x0, dtype=float))
    if x0.ndim != 2 or x0.shape[1] != problem.n_var:
        raise ValueError(f"x0: expected shape (B, {problem.n_var}), got {tuple(x0.shape)}")
    B, n = x0.shape
    k = scalarizer.n_multipliers
    dtype = x0.dtype
    lo_x, hi_x = (torch.as_tensor(b, dtype=dtype) for b in problem.box())
    lo = torch.cat([lo_x, torch.full((k,), scalarizer.multiplier_min, dtype=dtype)])
    hi = torch.cat([hi_x, torch.full((k,), math.inf, dtype=dtype)])
    objectives_fn = problem.objectives
    values = torch.as_tensor(scalarizer.values, dtype=dtype)
    if values.ndim and values.shape[0] != B:
        raise ValueError(f"scalarizer: expected settings for {B} runs, got {values.shape[0]}")

    def scal(f, lam, rows=None):
        v = values if rows is None or values.ndim == 0 else values[rows]
        return scalarizer.fn(f, v, lam)

    with _threads(threads):
        z = torch.empty(B, n + k, dtype=dtype)
        with torch.no_grad():
            z[:, :n] = x0
            z[:, n:] = scalarizer.multiplier_init
            torch.clamp(z, lo, hi, out=z)
        z.requires_grad_(True)
        state1 = torch.zeros_like(z)  # Adam m or SGD momentum buffer
        state2 = torch.zeros_like(z) if optimizer == "adam" else None
        gbar = torch.zeros_like(z)
        decay = 2.0 / (window + 1)
        b1, b2 = betas
        active = None  # (B, 1) float mask once a run diverges
        diverged = torch.zeros(B, dtype=torch.bool)
        last_good = z.detach().clone()
        snap_steps, snap_x, snap_f = [], [], []

        use_compile = _want_compile(compile, dtype, B, steps)
        compiled = _compiled_forward(objectives_fn, scalarizer.fn, n, k) if use_compile else None

        def loss_and_grad_at(w, rows=None):
            if compiled is not None and rows is None:
                f, loss = compiled(w, values)
            else:
                f = objectives_fn(w[:, :n] if k else w)
                loss = scal(f, w[:, n:] if k else None, rows)
            (g,) = torch.autograd.grad(loss.sum(), w)
            if k:
                g[:, n:].neg_()  # ascent on the multipliers
            return f, loss, g

        # torch's fused CPU Adam kernel (one pass instead of six) when available; it computes
        # the same update as the hand-rolled one below, elementwise.
        fused = getattr(torch, "_fused_adam_", None) if optimizer == "adam" and fused_adam else None
        fused_step = torch.zeros((), dtype=torch.float32)
        if fused is not None:
            try:
                probe = torch.zeros(1, dtype=dtype)
                fused([probe], [probe.clone()], [probe.clone()], [probe.clone()], [], [fused_step.clone()],
                      amsgrad=False, lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                      maximize=False)
            except (RuntimeError, TypeError, NotImplementedError):
                fused = None
        anneal_from = steps - int(round(anneal * steps))
        # the moving average only matters at the end: older terms weigh < exp(-10)
        ema_from = steps - 5 * window
        for t in range(1, steps + 1):
            if t > anneal_from:
                frac = (t - anneal_from) / max(1, steps - anneal_from)
                lr_t = lr * (1e-3 + (1 - 1e-3) * 0.5 * (1 + math.cos(math.pi * frac)))
            else:
                lr_t = lr
            f, loss, g = loss_and_grad_at(z)
            with torch.no_grad():
                if snapshot_every is not None and (t - 1) % snapshot_every == 0:
                    snap_steps.append(t - 1)
                    snap_x.append(z[:, :n].clone())
                    snap_f.append(f.detach().clone())
                if t % check_every == 1 or check_every == 1:
                    bad = ~torch.isfinite(loss)
                    if bool(bad.any()):
                        new = bad & ~diverged
                        if bool(new.any()):
                            log.debug("step %d: %d run(s) diverged and were frozen", t, int(new.sum()))
                        diverged |= bad
                        z[diverged] = last_good[diverged]
                        active = (~diverged).to(dtype)[:, None]
                        g = torch.where(diverged[:, None], 0.0, g)
                        state1[diverged] = 0
                        if state2 is not None:
                            state2[diverged] = 0
                        gbar[diverged] = 0
                    last_good.copy_(z)
                if active is not None:
                    g = torch.nan_to_num(g, nan=0.0, posinf=0.0, neginf=0.0).mul_(active)
                if t > ema_from:
                    gbar.lerp_(g, decay)
                if fused is not None:
                    fused_step += 1
                    fused([z.detach()], [g], [state1], [state2], [], [fused_step], amsgrad=False,
                          lr=lr_t, beta1=b1, beta2=b2, weight_decay=0.0, eps=eps, maximize=False)
                elif optimizer == "adam":
                    state1.lerp_(g, 1 - b1)
                    state2.mul_(b2).addcmul_(g, g, value=1 - b2)
                    step_size = lr_t * math.sqrt(1 - b2**t) / (1 - b1**t)
                    denom = state2.sqrt().add_(eps * math.sqrt(1 - b2**t))
                    z.addcdiv_(state1, denom, value=-step_size)
                else:
                    state1.mul_(momentum).add_(g)
                    z.add_(state1, alpha=-lr_t)
                torch.clamp(z, lo, hi, out=z)
            if callback is not None and t % callback_every == 0:
                callback(t)

        f, loss, g = loss_and_grad_at(z)
        with torch.no_grad():
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
            sampled = _sampled_stationarity(z.detach(), torch.nonzero(todo).reshape(-1), lo, hi,
                                            loss_and_grad_at, radius)
            if scalarizer.scale is not None:
                sampled = sampled / scale[todo]
            converged[todo] = sampled < gtol
        with torch.no_grad():
            if snapshot_every is not None and steps % snapshot_every == 0:
                snap_steps.append(steps)
                snap_x.append(x.clone())
                snap_f.append(f.detach().clone())
        if callback is not None and steps % callback_every:
            callback(steps)

    m = problem.n_obj
    return TrainResult(
        params=x.detach().numpy().copy(),
        objectives=f.detach().numpy().copy(),
        loss=loss.detach().numpy().copy(),
        grad_norm=grad_norm.numpy().copy(),
        avg_grad_norm=avg_norm.numpy().copy(),
        converged=converged.numpy().copy(),
        diverged=diverged.numpy().copy(),
        multipliers=z[:, n:].detach().numpy().copy(),
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
    w.requires_grad_(True)
    with torch.enable_grad():
        _, loss, g = loss_and_grad_at(w, rows.repeat_interleave(S))
    g = g.detach()
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
