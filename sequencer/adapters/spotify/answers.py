"""The shapes of Spotify's answers, checked before anything reads them.

A server answering in Spotify's place (a proxy, a captive portal, a broken deploy, an attacker)
can send JSON of any shape.  The client checks each answer's top level here and raises
:class:`~.errors.BadAnswerError` naming the call; a track or playlist object inside a list that
has fields of the wrong types is treated like Spotify's own unavailable items (null: skipped
and counted), so one bad entry does not stop an import.
"""

from __future__ import annotations

from typing import Any

import requests

from sequencer.adapters.spotify.errors import BadAnswerError


def error_text(response: requests.Response) -> tuple[str, str | None]:
    """(message, reason) from an error answer of any shape."""
    try:
        body = response.json()
    except ValueError:
        return response.text, None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message, reason = error.get("message"), error.get("reason")
        return str(message or ""), reason if isinstance(reason, str) else None
    if isinstance(error, str):
        description = body.get("error_description")
        return f"{error}: {description}" if isinstance(description, str) else error, None
    return response.text, None


def as_object(value: Any, what: str, *, key: str | None = None) -> dict[str, Any]:
    """``value`` when it is a JSON object (with a string ``key``), else BadAnswerError."""
    if not isinstance(value, dict):
        raise BadAnswerError(what, f"expected an object, got {type(value).__name__}")
    if key is not None and not (isinstance(value.get(key), str) and value[key]):
        raise BadAnswerError(what, f"no text {key!r}")
    return value


def as_items(value: Any, what: str) -> list[Any]:
    """A list of objects or nulls (Spotify's unavailable items), else BadAnswerError."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(item is None or isinstance(item, dict) for item in value):
        raise BadAnswerError(what, "items are not a list of objects")
    return value


def text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def well_formed_track(obj: Any) -> bool:
    """Whether a track (or episode) object has the fields moodseq reads, of the right types."""
    if not isinstance(obj, dict) or not text_or_none(obj.get("id")) or not text_or_none(obj.get("uri")):
        return False
    if not text_or_none(obj.get("name")) or not text_or_none(obj.get("type")):
        return False
    artists = obj.get("artists")
    if artists is not None and not (
        isinstance(artists, list) and all(isinstance(a, dict) and text_or_none(a.get("name")) for a in artists)
    ):
        return False
    duration = obj.get("duration_ms")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float))):
        return False
    album, ids = obj.get("album"), obj.get("external_ids")
    if album is not None and not (isinstance(album, dict) and text_or_none(album.get("name"))):
        return False
    return ids is None or (isinstance(ids, dict) and text_or_none(ids.get("isrc")))


def as_entry(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A saved-track / playlist-item entry with a malformed track replaced by null (skipped)."""
    if entry is None:
        return None
    obj = entry.get("item") or entry.get("track")
    if obj is None or well_formed_track(obj):
        return entry
    return None


def playlist_ok(obj: dict[str, Any] | None) -> bool:
    """Whether a simplified playlist object has the fields push reads."""
    if obj is None or not isinstance(obj.get("id"), str):
        return False
    owner = obj.get("owner")
    owner_ok = owner is None or (isinstance(owner, dict) and text_or_none(owner.get("id")))
    return owner_ok and text_or_none(obj.get("description")) and text_or_none(obj.get("name"))


def snapshot_of(result: Any, what: str) -> str | None:
    """The snapshot id of a mutation's answer (None when the answer has none)."""
    snapshot = as_object(result or {}, what).get("snapshot_id")
    return snapshot if isinstance(snapshot, str) else None
