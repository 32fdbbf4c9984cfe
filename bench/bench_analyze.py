#!/usr/bin/env python
"""Time and memory of ``paretolab.analyze`` on a million runs, against moocore in the same run.

Two layouts of a weighted-sum sweep of a convex front with noise 1e-3: 21 alphas with many seeds
each (a big seed study), and 4 seeds at each of n/4 alphas (a dense alpha scan). Each repeat runs
in a fresh interpreter that loads the runs from ``.npy`` files, so its peak resident memory
(``ru_maxrss``) minus the memory after loading is what ``analyze`` itself needed. The peer is
``moocore.is_nondominated`` on the same points (the nondominated filter every front analysis
needs), timed in the same process. Medians of ``--repeat`` runs; the machine is shared.

Goal (issue 13): 1e6 runs under 30 s and 1 GB on 2 cores.

    python bench/bench_analyze.py                 # 1e6 runs, 3 repeats (about 3 minutes)
    python bench/bench_analyze.py --runs 1e5 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHILD = """
import json, resource, sys, time
import numpy as np
import moocore
from paretolab.analysis import analyze
from paretolab.runs import Runs

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

d = sys.argv[1]
obj, alpha, seed = (np.load(f"{d}/{k}.npy") for k in ("objectives", "alpha", "seed"))
runs = Runs.from_arrays(obj, alpha=alpha, seed=seed, converged=np.ones(len(obj), bool), source="bench")
base = rss_mb()
t0 = time.perf_counter()
report = analyze(runs)
t_analyze = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
moocore.is_nondominated(obj)
t_moocore = time.perf_counter() - t0
print(json.dumps({"analyze": t_analyze, "moocore": t_moocore, "extra_mb": peak - base, "peak_mb": peak,
                  "tunable": report.tunable}))
"""


def convex_sweep(n: int, alphas: np.ndarray, rng) -> dict:
    """Weighted-sum optima of the convex front sqrt(x) + sqrt(y) = 1 (noise 1e-3), cycled
    over ``alphas`` until there are ``n`` runs; seeds number the repeats of each alpha."""
    alpha = np.resize(alphas, n)
    # minimiser of x + a*y on sqrt(x) + sqrt(y) = 1: sqrt(x) = a / (1 + a)
    s = alpha / (1 + alpha)
    obj = np.c_[s**2, (1 - s) ** 2] + rng.normal(0, 1e-3, (n, 2))
    seed = np.arange(n) // len(alphas)
    return {"objectives": obj, "alpha": alpha, "seed": seed}


def measure(data: dict, repeat: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        for k, v in data.items():
            np.save(os.path.join(tmp, f"{k}.npy"), v)
        env = dict(os.environ, PYTHONPATH=ROOT)
        out = []
        for _ in range(repeat):
            res = subprocess.run([sys.executable, "-c", CHILD, tmp], capture_output=True, text=True, env=env,
                                 check=True)
            out.append(json.loads(res.stdout.strip().splitlines()[-1]))
        return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=float, default=1e6)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    n = int(args.runs)
    rng = np.random.default_rng(0)
    layouts = {"21 alphas x many seeds": np.geomspace(1e-2, 1e2, 21),
               "n/4 alphas x 4 seeds": np.geomspace(1e-2, 1e2, n // 4)}
    print(f"analyze() on {n:,d} runs, {os.cpu_count()} CPUs, medians of {args.repeat} fresh interpreters")
    for name, alphas in layouts.items():
        res = measure(convex_sweep(n, alphas, rng), args.repeat)
        med = {k: statistics.median(r[k] for r in res) for k in ("analyze", "moocore", "extra_mb", "peak_mb")}
        print(f"  {name:24s} analyze {med['analyze']:6.2f} s ({med['analyze'] / med['moocore']:5.0f}x "
              f"moocore.is_nondominated {med['moocore']:.3f} s); memory +{med['extra_mb']:.0f} MB "
              f"(peak {med['peak_mb']:.0f} MB); verdict {res[0]['tunable']}")


if __name__ == "__main__":
    main()
