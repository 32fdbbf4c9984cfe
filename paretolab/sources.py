"""Where runs come from besides a sweep in this process: one reader, :func:`read_runs`.

A CSV of losses (one run per row), a results store written by ``paretolab sweep --fn``, a pandas
DataFrame, an Optuna study or MLflow runs: each gives the same :class:`paretolab.runs.Runs`
record that :func:`paretolab.sweep` returns. Tables from outside paretolab get their columns'
roles from :func:`paretolab.runs.runs_from_table` (``objectives``, ``alpha``, ``seed``,
``method_column``, ``maximize``); a store knows its own.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from paretolab.errors import ParetolabError
from paretolab.runs import (Runs, Table, csv_table, dataframe_table, existing_file, is_dataframe, objective_columns,
                            runs_from_table)
from paretolab.store import Store, is_store

__all__ = ["read_runs"]

ROLES = ("objectives", "alpha", "seed", "method_column", "maximize")


def read_runs(source, *, study=None, experiment_id=None, tracking_uri=None, **roles) -> Runs:
    """Read runs from a CSV file, a results store, a pandas DataFrame, an Optuna study or MLflow.

    Parameters
    ----------
    source : str, path-like or pandas.DataFrame
        A CSV with a header line or a store (``runs.sqlite``, opened read-only), told apart by
        the file's first bytes; a DataFrame (one run per row); with ``study``, an Optuna storage
        URL (``sqlite:///study.db``) or journal file; ``"mlflow:EXPERIMENT"`` (or ``"mlflow"``
        with ``experiment_id``) for MLflow runs, the tracking URI from ``tracking_uri`` or
        ``MLFLOW_TRACKING_URI``.
    study : str, optional
        The Optuna study's name (says the source is Optuna).
    experiment_id, tracking_uri : str, optional
        MLflow only.
    **roles
        ``objectives``, ``alpha``, ``seed``, ``method_column``, ``maximize``: see
        :func:`paretolab.runs.runs_from_table`. A store knows its objectives (``objectives``
        picks some of them); the other roles are refused there.

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
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ParetolabError(f"{unknown[0]}: not an option of read_runs; the roles of columns are {list(ROLES)}")
    is_mlflow = isinstance(source, str) and (source == "mlflow" or source.startswith("mlflow:"))
    if (experiment_id is not None or tracking_uri is not None) and not is_mlflow:
        raise ParetolabError(f"experiment_id, tracking_uri: apply to MLflow sources ('mlflow:EXPERIMENT'), got "
                             f"{source!r}")
    if study is not None and is_mlflow:
        raise ParetolabError(f"study: applies to Optuna storages, got the MLflow source {source!r}")
    if is_dataframe(source):
        return runs_from_table(dataframe_table(source), **roles)
    if study is not None:
        from paretolab.optuna_source import optuna_table

        return runs_from_table(optuna_table(str(source), study), **roles)
    if is_mlflow:
        from paretolab.mlflow_source import mlflow_table

        name = source.partition(":")[2] or None
        return runs_from_table(mlflow_table(name, experiment_id=experiment_id, tracking_uri=tracking_uri), **roles)
    path = existing_file(source, "CSV file or store")
    if not is_store(path):
        return runs_from_table(csv_table(path), **roles)
    return _store_runs(path, **roles)


def _store_runs(path: str, objectives=None, **roles) -> Runs:
    given = sorted(k for k, v in roles.items() if v not in (None, (), []))
    if given:
        raise ParetolabError(f"{given[0]}: a paretolab store knows the roles of its values; only objectives= picks "
                             f"some of its objectives ({path!r})")
    with Store(path, readonly=True) as st:
        runs = st.runs()
    if not len(runs):
        raise ParetolabError(f"{path}: the store holds no finished runs yet")
    if objectives is None:
        return runs
    names = list(runs.names)
    table = Table({n: runs.objectives[:, j] for j, n in enumerate(names)}, path)
    chosen = [names.index(c) for c in objective_columns(table, objectives)]
    m = len(chosen)
    weights = np.c_[np.ones(len(runs)), runs.alpha] if m == 2 else np.full((len(runs), m), np.nan)
    return replace(runs, objectives=runs.objectives[:, chosen], names=tuple(names[i] for i in chosen),
                   weights=weights)
