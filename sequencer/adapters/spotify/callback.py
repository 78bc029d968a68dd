"""The one-shot loopback redirect of a Spotify login (``http://127.0.0.1:PORT/callback``).

:func:`bind` takes the port *before* the authorize link is shown; :func:`wait_for_code` serves
until a redirect carries our ``state`` — one with another state (a stale or forged page) is
refused in its own tab and the wait goes on, and each connection has its own thread and socket
timeout, so an idle one blocks neither the wait nor the timeout.  :func:`code_from_pasted` reads
the same answer from an address the user pastes (``spotify login --paste``).  Nothing is logged:
the request line carries the authorization code.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from sequencer.adapters.spotify.http import clean_text
from sequencer.adapters.spotify.settings import check_redirect_uri
from sequencer.errors import CredentialsError


class CallbackServer(ThreadingMixIn, HTTPServer):
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

    server: CallbackServer
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


def bind(redirect_uri: str) -> tuple[CallbackServer, str]:
    """Bind the redirect's address now; return the server and the exact redirect URI."""
    parts = urlsplit(check_redirect_uri(redirect_uri))
    host = parts.hostname or "127.0.0.1"
    try:
        server = CallbackServer(host, parts.port or 0, parts.path or "/")
    except OSError as error:
        raise CredentialsError(
            f"cannot listen on {host}:{parts.port} for Spotify's redirect: {error.strerror}",
            hint="close what uses that port, or set MOODSEQ_SPOTIFY_REDIRECT_URI to another "
            "port registered in your Spotify app",
        ) from None
    port = server.server_address[1]
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return server, urlunsplit(("http", netloc, parts.path or "/", "", ""))


def wait_for_code(server: CallbackServer, state: str, timeout_s: float) -> str:
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
