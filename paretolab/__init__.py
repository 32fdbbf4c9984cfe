"""paretolab: what a weighted sum of losses L0 + alpha*L1 can and cannot reach.

Data flows one way (see ARCHITECTURE.md)::

    problem -> plan -> training -> Runs -> reference front -> analysis -> plots / report

The top level holds the names a user needs; everything else lives in its module. The front
utilities (:mod:`paretolab.front`, numpy only) are imported eagerly; the rest on first use, so
that ``import paretolab`` does not import torch or pymoo.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

from paretolab.errors import ParetolabError
from paretolab.front import (
    ConcaveRegion,
    balanced_point,
    concave_regions,
    coverage,
    critical_alphas,
    hypervolume,
    igd,
    is_nondominated,
    is_supported,
    pareto_front,
    weighted_sum_optimum,
)

try:
    __version__ = version("paretolab")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "Problem": "paretolab.problems",
    "get_problem": "paretolab.problems",
    "Runs": "paretolab.runs",
    "read_runs": "paretolab.sources",
    "reference_front": "paretolab.reference",
    "compare": "paretolab.analysis",
    "analyze": "paretolab.analysis",
}


_SUBMODULES = ("adaptive", "analysis", "basins", "batch", "cli", "errors", "experiments", "front", "mlflow_source",
               "optim", "optuna_source", "plan", "plot", "problems", "progress", "reference", "runner", "runs",
               "scalarize", "sources", "stationarity", "store", "testing", "train", "userfn", "workers")


def __getattr__(name):
    if name in _SUBMODULES:  # paretolab.testing.check_problem works without importing it first
        return import_module(f"paretolab.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paretolab' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def sweep(problem, alphas=None, **options):
    """Sweep alpha (or eps) x seeds on a problem or on your own training function.

    ``problem`` is a problem (a registered name such as ``"fonseca"`` or a
    :class:`~paretolab.problems.Problem`): every run trains at once as one batch, see
    :func:`paretolab.batch.sweep_problem` for its options. Or it is your training function
    ``train(alpha, seed, **config)`` (or ``"package.module:function"``): it is called once per
    run, resumably with a store, see :func:`paretolab.runner.sweep_function` for its options.
    An option of the other kind is refused unless it has its default value, never ignored.
    Both return a :class:`paretolab.runs.Runs`.

    Examples
    --------
    >>> r = sweep("convex", alphas=[0.5, 2.0], seeds=2, steps=1500, progress=False)
    >>> len(r), r.reached().round(2)[0].tolist()
    (4, [0.44, 1.78])
    >>> sweep("convex", alphas=[1.0], store="runs.sqlite")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: store: applies to sweeps of a training function, not to problem 'convex'
    """
    import inspect

    from paretolab.batch import sweep_problem
    from paretolab.runner import sweep_function
    from paretolab.userfn import function_id

    is_function = callable(problem) or (isinstance(problem, str) and ":" in problem)
    run, other = (sweep_function, sweep_problem) if is_function else (sweep_problem, sweep_function)
    accepted = inspect.signature(run).parameters
    theirs = inspect.signature(other).parameters
    for name, value in list(options.items()):
        if name in accepted:
            continue
        if name in theirs:
            default = theirs[name].default
            if value is default or (isinstance(value, (str, bool, int, float)) and value == default
                                    and type(value) is type(default)):
                del options[name]  # the other kind's default: nothing to refuse
                continue
            what = (f"sweeps of a problem, not to the training function "
                    f"{problem if isinstance(problem, str) else function_id(problem)!r}" if is_function else
                    f"sweeps of a training function, not to problem {getattr(problem, 'name', problem)!r}")
            raise ParetolabError(f"{name}: applies to {what}")
        kind = "a training function" if is_function else "a problem"
        raise ParetolabError(f"{name}: not an option of sweep(); the options for {kind} are "
                             f"{sorted(n for n in accepted if n not in ('problem', 'train_fn', 'alphas'))}")
    return run(problem, alphas, **options)


__all__ = [
    "ConcaveRegion",
    "ParetolabError",
    "Problem",
    "Runs",
    "__version__",
    "analyze",
    "balanced_point",
    "compare",
    "concave_regions",
    "coverage",
    "critical_alphas",
    "get_problem",
    "hypervolume",
    "igd",
    "is_nondominated",
    "is_supported",
    "pareto_front",
    "read_runs",
    "reference_front",
    "sweep",
    "weighted_sum_optimum",
]
