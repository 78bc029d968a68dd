"""The built-in demo library: real tracks, curated by hand, shipped inside the package.

``moodseq demo`` and any build without a library of the user's own read this, so that a
newcomer with no Spotify account and no files gets a real playlist offline.  The data is a
CSV (``sequencer/demo/library.csv``, described in ``sequencer/demo/README.md``) read through
:mod:`importlib.resources`, so it works from a source checkout and from an installed wheel.

The file is part of the program, not user input: a malformed row is a bug and raises
:class:`ValueError` naming the row, never a :class:`~sequencer.errors.MoodseqError`.

``library list|show|stats`` and ``moods explain`` read it as a library database too
(:func:`demo_store`: made in a temporary folder, in well under a second, and deleted after).

Public: :data:`COLUMNS`, :func:`load_demo_tracks`, :func:`parse_demo_csv`, :func:`demo_store`,
:data:`DEMO_NAME`.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from sequencer.core.moods import BUILTIN_MOODS
from sequencer.core.track import Track

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store

#: The CSV's header, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "artists",
    "album",
    "year",
    "duration_s",
    "duration_approx",
    "explicit",
    "tempo",
    "key",
    "mode",
    "energy",
    "valence",
    "moods",
    "genres",
    "notes",
)

#: How messages name the demo library.
DEMO_NAME = "the built-in demo library"

_PACKAGE = "sequencer.demo"
_FILE = "library.csv"
_T = TypeVar("_T")


def _optional(text: str, convert: Callable[[str], _T]) -> _T | None:
    """``convert(text)``, or None for an empty cell."""
    text = text.strip()
    return None if text == "" else convert(text)


def _unit(text: str) -> float:
    """A number in [0, 1]."""
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{value} is outside [0, 1]")
    return value


def _pitch_class(text: str) -> int:
    """A pitch class 0–11."""
    value = int(text)
    if not 0 <= value <= 11:
        raise ValueError(f"key {value} is not a pitch class 0-11")
    return value


def _flag(text: str) -> int:
    """0 or 1."""
    if text not in ("0", "1"):
        raise ValueError(f"{text!r} must be 0 or 1")
    return int(text)


def _year(text: str) -> int:
    """A release year (1900–2100)."""
    value = int(text)
    if not 1900 <= value <= 2100:
        raise ValueError(f"year {value} is outside 1900–2100")
    return value


def _positive(text: str) -> float:
    """A number above zero."""
    value = float(text)
    if not value > 0:
        raise ValueError(f"{value} must be positive")
    return value


def _split(text: str) -> tuple[str, ...]:
    """A ";"-separated list, blanks dropped."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _moods(text: str) -> Mapping[str, float]:
    """``"atmospheric=0.9;brooding=0.6"`` → a read-only mapping with canonical mood names."""
    moods: dict[str, float] = {}
    for part in _split(text):
        name, sep, weight = part.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"mood {part!r} needs a weight (name=0.5)")
        if name not in BUILTIN_MOODS:
            raise ValueError(f"mood {name!r} is not one of {', '.join(BUILTIN_MOODS)}")
        if name in moods:
            raise ValueError(f"mood {name!r} appears twice")
        moods[name] = _unit(weight)
    return MappingProxyType(moods)


def _track(row: Mapping[str, str]) -> Track:
    """One CSV row as a Track (raises ValueError on any bad cell)."""
    track_id, title = row["id"].strip(), row["title"].strip()
    artists = _split(row["artists"])
    if not track_id.startswith("demo:") or not title or not artists:
        raise ValueError("id must start with 'demo:' and title and artists must not be empty")
    explicit = _optional(row["explicit"], _flag)
    return Track(
        id=track_id,
        title=title,
        artists=artists,
        album=row["album"].strip(),
        duration_s=float(_positive(row["duration_s"])),
        moods=_moods(row["moods"]),
        tempo=_optional(row["tempo"], _positive),
        key=_optional(row["key"], _pitch_class),
        mode=_optional(row["mode"], _flag),
        energy=_optional(row["energy"], _unit),
        valence=_optional(row["valence"], _unit),
        explicit=None if explicit is None else bool(explicit),
        genres=_split(row["genres"]),
        year=_optional(row["year"], _year),
    )


def parse_demo_csv(text: str, source: str = _FILE) -> list[Track]:
    """Parse the demo CSV's text into tracks, checking the header, each row and unique ids.

    Raises :class:`ValueError` naming ``source``, the row's line and id on the first problem.
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{source}: header must be {','.join(COLUMNS)}")
    tracks: list[Track] = []
    seen: set[str] = set()
    for row in reader:
        where = f"{source}:{reader.line_num} ({row.get('id') or 'no id'})"
        if None in row or any(value is None for value in row.values()):
            raise ValueError(f"{where}: wrong number of columns")
        try:
            track = _track(row)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        if track.id in seen:
            raise ValueError(f"{where}: duplicate id {track.id!r}")
        seen.add(track.id)
        tracks.append(track)
    return tracks


def with_sound(tracks: list[Track]) -> list[Track]:
    """The tracks with their sound vectors and years, placed from their genres and release
    years by the same code that places a library's tracks (``moods infer``)."""
    import numpy as np

    from sequencer.adapters.genre_data import load_genre_space
    from sequencer.core.sound import SoundEvidence, place

    years = np.array([np.nan if t.year is None else float(t.year) for t in tracks])
    evidence = SoundEvidence(tags=[{} for _ in tracks], playlists=[() for _ in tracks], years=years, audio={},
                             genres=[t.genres for t in tracks])  # fmt: skip
    vectors = place(load_genre_space(), evidence).vectors
    return [
        t.evolve(sound=tuple(float(x) for x in row) if np.abs(row).sum() > 0 else None)
        for t, row in zip(tracks, vectors, strict=True)
    ]


@functools.cache
def _cached() -> tuple[Track, ...]:
    """The parsed demo library with its sound vectors, read once per process."""
    text = resources.files(_PACKAGE).joinpath(_FILE).read_text(encoding="utf-8")
    return tuple(with_sound(parse_demo_csv(text)))


def known_genres() -> dict[str, tuple[str, ...]]:
    """Song key (moodseq's identity of a song: first artist and base title) → genres of every
    demo track that has some: what moodseq itself knows of how
    the soundtracks behind its profiles (and their kin) sound.  A library's copy of such a song
    without genres is placed in sound by these (:func:`sequencer.adapters.sound_space.update_sound`)."""
    from sequencer.core.track import song_key

    return {song_key(t.artists, t.title): t.genres for t in _cached() if t.genres}


def load_demo_tracks() -> list[Track]:
    """The built-in demo library as tracks (a new list each call; the tracks are immutable)."""
    return list(_cached())


@contextlib.contextmanager
def demo_store() -> Iterator[Store]:
    """The demo library as a library database (its moods stored as imported, its tracks placed
    in the sound space) in a temporary folder that is deleted when the block ends."""
    import tempfile

    from sequencer.adapters.library.store import Store
    from sequencer.adapters.sound_space import update_sound

    with tempfile.TemporaryDirectory(prefix="moodseq-demo-") as folder, Store.open(Path(folder) / "demo.db") as store:
        store.upsert_tracks(load_demo_tracks(), source="import")
        update_sound(store, write=True)
        yield store
