"""paretolab: what a weighted sum of losses L0 + alpha*L1 can and cannot reach.

The front utilities are re-exported here; see :mod:`paretolab.front`.
"""

from importlib.metadata import PackageNotFoundError, version

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

__all__ = [
    "ConcaveRegion",
    "__version__",
    "balanced_point",
    "concave_regions",
    "coverage",
    "critical_alphas",
    "hypervolume",
    "igd",
    "is_nondominated",
    "is_supported",
    "pareto_front",
    "weighted_sum_optimum",
]
