"""Batched training versus one run at a time, and versus a closed-form numpy gradient.

Fonseca-Fleming (n_var = 10), weighted sum L0 + alpha*L1 with alphas on a log grid, 1000 Adam
steps (lr 0.01) per run. Rows, all measured in this one process, medians of repeats:

* per-run loop   -- the same math trained one run at a time: a (1, 10) leaf tensor, torch's
                    Adam, one backward per step (only a few runs are timed; runs/s is exact
                    because each run is independent of B).
* eager          -- ``paretolab.train.train(compile=False)``: generic autograd on the problem's
                    torch function, all B runs as one (B, 10) tensor, fused Adam, 1 thread.
* compiled       -- ``train(compile=True)``: the same generic code, the whole step (func.grad,
                    Adam, clamp) compiled by torch.compile on column-major state; steady state
                    (the compile is timed separately, with the number of run-steps after which
                    it pays for itself; ``compile="auto"`` turns it on only then).
* numpy closed   -- a hand-written closed-form gradient of the same loss and a batched Adam in
                    numpy: the practical limit without autograd.

The table skips the end-of-run nonsmooth stationarity test (``paretolab.stationarity.RADIUS =
0``) to time the training loop itself. Then: the start-up of a first and of a second
``train(compile=True)`` of the same method and settings (a new but equal scalarisation, the
problem fetched again: the second reuses the compiled step), and a 1024-run x 2000-step
training end to end, stationarity test included.

Run: ``.venv/bin/python bench/bench_train.py [--quick] [--dtype float32]``.
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

from paretolab import stationarity  # noqa: E402
from paretolab.problems import get_problem  # noqa: E402
from paretolab.scalarize import make_scalarizer  # noqa: E402
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
    args = ap.parse_args(argv)
    dtype = getattr(torch, args.dtype)
    repeats = 1 if args.quick else 5
    sizes = (16, 256, 1024) if args.quick else (16, 256, 1024, 4096)
    problem = get_problem("fonseca", n_var=N_VAR)
    torch.set_num_threads(1)

    radius, stationarity.RADIUS = stationarity.RADIUS, 0.0  # time the loop, not the nonsmooth test
    print(f"torch {torch.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, dtype {args.dtype}, "
          f"trainer threads {args.threads}, {STEPS} Adam steps, medians of {repeats}")
    # the per-run loop does not depend on B: time a few runs once
    few = 3
    x_few = problem.sample(few, seed=0, dtype=dtype)
    alphas_few = np.logspace(-2, 2, few)
    t_loop = median_time(lambda: per_run_loop(problem, x_few, alphas_few, STEPS, dtype), max(1, repeats // 2))
    loop_rate = few / t_loop
    print(f"per-run torch loop: {loop_rate:.2f} runs/s ({t_loop / few * 1e3 / STEPS * 1e3:.0f} us per step)")

    header = (f"{'B':>6s} {'eager runs/s':>13s} {'compiled':>9s} {'numpy':>8s} {'eager us/step':>14s} "
              f"{'compile s':>10s} {'pays after':>11s} {'eager/loop':>11s} {'eager/numpy':>12s} {'compiled/numpy':>15s}")
    print(header)
    print("-" * len(header))
    for B in sizes:
        x0 = problem.sample(B, seed=1, dtype=dtype)
        alphas = np.logspace(-2, 2, B)
        scal = make_scalarizer("linear", alphas, dtype=dtype)

        def run(compile):
            return train(problem, x0, scal, steps=STEPS, lr=LR, threads=args.threads, compile=compile)

        t0 = time.perf_counter()
        run(True)
        t_first = time.perf_counter() - t0
        t_comp = median_time(lambda: run(True), repeats)
        t_eager = median_time(lambda: run(False), repeats)
        t_numpy = median_time(lambda: numpy_closed_form(x0.double().numpy(), alphas, STEPS), repeats)
        saving = (t_eager - t_comp) / (B * STEPS)  # seconds per run-step
        t_compile = max(0.0, t_first - t_comp)  # 0 when the step compiled for an earlier B is reused
        pays = "never" if saving <= 0 else f"{t_compile / saving:.1e}"
        print(f"{B:6d} {B / t_eager:13.0f} {B / t_comp:9.0f} {B / t_numpy:8.0f} {t_eager / STEPS * 1e6:14.0f} "
              f"{t_compile:10.1f} {pays:>11s} {B / t_eager / loop_rate:10.0f}x {t_numpy / t_eager:11.2f}x "
              f"{t_numpy / t_comp:14.2f}x")
    print("compile s = first call minus a steady one; the compiled step is kept for the process, so at a later B "
          "it only retraces for the new shape (Inductor's on-disk cache makes repeats faster); pays after = run-steps")

    # a second train() of the same method and settings reuses the compiled step: a new but
    # equal scalarisation (make_scalarizer called again), the problem fetched again by name
    def startup():
        p = get_problem("fonseca", n_var=N_VAR)
        scal = make_scalarizer("chebyshev", np.logspace(-2, 2, 256), ideal=[-0.1, -0.1], dtype=dtype)
        t0 = time.perf_counter()
        train(p, p.sample(256, seed=2, dtype=dtype), scal, steps=1, threads=args.threads, compile=True)
        return time.perf_counter() - t0

    first, second = startup(), startup()
    print(f"start-up of train(compile=True), chebyshev, 256 runs x 1 step: first call {first:.2f} s, "
          f"second call (same method and settings) {second:.4f} s")
    stationarity.RADIUS = radius

    # the end-to-end goal: a 1024-run x 2000-step training (32 alphas x 32 starts)
    x0 = problem.sample(1024, seed=3, dtype=dtype)
    alphas = np.tile(np.logspace(-2, 2, 32), 32)
    t_all = median_time(lambda: train(problem, x0, make_scalarizer("linear", alphas, dtype=dtype), steps=2000,
                                      threads=args.threads), repeats)
    print(f"train(): 1024 runs x 2000 steps end to end (incl. stationarity checks): {t_all:.2f} s")


if __name__ == "__main__":
    main()
