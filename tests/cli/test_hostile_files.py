"""Hostile JSON, TOML and names end in one-line errors or the right result (issue #12): JSON
nested 100,000 deep or with a 5,000-digit integer (import, export, explain, reorder), TOML
nested 5,000 deep, ``$$`` in a profile or mood name on --plot/--report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sequencer.cli.main import cli


def _invoke(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--plain", "--library", str(tmp_path / "lib.db"), *args])


HOSTILE_JSON = {
    "deep.json": ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply to read"),
    "bigint.json": (
        '[{"title": "a", "artist": "b", "duration_ms": ' + "9" * 5000 + "}]",
        "JSON holds a number with more than 4,300 digits",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
@pytest.mark.parametrize(
    "command", [("import", "csv"), ("export", "-o", "out.m3u8"), ("explain",), ("reorder",)], ids=lambda c: c[0]
)
def test_hostile_json_is_a_one_line_error(tmp_path: Path, name: str, command: tuple[str, ...]) -> None:
    """Every command that reads JSON names the file and the problem, exit 2, no traceback."""
    text, message = HOSTILE_JSON[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    args = [command[0], *command[1:2], str(path)] if command[0] == "import" else [command[0], str(path), *command[1:]]
    if command[0] == "export":
        args = ["export", str(path), "-o", str(tmp_path / "out.m3u8")]
    result = _invoke(tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert f"Error: {path}: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_a_json_lines_file_with_one_deep_line_skips_that_line(tmp_path: Path) -> None:
    """JSON Lines: the deep line is skipped with its reason, the others are imported."""
    path = tmp_path / "t.jsonl"
    good = '{"title": "Nightcall", "artist": "Kavinsky", "duration_ms": 257000}'
    deep = '{"title": ' + "[" * 50_000 + "]" * 50_000 + "}"
    path.write_text(f"{good}\n{deep}\n{good.replace('Nightcall', 'Roadgame')}\n", encoding="utf-8")
    result = _invoke(tmp_path, "import", "csv", str(path))
    assert result.exit_code == 0, result.output
    assert "3 rows → 2 tracks" in result.stdout
    assert "skipped line 2: not valid JSON (JSON nested too deeply to read" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "TOML nested too deeply to read"),
        ("minutes = " + "9" * 5000 + "\n", "not valid TOML: Exceeds the limit (4300 digits)"),
    ],
    ids=["deep", "bigint"],
)
def test_hostile_toml_is_a_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    """profiles check reports it as a problem; build stops with one line; exit 2 both."""
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    check = _invoke(tmp_path, "profiles", "check", str(path))
    assert check.exit_code == 2 and message in check.stderr
    build = _invoke(tmp_path, "demo", str(path))
    assert build.exit_code == 2 and message in build.stderr
    assert "Traceback" not in check.output + build.output


def test_dollar_signs_in_profile_and_mood_names_plot_and_report(tmp_path: Path) -> None:
    """`$$` and `$x^2$` in the profile name and a mood name: the plot and report are written
    (before: matplotlib's ParseException)."""
    config = tmp_path / "moodseq-home" / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "moods.toml").write_text(
        '[moods."ca$$h"]\ndescription = "x"\n[moods."ca$$h".tags]\nsynthwave = 1.0\n', encoding="utf-8"
    )
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "cash $$ money $x^2$"\nminutes = 30\n[moods]\nnight-driving = 1.0\n"ca$$h" = 0.5\n', encoding="utf-8"
    )
    plot, report = tmp_path / "p.png", tmp_path / "p.html"
    result = _invoke(tmp_path, "demo", str(profile), "--plot", str(plot), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert plot.stat().st_size > 10_000
    assert "cash $$ money $x^2$" in report.read_text(encoding="utf-8")


def test_reorder_refuses_more_tracks_than_its_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sequence longer than the cap: one line with the count and the cap, exit 2, before any
    search runs (8,000 tracks took 150 s and 4.2 GB)."""
    from sequencer.cli.commands import reorder

    night = tmp_path / "night.json"
    built = _invoke(tmp_path, "demo", "--seed", "7", "-o", str(night))
    assert built.exit_code == 0, built.output
    monkeypatch.setattr(reorder, "MAX_REORDER_TRACKS", 5)
    result = _invoke(tmp_path, "reorder", str(night))
    assert result.exit_code == 2, result.output
    assert "tracks; reorder takes at most 5" in result.stderr
    monkeypatch.setattr(reorder, "MAX_REORDER_TRACKS", 1000)
    assert _invoke(tmp_path, "reorder", str(night)).exit_code == 0


def test_a_huge_sequence_file_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sequence file over the size cap is refused without being parsed."""
    from sequencer.adapters.exporters import json as json_export

    monkeypatch.setattr(json_export, "MAX_SEQUENCE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text("[" + " " * 200 + "]", encoding="utf-8")
    for command in (
        ["explain", str(path)],
        ["reorder", str(path)],
        ["export", str(path), "-o", str(tmp_path / "x.m3u8")],
    ):
        result = _invoke(tmp_path, *command)
        assert result.exit_code == 2 and "is larger than 0 MB" in result.stderr


def test_export_to_dev_null_keeps_it_a_device(tmp_path: Path) -> None:
    """`moodseq export n.json --format m3u8 -o /dev/null` (as root it used to become a file)."""
    import stat

    night = tmp_path / "night.json"
    assert _invoke(tmp_path, "demo", "--seed", "7", "-o", str(night)).exit_code == 0
    result = _invoke(tmp_path, "export", str(night), "--format", "m3u8", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
