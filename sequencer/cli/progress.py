"""Progress bars for long work: rich on stderr when it is a terminal, silent otherwise.

Core and adapter functions take an optional ``progress(done, total)`` callback and know nothing
of terminals; commands pass the callback this module makes::

    with progress_bar(app, "Importing", total=n) as advance:
        import_rows(rows, progress=advance)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sequencer.cli.context import AppContext

Progress = Callable[[int, int], None]


def _noop(done: int, total: int) -> None:
    """A progress callback that shows nothing."""


@contextmanager
def progress_bar(app: AppContext, label: str, total: int | None = None) -> Iterator[Progress]:
    """Yield a ``progress(done, total)`` callback drawing a bar on stderr (TTY only)."""
    if app.quiet or app.plain or not sys.stderr.isatty():
        yield _noop
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with RichProgress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def update(done: int, new_total: int) -> None:
            bar.update(task, completed=done, total=new_total)

        yield update
