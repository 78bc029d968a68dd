"""Last.fm enrichment against a loopback fake: tags, fallback, rate limit, caching, faults."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sequencer.adapters.lastfm import LastfmClient, enrich_lastfm, make_client
from sequencer.adapters.library.store import Store
from sequencer.core.track import Track
from sequencer.errors import CredentialsError, RemoteServiceError
from tests.fakes.lastfm_server import FakeLastfm, Fault

TRACKS = [
    Track("t1", "Blush Response", ("Vangelis",), 342.0),
    Track("t2", "Nightcall", ("Kavinsky",), 258.0),
    Track("t3", "Unknown B-Side", ("Kavinsky",), 200.0),
    Track("t4", "Nobody Knows", ("Nobody",), 100.0),
]


class FakeClock:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance time instead of waiting."""
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeLastfm]:
    """A running fake with tags for two tracks and one artist."""
    with FakeLastfm(api_key="k") as server:
        server.tracks[("Vangelis", "Blush Response")] = [("Dark Ambient", 100), ("soundtrack", 60), ("vangelis", 3)]
        server.tracks[("Kavinsky", "Nightcall")] = [("synthwave", 100), ("outrun", 55)]
        server.tracks[("Kavinsky", "Unknown B-Side")] = []
        server.artists["Kavinsky"] = [("electro", 100), ("synthwave", 80)]
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A library holding TRACKS."""
    with Store.open(tmp_path / "lib.db") as opened:
        opened.upsert_tracks(TRACKS)
        yield opened


def _client(fake: FakeLastfm, clock: FakeClock, key: str = "k", timeout: float = 2.0) -> LastfmClient:
    return LastfmClient(key, api_url=fake.url, timeout=timeout, clock=clock, sleep=clock.sleep)


def _noon() -> datetime:
    return datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_tags_are_fetched_with_artist_fallback_and_stored_with_the_date(fake: FakeLastfm, store: Store) -> None:
    """Track tags are stored as count/100 (noise under 5 dropped, names lower-cased); a track
    without tags gets its artist's; an unknown track and artist is recorded as fetched."""
    clock = FakeClock()
    report = enrich_lastfm(store, store.tracks(), _client(fake, clock), now=_noon, sleep=clock.sleep)
    tags = store.tags_bulk(source="lastfm")
    assert tags["t1"] == {"dark ambient": 1.0, "soundtrack": 0.6}
    assert tags["t2"] == {"synthwave": 1.0, "outrun": 0.55}
    assert tags["t3"] == {"electro": 1.0, "synthwave": 0.8}
    assert "t4" not in tags
    assert store.tag_fetched_at("t4", "lastfm") == "2026-11-22T12:00:00+00:00"
    assert (report.tagged, report.from_artist, report.untagged) == (3, 1, 1)
    assert fake.methods() == [
        "track.getTopTags",
        "track.getTopTags",
        "track.getTopTags",
        "artist.getTopTags",
        "track.getTopTags",
        "artist.getTopTags",
    ]
    assert report.requests == 6


def test_requests_are_spaced_at_most_five_per_second(fake: FakeLastfm, store: Store) -> None:
    """The client never starts two requests less than 0.2 s apart (on its injected clock)."""
    clock = FakeClock()
    client = _client(fake, clock)
    starts: list[float] = []
    original = client._wait_turn

    def spy() -> None:
        original()
        starts.append(clock.now)

    client._wait_turn = spy  # type: ignore[method-assign]
    enrich_lastfm(store, store.tracks(), client, now=_noon, sleep=clock.sleep)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 6 and min(gaps) == pytest.approx(0.2)


def test_real_clock_rate_limit(fake: FakeLastfm, store: Store) -> None:
    """With the real clock, six requests take at least one second (5 per second)."""
    client = LastfmClient("k", api_url=fake.url, timeout=2.0)
    start = time.monotonic()
    enrich_lastfm(store, store.tracks(), client, now=_noon)
    first, last = fake.requests[0][2], fake.requests[-1][2]
    assert len(fake.requests) == 6
    assert last - first >= 5 * 0.2 - 0.02
    assert time.monotonic() - start < 5


def test_second_run_asks_nothing_and_genre_tags_do_not_count(fake: FakeLastfm, store: Store) -> None:
    """Tracks fetched before (with or without tags) are not asked again; tags from another
    source (an import's genres) do not stop a track from being asked."""
    store.set_tags("t2", {"synthpop": 1.0}, source="file", fetched_at="2026-01-01")
    clock = FakeClock()
    enrich_lastfm(store, store.tracks(), _client(fake, clock), now=_noon, sleep=clock.sleep)
    asked = [params.get("track") for _, params, _ in fake.requests if "track" in params]
    assert "Nightcall" in asked
    fake.requests.clear()
    report = enrich_lastfm(store, store.tracks(), _client(fake, clock), now=_noon, sleep=clock.sleep)
    assert fake.requests == [] and report.candidates == 0
    refreshed = enrich_lastfm(
        store, store.tracks(), _client(fake, clock), now=_noon, sleep=clock.sleep, refresh=True, limit=1
    )
    assert refreshed.candidates == 1 and fake.methods() == ["track.getTopTags"]


def test_rate_limit_code_29_is_retried_with_backoff(fake: FakeLastfm, store: Store) -> None:
    """Error 29 twice, then success: the run completes after two growing pauses."""
    fake.faults.extend([Fault(code=29), Fault(code=29)])
    clock = FakeClock()
    report = enrich_lastfm(store, store.tracks()[:1], _client(fake, clock), now=_noon, sleep=clock.sleep, backoff=2.0)
    assert report.tagged == 1 and report.retries == 2
    assert [s for s in clock.sleeps if s >= 1] == [2.0, 4.0]


def test_persistent_rate_limit_stops_with_a_clear_message_and_keeps_progress(fake: FakeLastfm, store: Store) -> None:
    """When Last.fm keeps answering 29, the run stops with advice; tracks done are kept and
    a rerun resumes with the rest."""
    clock = FakeClock()
    client = _client(fake, clock)
    enrich_lastfm(store, store.tracks()[:1], client, now=_noon, sleep=clock.sleep)
    fake.faults.extend([Fault(code=29)] * 4)
    with pytest.raises(RemoteServiceError, match="rate-limiting") as caught:
        enrich_lastfm(store, store.tracks(), client, now=_noon, sleep=clock.sleep)
    assert "rerun to resume" in (caught.value.hint or "")
    assert set(store.tags_bulk(source="lastfm")) == {"t1"}
    report = enrich_lastfm(store, store.tracks(), client, now=_noon, sleep=clock.sleep)
    assert report.candidates == 3 and set(store.tags_bulk(source="lastfm")) == {"t1", "t2", "t3"}


@pytest.mark.parametrize(
    "fault",
    [Fault(http=503), Fault(code=16), Fault(garbage=True), Fault(drop=True)],
    ids=["http-503", "code-16", "garbage", "dropped"],
)
def test_transient_faults_are_retried(fake: FakeLastfm, store: Store, fault: Fault) -> None:
    """A server error, a temporary-unavailable code, garbage or a dropped connection is
    retried and the track still gets its tags."""
    fake.faults.append(fault)
    clock = FakeClock()
    report = enrich_lastfm(store, store.tracks()[:1], _client(fake, clock), now=_noon, sleep=clock.sleep)
    assert report.tagged == 1 and report.retries == 1


def test_timeouts_stop_the_run_with_a_network_message(fake: FakeLastfm, store: Store) -> None:
    """A server slower than the timeout on every try: a RemoteServiceError naming the
    timeout, nothing half-written."""
    fake.faults.extend([Fault(delay=0.6)] * 4)
    clock = FakeClock()
    with pytest.raises(RemoteServiceError, match=r"cannot reach Last\.fm.*Timeout"):
        enrich_lastfm(store, store.tracks()[:1], _client(fake, clock, timeout=0.2), now=_noon, sleep=clock.sleep)
    assert store.tags_bulk(source="lastfm") == {}
    assert store.tag_fetched_at("t1", "lastfm") is None


def test_unreachable_server_is_a_clear_error(store: Store) -> None:
    """Nothing listening on the port: RemoteServiceError with a hint, after the retries."""
    clock = FakeClock()
    client = LastfmClient("k", api_url="http://127.0.0.1:9/2.0/", timeout=0.5, clock=clock, sleep=clock.sleep)
    with pytest.raises(RemoteServiceError, match=r"cannot reach Last\.fm") as caught:
        enrich_lastfm(store, store.tracks(), client, now=_noon, sleep=clock.sleep)
    assert "check your connection" in (caught.value.hint or "")


def test_bad_key_stops_at_once(fake: FakeLastfm, store: Store) -> None:
    """An invalid key (error 10) is a CredentialsError on the first request, no retries."""
    clock = FakeClock()
    with pytest.raises(CredentialsError, match="refused the API key"):
        enrich_lastfm(store, store.tracks(), _client(fake, clock, key="wrong"), now=_noon, sleep=clock.sleep)
    assert len(fake.requests) == 1


def test_missing_key_is_a_credentials_error() -> None:
    """No LASTFM_API_KEY: a CredentialsError whose hint says where to get one."""
    with pytest.raises(CredentialsError, match="LASTFM_API_KEY") as caught:
        make_client({"LASTFM_API_KEY": "  "})
    assert "last.fm/api" in (caught.value.hint or "")


def test_names_with_accents_and_symbols_reach_last_fm_intact(fake: FakeLastfm, tmp_path: Path) -> None:
    """Artist and title are sent as UTF-8 form data: "Sigur Rós - Hoppípolla" finds its tags."""
    fake.tracks[("Sigur Rós", "Hoppípolla & Co")] = [("Post-Rock", 100)]
    with Store.open(tmp_path / "accents.db") as store:
        store.upsert_tracks([Track("s1", "Hoppípolla & Co", ("Sigur Rós",), 270.0)])
        clock = FakeClock()
        report = enrich_lastfm(store, store.tracks(), _client(fake, clock), now=_noon, sleep=clock.sleep)
        assert report.tagged == 1
        assert store.tags_bulk(source="lastfm") == {"s1": {"post-rock": 1.0}}
