"""Chaos: hundreds of pushes under random faults always end with exactly the intended playlist.

Faults fire on the fake server (seeded): 429 with Retry-After, QUOTA_EXCEEDED, 500/502/503,
dropped connections and answers slower than the client's timeout — many of them *after* the
server applied a mutation — and expired access tokens.  A push that stops (quota, retries
exhausted) is simply run again, as a user would.  Nothing really sleeps except the few slow
answers, which cost one short client timeout each.
"""

from __future__ import annotations

import random
import time

from sequencer.adapters.spotify.client import RetryPolicy, build_client
from sequencer.adapters.spotify.push import push_target, push_uris
from sequencer.adapters.spotify.settings import SpotifySettings
from sequencer.adapters.spotify.tokens import TokenCache
from sequencer.errors import MoodseqError
from tests.adapters.spotify.conftest import MemoryLinks
from tests.fakes.spotify_server import FakeSpotify, Faults

SIZES = (0, 1, 100, 101, 250, 1000)
NAMES = ("Night Drive", "Train Ride", "Study", "Blade Runner Mood", "Angst")


def test_pushes_under_random_faults_end_exact(
    fake_spotify: FakeSpotify, settings: SpotifySettings, logged_in: TokenCache
) -> None:
    """≥ 200 pushes of 0–1,000 tracks under faults: remote == sequence, one playlist per name."""
    from dataclasses import replace

    fast = replace(settings, timeout_s=0.25)
    waits: list[float] = []
    policy = RetryPolicy(sleep=waits.append, attempts=6)
    client = build_client(fast, policy=policy)
    fake_spotify.faults = Faults(
        rate_limit=0.03,
        quota=0.004,
        server_error=0.04,
        drop=0.04,
        slow=0.003,
        expire_token=0.01,
        after_share=0.7,
        slow_s=0.35,
        mutation_factor=2.5,
    )
    memory = MemoryLinks()
    rng = random.Random(2026)
    catalog = [t["uri"] for t in fake_spotify.catalog.values()]
    started = time.perf_counter()
    pushes = reruns = 0
    sizes = [*SIZES, *SIZES] + [
        1000 if i % 40 == 39 else rng.choice([*SIZES[:-1], 2, 37, 99, 150, 199, rng.randint(0, 300)])
        for i in range(200)
    ]
    for size in sizes:
        name = rng.choice(NAMES)
        uris = rng.sample(catalog, size)
        target = push_target("alice", "chaos", name)
        for _attempt in range(30):
            try:
                push_uris(client, memory, target, uris)
                break
            except MoodseqError:
                reruns += 1  # the user runs the same command again
        else:
            raise AssertionError(f"push of {size} tracks never succeeded")
        pushes += 1
        ours = [p for p in fake_spotify.user_playlists() if p.name == name]
        assert len(ours) == 1, f"{len(ours)} playlists named {name!r}"
        assert ours[0].items == uris
    elapsed = time.perf_counter() - started
    counts = dict(sorted(fake_spotify.fault_counts.items()))
    print(
        f"\nchaos: {pushes} pushes, {reruns} reruns, {len(fake_spotify.requests)} requests, "
        f"faults {counts} ({sum(counts.values())} in all), {elapsed:.1f} s, "
        f"client saw {dict(sorted(policy.counts.items()))}, waited {sum(waits):.0f} s (virtual)"
    )
    assert pushes >= 200
    assert sum(counts.values()) >= 200
    assert counts.get("drop_after", 0) >= 10 and counts.get("server_error_after", 0) >= 10
    assert len(fake_spotify.user_playlists()) == len({*NAMES} & {p.name for p in fake_spotify.user_playlists()})
