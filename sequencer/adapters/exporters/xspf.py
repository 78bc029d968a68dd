"""XSPF ("spiff"), the XML Shareable Playlist Format, version 1 (https://xspf.org/spec).

Each track carries what identifies it — ``<location>`` (a ``file://`` URI or relative path
for a local file), ``<identifier>`` (the MusicBrainz recording, the Spotify URI and ``isrc:…``, as known), ``<title>``,
``<creator>`` (artists joined by ", "), ``<annotation>`` saying why moodseq chose it, ``<album>``,
``<duration>`` in milliseconds — in the element order of the XSPF schema.  A track without a location is still a valid
entry: XSPF players resolve it by creator and title, which makes XSPF the best format for
libraries without files.  Written with :mod:`xml.etree.ElementTree`, so the text is always
well-formed; characters XML 1.0 cannot hold (control characters) are dropped.

Public: :data:`NAMESPACE`, :func:`render`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sequencer.adapters.exporters.common import file_uri, generator, ms, playlist_name
from sequencer.adapters.exporters.jspf import track_identifiers
from sequencer.core.explain import explain, summary_line
from sequencer.core.sequence import Sequence

#: The XSPF version 1 namespace.
NAMESPACE = "http://xspf.org/ns/0/"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _child(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append ``<tag>text</tag>`` in the XSPF namespace to ``parent``."""
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    element.text = _xml_text(text)
    return element


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as an XSPF document (UTF-8 declaration, two-space indents, final newline)."""
    ET.register_namespace("", NAMESPACE)
    expl = explain(sequence)
    root = ET.Element(f"{{{NAMESPACE}}}playlist", {"version": "1"})
    _child(root, "title", playlist_name(sequence, name))
    _child(root, "creator", "moodseq")
    _child(root, "annotation", f"{generator()}: {summary_line(expl.summary)}")
    track_list = ET.SubElement(root, f"{{{NAMESPACE}}}trackList")
    for track, reasons in zip(sequence.tracks, expl.tracks, strict=True):
        element = ET.SubElement(track_list, f"{{{NAMESPACE}}}track")
        if track.path:
            _child(element, "location", file_uri(track.path))
        for identifier in track_identifiers(track):
            _child(element, "identifier", identifier)
        _child(element, "title", track.title)
        _child(element, "creator", track.artist)
        _child(element, "annotation", "; ".join(reasons.reasons))
        if track.album:
            _child(element, "album", track.album)
        _child(element, "duration", str(ms(track.duration_s)))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
