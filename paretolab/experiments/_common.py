"""Shared pieces of the experiments: the result record, saving figures, JSON-ready numbers."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from paretolab.runs import plain

__all__ = ["ExperimentResult", "finish", "format_report"]


@dataclass(frozen=True)
class ExperimentResult:
    """What one experiment showed.

    ``figures``: paths written; ``numbers``: the measurements behind the claim (plain Python,
    JSON-ready); ``verdict``: one line; ``seconds``: wall time of the run; ``quick``: smoke run.

    >>> r = ExperimentResult("x", "X", ("x.png",), {"a": 1.0}, "ok")
    >>> r.to_dict()["numbers"], str(r).splitlines()[0]
    ({'a': 1.0}, 'x: X')
    """

    name: str
    title: str
    figures: tuple[str, ...]
    numbers: dict = field(default_factory=dict)
    verdict: str = ""
    seconds: float = 0.0
    quick: bool = False

    def to_dict(self) -> dict:
        """Plain-Python fields, ready for ``json.dumps``."""
        return {"name": self.name, "title": self.title, "figures": list(self.figures),
                "numbers": plain(self.numbers), "verdict": self.verdict, "seconds": self.seconds,
                "quick": self.quick}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.title}"]
        lines += [f"  {k} = {_fmt(v)}" for k, v in self.numbers.items()]
        lines += [f"  figure: {p}" for p in self.figures]
        lines.append(f"  VERDICT: {self.verdict}")
        return "\n".join(lines)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items()) + "}"
    return str(v)


def finish(name: str, title: str, fig, out_dir, numbers: dict, verdict: str) -> ExperimentResult:
    """Save ``fig`` as ``out_dir/<name>.png`` and bundle the record (numbers made plain)."""
    from paretolab.plot import save

    os.makedirs(os.fspath(out_dir), exist_ok=True)
    path = save(fig, os.path.join(os.fspath(out_dir), f"{name}.png"))
    return ExperimentResult(name, title, (path,), plain(numbers), verdict)


def format_report(results) -> str:
    """Text report of several experiment results (one block each, verdicts last).

    >>> print(format_report([ExperimentResult("x", "X", (), {}, "fine", 1.25)]))
    x: X
      VERDICT: fine
    <BLANKLINE>
    verdicts:
      x (1.2 s): fine
    """
    blocks = [str(r) for r in results]
    tail = ["verdicts:"] + [f"  {r.name} ({r.seconds:.1f} s): {r.verdict}" for r in results]
    return "\n\n".join(blocks) + "\n\nverdicts:\n" + "\n".join(tail[1:])
