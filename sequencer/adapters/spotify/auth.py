"""Logging in to Spotify: Authorization Code with PKCE on a one-shot loopback redirect.

:func:`login` binds ``http://127.0.0.1:PORT/callback`` *before* showing the authorize URL,
hands the URL to ``open_url`` (a browser, or a print for ``--no-browser``), waits for the
redirect carrying ``code`` and *our* ``state`` (a redirect with another state — a stale or
forged page — is refused in that tab and the wait goes on, until the timeout; an idle
connection blocks nothing), and trades the code (with the PKCE verifier, or the client secret
when the user set one) for tokens, which :class:`~.tokens.TokenCache` stores 0600.  On a
machine without a browser, ``paste`` reads the address the browser ended at instead (the
redirect to 127.0.0.1 fails there, but its URL carries the code).

The token endpoint's answer is checked before anything is saved (no ``access_token``, wrong
types, a redirect: an error, and no file).  :func:`auth_manager` rebuilds the manager for later
commands; it never prompts.  No token, code, verifier or secret is ever printed or logged.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import requests
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from sequencer.adapters.spotify.errors import missing_client_id, not_logged_in
from sequencer.adapters.spotify.http import GuardedSession, RedirectRefused, clean_text
from sequencer.adapters.spotify.settings import SCOPES, SpotifySettings, check_redirect_uri
from sequencer.adapters.spotify.tokens import LOGIN_LIFETIME_S, TokenCache
from sequencer.errors import CredentialsError

SCOPE = " ".join(SCOPES)


class _NoPrompt:
    """Mixin: an auth manager that raises instead of asking the user anything."""

    scope: str | None

    def _get_auth_response(self, open_browser: bool | None = None) -> str:
        """PKCE's prompt hook: never prompt, say how to log in."""
        raise not_logged_in()

    def get_auth_response(self, open_browser: bool | None = None) -> str:
        """The authorization-code manager's prompt hook: never prompt either."""
        raise not_logged_in()

    def _add_custom_values_to_token_info(self, token_info: Any) -> dict[str, Any]:
        """Check the token endpoint's answer (before spotipy saves it); record expiry, and the
        granted scope when the server left it out."""
        problem = _token_problem(token_info)
        if problem:
            raise CredentialsError(
                f"Spotify's accounts service sent a login answer moodseq cannot use ({problem}); nothing was saved",
                hint="log in again with `moodseq spotify login`; if it keeps happening, check "
                "MOODSEQ_SPOTIFY_ACCOUNTS_URL and any proxy",
            )
        token_info["expires_at"] = int(time.time()) + int(token_info.get("expires_in") or 3600)
        if not token_info.get("scope"):
            token_info["scope"] = self.scope
        return dict(token_info)

    def _handle_oauth_error(self, http_error: requests.HTTPError) -> None:
        """spotipy's error parsing, for answers of any shape, with the text made printable."""
        response = http_error.response
        error: Any = None
        description: Any = None
        try:
            payload = response.json() if response is not None else None
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            error, description = payload.get("error"), payload.get("error_description")
        elif response is not None:
            error = response.text or None
        verifier = [str(getattr(self, "code_verifier", None) or "")]
        error = clean_text(error, verifier, limit=80) if error else None
        description = clean_text(description, verifier) if description else None
        raise SpotifyOauthError(
            f"error: {error}, error_description: {description}", error=error, error_description=description
        )


def _token_problem(info: Any) -> str | None:
    """Why a token answer is unusable, or None."""
    if not isinstance(info, dict):
        return f"not an object but {type(info).__name__}"
    if not isinstance(info.get("access_token"), str) or not info["access_token"].strip():
        return "no access_token"
    for key in ("refresh_token", "scope", "token_type"):
        if info.get(key) is not None and not isinstance(info[key], str):
            return f"{key} is not text"
    expires = info.get("expires_in")
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, (int, float)) or expires <= 0):
        return "expires_in is not a positive number"
    return None


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
) -> AuthManager:
    """Build the manager for this app: with a secret the classic flow, else PKCE."""
    manager: AuthManager
    if settings.client_secret:
        manager = QuietOAuth(
            client_id=client_id,
            client_secret=settings.client_secret,
            redirect_uri=redirect_uri,
            scope=SCOPE,
            cache_handler=cache,
            requests_session=session,
            requests_timeout=settings.timeout_s,
            open_browser=False,
        )
    else:
        manager = QuietPKCE(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=SCOPE,
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
        raise refused(error, manager.cache_handler, "Spotify refused to renew the login") from None
    except RedirectRefused as error:
        raise CredentialsError(
            f"Spotify's accounts service answered the login renewal with {error} (not followed)",
            hint="check MOODSEQ_SPOTIFY_ACCOUNTS_URL and any proxy between you and Spotify",
        ) from None


def refused(error: SpotifyOauthError, cache: Any, what: str) -> CredentialsError:
    """The error for a refused saved login; ``invalid_grant`` is said in words: Spotify ends a
    login six months after the sign-in, and renewing does not extend it."""
    reason = error.error or "no reason"
    if reason != "invalid_grant":
        return not_logged_in(f"{what} ({reason})")
    ends = cache.expires_at() if isinstance(cache, TokenCache) else None
    when = f" (this one began on {time.strftime('%Y-%m-%d', time.localtime(ends - LOGIN_LIFETIME_S))})" if ends else ""
    return not_logged_in(
        f"{what}: the login has ended (invalid_grant). Spotify ends every login six months after "
        f"the sign-in in the browser{when}, however often it was renewed; it also ends when access "
        "is removed at spotify.com/account/apps"
    )


# --- the one-shot loopback redirect --------------------------------------------------------


class _CallbackServer(ThreadingMixIn, HTTPServer):
    """Accepts GETs on the callback path until one carries our state; remembers its query.

    Each connection is served in its own daemon thread with a socket timeout, so a browser (or
    anyone) holding a connection open idle blocks neither the wait nor ``--timeout``."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, port: int, path: str) -> None:
        super().__init__((host, port), _CallbackHandler)
        self.callback_path = path
        self.state: str | None = None
        self.query: dict[str, list[str]] | None = None
        self.refused = 0
        """Redirects with a wrong state (stale or forged pages), refused in their tab."""
        self.done = threading.Event()


_PAGE = "<html><body><h1>{title}</h1>{text}</body></html>"


class _CallbackHandler(BaseHTTPRequestHandler):
    """Answers the browser; records the redirect's query when its state is ours; logs nothing."""

    server: _CallbackServer
    timeout = 5.0

    def do_GET(self) -> None:  # why: http.server's naming
        """Take the code (or the error) from the redirect that carries our state."""
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path:
            self.send_error(404)
            return
        query = parse_qs(parts.query)
        if self.server.done.is_set() or query.get("state", [""])[0] != self.server.state:
            self.server.refused += 1
            self._page(
                400,
                "This is not the Spotify login moodseq is waiting for.",
                "The link is stale or was not made by this moodseq. Use the newest link the terminal shows.",
            )
            return
        self.server.query = query
        self.server.done.set()
        if "code" in query:
            self._page(200, "moodseq got Spotify's approval.", "You can close this tab; the terminal says the rest.")
        else:
            self._page(200, "Spotify login did not complete.", "See the terminal.")

    def _page(self, status: int, title: str, text: str) -> None:
        data = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
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
    """Serve until the redirect with our state arrives (or time runs out); return the code."""
    deadline = time.monotonic() + timeout_s
    server.state = state
    server.timeout = 0.2
    try:
        while not server.done.is_set():
            if time.monotonic() > deadline:
                refused = (
                    f" ({server.refused} redirect{'s' if server.refused != 1 else ''} with the wrong state "
                    "— a stale or forged login page — refused)"
                    if server.refused
                    else ""
                )
                raise CredentialsError(
                    f"no answer from the Spotify login page within {timeout_s:.0f} s{refused}",
                    hint="run `moodseq spotify login` again and approve access in the browser "
                    "(on a machine without a browser: `moodseq spotify login --paste`)",
                )
            server.handle_request()
    finally:
        server.server_close()
    assert server.query is not None
    return code_from_query(server.query, state)


def code_from_query(query: dict[str, list[str]], state: str) -> str:
    """The authorization code in a redirect's query, after checking our state; else why not."""
    if query.get("state", [""])[0] != state:
        raise CredentialsError(
            "the Spotify redirect carried the wrong state (a stale or forged login page)",
            hint="run `moodseq spotify login` again and use the newest link",
        )
    if "error" in query:
        raise CredentialsError(
            f"Spotify login was not approved ({clean_text(query['error'][0], limit=80)})",
            hint="run `moodseq spotify login` again and press Agree",
        )
    code = query.get("code", [""])[0]
    if not code:
        raise CredentialsError("the Spotify redirect carried no code", hint="log in again")
    return code


def code_from_pasted(text: str, state: str) -> str:
    """The code in the address a browser ended at (pasted by the user)."""
    parts = urlsplit(text.strip())
    if not parts.query:
        raise CredentialsError(
            "that is not the address the browser ended at (it has no ?code=…&state=…)",
            hint="copy the whole address from the browser's address bar after approving, "
            "even if the page itself failed to load",
        )
    return code_from_query(parse_qs(parts.query), state)


def login(
    settings: SpotifySettings,
    open_url: Callable[[str], None],
    *,
    session: requests.Session | None = None,
    timeout_s: float = 300.0,
    paste: Callable[[], str] | None = None,
) -> None:
    """Run the whole login; on success the token cache holds a fresh login.

    ``open_url`` receives the authorize URL (it holds no secret: PKCE sends only the
    challenge).  With ``paste``, no redirect is served: ``paste()`` returns the address the
    browser ended at.  Raises :class:`~sequencer.errors.CredentialsError` with a fix on any
    failure; nothing is saved then.
    """
    if not settings.client_id:
        raise missing_client_id()
    server: _CallbackServer | None = None
    if paste is None:
        server, redirect_uri = _bind(settings.redirect_uri)
    else:
        redirect_uri = check_redirect_uri(settings.redirect_uri)
    cache = TokenCache(settings.token_path, settings.client_id, first_login_at=time.time())
    manager = _manager(
        settings, settings.client_id, redirect_uri, cache, session or GuardedSession(default_timeout=settings.timeout_s)
    )
    state = secrets.token_urlsafe(16)
    if isinstance(manager, QuietPKCE):
        manager.get_pkce_handshake_parameters()
    try:
        url = manager.get_authorize_url(state=state)
        open_url(url)  # must not wait for the redirect: we serve it below
        if server is not None:
            code = _wait_for_code(server, state, timeout_s)
        else:
            assert paste is not None
            code = code_from_pasted(paste(), state)
    finally:
        if server is not None:
            server.server_close()
    _trade(manager, code, redirect_uri)


def _trade(manager: AuthManager, code: str, redirect_uri: str) -> None:
    """Trade the code for tokens (saved only when the answer is a usable login)."""
    try:
        if isinstance(manager, QuietPKCE):
            manager.get_access_token(code=code, check_cache=False)
        else:
            manager.get_access_token(code=code, as_dict=False, check_cache=False)
    except SpotifyOauthError as error:
        secret = [code, str(getattr(manager, "code_verifier", None) or "")]
        detail = clean_text(error.error or "no reason given", secret, limit=80)
        if error.error_description:
            detail += ": " + clean_text(error.error_description, secret)
        raise CredentialsError(
            f"Spotify refused the login ({detail})",
            hint="check that the redirect URI registered in your Spotify app is exactly "
            f"{redirect_uri}, then log in again",
        ) from None
    except RedirectRefused as error:
        raise CredentialsError(
            f"Spotify's accounts service answered with {error}: not followed, so the login code "
            "and verifier were sent nowhere else; nothing was saved",
            hint="check MOODSEQ_SPOTIFY_ACCOUNTS_URL and any proxy between you and Spotify",
        ) from None
    except requests.exceptions.JSONDecodeError:
        raise CredentialsError(
            "Spotify's accounts service sent a login answer that is not JSON; nothing was saved",
            hint="log in again; if it keeps happening, check MOODSEQ_SPOTIFY_ACCOUNTS_URL and any proxy",
        ) from None
    except requests.Timeout:
        raise CredentialsError(
            "Spotify's accounts service did not answer in time; nothing was saved",
            hint="check your network connection and log in again (MOODSEQ_SPOTIFY_TIMEOUT sets the wait)",
        ) from None
    except requests.RequestException as error:
        raise CredentialsError(
            f"could not reach Spotify's accounts service ({type(error).__name__})",
            hint="check your network connection and log in again",
        ) from None


def logout(settings: SpotifySettings) -> bool:
    """Forget the saved login; True if there was one."""
    return TokenCache(settings.token_path).clear()
