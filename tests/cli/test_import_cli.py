"""`moodseq import csv|files|spotify` end to end: output, errors, exit codes, the library file."""

from __future__ import annotations

import json
import sys
import wave
from pathlib import Path
from typing import Any

import mutagen.id3
import mutagen.wave
import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.track import Track

DATA = Path(__file__).resolve().parent.parent / "data"


def _invoke(library: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--library", str(library), *args])


def test_import_csv_reports_counts_and_problems(tmp_path: Path) -> None:
    """A CSV import prints its summary on stdout and the first skipped rows with line numbers
    on stderr; the library holds the good rows."""
    library = tmp_path / "lib.db"
    result = _invoke(library, "import", "csv", str(DATA / "malformed.csv"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Imported malformed.csv: 11 rows → 4 tracks (4 new, 0 updated, 0 unchanged)")
    assert "skipped line 3: expected 5 fields, found 6" in result.stderr
    assert "warning line 8: tempo 0 is outside [1, 300]; left unknown" in result.stderr
    assert "… and 1 more skipped" in result.stderr
    with Store.open(library) as store:
        assert store.count() == 4


def test_quiet_import_prints_no_skipped_rows_or_warnings(tmp_path: Path) -> None:
    """--quiet means nothing but errors: the same import is silent on stderr, still imports the
    good rows, and --skipped FILE still keeps every problem."""
    library = tmp_path / "lib.db"
    target = tmp_path / "problems.csv"
    result = CliRunner().invoke(
        cli,
        ["--quiet", "--library", str(library), "import", "csv", str(DATA / "malformed.csv"), "--skipped", str(target)],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "expected 5 fields, found 6" in target.read_text(encoding="utf-8")
    with Store.open(library) as store:
        assert store.count() == 4


def test_import_csv_with_map_and_rerun(tmp_path: Path) -> None:
    """--map picks a column; the same import again changes nothing."""
    library = tmp_path / "lib.db"
    args = ["import", "csv", str(DATA / "tracks.tsv"), "--map", "artist=singer"]
    first = _invoke(library, *args)
    assert first.exit_code == 0, first.stderr
    assert "2 rows → 2 tracks (2 new" in first.stdout
    second = _invoke(library, *args)
    assert "(0 new, 0 updated, 2 unchanged)" in second.stdout


def test_missing_columns_is_one_error_line_with_a_hint(tmp_path: Path) -> None:
    """Missing required columns: Error naming them and the columns found, a --map hint, exit 2."""
    result = _invoke(tmp_path / "lib.db", "import", "csv", str(DATA / "no_artist.csv"))
    assert result.exit_code == 2
    assert "Error: " in result.stderr and "missing required column artist" in result.stderr
    assert "columns found: name, singer_name, length" in result.stderr
    assert "hint: name the columns with --map, e.g. --map artist=COLUMN" in result.stderr
    assert result.stdout == ""


def test_bad_map_option_is_an_error(tmp_path: Path) -> None:
    """A --map without '=' is refused before anything is read."""
    result = _invoke(tmp_path / "lib.db", "import", "csv", str(DATA / "tracks.tsv"), "--map", "artist")
    assert result.exit_code == 2
    assert "--map 'artist' must look like FIELD=COLUMN" in result.stderr


def test_import_files(tmp_path: Path) -> None:
    """`import files DIR` reads the tags of the audio files and lists unreadable ones."""
    folder = tmp_path / "music"
    folder.mkdir()
    with wave.open(str(folder / "a.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 16000)
    id3: Any = mutagen.id3  # mutagen is untyped
    audio: Any = mutagen.wave.WAVE(folder / "a.wav")  # type: ignore[no-untyped-call]
    audio.add_tags()
    audio.tags.add(id3.TIT2(encoding=3, text="Blush Response"))
    audio.tags.add(id3.TPE1(encoding=3, text="Vangelis"))
    audio.save()
    (folder / "bad.flac").write_bytes(b"nope" * 10)
    result = _invoke(tmp_path / "lib.db", "import", "files", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "Imported 2 files from" in result.stdout and "1 new" in result.stdout
    assert "bad.flac: not a readable audio file" in result.stderr
    assert "1 track has no moods and nothing `moodseq moods infer` could read" in result.stderr
    assert f"library {tmp_path / 'lib.db'}: 1 track\n" in result.stderr


def test_import_names_the_next_step_for_tracks_without_moods(tmp_path: Path) -> None:
    """After an import, tracks with no moods are counted on stderr with the command that fills
    them; stdout keeps only the summary."""
    result = _invoke(tmp_path / "lib.db", "import", "csv", str(DATA / "malformed.csv"))
    assert result.exit_code == 0, result.stderr
    assert "4 tracks have no moods yet: run `moodseq moods infer`" in result.stderr
    assert "no moods yet" not in result.stdout


def test_import_says_nothing_more_when_every_track_has_moods(tmp_path: Path) -> None:
    """When every track in the library has a mood, the import does not suggest inferring;
    once a moodless track is added, the count covers the library's tracks without moods."""
    library = tmp_path / "lib.db"
    with Store.open(library) as store:
        store.upsert_tracks(
            [Track(id="", title="Blush Response", artists=("Vangelis",), duration_s=340.0, moods={"brooding": 0.5})]
        )
    moody = tmp_path / "moody.csv"
    moody.write_text("title,artist,duration_ms,mood\nNightcall,Kavinsky,257000,brooding\n", encoding="utf-8")
    result = _invoke(library, "import", "csv", str(moody))
    assert result.exit_code == 0, result.stderr
    assert "1 new" in result.stdout
    assert "no moods yet" not in result.stderr
    plain = tmp_path / "plain.csv"
    plain.write_text("title,artist,duration_ms\nTeardrop,Massive Attack,330000\n", encoding="utf-8")
    again = _invoke(library, "import", "csv", str(plain))
    assert "1 track has no moods and nothing `moodseq moods infer` could read" in again.stderr
    assert "moodseq enrich lastfm" in again.stderr


def test_import_suggests_moods_infer_only_while_it_has_something_new_to_read(tmp_path: Path) -> None:
    """Tracks with an energy and valence: `moods infer` is the next step; once it has run and
    left some without moods, a re-import says it found none for them (no loop back to infer);
    after new tracks arrive it is worth running again."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    rows = "".join(f"Song {n},Artist {n},240000,0.5,0.5\n" for n in range(6))
    songs.write_text("title,artist,duration_ms,energy,valence\n" + rows, encoding="utf-8")
    first = _invoke(library, "import", "csv", str(songs))
    assert "6 tracks have no moods yet: run `moodseq moods infer`" in first.stderr
    inferred = _invoke(library, "moods", "infer")
    assert inferred.exit_code == 0, inferred.stderr
    with Store.open(library) as store:
        left = store.count_without_moods()
    assert left > 0  # middling energy and valence: no mood for some of them
    again = _invoke(library, "import", "csv", str(songs))
    assert "0 new, 0 updated, 6 unchanged" in again.stdout
    assert "run `moodseq moods infer`" not in again.stderr
    assert "no moods: `moodseq moods infer` found none in their data; `moodseq enrich lastfm`" in again.stderr
    more = tmp_path / "more.csv"
    more.write_text("title,artist,duration_ms,energy,valence\nNew,Someone,200000,0.9,0.1\n", encoding="utf-8")
    later = _invoke(library, "import", "csv", str(more))
    assert "the library changed since `moodseq moods infer` ran: run it again" in later.stderr


def test_hand_tags_do_not_make_moods_infer_stale(tmp_path: Path) -> None:
    """Hand moods never feed `moods infer`: after `library tag` and `library tags import`, a
    re-import still says infer found none for the moodless tracks (it said "the library changed
    since `moodseq moods infer` ran: run it again", which would change nothing)."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    rows = "".join(f"Song {n},Artist {n},240000,0.5,0.5\n" for n in range(6))
    songs.write_text("title,artist,duration_ms,energy,valence\n" + rows, encoding="utf-8")
    _invoke(library, "import", "csv", str(songs))
    assert _invoke(library, "moods", "infer").exit_code == 0
    assert _invoke(library, "library", "tag", "Artist 1 - Song 1", "brooding=0.8").exit_code == 0
    tags = tmp_path / "tags.csv"
    tags.write_text("track,study\nArtist 2 - Song 2,0.7\n", encoding="utf-8")
    assert _invoke(library, "library", "tags", "import", str(tags)).exit_code == 0
    again = _invoke(library, "import", "csv", str(songs))
    assert "changed since" not in again.stderr
    assert "no moods: `moodseq moods infer` found none in their data" in again.stderr


def test_corrupt_library_is_a_clear_error(tmp_path: Path) -> None:
    """A damaged library file gives one Error line and a hint, exit 2, no traceback."""
    library = tmp_path / "lib.db"
    library.write_bytes(b"garbage" * 1000)
    result = _invoke(library, "import", "csv", str(DATA / "tracks.tsv"), "--map", "artist=singer")
    assert result.exit_code == 2
    assert f"Error: {library} is not a moodseq library (not a SQLite database)" in result.stderr
    assert "hint: check --library and MOODSEQ_LIBRARY" in result.stderr and "restore a backup" in result.stderr
    assert "move the file away" not in result.stderr  # it may be anyone's file: never suggest moving it
    assert "Traceback" not in result.stderr
    assert library.read_bytes() == b"garbage" * 1000


def test_a_library_path_naming_some_other_text_file_is_left_alone(tmp_path: Path) -> None:
    """`--library ~/.profile` (any file that is no SQLite database): one line saying so and to
    check the setting, the file untouched; a track list still gets its own advice."""
    other = tmp_path / "profile"
    other.write_text("export PATH=$HOME/bin:$PATH\n" * 200, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--library", str(other), "library", "stats"])
    assert result.exit_code == 2
    error, hint = result.stderr.strip().splitlines()
    assert error == f"Error: {other} is not a moodseq library (not a SQLite database)"
    assert hint.startswith("hint: check --library and MOODSEQ_LIBRARY")
    assert other.read_text(encoding="utf-8").startswith("export PATH")


def test_spotify_subcommand_is_listed_and_lazy(tmp_path: Path) -> None:
    """`import --help` lists spotify; `import csv` does not import the Spotify module."""
    sys.modules.pop("sequencer.cli.commands._import_spotify", None)
    result = _invoke(tmp_path / "lib.db", "import", "csv", str(DATA / "tracks.tsv"), "--map", "artist=singer")
    assert result.exit_code == 0
    assert "sequencer.cli.commands._import_spotify" not in sys.modules
    listing = CliRunner().invoke(cli, ["import", "--help"])
    assert "spotify" in listing.stdout and "csv" in listing.stdout and "files" in listing.stdout


def test_spotify_subcommand_says_when_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the Spotify import module is missing, `import spotify` says it is unavailable (exit 2)."""
    from sequencer.cli.import_group import ImportGroup

    monkeypatch.setitem(ImportGroup.lazy, "spotify", ("sequencer.cli.commands._no_such_module", "Import from Spotify."))
    result = CliRunner().invoke(cli, ["import", "spotify", "--liked"])
    assert result.exit_code == 2
    assert "Error: Spotify import is unavailable in this installation" in result.stderr
    listing = CliRunner().invoke(cli, ["import", "--help"])
    assert "(unavailable)" in listing.stdout


def test_import_csv_takes_several_files(tmp_path: Path) -> None:
    """`import csv a.csv b.json` (Exportify's "Export All" gives one CSV per playlist) imports
    each, with a summary line per file; one unreadable file stops the run before anything is
    written, naming it."""
    library = tmp_path / "lib.db"
    first, second = tmp_path / "a.csv", tmp_path / "b.json"
    first.write_text("title,artist\nOne,A\nTwo,B\n", encoding="utf-8")
    second.write_text('[{"title": "Two", "artist": "B"}, {"title": "Three", "artist": "C"}]', encoding="utf-8")
    result = _invoke(library, "import", "csv", str(first), str(second))
    assert result.exit_code == 0, result.stderr
    assert "Imported a.csv: 2 rows → 2 tracks (2 new" in result.stdout
    assert "Imported b.json: 2 rows → 2 tracks (1 new, 0 updated, 1 unchanged)" in result.stdout
    with Store.open(library) as store:
        assert store.count() == 3
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    third = tmp_path / "c.csv"
    third.write_text("title,artist\nFour,D\n", encoding="utf-8")
    result = _invoke(library, "import", "csv", str(third), str(empty))
    assert result.exit_code == 2
    assert "Error: " in result.stderr and "empty.csv is empty" in result.stderr
    with Store.open(library) as store:
        assert store.count() == 3


def test_skipped_file_holds_every_problem_and_debug_lists_them_all(tmp_path: Path) -> None:
    """--skipped FILE: every skipped row and warning with file, line and reason; --debug lists
    all of them on the terminal instead of the first five."""
    import csv

    library, target = tmp_path / "lib.db", tmp_path / "problems.csv"
    result = _invoke(library, "import", "csv", str(DATA / "malformed.csv"), "--skipped", str(target))
    assert result.exit_code == 0, result.stderr
    assert f"(all of them: in {target})" in result.stderr
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert [(r["position"], r["kind"]) for r in rows] == [
        ("3", "skipped"),
        ("4", "skipped"),
        ("5", "skipped"),
        ("6", "skipped"),
        ("7", "skipped"),
        ("12", "skipped"),
        ("8", "warning"),
        ("9", "warning"),
    ]
    assert rows[5]["reason"] == "duration 999999999999 is longer than a day"
    assert "8 problems (skipped rows and warnings) written to" in result.stderr
    debug = CliRunner().invoke(
        cli, ["--debug", "--library", str(tmp_path / "b.db"), "import", "csv", str(DATA / "malformed.csv")]
    )
    assert "skipped line 12: duration 999999999999 is longer than a day" in debug.stderr
    assert "more skipped" not in debug.stderr


def test_reimporting_your_own_exports_changes_nothing(tmp_path: Path) -> None:
    """A playlist built and exported from the library, imported back as JSPF or as the JSON
    track list, brings nothing the library lacks: every track is 'unchanged' (was 'updated',
    as the export carries less than the catalog did), and the library's change counter (which
    the feature cache and the `moods infer` hint follow) does not move."""
    library = tmp_path / "lib.db"
    catalog = tmp_path / "catalog.csv"
    rows = "".join(
        f"{n:022d},Song {n},Artist {n % 9},{200000 + 1000 * n},synthwave,{0.3 + n * 0.015:.3f},{0.2 + n * 0.01:.3f},"
        f"{90 + n}\n"
        for n in range(40)
    )
    catalog.write_text("track_id,track_name,track_artist,duration_ms,genre,energy,valence,tempo\n" + rows, "utf-8")
    assert _invoke(library, "import", "csv", str(catalog)).exit_code == 0
    assert _invoke(library, "moods", "infer").exit_code == 0
    built = _invoke(library, "build", "night-drive", "--minutes", "30", "--seed", "1", "-o", str(tmp_path / "p.json"))
    assert built.exit_code == 0, built.stderr
    assert _invoke(library, "export", str(tmp_path / "p.json"), "-o", str(tmp_path / "p.jspf")).exit_code == 0
    count = len(json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["tracks"])
    with Store.open(library) as store:
        changes = store.changes()
    jspf = _invoke(library, "import", "jspf", str(tmp_path / "p.jspf"))
    assert jspf.exit_code == 0, jspf.stderr
    assert f"(0 new, 0 updated, {count} unchanged)" in jspf.stdout
    back = _invoke(library, "import", "csv", str(tmp_path / "p.json"))
    assert f"(0 new, 0 updated, {count} unchanged)" in back.stdout
    assert "run `moodseq moods infer`" not in back.stderr + jspf.stderr
    with Store.open(library) as store:
        assert store.changes() == changes


def test_reimporting_an_export_does_not_store_playlist_genres_as_tags(tmp_path: Path) -> None:
    """A catalog whose playlist names a genre ("Late Night Darkwave"): the library files its
    tracks under darkwave, the export carries that genre, and importing the export back stored
    it as a file tag, reporting every track "updated" although nothing had changed. It is now
    unchanged (twice over); into another library the genres are still its tags."""
    library = tmp_path / "lib.db"
    catalog = tmp_path / "catalog.csv"
    rows = "".join(
        f"{n:022d},Song {n},Artist {n % 9},{200000 + 1000 * n},synthwave,Late Night Darkwave,"
        f"{0.3 + n * 0.015:.3f},{0.2 + n * 0.01:.3f},{90 + n}\n"
        for n in range(40)
    )
    header = "track_id,track_name,track_artist,duration_ms,genre,playlist_name,energy,valence,tempo\n"
    catalog.write_text(header + rows, "utf-8")
    assert _invoke(library, "import", "csv", str(catalog)).exit_code == 0
    assert _invoke(library, "moods", "infer").exit_code == 0
    built = _invoke(library, "build", "night-drive", "--minutes", "30", "--seed", "1", "-o", str(tmp_path / "p.json"))
    assert built.exit_code == 0, built.stderr
    tracks = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["tracks"]
    assert all(t["genres"] == ["synthwave", "darkwave"] for t in tracks)
    with Store.open(library) as store:
        tags_before = store.tags_bulk(source="file").get(tracks[0]["id"], {})
    for _ in range(2):
        back = _invoke(library, "import", "csv", str(tmp_path / "p.json"))
        assert back.exit_code == 0, back.stderr
        assert f"(0 new, 0 updated, {len(tracks)} unchanged)" in back.stdout
    with Store.open(library) as store:
        assert store.tags_bulk(source="file").get(tracks[0]["id"], {}) == tags_before
    other = tmp_path / "other.db"
    assert _invoke(other, "import", "csv", str(tmp_path / "p.json")).exit_code == 0
    with Store.open(other) as store:
        assert set(store.tags_bulk(source="file").get(tracks[0]["id"], {})) == {"synthwave", "darkwave"}


def test_an_export_read_back_adds_no_estimate_mood_or_playlist_to_known_tracks(tmp_path: Path) -> None:
    """moodseq's exports carry what the library worked out. Read back, an energy estimated from
    moods was stored as a measured attribute, the CSV's moods as imported moods of tracks the
    library knew, the CSV's file name as a playlist they were all in, and an attribute measured
    by analysis again as an imported one: each re-import "updated" tracks. Read back into that
    library it changes nothing; into another, the tracks get what the export knows but the
    estimates."""
    library = tmp_path / "lib.db"
    catalog = tmp_path / "catalog.csv"
    rows = "".join(
        f"{n:022d},Song {n},Artist {n % 9},{200000 + 1000 * n},synthwave,"
        + (f"{0.3 + n * 0.015:.3f}" if n % 2 else "")  # every other track without an energy
        + f",{0.2 + n * 0.01:.3f}\n"
        for n in range(40)
    )
    catalog.write_text("track_id,track_name,track_artist,duration_ms,genre,energy,valence\n" + rows, "utf-8")
    assert _invoke(library, "import", "csv", str(catalog)).exit_code == 0
    with Store.open(library) as store:
        for track in store.tracks():
            if track.energy is not None:
                store.set_attributes(track.id, {"tempo": 111.0}, source="analysis")
    assert _invoke(library, "moods", "infer").exit_code == 0
    json_file, csv_file = tmp_path / "night.json", tmp_path / "night.csv"
    built = _invoke(library, "build", "night-drive", "--minutes", "40", "--seed", "1", "-o", str(json_file))
    assert built.exit_code == 0, built.stderr
    assert _invoke(library, "export", str(json_file), "-o", str(csv_file)).exit_code == 0
    tracks = json.loads(json_file.read_text(encoding="utf-8"))["tracks"]
    estimated = [t["id"] for t in tracks if t["energy_estimated"]]
    assert estimated and len(estimated) < len(tracks)
    for path in (json_file, csv_file):
        for _ in range(2):
            back = _invoke(library, "import", "csv", str(path))
            assert back.exit_code == 0, back.stderr
            assert f"(0 new, 0 updated, {len(tracks)} unchanged)" in back.stdout, (path, back.stdout)
    with Store.open(library) as store:
        assert all(store.find(i).energy is None or store.find(i).energy_estimated for i in estimated)
        assert "import" not in store.stats()["mood_sources"]
        assert not any(t.playlists for t in store.tracks())
    for path in (json_file, csv_file):
        other = tmp_path / f"other-{path.suffix[1:]}.db"
        assert _invoke(other, "import", "csv", str(path)).exit_code == 0
        with Store.open(other) as store:
            assert all(store.find(i).energy is None for i in estimated)
            assert all(store.find(t["id"]).tempo == 111.0 for t in tracks if t["id"] not in estimated)


def test_import_files_counts_one_file_in_the_singular(tmp_path: Path) -> None:
    """A folder of one (unreadable) audio file: 'Imported 1 file from …' (was '1 files')."""
    folder = tmp_path / "music"
    folder.mkdir()
    (folder / "bad.flac").write_bytes(b"nope" * 10)
    result = _invoke(tmp_path / "lib.db", "import", "files", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Imported 1 file from {folder}: ")
    assert "bad.flac: not a readable audio file" in result.stderr


def test_moodseq_csv_export_imported_back_keeps_its_moods_below_inference(tmp_path: Path) -> None:
    """moodseq's own CSV export carries the moods it had worked out; imported back they are
    stored as 'import' moods, below inferred and hand ones (they were crowd-tag moods, which
    outrank every later `moods infer`), and a note says so."""
    library = tmp_path / "lib.db"
    catalog = tmp_path / "catalog.csv"
    rows = "".join(
        f"{n:022d},Song {n},Artist {n % 9},{200000 + 1000 * n},synthwave,{0.3 + n * 0.015:.3f},{0.2 + n * 0.01:.3f}\n"
        for n in range(40)
    )
    catalog.write_text("track_id,track_name,track_artist,duration_ms,genre,energy,valence\n" + rows, "utf-8")
    assert _invoke(library, "import", "csv", str(catalog)).exit_code == 0
    assert _invoke(library, "moods", "infer").exit_code == 0
    exported = tmp_path / "night.csv"
    built = _invoke(library, "build", "night-drive", "--minutes", "30", "--seed", "1", "-o", str(exported))
    assert built.exit_code == 0, built.stderr
    back = _invoke(library, "import", "csv", str(exported))
    assert back.exit_code == 0, back.stderr
    assert "night.csv: a moodseq export: its moods are kept below inferred and hand moods" in back.stderr
    with Store.open(library) as store:
        assert "tag" not in store.stats()["mood_sources"]
        moody = next(t for t in store.tracks() if t.moods)
        sources = store.mood_sources(moody.id)
        assert all(found[0][0] == "inferred" for found in sources.values())


def test_more_problems_than_shown_point_to_the_skipped_file_given(tmp_path: Path) -> None:
    """With --skipped FILE, "… and N more warnings" says they are all in FILE (it said to use
    --skipped FILE, which had just been given)."""
    songs = tmp_path / "songs.csv"
    rows = "".join(f"Song {n},Artist {n},240000,0\n" for n in range(12))
    songs.write_text("title,artist,duration_ms,tempo\n" + rows, encoding="utf-8")
    listed = tmp_path / "problems.csv"
    result = _invoke(tmp_path / "lib.db", "import", "csv", str(songs), "--skipped", str(listed))
    assert result.exit_code == 0, result.output
    assert f"more warnings (all of them: in {listed})" in result.stderr
    assert "--skipped FILE" not in result.stderr
    assert len(listed.read_text(encoding="utf-8").splitlines()) == 13
    plain = _invoke(tmp_path / "lib2.db", "import", "csv", str(songs))
    assert "more warnings (all of them: --skipped FILE, or --debug)" in plain.stderr


@pytest.mark.parametrize(("kind", "pattern"), [("csv", "*.csv"), ("jspf", "*.jspf")])
def test_a_folder_for_files_names_the_command_for_its_files(tmp_path: Path, kind: str, pattern: str) -> None:
    """`import csv exports/` (a folder of Exportify exports) said click's "is a directory" and
    pointed at --help; it names the command for the files in it, and writes nothing."""
    folder = tmp_path / "exports"
    folder.mkdir()
    library = tmp_path / "lib.db"
    result = CliRunner().invoke(cli, ["--library", str(library), "import", kind, str(folder)])
    assert result.exit_code == 2
    assert f"{folder} is a folder, and `import {kind}` reads files" in result.stderr
    assert f"moodseq import {kind} {folder / pattern}" in result.stderr
    assert not library.exists()


@pytest.mark.parametrize(
    ("name", "text", "said", "hint"),
    [
        ("mix.m3u8", "#EXTM3U\n#EXTINF:258,Kavinsky - Nightcall\n/music/nightcall.mp3\n", "an M3U playlist", "reorder"),
        ("mix.txt", "\ufeff#EXTM3U\n/music/a.mp3\n", "an M3U playlist", "import files"),
        ("mix.xspf", '<?xml version="1.0"?>\n<playlist version="1"/>', "an XSPF playlist", "import jspf"),
        ("mix.jspf", '{"playlist": {"title": "x", "track": []}}', "a JSPF playlist", "import jspf"),
        ("feed.xml", "<rss><channel/></rss>", "XML, not a track list", "export it as CSV"),
    ],
)
def test_import_csv_of_a_playlist_file_names_the_command_that_reads_it(
    tmp_path: Path, name: str, text: str, said: str, hint: str
) -> None:
    """`import csv mix.m3u8` said "missing required columns title …; columns found: #EXTM3U"
    and told to --map columns; a playlist is named as one, with the command that reads it, and
    nothing is written."""
    library = tmp_path / "lib.db"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _invoke(library, "import", "csv", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {path} is {said}")
    assert "columns" not in result.stderr and hint in result.stderr
    assert len(result.stderr.splitlines()) == 2
    assert not library.exists()


def test_skipped_file_that_is_the_input_or_the_library_is_refused_unwritten(tmp_path: Path) -> None:
    """`import csv songs.csv --skipped songs.csv` replaced the input with its problem report
    (and `--skipped library.db` would have replaced the library): refused before anything is
    read or written."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    text = "title,artist\nNightcall,Kavinsky\n,Nobody\n"
    songs.write_text(text, encoding="utf-8")
    same = _invoke(library, "import", "csv", str(songs), "--skipped", str(tmp_path / "." / "songs.csv"))
    assert same.exit_code == 2
    assert "is a file this command reads: writing there would replace it" in same.stderr
    assert songs.read_text(encoding="utf-8") == text and not library.exists()
    assert _invoke(library, "import", "csv", str(songs)).exit_code == 0
    before = library.read_bytes()
    lib = _invoke(library, "import", "csv", str(songs), "--skipped", str(library))
    assert lib.exit_code == 2 and "is your library: writing there would destroy it" in lib.stderr
    assert library.read_bytes() == before


def test_import_of_dash_says_how_to_read_standard_input(tmp_path: Path) -> None:
    """`import csv -` (as `-o -` writes to standard output) said "- does not exist / check the
    path"; it names the file that is standard input."""
    result = _invoke(tmp_path / "lib.db", "import", "csv", "-")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: - names no file here",
        "hint: to read standard input, name it: moodseq import csv /dev/stdin < FILE",
    ]
