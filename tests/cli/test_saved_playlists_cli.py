"""A JSPF playlist read back by `explain`, `compare`, `export` and `reorder`: its tracks take
what the library knows, so every command gives the same figures for the same playlist, and
`--profile NAME` scores a file that has no profile of its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from sequencer.cli.main import cli

IDS = [f"{i:02d}" + "B" * 20 for i in range(8)]


def _library_and_jspf(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A library of 8 imported tracks with moods, the JSPF and the JSON of one build of them."""
    rows = ["track_id,title,artist,duration_ms,energy,valence,tempo,key,mode,tags"]
    rows += [
        f"{IDS[i]},Drive {i},Artist {i},{240000 + 1000 * i},{0.3 + i / 20:.2f},0.2,{100 + 3 * i},{i},0,synthwave"
        for i in range(8)
    ]
    source = tmp_path / "songs.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    library = tmp_path / "lib.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--library", str(library), "import", "csv", str(source)]).exit_code == 0
    assert runner.invoke(cli, ["--library", str(library), "moods", "infer"]).exit_code == 0
    saved = tmp_path / "night.json"
    built = runner.invoke(
        cli, ["--library", str(library), "build", "night-drive", "--minutes", "20", "--seed", "1", "-o", str(saved)]
    )
    assert built.exit_code == 0, built.output
    jspf = tmp_path / "night.jspf"
    done = runner.invoke(cli, ["--library", str(library), "export", str(saved), "-o", str(jspf)])
    assert done.exit_code == 0, done.output
    return library, saved, jspf


def _flow(text: str, pattern: str) -> float:
    found = re.search(pattern, text)
    assert found, text
    return float(found[1])


def test_a_jspf_file_is_scored_with_the_library_by_every_command(tmp_path: Path) -> None:
    """Before: explain/compare/export scored a JSPF file on what it carries (names only: every
    transition 0.5, "nothing comparable known") while reorder used the library."""
    library, saved, jspf = _library_and_jspf(tmp_path)
    runner = CliRunner()
    base = ["--library", str(library)]
    explained = runner.invoke(cli, [*base, "explain", str(jspf)])
    assert explained.exit_code == 0, explained.output
    assert "from your library for" in explained.stderr
    flow_explain = _flow(explained.stdout, r"flow cost ([\d.]+)")
    assert flow_explain < 0.45  # from the file alone every cost is 0.5
    exported = runner.invoke(cli, [*base, "export", str(jspf), "--format", "json"])
    assert exported.exit_code == 0, exported.output
    assert abs(json.loads(exported.stdout)["summary"]["flow_cost"] - flow_explain) < 1e-3
    reordered = runner.invoke(cli, [*base, "reorder", str(jspf)])
    assert reordered.exit_code == 0, reordered.output
    assert abs(_flow(reordered.stdout, r"flow cost before: +([\d.]+)") - flow_explain) < 1e-3
    # against the profile it was built with, the JSPF scores as the JSON does
    compared = runner.invoke(cli, [*base, "compare", str(saved), str(jspf)])
    assert compared.exit_code == 0, compared.output
    row = re.search(r"objective +([\d.]+) +([\d.]+)", compared.stdout)
    assert row and row[1] == row[2], compared.stdout


def test_profile_scores_a_file_without_one(tmp_path: Path) -> None:
    """`--profile NAME` (explain, export, reorder) scores a JSPF file against that profile: the
    same figures as the JSON built with it; without it the note names the option. Before,
    reorder refused --profile with a file and explain/export had no way to give one."""
    library, saved, jspf = _library_and_jspf(tmp_path)
    runner = CliRunner()
    base = ["--library", str(library)]
    json_summary = json.loads(saved.read_text(encoding="utf-8"))["summary"]
    plain = runner.invoke(cli, [*base, "explain", str(jspf)])
    assert "has no profile" in plain.stderr and "--profile NAME" in plain.stderr
    explained = runner.invoke(cli, [*base, "explain", str(jspf), "--profile", "night-drive"])
    assert explained.exit_code == 0, explained.output
    assert "has no profile" not in explained.stderr
    assert f"objective {json_summary['total']:.3f}" in explained.stdout
    exported = runner.invoke(cli, [*base, "export", str(jspf), "--profile", "night-drive", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    assert abs(json.loads(exported.stdout)["summary"]["total"] - json_summary["total"]) < 1e-6
    reordered = runner.invoke(cli, [*base, "reorder", str(jspf), "--profile", "night-drive"])
    assert reordered.exit_code == 0, reordered.output
    assert _flow(reordered.stdout, r"objective before: +([\d.]+)") == round(json_summary["total"], 4)


def test_why_not_refuses_profile_option() -> None:
    """--why-not takes the profile as its argument; --profile beside it is a one-line error."""
    result = CliRunner().invoke(cli, ["explain", "--why-not", "X - Y", "night-drive", "--profile", "study"])
    assert result.exit_code == 2
    assert "--profile is for a saved playlist" in result.stderr


def test_a_csv_track_list_is_a_playlist_to_reorder_explain_and_compare(tmp_path: Path) -> None:
    """A CSV track list (an Exportify export, moodseq's own CSV) is read as a playlist in its
    rows' order, each track the library knows taken from it: reorder, explain, export and
    compare give the JSON's figures under its profile (before: "is a CSV playlist: this reads
    the JSON (or JSPF) moodseq writes", and nothing could reorder an exported playlist). A
    repeated row is kept once and said; an unreadable one is left out and named."""
    library, saved, _ = _library_and_jspf(tmp_path)
    runner = CliRunner()
    base = ["--library", str(library)]
    listed = tmp_path / "night.csv"
    assert runner.invoke(cli, [*base, "export", str(saved), "-o", str(listed)]).exit_code == 0
    total = json.loads(saved.read_text(encoding="utf-8"))["summary"]["total"]
    reordered = runner.invoke(cli, [*base, "reorder", str(listed), "--profile", "night-drive"])
    assert reordered.exit_code == 0, reordered.output
    assert _flow(reordered.stdout, r"objective before: +([\d.]+)") == round(total, 4)
    explained = runner.invoke(cli, [*base, "explain", str(listed), "--profile", "night-drive"])
    assert explained.exit_code == 0, explained.output
    assert f"objective {total:.3f}" in explained.stdout
    compared = runner.invoke(cli, [*base, "compare", str(saved), str(listed)])
    row = re.search(r"objective +([\d.]+) +([\d.]+)", compared.stdout)
    assert compared.exit_code == 0 and row and row[1] == row[2], compared.output
    lines = listed.read_text(encoding="utf-8").splitlines()
    listed.write_text("\n".join([*lines, lines[1], '"99","","","","","1000"']) + "\n", encoding="utf-8")
    again = runner.invoke(cli, [*base, "explain", str(listed)])
    assert again.exit_code == 0, again.output
    assert "1 repeated track kept once" in again.stderr
    assert "1 unreadable row left out (line " in again.stderr
    assert f"Summary: {len(lines) - 1} tracks" in again.stdout


def test_tracks_without_identifiers_are_found_by_name(tmp_path: Path) -> None:
    """A library imported from a file without ids or URIs (the 10k catalog): its playlist
    exported to CSV and JSPF reads back with every track known by "Artist - Title" and length,
    so every command scores it as the JSON (before: the CSV's rows all had the empty id and
    were "9 repeated tracks kept once"; JSPF and CSV tracks were "unknown to it")."""
    rows = ["title,artist,duration_ms,energy,valence,tempo,key,mode,tags"]
    rows += [
        f"Drive {i},Artist {i},{240000 + 1000 * i},{0.3 + i / 20:.2f},0.2,{100 + 3 * i},{i},0,synthwave"
        for i in range(8)
    ]
    source = tmp_path / "songs.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = ["--library", str(tmp_path / "lib.db")]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "import", "csv", str(source)]).exit_code == 0
    assert runner.invoke(cli, [*base, "moods", "infer"]).exit_code == 0
    saved = tmp_path / "night.json"
    built = runner.invoke(cli, [*base, "build", "night-drive", "--minutes", "20", "--seed", "1", "-o", str(saved)])
    assert built.exit_code == 0, built.output
    count = len(json.loads(saved.read_text(encoding="utf-8"))["tracks"])
    for suffix in ("csv", "jspf"):
        other = tmp_path / f"night.{suffix}"
        assert runner.invoke(cli, [*base, "export", str(saved), "-o", str(other)]).exit_code == 0
        compared = runner.invoke(cli, [*base, "compare", str(saved), str(other)])
        assert compared.exit_code == 0, compared.output
        assert f"from your library for {count} of {count} tracks" in compared.stderr
        assert "repeated" not in compared.stderr
        row = re.search(r"objective +([\d.]+) +([\d.]+)", compared.stdout)
        assert row and row[1] == row[2], compared.stdout


def test_without_a_library_a_jspf_file_says_what_it_is_scored_on(tmp_path: Path) -> None:
    """No library to look the tracks up in: the command says so (it printed flow 0.500,
    "nothing comparable known", without a word why)."""
    _, _, jspf = _library_and_jspf(tmp_path)
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "none.db"), "explain", str(jspf)])
    assert result.exit_code == 0, result.output
    assert f"{jspf}: no library at {tmp_path / 'none.db'}" in result.stderr


def test_until_you_have_a_library_the_demo_library_is_it(tmp_path: Path) -> None:
    """A demo playlist saved as JSPF reads back with the demo library's data, as `build` and
    `library` use it until you import music: the same figures as its JSON (flow 0.500 before)."""
    runner = CliRunner()
    saved, jspf = tmp_path / "d.json", tmp_path / "d.jspf"
    assert runner.invoke(cli, ["demo", "--seed", "7", "-o", str(saved)]).exit_code == 0
    assert runner.invoke(cli, ["export", str(saved), "-o", str(jspf)]).exit_code == 0
    compared = runner.invoke(cli, ["compare", str(saved), str(jspf)])
    assert compared.exit_code == 0, compared.output
    count = len(json.loads(saved.read_text(encoding="utf-8"))["tracks"])
    assert f"from the built-in demo library for {count} of {count} tracks" in compared.stderr
    row = re.search(r"objective +([\d.]+) +([\d.]+)", compared.stdout)
    assert row and row[1] == row[2], compared.stdout


def test_an_m3u8_playlist_is_read_with_the_library(tmp_path: Path) -> None:
    """An M3U8 playlist (moodseq's own, or a player's) reads back in order with the library's
    data, by Spotify URI or by its #EXTINF name: reorder, explain and compare give the JSON's
    figures under its profile (before: "is an M3U8 playlist: this reads the JSON (or JSPF)")."""
    library, saved, _ = _library_and_jspf(tmp_path)
    runner = CliRunner()
    base = ["--library", str(library)]
    listed = tmp_path / "night.m3u8"
    assert runner.invoke(cli, [*base, "export", str(saved), "-o", str(listed)]).exit_code == 0
    total = json.loads(saved.read_text(encoding="utf-8"))["summary"]["total"]
    compared = runner.invoke(cli, [*base, "compare", str(saved), str(listed)])
    row = re.search(r"objective +([\d.]+) +([\d.]+)", compared.stdout)
    assert compared.exit_code == 0 and row and row[1] == row[2], compared.output
    reordered = runner.invoke(cli, [*base, "reorder", str(listed), "--profile", "night-drive"])
    assert reordered.exit_code == 0, reordered.output
    assert _flow(reordered.stdout, r"objective before: +([\d.]+)") == round(total, 4)
    # a player's list: no URIs, names in #EXTINF only
    names = [line for line in listed.read_text(encoding="utf-8").splitlines() if line.startswith("#EXTINF")]
    player = tmp_path / "player.m3u"
    player.write_text("\n".join(f"{line}\n/music/{n}.flac" for n, line in enumerate(names)) + "\n", encoding="utf-8")
    explained = runner.invoke(cli, [*base, "explain", str(player), "--profile", "night-drive"])
    assert explained.exit_code == 0, explained.output
    assert f"from your library for {len(names)} of {len(names)} tracks" in explained.stderr


def test_an_m3u_of_binary_junk_is_one_line(tmp_path: Path) -> None:
    """Random bytes named .m3u: a line no file system takes as a path was an OSError traceback;
    it is one line naming the file, exit 2."""
    junk = tmp_path / "junk.m3u"
    junk.write_bytes(b"\x9a\xfe" * 200 + b"\n")
    result = CliRunner().invoke(cli, ["explain", str(junk)])
    assert result.exit_code == 2, result.output
    assert f"{junk}: an entry is no location this system can look up" in result.stderr
    assert "Traceback" not in result.output


def test_a_text_list_of_names_is_read_with_the_library(tmp_path: Path) -> None:
    """A hand-written .txt of "Artist - Title" lines, which `import csv` reads, was "not valid
    JSON" to reorder, explain and push: it is a track list like a CSV, its tracks from the
    library (by name), in order."""
    library, saved, _ = _library_and_jspf(tmp_path)
    names = [f"{', '.join(t['artists'])} - {t['title']}" for t in json.loads(saved.read_text())["tracks"]]
    listed = tmp_path / "mine.txt"
    listed.write_text("\n".join(names) + "\n", encoding="utf-8")
    base = ["--library", str(library)]
    explained = CliRunner().invoke(cli, [*base, "explain", str(listed), "--profile", "night-drive"])
    assert explained.exit_code == 0, explained.output
    assert f"moods and attributes from your library for {len(names)} of {len(names)} tracks" in explained.stderr
    assert [name in explained.stdout for name in names] == [True] * len(names)
