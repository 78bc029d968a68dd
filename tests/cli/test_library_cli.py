"""`moodseq library stats|list|show|tag|tags import` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.track import Track

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A small library: Blush Response (imported brooding 0.5) and Nightcall."""
    path = tmp_path / "lib.db"
    with Store.open(path) as store:
        store.upsert_tracks(
            [
                Track(id="", title="Blush Response", artists=("Vangelis",), duration_s=340.0, moods={"brooding": 0.5}),
                Track(
                    id="",
                    title="Nightcall",
                    artists=("Kavinsky",),
                    duration_s=257.0,
                    tempo=91.0,
                    uri="spotify:track:73bDvrmSBh2fr53tLDH9oA",
                ),
            ]
        )
    return path


def _run(library: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--library", str(library), "library", *args])


def test_stats_text_and_json(library: Path) -> None:
    """stats shows counts and coverage; --json gives the same numbers as JSON."""
    text = _run(library, "stats")
    assert text.exit_code == 0, text.stderr
    assert "tracks      2 (2 songs, 2 artists, 0 albums)" in text.stdout
    assert "spotify     1 (50%) with a Spotify URI" in text.stdout
    data = json.loads(_run(library, "stats", "--json").stdout)
    assert data["tracks"] == 2 and data["with_moods"] == 1 and data["attributes"]["tempo"] == 1


def test_stats_without_a_library_says_how_to_start(tmp_path: Path) -> None:
    """Reading commands never create an empty library: they say how to import, exit 2."""
    result = _run(tmp_path / "none.db", "stats")
    assert result.exit_code == 2
    assert "no library at" in result.stderr and "moodseq import csv" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_tag_then_list_by_mood_and_artist(library: Path) -> None:
    """Hand tags are stored, win over imported moods, and list finds them."""
    result = _run(library, "tag", "Vangelis - Blush Response", "brooding=0.9", "atmospheric=1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "Vangelis - Blush Response: brooding 0.9 (hand), atmospheric 1 (hand)"
    listed = _run(library, "list", "--mood", "dark", "--artist", "Vangelis")
    assert listed.stdout.splitlines() == ["Vangelis - Blush Response  [5:40]  atmospheric 1, brooding 0.9"]
    shown = _run(library, "show", "Vangelis - Blush Response")
    assert "brooding: 0.9 ← hand 0.9, import 0.5" in shown.stdout


def test_list_says_when_the_limit_cut_it_short(library: Path) -> None:
    """A list cut off by --limit says so (on stderr), so it never passes for the whole answer;
    a complete one says nothing more."""
    cut = _run(library, "list", "--limit", "1")
    assert cut.exit_code == 0, cut.stderr
    assert len(cut.stdout.splitlines()) == 1
    assert "showing the first 1; more match (--limit N shows more" in cut.stderr
    whole = _run(library, "list", "--limit", "2")
    assert len(whole.stdout.splitlines()) == 2 and "showing the first" not in whole.stderr


def test_tag_unknown_mood_suggests(library: Path) -> None:
    """An unknown mood is UnknownMoodError with the closest names; nothing is stored."""
    result = _run(library, "tag", "Vangelis - Blush Response", "broodin=0.9")
    assert result.exit_code == 2
    assert "Error: unknown mood 'broodin'" in result.stderr
    assert "hint: did you mean 'brooding'?" in result.stderr
    with Store.open(library) as store:
        assert store.mood_sources(store.find("Vangelis - Blush Response").id) == {"brooding": [("import", 0.5)]}


def test_tag_unknown_track_and_bad_weight(library: Path) -> None:
    """A track that is not there suggests close names; a weight outside [0, 1] is refused."""
    missing = _run(library, "tag", "Vangelis - Blush Responze", "brooding")
    assert missing.exit_code == 2 and "did you mean 'Vangelis - Blush Response'?" in missing.stderr
    bad = _run(library, "tag", "Kavinsky - Nightcall", "brooding=2")
    assert bad.exit_code == 2 and "weight must be in [0, 1]" in bad.stderr


def test_tags_import_applies_good_rows_and_lists_bad_ones(library: Path) -> None:
    """A hand-tags file: good rows applied as hand moods, bad rows listed with their lines."""
    result = _run(library, "tags", "import", str(DATA / "hand_tags.csv"))
    assert result.exit_code == 0, result.stderr
    assert "5 rows, 2 tracks tagged, 4 moods set by hand" in result.stdout
    assert "skipped line 4: no track 'Nobody - Nothing' in the library" in result.stderr
    assert "skipped line 5: unknown mood 'broodin' (did you mean 'brooding'?)" in result.stderr
    assert "skipped line 6: angsty weight 1.5 must be in [0, 1]" in result.stderr
    with Store.open(library) as store:
        assert store.find("Vangelis - Blush Response").moods == {"brooding": 0.9, "atmospheric": 1.0}
        assert store.find("Kavinsky - Nightcall").moods == {"night-driving": 1.0, "study": 0.2}


def test_open_library_refuses_a_missing_library_unless_asked_to_create(tmp_path: Path) -> None:
    """AppContext.open_library: a missing library is a LibraryError with the import hint and
    no file is made; create=True makes a new empty library at the same path."""
    from sequencer.cli.context import AppContext
    from sequencer.errors import LibraryError

    path = tmp_path / "new.db"
    app = AppContext(library_option=path, env={})
    with pytest.raises(LibraryError, match="no library at") as info:
        app.open_library()
    assert info.value.hint == "import music first: moodseq import csv FILE"
    assert not path.exists()
    with app.open_library(create=True) as store:
        assert store.path == path and store.count() == 0
    with app.open_library() as store:
        assert store.count() == 0


@pytest.mark.parametrize("command", [["enrich", "lastfm"], ["moods", "infer"], ["library", "show", "x"]])
def test_reading_commands_share_the_missing_library_error(tmp_path: Path, command: list[str]) -> None:
    """Every command that reads the library reports a missing one the same way, exit 2."""
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(cli, ["--library", str(missing), *command], env={"LASTFM_API_KEY": "k"})
    assert result.exit_code == 2, result.output
    assert f"Error: no library at {missing}" in result.stderr
    assert "hint: import music first: moodseq import csv FILE" in result.stderr
    assert not missing.exists()


def test_unknown_duration_is_shown_as_unknown_not_zero() -> None:
    """A track whose duration no source gave is listed as '[-:--]' and shown as 'duration
    unknown', never as a 0:00 track."""
    from sequencer.cli.library_text import track_details, track_line

    bare = Track("x1", "Untimed", ("Nobody",), 0.0)
    assert track_line(bare) == "Nobody - Untimed  [-:--]"
    assert "duration unknown" in track_details(bare, {})[1]
    assert track_line(Track("x2", "Timed", ("Nobody",), 61.4)) == "Nobody - Timed  [1:01]"
    # `library show` in the same unit as `library list` (it said "61 s" beside list's "[1:01]")
    assert track_details(Track("x2", "Timed", ("Nobody",), 61.4), {})[1] == "  album -; 1:01 long; uri -"


def test_tags_import_names_rows_without_a_track_or_without_moods(library: Path, tmp_path: Path) -> None:
    """A row with an empty track cell or no mood at all is listed as skipped with its line
    and why (not silently dropped, nor reported as the track ' - ')."""
    path = tmp_path / "tags.csv"
    path.write_text(
        "artist,title,moods\n,,brooding=1\nKavinsky,Nightcall,\nVangelis,Blush Response,study\n", encoding="utf-8"
    )
    result = _run(library, "tags", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "3 rows, 1 track tagged, 1 mood set by hand" in result.stdout
    assert "skipped line 2: no track named (the track, artist and title cells are empty)" in result.stderr
    assert "skipped line 3: no moods for Kavinsky - Nightcall (e.g. brooding=0.9; atmospheric)" in result.stderr
    assert "' - '" not in result.stderr


def test_tag_accepts_mood_colon_weight_like_the_tags_file() -> None:
    """`library tag REF night-driving:0.7` reads like `=` (as a hand-tags file does), and
    a weight after either separator is checked the same way."""
    from sequencer.adapters.library.ops import parse_mood_weights
    from sequencer.core.moods import default_vocabulary

    vocabulary = default_vocabulary()
    assert parse_mood_weights(["Night-Driving:0.7", "brooding=0.5", "study"], vocabulary) == {
        "night-driving": 0.7,
        "brooding": 0.5,
        "study": 1.0,
    }
    with pytest.raises(Exception, match="weight must be in"):
        parse_mood_weights(["study:2"], vocabulary)


def test_tag_by_name_tags_every_recording_of_that_name(tmp_path: Path) -> None:
    """Two recordings with the very same artist and title (album version and radio edit, or
    two sources): a tag by name reaches both, so a build cannot pick the untagged one; a tag
    by id reaches only that recording; a remaster (another title) is left alone."""
    path = tmp_path / "lib.db"
    with Store.open(path) as store:
        store.upsert_tracks(
            [
                Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=258.0),
                Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=212.0),
                Track(id="", title="Nightcall - 2022 Remaster", artists=("Kavinsky",), duration_s=258.0),
            ]
        )
        ids = [t.id for t in store.tracks()]
    result = _run(path, "tag", "Kavinsky - Nightcall", "night-driving=0.9")
    assert result.exit_code == 0, result.stderr
    assert "Kavinsky - Nightcall: night-driving 0.9 (hand; 2 recordings of that name)" in result.stdout
    result = _run(path, "tag", ids[1], "study=0.3")
    assert result.exit_code == 0 and "recordings" not in result.stdout
    with Store.open(path) as store:
        moods = {t.id: dict(t.moods) for t in store.tracks()}
    assert moods[ids[0]] == {"night-driving": 0.9}
    assert moods[ids[1]] == {"night-driving": 0.9, "study": 0.3}
    assert moods[ids[2]] == {}


def test_tags_import_by_name_reaches_every_recording_of_that_name(tmp_path: Path) -> None:
    """A hand-tags file row naming a song tags each of its same-name recordings, as
    `library tag` does."""
    path = tmp_path / "lib.db"
    with Store.open(path) as store:
        store.upsert_tracks(
            [
                Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=258.0),
                Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=212.0),
            ]
        )
    tags = tmp_path / "tags.csv"
    tags.write_text("track,moods\nKavinsky - Nightcall,brooding=0.6\n", encoding="utf-8")
    result = _run(path, "tags", "import", str(tags))
    assert result.exit_code == 0, result.stderr
    assert "1 row, 2 tracks tagged" in result.stdout
    with Store.open(path) as store:
        assert [dict(t.moods) for t in store.tracks()] == [{"brooding": 0.6}, {"brooding": 0.6}]


def test_tags_import_counts_agree_in_number(library: Path, tmp_path: Path) -> None:
    """One row tagging one track with one mood says so in the singular ('1 row, 1 track
    tagged, 1 mood'), and one problem beyond the ten listed is '1 more problem'."""
    one = tmp_path / "one.csv"
    one.write_text("track,moods\nVangelis - Blush Response,brooding=0.9\n", encoding="utf-8")
    result = _run(library, "tags", "import", str(one))
    assert result.exit_code == 0, result.stderr
    assert "one.csv: 1 row, 1 track tagged, 1 mood set by hand" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("track,moods\n" + "".join(f"Nobody - Song {n},brooding\n" for n in range(11)), encoding="utf-8")
    result = _run(library, "tags", "import", str(bad))
    assert "bad.csv: 11 rows, 0 tracks tagged, 0 moods set by hand" in result.stdout
    assert result.stderr.count("  skipped line") == 10
    assert "… and 1 more problem\n" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["library", "list", "--artist", "Vangelis", "--limit", "1"], "Vangelis - "),
        (["library", "show", "Kavinsky - Nightcall"], "night-driving: 1 ← import 1"),
        (["library", "stats"], "library     the built-in demo library (216 tracks)"),
        (["moods", "explain", "Kavinsky - Nightcall"], "stored: atmospheric 0.50 (import)"),
    ],
)
def test_reading_commands_read_the_demo_library_until_one_exists(
    isolated_dirs: Path, args: list[str], expected: str
) -> None:
    """Like `build`, the commands that only read use the built-in demo library while the user
    has none (and named none), say so on stderr with how to import, and create no library."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout
    default = isolated_dirs / "data" / "library.db"
    assert f"reading the built-in demo library (216 tracks): you have no library at {default} yet" in result.stderr
    assert "moodseq import csv FILE" in result.stderr
    assert not default.exists()


def test_history_without_a_library_says_demo_builds_are_not_recorded(isolated_dirs: Path) -> None:
    """`history` with no library of the user's: no builds, and why (demo builds are not
    recorded), exit 0; `history show N` is an error with the same reason as its hint."""
    listed = CliRunner().invoke(cli, ["history"])
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout == ""
    assert "no builds recorded: builds from the built-in demo library are not recorded" in listed.stderr
    shown = CliRunner().invoke(cli, ["history", "show", "1"])
    assert shown.exit_code == 2
    assert "Error: no build number 1 in the history" in shown.stderr
    assert "hint: builds from the built-in demo library are not recorded" in shown.stderr


def test_reading_commands_name_the_library_they_read(library: Path, tmp_path: Path) -> None:
    """With a library of the user's the reading commands name it (and its size) on stderr; an
    empty library that nobody named falls back to the demo as `build` does."""
    result = _run(library, "list")
    assert result.exit_code == 0, result.stderr
    assert f"your library {library} (2 tracks)" in result.stderr
    assert "Kavinsky - Nightcall" in result.stdout
    from sequencer.cli.context import AppContext

    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    app = AppContext(env={"MOODSEQ_DATA_DIR": str(tmp_path)})
    assert app.library_path == tmp_path / "library.db"
    empty.rename(app.library_path)
    with app.reading_library() as reading:
        assert reading.is_demo and reading.store.count() == 216
    named = CliRunner().invoke(cli, ["--library", str(app.library_path), "library", "list"])
    assert named.exit_code == 0 and named.stdout == ""
    assert "your library" in named.stderr and "(0 tracks)" in named.stderr


def test_stats_json_says_whether_it_is_the_demo_library(library: Path) -> None:
    """`library stats --json` carries "demo": true for the built-in library a script reads
    before any import, false for the user's own."""
    demo = json.loads(CliRunner().invoke(cli, ["library", "stats", "--json"]).stdout)
    assert demo["demo"] is True and demo["tracks"] == 216
    own = json.loads(_run(library, "stats", "--json").stdout)
    assert own["demo"] is False and own["library"] == str(library) and own["tracks"] == 2


def test_tags_import_help_shows_a_file_that_works(library: Path, tmp_path: Path) -> None:
    """`library tags import --help` shows the file's format with an example (it named the
    columns only, not how a moods cell is written); that example, as printed, tags both tracks."""
    help_text = CliRunner().invoke(cli, ["library", "tags", "import", "--help"]).stdout
    lines = help_text.split("Example file:")[1].split("Options:")[0].strip().splitlines()
    example = tmp_path / "tags.csv"
    example.write_text("\n".join(line.strip() for line in lines) + "\n", encoding="utf-8")
    result = _run(library, "tags", "import", str(example))
    assert result.exit_code == 0, result.output
    assert "2 rows, 2 tracks tagged, 3 moods set by hand" in result.stdout
    with Store.open(library) as store:
        assert store.find("Kavinsky - Nightcall").moods == {"night-driving": 1.0, "brooding": 0.8}
        assert store.find("Vangelis - Blush Response").moods["atmospheric"] == 1.0


def test_show_lists_every_attribute_the_track_has() -> None:
    """`library show` lists every known attribute (it showed five: a study track's
    instrumentalness, which decides that mood, was not there), key and mode in words as in
    `moods explain`, wrapped to 80 columns."""
    from sequencer.cli.library_text import track_details

    track = Track("x", "Solar Sailer", ("Daft Punk",), 162.0, tempo=98.0, key=2, mode=1, instrumentalness=0.91)
    lines = track_details(track, {})
    shown = " ".join(line.strip() for line in lines)
    assert "tempo 98, key 2 (D), mode 1 (major), instrumentalness 0.91" in shown
    assert max(len(line) for line in lines) <= 80
    assert "no audio attributes" in "\n".join(track_details(Track("y", "Bare", ("B",), 100.0), {}))


def test_tag_clear_removes_hand_tags(library: Path) -> None:
    """A hand tag could be set to 0 but never removed (the imported mood stayed hidden forever):
    --clear removes the track's hand tags, and with moods makes them exactly those; no mood and
    no --clear is one line saying what to give."""
    assert _run(library, "tag", "Vangelis - Blush Response", "brooding=0", "study=0.4").exit_code == 0
    with Store.open(library) as store:
        assert store.find("Vangelis - Blush Response").moods == {"study": 0.4}  # brooding hidden by 0
    cleared = _run(library, "tag", "Vangelis - Blush Response", "--clear")
    assert cleared.exit_code == 0, cleared.output
    assert "Vangelis - Blush Response: hand tags removed; moods now: brooding 0.5" in cleared.stdout
    with Store.open(library) as store:
        assert store.find("Vangelis - Blush Response").moods == {"brooding": 0.5}  # the import's again
    assert _run(library, "tag", "Vangelis - Blush Response", "atmospheric=1").exit_code == 0
    replaced = _run(library, "tag", "Vangelis - Blush Response", "--clear", "study=0.7")
    assert replaced.exit_code == 0, replaced.output
    with Store.open(library) as store:
        assert store.mood_sources(store.find("Vangelis - Blush Response").id)["study"] == [("hand", 0.7)]
        assert "atmospheric" not in store.find("Vangelis - Blush Response").moods
    neither = _run(library, "tag", "Vangelis - Blush Response")
    assert neither.exit_code == 2 and "or --clear to remove the track's hand tags" in neither.stderr


def test_show_by_name_says_other_recordings_have_that_name(library: Path) -> None:
    """`library show "Kavinsky - Nightcall"` showed one of two recordings of that name and said
    nothing of the other (which `library tag` of the name tags too): it names the others' ids.
    Shown by its id, a recording is just itself."""
    with Store.open(library) as store:
        store.upsert_tracks([Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=412.0, album="Live")])
        ids = store.same_name_ids(store.find("Kavinsky - Nightcall").id)
    assert len(ids) == 2
    shown = _run(library, "show", "Kavinsky - Nightcall")
    assert shown.exit_code == 0, shown.output
    first = shown.stdout.splitlines()[0]
    other = next(i for i in ids if i not in first)
    assert f"1 of 2 recordings of this name; the other: {other} (`moodseq library show {other}`)" in shown.stdout
    alone = _run(library, "show", other)
    assert alone.exit_code == 0, alone.output
    assert "recordings of this name" not in alone.stdout


@pytest.mark.parametrize("ref", ["", "   "])
def test_an_empty_track_name_names_no_track_and_tags_nothing(library: Path, ref: str) -> None:
    """`library tag "" brooding` hand-tagged a track whose title has no letters (Aitana's "+":
    its normalised title is "", as is the empty name's), and `library show ""` showed it: an
    empty name is one error, and nothing is written."""
    with Store.open(library) as store:
        store.upsert_tracks([Track(id="", title="+", artists=("Aitana",), duration_s=219.0)])
    shown = _run(library, "show", ref)
    assert shown.exit_code == 2
    assert shown.stderr.splitlines()[-2:] == [
        "Error: the track name is empty",
        'hint: name a track: "Artist - Title", its id or its Spotify link',
    ]
    tagged = _run(library, "tag", ref, "brooding")
    assert tagged.exit_code == 2 and "the track name is empty" in tagged.stderr
    with Store.open(library) as store:
        assert store.find("Aitana - +").moods == {}
        assert store.lookup(ref) is None and store.lookup_many([ref]) == [None]


def test_a_title_of_punctuation_names_only_that_title(library: Path) -> None:
    """Titles without letters or digits all normalise to "": `library show "?"` showed Aitana's
    "+" (and `tag` would have tagged it); each names only its own track."""
    with Store.open(library) as store:
        store.upsert_tracks(
            [
                Track(id="", title="+", artists=("Aitana",), duration_s=219.0),
                Track(id="", title="?", artists=("MF DOOM",), duration_s=180.0),
            ]
        )
        assert store.find("?").artists == ("MF DOOM",)
        assert store.find("+").artists == ("Aitana",)
        assert store.lookup("!!!") is None and store.lookup_many(["!!!", "?"])[0] is None
    missing = _run(library, "tag", "!!!", "brooding")
    assert missing.exit_code == 2 and "no track '!!!' in the library" in missing.stderr
