"""Command line: ``paretolab`` and ``python -m paretolab``. Thin calls into the library."""

from __future__ import annotations

import argparse
import sys

import numpy as np

import paretolab
from paretolab import front as F


def _demo_fronts() -> dict[str, tuple[str, np.ndarray]]:
    """Analytic fronts for the demo, each sampled at 201 points."""
    t = np.linspace(0.0, np.pi / 2, 201)
    s = np.linspace(-1.0, 1.0, 201)
    return {
        "convex": ("quarter circle bulging towards the origin", np.c_[1 - np.cos(t), 1 - np.sin(t)]),
        "concave": ("quarter circle bulging away from the origin", np.c_[np.sin(t), np.cos(t)]),
        "fonseca": (
            "Fonseca-Fleming: convex end caps around a concave middle",
            np.c_[1 - np.exp(-((s - 1) ** 2)), 1 - np.exp(-((s + 1) ** 2))],
        ),
    }


def demo(out=sys.stdout) -> int:
    """Print what a weighted sum reaches on a convex, a concave and a mixed front."""
    for name, (what, points) in _demo_fronts().items():
        front = F.pareto_front(points)
        supported = F.is_supported(front)
        regions = F.concave_regions(front)
        balanced = front[F.balanced_point(front)]
        print(f"{name}: {what}", file=out)
        print(
            f"  {len(front)} front points, {supported.sum()} supported (reachable by some alpha), "
            f"balanced point L0={balanced[0]:.3f} L1={balanced[1]:.3f}",
            file=out,
        )
        if not regions:
            print("  no concave region: every trade-off is reachable by tuning alpha", file=out)
        for r in regions:
            core = front[r.core]
            print(
                f"  concave region: points {r.start}..{r.stop - 1}, {r.share:.0%} of the front, "
                f"depth {r.depth:.3f}; a weighted sum jumps from ({r.left[0]:.3f}, {r.left[1]:.3f}) "
                f"to ({r.right[0]:.3f}, {r.right[1]:.3f}) at alpha* = {r.alpha:.4g}",
                file=out,
            )
            if len(core):
                print(
                    f"    locally concave core (no alpha, no initialisation reaches it): "
                    f"L0 from {core[0, 0]:.3f} to {core[-1, 0]:.3f}",
                    file=out,
                )
        print(file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paretolab",
        description="Pareto analysis of combined losses L = L0 + alpha*L1: "
        "which trade-offs a weighted sum can reach, and where it jumps.",
    )
    parser.add_argument("--version", action="version", version=f"paretolab {paretolab.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="concave regions and critical alphas of a convex, a concave and a mixed front"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
