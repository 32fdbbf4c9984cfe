"""paretolab: what a weighted sum of losses L0 + alpha*L1 can and cannot reach.

The front utilities (:mod:`paretolab.front`, numpy only) are imported eagerly. The torch-based
names (problems, scalarisations, training, sweeps) are re-exported lazily, on first access,
so that ``import paretolab`` and ``import paretolab.front`` do not import torch.
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
    "problem_names": "paretolab.problems",
    "register_problem": "paretolab.problems",
    "Scalarizer": "paretolab.scalarize",
    "make_scalarizer": "paretolab.scalarize",
    "TrainResult": "paretolab.train",
    "train": "paretolab.train",
    "SweepResult": "paretolab.sweep",
    "linear_outcomes": "paretolab.sweep",
    "parse_alphas": "paretolab.sweep",
    "sweep": "paretolab.sweep",
    "ReferenceFront": "paretolab.reference",
    "reference_front": "paretolab.reference",
    "merge_fronts": "paretolab.reference",
    "Report": "paretolab.compare",
    "Analysis": "paretolab.compare",
    "analyze": "paretolab.compare",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paretolab' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Analysis",
    "ConcaveRegion",
    "ParetolabError",
    "ReferenceFront",
    "Report",
    "Problem",
    "Scalarizer",
    "SweepResult",
    "TrainResult",
    "__version__",
    "analyze",
    "balanced_point",
    "concave_regions",
    "coverage",
    "critical_alphas",
    "get_problem",
    "hypervolume",
    "igd",
    "is_nondominated",
    "is_supported",
    "linear_outcomes",
    "make_scalarizer",
    "merge_fronts",
    "parse_alphas",
    "pareto_front",
    "problem_names",
    "reference_front",
    "register_problem",
    "sweep",
    "train",
    "weighted_sum_optimum",
]
