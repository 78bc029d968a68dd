"""Exports are written atomically: the old file survives any failure, and no temp file is left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sequencer.adapters import exporters
from sequencer.adapters.exporters.write import OutputFileError, atomic_write_text
from tests.adapters.test_exporters import sample_sequence


def _listing(folder: Path) -> list[str]:
    """The names in ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", exporters.FORMATS)
def test_write_export_writes_the_rendered_text(tmp_path: Path, fmt: str) -> None:
    """write_export writes exactly render()'s text (bytes, UTF-8, no newline translation)."""
    target = tmp_path / f"out.{fmt}"
    exporters.write_export(sample_sequence(), fmt, target)
    assert target.read_bytes() == exporters.render(sample_sequence(), fmt).encode("utf-8")
    assert _listing(tmp_path) == [f"out.{fmt}"]


def test_failed_rendering_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When rendering raises, the existing file is untouched and nothing else appears."""
    target = tmp_path / "night.m3u8"
    target.write_text("old playlist\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        """A renderer that fails."""
        raise RuntimeError("renderer exploded")

    monkeypatch.setitem(exporters._RENDERERS, "m3u8", broken)
    with pytest.raises(RuntimeError, match="renderer exploded"):
        exporters.write_export(sample_sequence(), "m3u8", target)
    assert target.read_text(encoding="utf-8") == "old playlist\n"
    assert _listing(tmp_path) == ["night.m3u8"]


def test_failed_replace_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the final rename fails, the old file is intact, the temp file is removed and the
    error is a user-facing OutputFileError."""
    target = tmp_path / "night.json"
    target.write_text("{}", encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        """An os.replace that is refused."""
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputFileError, match=r"cannot write .*night\.json: Permission denied") as info:
        exporters.write_export(sample_sequence(), "json", target)
    assert info.value.hint and "permissions" in info.value.hint
    assert target.read_text(encoding="utf-8") == "{}"
    assert _listing(tmp_path) == ["night.json"]


def test_failed_write_midway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk-full error while writing the temp file leaves the old file and no temp file."""
    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")

    def full(fd: int) -> None:
        """An fsync on a full disk."""
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputFileError, match="No space left on device"):
        atomic_write_text(target, "new text")
    assert target.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["a.csv"]


def test_missing_folder_and_folder_target(tmp_path: Path) -> None:
    """Writing into a missing folder or onto a folder is a clear error with a fix."""
    with pytest.raises(OutputFileError, match="does not exist") as info:
        atomic_write_text(tmp_path / "nope" / "x.m3u8", "x")
    assert info.value.hint and "mkdir -p" in info.value.hint
    with pytest.raises(OutputFileError, match="it is a folder"):
        atomic_write_text(tmp_path, "x")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permissions_follow_the_old_file_or_the_umask(tmp_path: Path) -> None:
    """A replaced file keeps its mode; a new one gets 0o666 minus the umask (not mkstemp's 0o600)."""
    old = tmp_path / "old.txt"
    old.write_text("x", encoding="utf-8")
    old.chmod(0o640)
    atomic_write_text(old, "y")
    assert old.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        atomic_write_text(new, "z")
        assert new.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    """-o LINK writes the link's target; the link itself is kept (issue #12)."""
    real = tmp_path / "real" / "night.m3u8"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.m3u8"
    link.symlink_to(real)
    atomic_write_text(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"
    assert _listing(real.parent) == ["night.m3u8"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    """A link to a file that does not exist yet: the file is created where the link points."""
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    atomic_write_text(link, "{}\n")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text(encoding="utf-8") == "{}\n"


def test_dev_null_is_written_through_never_replaced() -> None:
    """-o /dev/null stays a character device (as root the old rename replaced it with a file)."""
    import stat

    atomic_write_text(Path("/dev/null"), "discarded\n")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    """A FIFO with a reader gets the bytes; it stays a FIFO."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # the reader must have opened the FIFO before the non-blocking open
        try:
            atomic_write_text(fifo, "x" * 200_000)
            break
        except OutputFileError:
            import time

            time.sleep(0.01)
    reader.join(timeout=10)
    assert received == [b"x" * 200_000]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_nobody_reads_fails_at_once(tmp_path: Path) -> None:
    """No reader: a one-line error instead of a hang."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputFileError, match="nothing is reading it"):
        atomic_write_text(fifo, "data\n")
