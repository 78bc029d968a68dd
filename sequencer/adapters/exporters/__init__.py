"""Exporters: a sequence as M3U8, XSPF, JSON or CSV text, and atomic writes of it.

Every format is one module with the same function, ``render(sequence, *, name=None) -> str``
(``name`` = the playlist's title, default the profile's name).  This package picks one by name
and writes files atomically (:mod:`.write`), so an interrupted export never leaves half a file.

Public: :data:`FORMATS`, :data:`SUFFIXES`, :func:`render`, :func:`write_export`,
:func:`format_for_path`, :func:`check_format`, :func:`output_format`, :func:`output_target`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from sequencer.adapters.exporters import csv, json, jspf, m3u8, xspf
from sequencer.adapters.exporters.write import atomic_write_text, check_target
from sequencer.core.sequence import Sequence
from sequencer.errors import InputFileError

#: Export formats, by name.
FORMATS: tuple[str, ...] = ("m3u8", "xspf", "json", "csv", "jspf")

#: File suffix → format.
SUFFIXES: dict[str, str] = {
    ".m3u": "m3u8",
    ".m3u8": "m3u8",
    ".xspf": "xspf",
    ".json": "json",
    ".csv": "csv",
    ".jspf": "jspf",
}

_RENDERERS: dict[str, Callable[..., str]] = {
    "m3u8": m3u8.render,
    "xspf": xspf.render,
    "json": json.render,
    "csv": csv.render,
    "jspf": jspf.render,
}


def check_format(fmt: str) -> str:
    """The canonical format name for ``fmt`` ("M3U" → "m3u8"), or InputFileError listing them."""
    name = fmt.strip().lower().lstrip(".")
    if name == "m3u":
        return "m3u8"
    if name in _RENDERERS:
        return name
    close = difflib.get_close_matches(name, FORMATS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InputFileError(f"unknown export format {fmt!r}", hint=f"{hint}use one of: {', '.join(FORMATS)}")


def render(sequence: Sequence, fmt: str, *, name: str | None = None) -> str:
    """The sequence as text in format ``fmt`` (one of :data:`FORMATS`)."""
    return _RENDERERS[check_format(fmt)](sequence, name=name)


def write_export(sequence: Sequence, fmt: str, path: Path, *, name: str | None = None) -> None:
    """Render and write atomically to ``path``; on any failure ``path`` is left as it was."""
    text = render(sequence, fmt, name=name)
    atomic_write_text(Path(path), text)


def format_for_path(path: Path | str) -> str | None:
    """The format a file name asks for by its suffix (case-insensitive), or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def output_format(fmt: str | None, path: Path) -> str:
    """The format to write ``path`` in: ``fmt`` when given, else from its suffix, else an
    InputFileError saying how to name it."""
    if fmt is not None:
        return check_format(fmt)
    found = format_for_path(path)
    if found is None:
        raise InputFileError(
            f"cannot tell the format of {path.name} from its suffix",
            hint=f"add --format {'|'.join(FORMATS)} or use a name ending in .m3u8, .xspf, .json, .csv or .jspf",
        )
    return found


#: The ``-o`` name that means standard output.
STDOUT = "-"


def output_target(fmt: str | None, path: Path | None) -> tuple[str | None, Path | None]:
    """The (format, file) a ``--format``/``-o`` pair asks for, checked before any work is done.

    ``-o -`` means standard output: the file is None and ``--format`` is required.  A real file
    gets its format from ``fmt`` or its suffix and must be writable (its folder exists), so a
    typo fails at once rather than after a long build.  Without ``-o`` the file is None and the
    format is ``fmt`` (checked) or None.
    """
    if path is None:
        return (check_format(fmt) if fmt is not None else None), None
    if str(path) == STDOUT:
        if fmt is None:
            raise InputFileError(
                "-o - writes to standard output, but in which format?",
                hint=f"add --format {'|'.join(FORMATS)}",
            )
        return check_format(fmt), None
    resolved = output_format(fmt, path)
    check_target(path)
    return resolved, path
