"""A small Subsonic / OpenSubsonic REST client over requests (bounded timeouts, one-line errors).

Authentication, in the order tried: an OpenSubsonic API key (``apiKey``); else a salted token
(``t`` = md5(password + salt), ``s`` = salt, Subsonic API 1.13+); a server that does not take
tokens (error 10, 41 or 42 on the first call — supysonic, LDAP users) gets the password hex-
encoded (``p=enc:…``) in the form body of a POST, never in a URL.  Every call asks for JSON
(``f=json``).  Writes are POSTed as forms (long song lists do not fit in a URL).

Public: :class:`SubsonicClient`, :data:`NOT_FOUND`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

import requests

from sequencer.adapters.sinks.http import json_body, send
from sequencer.adapters.sinks.settings import SubsonicSettings
from sequencer.errors import CredentialsError, RemoteServiceError

API_VERSION = "1.16.1"
CLIENT = "moodseq"
NOT_FOUND = 70
_NO_TOKENS = {10, 41, 42}
_BAD_CREDENTIALS = {40, 44}
PAGE = 500
MAX_SONGS = 500_000


class SubsonicError(RemoteServiceError):
    """The server answered ``status="failed"``; ``code`` is the Subsonic error code."""

    def __init__(self, code: int, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class SubsonicClient:
    """One Subsonic server, one user."""

    def __init__(self, settings: SubsonicSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self._password_mode = False
        self.service = f"the Subsonic server at {settings.url}"

    def _auth(self) -> dict[str, str]:
        s = self.settings
        params = {"v": API_VERSION, "c": CLIENT, "f": "json"}
        if s.api_key:
            return {**params, "apiKey": s.api_key}
        assert s.user is not None and s.password is not None
        if self._password_mode:
            return {**params, "u": s.user, "p": "enc:" + s.password.encode("utf-8").hex()}
        salt = secrets.token_hex(8)
        token = hashlib.md5((s.password + salt).encode("utf-8"), usedforsecurity=False).hexdigest()
        return {**params, "u": s.user, "t": token, "s": salt}

    def call(self, method: str, params: dict[str, Any] | None = None, *, write: bool = False) -> dict[str, Any]:
        """``/rest/METHOD`` → the ``subsonic-response`` object; a failed status raises SubsonicError."""
        url = f"{self.settings.url}/rest/{method}"
        form = {**self._auth(), **(params or {})}
        if write or self._password_mode:
            response = send(self.session, "POST", url, service=self.service, data=form)
        else:
            response = send(self.session, "GET", url, service=self.service, params=form)
        if response.status_code in (401, 403):
            raise CredentialsError(
                f"{self.service} refused the login (HTTP {response.status_code})",
                hint="check MOODSEQ_SUBSONIC_USER and MOODSEQ_SUBSONIC_PASSWORD (or the API key)",
            )
        body = json_body(response, service=self.service)
        answer = body.get("subsonic-response") if isinstance(body, dict) else None
        if not isinstance(answer, dict) or "status" not in answer:
            raise RemoteServiceError(
                f"{self.service} answered HTTP {response.status_code} without a Subsonic response",
                hint="check the server URL: it should be the server's address, without /rest",
            )
        if answer["status"] != "ok":
            error = answer.get("error") or {}
            code = int(error.get("code", 0)) if str(error.get("code", "0")).isdigit() else 0
            raise SubsonicError(code, f"{self.service}: {method} failed: {error.get('message', 'no reason given')}")
        return answer

    def ping(self) -> None:
        """Check URL and credentials, falling back to password auth where tokens are not taken."""
        try:
            self.call("ping")
        except SubsonicError as error:
            if error.code in _NO_TOKENS and not self.settings.api_key and not self._password_mode:
                self._password_mode = True
                self.ping()
                return
            if error.code in _BAD_CREDENTIALS or error.code in _NO_TOKENS:
                raise CredentialsError(
                    f"{self.service} refused the login for user {self.settings.user!r}",
                    hint="check MOODSEQ_SUBSONIC_USER and MOODSEQ_SUBSONIC_PASSWORD (or the API key)",
                ) from error
            raise

    def songs(self) -> Iterator[dict[str, Any]]:
        """Every song on the server (``search3`` with an empty query, page by page)."""
        offset = 0
        while offset < MAX_SONGS:
            answer = self.call(
                "search3", {"query": "", "artistCount": 0, "albumCount": 0, "songCount": PAGE, "songOffset": offset}
            )
            page = (answer.get("searchResult3") or {}).get("song") or []
            yield from (song for song in page if isinstance(song, dict) and song.get("id"))
            if len(page) < PAGE:
                return
            offset += PAGE

    def playlists(self) -> list[dict[str, Any]]:
        """The user's playlists (without their songs)."""
        found = (self.call("getPlaylists").get("playlists") or {}).get("playlist") or []
        return [p for p in found if isinstance(p, dict) and p.get("id")]

    def playlist(self, playlist_id: str) -> dict[str, Any] | None:
        """One playlist with its ``entry`` list, or None when it does not exist."""
        try:
            answer = self.call("getPlaylist", {"id": playlist_id})
        except SubsonicError as error:
            if error.code == NOT_FOUND:
                return None
            raise
        found = answer.get("playlist")
        return found if isinstance(found, dict) else None
