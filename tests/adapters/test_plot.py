"""The plot: what each panel draws, the title, the files it writes, and that it stays lazy."""

from __future__ import annotations

import itertools
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sequencer.adapters.exporters.write import OutputFileError
from sequencer.adapters.plot import check_plot_path, figure_for, plot_sequence, plot_svg
from sequencer.core.arcs import target_at
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track

TRACKS = [
    Track(
        "a",
        "Blade Runner Blues",
        ("Vangelis",),
        300.0,
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
        moods={"night-driving": 0.9, "brooding": 0.9},
        energy=0.6,
        tempo=92.0,
        key=10,
        mode=0,
    ),
    Track("c", "A Real Hero", ("College", "Electric Youth"), 270.0, moods={"night-driving": 0.8}),
    Track("d", "Love on a Real Train", ("Tangerine Dream",), 390.0, moods={}, energy=0.4),
]
PROFILE = Profile(
    name="night-drive",
    minutes=20,
    moods={"night-driving": 1.0, "brooding": 0.6},
    arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)),
)


@pytest.fixture
def sequence() -> Sequence:
    """Four tracks: an estimated energy, an unknown one, a track without moods."""
    return make_sequence(TRACKS, PROFILE, seed=7)


def _xy(line: Line2D) -> tuple[list[float], list[float]]:
    """A line's data as plain floats."""
    xs = np.asarray(line.get_xdata(), dtype=float).tolist()
    ys = np.asarray(line.get_ydata(), dtype=float).tolist()
    return xs, ys


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_is_written_atomically(sequence: Sequence, tmp_path: Path) -> None:
    """A real PNG of 1650×990 pixels appears, and no temporary file is left beside it."""
    path = tmp_path / "night.png"
    plot_sequence(sequence, path)
    assert _png_size(path) == (1650, 990)
    assert [p.name for p in tmp_path.iterdir()] == ["night.png"]


def test_title_names_profile_length_and_seed(sequence: Sequence) -> None:
    """The title reads "<profile> — <minutes> min, <n> tracks, seed <seed>"."""
    figure = figure_for(sequence)
    assert figure.get_suptitle() == "night-drive — 20 min, 4 tracks, seed 7"
    subtitle = figure.axes[0].get_title()
    assert f"flow cost {sequence.score.flow_cost:.3f}" in subtitle
    unseeded = make_sequence(TRACKS[:1], PROFILE, mode="reorder")
    assert figure_for(unseeded).get_suptitle() == "night-drive (reorder) — 5 min, 1 track, no seed"


def test_energy_panel_draws_arc_and_steps(sequence: Sequence) -> None:
    """The arc follows the profile's target; each known energy is a flat step over its track."""
    energy_ax = figure_for(sequence).axes[0]
    lines = {line.get_label(): line for line in energy_ax.get_lines()}
    arc = lines["arc target"]
    total_min = sequence.duration_s / 60
    assert PROFILE.arc is not None
    for x, y in zip(*_xy(arc), strict=True):
        assert y == pytest.approx(target_at(PROFILE.arc, x / total_min))
    steps = [
        (*_xy(line), line.get_linestyle())
        for line in energy_ax.get_lines()
        if len(_xy(line)[0]) == 2 and _xy(line)[1][0] == _xy(line)[1][1] and line.get_linewidth() > 2
    ]
    assert steps == [([0.0, 5.0], [0.3, 0.3], ":"), ([5.0, 9.0], [0.6, 0.6], "-"), ([13.5, 20.0], [0.4, 0.4], "-")]
    assert "energy unknown" in lines


def test_transition_bars_are_the_costs(sequence: Sequence) -> None:
    """One bar per join at its time, as high as the transition's total cost; rough ones hatched."""
    cost_ax = figure_for(sequence).axes[1]
    bars = [bar for bar in cost_ax.patches if isinstance(bar, Rectangle)]
    assert len(bars) == len(cost_ax.patches)
    expected = [s.transition.total for s in sequence.steps[1:] if s.transition is not None]
    assert [bar.get_height() for bar in bars] == pytest.approx(expected)
    starts = [s.start_s / 60 for s in sequence.steps[1:]]
    assert [bar.get_x() + bar.get_width() / 2 for bar in bars] == pytest.approx(starts)
    colours = {bar.get_facecolor() for bar in bars}
    assert len(colours) == len({round(c, 6) for c in expected})
    assert all(bool(bar.get_hatch()) == (cost >= 0.35) for bar, cost in zip(bars, expected, strict=True))


def test_mood_ribbon_stacks_shares(sequence: Sequence) -> None:
    """Mood layers are named in the legend and stack to 1 over a track with moods, 0 without."""
    mood_ax = figure_for(sequence).axes[2]
    legend = mood_ax.get_legend()
    assert legend is not None
    names = [text.get_text() for text in legend.get_texts()]
    assert names[0] == "night-driving" and set(names) == {"night-driving", "brooding", "atmospheric"}
    tops = [float(np.asarray(c.get_paths()[0].vertices)[:, 1].max()) for c in mood_ax.collections]
    assert max(tops) == pytest.approx(1.0)
    assert len(mood_ax.collections) == 3


def test_svg_is_inline_ready(sequence: Sequence) -> None:
    """plot_svg gives one <svg> element with text as paths: no fonts, no external references."""
    svg = plot_svg(sequence)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<text" not in svg and "@font-face" not in svg and "<image" not in svg
    assert plot_svg(sequence) == svg, "the SVG is reproducible"


def test_bad_paths_are_user_errors(sequence: Sequence, tmp_path: Path) -> None:
    """A missing folder or an unknown image suffix is a MoodseqError with a hint, not a traceback."""
    with pytest.raises(OutputFileError, match="does not exist"):
        plot_sequence(sequence, tmp_path / "nope" / "x.png")
    with pytest.raises(OutputFileError, match=r"\.txt is not an image format"):
        plot_sequence(sequence, tmp_path / "x.txt")
    assert list(tmp_path.iterdir()) == []


def test_svg_and_pdf_by_suffix(sequence: Sequence, tmp_path: Path) -> None:
    """The suffix picks the format."""
    plot_sequence(sequence, tmp_path / "a.svg")
    plot_sequence(sequence, tmp_path / "a.pdf")
    assert (tmp_path / "a.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_importing_the_module_does_not_import_matplotlib() -> None:
    """matplotlib loads only when a plot is drawn."""
    code = "import sys, sequencer.adapters.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_track_numbers_never_crowd() -> None:
    """With many tracks the top axis names a spaced subset (always track 1); with few, every one."""
    many = [Track(f"m{i}", f"S{i}", (f"A{i}",), 60.0 + (i % 3) * 20, energy=0.5) for i in range(150)]
    figure = figure_for(make_sequence(many, PROFILE))
    (top,) = figure.axes[0].child_axes  # the secondary x axis of the energy panel
    ticks = list(top.get_xticks())
    labels = [label.get_text() for label in top.get_xticklabels()]
    assert labels[0] == "1" and 10 < len(labels) <= 36
    gap = sum(t.duration_s for t in many) / 60 / 36
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ticks))
    few = figure_for(make_sequence(TRACKS, PROFILE))
    (few_top,) = few.axes[0].child_axes
    assert [label.get_text() for label in few_top.get_xticklabels()] == ["1", "2", "3", "4"]


def test_plot_file_gets_ordinary_permissions(sequence: Sequence, tmp_path: Path) -> None:
    """The PNG is readable like any export (umask), not left with a temp file's 0600."""
    import os

    umask = os.umask(0o022)
    try:
        target = tmp_path / "p.png"
        plot_sequence(sequence, target)
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644


def test_names_beyond_the_font_plot_without_warnings(tmp_path: Path) -> None:
    """A profile or track name in a script the plot font lacks (CJK) still plots, PNG and SVG,
    without a matplotlib warning reaching the user (pytest turns warnings into errors)."""
    tracks = [Track("k", "夜の街", ("東京",), 240.0, moods={"night-driving": 0.9}, energy=0.5)]
    sequence = make_sequence(tracks, Profile(name="夜 drive", minutes=4), seed=1)
    plot_sequence(sequence, tmp_path / "night.png")
    assert (tmp_path / "night.png").stat().st_size > 0
    assert plot_svg(sequence).startswith("<svg")


def test_plot_path_can_be_checked_before_the_build(tmp_path: Path) -> None:
    """check_plot_path refuses what plot_sequence would refuse (missing folder, unknown suffix)
    without a sequence, so the CLI can fail before building; good names pass."""
    with pytest.raises(OutputFileError, match="does not exist"):
        check_plot_path(tmp_path / "nope" / "x.png")
    with pytest.raises(OutputFileError, match=r"\.txt is not an image format"):
        check_plot_path(tmp_path / "x.txt")
    for name in ("x.png", "x.svg", "x.pdf", "x.PNG"):
        check_plot_path(tmp_path / name)


def test_sound_map_panel_places_the_playlist_in_its_library(sequence: Sequence, tmp_path: Path) -> None:
    """With a sound map, a fourth panel shows the library sample and the playlist's tracks
    joined in order, numbered as in the energy panel (a track without a vector is left out)."""
    from sequencer.adapters.sound_space import SoundMap

    sound_map = SoundMap(
        background=np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]),
        playlist=[(0.5, 0.5), (1.5, 0.2), None, (0.1, 0.9)],
    )
    figure = figure_for(sequence, sound_map)
    assert figure.axes[0].get_title() == figure_for(sequence).axes[0].get_title()
    map_ax = figure.axes[-1]
    assert _xy(map_ax.get_lines()[0]) == ([0.5, 1.5, 0.1], [0.5, 0.2, 0.9])
    assert [t.get_text() for t in map_ax.texts] == ["1", "2", "4"]
    assert "3 tracks" in map_ax.get_title() and "1 without a sound vector" in map_ax.get_title()
    path = tmp_path / "night.png"
    plot_sequence(sequence, path, sound_map=sound_map)
    assert _png_size(path)[0] > 1650


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_raster_formats_without_metadata_are_written(sequence: Sequence, tmp_path: Path, suffix: str) -> None:
    """A JPEG (or WebP) plot is written (it was a ValueError traceback after the build:
    "metadata not supported for format 'jpeg'")."""
    path = tmp_path / f"night{suffix}"
    plot_sequence(sequence, path)
    head = path.read_bytes()[:12]
    assert head.startswith(b"\xff\xd8") if suffix == ".jpg" else head[8:12] == b"WEBP"


@pytest.mark.parametrize("name", ["x.pgf", "x.raw", "x.eps"])
def test_formats_that_fail_or_are_no_image_are_refused_before_drawing(tmp_path: Path, name: str) -> None:
    """.pgf needs LaTeX (a RuntimeError traceback), .raw is bare pixels, .eps drops
    transparency with a warning: each is a one-line error with the formats to use."""
    with pytest.raises(OutputFileError, match="is not an image format moodseq writes") as info:
        check_plot_path(tmp_path / name)
    assert info.value.hint is not None and ".png" in info.value.hint
