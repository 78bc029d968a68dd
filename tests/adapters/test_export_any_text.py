"""Property tests: whatever text a library holds, every format stays well-formed and readable."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.exporters import csv as csv_export
from sequencer.adapters.exporters import m3u8, xspf
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track

_text = st.text(min_size=1)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@st.composite
def _tracks(draw: st.DrawFn) -> list[Track]:
    """1–4 tracks with arbitrary titles, artists, albums and optionally a path or URI."""
    n = draw(st.integers(1, 4))
    return [
        Track(
            f"t{i}",
            draw(_text),
            tuple(draw(st.lists(_text, min_size=1, max_size=2))),
            draw(st.integers(1, 10_000_000)) / 1000.0,
            album=draw(st.text()),
            path=draw(st.none() | _text),
            uri=draw(st.none() | st.from_regex(r"\Aspotify:track:[0-9A-Za-z]{22}\Z")),
        )
        for i in range(n)
    ]


def _xml_read(text: str) -> str:
    """What an XML parser gives back for ``text`` written by the XSPF exporter."""
    return _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


@given(_tracks(), _text)
def test_m3u8_structure_holds_for_any_text(tracks: list[Track], name: str) -> None:
    """Header lines, then exactly one #EXTINF and one non-comment location line per track."""
    lines = m3u8.render(make_sequence(tracks, Profile(name="p")), name=name).splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:")
    body = [line for line in lines[2:] if not line.startswith("# ")]
    assert len(body) == 2 * len(tracks)
    for i, track in enumerate(tracks):
        extinf, where = body[2 * i], body[2 * i + 1]
        assert extinf.startswith(f"#EXTINF:{round(track.duration_s)},")
        assert where and not where.startswith("#")
        if track.path is None and track.uri is not None:
            assert where == track.uri


@given(_tracks(), _text)
def test_xspf_parses_back_for_any_text(tracks: list[Track], name: str) -> None:
    """The XSPF is well-formed for any text and gives back titles, creators and durations."""
    text = xspf.render(make_sequence(tracks, Profile(name="p")), name=name)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"x": xspf.NAMESPACE}
    assert root.findtext("x:title", namespaces=ns) == _xml_read(name)
    entries = root.findall("x:trackList/x:track", ns)
    assert [e.findtext("x:title", namespaces=ns) for e in entries] == [_xml_read(t.title) for t in tracks]
    assert [e.findtext("x:creator", namespaces=ns) for e in entries] == [_xml_read(t.artist) for t in tracks]
    assert [int(e.findtext("x:duration", namespaces=ns) or -1) for e in entries] == [
        round(t.duration_s * 1000) for t in tracks
    ]
    assert [e.find("x:location", ns) is not None for e in entries] == [bool(t.path) for t in tracks]


@given(_tracks())
def test_csv_round_trips_any_text(tracks: list[Track]) -> None:
    """DictReader gives back every title, album and artist list exactly, except that a cell a
    spreadsheet would run as a formula starts with a guarding quote."""

    def guarded(value: str) -> str:
        return "'" + value if value.startswith(csv_export.FORMULA_STARTS) else value

    text = csv_export.render(make_sequence(tracks, Profile(name="p")))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["Track Name"] for r in rows] == [guarded(t.title) for t in tracks]
    assert [r["Album Name"] for r in rows] == [guarded(t.album) for t in tracks]
    assert [r["Artist Name(s)"] for r in rows] == [guarded(";".join(t.artists)) for t in tracks]
