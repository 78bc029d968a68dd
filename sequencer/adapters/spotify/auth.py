"""Logging in to Spotify: Authorization Code with PKCE on a one-shot loopback redirect.

:func:`login` binds ``http://127.0.0.1:PORT/callback`` (:mod:`.callback`) *before* showing the authorize URL,
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
import time
from collections.abc import Callable
from typing import Any

import requests
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from sequencer.adapters.spotify.callback import CallbackServer, bind, code_from_pasted, wait_for_code
from sequencer.adapters.spotify.errors import missing_client_id, not_logged_in
from sequencer.adapters.spotify.http import GuardedSession, RedirectRefused, clean_text
from sequencer.adapters.spotify.settings import OPTIONAL_SCOPES, SCOPES, SpotifySettings, check_redirect_uri
from sequencer.adapters.spotify.tokens import LOGIN_LIFETIME_S, TokenCache
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
    server: CallbackServer | None = None
    if paste is None:
        server, redirect_uri = bind(settings.redirect_uri)
    else:
        redirect_uri = check_redirect_uri(settings.redirect_uri)
    cache = TokenCache(settings.token_path, settings.client_id, first_login_at=time.time())
    manager = _manager(
        settings,
        settings.client_id,
        redirect_uri,
        cache,
        session or GuardedSession(default_timeout=settings.timeout_s),
        scope=LOGIN_SCOPE,
    )
    state = secrets.token_urlsafe(16)
    if isinstance(manager, QuietPKCE):
        manager.get_pkce_handshake_parameters()
    try:
        url = manager.get_authorize_url(state=state)
        open_url(url)  # must not wait for the redirect: we serve it below
        if server is not None:
            code = wait_for_code(server, state, timeout_s)
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
