"""Benchmark libraries: the shared tidytuesday catalog and synthetic ones, as feature tables.

Each library is written once to a cache folder in the form the store keeps beside its
database (an uncompressed ``.npz`` with ``ids, mood_names, moods, attrs, explicit``), plus
memory-mapped ``.npy`` columns with titles, artists and albums: the benchmark reads the table
as the store does and fetches only the chosen rows' names, as ``store.tracks_by_ids`` would.

Moods are derived from the audio features (the same rules for the catalog and the synthetic
tracks), so the mood/energy structure is realistic without hand labels:

- atmospheric: acoustic or instrumental, calm;       - brooding: low valence, mid energy;
- angsty: loud, energetic, low valence;              - night-driving: energy ≈ 0.65, steady tempo;
- study: instrumental, not speechy, calm.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sequencer.core.features import COLUMNS
from sequencer.core.moods import BUILTIN_MOODS

Floats = npt.NDArray[Any]
CATALOG = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "spotify_songs_tidytuesday"
    / "spotify_songs.csv.gz"
)
_ATTRS = (
    "tempo",
    "key",
    "mode",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "danceability",
    "loudness",
)


def derive_moods(a: dict[str, Floats]) -> Floats:
    """Mood weights (n × 5, BUILTIN_MOODS order) from audio-feature columns."""
    e, v, ac, ins = a["energy"], a["valence"], a["acousticness"], a["instrumentalness"]
    sp, loud, tempo = a["speechiness"], a["loudness"], a["tempo"]
    loud01 = np.clip((loud + 30.0) / 30.0, 0.0, 1.0)
    moods = np.stack(
        [
            0.5 * ac + 0.5 * ins + 0.4 * (1 - e) - 0.2,
            0.9 * (1 - v) - 0.6 * np.abs(e - 0.5),
            1.1 * e - 0.5 * v + 0.3 * loud01 - 0.45,
            1.0 - 2.2 * np.abs(e - 0.65) - np.abs(tempo - 112.0) / 120.0 + 0.2 * (1 - ac) - 0.1,
            0.7 * ins + 0.3 * (1 - sp * 3) + 0.5 * (1 - e) - 0.45,
        ],
        axis=1,
    )
    return np.clip(moods, 0.0, 1.0).astype(np.float32)


def synthetic_columns(n: int, seed: int) -> tuple[dict[str, Floats], Floats, list[npt.NDArray[np.str_]]]:
    """Spotify-like attribute distributions for ``n`` tracks; artists' track counts Pareto-distributed."""
    rng = np.random.default_rng(seed)
    a: dict[str, Floats] = {
        "energy": rng.beta(2.6, 1.7, n),
        "valence": rng.beta(2.0, 2.2, n),
        "acousticness": rng.beta(0.45, 1.6, n),
        "instrumentalness": np.where(rng.random(n) < 0.2, rng.beta(3, 1, n), rng.beta(0.3, 12, n)),
        "speechiness": rng.beta(1.1, 11, n),
        "danceability": rng.beta(5, 3, n),
        "loudness": np.clip(rng.normal(-7.5, 3.5, n), -40, 1),
        "tempo": np.clip(rng.normal(120, 28, n), 50, 220),
        "key": rng.integers(0, 12, n).astype(np.float64),
        "mode": (rng.random(n) < 0.58).astype(np.float64),
    }
    a = {k: np.asarray(v, dtype=np.float32) for k, v in a.items()}
    missing = rng.random(n) < 0.02  # a few tracks without tempo/key, as in real libraries
    a["tempo"][missing] = np.nan
    a["key"][missing] = np.nan
    duration = np.clip(rng.lognormal(np.log(225), 0.3, n), 60, 900).astype(np.float32)
    artists_n = max(10, n // 8)
    weights = rng.pareto(1.2, artists_n) + 1.0  # a few prolific artists, a long tail
    artist = rng.choice(artists_n, n, p=weights / weights.sum())
    ids = np.char.add("syn:", np.arange(n).astype(str))
    names = [
        np.char.add("Song ", np.arange(n).astype(str)),
        np.char.add("Artist ", artist.astype(str)),
        np.char.add("Album ", (artist * 3 + rng.integers(0, 3, n)).astype(str)),
    ]
    return {**a, "duration_s": duration}, ids.astype(np.str_), names


def catalog_columns(path: Path = CATALOG) -> tuple[dict[str, Floats], npt.NDArray[np.str_], list[npt.NDArray[np.str_]]]:
    """The tidytuesday catalog, one row per track id (the file repeats tracks per playlist)."""
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["track_id"] in seen:
                continue
            seen.add(row["track_id"])
            rows.append(row)

    def col(name: str) -> Floats:
        return np.array([float(r[name]) if r[name] not in ("", "NA") else np.nan for r in rows], dtype=np.float32)

    a = {name: col(name) for name in _ATTRS}
    a["duration_s"] = col("duration_ms") / 1000.0
    ids = np.array([f"spotify:{r['track_id']}" for r in rows], dtype=np.str_)
    names = [
        np.array([r[k] or "?" for r in rows], dtype=np.str_) for k in ("track_name", "track_artist", "track_album_name")
    ]
    return a, ids, names


def write_library(folder: Path, size: str, n: int, seed: int = 0) -> Path:
    """Write the library ``size`` (``28k`` = the catalog) to ``folder``; returns its .npz path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{size}.features.npz"
    if target.exists():
        return target
    attrs, ids, names = catalog_columns() if size == "28k" else synthetic_columns(n, seed)
    table = np.full((ids.size, len(COLUMNS)), np.nan, dtype=np.float32)
    for i, name in enumerate(COLUMNS):
        if name in attrs:
            table[:, i] = attrs[name]
    moods = derive_moods({k: np.nan_to_num(v, nan=120.0 if k == "tempo" else 0.0) for k, v in attrs.items()})
    temp = folder / f"{size}.tmp.npz"
    np.savez(
        temp,
        stamp=np.array("bench"),
        ids=ids,
        mood_names=np.array(BUILTIN_MOODS),
        moods=moods,
        attrs=table,
        explicit=np.zeros(ids.size, dtype=bool),
    )
    for label, column in zip(("titles", "artists", "albums"), names, strict=True):
        np.save(folder / f"{size}.{label}.npy", column)
    temp.replace(target)
    return target
