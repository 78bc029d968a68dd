"""Atomic file writes: a reader sees the old file or the new one, never half of one.

The text goes to a temporary file in the target's own folder (same file system, so the final
:func:`os.replace` is atomic), is flushed to disk, then replaces the target.  When anything
fails the temporary file is removed and the old file is left exactly as it was.

Only a regular file (or a new name) is replaced that way.  A symbolic link is followed, so its
target is what gets written (the link stays a link); a device, FIFO or socket (``-o /dev/null``,
``-o >(gzip)``) is written through in place and never replaced — renaming over ``/dev/null`` as
root would turn it into a regular file for the whole machine.

Public: :func:`atomic_write_text`, :func:`atomic_write_bytes`, :func:`check_target` (and
:class:`~sequencer.errors.OutputFileError`, re-exported here where exporters and the plot have always
imported it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
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
    path = _resolve_links(Path(path))
    check_target(path)
    if _is_special(path):
        _write_through(path, data)
        return
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


def _resolve_links(path: Path) -> Path:
    """The file a chain of symbolic links ends at (``path`` itself when it is no link)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError) as error:  # a loop of links
        raise OutputFileError(
            f"cannot write {path}: its symbolic links do not lead to a file ({error})",
            hint="point the link at a file, or choose another output path",
        ) from None


def _is_special(path: Path) -> bool:
    """True for an existing device, FIFO or socket: written through in place, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_through(path: Path, data: bytes) -> None:
    """Write ``data`` into an existing device or FIFO as it stands (no temp file, no rename)."""
    try:
        # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of hanging the command;
        # once open, writes block as usual so a slow reader gets everything.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb", buffering=0) as stream:
            view = memoryview(data)
            while view:
                written = stream.write(view) or 0
                view = view[written:]
    except OSError as error:
        reason = "nothing is reading it" if error.errno == errno.ENXIO else (error.strerror or str(error))
        raise OutputFileError(
            f"cannot write {path}: {reason}",
            hint="check that something reads it and that you may write it, or choose another output path",
        ) from None


__all__ = ["OutputFileError", "atomic_write_bytes", "atomic_write_text", "check_target"]
