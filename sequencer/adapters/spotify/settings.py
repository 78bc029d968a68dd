"""Spotify settings from the environment, resolved once.

- ``SPOTIPY_CLIENT_ID`` — the user's own Spotify app (PKCE: no secret needed); remembered in
  the token cache after a login so later commands need not repeat it;
- ``SPOTIPY_CLIENT_SECRET`` — optional; with it, the classic authorization-code flow is used;
- ``MOODSEQ_SPOTIFY_REDIRECT_URI`` (or ``SPOTIPY_REDIRECT_URI``) — a loopback literal
  ``http://127.0.0.1:PORT/callback`` (default port 8888); ``localhost`` is refused;
- ``MOODSEQ_SPOTIFY_TOKEN`` — a bearer token used as is (automation; never refreshed);
- ``MOODSEQ_SPOTIFY_API_URL`` / ``MOODSEQ_SPOTIFY_ACCOUNTS_URL`` — other base URLs (tests);
- ``MOODSEQ_SPOTIFY_TIMEOUT`` — seconds one whole request may take (default 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sequencer.errors import CredentialsError

API_URL = "https://api.spotify.com/v1"
ACCOUNTS_URL = "https://accounts.spotify.com"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8888/callback"
TOKEN_FILE = "spotify-token.json"

#: The least the features need: write playlists, find ours again, read liked songs.  A saved
#: login must have these.
SCOPES: tuple[str, ...] = (
    "playlist-modify-private",
    "playlist-modify-public",
    "playlist-read-private",
    "user-library-read",
)
#: Asked for at login too, but not required of a saved login (one from before moodseq asked for
#: them keeps working; only the feature that needs one says to log in again): reading what was
#: recently played (`moodseq listening spotify`).
OPTIONAL_SCOPES: tuple[str, ...] = ("user-read-recently-played",)


@dataclass(frozen=True)
class SpotifySettings:
    """Everything the Spotify adapter reads from the environment."""

    client_id: str | None
    client_secret: str | None
    redirect_uri: str
    token: str | None
    api_url: str
    accounts_url: str
    token_path: Path
    timeout_s: float = 15.0

    @property
    def authorize_url(self) -> str:
        """The accounts authorize endpoint."""
        return f"{self.accounts_url}/authorize"

    @property
    def token_url(self) -> str:
        """The accounts token endpoint."""
        return f"{self.accounts_url}/api/token"

    def __repr__(self) -> str:
        """Never show the secret or the token."""
        return (
            f"SpotifySettings(client_id={self.client_id!r}, secret={'set' if self.client_secret else 'unset'}, "
            f"token={'set' if self.token else 'unset'}, api_url={self.api_url!r}, "
            f"accounts_url={self.accounts_url!r}, token_path={str(self.token_path)!r})"
        )


def check_redirect_uri(uri: str) -> str:
    """Accept only ``http://127.0.0.1:PORT/path`` (or ``[::1]``); explain anything else."""
    parts = urlsplit(uri)
    if parts.hostname == "localhost":
        raise CredentialsError(
            f"redirect URI {uri} uses `localhost`, which Spotify refuses",
            hint="use the loopback literal http://127.0.0.1:PORT/callback (and register exactly "
            "that in your Spotify app)",
        )
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1") or parts.port is None:
        raise CredentialsError(
            f"redirect URI {uri} is not a loopback address with a port",
            hint=f"use e.g. {DEFAULT_REDIRECT_URI} (and register exactly that in your Spotify app)",
        )
    return uri


def _env(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def _timeout(text: str | None) -> float:
    """``MOODSEQ_SPOTIFY_TIMEOUT`` in seconds (default 15); a clear error for anything else."""
    if text is None:
        return 15.0
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.1 <= value <= 3600:
        raise CredentialsError(
            f"MOODSEQ_SPOTIFY_TIMEOUT={text[:40]!r} is not a number of seconds from 0.1 to 3600",
            hint="e.g. `export MOODSEQ_SPOTIFY_TIMEOUT=15` (the default), or unset it",
        )
    return value


def settings_from_env(env: Mapping[str, str], config_dir: Path) -> SpotifySettings:
    """Resolve the settings; nothing is validated that a command may not need."""
    timeout = _timeout(_env(env, "MOODSEQ_SPOTIFY_TIMEOUT"))
    return SpotifySettings(
        client_id=_env(env, "SPOTIPY_CLIENT_ID", "MOODSEQ_SPOTIFY_CLIENT_ID"),
        client_secret=_env(env, "SPOTIPY_CLIENT_SECRET", "MOODSEQ_SPOTIFY_CLIENT_SECRET"),
        redirect_uri=_env(env, "MOODSEQ_SPOTIFY_REDIRECT_URI", "SPOTIPY_REDIRECT_URI") or DEFAULT_REDIRECT_URI,
        token=_env(env, "MOODSEQ_SPOTIFY_TOKEN"),
        api_url=(_env(env, "MOODSEQ_SPOTIFY_API_URL") or API_URL).rstrip("/"),
        accounts_url=(_env(env, "MOODSEQ_SPOTIFY_ACCOUNTS_URL") or ACCOUNTS_URL).rstrip("/"),
        token_path=config_dir / TOKEN_FILE,
        timeout_s=timeout,
    )
