#!/usr/bin/env python
"""Regenerate figures/mixed_front.png and print the numbers behind its claim.

Usage: .venv/bin/python experiments/mixed_front.py [--quick] [--out DIR]

The question, the seeds and the measurements are in paretolab/experiments/mixed_front.py; this
script only runs it.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paretolab.experiments import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main("mixed_front", ROOT / "figures"))
