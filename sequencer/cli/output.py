"""Confirmations of work done, the one kind of stdout line that ``--quiet`` drops.

A command's requested output (a table, a listing, an export) is printed with ``click.echo``;
a line that only confirms what a command did ("created …", "Imported …: 12 tracks") is
printed through :func:`confirm`, so ``--quiet`` leaves nothing but errors and requested output.

It also resolves ``--format``/``-o`` pairs the same way for every command that exports
(:func:`output_target`), noting when ``--format`` overrides what the file name says.

Public: :func:`confirm`, :func:`output_target`, :func:`plural`, :func:`playlist_name`.
"""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.context import AppContext


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and ``word`` agreeing in number: ``1 track``, ``2 tracks``, ``1,204 rows``
    (``words``: the plural when it is not ``word + "s"``)."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def confirm(app: AppContext, message: str) -> None:
    """Print ``message`` on stdout unless ``--quiet`` was given."""
    if not app.quiet:
        click.echo(message)


def output_target(app: AppContext, fmt: str | None, output: Path | None) -> tuple[str | None, Path | None]:
    """:func:`sequencer.adapters.exporters.output_target` (``-o -`` is stdout; the file checked
    before any work), plus a note when ``--format`` disagrees with the file's suffix."""
    from sequencer.adapters import exporters

    fmt, output = exporters.output_target(fmt, output)
    named = exporters.format_for_path(output) if output is not None else None
    if fmt is not None and named is not None and named != fmt:
        app.say(f"note: writing {fmt} into {output}, whose suffix says {named} (--format wins)")
    return fmt, output


def playlist_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--name`` checked: a blank name would make a playlist nobody can find ("  ")."""
    if value is not None and not value.strip():
        raise click.BadParameter("a playlist name must not be blank (leave --name out for the default)")
    return value.strip() if value is not None else None
