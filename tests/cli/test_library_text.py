"""`moodseq library` text: the stats stay readable on an 80-column screen."""

from __future__ import annotations

from typing import Any

from sequencer.cli.library_text import stats_text

ATTRIBUTES = (
    "tempo",
    "key",
    "mode",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "danceability",
    "loudness",
)


def _stats() -> dict[str, Any]:
    """Stats of a fully analysed library, as Store.stats() gives them."""
    return {
        "library": "/tmp/lib.db",
        "tracks": 299,
        "songs": 292,
        "artists": 157,
        "albums": 289,
        "with_spotify_uri": 299,
        "with_moods": 40,
        "mood_sources": {"inferred": 40, "hand": 2},
        "moods": {"atmospheric": 12, "brooding": 20, "angsty": 3, "night-driving": 9, "study": 4},
        "attributes": dict.fromkeys(ATTRIBUTES, 299),
        "tags": 299,
        "interrupted_imports": [],
    }


def test_long_coverage_lists_wrap_under_their_label() -> None:
    """Every attribute is listed, no line is wider than 80 columns, and continuation lines are
    indented under the values (not under the labels)."""
    text = stats_text(_stats())
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), text
    start = next(i for i, line in enumerate(lines) if line.startswith("attributes  "))
    block = [lines[start], *[line for line in lines[start + 1 :] if line.startswith(" " * 12)][:3]]
    joined = " ".join(line.strip() for line in block)
    for name in ATTRIBUTES:
        assert f"{name} 100%" in joined
    assert lines[start + 1].startswith(" " * 12) and not lines[start + 1].startswith(" " * 13)
