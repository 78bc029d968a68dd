"""Sinks: the players a sequence can be pushed to, behind one interface (:mod:`.base`).

``moodseq push FILE --to spotify --to subsonic --to listenbrainz`` opens each sink named here
with :func:`open_sink` and pushes the same tracks to every one; one failing sink does not stop
the others.  A new sink is one module implementing
:class:`~sequencer.adapters.sinks.base.PlaylistService` plus one line in :data:`SINKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sequencer.adapters.sinks.base import PlaylistMemory, ServiceSink, Sink

#: Sink name → what it needs, for --help and errors.
SINKS: dict[str, str] = {
    "spotify": "a Spotify login (moodseq spotify login)",
    "subsonic": "MOODSEQ_SUBSONIC_URL, _USER and _PASSWORD (or _API_KEY)",
    "listenbrainz": "MOODSEQ_LISTENBRAINZ_TOKEN",
}


@contextmanager
def playlist_memory(library_path: Path, data_dir: Path) -> Iterator[tuple[PlaylistMemory, Any]]:
    """(playlist links, Spotify resolution cache or None): the library when it exists, else a
    JSON file of links (pushing the demo must not create an empty library)."""
    if library_path.exists():
        from sequencer.adapters.library.store import Store

        with Store.open(library_path) as store:
            yield store, store
        return
    from sequencer.adapters.spotify.links import JsonLinks

    # why: the file Spotify pushes always used; keys carry the sink name, so one file serves all
    yield JsonLinks(data_dir / "spotify-playlists.json"), None


def open_sink(
    name: str,
    *,
    env: Mapping[str, str],
    config_dir: Path,
    memory: PlaylistMemory,
    cache: Any,
    spotify_client: Callable[[], Any],
    spotify_pending: Any = None,
) -> Sink:
    """The sink called ``name`` (one of :data:`SINKS`), connected; errors are MoodseqErrors."""
    if name == "spotify":
        from sequencer.adapters.sinks.spotify import SpotifySink

        return SpotifySink(spotify_client(), memory, cache, pending=spotify_pending)
    if name == "subsonic":
        from sequencer.adapters.sinks.settings import subsonic_settings
        from sequencer.adapters.sinks.subsonic import SubsonicService
        from sequencer.adapters.sinks.subsonic_client import SubsonicClient

        return ServiceSink(SubsonicService(SubsonicClient(subsonic_settings(env, config_dir))), memory)
    if name == "listenbrainz":
        from sequencer.adapters.sinks.listenbrainz import ListenBrainzService
        from sequencer.adapters.sinks.settings import listenbrainz_settings

        return ServiceSink(ListenBrainzService(listenbrainz_settings(env, config_dir)), memory)
    raise KeyError(name)
