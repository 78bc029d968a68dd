"""Atomic file writes: a reader sees the old file or the new one, never half of one.

The text goes to a temporary file in the target's own folder (same file system, so the final
:func:`os.replace` is atomic), is flushed to disk, then replaces the target.  When anything
fails the temporary file is removed and the old file is left exactly as it was.

Public: :func:`atomic_write_text`, :func:`atomic_write_bytes`, :func:`check_target` (and
:class:`~sequencer.errors.OutputFileError`, re-exported here where exporters and the plot have always
imported it).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from sequencer.errors import OutputFileError


def _mode_for(path: Path) -> int:
    """Permissions for the new file: the old file's, else the usual 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_target(path: Path) -> None:
    """Raise OutputFileError unless ``path`` can be written: its folder exists and it is not a
    folder itself.  Commands call it before long work, so a typo fails at once, not after it.

    Raises
    ------
    OutputFileError
        Naming the missing folder (with the ``mkdir -p`` that fixes it) or the folder in the way.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputFileError(
            f"cannot write {path}: the folder {folder} does not exist",
            hint=f"create it first (mkdir -p {folder}) or choose another output path",
        )
    if path.is_dir():
        raise OutputFileError(f"cannot write {path}: it is a folder", hint="give a file name, e.g. -o playlist.m3u8")


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (no newline translation: ``text`` is written as is).

    Raises
    ------
    OutputFileError
        When the folder does not exist or the file cannot be written; ``path`` is unchanged.
    """
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, flushed to
    disk, given the old file's permissions (or the umask's), then moved into place.

    Raises
    ------
    OutputFileError
        When the folder does not exist or the file cannot be written; ``path`` is unchanged.
    """
    path = Path(path)
    check_target(path)
    folder = path.parent
    temp_path: Path | None = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        temp_path = Path(temp_name)
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        temp_path.chmod(_mode_for(path))
        temp_path.replace(path)
        temp_path = None
    except OSError as error:
        raise OutputFileError(
            f"cannot write {path}: {error.strerror or error}",
            hint="check the folder's permissions and free space, or choose another output path",
        ) from None
    finally:
        if temp_path is not None:
            with contextlib.suppress(OSError):
                temp_path.unlink()


__all__ = ["OutputFileError", "atomic_write_bytes", "atomic_write_text", "check_target"]
