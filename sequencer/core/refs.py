"""Finding tracks by what a user or a profile calls them: an id, a Spotify URI or link,
``"Artist - Title"`` or a bare title — for ``--from``/``--to``, ``must_include``, a profile's
exemplars (``like``) and the warnings that name the ones a library lacks.

Public: :func:`match_track`, :func:`resolve_refs`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sequencer.core.track import Track, base_title, normalise_text, parse_track_ref


def match_track(tracks: Sequence[Track], ref: str) -> Track | None:
    """The track ``ref`` names, as :func:`find_track` finds it, or None (no suggestions)."""
    uri = _spotify_uri(ref)
    for track in tracks:
        if track.id == ref or (uri is not None and track.uri == uri):
            return track
    artist, title = parse_track_ref(ref)
    attempts = [(artist, title)] + ([(None, ref.strip())] if artist is not None else [])
    for want_artist, want_title in attempts:
        exact = normalise_text(want_title)
        loose = normalise_text(base_title(want_title))
        for strict in (True, False):
            for track in tracks:
                have = normalise_text(track.title) if strict else normalise_text(base_title(track.title))
                if have != (exact if strict else loose):
                    continue
                if want_artist is None or _names_artist(track, want_artist):
                    return track
    return None


def _names_artist(track: Track, wanted: str) -> bool:
    """Whether ``wanted`` is one of the track's artists, or all of them as moodseq shows them
    ("Kavinsky, Lovefoxxx - Nightcall": a name copied from a playlist finds its track)."""
    have = {normalise_text(a) for a in track.artists}
    want = normalise_text(wanted)
    if want in have:
        return True
    parts = [normalise_text(part) for part in wanted.split(",")]
    return len(parts) > 1 and all(part in have for part in parts)


def _spotify_uri(ref: str) -> str | None:
    """``spotify:track:ID`` for a Spotify URI or open.spotify.com track link, else None."""
    text = ref.strip()
    if text.startswith("spotify:track:"):
        return text
    marker = "open.spotify.com/track/"
    if marker in text:
        return "spotify:track:" + text.split(marker, 1)[1].split("?", 1)[0].strip("/")
    return None


def resolve_refs(tracks: Sequence[Track], refs: Sequence[str]) -> tuple[list[Track], list[str]]:
    """The tracks ``refs`` name (first match each, no duplicates) and the refs that name none."""
    found: list[Track] = []
    missing: list[str] = []
    for ref in refs:
        track = match_track(tracks, ref)
        if track is None:
            missing.append(ref)
            continue
        if all(t.id != track.id for t in found):
            found.append(track)
    return found, missing
