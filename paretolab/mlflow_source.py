"""MLflow runs as a :class:`paretolab.runs.Table`: :func:`mlflow_table` reads the finished runs of
one experiment from a tracking store (the tracking URI named, or ``MLFLOW_TRACKING_URI``; never
MLflow's default ``./mlruns`` unasked), one row per run, with each metric's last logged value, each
param (numbers where every value is one, else text), ``run_id`` and ``run_name``; the other runs
are counted in its warnings, and which columns are objectives, alpha and seed is for the caller
to say (:func:`paretolab.runs.runs_from_table`). MLflow is imported only here, when called
(``pip install 'paretolab[mlflow]'``: ``mlflow-skinny``, plus ``sqlalchemy`` and ``alembic`` for a
``sqlite:///`` tracking URI).

>>> mlflow_table("tuning", experiment_id="1")
Traceback (most recent call last):
...
paretolab.errors.ParetolabError: experiment, experiment_id: expected exactly one of them (an experiment's name or its id), got both ('tuning' and '1')
"""

from __future__ import annotations

import math
import os
from collections import Counter
from contextlib import contextmanager

import numpy as np

from paretolab.errors import ParetolabError
from paretolab.runs import Table

__all__ = ["mlflow_table"]

PAGE_SIZE = 1000
"""Runs asked of the tracking store per page of ``search_runs``."""
SHOWN_EXPERIMENTS = 20
"""At most this many experiment names are listed when the one asked for is not there."""
MISSING = ("", "none", "null", "nan")
"""Param values read as "no value" (NaN) in a column of numbers (MLflow logs ``None`` as "None")."""
INSTALL = "pip install 'paretolab[mlflow]'"
DATABASES = ("sqlite", "postgresql", "mysql", "mssql")
"""Tracking URI schemes of MLflow's database store (SQLAlchemy and Alembic)."""


def mlflow_table(experiment: str | None = None, *, experiment_id: str | None = None,
                 tracking_uri: str | None = None) -> Table:
    """The finished runs of one MLflow experiment as a :class:`~paretolab.runs.Table`, one row
    per run.

    Parameters
    ----------
    experiment : str, optional
        The experiment's name; or give ``experiment_id`` (exactly one of the two).
    experiment_id : str, optional
        The experiment's id.
    tracking_uri : str, optional
        Where the runs are (``sqlite:///mlflow.db``, ``http://host:5000``, ``databricks``...);
        default the environment variable ``MLFLOW_TRACKING_URI``. Without either it is an error:
        MLflow's own default (``./mlruns``) is not read unasked. A ``sqlite:///`` file must
        exist (MLflow would create an empty store). Global MLflow state is not changed.

    Returns
    -------
    Table
        ``columns``: ``run_id`` and ``run_name`` (text), each param (floats when every value
        present is a number, NaN where a run lacks it or logged ``None``; else text, ``""``
        where a run lacks it), each metric (its last logged value, the one at the highest step,
        as floats, NaN where a run lacks it). A name that is both a metric and a param (or is
        ``run_id``/``run_name``) becomes ``metrics.NAME`` and ``params.NAME``. Rows in the order
        the runs started. ``objectives`` is empty: MLflow does not say which metrics were
        minimised, the caller names them. ``warnings`` counts the runs left out by status (only
        ``FINISHED`` runs are read; deleted runs are never searched). ``source`` is
        ``mlflow:NAME`` (``mlflow:id=ID`` when the experiment was given by id).

    Raises
    ------
    ParetolabError
        Neither or both of ``experiment`` and ``experiment_id``; no tracking URI; a
        ``sqlite:///`` file that does not exist; an experiment not in the store (the message
        lists the names present); no finished run; a store MLflow cannot read.
    ImportError
        MLflow (or, for ``sqlite:///``, SQLAlchemy or Alembic) is not installed.
    """
    if (experiment is None) == (experiment_id is None):
        got = "neither" if experiment is None else f"both ({experiment!r} and {experiment_id!r})"
        raise ParetolabError("experiment, experiment_id: expected exactly one of them (an experiment's name or its "
                             f"id), got {got}")
    for arg, value in (("experiment", experiment), ("experiment_id", experiment_id)):
        if value is not None and not (isinstance(value, (str, int)) and not isinstance(value, bool)
                                      and str(value).strip()):
            raise ParetolabError(f"{arg}: expected a non-empty experiment {'name' if arg == 'experiment' else 'id'}, "
                                 f"got {value!r}")
    uri = _tracking_uri(tracking_uri)
    source = f"mlflow:{experiment}" if experiment is not None else f"mlflow:id={experiment_id}"
    try:
        from mlflow.entities import ViewType
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
    except ImportError as exc:
        raise ImportError(f"reading MLflow runs needs MLflow (mlflow-skinny is enough): {INSTALL} ({exc})") from exc
    if uri.partition(":")[0].partition("+")[0].lower() in DATABASES:
        try:  # without them mlflow-skinny knows no database scheme and blames its model registry
            import alembic  # noqa: F401
            import sqlalchemy  # noqa: F401
        except ImportError as exc:
            raise ImportError(f"reading the MLflow tracking store {uri!r} needs sqlalchemy and alembic besides "
                              f"mlflow-skinny ({exc}): {INSTALL}") from exc

    with _mlflow_errors(uri, MlflowException):
        client = MlflowClient(tracking_uri=uri)
        if experiment is not None:
            exp = client.get_experiment_by_name(str(experiment))
        else:
            try:
                exp = client.get_experiment(str(experiment_id))
            except MlflowException as exc:
                if exc.error_code not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                    raise
                exp = None
        if exp is None:
            names = [e.name for e in client.search_experiments(view_type=ViewType.ALL,
                                                               max_results=SHOWN_EXPERIMENTS + 1)]
            shown = names[:SHOWN_EXPERIMENTS] + (["..."] if len(names) > SHOWN_EXPERIMENTS else [])
            arg, value = ("experiment", experiment) if experiment is not None else ("experiment_id", experiment_id)
            raise ParetolabError(f"{arg}: expected an experiment of the MLflow tracking store {uri!r}, got {value!r}; "
                                 f"experiments present: {shown}")
        runs, token = [], None
        while True:
            page = client.search_runs([exp.experiment_id], run_view_type=ViewType.ACTIVE_ONLY, max_results=PAGE_SIZE,
                                      order_by=["attributes.start_time ASC"], page_token=token)
            runs.extend(page)
            token = page.token
            if not token:
                break

    warnings = []
    if exp.lifecycle_stage == "deleted":
        warnings.append(f"experiment {exp.name!r} (id {exp.experiment_id}) is deleted; its runs are read all the same")
    others = Counter(r.info.status for r in runs if r.info.status != "FINISHED")
    if others:
        n = sum(others.values())
        counts = ", ".join(f"{k} {s}" for s, k in sorted(others.items()))
        warnings.append(f"{n} run{'s' if n != 1 else ''} not finished ({counts}) left out")
    finished = [r for r in runs if r.info.status == "FINISHED"]
    if not finished:
        raise ParetolabError(f"{source}: expected finished runs in the MLflow tracking store {uri!r}, got none"
                             + (f" ({'; '.join(warnings)})" if warnings else " (the experiment has no runs)"))
    return Table(_columns(finished, warnings), source, warnings=tuple(warnings))


def _tracking_uri(tracking_uri) -> str:
    """The argument, else ``MLFLOW_TRACKING_URI``; a clear error without either, or for a
    ``sqlite:///`` file that does not exist (MLflow would create an empty store there)."""
    uri = tracking_uri if tracking_uri is not None else os.environ.get("MLFLOW_TRACKING_URI")
    if tracking_uri is not None and not (isinstance(tracking_uri, str) and tracking_uri.strip()):
        raise ParetolabError(f"tracking_uri: expected an MLflow tracking URI such as 'sqlite:///mlflow.db', "
                             f"got {tracking_uri!r}")
    if not uri or not uri.strip():
        raise ParetolabError("tracking_uri: expected an MLflow tracking URI (tracking_uri=, --tracking-uri, or the "
                             "environment variable MLFLOW_TRACKING_URI) such as 'sqlite:///mlflow.db' or "
                             "'http://localhost:5000', got none (MLflow's default ./mlruns is not read unasked)")
    uri = uri.strip()
    if uri.startswith("sqlite:///"):
        path = uri[len("sqlite:///"):].split("?", 1)[0]
        if path and path != ":memory:" and not path.startswith("file:") and not os.path.isfile(path):
            raise ParetolabError(f"tracking_uri: expected an existing MLflow sqlite store, got {uri!r} ("
                                 f"{os.path.abspath(path)!r} " + ("is a directory" if os.path.isdir(path) else
                                                                   "not found") + ")")
    return uri


@contextmanager
def _mlflow_errors(uri: str, mlflow_exception):
    """Errors of MLflow or of the store it reads (SQLAlchemy) as a :class:`ParetolabError` naming
    the tracking URI; a missing SQLAlchemy or Alembic as an ImportError naming the extra."""
    try:
        yield
    except ParetolabError:
        raise
    except ImportError as exc:
        raise ImportError(f"reading the MLflow tracking store {uri!r} needs {exc.name or 'a module'} ({exc}): "
                          f"{INSTALL}") from exc
    except Exception as exc:
        if not (isinstance(exc, mlflow_exception) or type(exc).__module__.startswith("sqlalchemy")):
            raise
        text = str(getattr(exc, "message", None) or exc).strip().splitlines()
        raise ParetolabError(f"tracking_uri: expected an MLflow tracking store MLflow can read, got {uri!r}: "
                             f"{text[0] if text else type(exc).__name__}") from exc


def _columns(runs, warnings) -> dict:
    """``run_id``, ``run_name``, the params and the metrics of ``runs``, one value per run."""
    params = sorted({k for r in runs for k in r.data.params})
    metrics = sorted({k for r in runs for k in r.data.metrics})
    taken = {"run_id", "run_name"}
    clash = (set(params) & set(metrics)) | (taken & (set(params) | set(metrics)))
    for name in sorted(clash):
        kinds = [k for k, names in (("metric", metrics), ("param", params)) if name in names]
        warnings.append(f"{name!r} is " + (" and ".join(f"a {k}" for k in kinds) if len(kinds) > 1 else
                                            f"a {kinds[0]} and a column of every run")
                        + ": read as " + ", ".join(f"{k}s.{name}" for k in kinds))
    columns = {"run_id": np.array([r.info.run_id for r in runs], dtype=object),
               "run_name": np.array([r.info.run_name or "" for r in runs], dtype=object)}
    for name in params:
        values = [r.data.params.get(name) for r in runs]
        columns[f"params.{name}" if name in clash else name] = _param_column(values)
    for name in metrics:
        columns[f"metrics.{name}" if name in clash else name] = np.array(
            [float(r.data.metrics.get(name, math.nan)) for r in runs], dtype=float)
    return columns


def _param_column(values) -> np.ndarray:
    """A param's values (text, ``None`` where a run lacks it) as floats when each one present is
    a number (or says "none"), else as text.

    >>> _param_column(["0.1", None, "1e-3", "None"]).tolist()
    [0.1, nan, 0.001, nan]
    >>> _param_column(["adam", None, "1"]).tolist()
    ['adam', '', '1']
    """
    numbers = []
    for v in values:
        text = "" if v is None else str(v).strip()
        if text.lower() in MISSING:
            numbers.append(math.nan)
            continue
        try:
            numbers.append(float(text))
        except ValueError:
            return np.array(["" if v is None else str(v) for v in values], dtype=object)
    if all(math.isnan(x) for x in numbers) and any(v is not None for v in values):
        return np.array(["" if v is None else str(v) for v in values], dtype=object)  # only "None"s: keep the text
    return np.array(numbers, dtype=float)
