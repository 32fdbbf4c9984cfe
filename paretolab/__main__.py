"""``python -m paretolab``: the same command line as the ``paretolab`` script."""

from paretolab.cli import main

raise SystemExit(main())
