"""The errors paretolab raises on purpose: one base class to catch them all by one name.

Every message names the argument (or file) at fault, what was expected and what arrived.
:class:`ParetolabError` is a :class:`ValueError`, so code that catches ``ValueError`` keeps
working; the subclasses say which part of a sweep went wrong.

>>> import paretolab
>>> try:
...     paretolab.pareto_front([[1.0, float("nan")]])
... except paretolab.ParetolabError as exc:
...     print(type(exc).__name__, isinstance(exc, ValueError))
ParetolabError True
"""

from __future__ import annotations

__all__ = ["ExecutorError", "OutputExists", "ParetolabError", "ProblemCheckError", "ReturnValueError", "StoreError",
           "StoreMismatch", "WorkerPoolError", "check_positive"]


class ParetolabError(ValueError):
    """Bad input or a state paretolab cannot work with; the message says what to change."""


class StoreError(ParetolabError, RuntimeError):
    """A results store cannot be opened, read or written (read-only, full disk, not a store,
    corrupted); nothing already stored in it was changed."""


class StoreMismatch(StoreError):
    """The store holds the runs of a different sweep (another function, configuration or plan)."""


class ReturnValueError(ParetolabError, TypeError):
    """A training function returned something that is not a set of losses (or their number
    changed between runs)."""


class ExecutorError(ParetolabError, RuntimeError):
    """An executor (Dask, a process pool) lost a run; the finished runs are stored."""


class WorkerPoolError(ParetolabError, RuntimeError):
    """A worker process could not start (its initializer raised, or the main script cannot be
    imported by a new process), or a pool was used after it was closed."""


class OutputExists(ParetolabError, FileExistsError):
    """An output file exists; paretolab never overwrites what a user has unless told to."""


class ProblemCheckError(ParetolabError):
    """A :class:`paretolab.Problem` breaks the contract checked by
    :func:`paretolab.testing.check_problem`; the message names the check."""


def check_positive(name: str, value, *, integer: bool = False, allow_zero: bool = False):
    """``value`` if it is a finite number (an integer when ``integer``) above 0 (or at least 0
    when ``allow_zero``); otherwise a :class:`ParetolabError` naming ``name``.

    >>> check_positive("steps", 10, integer=True)
    10
    >>> check_positive("lr", -1.0)
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: lr: expected a number > 0, got -1.0
    """
    import math
    import numbers

    if integer:
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    else:
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        kind = "an integer" if integer else "a number"
        raise ParetolabError(f"{name}: expected {kind} {'>=' if allow_zero else '>'} 0, got {value!r}")
    return value
