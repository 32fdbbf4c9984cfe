"""Batched training versus one run at a time, and versus a closed-form numpy gradient.

Fonseca-Fleming (n_var = 10), weighted sum L0 + alpha*L1 with alphas on a log grid, 1000 Adam
steps (lr 0.01) per run. Rows, all measured in this one process, medians of repeats:

* per-run loop   -- the same math trained one run at a time: a (1, 10) leaf tensor, torch's
                    Adam, one backward per step (only a few runs are timed; runs/s is exact
                    because each run is independent of B).
* paretolab      -- ``paretolab.train.train``: generic autograd on the problem's torch
                    function, all B runs as one (B, 10) tensor, batched Adam, 1 thread.
* numpy closed   -- a hand-written closed-form gradient of the same loss and a batched Adam in
                    numpy: the practical limit without autograd.
* --compile      -- ``train(compile=True)`` in float32 at B = 4096 (``compile="auto"`` turns it
                    on by itself only for float32 sweeps of >= 2e8 run-steps).

Run: ``.venv/bin/python bench/bench_train.py [--quick] [--dtype float32] [--compile]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from paretolab.problems import get_problem  # noqa: E402
from paretolab.scalarize import make_scalarizer  # noqa: E402
from paretolab.sweep import sweep  # noqa: E402
from paretolab.train import train  # noqa: E402

N_VAR = 10
STEPS = 1000
LR = 1e-2


def per_run_loop(problem, x0, alphas, steps, dtype):
    """One run at a time with torch.optim.Adam: what a user would write without batching."""
    for i in range(x0.shape[0]):
        x = x0[i : i + 1].clone().to(dtype).requires_grad_(True)
        opt = torch.optim.Adam([x], lr=LR)
        a = float(alphas[i])
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            f = problem.objectives(x)
            (f[:, 0] + a * f[:, 1]).sum().backward()
            opt.step()
    return x


def numpy_closed_form(x0, alphas, steps):
    """Batched Adam with the analytic gradient of f1 + a f2, f = 1 - exp(-|x -/+ c|^2)."""
    x = np.array(x0, dtype=float)
    a = np.asarray(alphas, dtype=float)[:, None]
    c = 1.0 / np.sqrt(x.shape[1])
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        d1, d2 = x - c, x + c
        e1 = np.exp(-np.einsum("ij,ij->i", d1, d1))[:, None]
        e2 = np.exp(-np.einsum("ij,ij->i", d2, d2))[:, None]
        g = 2 * (d1 * e1 + a * d2 * e2)
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        step = LR * np.sqrt(1 - b2**t) / (1 - b1**t)
        x -= step * m / (np.sqrt(v) + eps * np.sqrt(1 - b2**t))
        np.clip(x, -4.0, 4.0, out=x)
    return x


def compiled_row(problem, repeats, B=4096):
    """train(compile=True) in float32 at B runs: first call (compile) and steady state."""
    x0 = problem.sample(B, seed=1, dtype=torch.float32)
    alphas = np.logspace(-2, 2, B)
    scal = make_scalarizer("linear", alphas, dtype=torch.float32)
    t0 = time.perf_counter()
    train(problem, x0, scal, steps=STEPS, lr=LR, radius=0.0, compile=True)
    t_first = time.perf_counter() - t0
    t_comp = median_time(lambda: train(problem, x0, scal, steps=STEPS, lr=LR, radius=0.0, compile=True), repeats)
    t_eager = median_time(lambda: train(problem, x0, scal, steps=STEPS, lr=LR, radius=0.0, compile=False), repeats)
    t_numpy = median_time(lambda: numpy_closed_form(x0.double().numpy(), alphas, STEPS), repeats)
    saving = (t_eager - t_comp) / (B * STEPS)
    print(f"B={B} float32: eager {B / t_eager:.0f} runs/s, torch.compile {B / t_comp:.0f} runs/s "
          f"({t_first:.1f} s for the first call, compile included), numpy closed form {B / t_numpy:.0f} "
          f"runs/s; compiled / numpy = {t_numpy / t_comp:.2f}x; the compile pays for itself after "
          f"{'never' if saving <= 0 else f'{(t_first - t_comp) / saving:.2g} run-steps'}")


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and sizes")
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--threads", type=int, default=1, help="torch threads for the batched trainer")
    ap.add_argument("--compile", action="store_true", help="also time train(compile=True) in float32 at B = 4096")
    args = ap.parse_args(argv)
    dtype = getattr(torch, args.dtype)
    repeats = 1 if args.quick else 5
    sizes = (16, 256, 1024) if args.quick else (16, 256, 1024, 4096)
    problem = get_problem("fonseca", n_var=N_VAR)
    torch.set_num_threads(1)

    print(f"torch {torch.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, dtype {args.dtype}, "
          f"trainer threads {args.threads}, {STEPS} Adam steps, medians of {repeats}")
    # the per-run loop does not depend on B: time a few runs once
    few = 3
    x_few = problem.sample(few, seed=0, dtype=dtype)
    alphas_few = np.logspace(-2, 2, few)
    t_loop = median_time(lambda: per_run_loop(problem, x_few, alphas_few, STEPS, dtype), max(1, repeats // 2))
    loop_rate = few / t_loop
    print(f"per-run torch loop: {loop_rate:.2f} runs/s ({t_loop / few * 1e3 / STEPS * 1e3:.0f} us per step)")

    header = f"{'B':>6s} {'paretolab runs/s':>17s} {'us/step':>8s} {'numpy runs/s':>13s} {'vs loop':>8s} {'vs numpy':>9s}"
    print(header)
    print("-" * len(header))
    for B in sizes:
        x0 = problem.sample(B, seed=1, dtype=dtype)
        alphas = np.logspace(-2, 2, B)
        scal = make_scalarizer("linear", alphas, dtype=dtype)
        # radius=0: time the training loop itself, not the end-of-run nonsmooth check
        t_batched = median_time(lambda: train(problem, x0, scal, steps=STEPS, lr=LR, threads=args.threads,
                                              radius=0.0), repeats)
        t_numpy = median_time(lambda: numpy_closed_form(x0.double().numpy(), alphas, STEPS), repeats)
        rb, rn = B / t_batched, B / t_numpy
        print(f"{B:6d} {rb:17.0f} {t_batched / STEPS * 1e6:8.0f} {rn:13.0f} {rb / loop_rate:7.0f}x {rb / rn:8.2f}x")

    if args.compile:
        compiled_row(problem, repeats)

    # the end-to-end goal: a 1024-run x 2000-step sweep (32 alphas x 32 seeds)
    t_sweep = median_time(lambda: sweep(problem, alphas="log:1e-2:1e2:32", seeds=32, steps=2000, dtype=dtype),
                          repeats)
    print(f"sweep(): 1024 runs x 2000 steps end to end (incl. stationarity checks): {t_sweep:.2f} s")


if __name__ == "__main__":
    main()
