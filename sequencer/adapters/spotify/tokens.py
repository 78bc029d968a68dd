"""The token cache: one JSON file in the config folder, created with mode 0600.

spotipy's ``CacheFileHandler`` writes with default permissions (then chmods) into the working
directory; ours creates the file 0600 from the first byte (``os.open`` with the mode, then an
atomic ``os.replace``) in the user's config folder, keeps the app's client id beside the token
(so refreshing needs no environment), and stores every rotated refresh token.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from spotipy.cache_handler import CacheHandler

from sequencer.errors import CredentialsError


class TokenCache(CacheHandler):  # type: ignore[misc]  # why: spotipy is untyped
    """A spotipy cache handler backed by a private file."""

    def __init__(self, path: Path, client_id: str | None = None) -> None:
        self.path = path
        self.client_id = client_id

    def __repr__(self) -> str:
        """Show where, never what."""
        return f"TokenCache({str(self.path)!r})"

    def read(self) -> dict[str, Any] | None:
        """The whole cached record (token info + client id), or None."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CredentialsError(
                f"cannot read the Spotify token cache {self.path}: {error.strerror}",
                hint="check the file's permissions, or `moodseq spotify logout` and log in again",
            ) from None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def get_cached_token(self) -> dict[str, Any] | None:
        """spotipy hook: the token info, or None when nobody is logged in."""
        data = self.read()
        if not data or "access_token" not in data:
            return None
        return {k: v for k, v in data.items() if k != "client_id"}

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        """spotipy hook: store token info (with the client id), private from the first byte."""
        record = dict(token_info)
        previous = self.read() or {}
        client_id = self.client_id or previous.get("client_id")
        if client_id:
            record["client_id"] = client_id
        self.write(record)

    def write(self, record: dict[str, Any]) -> None:
        """Write atomically to a 0600 temp file in the same folder, then rename over."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            tmp.replace(self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise

    def clear(self) -> bool:
        """Forget the login; True if there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True
