"""Regenerate figures/mlp.png: ``python experiments/mlp.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/mlp.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
