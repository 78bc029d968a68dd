"""A quote left open in a CSV costs one line, named with the lines it ran over (issue #12)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.importers.delimited import csv_rows
from sequencer.adapters.importers.tabular import read_table


def _good_lines(count: int) -> list[str]:
    return ["title,artist,duration_ms"] + [f"Song {i},Artist {i % 7},{200000 + i}" for i in range(count)]


def test_an_unclosed_quote_loses_only_its_line(tmp_path: Path) -> None:
    """82 lines, an unclosed quote on line 42 and a real quoted field on line 71: 80 tracks,
    one skipped line whose message names the lines the field ran over."""
    lines = _good_lines(81)
    lines[41] = '"Broken ' + lines[41]
    lines[70] = '"Quoted, title",Artist X,210000'
    path = tmp_path / "q.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_table(path)
    assert len(read.records) == 80
    assert "Quoted, title" in {r.track.title for r in read.records}
    assert [str(p) for p in read.report.skipped] == [
        "line 42: a quote opened on this line is not closed where it should be: the field ran over "
        "lines 42–71; this line is skipped and reading resumes on line 43"
    ]


def test_a_real_multi_line_cell_is_kept(tmp_path: Path) -> None:
    """A quoted title holding a line break is one field, not a broken quote."""
    path = tmp_path / "m.csv"
    path.write_text('title,artist,duration_ms\n"Two\nlines",Artist,200000\nNext,Artist,200000\n', encoding="utf-8")
    read = read_table(path)
    assert [r.track.title for r in read.records] == ["Two lines", "Next"]
    assert read.report.skipped == []


@given(
    count=st.integers(min_value=2, max_value=40),
    broken=st.data(),
)
def test_every_other_row_survives_one_unclosed_quote(count: int, broken: st.DataObject) -> None:
    """Wherever the unclosed quote is, every other data row is read, each exactly once."""
    lines = _good_lines(count)
    where = broken.draw(st.integers(min_value=1, max_value=count), label="line index")
    lines[where] = '"' + lines[where]
    rows = list(csv_rows("\n".join(lines) + "\n", ","))
    good = [cells[0] for _, cells, _ in rows[1:] if cells is not None and len(cells) == 3]
    assert good == [f"Song {i}" for i in range(count) if i != where - 1]
    assert [line for line, cells, _ in rows if cells is None or len(cells) != 3] == [where + 1]
