"""Command line: ``paretolab`` and ``python -m paretolab``. Thin calls into the library."""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import paretolab
from paretolab import front as F
from paretolab.errors import OutputExists, ParetolabError


def _demo_fronts() -> dict[str, tuple[str, np.ndarray]]:
    """Analytic fronts for the demo, each sampled at 201 points."""
    t = np.linspace(0.0, np.pi / 2, 201)
    s = np.linspace(-1.0, 1.0, 201)
    return {
        "convex": ("quarter circle bulging towards the origin", np.c_[1 - np.cos(t), 1 - np.sin(t)]),
        "concave": ("quarter circle bulging away from the origin", np.c_[np.sin(t), np.cos(t)]),
        "fonseca": (
            "Fonseca-Fleming: convex end caps around a concave middle",
            np.c_[1 - np.exp(-((s - 1) ** 2)), 1 - np.exp(-((s + 1) ** 2))],
        ),
    }


def demo(out=None) -> int:
    """Print what a weighted sum reaches on a convex, a concave and a mixed front."""
    out = sys.stdout if out is None else out
    for name, (what, points) in _demo_fronts().items():
        front = F.pareto_front(points)
        supported = F.is_supported(front)
        regions = F.concave_regions(front)
        balanced = front[F.balanced_point(front)]
        print(f"{name}: {what}", file=out)
        print(
            f"  {len(front)} front points, {supported.sum()} supported (reachable by some alpha), "
            f"balanced point L0={balanced[0]:.3f} L1={balanced[1]:.3f}",
            file=out,
        )
        if not regions:
            print("  no concave region: every trade-off is reachable by tuning alpha", file=out)
        for r in regions:
            print(
                f"  concave region: points {r.start}..{r.stop - 1}, {r.share:.0%} of the front, "
                f"depth {r.depth:.3f}; a weighted sum jumps from ({r.left[0]:.3f}, {r.left[1]:.3f}) "
                f"to ({r.right[0]:.3f}, {r.right[1]:.3f}) at alpha* = {r.alpha:.4g}",
                file=out,
            )
            for a, b in r.cores:
                print(
                    f"    locally concave core (no alpha, no initialisation reaches it): "
                    f"L0 from {front[a, 0]:.3f} to {front[b - 1, 0]:.3f}",
                    file=out,
                )
        print(file=out)
    return 0


def _output_options(parser: argparse.ArgumentParser, rows: str, what: str) -> None:
    """--out/--force/--json/--no-progress, shared by the commands that compute something."""
    parser.add_argument("--out", help=f"write {rows} to this CSV file")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON instead of a summary")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _refuse_existing_out(args) -> None:
    if args.out and os.path.exists(args.out) and not args.force:
        raise OutputExists(f"--out: {args.out!r} exists; pass --force to overwrite it")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paretolab",
        description="Pareto analysis of combined losses L = L0 + alpha*L1: "
        "which trade-offs a weighted sum can reach, and where it jumps.",
    )
    parser.add_argument("--version", action="version", version=f"paretolab {paretolab.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="concave regions and critical alphas of a convex, a concave and a mixed front"
    )
    commands.add_parser("problems", help="list the registered problems and their fronts")
    sw = commands.add_parser(
        "sweep",
        help="train many runs (alpha x seeds) of a problem and report where each lands",
        description="Train runs of a problem for every alpha (or eps) and seed, batched, and "
        "write one row per run. Alpha specs: log:1e-2:1e2:21 (log grid), lin:0:5:11 (linear "
        "grid), rand:0:5:50 (uniform draws), rand-log:1e-2:1e2:50 (log-uniform draws), "
        "1,2,5 (a list). Random draws are seeded by --grid-seed.",
    )
    target = sw.add_mutually_exclusive_group(required=True)
    target.add_argument("--problem", help="registered problem name (see `paretolab problems`)")
    target.add_argument("--fn", help="your training function as package.module:function: train(objective, seed, "
                        "**config) for any method, or train(alpha, seed, **config) for linear; returns (L0, L1) or "
                        "a mapping; needs --store")
    sw.add_argument("--store", help="with --fn: SQLite results store (created, or resumed: finished runs "
                    "are skipped)")
    sw.add_argument("--jobs", type=int, default=None, help="with --fn: worker processes (default: one per "
                    "core); a run that exits, crashes or times out is recorded as failed and its worker replaced")
    sw.add_argument("--in-process", action="store_true", help="with --fn: run in this process, one at a time "
                    "(no worker to start; not crash-safe: a run that exits or crashes ends the sweep)")
    sw.add_argument("--timeout", type=float, default=None, help="with --fn: seconds a run may take; a run past "
                    "it is killed and recorded as failed (not with --in-process; with --scheduler each run goes to "
                    "a child process of its Dask task)")
    sw.add_argument("--scheduler", help="with --fn: address of a Dask scheduler, e.g. tcp://host:8786")
    sw.add_argument("--retry-failed", action="store_true", help="with --fn: rerun only the failed runs")
    sw.add_argument("--config", help="with --fn: a TOML file of keyword arguments for the function (part of the "
                    "store's identity)")
    sw.add_argument("--alphas", help="alpha spec for linear/chebyshev, e.g. log:1e-2:1e2:21, or auto:LO:HI with "
                    "--budget (alphas placed where the front found so far is thinnest)")
    sw.add_argument("--epsilons", help="eps spec for --method eps (min L0 s.t. L1 = eps), e.g. lin:0.05:0.95:10, "
                    "or auto:LO:HI with --budget")
    sw.add_argument("--budget", type=int, default=None, help="with an auto spec: the runs to make, every seed "
                    "included")
    sw.add_argument("--ideal", help="chebyshev: the ideal point, e.g. 0,0 (default: the problem's front, or the "
                    "smallest losses in the --fn store)")
    sw.add_argument("--damping", type=float, default=None, help="eps: the damping c of MDMM (default 10; with L0 "
                    "scaled by a and L1 by b, scale it by a/b^2)")
    sw.add_argument("--constraint", default=None, help="eps: eq (L1 = eps, default) or le (L1 <= eps)")
    sw.add_argument("--weights", help="for problems with m > 2 objectives: weight vectors, rows "
                    "separated by ';', e.g. '1,0,0;0,1,0;1,1,1'")
    sw.add_argument("--seeds", type=int, default=None, help="number of seeds per alpha (default 8; "
                    "with --fn and an existing store: the stored plan)")
    sw.add_argument("--method", default="linear", help="linear, chebyshev or eps, or several separated by commas "
                    "(default linear)")
    sw.add_argument("--steps", type=int, default=None, help="--problem: optimiser steps (default 2000)")
    sw.add_argument("--lr", type=float, default=None, help="--problem: learning rate (default 0.01)")
    sw.add_argument("--optimizer", default=None, help="--problem: adam or sgd (default adam)")
    sw.add_argument("--n-var", type=int, default=None, help="number of variables, for problems that take it")
    sw.add_argument("--grid-seed", type=int, default=0, help="seed of random alpha draws (default 0)")
    _output_options(sw, "one CSV row per run", "the runs")
    fr = commands.add_parser(
        "front",
        help="the true front of a problem by NSGA-II (pymoo), checked against its analytic front",
        description="Run NSGA-II over the problem's box (the population evaluated in one batched "
        "call) and print the front's size, cost and, when known, its distance to the analytic front.",
    )
    fr.add_argument("--problem", required=True, help="registered problem name (see `paretolab problems`)")
    fr.add_argument("--n-var", type=int, default=None, help="number of variables, for problems that take it")
    fr.add_argument("--pop", type=int, default=100, help="population size (default 100)")
    fr.add_argument("--gens", type=int, default=1500, help="largest number of generations (default 1500)")
    fr.add_argument("--seed", type=int, default=0, help="NSGA-II seed (default 0)")
    _output_options(fr, "the front (objectives, parameters, source)", "the front")
    an = commands.add_parser(
        "analyze",
        help="the verdict on your runs: a CSV, a store, an Optuna study or MLflow runs",
        description="Read runs (final losses, one run per row) and report the front, which points a "
        "weighted sum reaches, the gaps and concave regions with their critical alpha, the jumps "
        "and where seeds disagree, and the balanced point. Sources: CSV files, results stores, "
        "an Optuna storage with --study, or mlflow:EXPERIMENT (or mlflow --experiment-id ID).",
    )
    _source_options(an)
    an.add_argument("--json", action="store_true", help="print the analysis as JSON")
    an.add_argument("--runs", action="store_true", help="with --json: also the per-run arrays and the seeds of "
                    "each outcome")
    an.add_argument("--target", type=float, help="suggest a setting for the target L1 <= TARGET (default: the "
                    "balanced trade-off)")
    an.add_argument("--plot", help="write the front figure (and, with an alpha column, L0 and L1 against "
                    "alpha) to this file; .png, .svg or .pdf")
    nx = commands.add_parser(
        "next",
        help="the alphas (or eps) to run next on runs you have, for your own tuning loop",
        description="Where an auto plan would place the next runs on these runs (any source, as for "
        "analyze): the widest stretch of the front not reached yet, at the slope of the chord across it. "
        "Prints them, writes them as a JSON plan (--out), or enqueues them into the Optuna study read "
        "(--enqueue, with --study): paretolab chooses, your loop runs them.",
    )
    _source_options(nx)
    nx.add_argument("--count", type=int, required=True, help="how many values (each for every seed of the runs)")
    nx.add_argument("--method", help="linear, chebyshev or eps (default: linear when the runs have it)")
    nx.add_argument("--out", help="write the plan as JSON to this new file")
    nx.add_argument("--enqueue", action="store_true", help="with --study: enqueue the values as trials, with the "
                    "param names of --alpha and --seed (default alpha, seed)")
    rf = commands.add_parser(
        "refine",
        help="continue a --fn store's sweep where its front is thinnest (an adaptive plan)",
        description="Place up to --budget more runs of the store's function where the front found so far is "
        "thinnest: at the slope of the edge across the widest unreached stretch for alpha (an L1 across it for "
        "eps), stopping where converged runs show a stretch unreachable by alpha. Uses the store's seeds, "
        "settings and range of values; a killed refine resumes.",
    )
    rf.add_argument("store", help="a results store written by paretolab sweep --fn")
    rf.add_argument("--budget", type=int, required=True, help="runs to add, every seed included")
    rf.add_argument("--method", help="linear, chebyshev or eps (default: linear if the store has it)")
    rf.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    rf.add_argument("--in-process", action="store_true", help="run in this process (not crash-safe)")
    rf.add_argument("--timeout", type=float, default=None, help="seconds a run may take (not with --in-process)")
    rf.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786")
    rf.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    rn = commands.add_parser(
        "run",
        help="run the experiments (all by default): figures, a text and JSON report, the verdicts",
        description="Run the named experiments (all by default; see `paretolab run --list`), write "
        "their figures and report.txt / report.json to --out, and print each verdict. An existing, "
        "non-empty --out folder is never overwritten: a new timestamped folder next to it is used "
        "instead, and its name is printed.",
    )
    rn.add_argument("names", nargs="*", metavar="NAME", help="experiments to run (default: all)")
    rn.add_argument("--out", default="paretolab-results", help="output folder (default paretolab-results)")
    rn.add_argument("--quick", action="store_true", help="small budgets: a smoke run in seconds")
    rn.add_argument("--list", action="store_true", help="list the experiments and their questions")
    rn.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


def fresh_folder(path: str) -> tuple[str, bool]:
    """``path`` if it is missing or empty, else a new sibling ``path-YYYYmmdd-HHMMSS[-k]``.

    Returns the folder to write to (created) and whether it differs from ``path``.
    """
    import time

    if not os.path.exists(path) or (os.path.isdir(path) and not os.listdir(path)):
        os.makedirs(path, exist_ok=True)
        return path, False
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate, k = f"{path.rstrip(os.sep)}-{stamp}", 1
    while os.path.exists(candidate):
        k += 1
        candidate = f"{path.rstrip(os.sep)}-{stamp}-{k}"
    os.makedirs(candidate)
    return candidate, True


def run_command(args, out=None, err=None) -> int:
    """Run ``paretolab run``; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    import json

    from paretolab import experiments

    if args.list:
        for name in experiments.names():
            d = experiments.describe(name)
            print(f"{name:18s} {d['title']}\n{'':18s} {d['question']}", file=out)
        return 0
    unknown = [n for n in args.names if n not in experiments.names()]
    if unknown:
        print(f"paretolab run: error: unknown experiment(s) {unknown}; expected names from "
              f"{experiments.names()}", file=err)
        return 2
    try:
        folder, moved = fresh_folder(args.out)
    except OSError as exc:
        print(f"paretolab run: error: --out: cannot create {args.out!r}: {exc}", file=err)
        return 2
    if moved:
        print(f"note: {args.out} already holds results; writing to {folder} instead", file=err)
    results = experiments.run_experiments(args.names or None, folder, quick=args.quick,
                                          progress=not args.no_progress)
    text = experiments.format_report(results)
    with open(os.path.join(folder, "report.txt"), "w") as fh:
        fh.write(text + "\n")
    with open(os.path.join(folder, "report.json"), "w") as fh:
        json.dump([r.to_dict() for r in results], fh, indent=1)
    for r in results:
        print(f"{r.name}: {r.verdict}", file=out)
    print(f"figures and report.txt / report.json in {folder}", file=out)
    return 0


def front_command(args, out=None, err=None) -> int:
    """Run ``paretolab front``; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    import json

    from paretolab.problems import get_problem
    from paretolab.reference import reference_front

    try:
        _refuse_existing_out(args)
        problem = get_problem(args.problem, **({"n_var": args.n_var} if args.n_var is not None else {}))
        ref = reference_front(problem, pop_size=args.pop, n_gen=args.gens, seed=args.seed,
                              progress=False if args.no_progress else None)
    except (ValueError, FileExistsError) as exc:
        print(f"paretolab front: error: {exc}", file=err)
        return 2
    if args.out:
        _write_front_csv(args.out, ref, problem)
    if args.json:
        json.dump(ref.to_dict(), out)
        print(file=out)
        return 0
    print(f"{problem.name}: {len(ref)} front points after {ref.generations} generations, "
          f"{ref.evaluations} evaluations, {ref.seconds:.2f} s (stopped: {ref.stopped})", file=out)
    true = problem.true_front(20001)
    if true is not None and true.shape[1] == ref.points.shape[1]:
        lo, span = F.extent(true)
        found, exact = (ref.points - lo) / span, (true - lo) / span
        # GD is the IGD with the roles swapped: mean distance of each found point to the front
        print(f"  against the analytic front (objectives scaled to its extent): GD {F.igd(exact, reference=found):.2e}, "
              f"IGD {F.igd(found, reference=exact):.2e}", file=out)
    if ref.points.shape[1] == 2:
        for r in F.concave_regions(ref.points):
            print(f"  concave region: L0 from {r.left[0]:.4g} to {r.right[0]:.4g} ({r.share:.0%} of the front, "
                  f"depth {r.depth:.3f}), a weighted sum jumps at alpha* = {r.alpha:.4g}", file=out)
    if args.out:
        print(f"wrote {len(ref)} rows to {args.out}", file=out)
    return 0


def _write_front_csv(path: str, ref, problem) -> None:
    import csv

    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f"L{j}" for j in range(ref.points.shape[1])]
                   + [f"x{j}" for j in range(ref.params.shape[1])] + ["source"])
        for p, x, s in zip(ref.points, ref.params, ref.source):
            w.writerow([repr(float(v)) for v in p] + [repr(float(v)) for v in x] + [s])


def analyze_command(args, out=None, err=None) -> int:
    """Run ``paretolab analyze``; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    from paretolab.analysis import analyze

    try:
        if args.runs and not args.json:
            raise ParetolabError("--runs: applies to the JSON report; add --json")
        plot = None
        if args.plot:  # checked before any work, as the file it will be
            from paretolab.plot import figure_path

            plot = figure_path(args.plot, name="--plot")
            if os.path.exists(plot):
                raise ParetolabError(f"--plot: {plot!r} exists; choose a new file name")
        runs = _read_sources(args)
        report = analyze(runs, target=args.target)
    except (ValueError, ImportError) as exc:  # ImportError: the extra a source needs
        print(f"paretolab analyze: error: {exc}", file=err)
        return 2
    if plot is not None:
        _plot_analysis(report, plot)
    if args.json:
        import json

        json.dump({**report.to_dict(runs=args.runs), "failures": runs.failures()}, out)
        print(file=out)
        return 0
    print(report, file=out)
    failures = runs.failures()
    for f in failures[:5]:
        print(f"failed run: alpha={f['alpha']:.4g} seed={f['seed']}: {f['error']}", file=out)
    if len(failures) > 5:
        print(f"... {len(failures) - 5} more failed runs", file=out)
    return 0


def refine_command(args, out=None, err=None) -> int:
    """Run ``paretolab refine``; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    from paretolab.runner import make_executor, refine

    try:
        _say_stored(args.store, err)
        with make_executor(jobs=args.jobs, scheduler=args.scheduler, in_process=args.in_process) as executor:
            runs = refine(args.store, args.budget, method=args.method, executor=executor, timeout=args.timeout,
                          progress=False if args.no_progress else None)
    except (ValueError, TypeError, RuntimeError) as exc:
        print(f"paretolab refine: error: {exc}", file=err)
        return 2
    placed = runs.extra.get("placed", np.full(len(runs), "", dtype=object))
    reasons = {}
    for p in placed:
        if p:
            reasons[p] = reasons.get(p, 0) + 1
    print(f"{args.store}: {len(runs)} runs, {sum(reasons.values())} placed by adaptive plans:", file=out)
    for reason, n in reasons.items():
        print(f"  {n} run(s): {reason}", file=out)
    print(f"next: paretolab analyze {args.store}", file=out)
    return 0


def _source_options(parser) -> None:
    """Where runs are read from and the roles of their columns (analyze, next)."""
    parser.add_argument("file", nargs="+", help="CSV files with a header line, results stores (runs.sqlite), an "
                        "Optuna storage URL or journal file (with --study), or mlflow:EXPERIMENT; several with the "
                        "same objectives are merged")
    parser.add_argument("--objectives", help="the objective columns, e.g. L0,L1 (default: L0, L1, ... if present, "
                        "else exactly two numeric columns besides alpha, seed, ...; an error lists them otherwise)")
    parser.add_argument("--alpha", help="the column (or Optuna/MLflow param) of alpha (default: alpha)")
    parser.add_argument("--seed", help="the column (or param) of the seed (default: seed)")
    parser.add_argument("--method-column", help="the column of the method (default: a column named method)")
    parser.add_argument("--maximize", action="append", default=[], help="an objective that was maximised "
                        "(negated, named -COL); repeat for several")
    parser.add_argument("--study", help="the Optuna study's name: FILE is then its storage URL "
                        "(sqlite:///study.db) or journal file")
    parser.add_argument("--experiment-id", help="MLflow: the experiment's id (with the source mlflow)")
    parser.add_argument("--tracking-uri", help="MLflow: the tracking URI (default: $MLFLOW_TRACKING_URI)")


def _read_sources(args):
    from paretolab.runs import concat_runs
    from paretolab.sources import read_runs

    roles = {"objectives": args.objectives, "alpha": args.alpha, "seed": args.seed,
             "method_column": args.method_column, "maximize": args.maximize}
    where = {"study": args.study, "experiment_id": args.experiment_id, "tracking_uri": args.tracking_uri}
    return concat_runs([read_runs(f, **where, **roles) for f in args.file])


def next_command(args, out=None, err=None) -> int:
    """Run ``paretolab next``; returns the exit status."""
    import json

    from paretolab.adaptive import next_values

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        if args.enqueue and not args.study:
            raise ParetolabError("--enqueue: enqueues into an Optuna study; give the study with --study")
        if args.out and os.path.exists(args.out):
            raise ParetolabError(f"--out: {args.out!r} exists; choose a new file name")
        runs = _read_sources(args)
        method, proposals = next_values(runs, args.count, method=args.method)
    except (ValueError, ImportError) as exc:
        print(f"paretolab next: error: {exc}", file=err)
        return 2
    values = [p.value for p in proposals if p.value is not None]
    seeds = sorted(set(runs.seed.tolist())) if runs.seed is not None else []
    plan = {"method": method, "values": values, "seeds": seeds,
            "reasons": [p.reason for p in proposals if p.value is not None],
            "findings": [p.reason for p in proposals if p.value is None]}
    for note in runs.notes:  # what reading the source left out
        print(f"note: {note}", file=err)
    for p in proposals:
        print(f"{method} {p.value:.6g}: {p.reason}" if p.value is not None else f"no more runs: {p.reason}", file=out)
    if args.out:
        with open(args.out, "x") as fh:
            json.dump(plan, fh, indent=1)
        print(f"plan: {args.out}", file=out)
    if args.enqueue:
        from paretolab.optuna_source import enqueue

        name = {"eps": "epsilon"}.get(method, args.alpha or "alpha")
        params = [{name: v, **({args.seed or "seed": s} if seeds else {})} for v in values for s in (seeds or [None])]
        n = enqueue(args.file[0], args.study, params)
        print(f"enqueued {n} trial(s) into the study {args.study!r} of {args.file[0]}", file=out)
    return 0


def _plot_analysis(report, path: str) -> None:
    """The front of a user's runs with the runs on it, and L0, L1 against alpha when known."""
    from paretolab.plot import new_figure, plot_alpha_response, plot_front, save

    with_alpha = bool(np.isfinite(report.runs.alpha).any())
    fig, axes = new_figure(2 if with_alpha else 1, width=5.2, height=4.2)
    plot_front(report, ax=axes[0], labels=report.names[:2], title="your runs and their front",
               front_label="empirical front", runs=with_alpha)
    if with_alpha:
        plot_alpha_response(report, ax=axes[1],
                            labels=report.names[:2], title="final losses against alpha (one marker per seed)")
    save(fig, path)


def problems_command(out=None) -> int:
    """Print the registered problems: name, variables, objectives, front."""
    out = sys.stdout if out is None else out
    from paretolab.problems import get_problem, problem_names

    for name in problem_names():
        p = get_problem(name)
        front = "analytic front" if p.front is not None else "front unknown"
        print(f"{name:15s} n_var={p.n_var:<3d} n_obj={p.n_obj}  {front:14s}  {p.description}", file=out)
    return 0


def _methods(text: str) -> list[str]:
    return [m.strip() for m in str(text).split(",") if m.strip()]


def _ideal(text):
    if text is None:
        return None
    try:
        return [float(v) for v in str(text).split(",")]
    except ValueError:
        raise ParetolabError(f"--ideal: expected numbers separated by commas, e.g. 0,0, got {text!r}") from None


def _config(path):
    """Keyword arguments of the function from a TOML file (--config)."""
    if path is None:
        return None
    import tomllib

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ParetolabError(f"--config: expected a TOML file, got {path!r} (not found)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParetolabError(f"--config: {path!r} is not valid TOML: {exc}") from None


def _say_stored(store, err) -> None:
    """On a rerun, say how many runs the store already holds (only the missing ones run)."""
    if store and os.path.isfile(store):
        from paretolab.store import Store

        with Store(store, readonly=True) as st:
            n = st.count()
        print(f"{store}: {n} run(s) already stored; only the missing ones run", file=err)


def _interrupted(args, argv) -> str:
    """What Ctrl-C left: the runs stored so far and the command that resumes."""
    import shlex

    store = getattr(args, "store", None)
    if args.command not in ("sweep", "refine") or not store or not os.path.isfile(store):
        return f"paretolab {args.command}: interrupted"
    from paretolab.store import Store

    try:
        with Store(store, readonly=True) as st:
            n = st.count()
    except Exception as exc:  # noqa: BLE001 - the message must still come out
        return f"paretolab {args.command}: interrupted; the store {store!r} could not be read ({exc})"
    again = shlex.join(["paretolab", *(sys.argv[1:] if argv is None else argv)])
    return (f"paretolab {args.command}: interrupted; {n} run(s) are stored in {store}. The same command resumes "
            f"(finished runs are not repeated):\n  {again}")


def sweep_fn_command(args, out, err) -> int:
    """``paretolab sweep --fn ...``: a user's training function, resumable, on any executor."""
    from paretolab.runner import make_executor, sweep_function

    problem_only = [f"--{k.replace('_', '-')}" for k in ("steps", "lr", "optimizer", "weights", "n_var", "out")
                    if getattr(args, k) is not None]
    try:
        if problem_only:
            raise ParetolabError(f"{', '.join(problem_only)}: options of --problem sweeps (your function trains "
                                 "itself: pass its settings with --config FILE.toml); with --fn the runs go to "
                                 "--store (`paretolab analyze STORE`, or Store.to_csv for a CSV)")
        if not args.store:
            raise ParetolabError("--store: expected a file for the results of --fn runs (e.g. runs.sqlite), got none")
        _say_stored(args.store, err)
        with make_executor(jobs=args.jobs, scheduler=args.scheduler, in_process=args.in_process) as executor:
            result = sweep_function(args.fn, alphas=args.alphas, epsilons=args.epsilons, method=_methods(args.method),
                                    seeds=args.seeds, store=args.store, executor=executor, timeout=args.timeout,
                                    retry_failed=args.retry_failed, config=_config(args.config),
                                    grid_seed=args.grid_seed, budget=args.budget, ideal=_ideal(args.ideal),
                                    damping=args.damping, constraint=args.constraint,
                                    progress=False if args.no_progress else None)
    except (ValueError, TypeError, RuntimeError) as exc:
        print(f"paretolab sweep: error: {exc}", file=err)
        return 2
    if args.json:
        import json

        json.dump(result.to_dict(), out)
        print(file=out)
        return 0
    failed = np.asarray(result.failed, dtype=bool)
    print(f"{args.fn}: {len(result)} runs in {args.store}: {int((~failed & result.converged).sum())} "
          f"converged, {int((~failed & ~result.converged).sum())} not converged, {int(failed.sum())} failed",
          file=out)
    for i in np.flatnonzero(failed)[:5]:
        value = result.epsilon[i] if result.method[i] == "eps" else result.alpha[i]
        print(f"  failed: {result.method[i]} {value:.4g} seed={result.seed[i]}: {result.error[i]}", file=out)
    if failed.sum() > 5:
        print(f"  ... {int(failed.sum()) - 5} more failed runs; --retry-failed reruns them", file=out)
    placed = result.extra.get("placed")
    if placed is not None:
        reasons = {}
        for p in placed:
            if p:
                reasons[p] = reasons.get(p, 0) + 1
        for reason, n in reasons.items():
            print(f"  placed {n} run(s): {reason}", file=out)
    print(f"next: paretolab analyze {args.store}", file=out)
    return 0


def sweep_command(args, out=None, err=None) -> int:
    """Run ``paretolab sweep``; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    import json

    if args.fn is not None:
        return sweep_fn_command(args, out, err)
    fn_only = [f"--{k.replace('_', '-')}" for k in ("store", "jobs", "scheduler", "config", "timeout")
               if getattr(args, k) is not None] + [f"--{k.replace('_', '-')}" for k in ("retry_failed", "in_process")
                                                   if getattr(args, k)]
    if fn_only:
        print(f"paretolab sweep: error: {', '.join(fn_only)}: options of --fn sweeps "
              "(built-in problems train in one batch in this process)", file=err)
        return 2

    from paretolab.batch import sweep_problem

    options = {"n_var": args.n_var} if args.n_var is not None else None
    try:
        _refuse_existing_out(args)
        weights = None
        if args.weights:
            try:
                weights = [[float(v) for v in row.split(",")] for row in args.weights.split(";") if row.strip()]
            except ValueError:
                raise ParetolabError(f"--weights: expected rows of numbers like '1,0,0;0,1,0', got {args.weights!r}") from None
        result = sweep_problem(
            args.problem,
            alphas=args.alphas,
            epsilons=args.epsilons,
            weights=weights,
            seeds=args.seeds,
            method=_methods(args.method),
            steps=2000 if args.steps is None else args.steps,
            lr=1e-2 if args.lr is None else args.lr,
            optimizer=args.optimizer or "adam",
            budget=args.budget,
            ideal=_ideal(args.ideal),
            damping=args.damping,
            constraint=args.constraint,
            grid_seed=args.grid_seed,
            problem_options=options,
            progress=False if args.no_progress else None,
        )
    except (ValueError, FileExistsError) as exc:
        print(f"paretolab sweep: error: {exc}", file=err)
        return 2
    if args.out:
        result.to_csv(args.out, overwrite=args.force)
    if args.json:
        json.dump(result.to_dict(), out)
        print(file=out)
        return 0
    ok = result.converged & ~result.diverged
    print(
        f"{result.source}: {len(result)} runs x {result.training.steps} steps, {int(ok.sum())} converged, "
        f"{int(result.diverged.sum())} diverged",
        file=out,
    )
    from paretolab.analysis import analyze, compare
    from paretolab.problems import get_problem

    front = get_problem(args.problem, **(options or {})).true_front(2001)
    try:
        report = compare(result, front) if front is not None else analyze(result)
    except ValueError as exc:  # no converged run: nothing to place
        print(f"  no report: {exc}", file=out)
        report = None
    if report is not None:
        _print_outcomes(report, args.method, out)
    if args.out:
        print(f"wrote {len(result)} rows to {args.out}", file=out)
    return 0


def _print_outcomes(report, method: str, out) -> None:
    """Per setting: converged/runs, hits and local minima against the analytic front when known,
    and where the runs landed: clusters along the front, never their mean."""
    m = report.front.shape[1]
    known = method == "linear" and m == 2 and not report.empirical
    if known:
        print("global = converged at the weighted-sum optimum of the analytic front; "
              "local = converged elsewhere on the front (a local minimum)", file=out)
    name = "weights" if m > 2 else ("eps" if method == "eps" else "alpha")
    print(f"{name:>10s}  conv/runs  " + ("global  local  " if known else "")
          + "where the runs landed: runs (converged) at the median (" + ", ".join(report.names) + ")", file=out)
    labels, index = np.unique(_labels(report.runs), return_inverse=True)
    count = {k: np.bincount(index, weights=mask, minlength=labels.size) for k, mask in
             (("runs", np.ones(len(index))), ("conv", report.converged), ("global", report.outcome == "global"),
              ("local", report.outcome == "local"))}
    where = {lab: i for i, lab in enumerate(labels)}
    for o in report.outcomes:
        k = where[o.label]
        counts = f"{int(count['global'][k]):6d}  {int(count['local'][k]):5d}  " if known else ""
        clusters = "; ".join(f"{c.runs} ({c.converged}) at ({', '.join(f'{v:.4g}' for v in c.point)})"
                             for c in o.clusters)
        print(f"{o.label.split('=', 1)[1]:>10s}  {int(count['conv'][k]):4d}/{int(count['runs'][k]):<4d}  " + counts
              + clusters, file=out)
    print(f"VERDICT ({report.tunable}): {report.verdict}", file=out)


def _labels(runs) -> np.ndarray:
    """The setting label of each run, as the report's outcomes name it."""
    if runs.objectives.shape[1] > 2:
        return np.array(["w=" + ",".join(f"{v:g}" for v in w) for w in runs.weights])
    values = np.where(runs.method == "eps", runs.epsilon, runs.alpha)
    prefix = np.where(runs.method == "eps", "eps=", "alpha=")
    return np.char.add(prefix, np.char.mod("%.6g", values))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except KeyboardInterrupt:  # Ctrl-C: no traceback; what is stored and how to go on
        print(_interrupted(args, argv), file=sys.stderr)
        return 130


def _dispatch(parser, args) -> int:
    if args.command == "demo":
        return demo()
    if args.command == "problems":
        return problems_command()
    if args.command == "sweep":
        return sweep_command(args)
    if args.command == "run":
        return run_command(args)
    if args.command == "front":
        return front_command(args)
    if args.command == "analyze":
        return analyze_command(args)
    if args.command == "refine":
        return refine_command(args)
    if args.command == "next":
        return next_command(args)
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
