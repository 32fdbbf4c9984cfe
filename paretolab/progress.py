"""Progress of long work on stderr (tqdm), the same way everywhere: also when stderr is not a
terminal (a log file or CI shows it too), never on stdout, never from a library ``print``."""

from __future__ import annotations

import sys

__all__ = ["progress_bar"]


def progress_bar(progress, total: int, *, initial: int = 0, desc: str = "", unit: str = "run"):
    """``(update, close)`` for a unit of work counted up to ``total``.

    ``progress``: None or True, a tqdm bar on stderr; False, nothing; a callable, called as
    ``progress(done, total)``. ``update(done, **postfix)`` sets the count (and the bar's
    postfix, e.g. ``failed=2``); ``close()`` ends the bar.

    >>> seen = []
    >>> update, close = progress_bar(lambda done, total: seen.append((done, total)), 10)
    >>> update(4, failed=1); close(); seen
    [(4, 10)]
    """
    if callable(progress):
        def update(done, **postfix):
            progress(done, total)
        return update, lambda: None
    if progress is False:
        return (lambda done, **postfix: None), (lambda: None)
    if progress not in (None, True):
        from paretolab.errors import ParetolabError

        raise ParetolabError(f"progress: expected None, True, False or a callable progress(done, total), got "
                             f"{progress!r}")
    from tqdm.auto import tqdm

    bar = tqdm(total=total, initial=initial, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
               leave=True, mininterval=0.5, unit_scale=unit != "run")

    def update(done, **postfix):
        if postfix:
            bar.set_postfix(refresh=False, **postfix)
        bar.update(done - bar.n)  # redraws at most every mininterval seconds
    return update, bar.close

