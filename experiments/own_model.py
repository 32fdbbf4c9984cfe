"""Regenerate figures/own_model.png: ``python experiments/own_model.py [--quick] [--out DIR]``.

The question, the training function and the measurements are in paretolab/experiments/own_model.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
