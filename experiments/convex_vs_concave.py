"""Regenerate figures/convex_vs_concave.png: ``python experiments/convex_vs_concave.py [--quick] [--out DIR]``.

The question, seeds and measurements are in paretolab/experiments/convex_vs_concave.py."""
from paretolab.experiments import script

if __name__ == "__main__":
    raise SystemExit(script(__file__))
