"""The HTML report opens in a real browser, offline: headless Chromium shows the table and the plot.

Skipped when no Chromium is installed (Debian: ``apt-get install -y chromium``).  Chromium runs
with networking features off and a throw-away profile; the page is a local file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sequencer.adapters.plot import ENERGY_COLOUR
from sequencer.adapters.report_html import write_report
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track

CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


def _sequence() -> Sequence:
    tracks = [
        Track(
            f"t{i}",
            f"Song {i}",
            (f"Artist {i}",),
            200.0 + 10 * i,
            moods={"night-driving": 0.5 + i / 20, "brooding": 0.9 - i / 20},
            energy=0.3 + i / 20,
            tempo=90.0 + i,
            key=i % 12,
            mode=i % 2,
        )
        for i in range(8)
    ]
    profile = Profile(
        name="night-drive", minutes=30, moods={"night-driving": 1.0}, arc=((0.0, 0.4), (0.6, 0.7), (1.0, 0.4))
    )
    return make_sequence(tracks, profile, seed=3)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report written to a temporary folder."""
    path = tmp_path_factory.mktemp("report") / "night.html"
    write_report(_sequence(), path)
    return path


def test_dom_has_table_and_plot(report: Path, tmp_path: Path) -> None:
    """Chromium's DOM after loading holds the 8-row track table, 7 transitions and the SVG plot."""
    result = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    tracks = re.search(r'<table id="tracks">(.*?)</table>', dom, re.S)
    transitions = re.search(r'<table id="transitions">(.*?)</table>', dom, re.S)
    assert tracks is not None and transitions is not None
    assert tracks.group(1).count("<tr>") == 1 + 8
    assert transitions.group(1).count("<tr>") == 1 + 7
    assert "Artist 7" in tracks.group(1)
    plot = re.search(r'<figure id="plot"><svg[^>]*>(.*?)</svg>', dom, re.S)
    assert plot is not None and plot.group(1).count("<path") > 50


def test_screenshot_shows_the_plot(report: Path, tmp_path: Path) -> None:
    """A screenshot of the page's top holds the plot's energy colour: the SVG really renders."""
    from PIL import Image

    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, "--window-size=1200,1000", f"--screenshot={shot}", report.as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1200, 1000)
        wanted = tuple(int(ENERGY_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
        colours = rgb.getcolors(maxcolors=1_000_000) or []
    close = 0
    for count, colour in colours:
        assert isinstance(colour, tuple)
        if sum(abs(int(c) - w) for c, w in zip(colour, wanted, strict=True)) < 30:
            close += count
    assert close > 500, f"only {close} pixels of the energy line's colour"
