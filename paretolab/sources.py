"""Where runs come from besides a sweep in this process: one reader, :func:`read_runs`.

A CSV of losses (one run per row) or a results store written by ``paretolab sweep --fn``; both
give the same :class:`paretolab.runs.Runs` record that :func:`paretolab.sweep` returns.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from paretolab.errors import ParetolabError
from paretolab.runs import Runs, choose_columns, existing_file, read_csv
from paretolab.store import Store, is_store

__all__ = ["read_runs"]


def read_runs(path, columns=None) -> Runs:
    """Read runs from a CSV file or a results store, told apart by the file's first bytes.

    Parameters
    ----------
    path : str or path-like
        A CSV with a header line (see :func:`paretolab.runs.read_csv` for its columns) or a
        store (``runs.sqlite``, opened read-only).
    columns : str or sequence, optional
        The objective columns by name or 0-based index (``"L0,L1"``, ``[2, 3]``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "runs.csv"
    >>> _ = p.write_text("alpha,seed,L0,L1\\n0.5,0,0.2,0.9\\n2,0,0.8,0.1\\n")
    >>> r = read_runs(p)
    >>> type(r).__name__, r.alpha.tolist(), r.seed.tolist()
    ('Runs', [0.5, 2.0], [0, 0])
    >>> read_runs("missing.sqlite")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: path: expected an existing CSV file or store, got 'missing.sqlite' (not found)
    """
    path = existing_file(path, "CSV file or store")
    if not is_store(path):
        return read_csv(path, columns)
    with Store(path, readonly=True) as st:
        runs = st.runs()
    if not len(runs):
        raise ParetolabError(f"{path}: the store holds no finished runs yet")
    chosen = choose_columns(list(runs.names), columns, path)
    if chosen == list(range(len(runs.names))):
        return runs
    m = len(chosen)
    weights = np.c_[np.ones(len(runs)), runs.alpha] if m == 2 else np.full((len(runs), m), np.nan)
    return replace(runs, objectives=runs.objectives[:, chosen], names=tuple(runs.names[i] for i in chosen),
                   weights=weights)
