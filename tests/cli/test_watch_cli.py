"""`build --watch` (bounded polls, edits made between them) and tab completion of values."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.adapters.demo import load_demo_tracks
from sequencer.adapters.library.store import Store
from sequencer.cli.commands._pipeline import BuildOptions
from sequencer.cli.context import AppContext
from sequencer.cli.main import cli
from sequencer.cli.watch import watch

PROFILE = """
minutes = 25
[moods]
night-driving = 1.0
brooding = 0.5
"""


def write(path: Path, text: str, tick: int) -> None:
    """Write ``text`` and move the file's mtime on, as a save a moment later would."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, (1_000_000 + tick, 1_000_000 + tick))


def test_watch_rebuilds_on_save_shows_changes_and_survives_errors(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Poll 1: nothing changed, no rebuild. Poll 2: the moods change → a rebuild with the same
    seed and what changed. Poll 3: a broken file → its error, shown without exiting. Poll 4:
    fixed → rebuilt again. No watch build is recorded."""
    profiles = isolated_dirs / "config" / "profiles"
    profiles.mkdir(parents=True)
    path = profiles / "tune.toml"
    write(path, PROFILE, 0)
    edits = {
        2: PROFILE.replace("brooding = 0.5", "study = 0.9"),
        3: PROFILE.replace("minutes = 25", "minutes = 'long'"),
        4: PROFILE.replace("minutes = 25", "minutes = 30"),
    }
    polls = {"n": 0}

    def sleep(_seconds: float) -> None:
        polls["n"] += 1
        if polls["n"] in edits:
            write(path, edits[polls["n"]], polls["n"])

    app = AppContext(plain=True, env=dict(os.environ))
    rebuilds = watch(app, BuildOptions(profile="tune", seed=11), polls=4, sleep=sleep)
    out, err = capsys.readouterr()
    assert rebuilds == 2
    assert err.count("seed 11, kept for every rebuild") == 1
    assert out.count("rebuilt (seed 11): what changed") == 2
    assert "minutes" in err and "(watching: fix the file and save it again)" in err
    first, second = out.split("rebuilt (seed 11)")[1:3]
    assert "  + " in first and "  - " in first  # the mood change brought tracks in and out
    assert "flow cost" in first and "mood fit" in first
    minutes = re.search(r"(\d+\.\d) → (\d+\.\d) min", second)  # 25 → 30 minutes shows in the numbers
    assert minutes is not None and float(minutes[1]) < 28 < float(minutes[2])
    assert not (isolated_dirs / "data" / "library.db").exists()


def test_watching_a_builtin_profile_says_how_to_tune_a_copy(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build night-drive --watch` watches a file inside the installed package: a note names
    `profiles new` (it watched it without a word, and edits there are lost on upgrade); a user
    profile gets no such note."""
    app = AppContext(plain=True, env=dict(os.environ))
    assert watch(app, BuildOptions(profile="night-drive", seed=3, minutes=20), polls=0, sleep=lambda _s: None) == 0
    err = capsys.readouterr().err
    assert "note: night-drive is a built-in profile" in err
    assert "`moodseq profiles new my-night-drive --from night-drive`" in err
    profiles = isolated_dirs / "config" / "profiles"
    profiles.mkdir(parents=True)
    write(profiles / "tune.toml", PROFILE, 0)
    watch(app, BuildOptions(profile="tune", seed=3), polls=0, sleep=lambda _s: None)
    assert "built-in profile" not in capsys.readouterr().err


def test_watch_refuses_outputs() -> None:
    result = CliRunner().invoke(cli, ["build", "night-drive", "--watch", "--push"])
    assert result.exit_code == 2 and "--watch shows previews only" in result.stderr


def complete(words: str, *, env: dict[str, str] | None = None) -> list[str]:
    count = len(words.split()) - (0 if words.endswith(" ") else 1)
    variables = {"_MOODSEQ_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(count)}
    result = CliRunner().invoke(cli, [], env={**variables, **(env or {})}, prog_name="moodseq")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_profile_names_complete(isolated_dirs: Path) -> None:
    (isolated_dirs / "config" / "profiles").mkdir(parents=True)
    (isolated_dirs / "config" / "profiles" / "night-walk.toml").write_text(PROFILE, encoding="utf-8")
    assert complete("moodseq build night-") == ["night-drive", "night-walk"]
    assert complete("moodseq demo tr") == ["train-ride"]


def test_track_names_complete_from_the_library(isolated_dirs: Path) -> None:
    assert complete("moodseq build night-drive --from Kavin") == []  # no library: nothing offered
    library = isolated_dirs / "data" / "library.db"
    with Store.open(library) as store:
        store.upsert_tracks(load_demo_tracks(), source="import")
    kavinsky = complete("moodseq build night-drive --from Kavin")
    assert "Kavinsky, Lovefoxxx - Nightcall" in kavinsky and all(n.startswith("Kavinsky") for n in kavinsky)
    names = complete("moodseq build night-drive --keep blade")
    assert "Vangelis - Blade Runner (End Titles)" in names
    assert complete(f"moodseq --library {library} build study --to nightc") == ["Kavinsky, Lovefoxxx - Nightcall"]


@pytest.mark.parametrize("command", ["build", "refresh", "history", "listening"])
def test_help_of_the_living_commands_stays_light(command: str) -> None:
    """Their --help (and the completion callbacks they carry) import nothing heavy."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sequencer.cli.main import cli\n"
        f"r = CliRunner().invoke(cli, [{command!r}, '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('numpy', 'networkx', 'spotipy', 'rich', 'pylast', 'sqlite3')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_save_that_empties_the_profile_waits_instead_of_rebuilding(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An emptied file (an editor's save in progress, everything deleted) is not rebuilt as the
    empty profile (a 60-minute playlist of anything): the watch says it waits, and the next
    real save rebuilds."""
    profiles = isolated_dirs / "config" / "profiles"
    profiles.mkdir(parents=True)
    path = profiles / "tune.toml"
    write(path, PROFILE, 0)
    edits = {1: "\n  \n", 2: PROFILE.replace("minutes = 25", "minutes = 30")}
    polls = {"n": 0}

    def sleep(_seconds: float) -> None:
        polls["n"] += 1
        if polls["n"] in edits:
            write(path, edits[polls["n"]], polls["n"])

    app = AppContext(plain=True, env=dict(os.environ))
    rebuilds = watch(app, BuildOptions(profile="tune", seed=11), polls=2, sleep=sleep)
    out, err = capsys.readouterr()
    assert rebuilds == 1
    assert f"{path} is empty: waiting for the next save" in err
    assert "60 min target" not in out and "30 min target" in out
