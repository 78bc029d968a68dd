"""A listening review of every built-in profile, as a new user would make it (docs/listening.md).

Imports both shared Spotify catalogs into one library (35.8k tracks), runs ``moods infer``,
builds every built-in profile with seeds 1–4 through the installed CLI, and reads the picks
the way a fan of Drive / Blade Runner / The Crow would: artist, title, genres, energy, tempo.

Figures per profile (``--json`` writes them for comparison, the text report is markdown):

- **contradictions**: picks that contradict the context, by their genres and attributes
  (:func:`contradiction`): rap, latin, reggaeton, tropical or big room in night-drive and
  rain-city; a pop/EDM/latin/rap hit as a catharsis storm; a sung track in study; a club or
  rap track on the train ride;
- **no genre evidence**: share of picks without any genre or crowd tag, against the library's;
- catharsis: peak energy per build and picks with the angsty mood;
- the mean pairwise overlap of the four seeds' tracks, and one example playlist per profile.

Usage::

    python benchmarks/listening.py --library /tmp/listen.db [--json out.json] [--examples 1]

The library is imported when the file does not exist (delete it to re-import).
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CATALOGS = (
    SHARED / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz",
    SHARED / "spotify_10k_playlist" / "spotify_songs.csv",
)
PROFILES = ("night-drive", "rain-city", "train-ride", "catharsis", "study")
SEEDS = (1, 2, 3, 4)

#: Genres a listener hears as wrong in a night drive (and in Blade Runner's rain).
NIGHT_WRONG = ("rap", "latin", "reggaeton", "tropical", "big room", "trap", "hip hop", "latin pop", "latin hip hop")
#: Genres of the party and the rap verse: wrong on Paris, Texas' train.
TRAIN_WRONG = (
    "reggaeton",
    "tropical",
    "big room",
    "trap",
    "gangster rap",
    "southern hip hop",
    "latin hip hop",
    "pop edm",
    "progressive electro house",
    "electro house",
)
#: Genres of a pop hit (wrong as a catharsis storm unless rock/metal/industrial is there too).
POP_HIT = ("pop", "dance pop", "post-teen pop", "edm", "latin", "rap", "r&b", "tropical", "big room", "electropop")
ROCK = (
    "rock",
    "hard rock",
    "album rock",
    "classic rock",
    "permanent wave",
    "metal",
    "grunge",
    "industrial",
    "punk",
    "alternative",
    "alternative rock",
    "alternative metal",
    "nu metal",
)
STORM_ENERGY = 0.75


def run(args: list[str], library: Path) -> str:
    """Run the installed CLI on ``library``; stdout."""
    exe = Path(sys.executable).with_name("moodseq")
    done = subprocess.run(
        [str(exe), "--plain", "--library", str(library), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"moodseq {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(library: Path) -> None:
    """Import both catalogs and infer moods, unless the library exists."""
    if library.exists():
        return
    run(["import", "csv", *map(str, CATALOGS)], library)
    run(["moods", "infer"], library)


def genres_of(library: Path) -> dict[str, tuple[str, ...]]:
    """Track id → its genres and crowd tags (lower case)."""
    from sequencer.adapters.library.store import Store

    with Store.open(library) as store:
        tags = store.tags_bulk()
        ids = [str(i) for i in store.feature_table().ids]
    return {i: tuple(sorted({t.lower() for t in tags.get(i, {})})) for i in ids}


def _has(genres: tuple[str, ...], names: tuple[str, ...]) -> bool:
    return any(g in names for g in genres)


def contradiction(profile: str, track: dict[str, Any], genres: tuple[str, ...]) -> str | None:
    """Why a pick contradicts ``profile`` to a listener (None = it does not)."""
    attrs = track.get("attributes", {})
    energy = attrs.get("energy")
    if profile in ("night-drive", "rain-city") and _has(genres, NIGHT_WRONG):
        return "/".join(g for g in genres if g in NIGHT_WRONG)
    if profile == "train-ride" and _has(genres, TRAIN_WRONG):
        return "/".join(g for g in genres if g in TRAIN_WRONG)
    storm = profile == "catharsis" and energy is not None and energy >= STORM_ENERGY
    if storm and _has(genres, POP_HIT) and not _has(genres, ROCK):
        return "pop hit as a storm"
    if profile == "study":
        inst = attrs.get("instrumentalness")
        if inst is not None and inst < 0.3:
            return "sung"
        if _has(genres, ("reggaeton", "big room", "trap", "gangster rap", "tropical")):
            return "club/trap"  # (lo-fi beats are filed under hip hop/rap: those are fine)
    return None


def build(library: Path, profile: str, seed: int) -> dict[str, Any]:
    """One build as JSON (plus its wall time)."""
    began = time.perf_counter()
    out = run(["build", profile, "--seed", str(seed), "--format", "json", "-o", "-"], library)
    data: dict[str, Any] = json.loads(out)
    data["_wall"] = time.perf_counter() - began
    return data


def review(library: Path, examples: int) -> dict[str, Any]:
    """Every profile × seed: the figures of the module docstring."""
    prepare(library)
    genres = genres_of(library)
    library_untagged = sum(1 for g in genres.values() if not g) / max(1, len(genres))
    report: dict[str, Any] = {"library": len(genres), "library_no_genre": library_untagged, "profiles": {}}
    for profile in PROFILES:
        builds = [build(library, profile, seed) for seed in SEEDS]
        picks = [t for b in builds for t in b["tracks"]]
        bad = []
        for b in builds:
            for t in b["tracks"]:
                why = contradiction(profile, t, genres.get(t["id"], ()))
                if why:
                    bad.append(f"{', '.join(t['artists'])} - {t['title']} ({why})")
        sets = [{t["id"] for t in b["tracks"]} for b in builds]
        overlaps = [len(a & b) / max(1, min(len(a), len(b))) for a, b in itertools.combinations(sets, 2)]
        entry: dict[str, Any] = {
            "picks": len(picks),
            "contradictions": len(bad),
            "contradicting": bad,
            "no_genre": sum(1 for t in picks if not genres.get(t["id"])) / max(1, len(picks)),
            "overlap": sum(overlaps) / max(1, len(overlaps)),
            "warnings": sorted({w for b in builds for w in b.get("warnings", [])}),
            "wall_s": max(b["_wall"] for b in builds),
            "playlists": [[_line(t, genres) for t in b["tracks"]] for b in builds[:examples]],
            "builds": [[_raw(t) for t in b["tracks"]] for b in builds],
        }
        if profile == "catharsis":
            entry["peak_energy"] = [
                max((t.get("attributes", {}).get("energy") or 0.0) for t in b["tracks"]) for b in builds
            ]
            entry["angsty_picks"] = sum(1 for t in picks if (t.get("moods") or {}).get("angsty", 0) >= 0.4)
        report["profiles"][profile] = entry
    return report


def _raw(track: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "artists", "title", "attributes", "moods")
    return {k: track.get(k) for k in keep}


def _line(track: dict[str, Any], genres: dict[str, tuple[str, ...]]) -> str:
    attrs = track.get("attributes", {})
    energy, tempo = attrs.get("energy"), attrs.get("tempo")
    tags = ", ".join(genres.get(track["id"], ())[:3]) or "no genre"
    e = f"{energy:.2f}" if energy is not None else "?"
    bpm = f"{tempo:.0f}" if tempo is not None else "?"
    return f"{', '.join(track['artists'])} - {track['title']} [{tags}] e {e}, {bpm} BPM"


def markdown(report: dict[str, Any]) -> str:
    """The figures as markdown."""
    lines = [
        f"library: {report['library']:,} tracks, {100 * report['library_no_genre']:.0f} % without genre evidence",
        "",
        "| profile | picks (4 seeds) | contradicting | no genre evidence | seed overlap | extra |",
        "|---|---|---|---|---|---|",
    ]
    for name, e in report["profiles"].items():
        extra = ""
        if "peak_energy" in e:
            peaks = ", ".join(f"{p:.2f}" for p in e["peak_energy"])
            extra = f"peak energy {peaks}; angsty picks {e['angsty_picks']}"
        lines.append(
            f"| {name} | {e['picks']} | {e['contradictions']} | {100 * e['no_genre']:.0f} % | "
            f"{e['overlap']:.2f} | {extra} |"
        )
    for name, e in report["profiles"].items():
        lines += ["", f"### {name}", ""]
        if e["contradicting"]:
            lines.append("contradicting: " + "; ".join(e["contradicting"][:12]))
        if e["warnings"]:
            lines.append("warnings: " + " | ".join(e["warnings"]))
        for playlist in e["playlists"]:
            lines.append("")
            lines.extend(f"{k}. {line}" for k, line in enumerate(playlist, 1))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--examples", type=int, default=1)
    args = parser.parse_args()
    report = review(args.library, args.examples)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown(report))


if __name__ == "__main__":
    main()
