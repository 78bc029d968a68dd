"""The built-in demo library: loads, is clean, holds the five soundtracks, and lets every
built-in profile fill an hour with tracks that truly fit it."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.demo import COLUMNS, load_demo_tracks, parse_demo_csv
from sequencer.adapters.profiles_toml import load_profile_file
from sequencer.core.candidates import exclusion_reason
from sequencer.core.moods import BUILTIN_MOODS
from sequencer.core.profile import Profile
from sequencer.core.scoring import mood_fit
from sequencer.core.track import Track, normalise_text, song_key

REPO = Path(__file__).resolve().parents[2]
PROFILE_FILES = sorted((REPO / "profiles").glob("*.toml"))
FIT = 0.3  # a track "fits" a profile above this mood fit


def raw_rows() -> list[dict[str, str]]:
    """The demo CSV's rows as text (for columns the Track model does not carry)."""
    text = resources.files("sequencer.demo").joinpath("library.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def album_base(album: str) -> str:
    """``"Blade Runner (Vangelis)"`` and ``"Drive (Original …)"`` → ``"blade runner"``, ``"drive"``."""
    return normalise_text(album.split(" (")[0])


@pytest.fixture(scope="module")
def tracks() -> list[Track]:
    """The demo library, loaded once for this module."""
    return load_demo_tracks()


# --- the file itself ---------------------------------------------------------------------------


def test_demo_loads_with_enough_tracks_and_artists(tracks: list[Track]) -> None:
    """At least 150 tracks by at least 60 distinct (first) artists."""
    assert len(tracks) >= 150
    assert len({t.artists[0] for t in tracks}) >= 60


def test_ids_unique_and_no_song_twice(tracks: list[Track]) -> None:
    """Ids are unique ``demo:`` slugs, and no song appears twice (core.track.song_key)."""
    ids = [t.id for t in tracks]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("demo:") and " " not in i for i in ids)
    songs = Counter(song_key(t.artists, t.title) for t in tracks)
    assert [s for s, n in songs.items() if n > 1] == []


def test_moods_canonical_and_in_range(tracks: list[Track]) -> None:
    """Every track has moods, named canonically, each weight in [0, 1] and one of them ≥ 0.5."""
    for t in tracks:
        assert t.moods, t.id
        assert set(t.moods) <= set(BUILTIN_MOODS), t.id
        assert all(0.0 <= w <= 1.0 for w in t.moods.values()), t.id
        assert max(t.moods.values()) >= 0.5, t.id


def test_attributes_in_range(tracks: list[Track]) -> None:
    """Energies known and in [0, 1] (arcs need them), durations plausible, tempos sane, titles set."""
    for t in tracks:
        assert t.title and t.artists and t.album, t.id
        assert 60 <= t.duration_s <= 1200, t.id
        assert t.energy is not None and 0.0 <= t.energy <= 1.0, t.id
        assert t.tempo is None or 40 <= t.tempo <= 220, t.id
        assert not t.energy_estimated


def test_every_energy_band_and_mood_is_covered(tracks: list[Track]) -> None:
    """Arcs need tracks at every level: ≥ 10 tracks in each fifth of the energy range, and
    ≥ 25 tracks where each mood is strong (≥ 0.6)."""
    bands = Counter(min(int((t.energy or 0.0) * 5), 4) for t in tracks)
    assert all(bands[b] >= 10 for b in range(5)), bands
    strong = Counter(m for t in tracks for m, w in t.moods.items() if w >= 0.6)
    assert all(strong[m] >= 25 for m in BUILTIN_MOODS), strong


def test_approximate_flag_is_0_or_1_and_rows_match_tracks() -> None:
    """duration_approx is 0 or 1 on every row, and rows and tracks line up one to one."""
    rows = raw_rows()
    assert {r["duration_approx"] for r in rows} <= {"0", "1"}
    assert [r["id"] for r in rows] == [t.id for t in load_demo_tracks()]


def test_load_returns_a_fresh_list() -> None:
    """Changing the returned list does not change what the next caller gets."""
    first = load_demo_tracks()
    first.clear()
    assert len(load_demo_tracks()) >= 150


# --- the five soundtracks ----------------------------------------------------------------------


def test_every_shared_soundtrack_is_there_with_its_facts(shared_dir: Path, tracks: list[Track]) -> None:
    """Every track of the shared soundtrack tracklists is in the demo under its album, and where
    the shared file gives a duration, the demo uses exactly it and does not mark it approximate."""
    path = shared_dir / "data" / "soundtrack_tracklists" / "soundtrack_tracklists.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        shared = list(csv.DictReader(fh))
    approx = {r["id"]: r["duration_approx"] for r in raw_rows()}
    by_album_title = {(album_base(t.album), normalise_text(t.title)): t for t in tracks}
    assert len({album_base(r["album"]) for r in shared}) == 5
    for row in shared:
        key = (album_base(row["album"]), normalise_text(row["title"]))
        assert key in by_album_title, f"missing from the demo: {row['album']} / {row['title']}"
        track = by_album_title[key]
        if row["duration_s"]:
            assert track.duration_s == int(row["duration_s"]), track.id
            assert approx[track.id] == "0", track.id


# --- each built-in profile can be filled -------------------------------------------------------


def fitting(tracks: list[Track], profile: Profile) -> list[Track]:
    """Tracks the profile does not exclude whose mood fit is above FIT, best first."""
    high = profile.window_s[1]
    ok = [
        t for t in tracks if exclusion_reason(t, profile.constraints, high) is None and mood_fit(profile.moods, t) > FIT
    ]
    return sorted(ok, key=lambda t: -mood_fit(profile.moods, t))


def capped_seconds(tracks: list[Track], profile: Profile) -> float:
    """Total duration of ``tracks`` keeping at most max_per_artist / max_per_album of each."""
    cons = profile.constraints
    per_artist: Counter[str] = Counter()
    per_album: Counter[str] = Counter()
    total = 0.0
    for t in tracks:
        if cons.max_per_artist is not None and any(per_artist[a] >= cons.max_per_artist for a in t.artists):
            continue
        if cons.max_per_album is not None and per_album[t.album] >= cons.max_per_album:
            continue
        per_artist.update(t.artists)
        per_album[t.album] += 1
        total += t.duration_s
    return total


def profiles() -> Iterator[Profile]:
    """The built-in profiles from the repository."""
    for path in PROFILE_FILES:
        yield load_profile_file(path)


@pytest.mark.parametrize("profile", list(profiles()), ids=lambda p: p.name)
def test_each_profile_has_room_in_the_demo(tracks: list[Track], profile: Profile) -> None:
    """Fitting, non-excluded tracks add up to more than 80 minutes — even keeping only what the
    per-artist and per-album caps allow — by enough artists for the artist gap."""
    fit = fitting(tracks, profile)
    assert sum(t.duration_s for t in fit) > 80 * 60
    assert capped_seconds(fit, profile) > 80 * 60
    assert len({t.artists[0] for t in fit}) >= 3 * (profile.constraints.artist_gap + 1)


def test_profiles_pick_different_music(tracks: list[Track]) -> None:
    """The best fits differ by profile: study's top tracks are not catharsis's, and each
    profile's top ten is mostly its own."""
    tops = {p.name: {t.id for t in fitting(tracks, p)[:10]} for p in profiles()}
    if {"study", "catharsis"} <= set(tops):
        assert not tops["study"] & tops["catharsis"]
    for name, top in tops.items():
        others = set().union(*(v for k, v in tops.items() if k != name))
        assert len(top - others) >= 3, name


# --- the parser --------------------------------------------------------------------------------

HEADER = ",".join(COLUMNS)
GOOD = "demo:a-b,B,A,Album,2000,200,0,0,120,9,0,0.5,0.4,brooding=0.8;study=0.2,rock;pop,"


def test_parser_reads_a_good_row() -> None:
    """A full row becomes a Track with every field typed; empty cells become None."""
    [track] = parse_demo_csv(f"{HEADER}\n{GOOD}\n")
    assert track == Track(
        id="demo:a-b",
        title="B",
        artists=("A",),
        album="Album",
        duration_s=200.0,
        moods={"brooding": 0.8, "study": 0.2},
        tempo=120.0,
        key=9,
        mode=0,
        energy=0.5,
        valence=0.4,
        explicit=False,
        genres=("rock", "pop"),
        year=2000,
    )
    [bare] = parse_demo_csv(f"{HEADER}\ndemo:x,X,P;Q,,,90,1,,,,,,,atmospheric=1,,\n")
    assert bare.artists == ("P", "Q")
    assert (bare.tempo, bare.key, bare.mode, bare.energy, bare.explicit) == (None, None, None, None, None)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("brooding=0.8", "broody=0.8"), "mood 'broody' is not one of"),
        (GOOD.replace("brooding=0.8", "brooding"), "needs a weight"),
        (GOOD.replace(",0.5,0.4,", ",1.5,0.4,"), "1.5 is outside [0, 1]"),
        (GOOD.replace(",120,9,", ",120,12,"), "key 12 is not a pitch class"),
        (GOOD.replace(",200,", ",-3,"), "must be positive"),
        (GOOD.replace("demo:a-b", "a-b"), "id must start with 'demo:'"),
        (GOOD.replace(",2000,200,0,0,", ",2000,200,0,yes,"), "'yes' must be 0 or 1"),
        (GOOD.rsplit(",", 2)[0], "wrong number of columns"),
    ],
)
def test_parser_names_the_bad_row(row: str, message: str) -> None:
    """A bad cell is a bug in the shipped file: ValueError naming file:line, the id and the problem."""
    with pytest.raises(ValueError, match=r"^library\.csv:3 ") as info:
        parse_demo_csv(f"{HEADER}\n{GOOD.replace('demo:a-b', 'demo:first')}\n{row}\n")
    assert f"({row.split(',')[0]})" in str(info.value)
    assert message in str(info.value)


def test_parser_rejects_duplicate_ids_and_a_wrong_header() -> None:
    """Two rows with one id, or a header that is not COLUMNS, are errors."""
    with pytest.raises(ValueError, match=r"library.csv:3 \(demo:a-b\): duplicate id"):
        parse_demo_csv(f"{HEADER}\n{GOOD}\n{GOOD}\n")
    with pytest.raises(ValueError, match="header must be"):
        parse_demo_csv(HEADER.replace("energy", "power") + "\n" + GOOD + "\n")


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and ";" not in s and s
)
_unit = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3))


@given(
    title=_text,
    artists=st.lists(_text, min_size=1, max_size=3),
    duration=st.integers(1, 7200),
    energy=st.none() | _unit,
    moods=st.dictionaries(st.sampled_from(BUILTIN_MOODS), _unit, min_size=1),
    explicit=st.none() | st.booleans(),
)
def test_parser_round_trips_written_rows(
    title: str,
    artists: list[str],
    duration: int,
    energy: float | None,
    moods: dict[str, float],
    explicit: bool | None,
) -> None:
    """Any row written with csv (quotes, commas, accents in titles) reads back to the same values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {
            **dict.fromkeys(COLUMNS, ""),
            "id": "demo:x",
            "title": title,
            "artists": ";".join(artists),
            "duration_s": duration,
            "duration_approx": 1,
            "explicit": "" if explicit is None else int(explicit),
            "energy": "" if energy is None else energy,
            "moods": ";".join(f"{m}={w}" for m, w in moods.items()),
        }
    )
    [track] = parse_demo_csv(buffer.getvalue())
    assert (track.title, track.artists, track.duration_s) == (title, tuple(artists), float(duration))
    assert (track.energy, track.explicit, dict(track.moods)) == (energy, explicit, moods)


# --- the engine builds every built-in profile from the demo -----------------------------------


@pytest.mark.parametrize("profile", list(profiles()), ids=lambda p: p.name)
def test_every_builtin_profile_builds_an_hour_from_the_demo(tracks: list[Track], profile: Profile) -> None:
    """build_playlist(demo, profile, seed=1) at 60 minutes succeeds and keeps the profile's
    rules: length in the window, no song twice, artist gap and caps kept, nothing excluded,
    good mood fit, the arc followed closely, and no warnings."""
    from sequencer.core.build import build_playlist

    hour = dataclasses.replace(profile, minutes=60.0)
    sequence = build_playlist(tracks, hour, seed=1)
    chosen = sequence.tracks
    low, high = hour.window_s
    assert low <= sequence.duration_s <= high
    assert len({song_key(t.artists, t.title) for t in chosen}) == len(chosen)
    cons = hour.constraints
    for i, track in enumerate(chosen):
        assert exclusion_reason(track, cons, high) is None, track.name
        recent = chosen[max(0, i - cons.artist_gap) : i]
        assert not set(track.artists) & {a for t in recent for a in t.artists}, track.name
    per_artist = Counter(a for t in chosen for a in t.artists)
    per_album = Counter(t.album for t in chosen)
    assert cons.max_per_artist is None or max(per_artist.values()) <= cons.max_per_artist
    assert cons.max_per_album is None or max(per_album.values()) <= cons.max_per_album
    # study's exemplars and genres (calm film scores, post-rock, ambient) trade some of the
    # mood-label fit for sound: the demo's scores are labelled atmospheric more than study
    assert sequence.score.mood_fit > (0.5 if profile.name == "study" else 0.75)
    if profile.name == "study":
        assert all(t.moods.get("angsty", 0.0) < 0.4 for t in chosen)
    assert sequence.score.arc_error < 0.1
    assert sequence.warnings == ()


def test_demo_tracks_have_sound_vectors_that_keep_soundtracks_apart() -> None:
    """Every demo track is placed in sound from its genres and year: synthwave is nearer
    synthwave than grunge."""
    from sequencer.core.transitions import term_sound

    tracks = {t.name: t for t in load_demo_tracks()}
    assert all(t.sound is not None for t in tracks.values())
    nightcall = tracks["Kavinsky, Lovefoxxx - Nightcall"]
    tech_noir = tracks["Gunship - Tech Noir"]
    grunge = next(t for t in tracks.values() if "grunge" in t.genres)
    near, far = term_sound(nightcall.sound, tech_noir.sound), term_sound(nightcall.sound, grunge.sound)
    assert near is not None and far is not None and near < far
