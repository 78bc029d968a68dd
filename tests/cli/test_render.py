"""The terminal view: a table that fits 80 columns, a sparkline under the arc, a summary line."""

from __future__ import annotations

import io
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from sequencer.cli.context import AppContext
from sequencer.cli.render import plain_lines, print_sequence, summary_line
from sequencer.cli.sparkline import BLOCKS, clock, sample_energy, sample_target, spark, time_axis
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track

ANSI = re.compile(r"\x1b\[[0-9;]*m")

TRACKS = [
    Track(
        "a",
        "Blade Runner Blues",
        ("Vangelis",),
        300.0,
        moods={"atmospheric": 0.9, "brooding": 0.6},
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
        258.0,
        moods={"night-driving": 0.9, "brooding": 0.5},
        energy=0.6,
        tempo=92.0,
        key=10,
        mode=0,
    ),
    Track(
        "c",
        "A Real Hero (Drive Original Soundtrack Version, Extended)",
        ("College", "Electric Youth"),
        267.0,
        moods={"night-driving": 0.8},
        tempo=94.0,
        key=10,
        mode=0,
    ),
    Track(
        "d", "Love on a Real Train", ("Tangerine Dream",), 360.0, moods={"atmospheric": 0.7, "study": 0.4}, energy=0.4
    ),
]
ARC = ((0.0, 0.45), (0.6, 0.7), (1.0, 0.4))
PROFILE = Profile(name="night-drive", minutes=20, moods={"night-driving": 1.0, "brooding": 0.6}, arc=ARC)


@pytest.fixture
def sequence() -> Sequence:
    """Four hand-made tracks: one estimated energy, one unknown, one very long name."""
    return make_sequence(TRACKS, PROFILE, seed=7)


class FakeTTY(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        """Pretend to be a terminal."""
        return True


def _capture(monkeypatch: pytest.MonkeyPatch, *, tty: bool) -> io.StringIO:
    stream: io.StringIO = FakeTTY() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    return stream


def test_plain_output_fits_80_columns_and_names_every_track(
    sequence: Sequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--plain prints no escape codes, no line over 80 cells, every track (wrapped if long)."""
    out = _capture(monkeypatch, tty=True)  # --plain wins even on a terminal
    print_sequence(AppContext(plain=True), sequence, note="using the built-in demo library (4 tracks)")
    text = out.getvalue()
    lines = text.splitlines()
    assert not ANSI.search(text)
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    assert lines[0] == "using the built-in demo library (4 tracks)"
    assert lines[1] == "night-drive (20 min target), seed 7"
    assert lines[2].split() == ["#", "start", "artist", "-", "title", "energy", "arc", "moods"]
    flat = " ".join(text.split())
    for track in TRACKS:  # a long name wraps inside its column, but no word is lost
        assert all(word in flat for word in track.name.split())
    assert summary_line(sequence) in lines
    assert all(line == line.rstrip() for line in lines)


def test_table_rows_carry_time_energy_target_and_moods(sequence: Sequence) -> None:
    """Each row shows its start time, energy (~ when estimated, - when unknown), target, top moods."""
    lines = plain_lines(sequence)
    rows = {line.split()[0]: line for line in lines[1:] if re.match(r" ?\d+ ", line)}
    assert set(rows) == {"1", "2", "3", "4"}
    targets = [f"{step.target_energy:.2f}" for step in sequence.steps]
    assert re.search(rf"\b0:00 Vangelis - Blade Runner Blues +0\.30~ +{targets[0]} +atmospheric, brooding$", rows["1"])
    assert re.search(rf"\b5:00 Kavinsky - Nightcall +0\.60 +{targets[1]} +night-driving, brooding$", rows["2"])
    assert re.search(rf"\b9:18 College, Electric Youth .* - +{targets[2]} +night-driving$", rows["3"])
    assert "~ energy estimated from the track's moods" in lines


def test_a_table_without_any_moods_keeps_its_moods_heading_on_one_line() -> None:
    """A library before `moods infer`: every moods cell is "-"; the heading still reads "moods"
    (it was folded to one letter a line, five lines above the table)."""
    from dataclasses import replace

    bare = make_sequence([replace(track, moods={}) for track in TRACKS], PROFILE, seed=7)
    lines = plain_lines(bare)
    heading = next(line for line in lines if "artist - title" in line)
    assert heading.rstrip().endswith("moods")
    assert not any(line.strip() in {"m", "o", "d", "s"} for line in lines)
    rows = [line for line in lines if re.match(r" ?\d+ +\d+:\d\d ", line)]
    assert len(rows) == 4 and all(row.rstrip().endswith(" -") for row in rows)


def test_summary_line_states_the_score() -> None:
    """The summary names tracks, minutes, flow cost, arc error and mood fit with their values."""
    seq = make_sequence(TRACKS[:2], PROFILE, seed=1)
    s = seq.score
    assert summary_line(seq) == (
        f"2 tracks, 9.3 min; flow cost {s.flow_cost:.3f}, arc error {s.arc_error:.3f}, mood fit {s.mood_fit:.2f}"
    )


def test_not_a_tty_means_plain(sequence: Sequence, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal the output is exactly the plain lines (no colour, no box rules)."""
    out = _capture(monkeypatch, tty=False)
    print_sequence(AppContext(), sequence, note="n")
    assert out.getvalue() == "\n".join(plain_lines(sequence, note="n")) + "\n"
    assert "─" not in out.getvalue()


def test_terminal_gets_colour_and_a_rule(sequence: Sequence, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the table has a header rule and colour, and still fits an 80-column screen."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(), sequence)
    text = out.getvalue()
    assert ANSI.search(text)
    plain = ANSI.sub("", text)
    assert "─" * 20 in plain
    assert all(cell_len(line) <= 80 for line in plain.splitlines())
    assert "Kavinsky - Nightcall" in plain


def test_quiet_prints_nothing(
    sequence: Sequence, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--quiet: not a byte on stdout or stderr."""
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(quiet=True), sequence, explain=True, note="n")
    assert out.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_explain_adds_reasons_and_transitions(sequence: Sequence) -> None:
    """explain=True appends core.explain's lines: per-track reasons and per-transition costs."""
    from sequencer.core.explain import explain, explanation_lines

    lines = plain_lines(sequence, explain=True)
    expected = explanation_lines(explain(sequence))
    assert lines[-len(expected) :] == expected
    assert any("cost" in line for line in expected)
    assert len(plain_lines(sequence)) == len(lines) - len(expected) - 1


def test_sparkline_rows_show_energy_over_target(sequence: Sequence) -> None:
    """Two aligned rows (target, then energy under it) and a time axis ending at the total length."""
    lines = plain_lines(sequence)
    energy = next(line for line in lines if line.startswith("energy "))
    target = next(line for line in lines if line.startswith("target "))
    axis = lines[lines.index(energy) + 1]
    assert lines.index(target) + 1 == lines.index(energy), "energy runs under the target"
    assert len(target) == 80 and len(energy) <= 80
    assert set(energy[7:]) <= set(BLOCKS) | {" "}
    assert " " in energy[7:].rstrip(), "the track with unknown energy leaves a gap"
    assert axis.strip().startswith("0:00") and axis.endswith(clock(sequence.duration_s))


def test_no_arc_means_no_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an arc there is no target column and no target row."""
    seq = make_sequence(TRACKS, Profile(name="flat", moods={"study": 1.0}))
    lines = plain_lines(seq)
    assert "arc" not in lines[1].split() and lines[1].split()[-1] == "moods"
    assert not any(line.startswith("target ") for line in lines)
    assert any(line.startswith("energy ") for line in lines)


def test_sample_energy_follows_the_track_playing(sequence: Sequence) -> None:
    """Each slice gets the energy of the track playing at its middle."""
    width = 31
    values = sample_energy(sequence, width)
    total = sequence.duration_s
    for i, value in enumerate(values):
        t = (i + 0.5) * total / width
        playing = next(s for s in sequence.steps if s.start_s <= t < s.start_s + s.track.duration_s)
        assert value == playing.track.energy
    target = sample_target(sequence, width)
    assert target is not None and target[0] == pytest.approx(0.45, abs=0.02)


@given(st.lists(st.one_of(st.none(), st.floats(-1, 2, allow_nan=False)), max_size=50))
def test_spark_is_monotone_and_keeps_length(values: list[float | None]) -> None:
    """One character per value; None is a blank; a higher value never gets a lower block."""
    line = spark(values)
    assert len(line) == len(values)
    known = [(v, BLOCKS.index(c)) for v, c in zip(values, line, strict=True) if v is not None]
    assert all(c == " " for v, c in zip(values, line, strict=True) if v is None)
    for a, ia in known:
        for b, ib in known:
            if a <= b:
                assert ia <= ib


@given(st.floats(0, 20_000, allow_nan=False), st.integers(0, 120))
def test_time_axis_fits_its_width(total: float, width: int) -> None:
    """The axis never exceeds its width and, when it fits, ends with the total time."""
    axis = time_axis(total, width)
    assert len(axis) <= width
    if width >= 24:
        assert axis.startswith("0:00") and axis.endswith(clock(total))


def test_narrow_terminal_wraps_without_losing_words(sequence: Sequence, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 60-column terminal: no line wider than 60, no word of a name or a mood dropped."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "60")
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(), sequence)
    plain = ANSI.sub("", out.getvalue())
    assert all(cell_len(line) <= 60 for line in plain.splitlines())
    words = set(plain.replace(",", " ").split())
    for track in TRACKS:
        assert set(track.name.replace(",", " ").split()) <= words
    assert {"atmospheric", "brooding", "night-driving", "study"} <= words


def test_narrow_terminal_breaks_the_summary_between_its_parts(
    sequence: Sequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 60 columns the summary line breaks at its "; " (length | scores), never inside a
    "mood fit 0.95" pair."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "60")
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(), sequence)
    lines = [line.rstrip() for line in ANSI.sub("", out.getvalue()).splitlines()]
    head, scores = summary_line(sequence).split("; ")
    assert head + ";" in lines
    assert scores in [line.strip() for line in lines]


def test_narrow_terminal_gives_names_room_before_moods(sequence: Sequence, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 60 columns the names keep at least 24 columns (moods fold first): names wrapped to
    16 columns broke most rows into three lines."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "60")
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(), sequence)
    header = next(line for line in ANSI.sub("", out.getvalue()).splitlines() if "artist - title" in line)
    assert header.index("energy") - header.index("artist - title") >= 24 + 1


def test_very_narrow_terminal_drops_the_moods_column_not_the_names(
    sequence: Sequence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under 50 columns the moods column (cut to "nig…") is left out so the names keep their
    room; every word of every name is still on screen."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "44")
    out = _capture(monkeypatch, tty=True)
    print_sequence(AppContext(), sequence)
    plain = ANSI.sub("", out.getvalue())
    header = next(line for line in plain.splitlines() if "artist - title" in line)
    assert "moods" not in header and "moo" not in header
    words = set(plain.replace(",", " ").split())
    for track in TRACKS:
        assert set(track.name.replace(",", " ").split()) <= words
