"""Bad servers give one-line errors and write nothing: a wrong URL, a server that answers
garbage (HTML, non-Subsonic JSON, a redirect) or does not answer in time; missing settings."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sequencer.adapters.sinks import http as sink_http
from sequencer.adapters.sinks.base import ServiceSink
from sequencer.adapters.sinks.settings import SubsonicSettings, listenbrainz_settings, subsonic_settings
from sequencer.adapters.sinks.subsonic import SubsonicService
from sequencer.adapters.sinks.subsonic_client import SubsonicClient
from sequencer.adapters.spotify.links import JsonLinks
from sequencer.core.track import Track
from sequencer.errors import CredentialsError, InputFileError, RemoteServiceError

TRACKS = [Track(id="a", title="Nightcall", artists=("Kavinsky",), duration_s=258.0)]


def _serve(status: int, body: bytes, headers: dict[str, str] | None = None, delay: float = 0.0) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            time.sleep(delay)
            self.send_response(status)
            for key, value in (headers or {"Content-Type": "text/html"}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _push(url: str, tmp_path: Path) -> None:
    settings = SubsonicSettings(url=url, user="me", password="secret-pw")
    ServiceSink(SubsonicService(SubsonicClient(settings)), JsonLinks(tmp_path / "links.json")).push(
        TRACKS, profile_name=None, name="X"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_wrong_url_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(RemoteServiceError, match=r"cannot reach the Subsonic server at http://127\.0\.0\.1:\d+") as e:
        _push(f"http://127.0.0.1:{_free_port()}", tmp_path)
    assert "check the server URL" in (e.value.hint or "")
    assert not (tmp_path / "links.json").exists()


@pytest.mark.parametrize(
    ("status", "body", "headers", "message"),
    [
        (200, b"<html>login</html>", None, "not JSON"),
        (200, b'{"hello": 1}', {"Content-Type": "application/json"}, "without a Subsonic response"),
        (302, b"", {"Location": "https://elsewhere.example/rest/ping"}, "redirect to https://elsewhere"),
        (401, b"", None, "refused the login"),
    ],
)
def test_garbage_answers_are_one_line(
    tmp_path: Path, status: int, body: bytes, headers: dict[str, str] | None, message: str
) -> None:
    for url in _serve(status, body, headers):
        with pytest.raises((RemoteServiceError, CredentialsError), match=message) as e:
            _push(url, tmp_path)
        assert "secret-pw" not in str(e.value)
    assert not (tmp_path / "links.json").exists()


def test_a_server_that_does_not_answer_in_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sink_http, "READ_TIMEOUT", 0.3)
    for url in _serve(200, b"{}", delay=1.5):
        with pytest.raises(RemoteServiceError, match=r"did not answer GET /rest/ping within 0\.3 s"):
            _push(url, tmp_path)


def test_settings_come_from_the_file_or_the_environment_and_secrets_stay_hidden(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="no Subsonic server configured"):
        subsonic_settings({}, tmp_path)
    (tmp_path / "sinks.toml").write_text('[subsonic]\nurl = "http://h:4533/"\nuser = "me"\npassword = "pw1"\n')
    settings = subsonic_settings({"MOODSEQ_SUBSONIC_PASSWORD": "pw2"}, tmp_path)
    assert (settings.url, settings.user, settings.password) == ("http://h:4533", "me", "pw2")
    assert "pw2" not in repr(settings)
    with pytest.raises(CredentialsError, match="does not start with http"):
        subsonic_settings({"MOODSEQ_SUBSONIC_URL": "h:4533"}, tmp_path)
    with pytest.raises(CredentialsError, match="no ListenBrainz token"):
        listenbrainz_settings({}, tmp_path)
    token = listenbrainz_settings({"LISTENBRAINZ_TOKEN": "tok-123"}, tmp_path)
    assert token.token == "tok-123" and "tok-123" not in repr(token)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('[subsonic]\nurl = "http://h"\nuser = "me"\npassword = hunter2\n', ":4: not valid TOML", 'password = "…"'),
        ('[subsonik]\nurl = "http://h"\n', ":1: unknown table [subsonik]", "did you mean [subsonic]?"),
        ('url = "http://h"\n[subsonic]\nuser = "me"\n', ":1: url is set outside a table", "[subsonic] or"),
    ],
)
def test_a_broken_sinks_file_names_its_line_and_the_fix_never_a_secret(
    tmp_path: Path, text: str, message: str, hint: str
) -> None:
    """sinks.toml said "cannot be read: Invalid value (at line 4, column 12)" and "fix or remove
    the file", and a misspelt [subsonik] read as "no Subsonic server configured": each names its
    line and the fix, and a password written without quotes is never repeated."""
    (tmp_path / "sinks.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        subsonic_settings({}, tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'sinks.toml'}{message}")
    assert raised.value.hint is not None and hint in raised.value.hint
    assert "hunter2" not in str(raised.value) + raised.value.hint


def test_a_url_without_its_scheme_gets_it_in_the_hint(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError) as raised:
        subsonic_settings({"MOODSEQ_SUBSONIC_URL": "navidrome.local:4533"}, tmp_path)
    assert raised.value.hint is not None and "http://navidrome.local:4533" in raised.value.hint


def test_every_sink_name_is_offered_by_the_cli() -> None:
    from sequencer.adapters.sinks import SINKS
    from sequencer.cli.sink_names import SINK_NAMES

    assert set(SINK_NAMES) == set(SINKS)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [(200, b"<html>maintenance</html>", "not JSON"), (500, b'{"error": "boom"}', "HTTP 500: boom")],
)
def test_listenbrainz_garbage_is_one_line(tmp_path: Path, status: int, body: bytes, message: str) -> None:
    from sequencer.adapters.sinks.listenbrainz import ListenBrainzService
    from sequencer.adapters.sinks.settings import ListenBrainzSettings

    track = Track(id="a", title="Nightcall", artists=("Kavinsky",), duration_s=258.0, mbid=str(uuid.UUID(int=1)))
    for url in _serve(status, body, {"Content-Type": "application/json"}):
        sink = ServiceSink(ListenBrainzService(ListenBrainzSettings(url, "tok")), JsonLinks(tmp_path / "l.json"))
        with pytest.raises(RemoteServiceError, match=message):
            sink.push([track], profile_name=None, name="X")
    assert not (tmp_path / "l.json").exists()


class _Recorder(requests.Session):
    """Answers every call with an OK Subsonic response and keeps what was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.sent.append({"method": method, **(kwargs.get("params") or {}), **(kwargs.get("data") or {})})
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"subsonic-response": {"status": "ok", "version": "1.16.1"}}'
        return response


def test_subsonic_token_and_api_key_auth() -> None:
    recorder = _Recorder()
    SubsonicClient(SubsonicSettings(url="http://x", user="me", password="pw"), session=recorder).ping()
    (sent,) = recorder.sent
    assert sent["method"] == "GET" and "p" not in sent
    assert sent["t"] == hashlib.md5(("pw" + sent["s"]).encode()).hexdigest()
    recorder = _Recorder()
    SubsonicClient(SubsonicSettings(url="http://x", user=None, api_key="k-1"), session=recorder).ping()
    (sent,) = recorder.sent
    assert sent["apiKey"] == "k-1" and not {"u", "p", "t", "s"} & set(sent)
