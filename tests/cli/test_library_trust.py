"""A library that is damaged, read-only or has a damaged cache; profile references checked
against it (issue #12).  Every case ends in a result or a one-line error, exit 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.errors import LibraryError

DEMO = Path(__file__).resolve().parents[2] / "sequencer" / "demo" / "library.csv"


def _invoke(library: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--plain", "--library", str(library), *args])


@pytest.fixture(scope="module")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo library imported once (copied by the tests that damage it)."""
    path = tmp_path_factory.mktemp("lib") / "library.db"
    result = _invoke(path, "import", "csv", str(DEMO))
    assert result.exit_code == 0, result.output
    with Store.open(path) as store:  # fold the WAL into the file, so a copy is the whole library
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _copy(library: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "library.db"
    shutil.copyfile(library, target)
    return target


@pytest.mark.parametrize(
    "command",
    [
        ("library", "list", "--artist", "Kavinsky"),
        ("build", "night-drive"),
        ("import", "csv", str(DEMO)),
        ("moods", "infer"),
    ],
)
def test_a_library_damaged_in_the_middle_is_a_one_line_error(
    demo_library: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Random bytes over the middle pages: every command says the file is damaged, exit 2,
    no traceback (before: sqlite3.DatabaseError tracebacks; only opening was translated)."""
    library = _copy(demo_library, tmp_path)
    size = library.stat().st_size
    with library.open("r+b") as handle:
        handle.seek(size // 3)
        handle.write(bytes(range(256)) * 64)
    result = _invoke(library, *command)
    assert result.exit_code == 2, result.output
    assert "is damaged or is not a moodseq library (database disk image is malformed)" in result.stderr
    assert "Traceback" not in result.output


def test_a_damaged_features_cache_is_rebuilt(demo_library: Path, tmp_path: Path) -> None:
    """A cache with a bad CRC, cut short, or with arrays of the wrong shape: the build rebuilds
    it from the database and gives the same playlist."""
    library = _copy(demo_library, tmp_path)
    first = _invoke(library, "build", "night-drive", "--seed", "3")
    assert first.exit_code == 0, first.output
    cache = library.with_name(library.name + ".features.npz")
    good = cache.read_bytes()
    with np.load(cache) as loaded:
        arrays = dict(loaded)
    arrays["moods"] = arrays["moods"][:5]
    np.savez(tmp_path / "shape.npz", **arrays)
    damaged = [
        good[: len(good) // 2] + bytes(64) + good[len(good) // 2 + 64 :],
        good[:300],
        (tmp_path / "shape.npz").read_bytes(),
    ]
    for data in damaged:
        cache.write_bytes(data)
        again = _invoke(library, "build", "night-drive", "--seed", "3")
        assert again.exit_code == 0, again.output
        assert again.stdout == first.stdout
        assert cache.read_bytes() == good


def test_profiles_check_names_unknown_references_with_did_you_mean(demo_library: Path, tmp_path: Path) -> None:
    """A misspelled exclude_tracks/exclude_artists entry or an unknown start fails the check
    against the library, file:line and "did you mean"; build warns about the exclusions."""
    profile = tmp_path / "p.toml"
    profile.write_text(
        "minutes = 30\n[moods]\nnight-driving = 1.0\n[constraints]\n"
        'start = "Kavinsky - Nitecall"\n'
        'exclude_tracks = ["Vangelis - Blush Responce", "Daft Punk - Derezzed"]\n'
        'exclude_artists = ["Kavinksy"]\n',
        encoding="utf-8",
    )
    result = _invoke(demo_library, "profiles", "check", str(profile))
    assert result.exit_code == 2
    assert f"{profile}:5: constraints.start: 'Kavinsky - Nitecall' matches no track in the library" in result.stderr
    assert "'Vangelis - Blush Responce' matches no track in the library" in result.stderr
    assert "did you mean 'Vangelis - Blush Response'" in result.stderr
    assert f"{profile}:7: constraints.exclude_artists: 'Kavinksy' matches no artist" in result.stderr
    assert "did you mean 'Kavinsky'?" in result.stderr
    assert "Derezzed" not in result.stderr  # that one exists
    profile.write_text(profile.read_text(encoding="utf-8").replace('start = "Kavinsky - Nitecall"\n', ""))
    build = _invoke(demo_library, "build", str(profile))
    assert build.exit_code == 0, build.output
    assert "warning: constraints.exclude_artists: 'Kavinksy' matches no artist in the library" in build.stderr


def test_must_include_and_exemplars_are_checked_against_the_library(demo_library: Path, tmp_path: Path) -> None:
    """A misspelt must_include entry fails `profiles check` (file:line, "did you mean") and the
    build names the library's closest track (the build's own fallback suggested unrelated
    titles); a misspelt exemplar is a note with "did you mean", exemplars the library lacks one
    note without guesses; neither fails the check (before, the check said OK to all three)."""
    profile = tmp_path / "p.toml"
    profile.write_text(
        'minutes = 30\nlike = ["Kavinsky - Nitecall", "Nobody - Nothing At All", "Tycho - A Walk"]\n'
        '[moods]\nnight-driving = 1.0\n[constraints]\nmust_include = ["Vangelis - Blush Responce"]\n',
        encoding="utf-8",
    )
    result = _invoke(demo_library, "profiles", "check", str(profile))
    assert result.exit_code == 2
    assert (
        f"{profile}:6: constraints.must_include: 'Vangelis - Blush Responce' matches no track in the library "
        "(did you mean 'Vangelis - Blush Response'" in result.stderr
    )
    assert f"{profile}:2: note: like: 'Kavinsky - Nitecall' matches no track" in result.stderr
    assert "did you mean 'Kavinsky, Lovefoxxx - Nightcall'?" in result.stderr
    assert "1 exemplar (like) not in the library: Nobody - Nothing At All" in result.stderr
    assert "Tycho - A Walk" not in result.stderr  # that one exists
    assert "1 problem in 1 of 1 profile" in result.stderr  # the notes are not problems
    build = _invoke(demo_library, "build", str(profile))
    assert build.exit_code == 2
    assert "'Vangelis - Blush Responce' matches no track" in build.stderr
    assert "hint: did you mean 'Vangelis - Blush Response'" in build.stderr
    profile.write_text(
        'minutes = 30\nlike = ["A - One", "B - Two", "C - Three", "D - Four", "Tycho - A Walk"]\n'
        "[moods]\nnight-driving = 1.0\n",
        encoding="utf-8",
    )
    many = _invoke(demo_library, "profiles", "check", str(profile))
    assert many.exit_code == 0, many.output
    assert "4 exemplars (like) not in the library: A - One, B - Two, C - Three, D - Four;" in many.stderr


def test_misspelt_genres_are_notes_with_did_you_mean(demo_library: Path, tmp_path: Path) -> None:
    """A genre name that neither the library nor the genre list knows, one slip from one that
    is, gets a note (it matched no track without a word): "synthwav" → synthwave, "rapp" →
    rap; a genre merely absent from the library ("punk", not "p funk") and one written two
    ways in the same list ("lofi" beside "lo fi") are left alone. Notes do not fail the check."""
    profile = tmp_path / "p.toml"
    profile.write_text(
        'minutes = 30\n[moods]\nnight-driving = 1.0\n[genres]\nprefer = ["synthwav", "punk", "lofi", "lo fi"]\n'
        '[constraints]\nexclude_genres = ["rapp"]\n',
        encoding="utf-8",
    )
    result = _invoke(demo_library, "profiles", "check", str(profile))
    assert result.exit_code == 0, result.output
    assert f"{profile}:5: note: genres.prefer: 'synthwav' is no genre" in result.stderr
    assert "(did you mean 'synthwave'?)" in result.stderr
    assert f"{profile}:7: note: constraints.exclude_genres: 'rapp'" in result.stderr and "'rap'?" in result.stderr
    assert "'punk'" not in result.stderr and "'lofi'" not in result.stderr
    assert "OK" in result.stdout


def test_read_only_store_refuses_writes_clearly(demo_library: Path) -> None:
    """A store opened for reading refuses a write transaction with a LibraryError."""
    with Store.open(demo_library, read_only=True) as store, pytest.raises(LibraryError, match="for reading only"):
        store.set_meta("x", 1)


def _can_mount_read_only() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs root and unshare for a read-only mount")
def test_stats_list_and_build_work_in_a_read_only_folder(demo_library: Path, tmp_path: Path) -> None:
    """The library's folder mounted read-only (as root, chmod would not stop us): stats, list
    and build open it for reading and work (before: "cannot open library … for writing")."""
    library = _copy(demo_library, tmp_path / "ro")
    folder = library.parent
    moodseq = [sys.executable, "-m", "sequencer", "--plain", "--library", str(library)]
    commands = [
        [*moodseq, "library", "stats"],
        [*moodseq, "library", "list", "--artist", "Kavinsky"],
        [*moodseq, "build", "night-drive", "--seed", "3"],
    ]
    script = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} || exit 99\n"
    script += "".join(" ".join(f"'{part}'" for part in command) + " || exit $?\n" for command in commands)
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, check=False)
    if result.returncode == 99:
        pytest.skip("this machine does not allow a read-only bind mount")
    assert result.returncode == 0, result.stderr
    assert "Kavinsky - Roadgame" in result.stdout
    assert "tracks," in result.stdout and "flow cost" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["library.db"]


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_read_only(), reason="needs root and unshare for a read-only mount")
def test_history_reading_options_work_in_a_read_only_folder(demo_library: Path, tmp_path: Path) -> None:
    """--fresh, --like-previous and --keep only read the build history; `listening`, `refresh
    --dry-run`, `push --dry-run` and tab completion only read what is stored: in a read-only
    folder they work (before: "cannot open library … for writing", while the same build without
    them worked; completion offered nothing)."""
    library = _copy(demo_library, tmp_path / "ro")
    saved = tmp_path / "night.json"
    first = _invoke(library, "build", "night-drive", "--seed", "3", "-o", str(saved))  # a build to keep from
    assert first.exit_code == 0, first.output
    with Store.open(library) as store:  # the history into the file itself
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = library.parent
    moodseq = [sys.executable, "-m", "sequencer", "--plain", "--library", str(library)]
    commands = [
        [*moodseq, "build", "night-drive", "--seed", "4", "--fresh", "14d", "--like-previous"],
        [*moodseq, "build", "night-drive", "--seed", "5", "--keep", "1"],
        [*moodseq, "listening"],
        [*moodseq, "refresh", "--dry-run"],
        [*moodseq, "push", str(saved), "--dry-run"],
    ]
    script = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} || exit 99\n"
    script += "".join(" ".join(f"'{part}'" for part in command) + " || exit $?\n" for command in commands)
    words = f"moodseq --library {library} build night-drive --from Kavinsky"
    script += f"_MOODSEQ_COMPLETE=bash_complete COMP_WORDS='{words}' COMP_CWORD=6 '{sys.executable}' -m sequencer\n"
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, check=False)
    if result.returncode == 99:
        pytest.skip("this machine does not allow a read-only bind mount")
    assert result.returncode == 0, result.stderr
    assert "plain,Kavinsky - Roadgame" in result.stdout  # tab completion reads track names too
    assert result.stdout.count("flow cost") == 2 and "no listening history yet" in result.stderr
    assert "refresh: nothing to refresh: no playlist was pushed yet" in result.stdout
    assert "Spotify not asked: would push" in result.stdout
    assert result.stderr.count("this build is not recorded in the library's history") == 2


def test_profiles_new_on_a_full_disk_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No space left while writing: one line naming the file, nothing half-written left."""
    import errno

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = _invoke(tmp_path / "lib.db", "profiles", "new", "my-drive")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr and "free space" in result.stderr
    folder = tmp_path / "moodseq-home" / "config" / "profiles"
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs root and unshare for a read-only mount")
def test_profiles_new_in_a_read_only_config_folder_is_a_one_line_error(tmp_path: Path) -> None:
    """A read-only config folder (mounted so, as root): exit 2 and a hint, no traceback."""
    config = tmp_path / "config"
    config.mkdir()
    env = f"MOODSEQ_CONFIG_DIR={config}"
    command = f"env {env} '{sys.executable}' -m sequencer profiles new my-drive"
    script = f"mount --bind {config} {config} && mount -o remount,bind,ro {config} || exit 99\n{command}\n"
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, check=False)
    if result.returncode == 99:
        pytest.skip("this machine does not allow a read-only bind mount")
    assert result.returncode == 2, result.stderr
    assert "cannot create the profiles folder" in result.stderr and "Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_an_older_library_upgrades_it_first(demo_library: Path, tmp_path: Path) -> None:
    """A library without the newest migration: a reading command opens it for writing once,
    applies the migration, and works."""
    import sqlite3

    from sequencer.adapters.library import migrations

    library = _copy(demo_library, tmp_path)
    newest = "0006_source_digests"
    conn = sqlite3.connect(library)
    conn.execute("DROP TABLE track_source_digests")
    conn.execute("DELETE FROM schema_migrations WHERE name = ?", (newest,))
    conn.commit()
    conn.close()
    result = _invoke(library, "library", "list", "--artist", "Kavinsky")
    assert result.exit_code == 0, result.output
    with Store.open(library, read_only=True) as store:
        assert store.read_only
    conn = sqlite3.connect(library)
    assert newest in migrations.applied(conn)
    conn.close()
