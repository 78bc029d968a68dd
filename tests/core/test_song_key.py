"""The song key: every version of a song (remix, edit, remaster, live, feat. …) is one song."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.identity import fast_song_key
from sequencer.core.track import base_title, is_live, song_key

#: Version suffixes as streaming services and tag editors write them.
VARIANTS = (
    " - Tainy Remix",
    " (Remix)",
    " - Remix",
    " [Club Mix]",
    " - Extended Mix",
    " (Original Mix)",
    " - Radio Edit",
    " (Re-Edit)",
    " - 2011 Remaster",
    " - Remastered 2009",
    " (Remastered)",
    " - Live",
    " - Live at Wembley 1986",
    " (Live)",
    " - Single Version",
    " (Acoustic Version)",
    " [Deluxe Edition Version]",
    " (feat. Kavinsky)",
    " [ft. Lovefoxxx]",
    " feat. Lovefoxxx",
    " (with Justin Bieber)",
    " - Remixed by Someone",
    " (Mono)",
)

# plain song titles: words that never mark a version
_word = st.sampled_from(
    ["To", "My", "Love", "Night", "Call", "Mixed", "Emotions", "Edith", "Living", "Tape", "Drive", "Blue"]
)
titles = st.lists(_word, min_size=1, max_size=4).map(" ".join)
artists = st.sampled_from(["Bad Bunny", "Kavinsky", "Vangelis", "Daft Punk", "Beyoncé"])


@given(artists, titles, st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=2))
def test_every_version_is_the_same_song(artist: str, title: str, suffixes: list[str]) -> None:
    """A title with one or two version suffixes has the song key of the bare title."""
    variant = title + "".join(suffixes)
    assert base_title(title) == title  # the plain titles are not themselves stripped
    assert song_key((artist,), variant) == song_key((artist,), title)
    assert fast_song_key(artist, variant) == song_key((artist,), title)


@given(artists, titles, titles)
def test_different_titles_stay_different_songs(artist: str, one: str, other: str) -> None:
    """Stripping versions never merges two different songs (words like Mixed or Edith stay)."""
    if one != other:
        assert song_key((artist,), one) != song_key((artist,), other)
        assert song_key((artist,), one + " - Remix") != song_key((artist,), other)


def test_the_reported_remix() -> None:
    """Issue #11: "To My Love" and "To My Love - Tainy Remix" were both in one playlist."""
    assert song_key(("Bad Bunny",), "To My Love - Tainy Remix") == song_key(("Bad Bunny",), "To My Love")


@pytest.mark.parametrize(
    ("title", "live"),
    [
        ("Homenaje A Miguel - Live", True),
        ("Bigger Life - Live @ Königsplatz München, 15.09.19", True),
        ("Wonderwall (Live)", True),
        ("Heroes [Live at Wembley 1986]", True),
        ("Jealous Guy - Recorded Live in New York", True),
        ("Hallelujah - Live From Montreal 2008", True),
        ("Live Forever", False),
        ("Live and Let Die", False),
        ("Live Forever - Remastered", False),
        ("Alive", False),
        ("Nightcall (Lovefoxxx Version)", False),
        ("Oliver's Army - Deliverance Mix", False),
    ],
)
def test_live_recordings_are_told_by_their_version_suffix(title: str, live: bool) -> None:
    """is_live: the word "live" in a title's version part (brackets, or after " - ") marks a
    live recording; a song whose name has the word does not."""
    assert is_live(title) is live


@given(st.text(st.characters(blacklist_characters="()[]-–—"), max_size=30), st.text(max_size=20))
def test_any_title_with_a_live_suffix_is_live_and_the_bare_title_is_not_made_live(title: str, venue: str) -> None:
    """Adding "(Live)" or " - Live at …" to any title makes it live; a title without brackets,
    dashes or the word "live" never is."""
    assert is_live(f"{title} (Live)")
    assert is_live(f"{title} - Live at {venue}")
    if "live" not in title.casefold():
        assert not is_live(title)
