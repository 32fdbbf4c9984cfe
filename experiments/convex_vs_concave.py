#!/usr/bin/env python
"""Regenerate figures/convex_vs_concave.png and print the numbers behind its claim.

Usage: .venv/bin/python experiments/convex_vs_concave.py [--quick] [--out DIR]

The question, the seeds and the measurements are in paretolab/experiments/convex_vs_concave.py; this script
only runs it (fixed seeds inside) and prints the result.
"""

import argparse
import logging
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from paretolab.experiments import run_experiments  # noqa: E402

NAME = "convex_vs_concave"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run in seconds (rougher numbers)")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "figures"),
                        help="folder for the figure (default: the repository's figures/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    (result,) = run_experiments([NAME], args.out, quick=args.quick, progress=True)
    print(result)
    print(f"  ({result.seconds:.1f} s{', quick' if result.quick else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
