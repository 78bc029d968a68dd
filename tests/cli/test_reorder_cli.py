"""`moodseq reorder SEQUENCE.json`: same tracks, a better order, before/after flow cost."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.adapters.exporters import render
from sequencer.adapters.exporters.json import load_sequence_json
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from tests.strategies import synthetic_library


def _shuffled_sequence_file(tmp_path: Path, n: int = 14) -> tuple[Path, list[str]]:
    """A sequence JSON whose tracks are in a random (poor) order."""
    tracks = synthetic_library(200, seed=21)[:n]
    random.Random(1).shuffle(tracks)
    sequence = make_sequence(tracks, Profile(name="test"), seed=5)
    path = tmp_path / "night.json"
    path.write_text(render(sequence, "json"), encoding="utf-8")
    return path, [t.id for t in tracks]


def test_reorder_prints_lower_flow_cost_and_writes_the_same_tracks(tmp_path: Path) -> None:
    """The command reports before > after, lists every track, and -o writes a JSON with exactly
    the same tracks in the new order, ends kept with --keep-ends."""
    path, ids = _shuffled_sequence_file(tmp_path)
    out = tmp_path / "smooth.json"
    result = CliRunner().invoke(cli, ["reorder", str(path), "--keep-ends", "-o", str(out)])
    assert result.exit_code == 0, result.output
    match = re.search(r"flow cost before: ([\d.]+)  after: ([\d.]+) \(-[\d.]+%\)", result.stdout)
    assert match and float(match[2]) < float(match[1])
    for figure in ("objective", "flow cost", "arc error", "mood fit"):  # every figure, before and after
        assert re.search(rf"{figure} before: +[\d.-]+  after: [\d.-]+", result.stdout), figure
    assert result.stdout.count("\n") == 4 + len(ids)
    assert f"wrote {out} (json, {len(ids)} tracks)" in result.stderr
    written = load_sequence_json(out)
    new_ids = [t.id for t in written.tracks]
    assert sorted(new_ids) == sorted(ids) and new_ids != ids
    assert new_ids[0] == ids[0] and new_ids[-1] == ids[-1]
    assert json.loads(out.read_text(encoding="utf-8"))["mode"] == "reorder"


def test_reorder_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    """Two runs with the same seed print the same order."""
    path, _ = _shuffled_sequence_file(tmp_path, n=16)
    first = CliRunner().invoke(cli, ["reorder", str(path), "--seed", "3"])
    second = CliRunner().invoke(cli, ["reorder", str(path), "--seed", "3"])
    assert first.exit_code == 0 and first.stdout == second.stdout


def test_reorder_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    """A missing sequence file: exit 2, `Error:` and a hint on stderr, nothing on stdout."""
    result = CliRunner().invoke(cli, ["reorder", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: no such file" in result.stderr and "hint:" in result.stderr


def test_reorder_unknown_output_suffix_asks_for_a_format(tmp_path: Path) -> None:
    """-o with a suffix no exporter knows: exit 2 naming the file, with the fix."""
    path, _ = _shuffled_sequence_file(tmp_path)
    result = CliRunner().invoke(cli, ["reorder", str(path), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert "cannot tell the format of out.txt" in result.stderr and "--format" in result.stderr


def test_reorder_format_without_output_prints_the_export(tmp_path: Path) -> None:
    """--format without -o: the export goes to stdout (parseable), the costs to stderr."""
    path, ids = _shuffled_sequence_file(tmp_path)
    result = CliRunner().invoke(cli, ["reorder", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "reorder" and len(data["tracks"]) == len(ids)
    assert "flow cost before:" in result.stderr


def test_reorder_dash_output_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o - --format json` prints the reordered JSON on stdout, creating no file "-"."""
    path, ids = _shuffled_sequence_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["reorder", str(path), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["tracks"]) == len(ids)
    assert not (tmp_path / "-").exists()


def test_reorder_file_uses_the_library_and_accepts_every_spotify_attribute(tmp_path: Path) -> None:
    """A file's tracks that the library knows (by Spotify URI) take the library's moods and
    attributes; Spotify attribute names moodseq does not use (liveness…) are accepted; the
    command says how many tracks the library knew."""
    ids = [f"{i:02d}" + "A" * 20 for i in range(8)]
    rows = ["track_id,title,artist,duration_ms,energy,valence,tempo,key,mode,tags"]
    rows += [
        f"{ids[i]},Drive {i},Artist {i},{200000 + 1000 * i},{0.2 + i / 10:.2f},0.2,{90 + i},{i},0,synthwave"
        for i in range(8)
    ]
    source = tmp_path / "songs.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    library = tmp_path / "lib.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--library", str(library), "import", "csv", str(source)]).exit_code == 0
    assert runner.invoke(cli, ["--library", str(library), "moods", "infer"]).exit_code == 0
    entries = [
        {"title": f"Drive {i}", "artists": [f"Artist {i}"], "duration_ms": 200000 + 1000 * i,
         "uri": f"spotify:track:{ids[i]}", "attributes": {"liveness": 0.3, "time_signature": 4}}
        for i in (5, 1, 7, 3, 0, 6)
    ]  # fmt: skip
    unknown = {"title": "Elsewhere", "artists": ["Nobody"], "duration_ms": 180000, "attributes": {"liveness": 0.1}}
    entries.append(unknown)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"tracks": entries}), encoding="utf-8")
    result = runner.invoke(cli, ["--library", str(library), "reorder", str(path)])
    assert result.exit_code == 0, result.output
    assert "moods and attributes from your library for 6 of 7 tracks; 1 unknown to it" in result.stderr
    before = re.findall(r"flow cost before: +([\d.]+)", result.stdout)
    # scored with the library's energies, tempi and keys; from the file alone every cost is 0.5
    assert before and float(before[0]) < 0.45


def test_a_bad_playlist_link_is_named_before_any_login() -> None:
    """`reorder --playlist xyz` without a login: the link is the error (was "not logged in",
    which sends the user to log in only to be told the link is wrong)."""
    result = CliRunner().invoke(cli, ["reorder", "--playlist", "xyz"])
    assert result.exit_code == 2
    assert "Error: 'xyz' is not a Spotify playlist" in result.stderr
    assert "not logged in" not in result.stderr


def test_reorder_of_an_m3u_with_tracks_of_unknown_length_keeps_every_track(tmp_path: Path) -> None:
    """A player's M3U without #EXTINF gives tracks of unknown length (0 s): the order search
    left them out (the playlist's length is the same without them) and reorder wrote a shorter
    playlist, silently, an empty one when no track was known. Every track is written; those it
    could not place are named and kept at the end."""
    playlist = tmp_path / "phone.m3u"
    playlist.write_text(
        "#EXTINF:340,Vangelis - Blush Response\nblush.flac\n"
        "#EXTINF:257,Kavinsky, Lovefoxxx - Nightcall\nnightcall.flac\n"
        "Nobody Known - First Unknown.mp3\n"
        "#EXTINF:280,Electric Youth - Innocence\ninnocence.flac\n"
        "Nobody Known - Second Unknown.mp3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.m3u8"
    result = CliRunner().invoke(cli, ["--plain", "reorder", str(playlist), "--profile", "night-drive", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    written = [line.split(",", 1)[1] for line in lines if line.startswith("#EXTINF")]
    assert len(written) == 5
    assert written[3:] == ["Nobody Known - First Unknown", "Nobody Known - Second Unknown"]
    said = "warning: 2 tracks of unknown length kept at the end, unordered: Nobody Known - First Unknown"
    assert said in result.stderr


def test_reorder_keep_ends_keeps_the_last_track_last_with_unknown_lengths(tmp_path: Path) -> None:
    """With --keep-ends, the tracks of unknown length the search could not place go before the
    last track, which stays last."""
    playlist = tmp_path / "phone.m3u"
    playlist.write_text(
        "#EXTINF:340,Vangelis - Blush Response\nblush.flac\n"
        "Nobody Known - First Unknown.mp3\n"
        "#EXTINF:280,Electric Youth - Innocence\ninnocence.flac\n"
        "#EXTINF:257,Kavinsky, Lovefoxxx - Nightcall\nnightcall.flac\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["--plain", "reorder", str(playlist), "--profile", "night-drive", "--keep-ends", "--format", "m3u8"]
    )
    assert result.exit_code == 0, result.output
    names = [line.split(",", 1)[1] for line in result.stdout.splitlines() if line.startswith("#EXTINF")]
    assert len(names) == 4
    assert names[0] == "Vangelis - Blush Response" and names[-1] == "Kavinsky, Lovefoxxx - Nightcall"
    assert "Nobody Known - First Unknown" in names
    assert "warning: 1 track of unknown length kept before the last track, unordered" in result.stderr


def test_reorder_quiet_to_a_file_prints_nothing(tmp_path: Path) -> None:
    """`reorder -q night.json -o new.json` printed every figure and the whole new order, while
    `build -q -o` prints nothing: with -q and -o the file is the output; without -o the
    figures and the order are what was asked for, -q or not."""
    path, _ = _shuffled_sequence_file(tmp_path)
    out = tmp_path / "new.json"
    quiet = CliRunner().invoke(cli, ["-q", "reorder", str(path), "-o", str(out)])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == "" and out.is_file()
    shown = CliRunner().invoke(cli, ["-q", "reorder", str(path)])
    assert shown.exit_code == 0 and "flow cost before:" in shown.stdout and " 1. " in shown.stdout
