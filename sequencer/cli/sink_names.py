"""The sink names `--to` accepts (kept here, import-free, so `--help` stays light).

Must list the keys of :data:`sequencer.adapters.sinks.SINKS` (a test checks it).
"""

SINK_NAMES: tuple[str, ...] = ("spotify", "subsonic", "listenbrainz")
