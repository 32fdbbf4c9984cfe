"""Regenerate figures/methods.png: ``python experiments/methods.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/methods.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
