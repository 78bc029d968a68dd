"""Tab completion of values: profile names, and track names from the library.

Used as click ``shell_complete`` callbacks.  They run only when the shell asks for completions
(``_MOODSEQ_COMPLETE=…``), so they may open the library; importing this module stays light
(nothing heavy at the top), because every command that uses it is imported for ``--help``.
At completion time the root command's callback has not run, so the library is found from the
``--library`` already typed, else the environment, as :class:`AppContext` would.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem

#: Most track names offered at once (a shell list longer than this helps nobody).
MAX_TRACKS = 50


def _env() -> dict[str, str]:
    return dict(os.environ)


def complete_profiles(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Built-in and user profile names starting with what was typed (files when it looks like a path)."""
    if "/" in incomplete or incomplete.endswith(".toml"):
        return [CompletionItem(incomplete, type="file")]
    from sequencer.adapters import paths
    from sequencer.adapters.profiles_toml import discover

    names = discover(paths.user_profiles_dir(_env()))
    return [
        CompletionItem(name, help="built-in" if item.builtin else str(item.path))
        for name, item in sorted(names.items())
        if name.startswith(incomplete)
    ]


def _library_path(ctx: click.Context) -> Path:
    from sequencer.adapters import paths

    typed = ctx.find_root().params.get("library")
    return Path(typed) if typed else paths.default_library_path(_env())


def complete_tracks(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Track names ("Artist - Title") of the library containing what was typed; none without one.

    For ``--keep`` a sequence file or a position may be typed instead; a ``.json`` path completes
    as a file.
    """
    if incomplete.endswith(".json") or "/" in incomplete:
        return [CompletionItem(incomplete, type="file")]
    path = _library_path(ctx)
    if not path.is_file() or not incomplete.strip():
        return []
    from sequencer.adapters.library.store import Store
    from sequencer.errors import MoodseqError

    try:
        with Store.open(path, read_only=True) as store:
            tracks = store.search(text=incomplete, limit=MAX_TRACKS)
    except MoodseqError:
        return []
    return [CompletionItem(name) for name in dict.fromkeys(t.name for t in tracks)]


def complete_pushed(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Names of the playlists pushed before (what `moodseq refresh` takes), and their profiles."""
    path = _library_path(ctx)
    if not path.is_file():
        return []
    from sequencer.adapters.library.history import push_targets
    from sequencer.adapters.library.store import Store
    from sequencer.errors import MoodseqError

    try:
        with Store.open(path, read_only=True) as store:
            targets = push_targets(store)
    except MoodseqError:
        return []
    names = dict.fromkeys([*(t.target for t in targets), *(t.last.profile for t in targets)])
    return [CompletionItem(name) for name in names if name.lower().startswith(incomplete.lower())]
