"""Track identity rules (sequencer.core.identity) that the store's upserts rely on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.identity import (
    IdentityIndex,
    clean_isrc,
    fast_normalise,
    fast_song_key,
    match_key,
    spotify_id,
    spotify_uri,
)
from sequencer.core.track import normalise_text, song_key

ID = "73bDvrmSBh2fr53tLDH9oA"


@given(st.text(max_size=40))
def test_fast_normalise_equals_normalise_text(text: str) -> None:
    """The memoised ASCII fast path gives exactly the core's normalisation."""
    assert fast_normalise(text) == normalise_text(text)


@given(st.text(min_size=1, max_size=20), st.text(max_size=40))
def test_fast_song_key_equals_song_key(artist: str, title: str) -> None:
    """The memoised song key is the core's song key."""
    assert fast_song_key(artist, title) == song_key((artist,), title)


def test_spotify_forms() -> None:
    """Ids, URIs and links (with query strings or locale paths) name the same track."""
    for form in (
        ID,
        f"spotify:track:{ID}",
        f"https://open.spotify.com/track/{ID}?si=abc",
        f"https://open.spotify.com/intl-de/track/{ID}",
    ):
        assert spotify_id(form) == ID
        assert spotify_uri(form) == f"spotify:track:{ID}"
    assert spotify_id("spotify:album:" + ID) is None
    assert spotify_id("Kavinsky - Nightcall") is None


def test_isrc_forms() -> None:
    """ISRCs are upper-cased and undashed; malformed ones are dropped."""
    assert clean_isrc("fr-6v8-12-00001") == "FR6V81200001"
    assert clean_isrc("FR6V8120000") is None
    assert clean_isrc("") is None


def test_match_key_keeps_version_suffixes() -> None:
    """A remaster is a different recording (match key) of the same song (song key)."""
    assert match_key(("Kavinsky",), "Nightcall") != match_key(("Kavinsky",), "Nightcall - 2011 Remaster")
    assert song_key(("Kavinsky",), "Nightcall") == song_key(("Kavinsky",), "Nightcall - 2011 Remaster")
    assert match_key((), "Nightcall") == "" and match_key(("Kavinsky",), "  ") == ""


def test_index_rules_in_order() -> None:
    """Id, then URI, then ISRC, then name within 3 s (closest); a URI'd record never name-matches
    another URI'd recording."""
    index = IdentityIndex()
    index.add("a", f"spotify:track:{ID}", "FR6V81200001", "kavinsky|nightcall", 257.0)
    index.add("b", None, None, "kavinsky|nightcall", 262.0)
    assert index.find("a", None, None, "", 0) == "a"
    assert index.find(None, f"spotify:track:{ID}", None, "x|y", 1.0) == "a"
    assert index.find(None, None, "FR6V81200001", "x|y", 1.0) == "a"
    assert index.find(None, None, None, "kavinsky|nightcall", 259.0) == "a"
    assert index.find(None, None, None, "kavinsky|nightcall", 260.0) == "b"
    assert index.find(None, None, None, "kavinsky|nightcall", 300.0) is None
    assert index.find(None, None, None, "kavinsky|nightcall", 0.0) == "a"  # unknown duration
    other_uri = "spotify:track:1111111111111111111111"
    assert index.find(None, other_uri, None, "kavinsky|nightcall", 258.0) is None  # a has a URI, b is 4 s off
    assert index.find(None, other_uri, None, "kavinsky|nightcall", 261.0) == "b"
