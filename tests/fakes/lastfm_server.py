"""A loopback fake of the Last.fm web service subset moodseq uses (track/artist.getTopTags).

It answers pylast's form-encoded POSTs to ``/2.0/`` with Last.fm's XML, checks the API key
(error 10 otherwise), answers unknown tracks and artists with error 6 as Last.fm does, and can
be told to misbehave for the next requests: a Last.fm error code (29 = rate limit), an HTTP
status, a slow answer (for timeouts), garbage, or a dropped connection.

Usage::

    with FakeLastfm(api_key="k") as fake:
        fake.tracks[("Vangelis", "Blush Response")] = [("dark ambient", 100), ("synth", 40)]
        fake.faults.append(Fault(code=29))
        ... point MOODSEQ_LASTFM_API_URL at fake.url ...
        fake.requests  # [(method, params, monotonic time), ...]
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Fault:
    """One way to answer the next request badly (the first field set wins)."""

    code: int | None = None
    """A Last.fm error code in an ``<lfm status="failed">`` answer."""
    http: int | None = None
    """An HTTP status with an empty body."""
    delay: float | None = None
    """Seconds to wait before answering normally (longer than the client's timeout = timeout)."""
    garbage: bool = False
    """A body that is not XML."""
    drop: bool = False
    """Close the connection without answering."""


@dataclass
class FakeLastfm:
    """The fake server; a context manager that serves on 127.0.0.1 in a thread."""

    api_key: str = "test-key"
    tracks: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    artists: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    top_tracks: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    """user → [(artist, title, plays)], most played first (user.getTopTracks)."""
    loved: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """user → [(artist, title)], newest first (user.getLovedTracks)."""
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Base URL to give the client (``http://127.0.0.1:PORT/2.0/``)."""
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/2.0/"

    def __enter__(self) -> FakeLastfm:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """Answers POST /2.0/ like Last.fm."""

            def log_message(self, format: str, *args: Any) -> None:  # `format`: the stdlib's name
                """Silence the default logging."""

            def do_POST(self) -> None:
                """Record the call and answer it (or apply the next fault)."""
                length = int(self.headers.get("Content-Length", "0"))
                raw = parse_qs(self.rfile.read(length).decode("utf-8"))
                params = {k: v[0] for k, v in raw.items()}
                with fake._lock:
                    fake.requests.append((params.get("method", ""), params, time.monotonic()))
                    fault = fake.faults.pop(0) if fake.faults else None
                if self.path.split("?")[0] != "/2.0/":
                    self._send(404, b"")
                    return
                if fault is not None and fault.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None and fault.delay is not None:
                    time.sleep(fault.delay)
                    fault = None
                if fault is not None and fault.http is not None:
                    self._send(fault.http, b"")
                elif fault is not None and fault.garbage:
                    self._send(200, b"<html>this is not the API</html")
                elif fault is not None and fault.code is not None:
                    self._error(fault.code, "Rate Limit Exceeded" if fault.code == 29 else "Failure")
                else:
                    self._answer(params)

            def _answer(self, params: dict[str, str]) -> None:
                if params.get("api_key") != fake.api_key:
                    self._error(10, "Invalid API key - You must be granted a valid key by last.fm")
                    return
                method = params.get("method", "")
                if method in ("user.getTopTracks", "user.getLovedTracks"):
                    self._user_tracks(method, params)
                    return
                if method == "track.getTopTags":
                    found = fake.tracks.get((params.get("artist", ""), params.get("track", "")))
                    missing = "Track not found"
                elif method == "artist.getTopTags":
                    found = fake.artists.get(params.get("artist", ""))
                    missing = "The artist you supplied could not be found"
                else:
                    self._error(3, "Invalid Method - No method with that name in this package")
                    return
                if found is None:
                    self._error(6, missing)
                    return
                tags = "".join(
                    f"<tag><name>{escape(name)}</name><count>{count}</count>"
                    f"<url>https://www.last.fm/tag/{escape(name)}</url></tag>"
                    for name, count in found
                )
                self._send(
                    200,
                    f'<?xml version="1.0" encoding="utf-8"?>\n<lfm status="ok">'
                    f"<toptags>{tags}</toptags></lfm>".encode(),
                )

            def _user_tracks(self, method: str, params: dict[str, str]) -> None:
                """One page of a user's top or loved tracks, paged as Last.fm pages them."""
                user = params.get("user", "")
                known = fake.top_tracks if method == "user.getTopTracks" else fake.loved
                if user not in fake.top_tracks and user not in fake.loved:
                    self._error(6, "User not found")
                    return
                rows: list[tuple[str, ...]] = [tuple(map(str, r)) for r in known.get(user, [])]
                per_page = int(params.get("limit") or 50)
                page = int(params.get("page") or 1)
                pages = max(1, -(-len(rows) // per_page))
                chunk = rows[(page - 1) * per_page : page * per_page]
                items = []
                for rank, row in enumerate(chunk, (page - 1) * per_page + 1):
                    artist, title = escape(row[0]), escape(row[1])
                    extra = (
                        f"<playcount>{row[2]}</playcount>"
                        if method == "user.getTopTracks"
                        else f'<date uts="{1_700_000_000 + rank}">14 Nov 2023, 22:13</date>'
                    )
                    artist_node = f"<artist><name>{artist}</name></artist>"
                    items.append(f'<track rank="{rank}"><name>{title}</name>{extra}{artist_node}</track>')
                tag = "toptracks" if method == "user.getTopTracks" else "lovedtracks"
                self._send(
                    200,
                    f'<?xml version="1.0" encoding="utf-8"?>\n<lfm status="ok"><{tag} user="{escape(user)}" '
                    f'page="{page}" perPage="{per_page}" totalPages="{pages}" total="{len(rows)}">'
                    f"{''.join(items)}</{tag}></lfm>".encode(),
                )

            def _error(self, code: int, message: str) -> None:
                body = (
                    f'<?xml version="1.0" encoding="utf-8"?>\n<lfm status="failed">'
                    f'<error code="{code}">{escape(message)}</error></lfm>'
                )
                self._send(200 if code != 29 else 429, body.encode())

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def methods(self) -> list[str]:
        """The API methods called so far, in order."""
        return [method for method, _, _ in self.requests]
