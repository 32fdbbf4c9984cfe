"""Experiments: one module per claim of the seed, each regenerating one figure from fixed seeds.

Every experiment module defines ``NAME``, ``TITLE``, ``QUESTION``, ``EXPECTED`` and
``run(out_dir, *, quick=False) -> ExperimentResult``; this package keeps the registry and
runs them. A result is a small frozen record: the figure(s) written, the numbers behind the
claim (measured in that run, never typed in) and a one-line verdict.

>>> names()[:2]
['convex_vs_concave', 'mixed_front']
>>> run_experiment("nope", ".")
Traceback (most recent call last):
...
paretolab.errors.ParetolabError: name: expected one of ['convex_vs_concave', 'mixed_front', 'model_concavity', 'methods', 'search', 'mlp', 'three_objectives', 'own_model'], got 'nope'
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import replace

from paretolab.errors import ParetolabError
from paretolab.experiments._common import ExperimentResult, format_report

__all__ = ["ExperimentResult", "describe", "format_report", "names", "run_experiment", "run_experiments",
           "script"]

log = logging.getLogger(__name__)

# registry: experiment name -> module (in the order `run` executes them)
_MODULES = {
    "convex_vs_concave": "paretolab.experiments.convex_vs_concave",
    "mixed_front": "paretolab.experiments.mixed_front",
    "model_concavity": "paretolab.experiments.model_concavity",
    "methods": "paretolab.experiments.methods",
    "search": "paretolab.experiments.search",
    "mlp": "paretolab.experiments.mlp",
    "three_objectives": "paretolab.experiments.three_objectives",
    "own_model": "paretolab.experiments.own_model",
}


def names() -> list[str]:
    """Names of the registered experiments, in run order."""
    return list(_MODULES)


def _module(name: str):
    if name not in _MODULES:
        raise ParetolabError(f"name: expected one of {names()}, got {name!r}")
    return importlib.import_module(_MODULES[name])


def describe(name: str) -> dict:
    """``{"name", "title", "question", "expected"}`` of one experiment.

    >>> describe("methods")["title"]
    'What reaches the rest: linear vs Chebyshev vs MDMM'
    """
    mod = _module(name)
    return {"name": name, "title": mod.TITLE, "question": mod.QUESTION, "expected": mod.EXPECTED}


def run_experiment(name: str, out_dir, *, quick: bool = False) -> ExperimentResult:
    """Run one experiment, write its figure(s) into ``out_dir`` and return its record.

    ``quick=True`` is a smoke run (fewer alphas, seeds and steps) that finishes in seconds;
    its numbers are rougher than the full run's. Existing figures of the same name in
    ``out_dir`` are replaced (the caller decides whether a folder may be reused).
    """
    mod = _module(name)
    start = time.perf_counter()
    log.info("experiment %s (%s)", name, "quick" if quick else "full")
    result = mod.run(out_dir, quick=bool(quick))
    seconds = time.perf_counter() - start
    log.info("experiment %s: %.2f s: %s", name, seconds, result.verdict)
    return replace(result, seconds=seconds, quick=bool(quick))


def run_experiments(names=None, out_dir=".", *, quick: bool = False, progress: bool = True) -> list[ExperimentResult]:
    """Run the named experiments (all when ``names`` is None or empty), in registry order given.

    Progress on stderr (tqdm, one step per experiment) when ``progress``. Returns one
    :class:`ExperimentResult` per experiment, in the order asked.
    """
    from tqdm.auto import tqdm

    chosen = list(names) if names else list(_MODULES)
    for n in chosen:
        if n not in _MODULES:
            raise ParetolabError(f"names: expected experiment names from {list(_MODULES)}, got {n!r}")
    results = []
    with tqdm(total=len(chosen), desc="experiments", unit="exp", disable=not progress, leave=False) as bar:
        for n in chosen:
            bar.set_postfix_str(n)
            results.append(run_experiment(n, out_dir, quick=quick))
            bar.update(1)
    return results


def script(path, argv=None) -> int:
    """Command line of the scripts ``experiments/<name>.py``: ``[--quick] [--out DIR]``.

    ``path`` is the script's ``__file__``: its stem names the experiment and the figure goes to
    the ``figures/`` folder beside the script's folder unless ``--out`` says otherwise. Runs the
    experiment (its seeds are fixed inside), prints its numbers and verdict.
    """
    import argparse
    import pathlib
    import sys

    path = pathlib.Path(path).resolve()
    name, default_out = path.stem, path.parent.parent / "figures"
    parser = argparse.ArgumentParser(description=f"Regenerate {name}.png and print the numbers behind its claim.")
    parser.add_argument("--quick", action="store_true", help="smoke run in seconds (rougher numbers)")
    parser.add_argument("--out", default=str(default_out), help=f"folder for the figure (default: {default_out})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    (result,) = run_experiments([name], args.out, quick=args.quick, progress=True)
    print(result)
    print(f"  ({result.seconds:.1f} s{', quick' if result.quick else ''})")
    return 0
