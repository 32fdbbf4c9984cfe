"""Calling a user's training function once: finding it, checking it, reading what it returns.

``train(alpha, seed, **config)`` trains one model with ``L = L0 + alpha * L1`` and returns its
final losses (:func:`parse_return` lists the accepted forms). :func:`run_one` makes one such call
and never raises for the run's own errors: it returns a row for the store. The sweep over many
runs is :mod:`paretolab.runner`; the worker processes it uses are :mod:`paretolab.workers`.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Callable

import numpy as np

from paretolab.errors import ParetolabError, ReturnValueError

__all__ = ["check_methods", "check_signature", "function_id", "load_function", "parse_return", "run_one", "short_repr",
           "takes_objective"]


def load_function(spec: str, *, name: str = "fn") -> Callable:
    """Import ``"package.module:function"`` (or ``"package.module:Class.method"``) and return it.

    Errors name what was tried: the module import (with its own error) or the missing attribute
    (with the public names the module does have).

    >>> load_function("math:hypot")(3, 4)
    5.0
    >>> load_function("math:nope")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: fn: module 'math' (imported from 'math:nope') has no attribute 'nope'; it has acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, comb, ... (60 names)
    """
    import importlib

    if not isinstance(spec, str) or spec.count(":") != 1 or not all(spec.split(":")):
        raise ParetolabError(f"{name}: expected 'package.module:function', got {spec!r}")
    mod_name, qual = (p.strip() for p in spec.split(":"))
    try:
        obj = importlib.import_module(mod_name)
    except Exception as exc:  # noqa: BLE001 - report any import failure with what was tried
        raise ParetolabError(
            f"{name}: could not import module {mod_name!r} (from {spec!r}): {type(exc).__name__}: {exc}. "
            f"Is it installed or on PYTHONPATH (current directory: {os.getcwd()!r})?"
        ) from exc
    for part in qual.split("."):
        if not hasattr(obj, part):
            import difflib

            public = sorted(n for n in dir(obj) if n.isidentifier() and not n.startswith("_"))
            close = difflib.get_close_matches(part, public, n=3)
            shown = ", ".join(public[:10]) + (f", ... ({len(public)} names)" if len(public) > 10 else "")
            hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise ParetolabError(f"{name}: module {mod_name!r} (imported from {spec!r}) has no attribute "
                             f"{qual!r}; {hint}it has {shown or 'no public names'}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ParetolabError(f"{name}: {spec!r} is a {type(obj).__name__}, expected a function train_fn(alpha, seed)")
    return obj


def function_id(fn) -> str:
    """``"module:qualname"`` of a function: its identity in a store's run keys.

    A function defined in a script run as ``__main__`` is named after the script's module when
    it was started with ``python -m``.

    >>> function_id(load_function("math:hypot"))
    'math:hypot'
    """
    mod = getattr(fn, "__module__", None) or type(fn).__module__
    qual = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    if mod == "__main__":
        spec = getattr(sys.modules.get("__main__"), "__spec__", None)
        if spec is not None and getattr(spec, "name", None):
            mod = spec.name
    return f"{mod}:{qual}"


def takes_objective(fn) -> bool:
    """Whether ``fn`` is written ``train(objective, seed, **config)`` (its first parameter is
    named ``objective``): it then gets the run's scalarisation object, for any method; otherwise
    it is the classic ``train(alpha, seed, **config)`` and gets alpha, for weighted sums only.

    >>> takes_objective(lambda objective, seed: None), takes_objective(lambda alpha, seed: None)
    (True, False)
    """
    import inspect

    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0] == "objective"


def check_signature(fn, config: dict) -> None:
    """Refuse, before any run, a function that cannot be called as ``fn(first, seed, **config)``."""
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # builtins without a signature: find out at the first call
    try:
        sig.bind(0.0, 0, **config)
    except TypeError as exc:
        extra = f", **config with keys {sorted(config)}" if config else ""
        raise ParetolabError(
            f"train_fn: expected a function train_fn(alpha, seed{extra}) or train_fn(objective, seed{extra}), got "
            f"{function_id(fn)}{sig} ({exc})"
        ) from None


def check_methods(fn, methods) -> None:
    """A classic ``train(alpha, seed)`` serves the weighted sum only; say how to change it.

    >>> def train(alpha, seed): ...
    >>> check_methods(train, ["linear", "eps"])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: method: 'eps' needs the run's objective, but paretolab.userfn:train takes alpha: write it as train(objective, seed, **config), use `loss = objective(l0, l1)` where it computes `l0 + alpha * l1`, and add `objective.parameters()` to its optimizer
    """
    if takes_objective(fn):
        return
    for m in methods:
        if m != "linear":
            raise ParetolabError(
                f"method: {m!r} needs the run's objective, but {function_id(fn)} takes alpha: write it as "
                "train(objective, seed, **config), use `loss = objective(l0, l1)` where it computes "
                "`l0 + alpha * l1`, and add `objective.parameters()` to its optimizer")


_RETURN_FORMAT = ("expected a sequence of 2 or more numbers (L0, L1, ...), or a mapping "
                  "{'objectives': [L0, L1, ...], 'converged': bool, <extra fields>} or "
                  "{'L0': ..., 'L1': ..., 'converged': bool, <extra fields>}")


def _scalar(v):
    if hasattr(v, "item") and getattr(v, "ndim", getattr(v, "dim", lambda: 0)() if callable(getattr(v, "dim", None)) else 0) == 0:
        try:
            v = v.item()
        except (TypeError, ValueError):
            pass
    return v


def _as_objectives(seq, what):
    try:
        arr = np.array([float(_scalar(v)) for v in seq], dtype=float)
    except (TypeError, ValueError):
        raise ReturnValueError(f"train_fn returned {what}; {_RETURN_FORMAT}") from None
    if arr.size < 2:
        raise ReturnValueError(f"train_fn returned {what} ({arr.size} number(s)); {_RETURN_FORMAT}")
    return arr


def short_repr(value, n: int = 120) -> str:
    text = repr(value)
    return (text[:n] + "...") if len(text) > n else text


def parse_return(value) -> tuple[list, bool, dict]:
    """Read what a training function returned: ``(objectives, converged, extra)``.

    Accepted: a sequence or 1-D array of ``m >= 2`` numbers ``(L0, L1, ...)``; or a mapping
    with either ``"objectives": [L0, L1, ...]`` or keys ``"L0", "L1", ...``, an optional
    ``"converged"`` (default True) and any extra fields (numbers, strings, bools or None),
    which are stored with the run.

    >>> parse_return((0.5, 2.0))
    ([0.5, 2.0], True, {})
    >>> parse_return({"L0": 0.5, "L1": 2.0, "converged": False, "epochs": 30})
    ([0.5, 2.0], False, {'epochs': 30})
    >>> parse_return(0.5)
    Traceback (most recent call last):
    ...
    paretolab.errors.ReturnValueError: train_fn returned 0.5 (float); expected a sequence of 2 or more numbers (L0, L1, ...), or a mapping {'objectives': [L0, L1, ...], 'converged': bool, <extra fields>} or {'L0': ..., 'L1': ..., 'converged': bool, <extra fields>}
    """
    from collections.abc import Mapping

    what = f"{short_repr(value)} ({type(value).__name__})"
    converged, extra = True, {}
    if isinstance(value, Mapping):
        d = dict(value)
        if "objectives" in d:
            raw = d.pop("objectives")
            if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
                raise ReturnValueError(f"train_fn returned objectives={short_repr(raw)}; {_RETURN_FORMAT}")
            obj = _as_objectives(list(raw), what)
        else:
            names = []
            while f"L{len(names)}" in d:
                names.append(f"L{len(names)}")
            if len(names) < 2:
                raise ReturnValueError(f"train_fn returned a mapping with keys {sorted(map(str, d))}; {_RETURN_FORMAT}")
            obj = _as_objectives([d.pop(k) for k in names], what)
        if "converged" in d:
            converged = bool(_scalar(d.pop("converged")))
        for k, v in d.items():
            v = _scalar(v)
            if not (v is None or isinstance(v, (bool, int, float, str))):
                raise ReturnValueError(f"train_fn returned extra field {k!r} = {short_repr(v)} "
                                 f"({type(v).__name__}); extra fields must be numbers, strings, bools or None")
            extra[str(k)] = v
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or getattr(value, "ndim", 1) != 1:
        raise ReturnValueError(f"train_fn returned {what}; {_RETURN_FORMAT}")
    else:
        obj = _as_objectives(list(value), what)
    return obj.tolist(), converged, extra


def run_one(fn, method: str, value: float, seed: int, config: dict, settings: dict | None = None) -> dict:
    """One run of a user's function, in a worker; never raises for the run's own errors.

    A function written ``train(objective, seed, **config)`` gets the scalarisation of ``method``
    at ``value`` for one run (:func:`paretolab.scalarize.make_scalarizer` with ``settings``:
    Chebyshev's ideal point, the eps-constraint's damping); the classic ``train(alpha, seed,
    **config)`` gets ``value`` (a weighted sum). Returns the row to store: method, value, seed,
    objectives, converged, failed, error, extra (with the final ``multiplier`` of an
    eps-constraint), elapsed, and ``bad_return`` when the value returned is not losses.
    """
    import time
    import traceback

    t0 = time.perf_counter()
    out = {"method": method, "value": value, "seed": seed, "objectives": [], "converged": False, "failed": True,
           "error": "", "extra": {}, "bad_return": None}
    objective = None
    try:
        if takes_objective(fn):
            from paretolab.scalarize import make_scalarizer

            objective = make_scalarizer(method, value, 2, **(settings or {}))
            result = fn(objective, seed, **config)
        else:
            result = fn(value, seed, **config)
    except Exception as exc:  # noqa: BLE001 - a run's failure is recorded, not raised
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" (at {tb[-1].filename}:{tb[-1].lineno})" if tb else ""
        out["error"] = f"{type(exc).__name__}: {exc}{where}"
    else:
        try:
            obj, converged, extra = parse_return(result)
        except ReturnValueError as exc:
            out["bad_return"] = str(exc)
        else:
            finite = all(math.isfinite(v) for v in obj)
            if method == "eps" and objective is not None:
                extra.setdefault("multiplier", float(objective.multiplier.detach().reshape(-1)[0]))
            out.update(objectives=obj, converged=converged and finite, failed=not finite, extra=extra,
                       error="" if finite else f"non-finite objectives {obj}")
    out["elapsed"] = time.perf_counter() - t0
    return out
