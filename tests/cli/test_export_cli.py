"""`moodseq export` and `moodseq explain` on saved sequence files, through the real CLI root."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.adapters.exporters import json as json_export
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track

TRACKS = [
    Track(
        "a",
        "Nightcall",
        ("Kavinsky",),
        258.0,
        uri="spotify:track:0U0ldCRmgCqhVvD6ksG63j",
        moods={"night-driving": 0.9, "brooding": 0.5},
        tempo=92.0,
        key=10,
        mode=0,
        energy=0.6,
    ),
    Track(
        "b",
        "A Real Hero",
        ("College", "Electric Youth"),
        267.0,
        path="/music/hero.mp3",
        moods={"night-driving": 0.8},
        tempo=94.0,
        key=10,
        mode=0,
        energy=0.55,
    ),
    Track("c", 'Rain, "Tears"', ("Vangelis",), 160.0, moods={"atmospheric": 1.0}, energy=0.2),
]
PROFILE = Profile(
    name="night-drive", moods={"night-driving": 1.0, "brooding": 0.6}, arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4))
)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A sequence file as `moodseq build --format json` writes it."""
    path = tmp_path / "night.json"
    path.write_text(json_export.render(make_sequence(TRACKS, PROFILE, seed=7)), encoding="utf-8")
    return path


def test_export_to_each_format_by_suffix(saved: Path, tmp_path: Path) -> None:
    """-o picks the format from its suffix; the file is the exporter's text; a note on stderr."""
    runner = CliRunner()
    out = tmp_path / "night.xspf"
    result = runner.invoke(cli, ["export", str(saved), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out} (xspf, 3 tracks)" in result.stderr
    root = ET.fromstring(out.read_bytes())
    titles = [t.text for t in root.iter("{http://xspf.org/ns/0/}title")]
    assert titles == ["night-drive", "Nightcall", "A Real Hero", 'Rain, "Tears"']

    out_csv = tmp_path / "night.csv"
    assert runner.invoke(cli, ["export", str(saved), "-o", str(out_csv)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"), newline="")))
    assert [r["Track Name"] for r in rows] == ["Nightcall", "A Real Hero", 'Rain, "Tears"']


def test_export_json_again_is_identical(saved: Path, tmp_path: Path) -> None:
    """Exporting a saved JSON sequence to JSON reproduces the file byte for byte."""
    out = tmp_path / "copy.json"
    result = CliRunner().invoke(cli, ["export", str(saved), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == saved.read_bytes()


def test_export_m3u8_to_stdout_with_note(saved: Path) -> None:
    """Without -o the playlist goes to stdout; tracks without location are noted on stderr."""
    result = CliRunner().invoke(cli, ["export", str(saved), "--format", "m3u8", "--name", "Late"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["#EXTM3U", "#PLAYLIST:Late"]
    assert "#EXTINF:258,Kavinsky - Nightcall" in lines
    assert lines[lines.index("#EXTINF:267,College, Electric Youth - A Real Hero") + 1] == "/music/hero.mp3"
    assert "1 of 3 tracks has no file or Spotify URI; the M3U8 gives them placeholder" in result.stderr


def test_export_needs_a_format(saved: Path, tmp_path: Path) -> None:
    """An output name without a known suffix and no --format is exit 2 with a hint."""
    result = CliRunner().invoke(cli, ["export", str(saved), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert "Error: cannot tell the format of out.txt from its suffix" in result.stderr
    assert "hint: add --format m3u8|xspf|json|csv" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_export_to_standard_output_needs_a_format_and_names_every_one(saved: Path) -> None:
    """Without -o the export goes to standard output, so the format must be named; the hint
    lists all five, JSPF too."""
    result = CliRunner().invoke(cli, ["export", str(saved)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Error: cannot tell which format to write" in result.stderr
    assert "hint: add --format m3u8|xspf|json|csv|jspf, or an -o name ending in" in result.stderr
    assert ".csv or .jspf" in result.stderr


def test_export_of_a_bad_file_is_a_user_error(tmp_path: Path) -> None:
    """A broken sequence file: exit 2, `Error:` naming file and field, `hint:`, no traceback,
    and the output file is not created."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tracks": [{"title": "A", "artists": ["B"], "duration_ms": -1}]}), encoding="utf-8")
    out = tmp_path / "out.m3u8"
    result = CliRunner().invoke(cli, ["export", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: tracks[0].duration_ms: -1 must be a positive")
    assert "hint: " in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_export_of_a_missing_file(tmp_path: Path) -> None:
    """A missing file is exit 2 with `Error: no such file` and a hint."""
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope.json"), "--format", "csv"])
    assert result.exit_code == 2
    assert "Error: no such file" in result.stderr and "hint: check the path" in result.stderr


def test_explain_prints_reasons_and_costs(saved: Path) -> None:
    """`moodseq explain` prints each track's reasons, each transition's verdict and the summary."""
    result = CliRunner().invoke(cli, ["explain", str(saved)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Why these tracks — profile night-drive (build, seed 7)\n")
    assert "mood fit 1.00: night-driving 0.90, brooding 0.50 match the profile" in out
    assert "smooth: same key, energy step −0.05, 2 BPM apart" in out
    assert "Summary: 3 tracks, 11.4 min; flow cost " in out
    assert "Weakest transition: 2→3 " in out
    assert result.stderr == ""


def test_explain_minimal_file_uses_a_default_profile(tmp_path: Path) -> None:
    """A hand-written file without profile is explained against an empty profile, and the user
    is told so (the heading said "profile mine (build)", a profile that does not exist)."""
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "tracks": [
                    {"title": "A", "artists": ["X"], "duration_ms": 120000},
                    {"title": "B", "artists": ["Y"], "duration_ms": 60000},
                ]
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Why these tracks — mine.json, no profile (no moods or arc to meet; --profile NAME scores them)\n"
    )
    assert "no moods known: mood fit counts as 0" in result.stdout
    assert "has no profile" in result.stderr


def test_explain_of_a_bad_file_is_a_user_error(tmp_path: Path) -> None:
    """Invalid JSON: exit 2, `Error:` with file:line, a hint, nothing on stdout."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"tracks": [\n  {"title": "A",}\n]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:2: not valid JSON")
    assert "\nhint: " in result.stderr
    assert result.stdout == ""


def test_commands_that_read_a_sequence_read_moodseqs_own_xspf(saved: Path, tmp_path: Path) -> None:
    """Handing reorder/explain/export moodseq's own XSPF export reads its tracks (it said "is an
    XSPF playlist: this reads the JSON", earlier "not valid JSON: Extra data (column 11)"). A CSV
    track list and an M3U8 playlist are read too (tests/cli/test_saved_playlists_cli.py)."""
    other = tmp_path / "night.xspf"
    assert CliRunner().invoke(cli, ["export", str(saved), "-o", str(other)]).exit_code == 0
    titles = [t["title"] for t in json.loads(saved.read_text(encoding="utf-8"))["tracks"]]
    for command in (["reorder", str(other)], ["explain", str(other)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert all(title in result.stdout for title in titles), (command, result.stdout)
    result = CliRunner().invoke(cli, ["export", str(other), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [t["title"] for t in json.loads(result.stdout)["tracks"]] == titles


def test_export_dash_output_is_stdout_and_messages_agree(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o - --format csv` prints CSV on stdout; a written file is reported as `wrote …`, with
    "1 track" in the singular; a missing folder fails before the file is read."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", str(saved), "--format", "csv", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Track URI,") or "Track Name" in result.stdout.splitlines()[0]
    assert not (tmp_path / "-").exists()
    one = tmp_path / "one.json"
    one.write_text(json_export.render(make_sequence(TRACKS[:1], PROFILE, seed=7)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(one), "-o", str(tmp_path / "one.xspf")])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {tmp_path / 'one.xspf'} (xspf, 1 track)\n" in result.stderr
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope.json"), "-o", str(tmp_path / "no" / "x.csv")])
    assert result.exit_code == 2
    assert "the folder" in result.stderr and "does not exist" in result.stderr


def test_export_format_against_the_suffix_is_noted(saved: Path, tmp_path: Path) -> None:
    """export --format csv -o x.json: CSV is written, with a note that the suffix disagrees."""
    out = tmp_path / "x.json"
    result = CliRunner().invoke(cli, ["export", str(saved), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "whose suffix says json" in result.stderr


@pytest.mark.parametrize("command", [["push", "{saved}", "--dry-run"], ["export", "{saved}", "--format", "m3u8"]])
def test_a_blank_playlist_name_is_refused(saved: Path, command: list[str]) -> None:
    """`--name "  "` would make a playlist named by blanks: a usage error naming --name (exit 2),
    nothing pushed or written; a name with spaces around it is trimmed."""
    args = [part.format(saved=saved) for part in command]
    result = CliRunner().invoke(cli, [*args, "--name", "  "])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Error: Invalid value for '--name': a playlist name must not be blank" in result.stderr
    if command[0] == "export":
        trimmed = CliRunner().invoke(cli, [*args, "--name", " Night "])
        assert "#PLAYLIST:Night\n" in trimmed.stdout
