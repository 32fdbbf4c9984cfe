"""Step 4 of problem -> plan -> training -> runs: the one run record, for every source.

:class:`Runs` holds one row per run, whatever made it: a batched sweep of a built-in problem, a
user's training function, a CSV or a results store. What only batched training knows
(parameters, gradient norms, multipliers, snapshots) is its optional part :class:`Training`.
This module also writes and reads runs as CSV and holds the one JSON serialiser, :func:`plain`.
Numpy only.

>>> r = Runs.from_arrays([[0.0, 1.0], [1.0, 0.0]], alpha=[0.1, 10.0], seed=[0, 0])
>>> len(r), r.names, r.reached().tolist()
(2, ('L0', 'L1'), [[0.0, 1.0], [1.0, 0.0]])
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import logging
import math
import os
import re
from dataclasses import dataclass, field, fields, replace

import numpy as np

from paretolab.errors import OutputExists, ParetolabError

__all__ = ["Runs", "Table", "Training", "concat_runs", "csv_table", "dataframe_table", "is_dataframe", "objective_columns", "plain", "read_csv",
           "runs_from_table"]

log = logging.getLogger(__name__)

ROLE_COLUMNS = ("method", "alpha", "epsilon", "seed", "converged", "diverged", "failed", "error", "elapsed", "status",
                "trial", "run_id", "run_name")
"""CSV columns that say how a run was made or how it ended; never taken as objectives."""
TRAINING_COLUMN = re.compile(r"^(?:w\d+|x\d+|lambda\d+|grad_norm|avg_grad_norm)$")
"""What :meth:`Runs.to_csv` writes besides objectives and roles (weights, parameters, training
measures); never taken as objectives unless named."""


def plain(value):
    """Numbers, arrays, records and containers as plain Python (NaN and inf as None), for JSON.

    The one JSON serialiser of the package: records are turned into dicts by their own
    ``to_dict`` (or field by field when they are dataclasses).

    >>> plain({"a": np.float64(1.5), "b": np.array([1, 2]), "c": float("nan")})
    {'a': 1.5, 'b': [1, 2], 'c': None}
    """
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return plain(value.to_dict())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, np.str_):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    return value


@dataclass(frozen=True)
class Training:
    """What batched training records besides the objectives, one row per run (``K`` runs).

    ``params`` ``(K, n_var)`` final parameters; ``loss`` ``(K,)`` scalarised loss;
    ``grad_norm`` / ``avg_grad_norm`` ``(K,)`` the projected gradient norm at the end and of
    its moving average (the stationarity measure), both divided by the sum of the run's
    weights; ``multipliers`` ``(K, k)`` (MDMM, NaN for other runs); ``steps`` and ``lr`` of the
    sweep; ``snapshot_steps`` ``(S,)`` and ``snapshot_objectives`` ``(S, K, m)`` when asked.
    """

    params: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    avg_grad_norm: np.ndarray
    multipliers: np.ndarray
    steps: int
    lr: float
    snapshot_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    snapshot_objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    def subset(self, rows) -> "Training":
        """The rows ``rows`` (a mask or indices) of every per-run array."""
        return replace(self, params=self.params[rows], loss=self.loss[rows], grad_norm=self.grad_norm[rows],
                       avg_grad_norm=self.avg_grad_norm[rows], multipliers=self.multipliers[rows],
                       snapshot_objectives=self.snapshot_objectives[:, rows] if self.snapshot_objectives.size
                       else self.snapshot_objectives)

    def to_dict(self) -> dict:
        """Plain-Python fields (snapshots left out), ready for JSON."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self) if not f.name.startswith("snapshot")}


@dataclass(frozen=True)
class Runs:
    """One row per run (``K`` runs, ``m`` objectives, all minimised); numpy arrays, axis 0 = run.

    ``method`` is ``"linear"``, ``"chebyshev"`` or ``"eps"`` (``"unknown"`` for loss values
    read without one); ``alpha`` is NaN for MDMM runs, for batched sweeps of ``m > 2``
    objectives (their ``weights`` say it all) and where unknown;
    ``epsilon`` NaN except for MDMM; ``weights`` ``(K, m)`` each run's weight vector (``(1,
    alpha)`` for two objectives). ``seed`` is ``None`` when the source has no seeds.
    ``converged`` is the stationarity test (or what a training function reported);
    ``diverged`` a non-finite loss during training; ``failed`` a run that raised or returned
    non-finite values (its ``error`` says why; its objectives are NaN). Only converged runs that
    neither diverged nor failed are evidence (:meth:`reached`). ``elapsed`` seconds per run
    (NaN when unknown), ``extra`` the extra fields a training function returned (one ``(K,)``
    array per name), ``line`` the line of each run in the file it was read from, ``notes`` what
    reading the source left out (trials not complete, say), which the analysis reports.

    Examples
    --------
    >>> r = Runs.from_arrays([[0.0, 1.0], [np.nan, 0.5]], alpha=[0.1, 1.0])
    >>> r.finite().objectives.tolist(), r.dropped
    ([[0.0, 1.0]], 1)
    """

    source: str
    names: tuple[str, ...]
    objectives: np.ndarray  # (K, m)
    method: np.ndarray  # (K,) str
    alpha: np.ndarray  # (K,)
    epsilon: np.ndarray  # (K,)
    weights: np.ndarray  # (K, m)
    seed: np.ndarray | None  # (K,) int64
    converged: np.ndarray  # (K,) bool
    diverged: np.ndarray  # (K,) bool
    failed: np.ndarray  # (K,) bool
    error: np.ndarray  # (K,) str
    elapsed: np.ndarray  # (K,)
    extra: dict = field(default_factory=dict)
    line: np.ndarray | None = None
    training: Training | None = None
    notes: tuple[str, ...] = ()

    # ------------------------------------------------------------------ building
    @classmethod
    def from_arrays(cls, objectives, *, names=None, method=None, alpha=None, epsilon=None, seed=None,
                    converged=None, diverged=None, failed=None, error=None, source: str = "runs") -> "Runs":
        """Runs from plain columns; what is not given is unknown (NaN, None) or the default:
        converged, not diverged, not failed, method ``"linear"`` when ``alpha`` is given.

        >>> Runs.from_arrays([[1.0, 2.0]], seed=[3]).seed.tolist()
        [3]
        """
        obj = np.array(objectives, dtype=float)
        if obj.ndim != 2 or obj.shape[1] < 2:
            raise ParetolabError(f"objectives: expected shape (K, m) with m >= 2, got {obj.shape}")
        K, m = obj.shape

        def column(value, default, dtype, name):
            if value is None:
                return np.full(K, default, dtype=dtype)
            arr = np.asarray(value).astype(dtype)
            if arr.shape != (K,):
                raise ParetolabError(f"{name}: expected one value per run, shape ({K},), got shape {arr.shape}")
            return arr

        alpha_arr = column(alpha, np.nan, float, "alpha")
        if method is None:
            method = "linear" if alpha is not None else "unknown"
        method_arr = np.full(K, method, dtype=object).astype(str) if isinstance(method, str) else \
            column(method, "", str, "method")
        seed_arr = None if seed is None else _int_seeds(column(seed, 0, float, "seed"), "seed")
        failed_arr = column(failed, False, bool, "failed")
        names = tuple(names) if names is not None else tuple(f"L{j}" for j in range(m))
        if len(names) != m:
            raise ParetolabError(f"names: expected {m} objective names, got {list(names)}")
        weights = np.c_[np.ones(K), alpha_arr] if m == 2 else np.full((K, m), np.nan)
        return cls(
            source=str(source), names=names, objectives=obj, method=method_arr, alpha=alpha_arr,
            epsilon=column(epsilon, np.nan, float, "epsilon"), weights=weights, seed=seed_arr,
            converged=column(converged, True, bool, "converged") & ~failed_arr,
            diverged=column(diverged, False, bool, "diverged"), failed=failed_arr,
            error=column(error, "", object, "error"), elapsed=np.full(K, np.nan),
        )

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return int(self.objectives.shape[0])

    @property
    def evidence(self) -> np.ndarray:
        """``(K,)`` mask of the runs that count: converged, neither diverged nor failed, finite."""
        return self.converged & ~self.diverged & ~self.failed & np.isfinite(self.objectives).all(axis=1)

    def reached(self) -> np.ndarray:
        """Objectives of the runs that count (:attr:`evidence`), ``(k, m)``."""
        return self.objectives[self.evidence]

    @property
    def dropped(self) -> int:
        """Runs with no usable losses: failed, or non-finite objectives."""
        return int((self.failed | ~np.isfinite(self.objectives).all(axis=1)).sum())

    def subset(self, rows) -> "Runs":
        """The runs ``rows`` (a boolean mask or indices), every per-run field alike."""
        rows = np.asarray(rows)
        return replace(
            self, objectives=self.objectives[rows], method=self.method[rows], alpha=self.alpha[rows],
            epsilon=self.epsilon[rows], weights=self.weights[rows],
            seed=None if self.seed is None else self.seed[rows], converged=self.converged[rows],
            diverged=self.diverged[rows], failed=self.failed[rows], error=self.error[rows],
            elapsed=self.elapsed[rows], extra={k: v[rows] for k, v in self.extra.items()},
            line=None if self.line is None else self.line[rows],
            training=None if self.training is None else self.training.subset(rows),
        )

    def finite(self) -> "Runs":
        """The runs with usable losses (not failed, finite objectives), converged or not."""
        return self.subset(~self.failed & np.isfinite(self.objectives).all(axis=1))

    def failures(self) -> list[dict]:
        """``[{"alpha", "seed", "error"}]`` of the failed runs, in row order."""
        rows = np.flatnonzero(self.failed)
        return [{"alpha": float(self.alpha[i]), "seed": None if self.seed is None else int(self.seed[i]),
                 "error": str(self.error[i])} for i in rows]

    # ------------------------------------------------------------------ out
    def columns(self) -> dict[str, np.ndarray]:
        """Flat per-run columns, as :meth:`to_csv` writes them."""
        cols = {"method": self.method, "alpha": self.alpha, "epsilon": self.epsilon}
        if self.seed is not None:
            cols["seed"] = self.seed
        for j, name in enumerate(self.names):
            cols[name] = self.objectives[:, j]
        cols.update(converged=self.converged, diverged=self.diverged, failed=self.failed, error=self.error,
                    elapsed=self.elapsed)
        if self.weights.shape[1] > 2:
            for j in range(self.weights.shape[1]):
                cols[f"w{j}"] = self.weights[:, j]
        t = self.training
        if t is not None:
            cols.update(loss=t.loss, grad_norm=t.grad_norm, avg_grad_norm=t.avg_grad_norm)
            for j in range(t.multipliers.shape[1]):
                cols[f"lambda{j + 1}"] = t.multipliers[:, j]
            for j in range(t.params.shape[1]):
                cols[f"x{j}"] = t.params[:, j]
        for name, v in self.extra.items():
            cols[name if name not in cols else f"extra_{name}"] = v
        return cols

    def to_pandas(self):
        """The runs as a pandas DataFrame, one row per run, the columns of :meth:`columns`
        (needs pandas); ``paretolab.read_runs(df)`` reads it back.

        >>> Runs.from_arrays([[0.5, 1.5]], alpha=[1.0], seed=[0]).to_pandas()[["alpha", "L0", "L1"]].values.tolist()
        [[1.0, 0.5, 1.5]]
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas: pandas is not installed; pip install 'paretolab[pandas]'") from None
        return pd.DataFrame({k: np.asarray(v) for k, v in self.columns().items()})

    def to_csv(self, path, *, overwrite: bool = False) -> None:
        """Write one row per run; refuse to replace an existing file unless ``overwrite``.

        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "runs.csv"
        >>> Runs.from_arrays([[0.5, 1.5]], alpha=[1.0], seed=[0]).to_csv(out)
        >>> out.read_text().splitlines()[0][:40]
        'method,alpha,epsilon,seed,L0,L1,converge'
        """
        path = os.fspath(path)
        if os.path.exists(path) and not overwrite:
            raise OutputExists(f"path: {path!r} exists; pass overwrite=True (CLI: --force) to replace it")
        cols = self.columns()
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for i in range(len(self)):
                w.writerow([_cell(c[i]) for c in cols.values()])

    def to_dict(self) -> dict:
        """Plain-Python fields (lists, NaN as None), ready for JSON."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)


def concat_runs(runs) -> Runs:
    """One :class:`Runs` of several with the same objectives (their runs one after another;
    ``training`` kept when every part has one of the same shape, ``extra`` fields missing in a
    part are NaN or empty there).

    >>> a = Runs.from_arrays([[0.0, 1.0]], alpha=[0.1], seed=[0])
    >>> b = Runs.from_arrays([[1.0, 0.0]], alpha=[10.0], seed=[0])
    >>> concat_runs([a, b]).alpha.tolist()
    [0.1, 10.0]
    """
    runs = list(runs)
    if not runs:
        raise ParetolabError("runs: expected at least one Runs to concatenate, got none")
    names = runs[0].names
    for r in runs[1:]:
        if r.names != names:
            raise ParetolabError(f"runs: expected the same objectives in every source, got {list(names)} and "
                                 f"{list(r.names)}")
    seeds = None if any(r.seed is None for r in runs) else np.concatenate([r.seed for r in runs])
    keys = list(dict.fromkeys(k for r in runs for k in r.extra))
    extra = {}
    for k in keys:
        parts = [r.extra[k] if k in r.extra else None for r in runs]
        text = any(p is not None and p.dtype.kind in "OUS" for p in parts)
        extra[k] = np.concatenate([p if p is not None else np.full(len(r), "" if text else np.nan, dtype=object if text
                                                                   else float) for p, r in zip(parts, runs)])
    lines = None if any(r.line is None for r in runs) else np.concatenate([r.line for r in runs])
    training = None
    ts = [r.training for r in runs]
    if all(t is not None for t in ts) and len({(t.params.shape[1], t.multipliers.shape[1], t.steps) for t in ts}) == 1:
        snaps = [t.snapshot_objectives for t in ts]
        same = all(t.snapshot_steps.shape == ts[0].snapshot_steps.shape for t in ts) and all(s.size for s in snaps)
        training = Training(
            params=np.concatenate([t.params for t in ts]), loss=np.concatenate([t.loss for t in ts]),
            grad_norm=np.concatenate([t.grad_norm for t in ts]),
            avg_grad_norm=np.concatenate([t.avg_grad_norm for t in ts]),
            multipliers=np.concatenate([t.multipliers for t in ts]), steps=ts[0].steps, lr=ts[0].lr,
            snapshot_steps=ts[0].snapshot_steps if same else np.zeros(0, dtype=int),
            snapshot_objectives=np.concatenate(snaps, axis=1) if same else np.zeros((0, 0, 0)))
    cat = lambda f: np.concatenate([getattr(r, f) for r in runs])  # noqa: E731
    return Runs(source=" + ".join(dict.fromkeys(r.source for r in runs)), names=names, objectives=cat("objectives"),
                method=cat("method"), alpha=cat("alpha"), epsilon=cat("epsilon"), weights=cat("weights"), seed=seeds,
                converged=cat("converged"), diverged=cat("diverged"), failed=cat("failed"), error=cat("error"),
                elapsed=cat("elapsed"), extra=extra, line=lines, training=training,
                notes=tuple(n for r in runs for n in r.notes))


def _cell(v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    return v.item() if hasattr(v, "item") else v


def _int_seeds(values: np.ndarray, where: str) -> np.ndarray:
    """Seeds as integers. Seeds are labels: values that are not integers are numbered in sorted
    order, and a missing seed (NaN) gets a label of its own (an unknown seed repeats nothing)."""
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values) & (values == np.round(values))
    if ok.all():
        return values.astype(np.int64)
    finite = np.isfinite(values)
    out = np.empty(len(values), dtype=np.int64)
    labels, codes = np.unique(values[finite], return_inverse=True)
    out[finite] = codes
    out[~finite] = labels.size + np.arange(int((~finite).sum()))
    log.info("%s: %d seed(s) not integers or missing; numbered as labels", where, int((~ok).sum()))
    return out


# --------------------------------------------------------------------------- CSV in
@dataclass(frozen=True)
class Table:
    """Runs as columns, as a source outside paretolab holds them (a CSV, a DataFrame, an Optuna
    study, MLflow runs), before roles are given: ``columns`` maps each name to one value per run
    (numbers, or text where the source has text); ``objectives`` names the columns the source
    itself says were minimised (an Optuna study's values), else empty; ``warnings`` what was
    left out (e.g. trials that did not complete); ``source`` where it came from."""

    columns: dict
    source: str
    objectives: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    lines: np.ndarray | None = None  # the file's line of each row, for messages (a CSV)


def existing_file(path, what: str) -> str:
    """``path`` as a string if it names a file; else a :class:`ParetolabError` expecting ``what``."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ParetolabError(f"path: expected a {what}, got {path!r}, which is a directory; name the file "
                             f"itself (a CSV with a header line, or a results store such as runs.sqlite)")
    if not os.path.isfile(path):
        raise ParetolabError(f"path: expected an existing {what}, got {path!r} (not found)")
    return path


def _number(text: str) -> float:
    """A cell as a number (blank, nan, none, null: NaN); ValueError if it is none."""
    text = text.strip()
    if text == "" or text.lower() in ("nan", "inf", "-inf", "+inf", "none", "null"):
        return math.nan
    return float(text)


def _flag(text: str, blank: bool = False) -> bool:
    """A cell as a flag (0/1, true/false, yes/no; blank: ``blank``); ValueError if it is none."""
    t = text.strip().lower()
    if t == "":
        return blank
    if t in ("1", "true", "yes", "1.0"):
        return True
    if t in ("0", "false", "no", "0.0"):
        return False
    raise ValueError(text)


def _row(lines, i: int) -> str:
    """Where row ``i`` is, for a message: its file's line, else its position in the table."""
    return f"line {lines[i]}" if lines is not None else f"row {i} (counting from 0)"


def read_csv(path, **roles) -> Runs:
    """Runs from a CSV with a header line, one run per row (:func:`csv_table`, then the roles
    of :func:`runs_from_table`: ``objectives``, ``alpha``, ``seed``, ``method_column``,
    ``maximize``). A row with an empty or non-finite objective is kept; its losses are not
    usable (:attr:`Runs.dropped`, :meth:`Runs.finite`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "runs.csv"
    >>> _ = p.write_text("alpha,seed,L0,L1\\n0.1,0,0.0,1.0\\n1,0,nan,0.5\\n10,0,1.0,0.0\\n")
    >>> r = read_csv(p)
    >>> r.names, r.finite().objectives.tolist(), r.finite().alpha.tolist(), r.dropped
    (('L0', 'L1'), [[0.0, 1.0], [1.0, 0.0]], [0.1, 10.0], 1)
    """
    return runs_from_table(csv_table(path), **roles)


def csv_table(path) -> Table:
    """The columns of a CSV file as text, one value per row, with each row's line number.

    Text in UTF-8 (a byte-order mark is skipped) or UTF-16 with its byte-order mark; fields
    separated by commas, semicolons or tabs, whichever the header line has most of; blank lines,
    before the header too, are skipped.
    """
    path = existing_file(path, "CSV file")
    with open(path, "rb") as fh:  # UTF-16 only with its byte-order mark; a UTF-8 one is skipped
        encoding = "utf-16" if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        with open(path, newline="", encoding=encoding) as fh:
            blank = 0
            first = next(fh, "")
            while first and not first.strip():  # leading blank lines
                blank, first = blank + 1, next(fh, "")
            if not first:
                raise ParetolabError(f"{path}: expected a header line, got an empty file")
            if "\x00" in first:
                raise csv.Error("NUL bytes in the header line")
            delimiter = max(",;\t", key=first.count)  # the header's most frequent; a tie is a comma
            if delimiter != ",":
                log.info("%s: fields separated by %r", path, delimiter)
            reader = csv.reader(itertools.chain([first], fh), delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            rows = [(reader.line_num + blank, row) for row in reader if any(cell.strip() for cell in row)]
    except UnicodeDecodeError as exc:
        raise ParetolabError(f"{path}: expected a text CSV in UTF-8 (or UTF-16 with a byte-order mark), got "
                             f"bytes that are not {exc.encoding} ({exc.reason}); save it as UTF-8 CSV") from None
    except csv.Error as exc:
        raise ParetolabError(f"{path}: expected CSV text, got {exc} (a binary file, UTF-16 without a byte-order "
                             f"mark, or a quote left open?); save it as UTF-8 CSV") from None
    for line, row in rows:
        if len(row) != len(header):
            raise ParetolabError(f"{path}: line {line}: expected {len(header)} fields like the header, got {len(row)}")
    cells = np.array([row for _, row in rows], dtype=object).reshape(len(rows), len(header))
    columns = {h: np.char.strip(cells[:, j].astype(str)).astype(object) for j, h in enumerate(header)}
    return Table(columns, path, lines=np.array([line for line, _ in rows], dtype=int))


def is_dataframe(obj) -> bool:
    """A pandas DataFrame (checked without importing pandas)."""
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns") and hasattr(obj, "to_numpy")


def dataframe_table(df) -> Table:
    """A pandas DataFrame as a :class:`Table` (its columns by name, one value per row)."""
    columns = {}
    for c in df.columns:
        values = df[c].to_numpy()
        columns[str(c)] = values if values.dtype.kind in "biuf" else values.astype(object)
    return Table(columns, "DataFrame")


def runs_from_table(table: Table, *, objectives=None, alpha=None, seed=None, method_column=None,
                    maximize=()) -> Runs:
    """Runs from a :class:`Table`, each column in its role.

    ``alpha``, ``seed`` and ``method_column`` name the columns of those roles (default: the
    columns named ``alpha``, ``seed``, ``method``, any case, when present); ``epsilon``,
    ``converged``, ``diverged``, ``failed``, ``error`` and ``elapsed`` are read when present.
    ``objectives`` names the objectives (names or 0-based indices, a list or ``"A,B"``); without
    it: the ones the source names (an Optuna study's values), else ``L0, L1, ...`` when present,
    else exactly two numeric columns besides the roles; with more or fewer candidates it is an
    error that lists them (never a column the user did not name minimised when in doubt).
    ``maximize`` names objectives that were maximised: this is the one place they are negated
    (so every front, hull and alpha* is about minimising); they are named ``-NAME``.

    >>> t = Table({"beta": np.array([0.5, 2.0]), "loss": np.array([0.1, 0.4]),
    ...            "acc": np.array([0.9, 0.7])}, "table")
    >>> r = runs_from_table(t, alpha="beta", maximize=["acc"])
    >>> r.names, r.objectives.tolist(), r.alpha.tolist()
    (('loss', '-acc'), [[0.1, -0.9], [0.4, -0.7]], [0.5, 2.0])
    """
    header = list(table.columns)
    K = len(next(iter(table.columns.values()))) if header else 0
    lines = table.lines  # a file's lines, for messages (None: a DataFrame, a study)
    where = table.source

    def named(arg, name):
        if arg not in table.columns:
            raise ParetolabError(f"{name}: expected a column of {where}, got {arg!r}; columns present: {header}")
        return arg

    lower = {}
    for h in header:
        lower.setdefault(h.lower(), h)
    given = {"alpha": alpha, "seed": seed, "method": method_column}
    arg_names = {"alpha": "alpha", "seed": "seed", "method": "method_column"}
    role = {k: named(v, arg_names[k]) if v is not None else lower.get(k) for k, v in given.items()}
    role.update({k: lower.get(k) for k in ROLE_COLUMNS if k not in role})
    chosen = objective_columns(table, objectives, {v for v in role.values() if v is not None})
    role = {k: v for k, v in role.items() if v is not None and v not in chosen}
    maximize = [maximize] if isinstance(maximize, str) else list(maximize or ())
    for c in maximize:
        if c not in chosen:
            raise ParetolabError(f"maximize: expected objectives among {chosen}, got {c!r}")

    def numbers(name):
        return _numbers(table.columns[name], where, lines, name)

    obj = np.column_stack([numbers(c) * (-1.0 if c in maximize else 1.0) for c in chosen]) if K else \
        np.empty((0, len(chosen)))
    flags = {k: _flags(table.columns[role[k]], where, lines, role[k], blank=k == "converged")
             for k in ("converged", "diverged", "failed") if k in role}
    texts = {k: np.array([str(v).strip() for v in table.columns[role[k]]], dtype=object)
             for k in ("method", "error") if k in role}
    alpha_values = numbers(role["alpha"]) if "alpha" in role else None
    seed_values = None
    if "seed" in role:
        seed_values = numbers(role["seed"])
        seed_values = _int_seeds(seed_values, f"{where}: column {role['seed']!r}") if np.isfinite(seed_values).any() \
            else None
    method = texts.get("method", "linear" if alpha_values is not None else "unknown")
    if isinstance(method, np.ndarray):  # files written before the epsilon-constraint was named "eps"
        method = np.where(method == "mdmm", "eps", method)
    failed = flags.get("failed", np.zeros(K, dtype=bool))
    runs = Runs.from_arrays(
        obj, names=[f"-{c}" if c in maximize else c for c in chosen], method=method, alpha=alpha_values,
        epsilon=numbers(role["epsilon"]) if "epsilon" in role else None, seed=seed_values,
        converged=flags.get("converged"), diverged=flags.get("diverged"), failed=failed,
        error=texts.get("error", np.full(K, "", dtype=object)), source=where,
    )
    elapsed = numbers(role["elapsed"]) if "elapsed" in role else np.full(K, np.nan)
    return replace(runs, elapsed=elapsed, line=table.lines, notes=tuple(f"{where}: {w}" for w in table.warnings))


def objective_columns(table: Table, objectives=None, roles=()) -> list[str]:
    """The names of a table's objective columns: ``objectives`` checked, or chosen as
    :func:`runs_from_table` says, ``roles`` (column names) excluded from the candidates.

    >>> objective_columns(Table({"alpha": [1.0], "loss": [0.5], "reg": [2.0]}, "t"), roles={"alpha"})
    ['loss', 'reg']
    """
    header = list(table.columns)
    if objectives is None and table.objectives:
        objectives = list(table.objectives)
    if objectives is not None:
        if isinstance(objectives, str):
            objectives = [c.strip() for c in objectives.split(",") if c.strip()]
        chosen = []
        for c in objectives:
            if isinstance(c, (int, np.integer)) or (isinstance(c, str) and c.isdigit() and c not in header):
                if not 0 <= int(c) < len(header):
                    raise ParetolabError(f"objectives: index {int(c)} is out of range; {table.source} has "
                                         f"{len(header)} columns: {header}")
                chosen.append(header[int(c)])
            elif c in header:
                chosen.append(c)
            else:
                raise ParetolabError(f"objectives: {c!r} is not a column of {table.source}; columns present: {header}")
        if len(chosen) < 2:
            raise ParetolabError(f"objectives: expected at least 2 objective columns, got {chosen} (columns present: "
                                 f"{header})")
        return chosen
    named = [f"L{j}" for j in range(len(header)) if f"L{j}" in table.columns]
    if len(named) >= 2:
        return named
    candidates = [h for h in header if h not in roles and h.lower() not in ROLE_COLUMNS
                  and not TRAINING_COLUMN.match(h) and _is_numeric(table.columns[h])]
    if len(candidates) != 2:
        raise ParetolabError(
            f"objectives: expected exactly two numeric columns besides {sorted(roles) or 'the roles'} to take as the "
            f"objectives to minimise, got {len(candidates)}: {candidates} (columns present: {header}); name them "
            "with --objectives A,B (objectives=[...] in Python; a table of three objectives names its three)")
    return candidates


def _is_numeric(values) -> bool:
    """A column of numbers: some value is one (a bad cell among numbers is reported where it is,
    when the column is read; a column of words is not a candidate objective)."""
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return True
    for v in arr.tolist():
        try:
            if v is not None and str(v).strip():
                float(str(v))
                return True
        except ValueError:
            continue
    return False


def _numbers(values, where: str, lines, column: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype(float)
    try:  # every cell a number as written: one conversion
        return arr.astype(float)
    except (TypeError, ValueError):  # blanks, 'none', or a bad cell: cell by cell
        pass
    out = np.empty(arr.size)
    for i, v in enumerate(arr.tolist()):
        text = "" if v is None else str(v)
        try:
            out[i] = _number(text)
        except ValueError:
            raise ParetolabError(f"{where}: {_row(lines, i)}, column {column!r}: expected a number, "
                                 f"got {text.strip()!r}") from None
    return out


def _flags(values, where: str, lines, column: str, blank: bool) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return np.where(np.isnan(arr.astype(float)), blank, arr.astype(float) != 0)
    out = np.empty(arr.size, dtype=bool)
    for i, v in enumerate(arr.tolist()):
        text = "" if v is None else str(v)
        try:
            out[i] = _flag(text, blank=blank)
        except ValueError:
            raise ParetolabError(f"{where}: {_row(lines, i)}, column {column!r}: expected 0/1 or true/false, "
                                 f"got {text!r}") from None
    return out
