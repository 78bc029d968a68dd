"""Logging in to Spotify: Authorization Code with PKCE on a one-shot loopback redirect.

:func:`login` binds ``http://127.0.0.1:PORT/callback`` *before* showing the authorize URL,
hands the URL to ``open_url`` (a browser, or a print for ``--no-browser``), waits for exactly
one redirect carrying ``code`` and our ``state``, and trades the code (with the PKCE verifier,
or the client secret when the user set one) for tokens, which :class:`~.tokens.TokenCache`
stores 0600.  :func:`auth_manager` rebuilds the manager for later commands; it never prompts
(spotipy would otherwise start its own server or read stdin when the cache is empty).
No token, code or secret is ever printed or logged.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import requests
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from sequencer.adapters.spotify.errors import missing_client_id, not_logged_in
from sequencer.adapters.spotify.settings import OPTIONAL_SCOPES, SCOPES, SpotifySettings, check_redirect_uri
from sequencer.adapters.spotify.tokens import TokenCache
from sequencer.errors import CredentialsError

SCOPE = " ".join(SCOPES)
LOGIN_SCOPE = " ".join((*SCOPES, *OPTIONAL_SCOPES))


class _NoPrompt:
    """Mixin: an auth manager that raises instead of asking the user anything."""

    scope: str | None

    def _get_auth_response(self, open_browser: bool | None = None) -> str:
        """PKCE's prompt hook: never prompt, say how to log in."""
        raise not_logged_in()

    def get_auth_response(self, open_browser: bool | None = None) -> str:
        """The authorization-code manager's prompt hook: never prompt either."""
        raise not_logged_in()

    def _add_custom_values_to_token_info(self, token_info: dict[str, Any]) -> dict[str, Any]:
        """Record expiry, and the granted scope when the server left it out."""
        token_info["expires_at"] = int(time.time()) + int(token_info.get("expires_in", 3600))
        if not token_info.get("scope"):
            token_info["scope"] = self.scope
        return token_info


class QuietPKCE(_NoPrompt, SpotifyPKCE):  # type: ignore[misc]  # why: spotipy is untyped
    """spotipy's PKCE manager that never prompts."""


class QuietOAuth(_NoPrompt, SpotifyOAuth):  # type: ignore[misc]  # why: spotipy is untyped
    """spotipy's authorization-code manager (with a client secret) that never prompts."""


AuthManager = QuietPKCE | QuietOAuth


def _manager(
    settings: SpotifySettings,
    client_id: str,
    redirect_uri: str,
    cache: TokenCache,
    session: requests.Session,
    scope: str = SCOPE,
) -> AuthManager:
    """Build the manager for this app: with a secret the classic flow, else PKCE (``scope``: what
    to ask for; a saved login is checked against it)."""
    manager: AuthManager
    if settings.client_secret:
        manager = QuietOAuth(
            client_id=client_id,
            client_secret=settings.client_secret,
            redirect_uri=redirect_uri,
            scope=scope,
            cache_handler=cache,
            requests_session=session,
            requests_timeout=settings.timeout_s,
            open_browser=False,
        )
    else:
        manager = QuietPKCE(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=scope,
            cache_handler=cache,
            requests_session=session,
            requests_timeout=settings.timeout_s,
            open_browser=False,
        )
    manager.OAUTH_AUTHORIZE_URL = settings.authorize_url
    manager.OAUTH_TOKEN_URL = settings.token_url
    return manager


def auth_manager(settings: SpotifySettings, session: requests.Session) -> AuthManager:
    """The manager for a saved login (client id from the environment or the cache)."""
    cache = TokenCache(settings.token_path, settings.client_id)
    record = cache.read()
    if not record or "access_token" not in record:
        raise not_logged_in()
    client_id = settings.client_id or record.get("client_id")
    if not client_id:
        raise missing_client_id()
    return _manager(settings, client_id, settings.redirect_uri, cache, session)


def refresh(manager: AuthManager) -> None:
    """Force a refresh now (after a 401), storing the rotated refresh token."""
    info = manager.cache_handler.get_cached_token()
    if not info or not info.get("refresh_token"):
        raise not_logged_in("the saved Spotify login has no refresh token")
    try:
        manager.refresh_access_token(info["refresh_token"])
    except SpotifyOauthError as error:
        raise not_logged_in(f"Spotify refused to renew the login ({error.error or 'no reason'})") from None


# --- the one-shot loopback redirect --------------------------------------------------------


class _CallbackServer(HTTPServer):
    """Accepts one GET on the callback path and remembers its query."""

    def __init__(self, host: str, port: int, path: str) -> None:
        super().__init__((host, port), _CallbackHandler)
        self.callback_path = path
        self.query: dict[str, list[str]] | None = None


class _CallbackHandler(BaseHTTPRequestHandler):
    """Answers the browser; records the redirect's query; logs nothing."""

    server: _CallbackServer

    def do_GET(self) -> None:  # why: http.server's naming
        """Take the code (or the error) from the redirect."""
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path:
            self.send_error(404)
            return
        self.server.query = parse_qs(parts.query)
        ok = "code" in self.server.query
        body = (
            "<html><body><h1>moodseq is connected to Spotify.</h1>You can close this tab.</body></html>"
            if ok
            else "<html><body><h1>Spotify login did not complete.</h1>See the terminal.</body></html>"
        )
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # why: base signature
        """Silence: the request line carries the authorization code."""


def _bind(redirect_uri: str) -> tuple[_CallbackServer, str]:
    """Bind the redirect's address now; return the server and the exact redirect URI."""
    parts = urlsplit(check_redirect_uri(redirect_uri))
    host = parts.hostname or "127.0.0.1"
    try:
        server = _CallbackServer(host, parts.port or 0, parts.path or "/")
    except OSError as error:
        raise CredentialsError(
            f"cannot listen on {host}:{parts.port} for Spotify's redirect: {error.strerror}",
            hint="close what uses that port, or set MOODSEQ_SPOTIFY_REDIRECT_URI to another "
            "port registered in your Spotify app",
        ) from None
    port = server.server_address[1]
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return server, urlunsplit(("http", netloc, parts.path or "/", "", ""))


def _wait_for_code(server: _CallbackServer, state: str, timeout_s: float) -> str:
    """Serve until the redirect arrives (or time runs out); check state; return the code."""
    deadline = time.monotonic() + timeout_s
    server.timeout = 0.2
    try:
        while server.query is None:
            if time.monotonic() > deadline:
                raise CredentialsError(
                    f"no answer from the Spotify login page within {timeout_s:.0f} s",
                    hint="run `moodseq spotify login` again and approve access in the browser",
                )
            server.handle_request()
    finally:
        server.server_close()
    query = server.query
    if query.get("state", [""])[0] != state:
        raise CredentialsError(
            "the Spotify redirect carried the wrong state (a stale or forged login page)",
            hint="run `moodseq spotify login` again and use the newest link",
        )
    if "error" in query:
        raise CredentialsError(
            f"Spotify login was not approved ({query['error'][0]})",
            hint="run `moodseq spotify login` again and press Agree",
        )
    code = query.get("code", [""])[0]
    if not code:
        raise CredentialsError("the Spotify redirect carried no code", hint="log in again")
    return code


def login(
    settings: SpotifySettings,
    open_url: Callable[[str], None],
    *,
    session: requests.Session | None = None,
    timeout_s: float = 300.0,
) -> None:
    """Run the whole login; on success the token cache holds a fresh login.

    ``open_url`` receives the authorize URL (it holds no secret: PKCE sends only the
    challenge).  Raises :class:`~sequencer.errors.CredentialsError` with a fix on any failure.
    """
    if not settings.client_id:
        raise missing_client_id()
    server, redirect_uri = _bind(settings.redirect_uri)
    cache = TokenCache(settings.token_path, settings.client_id)
    manager = _manager(
        settings, settings.client_id, redirect_uri, cache, session or requests.Session(), scope=LOGIN_SCOPE
    )
    state = secrets.token_urlsafe(16)
    if isinstance(manager, QuietPKCE):
        manager.get_pkce_handshake_parameters()
    try:
        url = manager.get_authorize_url(state=state)
        open_url(url)  # must not wait for the redirect: we serve it below
        code = _wait_for_code(server, state, timeout_s)
    finally:
        server.server_close()
    try:
        if isinstance(manager, QuietPKCE):
            manager.get_access_token(code=code, check_cache=False)
        else:
            manager.get_access_token(code=code, as_dict=False, check_cache=False)
    except SpotifyOauthError as error:
        raise CredentialsError(
            f"Spotify refused the login ({error.error or 'no reason given'}"
            f"{': ' + error.error_description if error.error_description else ''})",
            hint="check that the redirect URI registered in your Spotify app is exactly "
            f"{redirect_uri}, then log in again",
        ) from None
    except requests.RequestException as error:
        raise CredentialsError(
            f"could not reach Spotify's accounts service ({type(error).__name__})",
            hint="check your network connection and log in again",
        ) from None


def logout(settings: SpotifySettings) -> bool:
    """Forget the saved login; True if there was one."""
    return TokenCache(settings.token_path).clear()
