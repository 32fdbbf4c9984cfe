"""Regenerate figures/search.png: ``python experiments/search.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/search.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
