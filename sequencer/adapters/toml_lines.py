"""Reading user-edited TOML files with line numbers for every key.

``tomllib`` parses but forgets where things were; users tuning a profile by hand need
``night-drive.toml:12``.  :func:`read_toml` parses a file and returns, beside the data, a
``locate(path)`` function mapping a key path such as ``("arc", "points")`` to its line.

The locator scans the text for table headers (``[a.b]``) and ``key =`` lines, including keys of
inline tables and dotted keys.  It only ever improves a message: a key it cannot place is
reported against the file without a line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sequencer.errors import InputFileError, Problem

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=""")
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*""")
_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")

Locate = Callable[[tuple[str, ...]], int | None]


def _split_key(text: str) -> tuple[str, ...]:
    parts = []
    for raw in text.split("."):
        match = _PART.fullmatch(raw)
        if match is None:
            return ()
        parts.append(match.group(1).strip("\"'"))
    return tuple(parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path in ``text`` to the (1-based) line where it is defined."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = table + _split_key(key.group(1))
            lines.setdefault(path, number)
            # keys of an inline table on the same line: a = { b = 1, c = 2 }
            rest = line[key.end() :]
            if rest.lstrip().startswith("{"):
                for inner in re.finditer(r"([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=", rest):
                    lines.setdefault((*path, inner.group(1).strip('"')), number)
    return lines


def make_locator(text: str) -> Locate:
    """A ``locate(path)`` for ``text``: the key's line, else its nearest enclosing table's."""
    lines = key_lines(text)

    def locate(path: tuple[str, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            found = lines.get(path[:end])
            if found is not None:
                return found
        return None

    return locate


_DECLARED_TWICE = re.compile(r"^Cannot declare \((.*)\) twice$")


def _said_twice(text: str, detail: str, line: int | None) -> tuple[str, str] | None:
    """(message, hint) for a key or table written twice, naming it and its first line (tomllib
    says only "Cannot overwrite a value", and a hint about quotes misled); None for other errors."""
    if line is None:
        return None
    before = "\n".join(text.splitlines()[: line - 1])
    declared = _DECLARED_TWICE.match(detail)
    if declared:
        table = tuple(part.strip().strip("'\"") for part in declared.group(1).split(",") if part.strip())
        name = ".".join(table)
        first = key_lines(before).get(table)
        where = f" (first on line {first})" if first else ""
        return f"[{name}] appears twice{where}", f"put all of [{name}]'s keys under one [{name}] header"
    if detail != "Cannot overwrite a value":
        return None
    path = _key_path_at(text, line)
    if not path:
        return None
    first = key_lines(before).get(path)
    where = f" (first on line {first})" if first else ""
    return f"{'.'.join(path)} is set twice{where}", "keep one of the two lines: a key may be set only once"


def _key_path_at(text: str, line: int) -> tuple[str, ...]:
    """The full path of the ``key =`` on ``line`` (its table's path first), () when none is."""
    table: tuple[str, ...] = ()
    for number, content in enumerate(text.splitlines()[:line], start=1):
        header = _HEADER.match(content)
        if header:
            table = _split_key(header.group(1))
            continue
        key = _KEY.match(content)
        if number == line and key:
            return table + _split_key(key.group(1))
    return ()


#: Quotes a word processor or phone keyboard puts where TOML needs ``"`` or ``'``.
_CURLY_QUOTES = "“”„‟«»‘’‚‛"
#: ``key = word``: a string value written without quotes.
_BARE_WORD = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z][^\"'#\[\]{}]*?)\s*(#.*)?$")


def _syntax_hint(text: str, line: int | None, *, show_values: bool = True) -> str:
    """The fix for a syntax error on ``line``: curly quotes, a string left open, a word without
    quotes (its value shown only with ``show_values``: a settings file's may be a password),
    else the general advice."""
    content = text.splitlines()[line - 1] if line is not None and 0 < line <= len(text.splitlines()) else ""
    code = content.split(" #", 1)[0]
    if any(quote in code for quote in _CURLY_QUOTES):
        return "write straight quotes \" (or ') instead of curly ones “ ” on that line"
    if code.count('"') % 2 == 1 and '"""' not in code:
        return 'a string on that line is not closed: end it with " on the same line'
    bare = _BARE_WORD.match(content)
    if bare and bare.group(2).lower() not in ("true", "false", "inf", "nan"):
        return f'strings need quotes: {bare.group(1)} = "{bare.group(2) if show_values else "…"}"'
    return "check quotes, brackets and `key = value` syntax on that line (strings need quotes, lists need [ ])"


def parse_toml(text: str, source: str, *, show_values: bool = True) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes an :class:`InputFileError` at ``source:line``
    (``show_values=False``: its hint never repeats a value of the file, which may be a secret)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_ERROR_AT.search(message)
        where = f"{source}:{match.group(1)}" if match else source
        detail = _TOML_ERROR_AT.sub("", message).strip()
        twice = _said_twice(text, detail, int(match.group(1)) if match else None)
        if twice is not None:
            raise InputFileError(twice[0], hint=twice[1], source=where) from None
        raise InputFileError(
            f"not valid TOML: {detail}",
            hint=_syntax_hint(text, int(match.group(1)) if match else None, show_values=show_values),
            source=where,
        ) from None
    except RecursionError:
        raise InputFileError(
            "TOML nested too deeply to read (lists or tables inside each other hundreds of levels deep)",
            hint="a profile or moods file needs at most a list of pairs: [[0.0, 0.4], [1.0, 0.6]]",
            source=source,
        ) from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        raise InputFileError(
            f"not valid TOML: {exc}".split("; use sys.")[0],
            hint="write numbers of a reasonable size",
            source=source,
        ) from None


#: The largest profile or moods file read: they are kilobytes; a bigger file is a wrong path
#: (an audio file, a symlink to /dev/zero), read whole it could fill the memory.
MAX_TEXT_BYTES = 4 * 1024 * 1024


def read_text(path: Path) -> str:
    """Read a user's text file as UTF-8, with a clear error when it cannot be read or is far
    larger than any profile or moods file (:data:`MAX_TEXT_BYTES`)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise InputFileError(
                f"{path} is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB: not a profile or moods file",
                hint="check the path: a profile or moods file is a few kilobytes of TOML",
            )
        return raw.decode("utf-8-sig")  # -sig: a BOM from Windows editors is dropped
    except FileNotFoundError:
        raise InputFileError(f"no such file: {path}", hint="check the path") from None
    except IsADirectoryError:
        raise InputFileError(f"{path} is a folder, not a file", hint="give the path of a file in it") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}", hint="check permissions") from None


def read_toml(path: Path) -> tuple[dict[str, Any], Locate]:
    """Parse a TOML file and return its data with a key → line locator."""
    text = read_text(path)
    return parse_toml(text, str(path)), make_locator(text)


def problem_at(source: str, line: int | None, message: str, hint: str | None = None) -> Problem:
    """A :class:`Problem` at ``source:line`` (or just ``source`` when the line is unknown)."""
    return Problem(f"{source}:{line}" if line else source, message, hint)
