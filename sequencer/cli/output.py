"""Confirmations of work done, the one kind of stdout line that ``--quiet`` drops.

A command's requested output (a table, a listing, an export) is printed with ``click.echo``;
a line that only confirms what a command did ("created …", "Imported …: 12 tracks") is
printed through :func:`confirm`, so ``--quiet`` leaves nothing but errors and requested output.

It also resolves ``--format``/``-o`` pairs the same way for every command that exports
(:func:`output_target`), noting when ``--format`` overrides what the file name says.

Public: :func:`confirm`, :func:`output_target`, :func:`refuse_overwriting`, :func:`reader_may_leave`,
:func:`plural`, :func:`playlist_name`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    refuse_overwriting(app, output, "-o")
    named = exporters.format_for_path(output) if output is not None else None
    if fmt is not None and named is not None and named != fmt:
        app.say(f"note: writing {fmt} into {output}, whose suffix says {named} (--format wins)")
    return fmt, output


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """Around what a command prints before it writes its files and pushes: a reader that stops
    reading (``moodseq build … -o night.m3u8 | head``) closes the pipe, and the next print raised
    BrokenPipeError, so the file was never written. Output to the closed pipe is dropped from
    then on (standard error too when it is the same pipe) and the command goes on."""
    try:
        yield
    except BrokenPipeError:
        _drop_closed_output()


def _drop_closed_output() -> None:
    """Point standard output (and standard error, when it is the same pipe) at /dev/null."""
    import io
    import os
    import sys

    try:
        out = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # not a real file (tests)
        return
    targets = [out]
    try:
        err = sys.stderr.fileno()
        if os.path.sameopenfile(out, err):
            targets.append(err)
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in targets:
        os.dup2(devnull, fd)
    os.close(devnull)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links and ``..`` too)."""
    try:
        return a.samefile(b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def refuse_overwriting(app: AppContext, target: Path | None, option: str, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output file that is the library or one of the command's own input files,
    before anything is read: `build --format json -o library.db` replaced the library with a
    playlist, `import csv songs.csv --skipped songs.csv` the input with its problems."""
    if target is None:
        return
    from sequencer.errors import OutputFileError

    if _same_file(target, app.library_path):
        raise OutputFileError(
            f"{option} {target} is your library: writing there would destroy it", hint="choose another file name"
        )
    for path in inputs:
        if _same_file(target, path):
            raise OutputFileError(
                f"{option} {target} is a file this command reads: writing there would replace it",
                hint="choose another file name",
            )


def playlist_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--name`` checked: a blank name would make a playlist nobody can find ("  ")."""
    if value is not None and not value.strip():
        raise click.BadParameter("a playlist name must not be blank (leave --name out for the default)")
    return value.strip() if value is not None else None
