#!/usr/bin/env python
"""Regenerate figures/methods.png and print the numbers behind its claim.

Usage: .venv/bin/python experiments/methods.py [--quick] [--out DIR]

The question, the seeds and the measurements are in paretolab/experiments/methods.py; this
script only runs it.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paretolab.experiments import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main("methods", ROOT / "figures"))
