"""Regenerate figures/three_objectives.png: ``python experiments/three_objectives.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/three_objectives.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
