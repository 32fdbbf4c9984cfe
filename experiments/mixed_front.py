"""Regenerate figures/mixed_front.png: ``python experiments/mixed_front.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/mixed_front.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
