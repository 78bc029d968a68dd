"""`moodseq demo` and `moodseq build` end to end through the CLI: output, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_demo_prints_a_night_drive_table_and_summary() -> None:
    """`moodseq demo`: a night-drive table from the demo library, a summary, the seed to reuse."""
    code, out, err = run("--plain", "demo")
    assert code == 0, err
    assert out.startswith("the built-in demo library (216 tracks)\nnight-drive (60 min target), seed 7")
    summary = [line for line in out.splitlines() if " tracks, " in line and "flow cost" in line]
    assert len(summary) == 1
    minutes = float(summary[0].split(", ")[1].split(" min")[0])
    assert 58.0 <= minutes <= 62.0
    assert "`--seed 7` builds this playlist again" in err


def test_demo_other_profile_and_same_seed_same_playlist() -> None:
    """`moodseq demo train-ride` builds that profile; the same seed gives the same output."""
    first = run("--plain", "demo", "train-ride", "--seed", "3")
    again = run("--plain", "demo", "train-ride", "--seed", "3")
    assert first[0] == 0, first[2]
    assert "train-ride (90 min target), seed 3" in first[1]
    assert first[1] == again[1]


def test_build_writes_m3u8_with_the_requested_length(tmp_path: Path) -> None:
    """build --minutes 50 --format m3u8 -o: an M3U8 whose durations add up to ~50 minutes."""
    target = tmp_path / "night.m3u8"
    code, _out, err = run(
        "build", "night-drive", "--minutes", "50", "--seed", "7", "--format", "m3u8", "-o", str(target)
    )
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("#EXTM3U")
    seconds = [int(line.split(":")[1].split(",")[0]) for line in text.splitlines() if line.startswith("#EXTINF")]
    assert 48 * 60 <= sum(seconds) <= 52 * 60
    assert f"wrote {target} (m3u8," in err


def test_build_json_with_explain_carries_reasons(tmp_path: Path) -> None:
    """build study --format json -o --explain: the JSON has ordered tracks with reasons and target
    energies, and the terminal shows the explanation."""
    target = tmp_path / "study.json"
    code, out, err = run("--plain", "build", "study", "--seed", "1", "--format", "json", "-o", str(target), "--explain")
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["schema"] == "moodseq.sequence/2"
    assert data["profile"]["name"] == "study"
    assert [t["position"] for t in data["tracks"]] == list(range(1, len(data["tracks"]) + 1))
    assert all(t["reasons"] and t["target_energy"] is not None for t in data["tracks"])
    assert "Why these tracks" in out


def test_build_json_to_stdout_is_only_json() -> None:
    """--format without -o prints the export alone on stdout (notes go to stderr)."""
    code, out, err = run("build", "night-drive", "--seed", "2", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["summary"]["tracks"] >= 10


def test_unknown_suffix_is_a_user_error(tmp_path: Path) -> None:
    """-o with a suffix of no known format: exit 2, nothing written, the fix named."""
    target = tmp_path / "night.txt"
    code, _out, err = run("build", "night-drive", "-o", str(target))
    assert code == 2
    assert "Error: cannot tell the format of night.txt" in err and "hint: add --format" in err
    assert not target.exists()


def test_impossible_length_names_the_binding_constraint() -> None:
    """A study session longer than the library can fill: exit 2, how close it got, a fix."""
    code, out, err = run("build", "study", "--minutes", "900")
    assert code == 2
    assert out == ""
    assert "Error: only " in err and "of 900 minutes available" in err
    assert "hint: " in err


def test_missing_named_library_does_not_fall_back_to_the_demo(tmp_path: Path) -> None:
    """--library naming a missing file is an error with the import command, not a demo build."""
    code, _out, err = run("--library", str(tmp_path / "nope.db"), "build", "night-drive")
    assert code == 2
    assert f"Error: no library at {tmp_path / 'nope.db'}" in err
    assert "moodseq import csv" in err


def test_build_uses_an_imported_library(tmp_path: Path) -> None:
    """After importing a CSV, build walks that library (and says so), not the demo."""
    rows = ["title,artist,duration_ms,energy,valence,tempo,key,mode,tags"]
    for i in range(40):
        rows.append(
            f"Drive {i},Artist {i % 13},{200000 + 1000 * i},{0.3 + (i % 10) / 20:.2f},0.2,"
            f"{90 + i % 7},{i % 12},0,synthwave"
        )
    source = tmp_path / "songs.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    library = tmp_path / "lib.db"
    code, _out, err = run("--library", str(library), "import", "csv", str(source))
    assert code == 0, err
    code, _out, err = run("--library", str(library), "moods", "infer")
    assert code == 0, err
    code, out, err = run("--plain", "--library", str(library), "build", "night-drive", "--minutes", "30", "--seed", "1")
    assert code == 0, err
    assert out.startswith(f"your library {library} (40 tracks)")
    assert "Drive " in out


def test_journey_pins_both_ends() -> None:
    """--from/--to: the first and last tracks are the ones named."""
    code, out, err = run(
        "build",
        "night-drive",
        "--from",
        "Vangelis - Blush Response",
        "--to",
        "Kavinsky - Nightcall",
        "--minutes",
        "40",
        "--seed",
        "2",
        "--format",
        "json",
    )
    assert code == 0, err
    tracks = json.loads(out)["tracks"]
    assert (tracks[0]["title"], tracks[-1]["title"]) == ("Blush Response", "Nightcall")
    assert json.loads(out)["mode"] == "journey"


def test_push_without_credentials_says_how_to_log_in() -> None:
    """build --push with no Spotify login: exit 2 and a hint to set the client id and log in."""
    code, _out, err = run("build", "night-drive", "--seed", "1", "--push")
    assert code == 2
    assert "Error: " in err and "hint: " in err
    assert "SPOTIPY_CLIENT_ID" in err or "moodseq spotify login" in err


def test_plot_and_report_files_are_written(tmp_path: Path) -> None:
    """--plot and --report write a PNG and a self-contained HTML file."""
    png, html = tmp_path / "night.png", tmp_path / "night.html"
    code, _out, err = run("build", "night-drive", "--seed", "1", "--plot", str(png), "--report", str(html))
    assert code == 0, err
    assert png.read_bytes().startswith(b"\x89PNG")
    page = html.read_text(encoding="utf-8")
    assert "<svg" in page and "night-drive" in page


def test_a_report_named_as_another_format_is_refused_before_the_build(tmp_path: Path) -> None:
    """`--report night.pdf` wrote an HTML page into a .pdf file; now it fails at once with the
    name to use (a name without suffix, .html or .htm is fine)."""
    code, out, err = run("--plain", "demo", "--report", str(tmp_path / "night.pdf"))
    assert code == 2 and out == ""
    assert "the report is an HTML page, not .pdf" in err and "name it night.html" in err
    assert not (tmp_path / "night.pdf").exists()
    code, _out, err = run("--plain", "demo", "--report", str(tmp_path / "night.htm"))
    assert code == 0, err
    assert (tmp_path / "night.htm").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_output_targets_are_checked_before_the_build(tmp_path: Path) -> None:
    """A bad -o (missing folder, unknown suffix) or --plot/--report folder fails at once: exit 2,
    nothing on stdout (no table of a playlist that was then not written), the same hint for all."""
    for args in (
        ["-o", str(tmp_path / "missing" / "night.m3u8")],
        ["--plot", str(tmp_path / "missing" / "night.png")],
        ["--report", str(tmp_path / "missing" / "night.html")],
    ):
        code, out, err = run("--plain", "demo", *args)
        assert code == 2, args
        assert out == "", args
        assert f"the folder {tmp_path / 'missing'} does not exist" in err
        assert f"hint: create it first (mkdir -p {tmp_path / 'missing'})" in err
    code, out, err = run("--plain", "demo", "-o", str(tmp_path / "night.weird"))
    assert code == 2 and out == ""
    assert "cannot tell the format of night.weird" in err


def test_dash_output_means_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o - --format json` prints the JSON on stdout (no file named "-"); `-o -` alone asks for
    a format."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("demo", "--format", "json", "-o", "-")
    assert code == 0, err
    assert json.loads(out)["schema"] == "moodseq.sequence/2"
    assert not (tmp_path / "-").exists()
    code, out, err = run("demo", "-o", "-")
    assert code == 2 and out == ""
    assert "hint: add --format" in err
    assert not (tmp_path / "-").exists()


def test_seed_must_be_a_whole_number_from_zero() -> None:
    """--seed -3 is refused like `seed = -3` in a profile."""
    code, _, err = run("--plain", "demo", "--seed", "-3")
    assert code == 2
    assert "--seed" in err and "-3" in err


def test_moodless_library_note_holds_after_moods_infer(tmp_path: Path) -> None:
    """Tracks with nothing to infer moods from: after `moods infer` the build's note does not
    just say to run `moods infer` again; it names where moods come from (crowd tags, hand tags)."""
    rows = ["title,artist,duration_ms"] + [f"Song {i},Artist {i % 9},{180000 + 1000 * i}" for i in range(30)]
    source = tmp_path / "songs.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    library = tmp_path / "lib.db"
    assert run("--library", str(library), "import", "csv", str(source))[0] == 0
    assert run("--library", str(library), "moods", "infer")[0] == 0
    code, _out, err = run(
        "--plain", "--library", str(library), "build", "night-drive", "--minutes", "20", "--seed", "1"
    )
    assert code == 0, err
    note = next(line for line in err.splitlines() if line.startswith("note: none of these tracks"))
    assert "yet" not in note
    assert "moodseq enrich lastfm" in note and "moodseq library tag" in note


def test_plot_with_an_unknown_image_suffix_fails_before_the_build(tmp_path: Path) -> None:
    """--plot x.txt: exit 2 at once, nothing on stdout, the image formats in the hint."""
    code, out, err = run("--plain", "demo", "--plot", str(tmp_path / "x.txt"))
    assert code == 2 and out == ""
    assert ".txt is not an image format" in err and "hint: use a .png" in err


def test_format_against_the_suffix_is_noted(tmp_path: Path) -> None:
    """--format m3u8 -o night.xspf writes M3U8 as asked, and says the name's suffix disagrees."""
    out = tmp_path / "night.xspf"
    code, _out, err = run("--plain", "demo", "--format", "m3u8", "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith("#EXTM3U")
    assert f"note: writing m3u8 into {out}, whose suffix says xspf" in err
    code, _out, err = run("--plain", "demo", "--format", "m3u8", "-o", str(tmp_path / "night.m3u"))
    assert code == 0 and "suffix says" not in err


def test_empty_journey_end_is_an_error_not_ignored() -> None:
    """--from "" (an empty shell variable, say) is refused, not silently dropped into a plain build."""
    for option in ("--from", "--to"):
        code, out, err = run("--plain", "build", "night-drive", option, "  ")
        assert code == 2 and out == "", option
        assert f"Error: {option} is empty" in err and "hint:" in err


def test_seed_help_is_true_for_each_command() -> None:
    """demo's --seed help says its default is 7 (it is), build's says a fresh one; neither
    prints the 19-digit upper bound."""
    demo_help = CliRunner().invoke(cli, ["demo", "--help"]).stdout
    build_help = CliRunner().invoke(cli, ["build", "--help"]).stdout
    assert "default: 7" in " ".join(demo_help.split())
    assert "default: a fresh one" in " ".join(build_help.split())
    assert "9223372036854775807" not in demo_help + build_help


def test_plain_and_quiet_also_work_after_the_command() -> None:
    """`moodseq demo --plain` equals `moodseq --plain demo`; `demo --quiet` prints nothing."""
    after = run("demo", "--plain", "--seed", "4")
    before = run("--plain", "demo", "--seed", "4")
    assert after[0] == 0, after[2]
    assert after[1] == before[1]
    quiet = run("demo", "-q")
    assert quiet[0] == 0 and quiet[1] == "" and quiet[2] == ""


@pytest.mark.parametrize(("valence", "advice"), [(0.3, "run `moodseq moods infer`"), (None, "moodseq enrich lastfm")])
def test_a_build_from_a_library_without_moods_says_what_to_do_next(
    tmp_path: Path, valence: float | None, advice: str
) -> None:
    """Right after an import, before `moods infer`: tracks with audio attributes only need
    `moods infer` (not Last.fm or audio analysis); tracks with no evidence at all need more."""
    from sequencer.adapters.library.store import Store
    from sequencer.core.track import Track

    library = tmp_path / "lib.db"
    with Store.open(library) as store:
        store.upsert_tracks(
            [
                Track(id="", title=f"Song {n}", artists=(f"Artist {n}",), duration_s=240.0, valence=valence, energy=0.5)
                for n in range(30)
            ]
        )
    code, _, err = run("--library", str(library), "build", "night-drive", "--minutes", "20", "--seed", "1")
    assert code == 0, err
    note = next(line for line in err.splitlines() if line.startswith("note: none of these tracks has moods"))
    assert advice in note
    assert ("enrich lastfm" in note) == (valence is None)


def test_push_to_a_player_checks_that_players_settings_not_spotify_before_building(tmp_path: Path) -> None:
    """`build --push-to subsonic` with nothing configured fails before building (no -o file),
    naming Subsonic's settings, and never asks for a Spotify login it does not need."""
    target = tmp_path / "n.m3u8"
    code, _out, err = run("build", "night-drive", "--push-to", "subsonic", "-o", str(target))
    assert code == 2
    assert "MOODSEQ_SUBSONIC_URL" in err
    assert "spotify" not in err.lower()
    assert not target.exists()


def test_no_infer_note_when_the_library_has_moods(tmp_path: Path) -> None:
    """A playlist of only its must-include track, which has no moods, in a library where
    `moods infer` has run and gave other tracks moods: no "run `moodseq moods infer`" note
    (running it again changes nothing; it was printed before)."""
    rows = ["track_id,title,artist,duration_ms,energy,valence,tempo,key,mode,danceability,instrumentalness"]
    rows += [
        f"{i:02d}{'C' * 20},Night {i},Artist {i},{240000 + 1000 * i},0.6,0.2,{110 + i},{i},0,0.5,0.6" for i in range(12)
    ]
    rows.append(f"99{'C' * 20},Party,Loud Band,200000,0.97,0.97,128,1,1,0.95,0.0")
    (tmp_path / "songs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    profile = tmp_path / "one.toml"
    profile.write_text(
        "minutes = 4\ntolerance_minutes = 1\n[moods]\nnight-driving = 1\n"
        '[constraints]\nmust_include = ["Loud Band - Party"]\n',
        encoding="utf-8",
    )
    base = ["--library", str(tmp_path / "lib.db")]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "import", "csv", str(tmp_path / "songs.csv")]).exit_code == 0
    assert runner.invoke(cli, [*base, "moods", "infer"]).exit_code == 0
    result = runner.invoke(cli, [*base, "build", str(profile), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Party" in result.stdout and "mood fit 0.00" in result.stdout
    assert "moods infer" not in result.stderr


def test_infer_note_when_no_track_has_moods_yet(tmp_path: Path) -> None:
    """Imported but never inferred: the build says to run `moodseq moods infer`."""
    rows = ["track_id,title,artist,duration_ms,energy,valence,tempo,key,mode"]
    rows += [f"{i:02d}{'D' * 20},Night {i},Artist {i},{240000 + 1000 * i},0.6,0.2,{110 + i},{i},0" for i in range(12)]
    (tmp_path / "songs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = ["--library", str(tmp_path / "lib.db")]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "import", "csv", str(tmp_path / "songs.csv")]).exit_code == 0
    result = runner.invoke(cli, [*base, "build", "night-drive", "--minutes", "20", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "none of these tracks has moods yet" in result.stderr and "moods infer" in result.stderr


def test_name_titles_the_output_file(tmp_path: Path) -> None:
    """--name without --push titled nothing (the file said "study"); it titles the -o file, as
    `export --name` does, on stdout too."""
    target = tmp_path / "s.m3u8"
    code, _out, err = run("-q", "build", "study", "--seed", "1", "--name", "Deep Work", "-o", str(target))
    assert code == 0, err
    assert "#PLAYLIST:Deep Work\n" in target.read_text(encoding="utf-8")
    code, out, err = run("-q", "build", "study", "--seed", "1", "--name", "Deep Work", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["name"] == "Deep Work"


def test_build_notes_a_format_against_the_suffix_once(tmp_path: Path) -> None:
    """`build --format m3u8 -o x.json` said "writing m3u8 into x.json, whose suffix says json"
    twice (the outputs were checked twice); once, as `export` says it."""
    target = tmp_path / "x.json"
    code, _out, err = run("build", "night-drive", "--seed", "1", "--format", "m3u8", "-o", str(target))
    assert code == 0, err
    assert err.count(f"note: writing m3u8 into {target}, whose suffix says json (--format wins)") == 1
    assert target.read_text(encoding="utf-8").startswith("#EXTM3U")


def test_build_never_writes_over_the_library(tmp_path: Path) -> None:
    """`build --format json -o library.db` replaced the library with a playlist (and --plot,
    --report, `export -o` and `reorder -o` could too): refused before the build."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    rows = [f"Song {i},Artist {i},{200000 + 1000 * i},0.{i + 1}" for i in range(6)]
    songs.write_text("title,artist,duration_ms,energy\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run("--library", str(library), "import", "csv", str(songs))[0] == 0
    saved = tmp_path / "x.json"
    assert run("--library", str(library), "build", "study", "--minutes", "15", "--seed", "1", "-o", str(saved))[0] == 0
    before = library.read_bytes()  # with the build above in its history
    for args in (
        ["build", "study", "--format", "json", "-o", str(library)],
        ["build", "study", "--plot", str(library)],
        ["export", str(saved), "--format", "json", "-o", str(library)],
        ["reorder", str(saved), "--format", "json", "-o", str(library)],
    ):
        code, _out, err = run("--library", str(library), *args)
        assert code == 2, args
        assert f"{library} is your library: writing there would destroy it" in err
    assert library.read_bytes() == before


def test_a_reader_that_stops_reading_does_not_cost_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`moodseq build … -o night.m3u8 2>&1 | head -1`: the pipe closed under the table, the next
    print raised BrokenPipeError and the build ended (exit 1) without writing night.m3u8. What
    it prints may be cut short; the file is still written."""
    from sequencer.cli import render

    def closed(*_args: object, **_kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(render, "print_sequence", closed)
    target = tmp_path / "night.m3u8"
    code, _out, err = run("build", "night-drive", "--seed", "7", "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("#EXTM3U")


@pytest.mark.parametrize(
    ("constraint", "said"),
    [
        ('start = "Artist 1 - Sogn 1"', "constraints.start = 'Artist 1 - Sogn 1' names no track in the library"),
        ('must_include = ["Nobody - Nothing"]', "constraints.must_include: 'Nobody - Nothing' matches no track"),
    ],
)
def test_a_profiles_own_track_that_the_library_lacks_is_named_at_its_line(
    tmp_path: Path, constraint: str, said: str
) -> None:
    """A profile whose start names no track said "no track 'Artist 1 - Sogn 1' in the library":
    neither the key nor the file and line to fix; it (and must_include) now names all three."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    rows = [f"Song {i},Artist {i},{200000 + 1000 * i},0.{i + 1}" for i in range(6)]
    songs.write_text("title,artist,duration_ms,energy\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run("--library", str(library), "import", "csv", str(songs))[0] == 0
    profile = tmp_path / "mine.toml"
    profile.write_text(f"minutes = 10\n[moods]\nbrooding = 1\n[constraints]\n{constraint}\n", encoding="utf-8")
    code, _out, err = run("--library", str(library), "build", str(profile), "--seed", "1")
    assert code == 2
    assert err.startswith(f"Error: {profile}:5: {said}")
    key = constraint.split(" ")[0]
    assert f"(or change {key} in the profile)" in err


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ('like = ["Echo"]\n', 2, "like: 'Echo' names 2 tracks in the library"),
        ('[constraints]\nmust_include = ["Echo"]\n', 3, "constraints.must_include: 'Echo' names 2 tracks"),
    ],
)
def test_a_profile_entry_naming_several_tracks_is_named_at_its_line(
    tmp_path: Path, text: str, line: int, said: str
) -> None:
    """`like = ["Echo"]` where two artists have a song "Echo" failed the build with "'Echo'
    names 2 tracks in the library": neither the key nor the profile's file and line."""
    library = tmp_path / "lib.db"
    songs = tmp_path / "songs.csv"
    rows = [f"Song {i},Artist {i},{200000 + 1000 * i},0.{i + 1}" for i in range(6)]
    rows += ["Echo,Artist 1,200000,0.5", "Echo,Artist 2,210000,0.5"]
    songs.write_text("title,artist,duration_ms,energy\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run("--library", str(library), "import", "csv", str(songs))[0] == 0
    profile = tmp_path / "mine.toml"
    profile.write_text(f"minutes = 10\n{text}", encoding="utf-8")
    code, _out, err = run("--library", str(library), "build", str(profile), "--seed", "1")
    assert code == 2
    assert err.startswith(f"Error: {profile}:{line}: {said}"), err
    assert "'Artist 1 - Echo' or 'Artist 2 - Echo'" in err
    assert f"(or change {said.split(':')[0].removeprefix('constraints.')} in the profile)" in err


@pytest.mark.parametrize("suffix", ["xspf", "m3u8"])
def test_keep_of_a_playlist_that_marks_nothing_says_how_to_mark(tmp_path: Path, suffix: str) -> None:
    """`--keep night.xspf` was taken for a track name ("no such track in night-drive's last build;
    did you mean 'Kavinsky - Nightcall'?"): only a sequence .json marks tracks to keep, and the
    hint says how to get one."""
    saved = tmp_path / f"night.{suffix}"
    code, _out, err = run("build", "night-drive", "--seed", "1", "-o", str(saved))
    assert code == 0, err
    code, _out, err = run("build", "night-drive", "--keep", str(saved))
    assert code == 2
    assert err.startswith(f'Error: --keep {saved}: only a sequence .json marks the tracks to keep ("locked": true)')
    assert f"moodseq export {saved} -o kept.json" in err and "did you mean" not in err


def test_a_short_minutes_keeps_a_window_and_its_saved_playlist_reads_back(tmp_path: Path) -> None:
    """`build night-drive --minutes 1` (its tolerance is 2 minutes, more than the length) builds,
    and the saved sequence, whose profile is no profile file, reads back for `explain`; a
    profile file with that window is refused by `profiles check` at its line."""
    saved = tmp_path / "short.json"
    code, _out, err = run("build", "night-drive", "--minutes", "1", "--seed", "3", "-o", str(saved))
    assert code == 0, err
    profile = json.loads(saved.read_text(encoding="utf-8"))["profile"]
    assert profile["minutes"] == 1 and profile["tolerance_minutes"] == 2
    code, out, err = run("explain", str(saved))
    assert code == 0, err
    assert "Why these tracks" in out
    written = tmp_path / "wide.toml"
    written.write_text("minutes = 60\ntolerance_minutes = 200\n[moods]\nbrooding = 1\n", encoding="utf-8")
    code, _out, err = run("profiles", "check", str(written))
    assert code == 2
    assert f"{written}:2: tolerance_minutes = 200 is not below minutes = 60" in err


def test_from_and_to_replace_the_profile_s_own_start_and_end(tmp_path: Path) -> None:
    """`build --from T` with a profile whose start names no track (or several) failed with that
    start's error, a track the user had not asked for; --from and --to replace them unread."""
    profile = tmp_path / "ends.toml"
    profile.write_text(
        'minutes = 20\n[moods]\nbrooding = 1\n[constraints]\nstart = "Nope - Nothing"\nend = "Love"\n',
        encoding="utf-8",
    )
    library = tmp_path / "lib.db"
    demo = Path(__file__).resolve().parents[2] / "sequencer" / "demo" / "library.csv"
    assert run("--library", str(library), "import", "csv", str(demo))[0] == 0
    target = tmp_path / "ends.json"
    code, _out, err = run(
        "--library", str(library), "build", str(profile),
        "--from", "Kavinsky - Nightcall", "--to", "Gunship - Tech Noir", "--seed", "2", "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert "Nope" not in err and "Love" not in err
    tracks = json.loads(target.read_text(encoding="utf-8"))["tracks"]
    assert (tracks[0]["artists"][0], tracks[0]["title"]) == ("Kavinsky", "Nightcall")
    assert (tracks[-1]["artists"][0], tracks[-1]["title"]) == ("Gunship", "Tech Noir")
    code, _out, err = run("--library", str(library), "build", str(profile), "--from", "Kavinsky - Nightcall")
    assert code == 2
    assert f"{profile}:6: constraints.end = 'Love' names no track" in err  # the end it did not replace


def test_a_journey_longer_than_minutes_names_the_length_to_ask_for() -> None:
    """`build --minutes 5 --from A --to B` whose two tracks last 9.2 minutes told the user to
    "raise minutes or tolerance_minutes in the profile" (the length was the command's): it
    names the length to ask for, with --minutes, and that length builds."""
    journey = ("--from", "Kavinsky - Nightcall", "--to", "Gunship - Tech Noir", "--seed", "1")
    code, _out, err = run("build", "night-drive", "--minutes", "5", *journey)
    assert code == 2
    assert "Error: start and end alone last" in err
    hint = next(line for line in err.splitlines() if line.startswith("hint: build at least "))
    minutes = hint.removeprefix("hint: build at least ").split()[0]
    assert "(--minutes, or minutes in the profile)" in hint
    code, _out, err = run("build", "night-drive", "--minutes", minutes, *journey)
    assert code == 0, err
