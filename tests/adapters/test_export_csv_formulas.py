"""CSV exports neutralise spreadsheet formulas (CSV injection) and read back unchanged (issue #12)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters import exporters
from sequencer.adapters.exporters.csv import FORMULA_STARTS
from sequencer.adapters.importers.tabular import read_table
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track

HOSTILE = ('=HYPERLINK("http://x","click")', "+1+2", "-Nightcall", "@SUM(A1)", "\tcmd")


def _sequence(title: str, artist: str, album: str) -> Sequence:
    tracks = [
        Track("t1", title, (artist,), 240.0, album=album, loudness=-7.5, energy=0.5),
        Track("t2", "Plain", ("Someone",), 200.0, album="-", loudness=-12.0, energy=0.6),
    ]
    return make_sequence(tracks, Profile(name="p", minutes=10), seed=1)


def _rows(sequence: Sequence) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exporters.render(sequence, "csv"), newline="")))


def test_formula_cells_are_quoted_as_text_and_numbers_stay_numbers() -> None:
    """=, +, -, @ and tab starts get a leading ', negative loudness stays a plain number."""
    for hostile in HOSTILE:
        rows = _rows(_sequence(hostile, hostile, hostile))
        assert rows[0]["Track Name"] == "'" + hostile
        assert rows[0]["Artist Name(s)"] == "'" + hostile
        assert rows[0]["Album Name"] == "'" + hostile
        assert rows[0]["Loudness"] == "-7.5"
        assert rows[1]["Loudness"] == "-12"
        assert rows[1]["Album Name"] == "'-"
        assert rows[1]["Track Name"] == "Plain"


@given(st.text(alphabet=st.sampled_from("=+-@ab1 '"), min_size=1, max_size=12).map(str.strip).filter(bool))
def test_no_text_cell_starts_a_formula(title: str) -> None:
    """Whatever the title, its cell never starts with a formula character."""
    row = _rows(_sequence(title, "Artist", "Album"))[0]
    assert not row["Track Name"].startswith(FORMULA_STARTS)


def test_guarded_cells_import_back_as_written(tmp_path: Path) -> None:
    """moodseq import csv removes the guard: names round-trip exactly."""
    path = tmp_path / "out.csv"
    path.write_text(exporters.render(_sequence("=1+2", "-Nightcall", "@home"), "csv"), encoding="utf-8")
    records = read_table(path).records
    assert next((r.track.title, r.track.artists, r.track.album) for r in records) == ("=1+2", ("-Nightcall",), "@home")
