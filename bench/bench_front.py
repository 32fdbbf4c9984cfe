#!/usr/bin/env python
"""Benchmark paretolab's 2-D front utilities against moocore and pymoo.

Usage::

    .venv/bin/python bench/bench_front.py           # full run (n up to 1e6, a few minutes)
    .venv/bin/python bench/bench_front.py --quick   # smoke run (small n, a few seconds)

Part 1 times ``paretolab.is_nondominated`` against ``moocore.is_nondominated`` and pymoo's
first front (``NonDominatedSorting().do(F, only_non_dominated_front=True)``) on several 2-D
data sets, and checks that paretolab's mask is identical to moocore's (default
``keep_weakly=False``, and also with ``keep_weakly=True``).

Part 2 times ``concave_regions(front)`` and ``is_supported(front)`` on sorted 2-D fronts and
compares them with the nondominated filter (paretolab and moocore) on the same points.

Timing: ``time.perf_counter``, one warm-up call per function, then repeats run round-robin
(the functions of one row interleaved, in rotating order, so machine noise hits all of
them alike). Every figure is the median of the repeats; ratios are ratios of medians.
The machine is shared and noisy: treat differences below ~10-20 % as noise.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

import moocore
import paretolab
from paretolab import concave_regions, is_nondominated, is_supported

try:
    import pymoo
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting
except ImportError:  # pragma: no cover - pymoo is optional for this script
    pymoo = None
    NonDominatedSorting = None

PYMOO_LIMIT_S = 20.0
"""Skip pymoo where one call is predicted (or measured) to take longer than this."""


# --------------------------------------------------------------------------- timing
def time_round_robin(funcs: dict, repeats: int) -> dict[str, float]:
    """Median seconds per call of each zero-argument callable (warm-up once, then interleaved)."""
    for f in funcs.values():
        f()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in funcs}
    names = list(funcs)
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            f = funcs[name]
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(ts)) for name, ts in times.items()}


def timed_once(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- data
def shuffled(rng, a):
    return np.ascontiguousarray(a[rng.permutation(a.shape[0])])


def data_uniform(rng, n):
    """Uniform in the unit square: almost every point dominated (front ~ log n points)."""
    return rng.random((n, 2))


def data_near_front(rng, n):
    """Convex front f1 = 1 - sqrt(f0); 5 % of the points pushed slightly behind it. Shuffled."""
    s = rng.random(n)
    pts = np.c_[s, 1.0 - np.sqrt(s)]
    behind = rng.random(n) < 0.05
    pts[behind] += 1e-3 * rng.random((int(behind.sum()), 2))
    return pts


def data_all_nondominated(rng, n):
    """Concave front f1 = 1 - f0^2 with distinct f0: every point nondominated. Shuffled."""
    s = shuffled(rng, np.linspace(0.0, 1.0, n)[:, None])[:, 0]
    return np.c_[s, 1.0 - s**2]


def data_front_dups_ties(rng, n):
    """Front points with f0 on a 1e-3 grid (ties in f0 with different f1), 20 % exact copies.

    Half of the points sit exactly on f1 = 1 - sqrt(f0) (so many exact duplicates on the
    front), the rest are lifted by up to 0.01 (ties in f0, dominated by their grid mate).
    """
    s = np.round(rng.random(n), 3)
    pts = np.c_[s, 1.0 - np.sqrt(s)]
    lift = rng.random(n) < 0.5
    pts[lift, 1] += 0.01 * rng.random(int(lift.sum()))
    copies = rng.integers(0, n, n // 5)
    pts[rng.integers(0, n, n // 5)] = pts[copies]
    return pts


def data_grid(rng, n):
    """Integer values near the line f0 + f1 = k: heavy ties in both objectives, many exact
    duplicates on the front (each front point appears ~n/(3k) times)."""
    k = max(4, int(np.sqrt(n)))
    f0 = rng.integers(0, k, n)
    return np.c_[f0, k - f0 + rng.integers(0, 3, n)].astype(float)


PART1_DATA = [
    ("uniform", "dominated", data_uniform),
    ("near-front", "front-like", data_near_front),
    ("all-nondom", "front-like", data_all_nondominated),
    ("front+dups/ties", "ties", data_front_dups_ties),
    ("int-grid", "ties", data_grid),
]


def front_fonseca_fleming(n):
    s = np.linspace(-1.0, 1.0, n)
    f = np.c_[-np.expm1(-((s - 1.0) ** 2)), -np.expm1(-((s + 1.0) ** 2))]
    return np.ascontiguousarray(f[::-1])  # pareto_front order: f0 increasing


def front_concave_circle(n):
    t = np.linspace(0.0, np.pi / 2, n)
    return np.c_[np.sin(t), np.cos(t)]


def front_convex_circle(n):
    t = np.linspace(0.0, np.pi / 2, n)
    return np.c_[1.0 - np.cos(t), 1.0 - np.sin(t)]


PART2_DATA = [
    ("Fonseca-Fleming", front_fonseca_fleming),
    ("concave 1/4 circle", front_concave_circle),
    ("convex 1/4 circle", front_convex_circle),
]


# --------------------------------------------------------------------------- part 1
def pymoo_first_front_mask(pts):
    idx = NonDominatedSorting().do(pts, only_non_dominated_front=True)
    mask = np.zeros(pts.shape[0], dtype=bool)
    mask[idx] = True
    return mask


def part1(sizes, repeats_for, rng):
    rows = []
    pymoo_last: tuple[int, float] | None = None  # (n, seconds) of the slowest pymoo row so far
    for n in sizes:
        for name, kind, make in PART1_DATA:
            pts = np.ascontiguousarray(make(rng, n), dtype=float)
            # identity checks (outside the timing)
            m_pl = is_nondominated(pts)
            m_mc = np.asarray(moocore.is_nondominated(pts), dtype=bool)
            same = bool(np.array_equal(m_pl, m_mc))
            same_weak = bool(
                np.array_equal(
                    is_nondominated(pts, keep_weakly=True),
                    np.asarray(moocore.is_nondominated(pts, keep_weakly=True), dtype=bool),
                )
            )
            funcs = {
                "paretolab": lambda: is_nondominated(pts),
                "moocore": lambda: moocore.is_nondominated(pts),
            }
            pymoo_note = ""
            pymoo_same = None
            if NonDominatedSorting is None:
                pymoo_note = "pymoo not installed"
            else:
                predicted = None
                if pymoo_last is not None:
                    n0, t0 = pymoo_last
                    predicted = t0 * (n / n0) * 1.3
                if predicted is not None and predicted > PYMOO_LIMIT_S:
                    pymoo_note = f"skipped (predicted {predicted:.0f} s > {PYMOO_LIMIT_S:.0f} s)"
                else:
                    m_py, t_once = timed_once(lambda: pymoo_first_front_mask(pts))
                    m_mcw = np.asarray(moocore.is_nondominated(pts, keep_weakly=True), dtype=bool)
                    pymoo_same = bool(np.array_equal(m_py, m_mcw))
                    if t_once > PYMOO_LIMIT_S:
                        pymoo_note = f"one call {t_once:.0f} s > {PYMOO_LIMIT_S:.0f} s: not repeated"
                        pymoo_last = (n, t_once)
                    else:
                        funcs["pymoo"] = lambda: NonDominatedSorting().do(
                            pts, only_non_dominated_front=True
                        )
            med = time_round_robin(funcs, repeats_for(n))
            if "pymoo" in med and (
                pymoo_last is None or n > pymoo_last[0] or med["pymoo"] > pymoo_last[1]
            ):
                pymoo_last = (n, med["pymoo"])
            rows.append(
                dict(
                    data=name,
                    kind=kind,
                    n=n,
                    front=int(m_mc.sum()),
                    pl=med["paretolab"],
                    mc=med["moocore"],
                    py=med.get("pymoo"),
                    py_note=pymoo_note,
                    same=same,
                    same_weak=same_weak,
                    py_same=pymoo_same,
                    reps=repeats_for(n),
                )
            )
            print(".", end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    return rows


# --------------------------------------------------------------------------- part 2
def part2(n, repeats):
    rows = []
    for name, make in PART2_DATA:
        front = make(n)
        regions = concave_regions(front)
        supported = is_supported(front)
        all_nd = bool(np.asarray(moocore.is_nondominated(front)).all())
        med = time_round_robin(
            {
                "concave_regions": lambda: concave_regions(front),
                "is_supported": lambda: is_supported(front),
                "pl_filter": lambda: is_nondominated(front),
                "mc_filter": lambda: moocore.is_nondominated(front),
            },
            repeats,
        )
        rows.append(
            dict(
                data=name,
                n=n,
                regions=len(regions),
                supported=int(supported.sum()),
                all_nd=all_nd,
                reps=repeats,
                **med,
            )
        )
        print(".", end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    return rows


# --------------------------------------------------------------------------- report
def ms(t):
    return "-" if t is None else f"{1e3 * t:10.2f}"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:7.3f}"


def yn(v):
    return "-" if v is None else ("yes" if v else "NO")


def print_part1(rows):
    print("PART 1  2-D nondominated filter (median ms per call; ratio < 1 means faster than moocore)")
    hdr = (
        f"{'data':<16} {'n':>8} {'#front':>8} {'reps':>4} {'paretolab':>10} {'moocore':>10} "
        f"{'pymoo':>10} {'pl/mc':>7} {'py/mc':>7} {'mask==mc':>8} {'weak==mc':>8} {'py==mc(w)':>9}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(
            f"{r['data']:<16} {r['n']:>8} {r['front']:>8} {r['reps']:>4} {ms(r['pl'])} {ms(r['mc'])} "
            f"{ms(r['py']):>10} {ratio(r['pl'], r['mc'])} {ratio(r['py'], r['mc']):>7} "
            f"{yn(r['same']):>8} {yn(r['same_weak']):>8} {yn(r['py_same']):>9}"
            + (f"  pymoo {r['py_note']}" if r["py_note"] else "")
        )
    print(
        "mask==mc: paretolab mask identical to moocore.is_nondominated (keep_weakly=False); "
        "weak==mc: same with keep_weakly=True;\npy==mc(w): pymoo's first front equals moocore "
        "keep_weakly=True (pymoo keeps every copy of a duplicate). pymoo 0.6 computes the first "
        "front\nvia moocore.pareto_rank (all fronts), hence its cost on dominated data."
    )


def print_part2(rows):
    print()
    print("PART 2  supported points / concave regions of a sorted 2-D front vs the filter on the same points")
    hdr = (
        f"{'front':<19} {'n':>8} {'#reg':>4} {'#supp':>8} {'reps':>4} {'concave_reg':>11} "
        f"{'is_supp':>10} {'pl filter':>10} {'mc filter':>10} {'CR/pl':>7} {'CR/mc':>7} "
        f"{'sup/pl':>7} {'sup/mc':>7}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(
            f"{r['data']:<19} {r['n']:>8} {r['regions']:>4} {r['supported']:>8} {r['reps']:>4} "
            f"{ms(r['concave_regions']):>11} {ms(r['is_supported'])} {ms(r['pl_filter'])} "
            f"{ms(r['mc_filter'])} {ratio(r['concave_regions'], r['pl_filter'])} "
            f"{ratio(r['concave_regions'], r['mc_filter'])} {ratio(r['is_supported'], r['pl_filter'])} "
            f"{ratio(r['is_supported'], r['mc_filter'])}"
        )
    print("CR = concave_regions, sup = is_supported; pl/mc filter = paretolab/moocore is_nondominated.")


def print_goals(rows1, rows2):
    print()
    print("GOALS")
    nmax = max(r["n"] for r in rows1)
    lines = []
    fl = [r for r in rows1 if r["kind"] == "front-like"]
    worst = max(fl, key=lambda r: r["pl"] / r["mc"])
    ok_all = all(r["pl"] / r["mc"] <= 0.6 for r in fl)
    fl_max = [r for r in fl if r["n"] == nmax]
    ok_max = all(r["pl"] / r["mc"] <= 0.6 for r in fl_max)
    lines.append(
        f"[{'MET ' if ok_max else 'MISS'}] front-like data (shuffled), paretolab <= 0.6x moocore "
        f"at n={nmax}: "
        + ", ".join(f"{r['data']} {r['pl'] / r['mc']:.2f}x" for r in fl_max)
        + f"; at every n: {'met' if ok_all else 'missed'} (worst "
        f"{worst['pl'] / worst['mc']:.2f}x, {worst['data']} n={worst['n']})"
    )
    lines.append(
        "       sorted fronts (part 2, same points): "
        + ", ".join(f"{r['data']} {r['pl_filter'] / r['mc_filter']:.2f}x" for r in rows2)
    )
    dom = [r for r in rows1 if r["kind"] == "dominated"]
    ok_max = all(r["mc"] / r["pl"] >= 10 for r in dom if r["n"] == nmax)
    lines.append(
        f"[{'MET ' if ok_max else 'MISS'}] mostly dominated data (uniform), paretolab >= 10x "
        f"faster than moocore at n={nmax}; speed-up per n: "
        + ", ".join(f"n={r['n']} {r['mc'] / r['pl']:.1f}x" for r in dom)
    )
    ok = all(r["same"] and r["same_weak"] for r in rows1)
    bad = [f"{r['data']} n={r['n']}" for r in rows1 if not (r["same"] and r["same_weak"])]
    lines.append(
        f"[{'MET ' if ok else 'MISS'}] masks identical to moocore on all {len(rows1)} data sets "
        f"(keep_weakly False and True)" + ("" if ok else f"; differ on: {', '.join(bad)}")
    )
    n2 = rows2[0]["n"]
    ok_pl = all(max(r["concave_regions"], r["is_supported"]) <= 2 * r["pl_filter"] for r in rows2)
    ok_mc = all(max(r["concave_regions"], r["is_supported"]) <= 2 * r["mc_filter"] for r in rows2)
    worst = max(rows2, key=lambda r: max(r["concave_regions"], r["is_supported"]) / r["pl_filter"])
    lines.append(
        f"[{'MET ' if ok_pl else 'MISS'}] n={n2} front: concave_regions and is_supported each < 2x "
        f"the paretolab filter (vs moocore filter: {'met' if ok_mc else 'missed'}); worst "
        f"{max(worst['concave_regions'], worst['is_supported']) / worst['pl_filter']:.1f}x "
        f"({worst['data']})"
    )
    for line in lines:
        print(line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small n, a few seconds (smoke run)")
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.quick:
        sizes, n2 = [10**3, 10**4], 10**5
        repeats_for = lambda n: 5  # noqa: E731
        reps2 = 3
    else:
        sizes, n2 = [10**4, 10**5, 10**6], 10**6
        repeats_for = lambda n: {10**4: 21, 10**5: 11}.get(n, 7)  # noqa: E731
        reps2 = 7
    print(
        f"paretolab {paretolab.__version__}, moocore {moocore.__version__}, "
        f"pymoo {getattr(pymoo, '__version__', 'n/a')}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
        f"mode={'quick' if args.quick else 'full'}, seed={args.seed}"
    )
    sys.stdout.flush()
    t_start = time.perf_counter()
    rows1 = part1(sizes, repeats_for, rng)
    rows2 = part2(n2, reps2)
    print()
    print_part1(rows1)
    print_part2(rows2)
    print_goals(rows1, rows2)
    print(f"\n(total wall time {time.perf_counter() - t_start:.1f} s)")


if __name__ == "__main__":
    main()
