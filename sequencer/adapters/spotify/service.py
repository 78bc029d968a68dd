"""The Spotify use cases the CLI calls: connect, who am I, push tracks, import.

Each function takes plain inputs (environment, folders, tracks, a library or None) and returns
a result object; printing is the command's job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sequencer.adapters.spotify.client import RetryPolicy, SpotifyClient, Wait, build_client
from sequencer.adapters.spotify.errors import not_logged_in
from sequencer.adapters.spotify.pending import PendingCreates
from sequencer.adapters.spotify.push import (
    PlaylistMemory,
    PushPlan,
    PushResult,
    default_name,
    plan_push,
    push_target,
    push_uris,
)
from sequencer.adapters.spotify.resolve import Resolution, ResolutionCache, resolve_tracks
from sequencer.adapters.spotify.settings import settings_from_env
from sequencer.core.track import Track
from sequencer.errors import CredentialsError, RemoteServiceError

Progress = Callable[[int, int], None]


def connect(
    env: Mapping[str, str],
    config_dir: Path,
    *,
    on_wait: Wait | None = None,
    sleep: Callable[[float], None] | None = None,
) -> SpotifyClient:
    """A client for the saved login (or ``MOODSEQ_SPOTIFY_TOKEN``); CredentialsError if none.

    ``sleep`` defaults to ``time.sleep`` looked up at call time (tests patch it).
    """
    settings = settings_from_env(env, config_dir)
    return build_client(settings, policy=RetryPolicy(sleep=sleep or _sleep, on_wait=on_wait))


def login_warning(env: Mapping[str, str], config_dir: Path) -> str | None:
    """A warning when the saved login ends within a week (Spotify's six-month limit)."""
    settings = settings_from_env(env, config_dir)
    if settings.token:
        return None
    from sequencer.adapters.spotify.tokens import TokenCache

    return TokenCache(settings.token_path).expiry_warning()


def login_ends(env: Mapping[str, str], config_dir: Path) -> float | None:
    """When the saved login ends (None when unknown)."""
    from sequencer.adapters.spotify.tokens import TokenCache

    return TokenCache(settings_from_env(env, config_dir).token_path).expires_at()


def _sleep(seconds: float) -> None:
    """time.sleep, resolved when called."""
    time.sleep(seconds)


@dataclass(frozen=True)
class Who:
    """The logged-in Spotify user."""

    id: str
    name: str
    product: str | None


def whoami(client: SpotifyClient) -> Who:
    """Who the saved login belongs to."""
    me = client.me()
    from sequencer.adapters.spotify.http import clean_text

    product = me.get("product")
    return Who(
        id=clean_text(me["id"], limit=80),
        name=clean_text(me.get("display_name") or me["id"], limit=80),
        product=clean_text(product, limit=40) if isinstance(product, str) else None,
    )


@dataclass(frozen=True)
class PushOutcome:
    """A push (or its dry run): how tracks resolved, and what was (or would be) done."""

    resolution: Resolution
    result: PushResult | None = None
    plan: PushPlan | None = None
    offline: str | None = None
    """Why a dry run went without Spotify (no login, or one Spotify refuses): it then answers
    from the tracks' links and the library's search cache only."""


@contextmanager
def library_links(
    library_path: Path, data_dir: Path, *, read_only: bool = False
) -> Iterator[tuple[PlaylistMemory, ResolutionCache | None]]:
    """(playlist links, resolution cache): the library when it exists, else a JSON file of
    links and no cache — pushing the demo must not create an empty library.  ``read_only`` (a
    dry run, which stores nothing) opens the library for reading: it works in a read-only folder."""
    if library_path.exists():
        from sequencer.adapters.library.store import Store

        with Store.open(library_path, read_only=read_only) as store:
            yield store, store
        return
    from sequencer.adapters.spotify.links import JsonLinks

    yield JsonLinks(data_dir / "spotify-playlists.json"), None


def push_tracks(
    client: SpotifyClient | None,
    tracks: Sequence[Track],
    *,
    profile_name: str | None,
    name: str | None,
    links: PlaylistMemory,
    cache: ResolutionCache | None,
    dry_run: bool = False,
    progress: Progress | None = None,
    pending: PendingCreates | None = None,
) -> PushOutcome:
    """Resolve ``tracks`` to URIs and push them as one playlist (or plan it, with ``dry_run``).

    Without a usable login (``client`` None, or a login Spotify refuses) only a dry run is
    possible: tracks resolve from their own links and the library's search cache, and the
    playlist's current state is unknown.
    """
    offline = "not logged in"
    user = None
    if client is not None:
        try:
            user = str(client.me()["id"])
        except CredentialsError:
            if not dry_run:
                raise
            offline = "the saved Spotify login is not usable"
    if client is None or user is None:
        if not dry_run:
            raise not_logged_in()
        resolution = resolve_tracks(None, tracks, cache=cache, save=False)
        title = name or default_name(profile_name)
        plan = PushPlan("unknown", title, None, 0, len(resolution.uris), 0, 0, False)
        return PushOutcome(resolution, plan=plan, offline=offline)
    resolution = resolve_tracks(client, tracks, cache=cache, save=not dry_run)
    if tracks and not resolution.uris:
        raise RemoteServiceError(
            f"none of the {len(tracks)} tracks was found on Spotify",
            hint="check the titles and artists, or import the tracks from Spotify first",
        )
    target = push_target(user, profile_name, name)
    if dry_run:
        return PushOutcome(resolution, plan=plan_push(client, links, target, resolution.uris, user_id=user))
    result = push_uris(client, links, target, resolution.uris, user_id=user, progress=progress, pending=pending)
    return PushOutcome(resolution, result=result)


def import_into(
    store: Any,
    client: SpotifyClient,
    *,
    liked: bool,
    playlists: Sequence[str],
    features: bool = True,
    progress: Progress | None = None,
) -> tuple[Any, Any]:
    """Import liked songs / playlists into ``store``: (SpotifyImport, the store's ImportReport)."""
    from sequencer.adapters.spotify.importer import import_spotify

    found = import_spotify(client, liked=liked, playlists=playlists, features=features, progress=progress)
    report = store.upsert_tracks(found.tracks, source="spotify")
    return found, report
