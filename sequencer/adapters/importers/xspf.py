"""Reading XSPF playlists (moodseq's own ``-o x.xspf``, players' exports) as the JSPF document
they map to, so one reader (:func:`~sequencer.adapters.importers.jspf.parse_jspf`) handles both.

JSPF is XSPF written in JSON: ``<title>``, ``<creator>``, ``<album>``, ``<duration>`` (ms), every
``<identifier>`` and ``<location>`` of a ``<track>`` become the same fields of a JSPF track.
XSPF declares no DTD, so a file that declares entities is refused rather than expanded.

Public: :func:`looks_like_xml`, :func:`xspf_as_jspf`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from sequencer.errors import InputFileError

_HINT = "give an XSPF playlist (<playlist><trackList><track>…), e.g. one written by `moodseq build -o x.xspf`"


def looks_like_xml(text: str) -> bool:
    """Whether the text starts as an XML document does (``<?xml`` or an element)."""
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def _local(tag: Any) -> str:
    """An element's name without its namespace (``{http://xspf.org/ns/0/}track`` → ``track``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _texts(element: ET.Element, name: str) -> list[str]:
    """The stripped, non-empty texts of ``element``'s children called ``name``."""
    return [child.text.strip() for child in element if _local(child.tag) == name and child.text and child.text.strip()]


def _track(element: ET.Element) -> dict[str, Any]:
    """One ``<track>`` as a JSPF track object."""
    entry: dict[str, Any] = {}
    for name in ("title", "creator", "album"):
        found = _texts(element, name)
        if found:
            entry[name] = found[0]
    duration = _texts(element, "duration")
    if duration and duration[0].isdigit():
        entry["duration"] = int(duration[0])
    for name in ("identifier", "location"):
        found = _texts(element, name)
        if found:
            entry[name] = found
    return entry


def xspf_as_jspf(text: str, source: str) -> dict[str, Any]:
    """The JSPF document (``{"playlist": {"title", "track": [...]}}``) an XSPF text says.

    Raises InputFileError (one line, with the line of a syntax error) when the text is not XML,
    declares entities, or is XML of another kind.
    """
    if "<!ENTITY" in text:
        raise InputFileError(f"{source} declares XML entities, which no XSPF playlist needs", hint=_HINT)
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as error:
        line, column = error.position
        reason = str(error).split(": line ", 1)[0]  # "mismatched tag: line 1, column 8"
        raise InputFileError(
            f"not valid XML: {reason} (column {column + 1})", hint=_HINT, source=f"{source}:{line}"
        ) from None
    if _local(root.tag) != "playlist":
        raise InputFileError(f"{source} is XML but not an XSPF playlist (it is <{_local(root.tag)}>)", hint=_HINT)
    lists = [child for child in root if _local(child.tag) == "trackList"]
    tracks = [_track(t) for tl in lists for t in tl if _local(t.tag) == "track"]
    title = _texts(root, "title")
    return {"playlist": {"title": title[0] if title else None, "track": tracks}}
