"""The token cache: one JSON file in the config folder, created with mode 0600.

spotipy's ``CacheFileHandler`` writes with default permissions (then chmods) into the working
directory; ours creates the file 0600 from the first byte (``os.open`` with the mode, then an
atomic ``os.replace``) in the user's config folder, keeps the app's client id beside the token
(so refreshing needs no environment), and stores every rotated refresh token.

It also keeps ``first_login_at``, the time of the sign-in in the browser: Spotify ends a login
six months after it (``invalid_grant``), however often it is renewed, so moodseq can say when
and warn a week before.  A full or read-only disk is a clear error, never a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from spotipy.cache_handler import CacheHandler

from sequencer.errors import CredentialsError

LOGIN_LIFETIME_S = 182 * 24 * 3600
"""Spotify ends a login about six months after the sign-in; renewing does not extend it."""
WARN_BEFORE_S = 7 * 24 * 3600
"""Warn this long before the login ends."""


def _well_formed(data: dict[str, Any]) -> bool:
    """Whether a saved record has the token fields of the right types."""
    texts = ("access_token", "refresh_token", "scope", "token_type", "client_id")
    if not isinstance(data.get("access_token"), str) or not data["access_token"]:
        return False
    if any(k in data and not isinstance(data[k], (str, type(None))) for k in texts):
        return False
    numbers = ("expires_at", "first_login_at")
    return not any(k in data and (isinstance(data[k], bool) or not isinstance(data[k], (int, float))) for k in numbers)


class TokenCache(CacheHandler):  # type: ignore[misc]  # why: spotipy is untyped
    """A spotipy cache handler backed by a private file."""

    def __init__(self, path: Path, client_id: str | None = None, *, first_login_at: float | None = None) -> None:
        self.path = path
        self.client_id = client_id
        self.first_login_at = first_login_at
        """Set by a fresh login (the sign-in's time); otherwise the saved one is kept."""

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
        if not data or not _well_formed(data):
            return None
        info = {k: v for k, v in data.items() if k not in ("client_id", "first_login_at")}
        info.setdefault("expires_at", 0)  # unknown: treat as expired (renew it)
        info.setdefault("scope", "")  # unknown: spotipy then asks for a new login
        if not info.get("refresh_token") and info["expires_at"] <= time.time() + 60:
            return None  # expired and nothing to renew it with
        return info

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        """spotipy hook: store token info (with the client id), private from the first byte."""
        record = dict(token_info)
        previous = self.read() or {}
        client_id = self.client_id or previous.get("client_id")
        if client_id:
            record["client_id"] = client_id
        first = self.first_login_at or previous.get("first_login_at")
        if isinstance(first, (int, float)) and not isinstance(first, bool):
            record["first_login_at"] = int(first)
        self.write(record)

    def expires_at(self) -> float | None:
        """When Spotify will end this login (six months after the sign-in), if known."""
        first = (self.read() or {}).get("first_login_at")
        if isinstance(first, bool) or not isinstance(first, (int, float)):
            return None
        return float(first) + LOGIN_LIFETIME_S

    def expiry_warning(self, now: float | None = None) -> str | None:
        """A warning when the login ends within a week (None otherwise, or when unknown)."""
        ends = self.expires_at()
        now = time.time() if now is None else now
        if ends is None or not now < ends <= now + WARN_BEFORE_S:
            return None
        day = time.strftime("%Y-%m-%d", time.localtime(ends))
        return (
            f"warning: your Spotify login ends on {day} (Spotify ends logins six months after the "
            "sign-in; renewing does not extend them): run `moodseq spotify login` before then"
        )

    def write(self, record: dict[str, Any]) -> None:
        """Write atomically to a 0600 temp file in the same folder, then rename over."""
        folder = self.path.parent
        tmp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(record, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                tmp.replace(self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        except OSError as error:
            raise CredentialsError(
                f"cannot save the Spotify login in {self.path}: {error.strerror or error}",
                hint="free some disk space or make that folder writable (MOODSEQ_CONFIG_DIR picks "
                "another), then run `moodseq spotify login`",
            ) from None

    def clear(self) -> bool:
        """Forget the login; True if there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise CredentialsError(
                f"cannot delete the Spotify login {self.path}: {error.strerror or error}",
                hint="delete that file by hand (or make its folder writable), and revoke moodseq's "
                "access at https://www.spotify.com/account/apps/ if you want it gone for good",
            ) from None
        return True
