"""SQLite results store for sweeps of a user's training function: one row per finished run.

The store is a single SQLite file (stdlib :mod:`sqlite3`, WAL journal). It holds

* ``meta``: the store's identity (the function as ``module:qualname`` and its keyword
  configuration), the plans swept into it (method, the values, drawn once for random specs,
  and the seeds), and the Chebyshev ideal point once one was used;
* ``runs``: one row per finished run, keyed by a hash of the function's identity, the method and
  its settings, the value (alpha or eps), the seed and the configuration (:func:`run_key`), with
  the objectives, the converged / failed flags, the error text of a failed run, the extra fields
  the function returned and why the run was placed (``placed``, for adaptive plans).

One store holds the runs of one function and configuration. It grows: a sweep with more seeds,
more values or another method adds exactly its missing runs; a different function or
configuration is refused rather than mixed (:class:`paretolab.errors.StoreMismatch`). Only the
driver process writes; workers return their results to it. Each run is recorded in its own
transaction, so a driver killed at any moment (even ``SIGKILL``) leaves every recorded run
intact and the file consistent, and re-running the same sweep runs exactly the missing runs.
Durability is that of ``PRAGMA synchronous=NORMAL`` in WAL mode: a process crash loses nothing
that was committed; a power cut may lose the last few commits, which the next run then reruns.
Stores written by paretolab before schema 2 (weighted sums only) are read as they are and
migrated to schema 2 in one transaction when opened for writing.

One driver at a time: a store opened for writing holds ``<store>.lock`` (an ``flock`` that dies
with its process, holding its pid), and a second writer is refused with that pid; read-only opens
(analysis) never wait for it. Binding a sweep to a store is one transaction. A damaged or crafted
file (bad pages, invalid or deeply nested JSON) is a :class:`paretolab.errors.StoreError` naming
the file, never a traceback. A read-only store whose directory cannot hold the WAL's ``-shm``
file is read from a temporary copy of the file and its WAL, so no committed run is missed.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "runs.sqlite"
>>> with Store(path) as st:
...     _ = st.bind({"function": "m:f", "config": {}})
...     st.put({"key": run_key("m:f", 0.5, 0, {}), "method": "linear", "value": 0.5, "seed": 0,
...             "objectives": [1.0, 2.0], "converged": True, "failed": False})
>>> [(r["method"], r["value"], r["objectives"]) for r in open_store(path, readonly=True).rows()]
[('linear', 0.5, [1.0, 2.0])]
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import shlex
import shutil
import sqlite3
import tempfile
import time
import weakref
from dataclasses import replace
from urllib.parse import quote

import numpy as np

from paretolab.errors import ParetolabError, StoreError, StoreMismatch
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

SCHEMA_VERSION = 2
_MAGIC = b"SQLite format 3\x00"

_RUNS_TABLE = """runs (
    key        TEXT PRIMARY KEY,
    method     TEXT NOT NULL,       -- linear, chebyshev or eps
    value      REAL NOT NULL,       -- alpha (linear, chebyshev) or eps (eps)
    seed       INTEGER NOT NULL,
    objectives TEXT NOT NULL,       -- JSON list (NaN allowed)
    converged  INTEGER NOT NULL,
    failed     INTEGER NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    extra      TEXT NOT NULL DEFAULT '{}',  -- JSON object of the function's extra fields
    elapsed    REAL,                -- seconds spent in the function
    finished   REAL,                -- unix time the driver recorded it
    placed     TEXT NOT NULL DEFAULT ''     -- why the run was placed (adaptive plans)
)"""
_SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
           f"CREATE TABLE IF NOT EXISTS {_RUNS_TABLE};\n")
_COLUMNS = ("key", "method", "value", "seed", "objectives", "converged", "failed", "error", "extra", "elapsed",
            "finished", "placed")


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def run_key(function: str, value: float, seed: int, config: dict | None = None, *, method: str = "linear",
            settings: dict | None = None) -> str:
    """The key of one run: a SHA-256 of the function identity, the method and its settings, the
    value (alpha or eps, exact), the seed and the config. A weighted-sum run's key leaves out
    the method, as it did before methods were stored, so older stores still match.

    >>> run_key("pkg.mod:train", 0.1, 3) == run_key("pkg.mod:train", 0.1, 3, {})
    True
    >>> run_key("pkg.mod:train", 0.1, 3) == run_key("pkg.mod:train", 0.1, 4)
    False
    >>> run_key("pkg.mod:train", 0.1, 3) == run_key("pkg.mod:train", 0.1, 3, method="eps")
    False
    """
    what = {"function": function, "alpha": float(value).hex(), "seed": int(seed), "config": config or {}}
    if method != "linear":
        what.update(method=method, settings=settings or {})
    return hashlib.sha256(_canonical(what).encode()).hexdigest()[:32]


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


def _is_damage(exc: BaseException) -> bool:
    """True for an SQLite error that means the file's contents are broken (not its access)."""
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "could not decode" in text


def _damaged(path: str, exc: BaseException) -> StoreError:
    """The error for a store whose file or contents are broken: what broke and what to do."""
    return StoreError(f"store: {path!r} is damaged ({exc}): restore a copy or start a new store, e.g. "
                      f"{free_name(path)!r}; `sqlite3 {shlex.quote(path)} .recover` may save its runs")


def _load(text, kind: type, where: str):
    """``json.loads(text)`` that must give a ``kind``; a ValueError saying where otherwise."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"{where}: JSON nested too deeply") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: invalid JSON ({exc})") from None
    if not isinstance(value, kind):
        raise ValueError(f"{where}: expected a JSON {kind.__name__}, got {str(text)[:40]!r}")
    return value


def _holder(fh) -> str:
    """The pid written in a held lock file (its holder writes it just after locking: wait for it)."""
    for _ in range(100):
        fh.seek(0)
        pid = fh.read(20).strip()
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
                return pid
            except PermissionError:
                return pid
            except OSError:
                pass  # the pid of a killed holder, not yet overwritten by the new one
        time.sleep(0.01)
    return pid or "unknown"


def _hint(exc: BaseException) -> str:
    text = str(exc).lower()
    if "no such file" in text:
        return "its directory does not exist"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the file or its directory is read-only"
    if "full" in text:
        return "the disk (or the database size limit) is full"
    if "locked" in text or "busy" in text:
        return "another process holds a write lock on it"
    if _is_damage(exc):
        return "the file is damaged"
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
        Open with SQLite's ``mode=ro`` (never writes, takes no lock; for analysis). When the
        directory does not allow the WAL side files, the file is read as it is (``immutable=1``),
        or, when it has a WAL, from a temporary copy of both.

    Opened for writing, it holds ``<path>.lock`` until closed: a second writer is refused
    (:class:`paretolab.errors.StoreError` naming the holder's pid).
    """

    def __init__(self, path, *, readonly: bool = False):
        self.path = os.fspath(path)
        self.readonly = bool(readonly)
        self._conn = self._lock = self._copy = None
        exists = os.path.exists(self.path)
        if exists and not os.path.isfile(self.path):
            raise StoreError(f"store: expected a file, got {self.path!r} (a directory?)")
        if exists and os.path.getsize(self.path) and not is_store(self.path):
            raise StoreError(f"store: {self.path!r} is not a paretolab store (not an SQLite file); "
                             f"pick another file, e.g. {free_name(self.path)!r}")
        if readonly and not exists:
            raise StoreError(f"store: expected an existing store file, got {self.path!r} (not found)")
        try:
            if readonly:
                self._conn = self._connect_ro()
            else:
                self._lock = self._take_lock()
                self._conn = self._connect_rw()
            self._conn.row_factory = sqlite3.Row
            self._check_schema()
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- connections
    def _connect_ro(self) -> sqlite3.Connection:
        try:
            return _open_ro(self.path, "mode=ro")
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise _damaged(self.path, exc) from None
        wal = self.path + "-wal"
        try:  # a read-only directory cannot hold the WAL's -shm file
            if os.path.isfile(wal) and os.path.getsize(wal) > 0:
                return self._connect_copy(wal)
            return _open_ro(self.path, "immutable=1")  # no WAL: the file as it is is all
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise _damaged(self.path, exc) from None
            raise StoreError(f"store: cannot read {self.path!r}: {exc} ({_hint(exc)})") from None
        except OSError as exc:
            raise StoreError(
                f"store: cannot read the runs in {wal!r}: SQLite needs its -shm file, which the directory does not "
                f"allow, and copying both failed ({exc}). Copy {self.path!r} and its -wal file together into a "
                "writable directory and read the copy, or open the store once for writing (that folds the WAL "
                "into the file)") from None

    def _connect_copy(self, wal: str) -> sqlite3.Connection:
        """Read a store and its WAL from a copy in a temporary directory (removed on close)."""
        tmp = tempfile.mkdtemp(prefix="paretolab-store-")
        self._copy = weakref.finalize(self, shutil.rmtree, tmp, ignore_errors=True)
        copy = os.path.join(tmp, "store.sqlite")
        shutil.copyfile(wal, copy + "-wal")
        shutil.copyfile(self.path, copy)
        return _open_ro(copy, "mode=ro")

    def _take_lock(self):
        """Hold ``<path>.lock`` (an ``flock``, released when this process ends) or refuse."""
        name = self.path + ".lock"
        try:
            while True:
                fh = open(name, "a+")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    pid = _holder(fh)
                    fh.close()
                    raise StoreError(
                        f"store: expected no other driver on {self.path!r}, but pid {pid} holds it (its lock file "
                        f"{name!r}{'; that is this process' if pid == str(os.getpid()) else ''}). Wait for that sweep "
                        f"to finish, or stop it if it is stuck (`kill {pid}`); reading the store (analyze) works "
                        f"meanwhile, and another sweep can use a new file, e.g. {free_name(self.path)!r}") from None
                st = os.fstat(fh.fileno())
                with contextlib.suppress(FileNotFoundError):
                    if os.path.samestat(st, os.stat(name)):
                        break
                fh.close()  # its holder removed it as we opened it: lock the new one
            fh.truncate(0)
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            return fh
        except OSError as exc:
            raise StoreError(
                f"store: cannot open {self.path!r} for writing: cannot create its lock file: {exc} ({_hint(exc)}); "
                f"nothing in it was changed. Fix that, or pick another file, e.g. {free_name(self.path)!r}") from None

    def _connect_rw(self) -> sqlite3.Connection:
        conn = None
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
            _migrate_v1(conn)
            return conn
        except StoreError:
            raise
        except (sqlite3.DatabaseError, ValueError, RecursionError) as exc:
            if conn is not None:
                conn.close()
            if not isinstance(exc, sqlite3.DatabaseError) or _is_damage(exc):
                raise _damaged(self.path, exc) from None
            raise StoreError(
                f"store: cannot open {self.path!r} for writing: {exc} ({_hint(exc)}); nothing in it was "
                f"changed. Fix that, or pick another file, e.g. {free_name(self.path)!r}"
            ) from None

    def close(self) -> None:
        """Close the connection (a writer's last close folds the WAL back into the file) and
        release the store's lock."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._copy is not None:
            self._copy()
        if self._lock is not None:
            with contextlib.suppress(OSError):  # removed while held, so no writer locks a stale file
                os.unlink(self.path + ".lock")
            self._lock.close()
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}{', readonly=True' if self.readonly else ''})"

    @contextlib.contextmanager
    def _reading(self):
        """Turn an SQLite, decode or JSON failure while reading into a StoreError naming the file."""
        try:
            yield
        except ParetolabError:
            raise
        except (sqlite3.DatabaseError, ValueError, TypeError, RecursionError) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and not _is_damage(exc):
                raise StoreError(f"store: cannot read {self.path!r}: {exc} ({_hint(exc)})") from None
            raise _damaged(self.path, exc) from None

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
        with self._reading():
            row = self.connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            return  # a new store, not bound to a sweep yet
        try:
            version = int(row[0])
        except (TypeError, ValueError):
            version = None
        if version is None or version > SCHEMA_VERSION or version < 1:
            raise StoreError(f"store: {self.path!r} has schema version {row[0]!r}; this paretolab reads versions 1 "
                             f"to {SCHEMA_VERSION}. Upgrade paretolab (pip install -U paretolab) to read it; the file "
                             "was not changed")

    def _has_tables(self) -> bool:
        with self._reading():
            names = {r[0] for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {"meta", "runs"} <= names

    def meta(self) -> dict:
        """What the store holds (``{}`` for a new store): ``identity`` (``{"function",
        "config"}``), ``plans`` (list of ``{"method", "spec", "grid_seed", "values", "seeds",
        "settings"}``) and ``ideal`` (the Chebyshev ideal point, once one was used)."""
        if not self._has_tables():
            if self.readonly:
                raise StoreError(f"store: {self.path!r} is an SQLite file but not a paretolab store "
                                 "(no 'runs' table)")
            return {}
        with self._reading():
            rows = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
            if "sweep" in rows:  # schema 1, read as it is
                return _meta_v1(_load(rows["sweep"], dict, "meta 'sweep'"))
            kinds = {"identity": dict, "plans": list, "ideal": list}
            return {k: _load(rows[k], kind, f"meta {k!r}") for k, kind in kinds.items() if k in rows}

    def bind(self, identity: dict) -> dict:
        """Record ``identity`` (``{"function": "module:qualname", "config": {...}}``) as this
        store's, or check it against the one recorded. Raises
        :class:`paretolab.errors.StoreMismatch` (nothing changed) when the store holds another
        function's or configuration's runs, and :class:`paretolab.errors.StoreError` when it
        cannot be written. Returns the store's :meth:`meta`.
        """
        identity = {"function": identity.get("function"), "config": identity.get("config") or {}}
        if self.readonly:
            self._check_identity(self.meta(), identity)
            raise StoreError(f"store: {self.path!r} was opened read-only; a sweep needs to write to it")
        with self._transaction() as conn:  # read, check and write at once: no other binder in between
            old = self.meta()
            self._check_identity(old, identity)
            rows = {"opened": repr(time.time())} if old else \
                {"schema": str(SCHEMA_VERSION), "identity": _canonical(identity), "plans": _canonical([])}
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows.items())
        return self.meta()

    def _check_identity(self, old: dict, identity: dict) -> None:
        """Refuse a sweep of another function or configuration than the store's (if bound)."""
        if not old:
            return
        stored = old.get("identity", {})
        diffs = [f"{label} {stored.get(k)!r} (stored) vs {identity[k]!r} (this sweep)"
                 for k, label in (("function", "function"), ("config", "configuration"))
                 if _canonical(stored.get(k)) != _canonical(identity[k])]
        if diffs:
            raise StoreMismatch(
                f"store: {self.path!r} holds runs of another function or configuration: " + "; ".join(diffs)
                + f". It was not changed. Use a new file, e.g. store={free_name(self.path)!r} "
                "(CLI: --store " + free_name(self.path) + ")."
            )

    def add_plan(self, plan: dict) -> None:
        """Record a plan swept into this store (before its runs start; the latest last), so that a
        sweep given no values resumes it and a random spec is never drawn again. A plan of the
        same method and spec (an adaptive plan that placed more values) replaces the older one."""

        def same(p):
            if plan.get("spec") is not None:
                return (p.get("method"), p.get("spec"), p.get("grid_seed"), p.get("settings")) == \
                    (plan.get("method"), plan.get("spec"), plan.get("grid_seed"), plan.get("settings"))
            return _canonical(p) == _canonical(plan)

        plans = [p for p in self.meta().get("plans", []) if not same(p)] + [plan]
        self._write([("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("plans", _canonical(plans)))])

    def set_ideal(self, ideal) -> None:
        """Record the Chebyshev ideal point this store's runs use."""
        self._write([("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("ideal", _canonical([float(v) for v in ideal])))])

    # ---------------------------------------------------------------- runs
    def _write(self, statements) -> None:
        with self._transaction() as conn:
            for sql, args in statements:
                conn.execute(sql, args)

    @contextlib.contextmanager
    def _transaction(self):
        """One write transaction (``BEGIN IMMEDIATE``: the write lock from the first read on)."""
        conn = self.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise _damaged(self.path, exc) from None
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

        ``row`` has ``key, method, value, seed, objectives`` (list of float), ``converged,
        failed`` (bool) and optionally ``error`` (str), ``extra`` (dict), ``elapsed`` (s) and
        ``placed`` (str). An existing row with the same key is kept unless ``replace`` (used to
        retry failed runs).
        """
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        values = (
            row["key"], str(row.get("method", "linear")), float(row["value"]), int(row["seed"]),
            _canonical([float(v) for v in row["objectives"]]),
            int(bool(row["converged"])), int(bool(row["failed"])), str(row.get("error") or ""),
            _canonical(row.get("extra") or {}), row.get("elapsed"), time.time(), str(row.get("placed") or ""),
        )
        self._write([(f"{verb} INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                      values)])

    def count(self) -> int:
        """Number of stored runs."""
        with self._reading():
            return int(self.connection.execute("SELECT count(*) FROM runs").fetchone()[0])

    def n_objectives(self) -> int | None:
        """Number of objectives of the stored successful runs (None before the first one)."""
        if not self._has_tables():
            return None
        with self._reading():
            row = self.connection.execute("SELECT objectives FROM runs WHERE failed = 0 LIMIT 1").fetchone()
            return len(_load(row[0], list, "runs.objectives")) if row else None

    def status(self) -> dict[str, bool]:
        """``{key: failed}`` for every stored run."""
        if not self._has_tables():
            return {}
        with self._reading():
            return {r[0]: bool(r[1]) for r in self.connection.execute("SELECT key, failed FROM runs")}

    def rows(self, keys=None) -> list[dict]:
        """Stored runs as dicts (objectives and extra decoded, ``alpha`` and ``epsilon`` from the
        method's value), ordered by method, value, then seed. With ``keys``, only those runs, in
        that order (missing keys are skipped)."""
        if not self._has_tables():
            return []
        out = {}
        with self._reading():
            v1 = "method" not in {r[1] for r in self.connection.execute("PRAGMA table_info(runs)")}
            order = "alpha, seed" if v1 else "method, value, seed"
            for r in self.connection.execute(f"SELECT * FROM runs ORDER BY {order}"):
                d = dict(r)
                if v1:
                    d.update(method="linear", value=d.pop("alpha"), placed="")
                d["objectives"] = _load(d["objectives"], list, "runs.objectives")
                if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in d["objectives"]):
                    raise ValueError(f"runs.objectives: expected numbers, got {str(d['objectives'])[:40]}")
                d["extra"] = _load(d["extra"], dict, "runs.extra")
                d["converged"], d["failed"] = bool(d["converged"]), bool(d["failed"])
                eps = d["method"] == "eps"
                d["alpha"], d["epsilon"] = (math.nan, d["value"]) if eps else (d["value"], math.nan)
                out[d["key"]] = d
        if keys is None:
            return list(out.values())
        return [out[k] for k in keys if k in out]

    def minima(self) -> list[float] | None:
        """The smallest value of each objective over the finished runs (None before any)."""
        rows = [r["objectives"] for r in self.rows() if not r["failed"] and r["objectives"]]
        if not rows:
            return None
        return [float(v) for v in np.min(np.array(rows, dtype=float), axis=0)]

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        with self._reading():
            return str(self.connection.execute("PRAGMA integrity_check").fetchone()[0])

    # ---------------------------------------------------------------- views
    def runs(self, keys=None) -> Runs:
        """The stored runs as a :class:`paretolab.runs.Runs` (alpha, then seed order; with
        ``keys``, those runs in that order). Failed runs have NaN objectives and their error."""
        with self._reading():  # a crafted store's values (text for a number) fail here
            return runs_from_rows(self.rows(keys), self.meta().get("identity", {}).get("function", "runs"))

    def to_csv(self, path, *, overwrite: bool = False) -> None:
        """Write the stored runs as CSV (:meth:`paretolab.runs.Runs.to_csv`): ``method, alpha,
        epsilon, seed, L0, L1, ..., converged, diverged, failed, error, elapsed`` and one column
        per extra field."""
        self.runs().to_csv(path, overwrite=overwrite)


def runs_from_rows(rows: list[dict], source: str) -> Runs:
    """A :class:`Runs` from stored rows of a user's function (one per run, in the given order).

    >>> r = runs_from_rows([{"method": "eps", "alpha": float("nan"), "epsilon": 0.5, "seed": 0,
    ...                      "objectives": [1.0, 0.5], "converged": True, "failed": False,
    ...                      "extra": {"epochs": 3}}], "m:f")
    >>> r.method.tolist(), r.epsilon.tolist(), r.extra["epochs"].tolist(), r.training is None
    (['eps'], [0.5], [3.0], True)
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
        obj, method=np.array([r.get("method", "linear") for r in rows], dtype=object).astype(str),
        alpha=np.array([r["alpha"] for r in rows], dtype=float),
        epsilon=np.array([r.get("epsilon", math.nan) for r in rows], dtype=float),
        seed=np.array([r["seed"] for r in rows], dtype=np.int64),
        converged=np.array([r["converged"] for r in rows], dtype=bool),
        diverged=np.array([r["failed"] and len(r["objectives"]) > 0
                           and not all(math.isfinite(v) for v in r["objectives"]) for r in rows], dtype=bool),
        failed=failed, error=np.array([r.get("error") or "" for r in rows], dtype=object), source=source,
    )
    elapsed = np.array([np.nan if r.get("elapsed") is None else r["elapsed"] for r in rows], dtype=float)
    if any(r.get("placed") for r in rows):  # why an adaptive plan made each run
        extra["placed"] = np.array([r.get("placed") or "" for r in rows], dtype=object)
    return replace(runs, elapsed=elapsed, extra=extra, line=np.arange(1, K + 1))


def _open_ro(path: str, query: str) -> sqlite3.Connection:
    """A read-only connection to ``path`` (URI ``query``: ``mode=ro`` or ``immutable=1``), tried once."""
    conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?{query}", uri=True, timeout=30)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def open_store(path, *, readonly: bool = False) -> Store:
    """Open (or create, unless ``readonly``) a results store; see :class:`Store`."""
    return Store(path, readonly=readonly)


def _meta_v1(sweep: dict) -> dict:
    """The meta of a schema-1 store (one weighted-sum plan) in schema 2's terms."""
    alphas = sweep.get("alphas", {})
    plan = {"method": "linear", "spec": alphas.get("spec"), "grid_seed": alphas.get("grid_seed", 0),
            "values": alphas.get("values", []), "seeds": sweep.get("seeds", []), "settings": {}}
    return {"identity": {"function": sweep.get("function"), "config": sweep.get("config") or {}},
            "plans": [plan] if plan["values"] else []}


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """Turn a schema-1 store (runs keyed by alpha, one plan in meta 'sweep') into schema 2 in
    one transaction: every old run is a weighted-sum run with the same key."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
    if "method" in columns:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("ALTER TABLE runs RENAME TO runs_v1")
        conn.execute(f"CREATE TABLE {_RUNS_TABLE}")
        conn.execute("INSERT INTO runs (key, method, value, seed, objectives, converged, failed, error, extra, "
                     "elapsed, finished) SELECT key, 'linear', alpha, seed, objectives, converged, failed, error, "
                     "extra, elapsed, finished FROM runs_v1")
        conn.execute("DROP TABLE runs_v1")
        row = conn.execute("SELECT value FROM meta WHERE key='sweep'").fetchone()
        if row is not None:  # a store bound to a sweep (an unbound one stays unbound)
            meta = _meta_v1(_load(row[0], dict, "meta 'sweep'"))
            for k in ("identity", "plans"):
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, _canonical(meta[k])))
            conn.execute("DELETE FROM meta WHERE key='sweep'")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
