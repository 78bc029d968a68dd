"""The listening review's figures: every built-in profile × 4 seeds on both shared catalogs.

Runs the user's path through the CLI's own code (``import csv`` of both catalogs, ``moods
infer``, ``build PROFILE --seed S --format json``) into a temporary library, then reads the
playlists as a fan of the project's soundtracks would and counts:

- picks that contradict the context (rap, latin, reggaeton, tropical, big room, house/EDM or
  chart pop in night-drive and rain-city; pop/EDM/latin/rap/r&b hits as catharsis storms; sung
  low-energy pop/r&b tracks — vocal ballads — in study);
- the share of picks with no genre evidence, against the library's share;
- the share of transitions that change genre family (the catalog's six playlist genres);
- catharsis: peak energy and the count of storm tracks (energy ≥ 0.8);
- seeds: mean pairwise song overlap (Jaccard), whether any two seeds are one reversed, and
  how near two seeds come to it: the lowest rank correlation (Spearman) of the positions of the
  songs two seeds share (five or more), −1 = the shared songs in exactly opposite orders.

``python benchmarks/listening.py [--seeds 4] [--show 2]`` prints a Markdown report (the source
of ``docs/listening.md``'s tables) and, with ``--show N``, the first N playlists per profile.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.walk.variants import order_agreement as shared_order_agreement

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CATALOGS = (
    SHARED / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz",
    SHARED / "spotify_10k_playlist" / "spotify_songs.csv",
)
PROFILES = ("night-drive", "train-ride", "study", "rain-city", "catharsis")
FAMILIES = ("edm", "rap", "pop", "r&b", "latin", "rock")

#: Genre words that contradict a context (matched as whole genre labels or their words).
_NIGHT_WRONG = (
    "rap", "hip hop", "trap", "gangster rap", "southern hip hop", "latin", "latin pop", "latin hip hop",
    "reggaeton", "tropical", "big room", "electro house", "progressive electro house", "pop edm",
    "dance pop", "post-teen pop", "hip pop", "new jack swing", "urban contemporary",
)  # fmt: skip
_STORM_WRONG = ("pop", "edm", "latin", "rap", "r&b", "dance pop", "post-teen pop", "pop edm", "big room", "tropical")
_BALLAD_FAMILIES = ("pop", "r&b", "latin", "rap", "dance pop", "post-teen pop", "urban contemporary", "neo soul")


def _run(args: list[str], env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"moodseq {' '.join(args)} failed ({result.exit_code}): {result.output[-2000:]}")


def _genres(track: dict[str, Any]) -> list[str]:
    return [g.lower() for g in track.get("genres") or []]


def contradiction(profile: str, track: dict[str, Any]) -> str | None:
    """Why ``track`` contradicts ``profile`` (None when it does not)."""
    genres = _genres(track)
    attrs = track.get("attributes") or {}
    energy = attrs.get("energy")
    if profile in ("night-drive", "rain-city"):
        wrong = [g for g in genres if g in _NIGHT_WRONG]
        return f"{wrong[0]} in {profile}" if wrong else None
    if profile == "catharsis" and energy is not None and energy >= 0.8:
        if genres and all(g in _STORM_WRONG for g in genres):
            return f"{genres[-1]} hit as a storm"
        return None
    if profile == "study":
        vocal = attrs.get("instrumentalness") is not None and attrs["instrumentalness"] < 0.3
        if vocal and any(g in _BALLAD_FAMILIES for g in genres):
            return "sung " + genres[-1]
        if any(g in ("rap", "gangster rap", "trap", "hip hop", "southern hip hop") for g in genres) and vocal:
            return "rap in study"
    if profile == "train-ride":
        wrong = [g for g in genres if g in ("big room", "reggaeton", "gangster rap", "trap", "pop edm")]
        return f"{wrong[0]} on a train ride" if wrong else None
    return None


def family(track: dict[str, Any]) -> str | None:
    """The catalog's genre family of a track (None without one)."""
    return next((g for g in _genres(track) if g in FAMILIES), None)


def build_all(
    seeds: int, work: Path, library: Path | None = None, profiles: tuple[str, ...] = PROFILES
) -> tuple[dict[str, list[dict[str, Any]]], float, int]:
    """Import, infer (unless ``library`` exists already) and build every profile × seed; the
    playlists, the library's no-genre share and its size."""
    env = {
        "MOODSEQ_CONFIG_DIR": str(work / "config"),
        "MOODSEQ_DATA_DIR": str(work / "data"),
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / "xdg"),
    }
    if library is None or not library.exists():
        library = library or work / "library.db"
        _run(["--quiet", "--library", str(library), "import", "csv", *map(str, CATALOGS)], env)
        _run(["--quiet", "--library", str(library), "moods", "infer"], env)
    with Store.open(library) as store:
        stats = store.stats()
    no_genre = 1 - stats["tags"] / stats["tracks"]
    out: dict[str, list[dict[str, Any]]] = {}
    for profile in profiles:
        out[profile] = []
        for seed in range(1, seeds + 1):
            target = work / f"{profile}-{seed}.json"
            args = ["--quiet", "--library", str(library), "build", profile, "--seed", str(seed)]
            _run([*args, "--format", "json", "-o", str(target)], env)
            out[profile].append(json.loads(target.read_text(encoding="utf-8")))
    return out, no_genre, int(stats["tracks"])


def _songs(doc: dict[str, Any]) -> list[str]:
    return [f"{(t['artists'] or ['?'])[0].lower()}|{t['title'].lower()}" for t in doc["tracks"]]


def order_agreement(a: list[str], b: list[str]) -> float | None:
    """Spearman's rank correlation of the positions of the songs ``a`` and ``b`` share (None
    when they share fewer than five): 1 = the same order, −1 = reversed (the engine's own
    measure, :func:`sequencer.core.walk.variants.order_agreement`)."""
    return shared_order_agreement(a, b, least=5)


def profile_row(profile: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one profile over its seeds."""
    tracks = [t for d in docs for t in d["tracks"]]
    bad = [(t, why) for t in tracks if (why := contradiction(profile, t))]
    hops = [(a, b) for d in docs for a, b in itertools.pairwise(d["tracks"])]
    known = [(family(a), family(b)) for a, b in hops if family(a) and family(b)]
    sets = [set(_songs(d)) for d in docs]
    overlaps = [len(a & b) / len(a | b) for a, b in itertools.combinations(sets, 2)]
    orders = [_songs(d) for d in docs]
    reversed_pair = any(a == b[::-1] and len(a) > 1 for a, b in itertools.permutations(orders, 2))
    agreements = [r for a, b in itertools.combinations(orders, 2) if (r := order_agreement(a, b)) is not None]
    energies = [t["attributes"]["energy"] for t in tracks if "energy" in (t.get("attributes") or {})]
    return {
        "profile": profile,
        "picks": len(tracks),
        "contradictions": len(bad),
        "examples": bad[:4],
        "no_genre": sum(1 for t in tracks if not t.get("genres")) / max(1, len(tracks)),
        "family_changes": sum(1 for a, b in known if a != b) / max(1, len(known)),
        "overlap": statistics.mean(overlaps) if overlaps else 0.0,
        "reversed": reversed_pair,
        "agreement": min(agreements, default=float("nan")),
        "peak_energy": max(energies, default=float("nan")),
        "storms": sum(1 for e in energies if e >= 0.8),
        "objectives": [d["summary"]["total"] for d in docs],
    }


def _name(t: dict[str, Any]) -> str:
    return f"{', '.join(t['artists'])} - {t['title']}"


def report(seeds: int, show: int, library: Path | None = None, profiles: tuple[str, ...] = PROFILES) -> None:
    """Build everything and print the Markdown report."""
    with tempfile.TemporaryDirectory(prefix="moodseq-listen-") as tmp:
        playlists, no_genre, size = build_all(seeds, Path(tmp), library, profiles)
    print(f"Library: both shared catalogs, {size:,} tracks; {no_genre:.0%} have no genre evidence.\n")
    print("| profile | picks | contradict | no genre | family changes | seed overlap | reversed | lowest order "
          "agreement | peak energy | storms ≥ 0.8 | objective spread |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [profile_row(p, playlists[p]) for p in profiles]
    for r in rows:
        best = min(r["objectives"])
        spread = max(r["objectives"]) / best - 1 if best > 0 else 0.0
        print(
            f"| {r['profile']} | {r['picks']} | {r['contradictions']} | {r['no_genre']:.0%} | "
            f"{r['family_changes']:.0%} | {r['overlap']:.2f} | {'yes' if r['reversed'] else 'no'} | "
            f"{r['agreement']:+.2f} | "
            f"{r['peak_energy']:.2f} | {r['storms']} | +{spread:.1%} |"
        )
    for r in rows:
        if r["examples"]:
            print(
                f"\n{r['profile']} contradictions, e.g.: "
                + "; ".join(f"{_name(t)} ({why})" for t, why in r["examples"])
            )
    for profile in profiles:
        for doc in playlists[profile][:show]:
            print(f"\n### {profile}, seed {doc['seed']} — {doc['summary']['minutes']:.0f} min, "
                  f"flow {doc['summary']['flow_cost']:.3f}, fit {doc['summary']['mood_fit']:.2f}\n")  # fmt: skip
            for t in doc["tracks"]:
                a = t.get("attributes") or {}
                genre = ", ".join((t.get("genres") or [])[:2]) or "no genre"
                tempo = f"{a['tempo']:.0f} BPM" if "tempo" in a else "tempo ?"
                energy = f"{a['energy']:.2f}" if "energy" in a else "?"
                print(f"- {_name(t)} [{genre}; energy {energy}; {tempo}]")


def main() -> None:
    """Command line: ``--seeds N`` (default 4), ``--show N`` playlists printed per profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--show", type=int, default=1)
    parser.add_argument("--library", type=Path, help="reuse this library (imported and inferred into it if missing)")
    parser.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=PROFILES)
    args = parser.parse_args()
    os.environ.setdefault("MOODSEQ_NO_COLOR", "1")
    report(args.seeds, args.show, args.library, tuple(args.profiles))


if __name__ == "__main__":
    main()
