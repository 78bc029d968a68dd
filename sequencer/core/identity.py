"""Track identity: when two records from different sources are the same recording.

Rules, strongest first:

1. the same library id;
2. the same Spotify track (id, ``spotify:track:…`` URI or ``open.spotify.com`` link);
3. the same ISRC (upper-cased, dashes removed);
4. the same *match key* — normalised first artist + normalised full title — and durations
   within :data:`DURATION_TOLERANCE_S` seconds (an unknown duration, 0, matches any).

The full title is used on purpose: "Nightcall - 2011 Remaster" is a different *recording* of
the same *song* (:func:`sequencer.core.track.song_key` gives both the same song key, which the
"no song twice" rule uses), so it gets its own track.

Public: :data:`DURATION_TOLERANCE_S`, :func:`spotify_uri`, :func:`spotify_id`,
:func:`clean_isrc`, :func:`match_key`, :class:`IdentityIndex`, :func:`fast_normalise`,
:func:`fast_song_key`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sequencer.core.track import base_title, normalise_text

#: Two name-matched records are the same recording when their durations differ by at most this.
DURATION_TOLERANCE_S = 3.0

_BASE62_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_BASE62_BODY = re.compile(r"[0-9A-Za-z]{22}")
_URI = re.compile(r"^spotify:track:([0-9A-Za-z]{22})$")
_LINK = re.compile(r"^https?://open\.spotify\.com/(?:intl-[a-z-]+/)?track/([0-9A-Za-z]{22})(?:[?#].*)?$")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
_NON_WORD = re.compile(r"[^\w]+")


def spotify_id(value: str | None) -> str | None:
    """The 22-character Spotify track id in ``value`` (id, URI or link), or None.

    Examples
    --------
    >>> spotify_id("spotify:track:73bDvrmSBh2fr53tLDH9oA")
    '73bDvrmSBh2fr53tLDH9oA'
    >>> spotify_id("https://open.spotify.com/track/73bDvrmSBh2fr53tLDH9oA?si=x")
    '73bDvrmSBh2fr53tLDH9oA'
    >>> spotify_id("Kavinsky - Nightcall") is None
    True
    """
    if not value:
        return None
    if len(value) == 36 and value.startswith("spotify:track:") and _BASE62_BODY.fullmatch(value, 14):
        return value[14:]  # the usual case, checked first: a URI as imports store it
    text = value.strip()
    if _BASE62_ID.match(text):
        return text
    found = _URI.match(text) or _LINK.match(text)
    return found.group(1) if found else None


def spotify_uri(value: str | None) -> str | None:
    """``spotify:track:<id>`` for a Spotify id, URI or link; None when ``value`` is none of them."""
    track_id = spotify_id(value)
    return f"spotify:track:{track_id}" if track_id else None


def clean_isrc(value: str | None) -> str | None:
    """A valid ISRC in canonical form (``USRC17607839``), or None."""
    if not value:
        return None
    text = value.strip().upper().replace("-", "").replace(" ", "")
    return text if _ISRC.match(text) else None


def match_key(artists: tuple[str, ...] | list[str], title: str) -> str:
    """Normalised first artist + full title: the name part of a recording's identity.

    Empty when either part is empty (such records never match by name).

    Examples
    --------
    >>> match_key(("Kavinsky",), "Nightcall")
    'kavinsky|nightcall'
    >>> match_key(("Kavinsky",), "Nightcall - 2011 Remaster")
    'kavinsky|nightcall 2011 remaster'
    """
    artist = fast_normalise(artists[0]) if artists else ""
    name = fast_normalise(title)
    return f"{artist}|{name}" if artist and name else ""


@dataclass
class IdentityIndex:
    """An in-memory index of known recordings for fast identity lookups during an import."""

    ids: set[str] = field(default_factory=set)
    by_uri: dict[str, str] = field(default_factory=dict)
    by_isrc: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    uri_owners: set[str] = field(default_factory=set)

    def add(self, track_id: str, uri: str | None, isrc: str | None, key: str, duration_s: float) -> None:
        """Remember a recording under every identity it has."""
        self.ids.add(track_id)
        if uri:
            self.by_uri.setdefault(uri, track_id)
            self.uri_owners.add(track_id)
        if isrc:
            self.by_isrc.setdefault(isrc, track_id)
        if key:
            entries = self.by_key.get(key)
            if entries is None:
                self.by_key[key] = [(track_id, duration_s)]
            elif entries[0][0] != track_id and all(existing != track_id for existing, _ in entries):
                entries.append((track_id, duration_s))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str | None, str | None, str, float]]) -> IdentityIndex:
        """An index of (id, uri, isrc, match key, duration) rows: the same as :meth:`add` for
        each row in turn, built in bulk (an import reads every stored recording first)."""
        index = cls()
        for row in rows:
            index.add(*row)
        return index

    def find(self, track_id: str | None, uri: str | None, isrc: str | None, key: str, duration_s: float) -> str | None:
        """The known recording these identities point to (rules in the module docstring)."""
        if track_id and track_id in self.ids:
            return track_id
        if uri and uri in self.by_uri:
            return self.by_uri[uri]
        if isrc and isrc in self.by_isrc:
            return self.by_isrc[isrc]
        if key:
            return self._by_name(key, duration_s, uri)
        return None

    def _by_name(self, key: str, duration_s: float, uri: str | None) -> str | None:
        """The closest-duration recording with this match key within the tolerance."""
        best: tuple[float, str] | None = None
        for known_id, known_duration in self.by_key.get(key, ()):
            if uri and known_id in self.uri_owners:
                continue  # a different Spotify track with the same name is another recording
            unknown = duration_s <= 0 or known_duration <= 0
            gap = 0.0 if unknown else abs(known_duration - duration_s)
            if gap <= DURATION_TOLERANCE_S and (best is None or gap < best[0]):
                best = (gap, known_id)
        return best[1] if best else None


@lru_cache(maxsize=262_144)
def fast_normalise(text: str) -> str:
    """:func:`~sequencer.core.track.normalise_text`, memoised, with a fast path for ASCII.

    Imports normalise the same artist names thousands of times; this gives the identical
    result (NFKD changes nothing in ASCII text) at a fraction of the cost.
    """
    if text.isascii():
        return _NON_WORD.sub(" ", text.casefold().replace("&", " and ")).strip()
    return normalise_text(text)


@lru_cache(maxsize=262_144)
def fast_song_key(first_artist: str, title: str) -> str:
    """:func:`~sequencer.core.track.song_key` of (first_artist, title), memoised."""
    # base_title's suffix pattern needs a bracket, a dash or a "feat."/"ft."; most titles have none
    lower = title.lower()
    marked = "(" in title or "[" in title or "-" in title or " feat" in lower or " ft." in lower
    base = base_title(title) if marked else title
    return f"{fast_normalise(first_artist)}|{fast_normalise(base)}"
