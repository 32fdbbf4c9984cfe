"""SQLite results store for sweeps of a user's training function: one row per finished run.

The store is a single SQLite file (stdlib :mod:`sqlite3`, WAL journal). It holds

* ``meta``: the sweep's identity (the function as ``module:qualname``, its keyword
  configuration) and its plan (the alpha values, drawn once for random specs, and the seeds);
* ``runs``: one row per finished run, keyed by a hash of the function's identity, alpha, seed
  and configuration (:func:`run_key`), with the objectives, the converged / failed flags, the
  error text of a failed run and the extra fields the function returned.

Only the driver process writes; workers return their results to it. Each run is recorded in its
own transaction, so a driver killed at any moment (even ``SIGKILL``) leaves every recorded run
intact and the file consistent, and re-running the same sweep runs exactly the missing runs. A
store made by a different sweep (another function or configuration or plan) is refused rather
than mixed (:class:`StoreMismatch`). Durability is that of ``PRAGMA synchronous=NORMAL`` in WAL
mode: a process crash loses nothing that was committed; a power cut may lose the last few
commits, which the next run then simply reruns.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "runs.sqlite"
>>> with Store(path) as st:
...     _ = st.bind({"function": "m:f", "config": {}, "alphas": {"spec": None, "grid_seed": 0,
...              "values": [0.5]}, "seeds": [0]})
...     st.put({"key": run_key("m:f", 0.5, 0, {}), "alpha": 0.5, "seed": 0,
...             "objectives": [1.0, 2.0], "converged": True, "failed": False})
>>> [(r["alpha"], r["objectives"]) for r in open_store(path, readonly=True).rows()]
[(0.5, [1.0, 2.0])]
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from dataclasses import replace
from urllib.parse import quote

import numpy as np

from paretolab.errors import StoreError, StoreMismatch
from paretolab.runs import Runs

__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "free_name",
    "is_store",
    "open_store",
    "run_key",
    "runs_from_rows",
]

SCHEMA_VERSION = 1
_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    key        TEXT PRIMARY KEY,
    alpha      REAL NOT NULL,
    seed       INTEGER NOT NULL,
    objectives TEXT NOT NULL,       -- JSON list (NaN allowed)
    converged  INTEGER NOT NULL,
    failed     INTEGER NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    extra      TEXT NOT NULL DEFAULT '{}',  -- JSON object of the function's extra fields
    elapsed    REAL,                -- seconds spent in the function
    finished   REAL                 -- unix time the driver recorded it
);
"""


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def run_key(function: str, alpha: float, seed: int, config: dict | None = None) -> str:
    """The key of one run: a SHA-256 of the function identity, alpha (exact), seed and config.

    >>> run_key("pkg.mod:train", 0.1, 3) == run_key("pkg.mod:train", 0.1, 3, {})
    True
    >>> run_key("pkg.mod:train", 0.1, 3) == run_key("pkg.mod:train", 0.1, 4)
    False
    """
    text = _canonical({"function": function, "alpha": float(alpha).hex(), "seed": int(seed),
                       "config": config or {}})
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_store(path) -> bool:
    """True if ``path`` is an existing SQLite file (checked by its first 16 bytes)."""
    try:
        with open(os.fspath(path), "rb") as fh:
            return fh.read(16) == _MAGIC
    except OSError:
        return False


def free_name(path) -> str:
    """The first of ``runs-2.sqlite``, ``runs-3.sqlite``, ... beside ``path`` that does not exist.

    >>> free_name("/nonexistent-dir/runs.sqlite")
    '/nonexistent-dir/runs-2.sqlite'
    """
    path = os.fspath(path)
    stem, ext = os.path.splitext(path)
    i = 2
    while os.path.exists(f"{stem}-{i}{ext}"):
        i += 1
    return f"{stem}-{i}{ext}"


def _hint(exc: BaseException) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the file or its directory is read-only"
    if "full" in text:
        return "the disk (or the database size limit) is full"
    if "locked" in text or "busy" in text:
        return "another process holds a write lock on it"
    if "not a database" in text or "malformed" in text:
        return "it is not a paretolab store (SQLite file)"
    if "unable to open" in text:
        return "the file or its directory cannot be opened for writing"
    return "see the SQLite error"


class Store:
    """An open results store. Use :func:`open_store` or ``Store(path)``; close it (or use ``with``).

    Parameters
    ----------
    path : str or path-like
        The SQLite file; created (with its tables) when missing unless ``readonly``.
    readonly : bool
        Open with SQLite's ``mode=ro`` (never writes; for analysis). Falls back to
        ``immutable=1`` when the directory does not allow the WAL side files.
    """

    def __init__(self, path, *, readonly: bool = False):
        self.path = os.fspath(path)
        self.readonly = bool(readonly)
        exists = os.path.exists(self.path)
        if exists and not os.path.isfile(self.path):
            raise StoreError(f"store: expected a file, got {self.path!r} (a directory?)")
        if exists and os.path.getsize(self.path) and not is_store(self.path):
            raise StoreError(f"store: {self.path!r} is not a paretolab store (not an SQLite file); "
                             f"pick another file, e.g. {free_name(self.path)!r}")
        if readonly:
            if not exists:
                raise StoreError(f"store: expected an existing store file, got {self.path!r} (not found)")
            self._conn = self._connect_ro()
        else:
            self._conn = self._connect_rw()
        self._conn.row_factory = sqlite3.Row
        self._check_schema()

    # ---------------------------------------------------------------- connections
    def _connect_ro(self) -> sqlite3.Connection:
        uri = "file:" + quote(os.path.abspath(self.path))
        try:
            conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=30)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError:
            pass
        try:  # a read-only directory cannot hold the WAL's -shm file: read the file as it is
            conn = sqlite3.connect(uri + "?immutable=1", uri=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store: cannot read {self.path!r}: {exc} ({_hint(exc)})") from None

    def _connect_rw(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"could not switch to WAL journal (got {mode!r}); read-only?")
            conn.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and not {"meta", "runs"} <= tables:
                conn.close()
                raise StoreError(
                    f"store: {self.path!r} is an SQLite file of something else (tables {sorted(tables)}), not a "
                    f"paretolab store; it was not changed. Pick another file, e.g. {free_name(self.path)!r}")
            conn.executescript(_SCHEMA)
            return conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"store: cannot open {self.path!r} for writing: {exc} ({_hint(exc)}); nothing in it was "
                f"changed. Fix that, or pick another file, e.g. {free_name(self.path)!r}"
            ) from None

    def close(self) -> None:
        """Close the connection (a writer's last close folds the WAL back into the file)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}{', readonly=True' if self.readonly else ''})"

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying :class:`sqlite3.Connection` (for PRAGMAs and ad-hoc queries)."""
        if self._conn is None:
            raise StoreError(f"store: {self.path!r} is closed")
        return self._conn

    # ---------------------------------------------------------------- meta
    def _check_schema(self) -> None:
        """Refuse a store written by a newer paretolab (its layout may differ from this one's)."""
        if not self._has_tables():
            return
        row = self.connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            return  # a new store, not bound to a sweep yet
        try:
            version = int(row[0])
        except (TypeError, ValueError):
            version = None
        if version is None or version > SCHEMA_VERSION or version < 1:
            self.close()
            raise StoreError(f"store: {self.path!r} has schema version {row[0]!r}; this paretolab reads versions 1 "
                             f"to {SCHEMA_VERSION}. Upgrade paretolab (pip install -U paretolab) to read it; the file "
                             "was not changed")

    def _has_tables(self) -> bool:
        names = {r[0] for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {"meta", "runs"} <= names

    def meta(self) -> dict:
        """The stored sweep description (``{}`` for a new store): function, config, alphas, seeds."""
        if not self._has_tables():
            if self.readonly:
                raise StoreError(f"store: {self.path!r} is an SQLite file but not a paretolab store "
                                 "(no 'runs' table)")
            return {}
        row = self.connection.execute("SELECT value FROM meta WHERE key='sweep'").fetchone()
        return json.loads(row[0]) if row else {}

    def bind(self, sweep: dict) -> dict:
        """Record ``sweep`` as this store's sweep, or check it against the one recorded.

        ``sweep`` has keys ``function`` (``module:qualname``), ``config`` (dict), ``alphas``
        (``{"spec", "grid_seed", "values"}``) and ``seeds`` (list of int). Raises
        :class:`StoreMismatch` (nothing changed) when the store holds a different sweep, and
        :class:`StoreError` when it cannot be written. Returns the recorded description.
        """
        old = self.meta()
        if old:
            diffs = []
            for k, label in (("function", "function"), ("config", "configuration")):
                if _canonical(old.get(k)) != _canonical(sweep.get(k)):
                    diffs.append(f"{label} {old.get(k)!r} (stored) vs {sweep.get(k)!r} (this sweep)")
            old_a, new_a = old.get("alphas", {}), sweep.get("alphas", {})
            if _canonical(old_a.get("values")) != _canonical(new_a.get("values")):
                diffs.append(f"alphas {_short(old_a)} (stored) vs {_short(new_a)} (this sweep)")
            if list(old.get("seeds", [])) != list(sweep.get("seeds", [])):
                diffs.append(f"seeds {_short_list(old.get('seeds', []))} (stored) vs "
                             f"{_short_list(sweep.get('seeds', []))} (this sweep)")
            if diffs:
                raise StoreMismatch(
                    f"store: {self.path!r} holds runs of a different sweep: " + "; ".join(diffs)
                    + f". It was not changed. Use a new file, e.g. store={free_name(self.path)!r} "
                    "(CLI: --store " + free_name(self.path) + "), or rerun with the stored settings."
                )
            self._touch()
            return old
        if self.readonly:
            raise StoreError(f"store: {self.path!r} was opened read-only; a sweep needs to write to it")
        self._write([("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("schema", str(SCHEMA_VERSION))),
                     ("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("sweep", _canonical(sweep)))])
        return sweep

    def _touch(self) -> None:
        """Prove the store is writable before any run starts (fails fast on read-only files)."""
        if self.readonly:
            raise StoreError(f"store: {self.path!r} was opened read-only; a sweep needs to write to it")
        self._write([("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("opened", repr(time.time())))])

    # ---------------------------------------------------------------- runs
    def _write(self, statements) -> None:
        conn = self.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    conn.execute(sql, args)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            try:
                stored = f"The {self.count()} run(s) already stored are intact"
            except StoreError:
                stored = "The runs already stored are intact"
            raise StoreError(
                f"store: could not write to {self.path!r}: {exc} ({_hint(exc)}). {stored}; fix that and rerun "
                "the same sweep to finish the rest"
            ) from None

    def put(self, row: dict, *, replace: bool = False) -> None:
        """Record one finished run in its own transaction.

        ``row`` has ``key, alpha, seed, objectives`` (list of float), ``converged, failed``
        (bool) and optionally ``error`` (str), ``extra`` (dict), ``elapsed`` (s). An existing
        row with the same key is kept unless ``replace`` (used to retry failed runs).
        """
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        values = (
            row["key"], float(row["alpha"]), int(row["seed"]),
            _canonical([float(v) for v in row["objectives"]]),
            int(bool(row["converged"])), int(bool(row["failed"])), str(row.get("error") or ""),
            _canonical(row.get("extra") or {}), row.get("elapsed"), time.time(),
        )
        self._write([(f"{verb} INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)])

    def count(self) -> int:
        """Number of stored runs."""
        try:
            return int(self.connection.execute("SELECT count(*) FROM runs").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store: cannot count the runs of {self.path!r}: {exc} ({_hint(exc)})") from None

    def n_objectives(self) -> int | None:
        """Number of objectives of the stored successful runs (None before the first one)."""
        if not self._has_tables():
            return None
        row = self.connection.execute("SELECT objectives FROM runs WHERE failed = 0 LIMIT 1").fetchone()
        return len(json.loads(row[0])) if row else None

    def status(self) -> dict[str, bool]:
        """``{key: failed}`` for every stored run."""
        if not self._has_tables():
            return {}
        return {r[0]: bool(r[1]) for r in self.connection.execute("SELECT key, failed FROM runs")}

    def rows(self, keys=None) -> list[dict]:
        """Stored runs as dicts (objectives and extra decoded), ordered by alpha then seed.

        With ``keys``, only those runs, in that order (missing keys are skipped).
        """
        if not self._has_tables():
            return []
        out = {}
        for r in self.connection.execute("SELECT * FROM runs ORDER BY alpha, seed"):
            d = dict(r)
            d["objectives"] = json.loads(d["objectives"])
            d["extra"] = json.loads(d["extra"])
            d["converged"], d["failed"] = bool(d["converged"]), bool(d["failed"])
            out[d["key"]] = d
        if keys is None:
            return list(out.values())
        return [out[k] for k in keys if k in out]

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        return str(self.connection.execute("PRAGMA integrity_check").fetchone()[0])

    # ---------------------------------------------------------------- views
    def runs(self, keys=None) -> Runs:
        """The stored runs as a :class:`paretolab.runs.Runs` (alpha, then seed order; with
        ``keys``, those runs in that order). Failed runs have NaN objectives and their error."""
        return runs_from_rows(self.rows(keys), self.meta().get("function", "runs"))

    def to_csv(self, path, *, overwrite: bool = False) -> None:
        """Write the stored runs as CSV (:meth:`paretolab.runs.Runs.to_csv`): ``method, alpha,
        epsilon, seed, L0, L1, ..., converged, diverged, failed, error, elapsed`` and one column
        per extra field."""
        self.runs().to_csv(path, overwrite=overwrite)


def runs_from_rows(rows: list[dict], source: str) -> Runs:
    """A :class:`Runs` from stored rows of a user's function (one per run, in the given order).

    >>> r = runs_from_rows([{"alpha": 0.5, "seed": 0, "objectives": [1.0, 2.0], "converged": True,
    ...                      "failed": False, "extra": {"epochs": 3}}], "m:f")
    >>> r.objectives.tolist(), r.extra["epochs"].tolist(), r.training is None
    ([[1.0, 2.0]], [3.0], True)
    """
    K = len(rows)
    m = max(2, max((len(r["objectives"]) for r in rows), default=2))
    obj = np.full((K, m), np.nan)
    for i, r in enumerate(rows):
        if len(r["objectives"]) == m:
            obj[i] = r["objectives"]
    failed = np.array([r["failed"] for r in rows], dtype=bool)
    extra = {}
    for k in dict.fromkeys(k for r in rows for k in r.get("extra", {})):
        vals = [r.get("extra", {}).get(k) for r in rows]
        if all(v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            extra[k] = np.array([np.nan if v is None else v for v in vals], dtype=float)
        else:
            extra[k] = np.array(["" if v is None else v for v in vals], dtype=object)
    runs = Runs.from_arrays(
        obj, alpha=np.array([r["alpha"] for r in rows], dtype=float),
        seed=np.array([r["seed"] for r in rows], dtype=np.int64),
        converged=np.array([r["converged"] for r in rows], dtype=bool),
        diverged=np.array([r["failed"] and len(r["objectives"]) > 0
                           and not all(math.isfinite(v) for v in r["objectives"]) for r in rows], dtype=bool),
        failed=failed, error=np.array([r.get("error") or "" for r in rows], dtype=object), source=source,
    )
    elapsed = np.array([np.nan if r.get("elapsed") is None else r["elapsed"] for r in rows], dtype=float)
    return replace(runs, elapsed=elapsed, extra=extra, line=np.arange(1, K + 1))


def open_store(path, *, readonly: bool = False) -> Store:
    """Open (or create, unless ``readonly``) a results store; see :class:`Store`."""
    return Store(path, readonly=readonly)


def _short(alphas: dict) -> str:
    spec = alphas.get("spec")
    vals = alphas.get("values") or []
    if spec:
        return f"{spec!r} (grid_seed {alphas.get('grid_seed')}, {len(vals)} values)"
    return _short_list(vals)


def _short_list(vals) -> str:
    vals = list(vals)
    if len(vals) <= 6:
        return str(vals)
    return f"[{', '.join(map(str, vals[:3]))}, ..., {vals[-1]}] ({len(vals)} values)"

