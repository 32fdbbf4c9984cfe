#!/usr/bin/env python
"""Time the experiments: the full run and the quick run of all of them, and each one alone.

Usage::

    .venv/bin/python bench/bench_run.py            # quick run, then full run (about two minutes)
    .venv/bin/python bench/bench_run.py --quick    # the quick run only
    .venv/bin/python bench/bench_run.py --out DIR  # keep the figures (default: a temporary folder)

Each run starts in a fresh interpreter (``python -c``), so import time (torch, matplotlib,
pymoo) is part of the wall time a user sees; the per-experiment seconds are the records'
own ``seconds`` (run time inside the process). The budget from issue #5: the full run under
two minutes and the quick run in seconds on a 2-core machine; the machine is shared, so
treat differences below ~10-20 % as noise.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHILD = """
import json, sys
from paretolab.experiments import run_experiments
res = run_experiments(None, sys.argv[1], quick=sys.argv[2] == "1", progress=False)
print(json.dumps([[r.name, r.seconds] for r in res]))
"""


def timed_run(out: str, quick: bool) -> tuple[float, list]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, out, "1" if quick else "0"], capture_output=True,
                          text=True, env=env, check=True)
    wall = time.perf_counter() - start
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="time the experiments (full and quick)")
    parser.add_argument("--quick", action="store_true", help="time the quick run only")
    parser.add_argument("--out", default=None, help="folder for the figures (default: temporary)")
    args = parser.parse_args(argv)
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    modes = [True] if args.quick else [True, False]
    for quick in modes:
        with tempfile.TemporaryDirectory() as tmp:
            out = args.out or tmp
            wall, rows = timed_run(out, quick)
        label = "quick" if quick else "full"
        print(f"{label} run of all experiments: {wall:.1f} s wall (fresh interpreter, imports included)")
        for name, seconds in rows:
            print(f"  {name:18s} {seconds:6.2f} s")
        print(f"  {'sum':18s} {sum(s for _, s in rows):6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
