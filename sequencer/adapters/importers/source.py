"""Reading an input file's text: gzip, byte-order marks and guessing the encoding.

UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such.  Text that is not valid
UTF-8 is decoded as Windows-1252 (what spreadsheet programs on Windows write), and if even
that fails, as Latin-1, which decodes any byte; the returned note tells the user which was
used, so a wrong guess is visible rather than silent.

Inputs are capped at :data:`MAX_TEXT_BYTES` of text (after decompression): a 580 KB gzip that
unpacks to hundreds of megabytes is refused with a one-line error instead of taking gigabytes.

Public: :class:`SourceText`, :func:`read_source`, :data:`MAX_TEXT_BYTES`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sequencer.errors import InputFileError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""An old Excel (.xls) file's first bytes."""


@dataclass(frozen=True)
class SourceText:
    """The decoded text of an input file and how it was read."""

    text: str
    encoding: str
    compressed: bool
    note: str | None = None
    """A remark for the user (e.g. "not UTF-8: read as Windows-1252")."""


#: Most bytes of text read from one input, after decompression: far above any real track list
#: (the 32,833-row shared catalog is 8 MB), low enough that a gzip bomb cannot take the machine.
MAX_TEXT_BYTES = 256 * 1024 * 1024


#: Spreadsheet files people hand to `import csv` (binary: they must be saved as CSV first).
SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})


def _too_big(path: Path, what: str) -> InputFileError:
    return InputFileError(
        f"{path} {what} more than {MAX_TEXT_BYTES // (1024 * 1024)} MB of text, the most moodseq reads from one file",
        hint="split it into smaller files and import them one after another",
    )


def _inflate(raw: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The decompressed bytes of gzip ``raw`` (one member or several) in pieces of ``chunk``."""
    data = raw
    while data:
        inflater = zlib.decompressobj(wbits=31)
        piece = inflater.decompress(data, chunk)
        while piece:
            yield piece
            piece = inflater.decompress(inflater.unconsumed_tail, chunk)
        if not inflater.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        data = inflater.unused_data.lstrip(b"\x00")


#: Decompressed pieces are kept while they add up to at most this; a bigger input is measured
#: to the end first (constant memory) and decompressed a second time only if it is allowed.
KEEP_WHILE_INFLATING = 32 * 1024 * 1024


def _gunzip(path: Path, raw: bytes) -> bytes:
    """Decompress gzip ``raw``, refusing more than :data:`MAX_TEXT_BYTES`: measured in pieces
    (memory bounded by :data:`KEEP_WHILE_INFLATING`), so a bomb is refused without ever being
    held; a usual input is decompressed once."""
    total = 0
    pieces: list[bytes] | None = []
    for piece in _inflate(raw):
        total += len(piece)
        if total > MAX_TEXT_BYTES:
            raise _too_big(path, "decompresses to")
        if pieces is not None:
            pieces.append(piece)
            if total > KEEP_WHILE_INFLATING:
                pieces = None  # measure the rest without holding it
    return b"".join(pieces) if pieces is not None else b"".join(_inflate(raw))


def _read_bytes(path: Path) -> tuple[bytes, bool]:
    """The file's bytes, decompressed when they are gzip (by content, not by name)."""
    try:
        with path.open("rb") as handle:  # bounded: a pipe (<(zcat …)) has no size to check first
            raw = handle.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise _too_big(path, "holds")
    except FileNotFoundError:
        if str(path) == "-":  # as `-o -` writes to standard output
            raise InputFileError(
                "- names no file here", hint="to read standard input, name it: moodseq import csv /dev/stdin < FILE"
            ) from None
        raise InputFileError(f"{path} does not exist", hint="check the path") from None
    except IsADirectoryError:
        raise InputFileError(
            f"{path} is a folder", hint="give a CSV/TSV/JSON file (or use `moodseq import files DIR`)"
        ) from None
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}", hint="check permissions") from None
    if Path(path).suffix.lower() in SPREADSHEETS and raw.startswith((ZIP_MAGIC, OLE_MAGIC)):  # not a renamed CSV
        raise InputFileError(
            f"{path} is a spreadsheet",
            hint="save it as CSV from your spreadsheet program (File › Save as / Download › CSV), then import that",
        )
    if raw.startswith(ZIP_MAGIC):
        raise InputFileError(
            f"{path} is a zip archive",
            hint=f"unzip it, then import its files: moodseq import csv {path.with_suffix('')}/*.csv",
        )
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    try:
        return _gunzip(path, raw), True
    except (OSError, EOFError, zlib.error) as error:
        raise InputFileError(
            f"{path} looks gzip-compressed but cannot be decompressed ({error})",
            hint="the download may be incomplete; fetch the file again",
        ) from None


def decode(raw: bytes) -> tuple[str, str, str | None]:
    """Decode bytes: (text, encoding, note).  Never fails (Latin-1 decodes every byte)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError as error:
        where = f"byte {error.start}"
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding, f"not valid UTF-8 (first bad {where}): read as {label}"
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_source(path: Path) -> SourceText:
    """Read ``path`` (gzip accepted) into text; InputFileError if it cannot be read or is binary."""
    raw, compressed = _read_bytes(path)
    text, encoding, note = decode(raw)
    if "\x00" in text[:4096]:
        raise InputFileError(
            f"{path} is not a text file (it contains NUL bytes)",
            hint="give a CSV, TSV or JSON file; audio files are imported with `moodseq import files`",
        )
    return SourceText(text=text, encoding=encoding, compressed=compressed, note=note)
