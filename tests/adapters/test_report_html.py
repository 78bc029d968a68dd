"""The HTML report: self-contained, complete (plot, tracks, transitions, reasons, profile), safe."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sequencer.adapters.exporters.write import OutputFileError
from sequencer.adapters.report_html import profile_toml, render_report, write_report
from sequencer.core.explain import explain
from sequencer.core.profile import Constraints, Profile, profile_from_mapping, profile_to_mapping
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track

TRACKS = [
    Track(
        "a",
        "Blade Runner Blues",
        ("Vangelis",),
        300.0,
        album="Blade Runner",
        moods={"atmospheric": 0.9, "brooding": 0.3},
        energy=0.3,
        energy_estimated=True,
        tempo=80.0,
        key=9,
        mode=0,
    ),
    Track(
        "b",
        "Nightcall",
        ("Kavinsky",),
        240.0,
        album="OutRun",
        moods={"night-driving": 0.9, "brooding": 0.9},
        energy=0.6,
        tempo=92.0,
        key=10,
        mode=0,
    ),
    Track("c", "<script>alert('x')</script> & \"Tears\"", ("Evil <b>Band</b>",), 270.0, moods={"night-driving": 0.8}),
]
PROFILE = Profile(
    name="night-drive",
    description="Dark, steady, for the motorway at night",
    minutes=14,
    moods={"night-driving": 1.0, "brooding": 0.6, "angsty": -0.3},
    arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)),
    constraints=Constraints(artist_gap=2, exclude_artists=('Nobody "Quoted"',)),
)


@pytest.fixture(scope="module")
def sequence() -> Sequence:
    """Three tracks, one with hostile markup in its title and artist."""
    return make_sequence(TRACKS, PROFILE, seed=7, warnings=("library is small",))


@pytest.fixture(scope="module")
def report(sequence: Sequence) -> str:
    """The rendered page (rendered once: drawing the plot takes a moment)."""
    return render_report(sequence)


class _Page(HTMLParser):
    """Collects elements, their attributes, and the text of each table's rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; track which table and row we are in."""
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.table = dict(attrs).get("id") or "?"
            self.rows[self.table] = []
        elif tag == "tr" and self.table:
            self.rows[self.table].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        """Close cells and tables."""
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.rows[self.table][-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        """Keep text."""
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_no_external_resources(report: str) -> None:
    """No script, link, img, iframe, @import or url() beyond the page; no http(s) address anywhere."""
    text = report
    page = _parse(text)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "video", "audio"}
    for tag, attrs in page.tags:
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
    assert re.findall(r"url\((.)", text) == ["#"] * text.count("url("), "url() only to ids inside"
    assert "@import" not in text and "@font-face" not in text
    assert not re.search(r"https?://", text)


def test_plot_is_inline_svg(report: str) -> None:
    """One inline <svg> inside the plot figure, labelled by its caption; no XML prolog in the page."""
    text = report
    assert text.count("<svg") == 1 and "<?xml" not in text and "<!DOCTYPE svg" not in text
    figure = text[text.index('<figure id="plot">') : text.index("</figure>")]
    assert '<svg width="792pt"' in figure and 'aria-labelledby="plot-caption"' in figure


def test_tracks_table_has_every_track(sequence: Sequence, report: str) -> None:
    """One row per track: number, start, title with artist, length, energy (~ estimated), target."""
    rows = _parse(report).rows["tracks"]
    assert rows[0] == ["#", "start", "track", "length", "energy", "target", "fit", "moods"]
    body = rows[1:]
    assert [r[0] for r in body] == ["1", "2", "3"]
    assert body[0][:6] == [
        "1",
        "0:00",
        "Blade Runner Blues Vangelis · Blade Runner",
        "5:00",
        "0.30~",
        f"{sequence.steps[0].target_energy:.2f}",
    ]
    assert body[1][1] == "5:00" and body[1][4] == "0.60"
    assert body[2][4] == "–"
    assert body[1][7] == "brooding 0.90, night-driving 0.90"


def test_hostile_text_is_escaped(report: str) -> None:
    """Markup in track names is shown as text, never parsed as elements."""
    text = report
    page = _parse(text)
    assert not any(tag in ("script", "b") for tag, _ in page.tags)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Tears&quot;" in text
    assert "Evil <b>Band</b>" in "".join(page.text)


def test_transitions_table_matches_explain(sequence: Sequence, report: str) -> None:
    """One row per join with the explanation's cost, verdict and each term's value → share."""
    rows = _parse(report).rows["transitions"]
    expl = explain(sequence)
    assert rows[0][-5:] == ["mood", "sound", "energy", "tempo", "key"]
    assert len(rows) - 1 == len(expl.transitions) == 2
    for row, item in zip(rows[1:], expl.transitions, strict=True):
        assert row[0] == f"{item.position - 1}→{item.position}"
        assert row[2] == f"{item.total:.3f}"
        assert row[3] == item.verdict
        for cell, term in zip(row[4:], item.terms, strict=True):
            expected = "unknown" if term.value is None else f"{term.value:.2f} → {term.share:.3f}"
            assert cell == expected


def test_reasons_summary_and_warnings(sequence: Sequence, report: str) -> None:
    """Every track's reasons, the score numbers and the sequence's warnings are on the page."""
    text = " ".join(_parse(report).text)
    for track in explain(sequence).tracks:
        for reason in track.reasons:
            assert reason in text
    score = sequence.score
    for value in (f"{score.flow_cost:.3f}", f"{score.arc_error:.3f}", f"{score.mood_fit:.2f}"):
        assert value in text
    assert "library is small" in text and "Dark, steady, for the motorway at night" in text


def test_profile_section_round_trips(report: str) -> None:
    """The profile shown is TOML that reads back into the same profile."""
    text = report
    block = re.search(r'<pre id="profile"><code>(.*?)</code></pre>', text, re.S)
    assert block is not None
    import html

    data = tomllib.loads(html.unescape(block.group(1)))
    again = profile_from_mapping(data, "report")
    assert profile_to_mapping(again) == profile_to_mapping(PROFILE)


def test_profile_toml_quotes_what_it_must() -> None:
    """Keys that are not bare are quoted; strings are escaped."""
    text = profile_toml({"name": 'a "b"', "moods": {"night driving": 1.0}, "ok": True})
    assert tomllib.loads(text) == {"name": 'a "b"', "moods": {"night driving": 1.0}, "ok": True}


def test_write_is_atomic(sequence: Sequence, report: str, tmp_path: Path) -> None:
    """The file is the rendered page; a missing folder is a user error and writes nothing."""
    path = tmp_path / "night.html"
    path.write_text("old", encoding="utf-8")
    write_report(sequence, path)
    assert path.read_text(encoding="utf-8") == report
    assert [p.name for p in tmp_path.iterdir()] == ["night.html"]
    with pytest.raises(OutputFileError, match="does not exist"):
        write_report(sequence, tmp_path / "missing" / "r.html")


def test_report_with_a_sound_map_draws_and_explains_it(sequence: Sequence, report: str) -> None:
    """Given the library's sound map, the figure gains the map and the caption says how to read it."""
    import numpy as np

    from sequencer.adapters.sound_space import SoundMap

    sound_map = SoundMap(background=np.array([[0.0, 0.0], [1.0, 2.0]]), playlist=[(0.2, 0.1), None, (0.9, 1.5)])
    page = render_report(sequence, sound_map)
    assert "inside its library" in page and "inside its library" not in report
    assert page.count("<svg") == report.count("<svg")
    assert len(page) > len(report)


def test_fit_column_is_explained_as_the_fit_it_shows() -> None:
    """A track with exactly the profile's moods at confidence 0.5 shows fit +0.50: the legend
    says the cosine is multiplied by the confidence (it said "fit = cosine", which is 1 here)."""
    track = Track("x", "Exact", ("Band",), 200.0, moods=dict(PROFILE.moods), confidence=0.5, energy=0.5)
    page = render_report(make_sequence([track], PROFILE, seed=1))
    assert _parse(page).rows["tracks"][1][6] == "+0.50"
    assert "times the confidence of the track's moods" in page
