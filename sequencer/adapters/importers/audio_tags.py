"""Local audio files' tags → import records (mutagen).

Read from every format mutagen knows (ID3 in MP3/WAV/AIFF, Vorbis comments in FLAC/Ogg/Opus,
MP4 atoms): title, artist, album, duration (from the audio stream), ISRC, BPM, initial key
(``Am``, ``C#``, Camelot ``8A``), genre, mood, and Mixed In Key's energy level (its
``EnergyLevel`` tag, or ``Energy 7`` in the comment).  Values are validated exactly like a
CSV row's (:func:`~sequencer.adapters.importers.values.row_to_record`): mood words the
vocabulary knows become moods with source "tag", other words and genres become crowd tags.

A file without title tag uses its name (``Artist - Title.mp3`` gives both).  Files mutagen
cannot read are skipped and listed with the reason.

Public: :data:`AUDIO_EXTENSIONS`, :func:`find_audio_files`, :func:`tags_of`,
:func:`read_audio_files`, :func:`import_audio_files`, :func:`not_regular`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer.adapters.importers.records import ImportRecord, ImportReport, RowProblem
from sequencer.adapters.importers.values import RowContext, row_to_record
from sequencer.adapters.library.import_writer import gc_paused
from sequencer.core.moods import MoodVocabulary, default_vocabulary
from sequencer.errors import InputFileError

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Progress, Store

AUDIO_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".mp3",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".m4a",
        ".mp4",
        ".aac",
        ".wav",
        ".aif",
        ".aiff",
        ".wma",
        ".ape",
        ".wv",
        ".mpc",
    }
)

#: ID3 frame → our tag name.
_ID3 = {
    "TIT2": "title",
    "TPE1": "artist",
    "TALB": "album",
    "TSRC": "isrc",
    "TBPM": "bpm",
    "TKEY": "initialkey",
    "TCON": "genre",
    "TMOO": "mood",
}
#: MP4 atom → our tag name.
_MP4 = {"©nam": "title", "©ART": "artist", "©alb": "album", "tmpo": "bpm", "©gen": "genre", "©cmt": "comment"}
_ENERGY_COMMENT = re.compile(r"\benergy\s*[:=]?\s*(\d{1,2})\b", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"^\s*(?:\d+[\s.\-_]+)?(.+?)\s+-\s+(.+?)\s*$")


def not_regular(path: Path) -> str | None:
    """Why ``path`` (links followed) is not a regular file to read — "a FIFO", "a device", … —
    or None when it is one.  Reading a FIFO or /dev/zero named ``.mp3`` would never end."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def find_audio_files(root: Path) -> list[Path]:
    """Audio files under ``root`` (or ``root`` itself), sorted, hidden folders skipped.  Names
    that are not regular files (FIFOs, devices, links to them) are kept here and skipped, with
    the reason, when read."""
    if not root.is_dir():
        if not root.exists():
            raise InputFileError(f"{root} does not exist", hint="give a folder of audio files")
        reason = not_regular(root)
        if reason is not None:
            raise InputFileError(f"{root} {reason}", hint="give a folder of audio files or one audio file")
        return [root]
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(folder) / name
            for name in files
            if Path(name).suffix.lower() in AUDIO_EXTENSIONS and not name.startswith(".")
        )
    return sorted(found)


def _texts(value: Any) -> list[str]:
    """A tag value (frame, list, atom, bytes) as a list of strings."""
    if value is None:
        return []
    if hasattr(value, "text"):
        return [str(t) for t in value.text]
    if isinstance(value, bytes):
        return [value.decode("utf-8", "replace")]
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for item in value:
            out.extend(_texts(item))
        return out
    return [str(value)]


def tags_of(audio: Any) -> dict[str, list[str]]:
    """The tags of a mutagen file as lower-case name → values, whatever the tag format."""
    found: dict[str, list[str]] = {}
    tags = getattr(audio, "tags", None)
    if tags is None:
        return found
    for raw_key in list(tags.keys()):
        key = str(raw_key)
        value = tags[raw_key]
        if key == "UFID:http://musicbrainz.org":  # why: Picard's recording id in ID3
            found.setdefault("musicbrainz_trackid", []).append(getattr(value, "data", b"").decode("ascii", "replace"))
            continue
        if key[:4] in _ID3:
            name = _ID3[key[:4]]
        elif key.startswith("TXXX:"):
            name = key[5:].casefold()
        elif key.startswith("COMM"):
            name = "comment"
        elif key in _MP4:
            name = _MP4[key]
        elif key.startswith("----:"):
            name = key.rsplit(":", 1)[-1].casefold()
        else:
            name = key.casefold()
        found.setdefault(name, []).extend(t for t in _texts(value) if t.strip())
    return found


def _energy_level(tags: dict[str, list[str]]) -> str | None:
    """Mixed In Key's energy level: its own tag, else ``Energy N`` in a comment."""
    for name in ("energylevel", "energy level", "energy"):
        if tags.get(name):
            return tags[name][0]
    for comment in tags.get("comment", []):
        found = _ENERGY_COMMENT.search(comment)
        if found:
            return found.group(1)
    return None


def _values(path: Path, audio: Any, tags: dict[str, list[str]]) -> dict[str, str]:
    """The row cells (as a CSV would have them) for one file."""

    def first(*names: str) -> str | None:
        """The first value of the first of ``names`` that the file has."""
        for name in names:
            if tags.get(name):
                return tags[name][0]
        return None

    title, artist = first("title"), first("artist", "albumartist", "album artist")
    if title is None:
        guessed = _NAME_SPLIT.match(path.stem)
        if guessed and artist is None and not guessed.group(1).strip().isdigit():
            artist, title = guessed.group(1), guessed.group(2)
        else:
            title = path.stem
    values: dict[str, str] = {"title": title or "", "artist": artist or ""}
    length = getattr(getattr(audio, "info", None), "length", None)
    if length:
        values["duration"] = f"{float(length):.3f}"
    optional = {
        "album": first("album"),
        "isrc": first("isrc", "tsrc"),
        "mbid": first("musicbrainz_trackid", "musicbrainz track id"),
        "tempo": first("bpm", "tempo"),
        "key": first("initialkey", "key", "initial key"),
        "energy_level": _energy_level(tags),
    }
    values.update({k: v for k, v in optional.items() if v})
    if tags.get("genre"):
        values["genre"] = "; ".join(tags["genre"])
    if tags.get("mood"):
        values["tags"] = "; ".join(tags["mood"])
    return values


def read_audio_file(path: Path, ctx: RowContext) -> tuple[ImportRecord | None, list[RowProblem]]:
    """One file → (record or None, problems); never raises for a bad file."""
    import mutagen

    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "replace").decode("utf-8")
        return None, [RowProblem(0, f"{shown}: the file name is not valid UTF-8 (rename the file)")]
    reason = not_regular(path)
    if reason is not None:
        return None, [RowProblem(0, f"{path}: {reason}; skipped")]
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError, EOFError) as error:
        return None, [RowProblem(0, f"{path}: not a readable audio file ({error})")]
    if audio is None:
        return None, [RowProblem(0, f"{path}: not a readable audio file (unknown format)")]
    result = row_to_record(_values(path, audio, tags_of(audio)), 0, ctx)
    problems = [RowProblem(0, f"{path}: {p.message}") for p in result.warnings]
    if result.record is None:
        reason = result.skip.message if result.skip else "unreadable"
        if reason in ("no artist", "no title and artist"):  # an untagged file (WAV files often are)
            reason += f' tag (tag it, e.g. with MusicBrainz Picard, or name the file "Artist - Title{path.suffix}")'
        return None, [*problems, RowProblem(0, f"{path}: {reason}")]
    track = result.record.track.evolve(path=str(path.resolve()))
    return ImportRecord(track=track, tags=result.record.tags, tag_source="file"), problems


def read_audio_files(
    paths: Iterable[Path],
    *,
    vocabulary: MoodVocabulary | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ImportRecord], ImportReport]:
    """Read many files' tags; skipped files and dropped values are in the report."""
    files = list(paths)
    ctx = RowContext(vocabulary=vocabulary or default_vocabulary(), duration_unit="s")
    report = ImportReport(rows_read=len(files))
    records: list[ImportRecord] = []
    with gc_paused():
        for done, path in enumerate(files, start=1):
            record, problems = read_audio_file(path, ctx)
            if record is None:
                report.skipped.append(problems[-1])
                report.warnings.extend(problems[:-1])
            else:
                records.append(record)
                report.warnings.extend(problems)
            if progress is not None and (done % 50 == 0 or done == len(files)):
                progress(done, len(files))
    return records, report


def import_audio_files(
    store: Store,
    root: Path,
    *,
    vocabulary: MoodVocabulary | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every audio file under ``root`` into ``store``."""
    files = find_audio_files(root)
    records, report = read_audio_files(files, vocabulary=vocabulary, progress=progress)
    report.source = str(root)
    if not files:
        report.notes.append(f"no audio files under {root} ({', '.join(sorted(AUDIO_EXTENSIONS))})")
    return store.upsert_records(records, report=report, kind="files", progress=progress)
