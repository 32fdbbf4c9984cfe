"""Reading a table of losses from a user's own runs (CSV or a sweep's SQLite store) into arrays,
with clear errors."""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass

import numpy as np

from paretolab.errors import ParetolabError

__all__ = ["RunsTable", "read_runs", "read_runs_csv", "read_store"]

_META = ("alpha", "seed", "epsilon", "method", "converged", "diverged", "error", "status")


@dataclass(frozen=True)
class RunsTable:
    """Objective values of a user's runs, with optional alpha and seed columns.

    ``objectives`` ``(n, m)`` holds only finite rows; ``dropped`` counts the rows left out for
    a non-finite or empty objective, ``lines`` gives the file line of every kept row.
    """

    names: tuple[str, ...]
    objectives: np.ndarray
    alpha: np.ndarray | None
    seed: np.ndarray | None
    lines: np.ndarray
    dropped: int
    # from a store (paretolab.store): per kept row, the function's converged flag; the number of
    # failed runs (raised or non-finite; counted in ``dropped`` too) and their alpha, seed, error
    converged: np.ndarray | None = None
    failed: int = 0
    failures: tuple = ()


def _number(text: str, path: str, line: int, column: str) -> float:
    text = text.strip()
    if text == "" or text.lower() in ("nan", "inf", "-inf", "+inf", "none", "null"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ParetolabError(
            f"{path}: line {line}, column {column!r}: expected a number, got {text!r}"
        ) from None


def read_runs_csv(path, columns=None) -> RunsTable:
    """Read objective columns (and ``alpha``/``seed`` when present) from a CSV with a header.

    Parameters
    ----------
    path : str or path-like
    columns : sequence of str or int, optional
        Objective columns by header name or 0-based index. Default: the columns named
        ``L0, L1, ...`` if present, else every column except alpha, seed, epsilon, method,
        converged, diverged.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "runs.csv"
    >>> _ = p.write_text("alpha,seed,L0,L1\\n0.1,0,0.0,1.0\\n1,0,nan,0.5\\n10,0,1.0,0.0\\n")
    >>> t = read_runs_csv(p)
    >>> t.names, t.objectives.tolist(), t.alpha.tolist(), t.dropped
    (('L0', 'L1'), [[0.0, 1.0], [1.0, 0.0]], [0.1, 10.0], 1)
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ParetolabError(f"path: expected an existing CSV file or store, got {path!r} (not found)")
    from paretolab.store import is_store

    if is_store(path):  # a sweep's SQLite store: same table
        return read_store(path, columns)
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ParetolabError(f"{path}: expected a header line, got an empty file") from None
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    chosen = _choose(header, columns, path)
    lower = [h.lower() for h in header]
    alpha_col = lower.index("alpha") if "alpha" in lower else None
    seed_col = lower.index("seed") if "seed" in lower else None
    values, alphas, seeds, lines = [], [], [], []
    for line, row in rows:
        if len(row) != len(header):
            raise ParetolabError(f"{path}: line {line}: expected {len(header)} fields like the header, got {len(row)}")
        values.append([_number(row[i], path, line, header[i]) for i in chosen])
        if alpha_col is not None:
            alphas.append(_number(row[alpha_col], path, line, header[alpha_col]))
        if seed_col is not None:
            seeds.append(_number(row[seed_col], path, line, header[seed_col]))
        lines.append(line)
    obj = np.array(values, dtype=float).reshape(len(values), len(chosen))
    keep = np.isfinite(obj).all(axis=1)
    return RunsTable(
        names=tuple(header[i] for i in chosen),
        objectives=obj[keep],
        alpha=np.array(alphas)[keep] if alpha_col is not None else None,
        seed=np.array(seeds)[keep] if seed_col is not None else None,
        lines=np.array(lines, dtype=int)[keep],
        dropped=int((~keep).sum()),
    )


def _choose(header: list[str], columns, path: str) -> list[int]:
    """Indices of the objective columns; at least two, or a ValueError listing the columns."""
    chosen = _chosen(header, columns, path)
    if len(chosen) < 2:
        raise ParetolabError(
            f"columns: expected at least 2 objective columns, got {[header[i] for i in chosen]} "
            f"(columns present: {header})"
        )
    return chosen


def _chosen(header: list[str], columns, path: str) -> list[int]:
    if columns is None:
        named = [f"L{j}" for j in range(len(header))]
        chosen = [header.index(n) for n in named if n in header]
        if len(chosen) >= 2:
            return chosen
        return [i for i, h in enumerate(header) if h.lower() not in _META]
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    chosen = []
    for c in columns:
        if isinstance(c, (int, np.integer)) or (isinstance(c, str) and c.isdigit() and c not in header):
            i = int(c)
            if not 0 <= i < len(header):
                raise ParetolabError(f"columns: index {i} is out of range; {path} has {len(header)} columns: {header}")
            chosen.append(i)
        elif c in header:
            chosen.append(header.index(c))
        else:
            raise ParetolabError(f"columns: {c!r} is not a column of {path}; columns present: {header}")
    return chosen


def read_runs(path, columns=None) -> RunsTable:
    """Read a user's runs from a CSV (:func:`read_runs_csv`) or a sweep's store (:func:`read_store`),
    told apart by the file's first bytes.

    >>> read_runs("missing.sqlite")
    Traceback (most recent call last):
    ...
    ValueError: path: expected an existing CSV file or store, got 'missing.sqlite' (not found)
    """
    return read_runs_csv(path, columns)


def read_store(path, columns=None) -> RunsTable:
    """Read the runs of a sweep's SQLite store (opened read-only) for analysis.

    ``objectives`` holds the finished, finite runs (unconverged ones included, flagged in
    ``converged``); failed runs are counted in ``failed`` (and ``dropped``) and listed in
    ``failures`` as ``{"alpha", "seed", "error"}``. ``lines`` numbers the kept runs (1-based, in
    alpha then seed order). ``columns`` picks objectives by name (``"L0,L2"``) or index.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from paretolab.sweep import sweep
    >>> def train(alpha, seed):
    ...     return (alpha, 1 / (1 + alpha)) if alpha < 3 else (float("nan"), 0.0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "runs.sqlite"
    >>> _ = sweep(train, alphas=[1, 2, 3], seeds=1, store=path, jobs=1, progress=False)
    >>> t = read_store(path)
    >>> t.objectives.round(3).tolist(), t.alpha.tolist(), t.failed, t.failures[0]["error"]
    ([[1.0, 0.5], [2.0, 0.333]], [1.0, 2.0], 1, 'non-finite objectives [nan, 0.0]')
    """
    from paretolab.store import Store, StoreError

    path = os.fspath(path)
    try:
        with Store(path, readonly=True) as st:
            rows = st.rows()
    except StoreError as exc:
        raise ParetolabError(str(exc)) from None
    if not rows:
        raise ParetolabError(f"{path}: the store holds no finished runs yet")
    m = max(len(r["objectives"]) for r in rows)
    header = [f"L{j}" for j in range(m)]
    chosen = _choose(header, columns, path)
    ok = [not r["failed"] and len(r["objectives"]) == m and all(math.isfinite(v) for v in r["objectives"])
          for r in rows]
    kept = [r for r, k in zip(rows, ok) if k]
    obj = np.array([[r["objectives"][i] for i in chosen] for r in kept], dtype=float).reshape(len(kept), len(chosen))
    failures = tuple({"alpha": r["alpha"], "seed": r["seed"], "error": r["error"]} for r in rows if r["failed"])
    return RunsTable(
        names=tuple(header[i] for i in chosen),
        objectives=obj,
        alpha=np.array([r["alpha"] for r in kept], dtype=float),
        seed=np.array([r["seed"] for r in kept], dtype=float),
        lines=np.array([i + 1 for i, k in enumerate(ok) if k], dtype=int),
        dropped=len(rows) - len(kept),
        converged=np.array([r["converged"] for r in kept], dtype=bool),
        failed=len(failures),
        failures=failures,
    )
