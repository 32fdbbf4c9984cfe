"""Regenerate figures/model_concavity.png: ``python experiments/model_concavity.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/model_concavity.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
