"""The HTTP session every Spotify request goes through: bounded, never redirected, capped.

``requests`` on its own waits ``timeout`` seconds *per read* (a server trickling one byte a
second keeps a call alive for ever), follows redirects to any origin (a ``307`` would resend a
playlist create, track URIs, or at login the authorization code and PKCE verifier to another
host) and reads answers of any size.  :class:`GuardedSession` changes all three, for spotipy's
token calls and for moodseq's API calls alike:

- a **whole-request deadline** (the ``timeout`` the call passes, summed when it is a pair): a
  watchdog shuts the connection's socket down when time is up, and the call raises
  :class:`DeadlineExceeded` (a ``requests`` timeout, so the retry policy treats it as one);
- **no redirects at all**: a 3xx raises :class:`RedirectRefused` naming only the origin;
- answers larger than :data:`MAX_ANSWER_BYTES` (after decompression) raise
  :class:`AnswerTooLarge`.

:func:`clean_text` makes server-provided text safe to print: control characters and
terminal escape sequences out, secrets redacted, length capped.
"""

from __future__ import annotations

import contextlib
import functools
import re
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""Largest answer read (decoded); Spotify's biggest pages are a few hundred KB."""
MAX_TEXT = 300
"""Longest server-provided text shown in a message."""

_local = threading.local()


class DeadlineExceeded(requests.exceptions.ReadTimeout):
    """The whole request took longer than its deadline (e.g. an answer trickling in)."""


class RedirectRefused(requests.RequestException):
    """The server answered with a redirect; moodseq never follows one."""

    def __init__(self, status: int, location: str) -> None:
        parts = urlsplit(location)
        self.status = status
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the same server"
        super().__init__(f"a redirect ({status}) to {self.origin}")


class AnswerTooLarge(requests.RequestException):
    """The answer was larger than :data:`MAX_ANSWER_BYTES`."""


class _Watch:
    """The connections one request used, and whether its deadline fired."""

    def __init__(self) -> None:
        self.connections: list[HTTPConnection] = []
        self.expired = False
        self.lock = threading.Lock()

    def expire(self) -> None:
        """Time is up: shut every socket of this request down (wakes a blocked read)."""
        with self.lock:
            self.expired = True
            for connection in self.connections:
                sock = getattr(connection, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedMixin:
    """A urllib3 connection that registers itself with the current request's watch."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """Register, then send as usual."""
        watch: _Watch | None = getattr(_local, "watch", None)
        if watch is not None:
            with watch.lock:
                watch.connections.append(self)  # type: ignore[arg-type]
                expired = watch.expired
            if expired:
                raise DeadlineExceeded("deadline passed before sending")
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _Connection(_WatchedMixin, HTTPConnection):
    """Plain HTTP, watched."""


class _TLSConnection(_WatchedMixin, HTTPSConnection):
    """HTTPS, watched."""


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class _Adapter(HTTPAdapter):
    """No retries of its own; connections the deadline watchdog can reach."""

    def __init__(self) -> None:
        super().__init__(max_retries=Retry(total=0, connect=0, read=False, redirect=0, status=0))

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The usual pool manager, with watched connection pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """The usual proxy manager (HTTP(S)_PROXY), with watched connection pools too."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
        return manager


def _deadline(timeout: Any) -> float | None:
    """The whole-request deadline for requests' ``timeout`` argument."""
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        return float(sum(t for t in timeout if t is not None)) or None
    return float(timeout)


class GuardedSession(requests.Session):
    """A ``requests.Session`` with a whole-request deadline, no redirects and a size cap."""

    def __init__(self, *, default_timeout: float = 15.0, max_bytes: int = MAX_ANSWER_BYTES) -> None:
        super().__init__()
        self.default_timeout = default_timeout
        self.max_bytes = max_bytes
        adapter = _Adapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """One request, whole within its deadline; never redirected; answer size capped."""
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        kwargs.setdefault("timeout", self.default_timeout)
        limit = _deadline(kwargs["timeout"])
        watch = _Watch()
        timer = threading.Timer(limit, watch.expire) if limit else None
        previous = getattr(_local, "watch", None)
        _local.watch = watch
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            response = super().request(method, url, *args, **kwargs)
            try:
                if 300 <= response.status_code < 400:
                    raise RedirectRefused(response.status_code, response.headers.get("Location", ""))
                response._content = self._read(response)
                response.json = functools.partial(_json, response.json)  # type: ignore[method-assign]
            except BaseException:
                response.close()
                raise
        except requests.RequestException as error:
            if watch.expired and not isinstance(error, (RedirectRefused, AnswerTooLarge)):
                raise DeadlineExceeded(f"no complete answer within {limit:g} s") from None
            raise
        except OSError:
            if watch.expired:
                raise DeadlineExceeded(f"no complete answer within {limit:g} s") from None
            raise
        finally:
            if timer is not None:
                timer.cancel()
            _local.watch = previous
        if watch.expired:
            raise DeadlineExceeded(f"no complete answer within {limit:g} s")
        return response

    def _read(self, response: requests.Response) -> bytes:
        """The whole (decoded) body, refusing more than ``max_bytes``."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > self.max_bytes:
                raise AnswerTooLarge(f"an answer larger than {self.max_bytes // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)


def _json(parse: Callable[..., Any], **kwargs: Any) -> Any:
    """``Response.json`` where every unreadable body (nested too deep, integers too long, not
    JSON) raises requests' JSONDecodeError — a RequestException, never a RecursionError."""
    try:
        return parse(**kwargs)
    except (ValueError, RecursionError) as error:
        raise requests.exceptions.JSONDecodeError(f"unreadable JSON ({type(error).__name__})", "", 0) from None


# --- server text, made printable -----------------------------------------------------------

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")
_SECRET = re.compile(
    r"(Bearer\s+|Basic\s+)[A-Za-z0-9._~+/=-]+"
    r"|(['\"]?\b(?:access_token|refresh_token|code|code_verifier|client_secret)['\"]?\s*[:=]\s*['\"]?)"
    r"[A-Za-z0-9._~+/=-]+"
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every token, code and secret blanked (the known ``secrets`` too)."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return _SECRET.sub(lambda m: (m.group(1) or m.group(2)) + "***", text)


def clean_text(text: object, secrets: Iterable[str] = (), limit: int = MAX_TEXT) -> str:
    """Server-provided ``text`` safe to print on one line: no escape sequences or control
    characters, secrets redacted, at most ``limit`` characters."""
    value = text if isinstance(text, str) else repr(text)
    value = value[: limit * 20]
    value = _CONTROL.sub(" ", _ESCAPES.sub("", value))
    value = " ".join(redact(value, secrets).split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
