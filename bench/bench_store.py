"""Overhead per run of the results store and the executors, on a no-op training function.

Runs per second of ``paretolab.sweep(noop, ...)`` serially (no store / SQLite store), on
paretolab's worker processes and with Dask (local cluster, threads and processes), next to the
bare executors (a plain loop, ``ProcessPoolExecutor.map``, ``Client.map``) in the same run. Medians of
``--repeat`` timings; ratios against the serial sweep with a store.

    python bench/bench_store.py            # 400 runs x 3 repeats
    python bench/bench_store.py --runs 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from paretolab import sweep  # noqa: E402
from paretolab.runner import default_jobs  # noqa: E402
from paretolab.workers import WorkerPool  # noqa: E402


def noop(alpha, seed):
    return (alpha, float(seed))


def _plan(n):
    seeds = 10
    return dict(alphas=[float(a) for a in range(n // seeds)], seeds=seeds, progress=False)


def _time(fn, repeat):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args(argv)
    n, jobs = args.runs - args.runs % 10, default_jobs()
    tmp = tempfile.mkdtemp()
    counter = iter(range(10**9))

    def fresh():
        return os.path.join(tmp, f"s{next(counter)}.sqlite")

    plan = _plan(n)
    rows = []
    rows.append(("plain loop (no paretolab)", _time(lambda: [noop(float(i), i) for i in range(n)], args.repeat)))
    rows.append(("sweep serial, no store", _time(lambda: sweep(noop, in_process=True, **plan), args.repeat)))
    rows.append(("sweep serial, SQLite store", _time(lambda: sweep(noop, in_process=True, store=fresh(), **plan), args.repeat)))
    path = fresh()
    sweep(noop, in_process=True, store=path, **plan)
    rows.append(("sweep resume, all stored", _time(lambda: sweep(noop, in_process=True, store=path, **plan), args.repeat)))
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(noop, [0.0] * jobs, [0] * jobs))  # warm
        rows.append((f"ProcessPoolExecutor.map x{jobs} (bare)",
                     _time(lambda: list(pool.map(noop, [float(i) for i in range(n)], range(n))), args.repeat)))
        rows.append((f"sweep on that pool x{jobs}, store",
                     _time(lambda: sweep(noop, executor=pool, store=fresh(), **plan), args.repeat)))
    with WorkerPool(jobs) as workers:
        rows.append((f"sweep on one WorkerPool x{jobs}, store",
                     _time(lambda: sweep(noop, executor=workers, store=fresh(), **plan), args.repeat)))
    rows.append((f"sweep jobs={jobs} (new workers each), store",
                 _time(lambda: sweep(noop, jobs=jobs, store=fresh(), **plan), args.repeat)))
    if not args.no_dask:
        try:
            import distributed
        except ImportError:
            print("distributed not installed: no Dask rows", file=sys.stderr)
        else:
            import logging

            logging.getLogger("distributed").setLevel(logging.ERROR)
            for processes in (False, True):
                kind = "processes" if processes else "threads"
                with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=processes,
                                              dashboard_address=None) as cluster, distributed.Client(cluster) as client:
                    client.gather(client.map(noop, [0.0] * jobs, [0] * jobs, pure=False))
                    rows.append((f"Dask Client.map x{jobs} {kind} (bare)",
                                 _time(lambda: client.gather(client.map(noop, [float(i) for i in range(n)], range(n),
                                                                        pure=False)), args.repeat)))
                    ex = client.get_executor()
                    rows.append((f"sweep on Dask x{jobs} {kind}, store",
                                 _time(lambda: sweep(noop, executor=ex, store=fresh(), **plan), args.repeat)))
    ref = dict(rows)["sweep serial, SQLite store"]
    print(f"{n} no-op runs, median of {args.repeat}; {jobs} cores; python {sys.version.split()[0]}")
    print(f"{'':42s} {'runs/s':>10s} {'us/run':>9s} {'vs serial+store':>16s}")
    for name, t in rows:
        print(f"{name:42s} {n / t:10.0f} {t / n * 1e6:9.1f} {ref / t:15.2f}x")


if __name__ == "__main__":
    main()
