"""What one input may make moodseq read is capped, and the cap is said (issue #12: a 580 KB
.csv.gz took 3.5 GB of memory)."""

from __future__ import annotations

import gzip
import resource
from pathlib import Path

import pytest

from sequencer.adapters.importers import source, tabular
from sequencer.adapters.importers.tabular import read_table
from sequencer.errors import InputFileError

ROW = b"Nightcall,Kavinsky,257000\n"


def _bomb(path: Path, rows: int) -> Path:
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b"title,artist,duration_ms\n")
        for _ in range(rows // 10_000):
            out.write(ROW * 10_000)
    return path


def test_a_gzip_bomb_is_refused_without_being_held(tmp_path: Path) -> None:
    """A 1.6 MB gzip of 270 MB: refused by size in constant memory (before, a 760 KB one of 312 MB: 65 s, MemoryError
    at 5.9 GB)."""
    path = _bomb(tmp_path / "bomb.csv.gz", 10_400_000)
    assert path.stat().st_size < 3_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputFileError, match="decompresses to more than 256 MB of text") as info:
        read_table(path)
    assert info.value.hint is not None and "split it" in info.value.hint
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64


def test_a_plain_file_over_the_byte_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncompressed text over the cap: the same one-line error (read stops at the cap)."""
    monkeypatch.setattr(source, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"title,artist\n" + ROW * 100)
    with pytest.raises(InputFileError, match="holds more than 0 MB of text"):
        read_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_more_rows_than_the_cap_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Rows (or JSON items) over the cap: refused before anything is written, saying the cap."""
    monkeypatch.setattr(tabular, "MAX_ROWS", 50)
    path = tmp_path / f"many{suffix}"
    if suffix == ".csv":
        path.write_text("title,artist\n" + "a,b\n" * 51, encoding="utf-8")
    else:
        path.write_text("[" + ",".join(['{"title": "a", "artist": "b"}'] * 51) + "]", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"has more than 50 (rows|items)"):
        read_table(path)
    path.write_text(
        "title,artist\n" + "a,b\n" * 50
        if suffix == ".csv"
        else "[" + ",".join(['{"title": "a", "artist": "b"}'] * 50) + "]",
        encoding="utf-8",
    )
    assert read_table(path).report.rows_read == 50


def test_several_gzip_members_are_read_whole(tmp_path: Path) -> None:
    """`cat a.gz b.gz` is a valid gzip: both members are read (as gzip.decompress did)."""
    path = tmp_path / "two.csv.gz"
    path.write_bytes(gzip.compress(b"title,artist\nNightcall,Kavinsky\n") + gzip.compress(b"Roadgame,Kavinsky\n"))
    assert [r.track.title for r in read_table(path).records] == ["Nightcall", "Roadgame"]
