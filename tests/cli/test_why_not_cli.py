"""`moodseq explain --why-not TRACK PROFILE`: what kept a track out, through the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from sequencer.cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_why_not_a_track_of_the_playlist_and_one_ruled_out() -> None:
    """On the demo library: a track of the playlist is "in the playlist"; study excludes angsty
    tracks, so a Crow storm is out by a rule; an unknown track is an error with a hint."""
    code, out, err = run("build", "night-drive", "--seed", "2", "--format", "json", "-o", "-")
    assert code == 0, err
    first = json.loads(out)["tracks"][0]
    name = f"{', '.join(first['artists'])} - {first['title']}"
    code, out, err = run("explain", "--why-not", name, "night-drive", "--seed", "2")
    assert code == 0, err
    assert out.splitlines()[:2] == [
        f"Why not {name} in night-drive: in the playlist",
        "  - it is in the playlist at #1",
    ]
    code, out, err = run("explain", "--why-not", "Nine Inch Nails - Dead Souls", "study", "--seed", "1")
    assert code == 0, err
    assert "Why not Nine Inch Nails - Dead Souls in study:" in out
    assert any(word in out for word in ("a rule", "mood", "not among the candidates", "objective"))
    code, out, err = run("explain", "--why-not", "Nobody - Nothing At All", "study")
    assert code == 2
    assert "Nothing At All" in err
