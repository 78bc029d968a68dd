"""The sound space on the two shared catalogs together (35.8k tracks): coverage, neighbours, time.

    python benchmarks/sound_space.py                      # imports both catalogs into a temp library
    python benchmarks/sound_space.py --library lib.db     # a library that has them already

Prints (markdown): the share of tracks with a sound vector and what it rests on; for a few
anchors (a synthwave/electropop track, a hard rock track, a latin track…) their ten nearest
neighbours in sound with their genres; the time of a cold sound update (every vector computed
and compared), of an unchanged one (skipped by the evidence stamp), and of `moods infer`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CATALOGS = (
    SHARED / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz",
    SHARED / "spotify_10k_playlist" / "spotify_songs.csv",
)
ANCHORS = (
    "Gunship - Tech Noir",
    "Kavinsky - Nightcall",
    "The Midnight - Wave",
    "AC/DC - Highway to Hell",
    "Soundgarden - Black Hole Sun",
    "Daddy Yankee - Si Supieras",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=None)
    args = parser.parse_args()
    from sequencer.adapters.importers.tabular import import_table
    from sequencer.adapters.library.store import Store
    from sequencer.adapters.mood_inference import infer_library
    from sequencer.adapters.moods_file import load_moods
    from sequencer.adapters.sound_space import explain_sound, update_sound

    with tempfile.TemporaryDirectory() as temp:
        path = args.library or Path(temp) / "library.db"
        with Store.open(path) as store:
            if store.count() == 0:
                for catalog in CATALOGS:
                    import_table(store, catalog)
            store.set_meta("sound_update", None)
            start = time.perf_counter()
            summary = update_sound(store)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            update_sound(store)
            warm = time.perf_counter() - start
            start = time.perf_counter()
            infer_library(store, load_moods(Path(temp) / "none.toml"))
            infer = time.perf_counter() - start
            n = summary.tracks
            print(f"## Sound space on {n:,} tracks\n")
            print(f"- with a sound vector: {summary.with_vector:,} ({summary.with_vector / n:.1%})")
            print(f"- resting on genres/tags: {summary.from_genres:,} ({summary.from_genres / n:.1%})")
            print(f"- resting on playlists: {summary.from_playlists:,} ({summary.from_playlists / n:.1%})")
            print(f"- resting on audio attributes: {summary.from_audio:,} ({summary.from_audio / n:.1%})")
            print(f"- cold sound update (all computed, {summary.written:,} written): {cold:.2f} s")
            print(f"- unchanged library (skipped): {warm:.2f} s; moods inference alone: {infer:.2f} s\n")
            for ref in ANCHORS:
                try:
                    track = store.find(ref)
                except Exception as error:
                    print(f"### {ref}: not found ({error})\n")
                    continue
                near = explain_sound(store, track, neighbours=10)
                print(f"### {track.name} [{', '.join(track.genres) or 'no genre'}] ({track.year})\n")
                print("nearest genres: " + ", ".join(f"{g} {c:.2f}" for g, c in near.genres) + "\n")
                for other, cos in near.tracks:
                    genres = ", ".join(other.genres) or "no genre"
                    print(f"1. {cos:.2f} {other.name} [{genres}]")
                print()


if __name__ == "__main__":
    main()
