"""Runs from an Optuna study, and the next settings back into it.

:func:`optuna_table` reads a study as a :class:`paretolab.runs.Table`, one row per COMPLETE trial
(trials in other states are counted in its ``warnings``), without changing the study: an SQLite
file is opened read-only. The storage is an Optuna storage URL (``sqlite:///study.db``; other
URLs go to Optuna as they are) or the path of a file: an SQLite database or a journal file
(``JournalFileBackend``). The columns are ``trial`` (the trial number); the study's values, named
by its metric names (else ``value`` for one objective, ``value0, value1, ...`` for more), which
are the table's ``objectives`` for a multi-objective study, a maximised value negated and named
``-NAME`` so that every objective is minimised; every trial param (numbers as floats, other
categorical choices as text, NaN or ``""`` where a trial lacks it); and the trials' numeric user
attributes (for a single-objective study these hold the objectives, which the caller names). The
roles are the caller's (:func:`paretolab.runs.runs_from_table`): α and seed are the params
``alpha`` and ``seed`` unless named otherwise. :func:`enqueue` adds trials with fixed params to a
study, so that a tuning loop written with Optuna runs the α values paretolab chooses.
Optuna is imported only when these functions are called (``pip install 'paretolab[optuna]'``).

>>> optuna_table("missing.db", "alpha")
Traceback (most recent call last):
...
paretolab.errors.ParetolabError: storage: expected an Optuna storage URL (sqlite:///study.db) or an existing SQLite or journal file, got 'missing.db' (not found)
"""

from __future__ import annotations

import contextlib
import numbers
import os
import urllib.parse
from collections import Counter

import numpy as np

from paretolab.errors import ParetolabError
from paretolab.runs import Table

__all__ = ["enqueue", "optuna_table"]

SQLITE_MAGIC = b"SQLite format 3\x00"


def _optuna():
    try:
        import optuna
    except ImportError as exc:
        raise ImportError(f"reading an Optuna study needs optuna: pip install 'paretolab[optuna]' ({exc})") from None
    return optuna


@contextlib.contextmanager
def _quiet(optuna):
    """Optuna's INFO messages silenced (through its own logging API), the verbosity restored."""
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(level, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


def _sqlite_file_storage(optuna, path: str, *, write: bool):
    """An RDBStorage on the SQLite file ``path`` that never creates a file or tables (read-only
    unless ``write``)."""
    import sqlite3

    import sqlalchemy.pool

    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + ("?mode=rw" if write else "?mode=ro")

    def connect():
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return optuna.storages.RDBStorage("sqlite://", engine_kwargs={"creator": connect, "poolclass": sqlalchemy.pool.NullPool},
                                      skip_table_creation=True)


def _storage(optuna, storage: str, *, write: bool = False):
    """The Optuna storage that ``storage`` names, opened without creating anything."""
    if not isinstance(storage, (str, os.PathLike)):
        raise ParetolabError(f"storage: expected an Optuna storage URL or file path, got {type(storage).__name__}")
    storage = os.fspath(storage)
    expected = "an Optuna storage URL (sqlite:///study.db) or an existing SQLite or journal file"
    if storage.startswith("sqlite:///") and storage != "sqlite:///:memory:":
        path = storage[len("sqlite:///"):]
        query = "?" in path
        path = path.partition("?")[0]
        if path.startswith("file:"):
            return optuna.storages.RDBStorage(storage, skip_table_creation=True)
        if not os.path.isfile(path):
            raise ParetolabError(f"storage: expected {expected}, got {storage!r} ({path!r} not found; paretolab "
                                 "does not create studies)")
        if query:
            return optuna.storages.RDBStorage(storage, skip_table_creation=True)
        return _sqlite_file_storage(optuna, path, write=write)
    if "://" in storage:
        return optuna.storages.RDBStorage(storage, skip_table_creation=True)
    if os.path.isdir(storage):
        raise ParetolabError(f"storage: expected {expected}, got {storage!r}, which is a directory")
    if not os.path.isfile(storage):
        raise ParetolabError(f"storage: expected {expected}, got {storage!r} (not found)")
    with open(storage, "rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
            return _sqlite_file_storage(optuna, storage, write=write)
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    return JournalStorage(JournalFileBackend(storage))


def _load(optuna, storage: str, study: str, *, write: bool = False):
    """The study ``study`` of ``storage``; a :class:`ParetolabError` when the storage cannot be
    opened or has no such study (naming the studies it has)."""
    if not isinstance(study, str) or not study:
        raise ParetolabError(f"study: expected the name of an Optuna study, got {study!r}")
    try:
        opened = _storage(optuna, storage, write=write)
        names = optuna.study.get_all_study_names(opened)
    except ParetolabError:
        raise
    except Exception as exc:  # any storage Optuna or its database driver cannot open
        raise ParetolabError(f"storage: cannot open {os.fspath(storage)!r} as an Optuna storage{_read_as(storage)}: "
                             f"{_reason(exc)}") from exc
    if study not in names:
        present = ", ".join(repr(n) for n in names) if names else "none"
        raise ParetolabError(f"study: expected the name of a study in {os.fspath(storage)!r}, got {study!r}; "
                             f"studies present: {present}")
    return optuna.load_study(study_name=study, storage=opened)


def _read_as(storage) -> str:
    """How a storage given as a file path was read, for messages."""
    storage = os.fspath(storage)
    if "://" in storage or not os.path.isfile(storage):
        return ""
    with open(storage, "rb") as fh:
        sqlite = fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    return " (read as an SQLite database)" if sqlite else " (read as an Optuna journal file: it is not an SQLite database)"


def _reason(exc: BaseException) -> str:
    """``Type: message`` of ``exc`` and, when it wraps another, of the innermost cause (first lines)."""
    def line(e):
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"

    inner = exc
    for _ in range(20):  # a chain of causes, never a cycle
        if inner.__cause__ is None:
            break
        inner = inner.__cause__
    return line(exc) if inner is exc else f"{line(exc)} (from {line(inner)})"


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def optuna_table(storage: str, study: str) -> Table:
    """The COMPLETE trials of the Optuna study ``study`` in ``storage``, one row each.

    See the module's description for the storages and columns. ``objectives`` are the value
    columns of a multi-objective study (empty for a single-objective one: its objectives are
    user attributes the caller names); ``warnings`` count the trials left out by state and name
    the columns left out because another has their name.

    >>> import optuna, tempfile, os
    >>> db = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "study.db")
    >>> s = optuna.create_study(study_name="toy", storage=db, directions=["minimize", "maximize"])
    >>> s.enqueue_trial({"alpha": 0.5})
    >>> s.optimize(lambda t: (t.suggest_float("alpha", 0.1, 10.0), 2.0), n_trials=1)
    >>> t = optuna_table(db, "toy")
    >>> {k: v.tolist() for k, v in t.columns.items()}, t.objectives
    ({'trial': [0], 'value0': [0.5], '-value1': [-2.0], 'alpha': [0.5]}, ('value0', '-value1'))
    """
    optuna = _optuna()
    with _quiet(optuna):
        loaded = _load(optuna, storage, study)
        trials = loaded.get_trials(deepcopy=False)
        directions = loaded.directions
        metric_names = loaded.metric_names
    state = optuna.trial.TrialState
    complete = [t for t in trials if t.state == state.COMPLETE]
    warnings = []
    left = Counter(t.state.name for t in trials if t.state != state.COMPLETE)
    if left:
        n = sum(left.values())
        counts = ", ".join(f"{c} {name}" for name, c in sorted(left.items(), key=lambda kv: (-kv[1], kv[0])))
        warnings.append(f"{n} trial{'s' if n != 1 else ''} not complete ({counts}) left out")
    if not complete:
        warnings.append(f"no trial of the study {study!r} is complete")

    m = len(directions)
    names = list(metric_names) if metric_names else (["value"] if m == 1 else [f"value{j}" for j in range(m)])
    columns = {"trial": np.array([t.number for t in complete], dtype=np.int64)}
    value_columns = []
    for j, (name, direction) in enumerate(zip(names, directions)):
        sign = -1.0 if direction == optuna.study.StudyDirection.MAXIMIZE else 1.0
        column = f"-{name}" if sign < 0 else name
        if column in columns:
            raise ParetolabError(f"study {study!r}: two value columns named {column!r}; give the study distinct "
                                 "metric names (study.set_metric_names)")
        columns[column] = np.array([sign * float(t.values[j]) for t in complete], dtype=float)
        value_columns.append(column)

    def add(kind: str, name: str, values: list, numeric_only: bool) -> None:
        present = [v for v in values if v is not None]
        numeric = all(_is_number(v) for v in present)
        if numeric_only and not numeric:
            return
        if name in columns:
            warnings.append(f"{kind} {name!r} left out: another column has its name")
            return
        if numeric:
            columns[name] = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        else:
            columns[name] = np.array(["" if v is None else str(v) for v in values], dtype=object)

    missing = object()
    for kind, get, numeric_only in (("param", lambda t: t.params, False), ("user attribute", lambda t: t.user_attrs, True)):
        keys = list(dict.fromkeys(k for t in complete for k in get(t)))
        for k in keys:
            values = [get(t).get(k, missing) for t in complete]
            values = [None if v is missing else v for v in values]
            add(kind, str(k), values, numeric_only)
    source = f"optuna:{os.fspath(storage)}#{study}"
    return Table(columns, source, objectives=tuple(value_columns) if m > 1 else (), warnings=tuple(warnings))


def _plain_param(name, value):
    if isinstance(value, np.generic):
        value = value.item()
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise ParetolabError(f"params: {name!r}: expected a number or text, got {type(value).__name__} {value!r}")
    return value


def enqueue(storage: str, study: str, params: list[dict]) -> int:
    """Enqueue one trial per dict of ``params`` into the study ``study`` in ``storage`` (which must
    exist); returns how many were enqueued.

    Each dict fixes the params of one trial (``{"alpha": 0.3, "seed": 0}``): the study's objective
    gets these values from its ``trial.suggest_*`` calls. A dict whose values some trial of the
    study already has (in any state, including those enqueued by an earlier call) is skipped
    (``enqueue_trial(..., skip_if_exists=True)``); so is a repeat within ``params``.

    >>> enqueue("missing.db", "alpha", [{"alpha": 1.0}])
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: storage: expected an Optuna storage URL (sqlite:///study.db) or an existing SQLite or journal file, got 'missing.db' (not found)
    """
    if isinstance(params, dict) or not all(isinstance(p, dict) for p in params):
        raise ParetolabError(f"params: expected a list of dicts (one per trial), got {params!r}")
    fixed = [{str(k): _plain_param(k, v) for k, v in p.items()} for p in params]
    optuna = _optuna()
    with _quiet(optuna):
        loaded = _load(optuna, storage, study, write=True)
        before = {t.number for t in loaded.get_trials(deepcopy=False)}
        for p in fixed:
            loaded.enqueue_trial(p, skip_if_exists=True)
        added = [t for t in loaded.get_trials(deepcopy=False) if t.number not in before]
    # trials another process added meanwhile (not enqueued here) do not count
    return sum(1 for t in added if t.system_attrs.get("fixed_params") in fixed)
