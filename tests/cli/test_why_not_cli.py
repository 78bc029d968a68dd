"""`moodseq explain --why-not TRACK PROFILE`: what kept a track out, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


def test_why_not_of_a_saved_playlist_names_the_command_that_asks_its_build(tmp_path: Path) -> None:
    """A saved playlist where the profile goes is no "not valid TOML" error: it names the
    profile and seed of the build that wrote the file."""
    saved = tmp_path / "night.json"
    code, _, err = run("build", "night-drive", "--seed", "4", "-o", str(saved))
    assert code == 0, err
    code, out, err = run("explain", "--why-not", "Kavinsky - Nightcall", str(saved))
    assert code == 2 and out == ""
    assert f"Error: --why-not asks about a profile's build, and {saved} is a saved playlist" in err
    assert 'hint: `moodseq explain --why-not "Kavinsky - Nightcall" night-drive --seed 4`' in err
    assert "TOML" not in err


def test_why_not_an_unknown_track_fails_before_building(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a library, an unknown track is the "no track" error before any build is made."""
    from sequencer.adapters.library.store import Store
    from sequencer.core import build
    from sequencer.core.track import Track

    library = tmp_path / "lib.db"
    with Store.open(library) as store:
        store.upsert_tracks([Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=257.0, energy=0.6)])

    def no_build(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("built before finding the track")

    monkeypatch.setattr(build, "build_playlist", no_build)
    code, _, err = run("--library", str(library), "explain", "--why-not", "Kavinsky - Nightcal", "night-drive")
    assert code == 2
    assert "Error: no track 'Kavinsky - Nightcal' in the library" in err


def test_explain_of_a_profile_name_says_which_commands_explain_a_profile() -> None:
    """`moodseq explain night-drive` (a profile, not a saved playlist) names `build --explain`
    and `explain --why-not` (was "no such file: night-drive"); an unknown name stays that error."""
    code, out, err = run("explain", "night-drive")
    assert code == 2 and out == ""
    assert "Error: night-drive is a profile; explain reads a playlist saved as JSON" in err
    assert "`moodseq build night-drive --explain`" in err
    code, _, err = run("explain", "no-such-thing")
    assert code == 2 and "no such file: no-such-thing" in err


def test_why_not_asks_about_a_build_of_another_length(tmp_path: Path) -> None:
    """A playlist built with `--minutes 20` can be asked about: --why-not takes --minutes (it
    answered about a 60-minute build), and a saved 20-minute playlist's hint carries it."""
    code, out, err = run("build", "night-drive", "--seed", "2", "--minutes", "20", "--format", "json", "-o", "-")
    assert code == 0, err
    last = json.loads(out)["tracks"][-1]
    name = f"{', '.join(last['artists'])} - {last['title']}"
    code, out, err = run("explain", "--why-not", name, "night-drive", "--seed", "2", "--minutes", "20")
    assert code == 0, err
    assert out.splitlines()[0] == f"Why not {name} in night-drive: in the playlist"
    assert "night-drive (20 min target) with seed 2" in err
    saved = tmp_path / "short.json"
    code, _, err = run("build", "night-drive", "--seed", "2", "--minutes", "20", "-o", str(saved))
    assert code == 0, err
    code, _, err = run("explain", "--why-not", "Kavinsky - Nightcall", str(saved))
    assert code == 2
    assert '`moodseq explain --why-not "Kavinsky - Nightcall" night-drive --seed 2 --minutes 20`' in err
    code, _, err = run("explain", str(saved), "--minutes", "20")
    assert code == 2 and "--minutes is for --why-not" in err


@pytest.mark.parametrize("suffix", ["xspf", "m3u8", "csv"])
def test_why_not_of_another_saved_playlist_is_named_as_one(tmp_path: Path, suffix: str) -> None:
    """An XSPF, M3U8 or CSV playlist where the profile goes was read as a profile: "night.xspf:1:
    not valid TOML: Invalid statement"; it is named a saved playlist, with the command's form."""
    saved = tmp_path / f"night.{suffix}"
    code, _, err = run("build", "night-drive", "--seed", "4", "-o", str(saved))
    assert code == 0, err
    code, out, err = run("explain", "--why-not", "Kavinsky - Nightcall", str(saved))
    assert code == 2 and out == ""
    assert f"Error: --why-not asks about a profile's build, and {saved} is a saved playlist" in err
    assert "TOML" not in err


def test_why_not_a_name_several_recordings_share_says_which(tmp_path: Path) -> None:
    """`explain --why-not NAME` answered for one of the recordings of that name silently: it
    says which (id, album) and names the others with the command that asks about each."""
    from sequencer.adapters.library.store import Store
    from sequencer.core.track import Track

    library = tmp_path / "lib.db"
    demo = Path(__file__).resolve().parents[2] / "sequencer" / "demo" / "library.csv"
    assert run("--library", str(library), "import", "csv", str(demo))[0] == 0
    with Store.open(library) as store:
        store.upsert_tracks([Track("live", "Tech Noir", ("Gunship",), 400.0, album="Live at Wembley", energy=0.7)])
        first = store.same_name_ids("live")[0]
    assert first != "live"
    code, out, err = run("--library", str(library), "explain", "--why-not", "Gunship - Tech Noir", "study")
    assert code == 0, err
    assert out.splitlines()[1].startswith(f"  1 of 2 recordings of this name: this is {first} (")
    assert out.splitlines()[1].endswith("the other: live (`moodseq explain --why-not live study`)")
