"""Genres a playlist's name names (sequencer.core.genre_names)."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.genre_data import LINKS_FILE, TREE_FILE, _data_path, load_genre_space
from sequencer.core.genre_names import (
    FUNCTIONAL_GENRES,
    LANGUAGE_GENRES,
    SCORE_INSTRUMENTAL,
    declared_genres,
    functional_genres,
    genre_phrases,
    genres_named_in,
)

PHRASES = genre_phrases(
    json.loads(_data_path(TREE_FILE).read_text(encoding="utf-8"))["tree"],
    tomllib.loads(_data_path(LINKS_FILE).read_text(encoding="utf-8")),
)


def test_the_phrases_are_what_the_genre_space_resolves_exactly() -> None:
    assert frozenset(load_genre_space().aliases) == PHRASES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Maxi Pop  GOLD (New Wave, Electropop, Synth Pop...)", ("pop", "new wave", "electropop", "synth pop")),
        ("Gothic / Industrial / Mittelalter / EBM / Futurepop", ("industrial", "ebm", "futurepop")),
        ("ELECTROPOP EN ESPAÑOL", ("electropop", "latin")),
        ("Fitness Workout Electro | House | Dance", ("electro", "house", "dance")),  # never "electro house"
        ("Night Drive Synthwave", ("synthwave",)),
        ("This Is: Javiera Mena", ()),
        ("Music&Other Drugs", ()),
        ("Hard Rock Workout", ("hard rock",)),  # the longest name, not "rock"
    ],
)
def test_genres_in_real_playlist_names(name: str, expected: tuple[str, ...]) -> None:
    assert genres_named_in(name, PHRASES) == expected


_SEPARATING = set("/|,;()[]&+:!?•")
#: Names that stand alone: no separator inside, at most four words.
_NAMES = sorted(p for p in PHRASES if not _SEPARATING & set(p) and len(p.split()) <= 4)
_SEP = st.sampled_from([" / ", " | ", ", ", " (", ") ", " - ", "; "])


@given(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4), _SEP, st.booleans())
def test_every_genre_between_separators_is_found_and_nothing_unknown(names: list[str], sep: str, shout: bool) -> None:
    """A known name standing alone between separators is always found (in any case); whatever
    is found is a known name (or a language's genre), each once."""
    text = sep.join(name.upper() if shout else name for name in names)
    found = genres_named_in(text, PHRASES)
    assert len(found) == len(set(found))
    for genre in found:
        assert genre in PHRASES or genre in LANGUAGE_GENRES.values()
    for name in names:
        assert LANGUAGE_GENRES.get(name, name) in found


@given(st.text(max_size=80))
def test_any_text_gives_known_names_only(text: str) -> None:
    for genre in genres_named_in(text, PHRASES):
        assert genre in PHRASES or genre in LANGUAGE_GENRES.values()


@pytest.mark.parametrize(
    ("album", "title", "instrumental", "expected"),
    [
        ("Interstellar: Original Motion Picture Soundtrack (Deluxe Digital Version)", "No Time for Caution", 0.9, True),
        ("Euphoria (Original Score from the HBO Series)", "Still Don't Know My Name", None, True),  # says score
        ("Enredados (Rapunzel) OST", "Cuando mi vida va a comenzar", 0.0, False),  # a song
        ("Inception (Music from the Motion Picture)", "Dream Is Collapsing", 0.9, True),
        ("The Crow Original Motion Picture Soundtrack", "Dead Souls", 0.8, False),  # Nine Inch Nails
        ("Brave", 'Touch The Sky - From "Brave"/Soundtrack', 0.0, False),
        ("Tales", 'Theme - From "Brave"/Soundtrack', 0.95, True),
        ("Levitate", "Levitate - From The Original Motion Picture Passengers", None, False),  # unknown: a song
        ("The Crow OST", "Burn", 0.001, False),  # The Cure: gothic rock, not a score
        ("The Score (Expanded Edition)", "Ready or Not", 0.9, False),  # the Fugees' album, no score
        ("Rubber Soul", "Michelle", 0.9, False),
        ("Ghost Stories", "Lost Souls", 0.9, False),
        ("Postmodern Jukebox", "Hostage", 0.9, False),
    ],
)
def test_declared_scores_in_real_album_names(
    album: str, title: str, instrumental: float | None, expected: bool
) -> None:
    """Albums and titles of the shared catalogs: a film score says so (or is instrumental on a
    soundtrack album); songs from films and everything else are not."""
    assert declared_genres(album, title, instrumental) == (("soundtrack",) if expected else ())


@given(
    st.text(max_size=60), st.text(max_size=60),
    st.sampled_from(["Original Motion Picture Soundtrack", "OST", "original score"]),
    st.none() | st.floats(0.0, 1.0),
)  # fmt: skip
def test_a_declaration_anywhere_is_found_and_nothing_else_is_said(
    before: str, after: str, words: str, instrumental: float | None
) -> None:
    """Any text gives () or ("soundtrack",); a declaration between word breaks is found for an
    instrumental track or one the declaration calls a score, and for nothing else."""
    assert declared_genres(before, after, instrumental) in ((), ("soundtrack",))
    found = declared_genres(f"{before} ({words}) {after}", "", instrumental)
    score = "score" in words or (instrumental is not None and instrumental >= SCORE_INSTRUMENTAL)
    assert found == (("soundtrack",) if score else ())


@pytest.mark.parametrize(
    ("artist", "album", "title", "expected"),
    [
        ("Nature Sounds", "10 Hours of Nature", "Gale Force Wind", ("environmental",)),
        (
            "One Hour Gulf Coast Ocean Waves",
            "Natural White Noise for Babies",
            "Ocean Waves for Baby Sleep",
            ("environmental",),
        ),
        ("Halloween Sounds", "20 Hours of Halloween Horror", "Creaking Door", ("environmental",)),
        ("Mother Nature Sound FX", "Thunderstorms", "Florida Rain Storm", ("environmental",)),
        ("Echoes Of Nature", "Ocean Waves", "Rolling Surf", ("environmental",)),
        ("Someone", "Some Album", "Pink Noise 1 Hour", ("environmental",)),
        (
            "Kundalini: Yoga, Meditation, Relaxation",
            "Kundalini: Yoga, Meditation, Relaxation",
            "Ultimate Spa Relaxtion",
            ("meditation",),
        ),
        ("Nelson May", "The Ten Minute Relaxation - Summer Evening", "Part 1", ("meditation",)),
        ("Meditation Zen Master", "20 Hours of Nature Sounds for Pregnancy", "Rain", ("environmental", "meditation")),
        # songs: the words in a song's or an album's name, not a declaration
        ("Janelle Monáe", "Yoga", "Yoga", ()),
        ("CSS", "Donkey", "Jager Yoga", ()),
        ("Frankie Goes To Hollywood", "Welcome To The Pleasuredome", "Relax", ()),
        ("alt-J", "RELAXER", "3WW", ()),
        ("Cecil Taylor", "24 Hours of Jazz", "Part 2", ()),
        ("Edvard Grieg", "Classical Study Music", "Morning Mood", ()),
        ("Cris Delanno", "Relaxing Bossa Lounge 3", "West End Girls (Bossa Version)", ()),
        ("The Weeknd", "After Hours", "Blinding Lights", ()),
        ("Eric Prydz", "Opus", "Sunset At Café Mambo", ()),
        # Christmas songs: the title or the album says so
        ("Mariah Carey", "Merry Christmas II You", "All I Want For Christmas Is You", ("holiday",)),
        ("The Temptations", "A Motown Christmas", "Rudolph The Red-Nosed Reindeer", ("holiday",)),
        ("The Supremes", "A Motown Christmas", "My Favorite Things", ("holiday",)),
        ("Justin Bieber", "Under The Mistletoe (Deluxe Edition)", "Mistletoe", ("holiday",)),
        ("Nils Bech", "Echo", "O Helga Natt", ("holiday",)),
        ("Aretha Franklin", "Runnin' Out of Fools (Expanded Edition)", "Winter Wonderland", ("holiday",)),
        ("Whitney Houston", "One Wish - The Holiday Album", "Deck the Halls / Silent Night", ("holiday",)),
        # not Christmas: an artist's name, a place, a song that shares a carol's name
        ("Noel", "Noel", "Silent Morning", ()),
        ("Everclear", "Sparkle and Fade", "Santa Monica", ()),
        ("Three Dog Night", "Naturally", "Joy to the World", ()),
        ("The Weeknd", "Starboy", "Snowchild", ()),
    ],
)
def test_recordings_made_for_a_purpose_in_real_names(
    artist: str, album: str, title: str, expected: tuple[str, ...]
) -> None:
    """Names from the shared catalogs: nature sounds, noise and spa music declare themselves in
    the artist's or album's name, Christmas songs in the title or album; songs that use the
    words do not."""
    assert functional_genres(artist, album, title) == expected


@given(st.text(max_size=60), st.text(max_size=60), st.text(max_size=60))
def test_functional_genres_say_only_their_own_genres(artist: str, album: str, title: str) -> None:
    """Any text gives a sub-sequence of FUNCTIONAL_GENRES, in order, each at most once; text
    with none of the declaring words gives nothing."""
    found = functional_genres(artist, album, title)
    assert list(found) == [g for g in FUNCTIONAL_GENRES if g in found]
    words = (
        "sound",
        "noise",
        "wave",
        "hour",
        "meditat",
        "relax",
        "yoga",
        "spa",
        "binaural",
        "asmr",
        "reiki",
        "mindful",
        "music",
        "christmas",
        "xmas",
        "x-mas",
        "navidad",
        "weihnacht",
        "jingle",
        "santa",
        "sleigh",
        "wonderland",
        "rudolph",
        "snow",
        "mistletoe",
        "halls",
        "drummer",
        "night",
        "nacht",
        "natt",
        "holiday",
    )
    if not any(w in f"{artist} {album} {title}".casefold() for w in words):
        assert found == ()
