"""CSV/TSV/JSON imports: dialects, column detection, bad input, the shared catalogs' counts."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequencer.adapters.importers.columns import detect_columns, parse_map_options
from sequencer.adapters.importers.records import ImportReport, RowProblem
from sequencer.adapters.importers.tabular import import_table, read_table
from sequencer.adapters.importers.values import parse_duration, parse_key, split_artists
from sequencer.adapters.library.store import Store
from sequencer.errors import InputFileError

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty library."""
    with Store.open(tmp_path / "library.db") as opened:
        yield opened


def test_exportify_classic_columns_and_artist_splitting(store: Store) -> None:
    """Exportify's classic export: URIs, ISRCs, durations; artists split by their URI count."""
    report = import_table(store, DATA / "exportify_classic.csv")
    assert (report.rows_read, report.added, report.duplicates) == (4, 3, 1)
    assert any("Exportify CSV" in note for note in report.notes)
    nightcall = store.find("spotify:track:73bDvrmSBh2fr53tLDH9oA")
    assert (nightcall.title, nightcall.duration_s, nightcall.isrc) == ("Nightcall", 257.32, "FR6V81200001")
    assert nightcall.explicit is False and nightcall.album == "OutRun"
    assert store.find("Tyler, The Creator - See You Again (feat. Kali Uchis)").artists == ("Tyler, The Creator",)
    assert store.find("Daft Punk - Get Lucky").artists == ("Daft Punk", "Pharrell Williams")


def test_exportify_current_with_features_bom_and_crlf(store: Store) -> None:
    """The newer Exportify export (BOM, CRLF, audio features, genres) imports its features."""
    import_table(store, DATA / "exportify_current.csv")
    track = store.find("Vangelis - Tears in Rain")
    assert (track.tempo, track.key, track.mode, track.energy) == (70.0, 9, 0, 0.1)
    assert track.genres == ("ambient", "soundtrack")
    assert store.tags_bulk(source="file")[track.id] == {"ambient": 1.0, "soundtrack": 1.0}
    assert track.uri == "spotify:track:5555555555555555555555"


def test_reimporting_the_same_file_changes_nothing(store: Store) -> None:
    """A second import of the same file reports every track unchanged and writes no track row."""
    import_table(store, DATA / "exportify_current.csv")
    before = store.tracks()
    report = import_table(store, DATA / "exportify_current.csv")
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    assert store.tracks() == before


def test_gzip_is_accepted_by_content(tmp_path: Path, store: Store) -> None:
    """A gzip-compressed CSV is read whatever its name."""
    target = tmp_path / "songs.csv.gz"
    target.write_bytes(gzip.compress((DATA / "exportify_current.csv").read_bytes()))
    assert import_table(store, target).added == 2


def test_cp1252_file_is_decoded_with_a_note(store: Store) -> None:
    """A Windows-1252 file (not UTF-8) is decoded correctly, semicolons detected, and the
    guess is reported."""
    report = import_table(store, DATA / "cp1252.csv")
    assert report.added == 2
    assert any("Windows-1252" in note for note in report.notes)
    assert any("semicolon" in note for note in report.notes)
    assert store.find("Energy 52 - Café del Mar").duration_s == 420.0
    assert store.find("Motörhead - It’s Over").title == "It’s Over"


def test_missing_required_columns_is_one_clear_error() -> None:
    """Missing title/artist columns: one error naming the missing fields and the columns found."""
    message = r"missing required column artist .*columns found: name, singer_name, length"
    with pytest.raises(InputFileError, match=message) as info:
        read_table(DATA / "no_artist.csv")
    assert "--map artist=COLUMN" in (info.value.hint or "")


def test_map_override_fixes_missing_columns(store: Store) -> None:
    """--map names a column detection missed; m:ss and h:mm:ss durations and mood tags work."""
    report = import_table(store, DATA / "tracks.tsv", overrides=parse_map_options(["artist=singer"]))
    assert report.added == 2
    nightcall = store.find("Kavinsky - Nightcall")
    assert nightcall.duration_s == 257.0 and nightcall.tempo == 91.0
    assert dict(nightcall.moods) == {"night-driving": 0.9, "brooding": 1.0}
    road = store.find("Thomas Newman - Road to Perdition")
    assert road.duration_s == 3723.0 and road.tempo is None


def test_map_to_unknown_column_or_field_is_an_error() -> None:
    """--map with a column the file lacks or an unknown field names the problem."""
    with pytest.raises(InputFileError, match="no column 'nope'"):
        read_table(DATA / "tracks.tsv", overrides={"artist": "nope"})
    with pytest.raises(InputFileError, match="unknown field 'singer'"):
        parse_map_options(["singer=artist"])
    with pytest.raises(InputFileError, match="FIELD=COLUMN"):
        parse_map_options(["title"])


def test_malformed_rows_are_skipped_with_line_numbers(store: Store) -> None:
    """Bad rows are skipped and listed with their line; absurd values are dropped; the rest
    is imported, and nothing of a skipped row is stored."""
    report = import_table(store, DATA / "malformed.csv")
    skipped = {p.line: p.message for p in report.skipped}
    assert skipped == {
        3: "expected 5 fields, found 6",
        4: "expected 5 fields, found 2",
        5: "duration -5000 is negative",
        6: "duration 'abc' is not a number",
        7: "no title",
        12: "duration 999999999999 is longer than a day",
    }
    warnings = {p.line: p.message for p in report.warnings}
    assert warnings[8] == "tempo 0 is outside [1, 300]; left unknown"
    assert warnings[9] == "energy 7 is outside [0, 1]; left unknown"
    assert report.duplicates == 1
    assert sorted(t.title for t in store.tracks()) == ["Good One", "Good Two", "Hot Energy", "Zero Tempo"]
    assert store.find("Artist G - Zero Tempo").tempo is None
    assert store.find("Artist H - Hot Energy").energy is None


def test_json_in_spotify_api_shape_and_plain_objects(store: Store) -> None:
    """JSON items (Spotify's saved-track shape or flat objects) import; a non-object is skipped."""
    report = import_table(store, DATA / "tracks.json")
    assert report.added == 2
    assert [str(p) for p in report.skipped] == ["item 3: not an object"]
    blush = store.find("Vangelis - Blush Response")
    assert (blush.isrc, blush.album) == ("GBAAA9400001", "Blade Runner")
    assert blush.uri == "spotify:track:7777777777777777777777"
    paris = store.find("Ry Cooder - Paris, Texas")
    assert paris.duration_s == 175.0 and paris.moods == {"brooding": 1.0}
    assert store.tags_bulk()[paris.id] == {"slide guitar": 1.0, "soundtrack": 1.0}


def test_empty_and_header_only_files(store: Store) -> None:
    """An empty file is an error; a header without rows imports nothing and says so."""
    with pytest.raises(InputFileError, match="is empty"):
        read_table(DATA / "empty.csv")
    report = import_table(store, DATA / "header_only.csv")
    assert report.rows_read == 0 and store.count() == 0
    assert any("no rows" in note for note in report.notes)


def test_binary_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    """A binary file or a missing path gives InputFileError with a hint."""
    binary = tmp_path / "song.mp3"
    binary.write_bytes(b"ID3\x00\x00\x00" + bytes(range(256)))
    with pytest.raises(InputFileError, match="not a text file"):
        read_table(binary)
    with pytest.raises(InputFileError, match="does not exist"):
        read_table(tmp_path / "missing.csv")


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    """A cut-off gzip download is reported as such."""
    target = tmp_path / "cut.csv.gz"
    target.write_bytes(gzip.compress(b"title,artist\n" * 1000)[:40])
    with pytest.raises(InputFileError, match="cannot be decompressed"):
        read_table(target)


def test_detect_columns_prefers_specific_names() -> None:
    """track_name beats playlist_name; both genre columns are used; ids come from track_id."""
    headers = [
        "track_id",
        "track_name",
        "track_artist",
        "playlist_name",
        "playlist_genre",
        "playlist_subgenre",
        "duration_ms",
    ]
    columns = detect_columns(headers)
    assert columns.positions["title"] == (1,)
    assert columns.positions["genre"] == (4, 5)
    assert columns.positions["id"] == (0,)


@given(st.integers(min_value=0, max_value=10 * 3600))
def test_duration_text_forms_agree(seconds: int) -> None:
    """h:mm:ss, m:ss, plain seconds and milliseconds give the same duration."""
    minutes, sec = divmod(seconds, 60)
    assert parse_duration(f"{minutes}:{sec:02d}", "s") == seconds
    assert parse_duration(str(seconds), "s") == seconds
    assert parse_duration(str(seconds * 1000), "ms") == seconds


@given(st.text(min_size=1).filter(lambda s: s.strip() != ""))
def test_parse_duration_never_crashes(text: str) -> None:
    """Any text is a duration or a ValueError with a message (never another exception)."""
    try:
        value = parse_duration(text, "ms")
    except ValueError as error:
        assert str(error)
    else:
        assert 0 <= value <= 24 * 3600


def test_parse_key_forms() -> None:
    """Key numbers, names and Camelot codes map to (pitch class, mode)."""
    assert parse_key("Am") == (9, 0)
    assert parse_key("8A") == (9, 0)
    assert parse_key("8B") == (0, 1)
    assert parse_key("F#m") == (6, 0)
    assert parse_key("Bb") == (10, 1)
    assert parse_key("11") == (11, None)
    assert parse_key("13") is None and parse_key("H") is None


@given(st.lists(st.text(alphabet="abcdefgh XYZ", min_size=1).map(str.strip).filter(bool), min_size=1, max_size=4))
def test_split_artists_round_trips_semicolons(names: list[str]) -> None:
    """Names joined by '; ' split back into the same names."""
    assert split_artists("; ".join(names)) == tuple(names)


def test_split_artists_list_literal_and_commas() -> None:
    """Python-list cells split; commas split only when told or when the URI count agrees."""
    assert split_artists("['A', 'B']") == ("A", "B")
    assert split_artists("Crosby, Stills & Nash") == ("Crosby, Stills & Nash",)
    assert split_artists("A, B", commas=True) == ("A", "B")
    assert split_artists("Tyler, The Creator", commas=True, expected=1) == ("Tyler, The Creator",)


def test_summary_line() -> None:
    """The report summary states rows, tracks and extras."""
    report = ImportReport(rows_read=10, added=7, unchanged=1, duplicates=2)
    assert report.summary() == "10 rows → 8 tracks (7 new, 0 updated, 1 unchanged); 2 duplicate rows merged"


# -- the shared catalogs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def tidy_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, ImportReport, ImportReport]:
    """The TidyTuesday catalog imported twice into one library."""
    shared = Path(__file__).resolve().parents[3] / "shared"
    source = shared / "data" / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz"
    if not source.is_file():
        pytest.skip("../shared is not beside the repository")
    store = Store.open(tmp_path_factory.mktemp("tidy") / "library.db")
    first = import_table(store, source)
    second = import_table(store, source)
    return store, first, second


def test_tidytuesday_counts(tidy_library: tuple[Store, ImportReport, ImportReport]) -> None:
    """32,833 rows → 28,356 distinct tracks (one per Spotify id); the re-import changes nothing."""
    store, first, second = tidy_library
    assert (first.rows_read, first.added, first.duplicates) == (32_833, 28_356, 4_477)
    assert not first.skipped
    assert store.count() == 28_356
    assert (second.added, second.updated, second.unchanged) == (0, 0, 28_356)


def test_tidytuesday_rows_without_names_keep_their_ids(tidy_library: tuple[Store, ImportReport, ImportReport]) -> None:
    """Rows with NA title/artist but a Spotify id are kept under a placeholder name, with a warning."""
    store, first, _ = tidy_library
    track = store.find("spotify:track:69gRFGOWY9OMpFJgFol1u0")
    assert (track.title, track.artists) == ("Unknown title", ("Unknown artist",))
    assert any("placeholder" in p.message for p in first.warnings)


def test_tidytuesday_feature_table(tidy_library: tuple[Store, ImportReport, ImportReport]) -> None:
    """The feature table covers every track with its tempo (the one tempo-0 row left unknown)."""
    store, _, _ = tidy_library
    table = store.feature_table()
    assert len(table) == 28_356
    tempo = table.column("tempo")
    assert int((tempo != tempo).sum()) == 1  # exactly one NaN


def test_ten_thousand_playlist_counts(shared_dir: Path, store: Store, tmp_path: Path) -> None:
    """9,961 rows: 1 empty row skipped, 529 rows merged as the same recording (same artist and
    title within 3 s; the rest of its 560 repeated names are other recordings), 9,431 tracks;
    a re-import changes nothing."""
    source = shared_dir / "data" / "spotify_10k_playlist" / "spotify_songs.csv"
    copy = tmp_path / "songs.csv"
    shutil.copy(source, copy)
    first = import_table(store, copy)
    assert (first.rows_read, len(first.skipped), first.duplicates, first.added) == (9_961, 1, 529, 9_431)
    second = import_table(store, copy)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 9_431)


def test_json_lines_count_lines(tmp_path: Path, store: Store) -> None:
    """JSON Lines: one object per line; a broken line is skipped with its line number."""
    source = tmp_path / "tracks.jsonl"
    source.write_text(
        '{"title": "A", "artist": "X", "duration": 100}\n{"title": "B", "artist": \n'
        '{"title": "C", "artist": "Y", "duration_ms": 200000, "tempo": 0}\n',
        encoding="utf-8",
    )
    report = import_table(store, source)
    assert report.added == 2
    assert str(report.skipped[0]).startswith("line 2: not valid JSON")
    assert [str(w) for w in report.warnings] == ["line 3: tempo 0 is outside [1, 300]; left unknown"]
    assert store.find("Y - C").duration_s == 200.0


_letters = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n")
_names = st.text(alphabet=_letters, min_size=1, max_size=30).filter(
    lambda s: (
        s.strip() == s
        and s.casefold() not in {"na", "n/a", "nan", "null", "none", "-", "?"}
        and ";" not in s
        and not (s.startswith("[") and s.endswith("]"))
    )
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(_names, _names, st.integers(min_value=1000, max_value=3_600_000)), min_size=1, max_size=8),
    st.sampled_from([",", "\t", ";"]),
)
def test_csv_round_trip(tmp_path: Path, rows: list[tuple[str, str, int]], delimiter: str) -> None:
    """Any titles and artists written by the csv module (quotes, commas, newlines, accents)
    read back exactly, whatever the delimiter, except that a line break inside a name reads
    as one space."""
    import csv
    import io
    import re

    def one_line(name: str) -> str:
        return re.sub(r"\s*\n\s*", " ", name)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["track_name", "track_artist", "duration_ms"])
    writer.writerows(rows)
    path = tmp_path / "round.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    read = read_table(path)
    assert not read.report.skipped
    expected = [(one_line(title), one_line(artist), ms) for title, artist, ms in rows]
    assert [(r.track.title, r.track.artists[0], round(r.track.duration_s * 1000)) for r in read.records] == expected


def test_json_lone_surrogates_are_replaced(tmp_path: Path, store: Store) -> None:
    """A JSON escape for half a character does not break the batch: it becomes U+FFFD."""
    source = tmp_path / "odd.json"
    source.write_text('[{"title": "Bad \\ud800 Name?", "artist": "X"}]', encoding="utf-8")
    assert import_table(store, source).added == 1
    assert store.tracks()[0].title == "Bad \ufffd Name?"


def test_excel_semicolon_csv_reads_decimal_commas(tmp_path: Path, store: Store) -> None:
    """A European Excel export (semicolons, decimal commas) keeps its numbers: '0,62' is 0.62
    and a '3,5' duration is 3.5 s, instead of dropping the attributes or skipping the row."""
    path = tmp_path / "excel.csv"
    path.write_text(
        "Track Name;Artist;Energy;Tempo;Duration\nSemi;Kraftwerk;0,62;120,5;245,5\nPlain;Kraftwerk;0.5;99;200\n",
        encoding="utf-8",
    )
    report = import_table(store, path)
    assert (report.added, report.skipped, report.warnings) == (2, [], [])
    semi = store.find("Kraftwerk - Semi")
    assert (semi.energy, semi.tempo, semi.duration_s) == (0.62, 120.5, 245.5)
    assert store.find("Kraftwerk - Plain").energy == 0.5


def test_decimal_commas_are_not_guessed_in_comma_separated_files(tmp_path: Path, store: Store) -> None:
    """In a comma-separated file a quoted '0,62' stays unreadable (a warning), never a guess."""
    path = tmp_path / "plain.csv"
    path.write_text('title,artist,energy\nA,B,"0,62"\n', encoding="utf-8")
    report = import_table(store, path)
    assert store.find("B - A").energy is None
    assert [w.message for w in report.warnings] == ["energy '0,62' is not a number; left unknown"]


def test_line_breaks_in_names_become_spaces(tmp_path: Path, store: Store) -> None:
    """A quoted title, artist or album holding a line break or tab (spreadsheet cells do) is
    stored on one line, so lists and playlist files (M3U8 lines) stay intact."""
    path = tmp_path / "breaks.csv"
    path.write_text('title,artist,album\n"Multi\nLine","Band\r\nName","Al\tbum"\n', encoding="utf-8")
    import_table(store, path)
    track = store.tracks()[0]
    assert (track.title, track.artists, track.album) == ("Multi Line", ("Band Name",), "Al bum")


def test_exportify_app_generation_with_spotify_ids_and_artist_ids(tmp_path: Path, store: Store) -> None:
    """exportify.app's export ("Spotify ID", "Artist IDs", …, features) is recognised as
    Exportify, and its artist ids keep "Tyler, The Creator" one artist while "Kavinsky,
    Lovefoxxx" (two ids) is two."""
    path = tmp_path / "Liked_Songs.csv"
    path.write_text(
        "\ufeffSpotify ID,Artist IDs,Track Name,Album Name,Artist Name(s),Release Date,Duration (ms),"
        "Popularity,Added By,Added At,Genres,Danceability,Energy,Key,Loudness,Mode,Speechiness,"
        "Acousticness,Instrumentalness,Liveness,Valence,Tempo,Time Signature\n"
        '7KA4W4McWYRpgf0fWsJZWB,"4V8LLVI7PbaPR0K2TGSxFF","See You Again","Flower Boy","Tyler, The Creator",'
        '2017-07-21,180386,80,spotify:user:x,2020-01-01T00:00:00Z,"hip hop,rap",0.558,0.559,6,-9.2,1,'
        "0.0959,0.371,0,0.109,0.62,78.558,4\n"
        '0nJW01T7XtvILxQgC5J7Wh,"0LyfQWJT6nXafLPZqxe9Of,4f7KfxeHq9BiylGmyXepGt","Nightcall","OutRun",'
        '"Kavinsky,Lovefoxxx",2013-02-22,258000,60,spotify:user:x,2020-01-01T00:00:00Z,"synthwave",'
        "0.5,0.8,9,-5,0,0.05,0.01,0.01,0.1,0.4,91,4\n",
        encoding="utf-8",
    )
    report = import_table(store, path)
    assert any("Exportify CSV" in note for note in report.notes)
    tyler = store.find("spotify:track:7KA4W4McWYRpgf0fWsJZWB")
    assert tyler.artists == ("Tyler, The Creator",) and tyler.tempo == 78.558
    assert store.find("spotify:track:0nJW01T7XtvILxQgC5J7Wh").artists == ("Kavinsky", "Lovefoxxx")


def test_a_repeated_column_name_is_noted(tmp_path: Path, store: Store) -> None:
    """Two columns with the same name: the first is used and a note says so, naming both
    positions (a spreadsheet join often leaves such a pair)."""
    path = tmp_path / "dup.csv"
    path.write_text("title,artist,Title\nFirst,A,Second\n", encoding="utf-8")
    report = import_table(store, path)
    assert store.find("A - First").title == "First"
    assert "dup.csv: column 'title' appears 2 times (columns 1, 3); the first is used" in report.notes


def test_a_zip_archive_says_to_unzip_it(tmp_path: Path) -> None:
    """Exportify's "Export All" zip given as is: an error that names the archive and says how
    to import its CSVs, not "contains NUL bytes"."""
    import zipfile

    path = tmp_path / "spotify_playlists.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Liked_Songs.csv", "title,artist\nA,B\n")
    with pytest.raises(InputFileError) as raised:
        read_table(path)
    assert raised.value.message == f"{path} is a zip archive"
    folder = tmp_path / "spotify_playlists"
    assert raised.value.hint == f"unzip it, then import its files: moodseq import csv {folder}/*.csv"


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 duplicate row merged, 1 row skipped"), (2, "2 duplicate rows merged, 2 rows skipped")]
)
def test_summary_counts_agree_with_their_nouns(count: int, words: str) -> None:
    """One skipped row is "1 row skipped", not "1 rows skipped" (the 10k catalog has one)."""
    report = ImportReport(rows_read=9, added=9 - 2 * count, duplicates=count)
    report.skipped.extend(RowProblem(line=n + 2, message="no title and artist") for n in range(count))
    assert report.summary().endswith(f"; {words}")


def test_summary_of_one_row_and_one_track_is_singular() -> None:
    """A one-track import reads "1 row → 1 track", not "1 rows → 1 tracks"."""
    assert ImportReport(rows_read=1, added=1).summary() == "1 row → 1 track (1 new, 0 updated, 0 unchanged)"


def test_unread_columns_that_look_like_fields_are_named_with_the_map_that_reads_them(tmp_path: Path) -> None:
    """Columns detection does not read but that are a field's name behind a source prefix
    (sp_energy, spotify_track_id, dz_valence) are named in a note with the --map that reads
    one (they were dropped silently); a field already fed, and columns mapped, are not named."""
    from sequencer.adapters.importers.tabular import read_table

    path = tmp_path / "joined.csv"
    path.write_text(
        "artist_name,track_name,spotify_artist,dz_valence,sp_valence,sp_energy,spotify_track_id,sp_tempo\n"
        "Boney M,Rasputin,Boney M.,1.5,0.97,0.72,67hbP9PFQZrb4XZc3TzB0s,126.2\n",
        encoding="utf-8",
    )
    notes = read_table(path).report.notes
    lookalike = [n for n in notes if "columns not read that look like track fields" in n]
    assert lookalike == [
        "joined.csv: columns not read that look like track fields: valence ← dz_valence or sp_valence; "
        "energy ← sp_energy; id ← spotify_track_id; tempo ← sp_tempo "
        "(`--map energy=sp_energy --map id=spotify_track_id --map tempo=sp_tempo` reads them; "
        "--map valence= one of dz_valence, sp_valence (each field takes one column))"
    ]  # the whole --map to copy (it named one, and dz_valence, which is on another scale)
    mapped = read_table(path, overrides={"energy": "sp_energy", "valence": "sp_valence", "id": "spotify_track_id"})
    assert mapped.records[0].track.energy == pytest.approx(0.72)
    note = next(n for n in mapped.report.notes if "look like track fields" in n)
    assert note.split(": ", 2)[2].startswith("tempo ← sp_tempo (")
    plain = tmp_path / "plain.csv"
    plain.write_text("artist,title,energy\nA,B,0.5\n", encoding="utf-8")
    assert not any("look like track fields" in n for n in read_table(plain).report.notes)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_spreadsheet_says_to_save_it_as_csv(tmp_path: Path, suffix: str) -> None:
    """An Excel or LibreOffice file (a zip inside) is named a spreadsheet with how to save it as
    CSV (was "a zip archive: unzip it"); a CSV that only carries a spreadsheet's name is read."""
    import zipfile

    path = tmp_path / f"songs{suffix}"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    with pytest.raises(InputFileError) as raised:
        read_table(path)
    assert raised.value.message == f"{path} is a spreadsheet"
    assert raised.value.hint is not None and "save it as CSV" in raised.value.hint
    renamed = tmp_path / "export.xlsx"
    renamed.write_text("title,artist\nNightcall,Kavinsky\n", encoding="utf-8")
    assert read_table(renamed).records[0].track.title == "Nightcall"


def test_moodseq_sequence_json_keeps_its_attributes(tmp_path: Path) -> None:
    """moodseq's own sequence JSON (`build -o x.json`), which `--library x.json` tells you to
    import: each track keeps its attributes and genres (the nested objects were flattened away
    and the tracks came in bare: "attributes none"); its moods are left to `moods infer`, so a
    re-import into the library it came from changes nothing (test_import_cli)."""
    from sequencer.adapters.exporters import render
    from sequencer.core.profile import Profile
    from sequencer.core.sequence import make_sequence
    from tests.strategies import synthetic_library

    tracks = [t for t in synthetic_library(60, seed=4) if t.moods and t.energy is not None][:6]
    path = tmp_path / "night.json"
    path.write_text(render(make_sequence(tracks, Profile(name="t"), seed=1), "json"), encoding="utf-8")
    read = read_table(path)
    assert len(read.records) == len(tracks)
    for record, track in zip(read.records, tracks, strict=True):
        assert record.track.energy == pytest.approx(track.energy, abs=1e-6)
        if track.tempo is not None:
            assert record.track.tempo == pytest.approx(track.tempo, abs=1e-6)
        assert set(record.track.genres) == set(track.genres)
        assert record.track.moods == {}
    assert any("a moodseq export: its attributes and genres are kept" in note for note in read.report.notes)


@pytest.mark.parametrize(
    ("header", "cells", "seconds", "guessed"),
    [
        ("duration", ["3.5", "4.25", "2:30"], [210.0, 255.0, 150.0], True),  # minutes, said
        ("Duration (min)", ["30", "4.25"], [1800.0, 255.0], False),  # the header says minutes
        ("duration", ["240", "185.5"], [240.0, 185.5], False),  # seconds
        ("duration", ["5", "8", "300"], [5.0, 8.0, 300.0], False),  # a jingle or two among songs
        ("duration_ms", ["3.5", "4"], [0.0035, 0.004], False),  # the header says milliseconds
    ],
)
def test_durations_in_minutes_are_read_as_minutes_and_said(
    tmp_path: Path, header: str, cells: list[str], seconds: list[float], guessed: bool
) -> None:
    """A hand-written list with "3.5" (minutes) in its duration column was imported as 3.5
    seconds ([0:04]), silently, and every build's duration rules left it out: a column of
    numbers all under an hour, median under 15, is minutes, and the note says so."""
    path = tmp_path / "mine.csv"
    rows = [f"Song {i},Artist {i},{cell}" for i, cell in enumerate(cells)]
    path.write_text("\n".join([f"title,artist,{header}", *rows]) + "\n", encoding="utf-8")
    read = read_table(path)
    assert [r.track.duration_s for r in read.records] == pytest.approx(seconds)
    said = [n for n in read.report.notes if "durations read as minutes" in n]
    assert bool(said) is guessed


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "list.txt",
            "\ufeffKavinsky - Nightcall\n\nTyler, The Creator - EARFQUAKE\nno separator\nGunship – Tech Noir\n",
        ),
        (
            "list.csv",
            "Artist - Title\nKavinsky - Nightcall\nTyler, The Creator - EARFQUAKE\nno separator\nGunship – Tech Noir\n",
        ),
        (
            "list.csv",
            "track\nKavinsky - Nightcall\nTyler, The Creator - EARFQUAKE\nno separator\nGunship – Tech Noir\n",
        ),
        (
            "list.json",
            '["Kavinsky - Nightcall", "Tyler, The Creator - EARFQUAKE", "no separator", "Gunship – Tech Noir"]',
        ),
    ],
)
def test_a_hand_written_list_of_artist_title_lines_imports(tmp_path: Path, name: str, text: str) -> None:
    """The most natural hand-written list, "Artist - Title" per line (or in a "track" column, or
    as JSON strings), was refused with "missing required columns … --map title=COLUMN"; its
    lines are tracks now, commas in names included, and a line without " - " is skipped by its
    line number."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    read = read_table(path)
    assert [(r.track.artists, r.track.title) for r in read.records] == [
        (("Kavinsky",), "Nightcall"),
        (("Tyler, The Creator",), "EARFQUAKE"),
        (("Gunship",), "Tech Noir"),
    ]
    assert [p.message for p in read.report.skipped] == ["no artist"]
    assert read.report.skipped[0].line == (3 if name == "list.json" else 4)
    assert any("artist and title read from" in note for note in read.report.notes)


def test_a_column_of_bare_titles_still_asks_for_the_artist(tmp_path: Path) -> None:
    """Titles without " - " are no "Artist - Title" list: the missing artist column is named."""
    path = tmp_path / "titles.csv"
    path.write_text("name,duration_ms\nNightcall,250000\nTech Noir,300000\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing required column artist"):
        read_table(path)


def test_map_of_a_misspelt_or_repeated_field_names_the_fix() -> None:
    """`--map titel=song` listed every field without the one meant; `--map title=song --map
    title=singer` silently kept the last, which then took the artist's column."""
    with pytest.raises(InputFileError) as misspelt:
        parse_map_options(["titel=song"])
    assert misspelt.value.hint is not None and misspelt.value.hint.startswith("did you mean 'title'? fields: ")
    with pytest.raises(InputFileError, match=r"--map title= is given twice \(title=song, title=singer\)"):
        parse_map_options(["title=song", "artist=singer", "title=singer"])
    assert parse_map_options(["title=song", "artist=singer"]) == {"title": "song", "artist": "singer"}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT3M45S", 225.0),
        ("pt1h2m3s", 3723.0),
        ("3m45s", 225.0),
        ("3 min 45 s", 225.0),
        ("225 s", 225.0),
        ("257320 ms", 257.32),
        ("3.5 min", 210.0),
    ],
)
def test_durations_written_with_units_are_read(text: str, seconds: float) -> None:
    """An export that writes ISO 8601 durations (PT3M45S) or units (3m45s, 225 s) lost every
    row: "duration 'PT3M45S' is not a number", the track skipped. Units win over the column's."""
    assert parse_duration(text, "ms") == pytest.approx(seconds)
    assert parse_duration(text, "s") == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["P", "PT", "s", "3m 45", "1e3s"])
def test_a_unit_without_a_number_is_no_duration(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        parse_duration(text, "s")


def test_a_table_without_header_is_no_list_of_names(tmp_path: Path) -> None:
    """Lines that all hold a separator are a table whose header is missing, not "Artist -
    Title" lines (the title would be "Nightcall,258"): the missing columns are named."""
    path = tmp_path / "noheader.csv"
    path.write_text("Kavinsky - Nightcall,258\nGunship - Tech Noir,297\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing required column"):
        read_table(path)


def test_spotifys_own_data_export_is_read(tmp_path: Path) -> None:
    """Spotify's "Download your data" writes camelCase keys (artistName, trackName): the file was
    refused with "missing required columns … columns found: endTime, artistName, trackName";
    camelCase headers match as their words do. One item is "1 item"."""
    from sequencer.adapters.importers.columns import header_key

    assert [header_key(h) for h in ("artistName", "trackName", "Track_Name ", "ISRC")] == [
        "artist name",
        "track name",
        "track name",
        "isrc",
    ]
    path = tmp_path / "StreamingHistory0.json"
    path.write_text(
        '[{"endTime": "2024-01-01 10:00", "artistName": "Kavinsky", "trackName": "Nightcall", "msPlayed": 258000}]',
        encoding="utf-8",
    )
    read = read_table(path)
    assert [(r.track.artists, r.track.title) for r in read.records] == [(("Kavinsky",), "Nightcall")]
    assert f"{path.name}: JSON, 1 item" in read.report.notes


def test_spotifys_extended_streaming_history_is_read(tmp_path: Path) -> None:
    """The extended history (endsong_*.json) names its fields master_metadata_track_name,
    master_metadata_album_artist_name, spotify_track_uri: read as title, artist, id; a podcast
    episode (no track) is a skipped item."""
    path = tmp_path / "endsong_0.json"
    path.write_text(
        '[{"ts": "2020-01-01T10:00:00Z", "ms_played": 258000, "master_metadata_track_name": "Nightcall",'
        ' "master_metadata_album_artist_name": "Kavinsky", "master_metadata_album_album_name": "OutRun",'
        ' "spotify_track_uri": "spotify:track:0U0ldCRmgCqhVvD6ksG63j"},'
        ' {"ts": "2020-01-01T11:00:00Z", "master_metadata_track_name": null, "episode_name": "A podcast"}]',
        encoding="utf-8",
    )
    read = read_table(path)
    got = [(r.track.artists, r.track.title, r.track.album, r.track.uri) for r in read.records]
    assert got == [(("Kavinsky",), "Nightcall", "OutRun", "spotify:track:0U0ldCRmgCqhVvD6ksG63j")]
    assert [(p.line, p.message) for p in read.report.skipped] == [(2, "no title and artist")]


def test_tracks_without_a_length_are_named_with_the_column_that_has_it(tmp_path: Path) -> None:
    """A catalog whose length is in an unread column (deezer's `sp_duration_ms`) imported every
    track without a length, silently; a build then said only "0 candidates". The import says
    how many have no length, that builds leave them out, and the --map that reads it."""
    path = tmp_path / "dz.csv"
    path.write_text("artist_name,track_name,sp_duration_ms\nBoney M,Rasputin,220733\nABBA,SOS,200000\n", "utf-8")
    read = read_table(path)
    assert all(r.track.duration_s == 0 for r in read.records)
    assert (
        "dz.csv: 2 tracks without a length (no duration column read): builds leave them out until a re-import "
        "reads one (`--map duration_ms=sp_duration_ms` reads sp_duration_ms)"
    ) in read.report.notes
    mapped = read_table(path, overrides=parse_map_options(("duration_ms=sp_duration_ms",)))
    assert [r.track.duration_s for r in mapped.records] == [220.733, 200.0]
    assert not any("without a length" in note for note in mapped.report.notes)
    listed = tmp_path / "list.txt"
    listed.write_text("Artist - Title\nKavinsky - Nightcall\n", "utf-8")
    assert (
        "list.txt: 1 track without a length (no duration column read): builds leave it out until a "
        "re-import reads one (a duration column gives it)" in read_table(listed).report.notes
    )


def test_map_to_a_misspelt_column_names_the_close_one(tmp_path: Path) -> None:
    """`--map duration_ms=sp_duration` (the column is sp_duration_ms) listed every column; it
    now names the close one first, written as the file writes it."""
    path = tmp_path / "dz.csv"
    path.write_text("artist_name,track_name,SP_Duration_ms\nBoney M,Rasputin,220733\n", "utf-8")
    with pytest.raises(InputFileError) as caught:
        read_table(path, overrides={"duration_ms": "sp_duration"})
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("did you mean --map duration_ms=SP_Duration_ms? (columns found: ")
    with pytest.raises(InputFileError) as caught:
        read_table(path, overrides={"duration_ms": "length"})
    assert caught.value.hint == "columns found: artist_name, track_name, SP_Duration_ms"
