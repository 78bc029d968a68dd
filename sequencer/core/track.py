"""The track model and song identity.

Conventions
-----------
- durations in seconds (``duration_s``); tempo in BPM; ``key`` is a pitch class 0–11 (C = 0)
  and ``mode`` 1 = major, 0 = minor, as in Spotify's audio features;
- ``energy``, ``valence``, ``acousticness``, ``instrumentalness``, ``speechiness``,
  ``danceability`` in [0, 1]; ``loudness`` in dB (negative);
- ``moods`` maps canonical mood names to weights in [0, 1];
- every attribute is optional: ``None`` means unknown, never zero.

Public: :class:`Track`, :data:`ATTRIBUTES`, :func:`normalise_text`, :func:`song_key`,
:func:`display_name`, :func:`parse_track_ref`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

#: Numeric audio attributes a track may carry, under Spotify's audio-feature names.
ATTRIBUTES: tuple[str, ...] = (
    "tempo",
    "key",
    "mode",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "danceability",
    "loudness",
)


@dataclass(frozen=True, eq=True)
class Track:
    """One recording in the library.  Immutable; build changed copies with :meth:`evolve`."""

    id: str
    title: str
    artists: tuple[str, ...]
    duration_s: float
    album: str = ""
    isrc: str | None = None
    uri: str | None = None
    moods: Mapping[str, float] = field(default_factory=dict)
    tempo: float | None = None
    key: int | None = None
    mode: int | None = None
    energy: float | None = None
    valence: float | None = None
    acousticness: float | None = None
    instrumentalness: float | None = None
    speechiness: float | None = None
    danceability: float | None = None
    loudness: float | None = None
    explicit: bool | None = None
    genres: tuple[str, ...] = ()
    path: str | None = None
    energy_estimated: bool = False
    """True when ``energy`` was estimated from the moods rather than known."""
    sound: tuple[float, ...] | None = None
    """The sound vector of ``flow.md`` v2 (None = no evidence of how the track sounds)."""
    confidence: float = 1.0
    """How much evidence the moods rest on, in [0, 1] (``flow.md`` v2: scales the mood fit)."""
    playlists: tuple[str, ...] = ()
    """Names of the user's playlists this track is in (evidence of its sound and context)."""
    year: int | None = None
    """Release year, when known."""
    mbid: str | None = None
    """MusicBrainz recording id, when known (from file tags, JSPF, a Subsonic server)."""

    __hash__ = None  # type: ignore[assignment]  # why: moods is a mapping; hash ids instead

    @property
    def artist(self) -> str:
        """The artists joined for display ("A, B")."""
        return ", ".join(self.artists)

    @property
    def name(self) -> str:
        """``Artist - Title``: how users refer to a track on the command line."""
        return display_name(self.artists, self.title)

    def attribute(self, name: str) -> float | None:
        """The numeric attribute ``name`` (one of :data:`ATTRIBUTES`), or None if unknown."""
        value = getattr(self, name)
        return None if value is None else float(value)

    def evolve(self, **changes: Any) -> Track:
        """A copy with ``changes`` applied (the track itself never changes).

        The same as :func:`dataclasses.replace` (which it uses for a name that is not a field,
        to raise its error), without calling ``__init__`` field by field: imports and builds
        evolve tens of thousands of tracks."""
        return self.with_values(changes)

    def with_values(self, changes: Mapping[str, Any]) -> Track:
        """:meth:`evolve` with the changes in a mapping: no call with keyword arguments, which
        costs more than the copy itself when most fields change (an import makes each row's
        track from a blank one this way)."""
        if not changes.keys() <= _FIELD_NAMES:
            return replace(self, **changes)
        copy = object.__new__(type(self))
        state = copy.__dict__
        state.update(self.__dict__)
        state.update(changes)
        return copy


_FIELD_NAMES = frozenset(f.name for f in fields(Track))


def display_name(artists: tuple[str, ...] | list[str], title: str) -> str:
    """``"Artist A, Artist B - Title"``."""
    return f"{', '.join(artists)} - {title}"


#: Words that mark a version of a song rather than another song ("Remix", "Radio Edit",
#: "2011 Remaster", "Live", "feat. X"); any word *ending* in mix/edit counts ("Remix", "Remixed",
#: "Re-Edit"), which ``\bmix\b`` alone never matched.
_VERSION_WORDS = (
    r"(\w*-?(mix(es|ed)?|edit(ed)?)|remaster(ed)?|version|mono|stereo|live|demo|deluxe|bonus|"
    r"single|radio|explicit|clean|acoustic|instrumental|unplugged|extended|rework|bootleg|"
    r"feat\.?|ft\.?|featuring|from)"
)
_SUFFIX = re.compile(
    rf"\s*[\(\[][^\)\]]*\b{_VERSION_WORDS}\b[^\)\]]*[\)\]]\s*$"
    r"|\s*[\(\[]\s*with\s[^\)\]]*[\)\]]\s*$"
    rf"|\s+-\s+.*\b{_VERSION_WORDS}(\b.*)?$"
    r"|\s+(feat\.?|ft\.|featuring)\s.*$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+")
#: A live recording, as its title's version suffix says: "(Live)", "[Live at Wembley]",
#: "- Live", "- Live @ Königsplatz", "- Recorded Live"; never a title that starts with the
#: word ("Live Forever", "Live and Let Die") or a version without it.
_LIVE = re.compile(r"[\(\[][^\)\]]*\blive\b[^\)\]]*[\)\]]|\s[-–—]\s(?:.*\s)?live\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)
def normalise_text(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for matching names."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_ish = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_ish.casefold().replace("&", " and ")).strip()


@functools.lru_cache(maxsize=1 << 16)
def base_title(title: str) -> str:
    """The title without remaster/remix/version suffixes ("Song - 2011 Remaster" → "Song")."""
    previous = None
    current = title
    while previous != current:
        previous = current
        current = _SUFFIX.sub("", current).strip()
    return current or title


def is_live(title: str) -> bool:
    """Whether ``title`` marks a live recording (in a version suffix: "Song - Live at Wembley",
    "Song (Live)"); "Live Forever" is a song."""
    return _LIVE.search(title) is not None


def song_key(artists: tuple[str, ...] | list[str], title: str) -> str:
    """Identity of the *song* (not the recording): first artist + base title, normalised.

    A remaster or remix of a song has the same key, so "no song twice" catches it.

    Examples
    --------
    >>> song_key(("Kavinsky",), "Nightcall - 2011 Remaster")
    'kavinsky|nightcall'
    """
    first = normalise_text(artists[0]) if artists else ""
    return f"{first}|{normalise_text(base_title(title))}"


def parse_track_ref(ref: str) -> tuple[str | None, str]:
    """Split ``"Artist - Title"`` into (artist, title); a bare string is (None, title)."""
    if " - " in ref:
        artist, title = ref.split(" - ", 1)
        return artist.strip(), title.strip()
    return None, ref.strip()
