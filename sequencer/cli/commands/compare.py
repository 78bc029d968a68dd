"""`moodseq compare A.json B.json`: two saved sequences side by side (flow, arc, fit, overlap)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.complete import complete_profiles
from sequencer.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    from sequencer.core.profile import Profile


@click.command()
@click.argument("file_a", metavar="A.json", type=click.Path(path_type=Path))
@click.argument("file_b", metavar="B.json", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    "profile_ref",
    metavar="NAME",
    shell_complete=complete_profiles,
    help="Score both against this profile (default: A's, else B's, else none).",
)
@pass_app
def cli(app: AppContext, /, file_a: Path, file_b: Path, profile_ref: str | None) -> None:
    """Compare two saved sequences (moodseq's JSON, .jspf, .xspf, .m3u8 or CSV
    track lists): flow cost, arc
    error, mood fit and overlap.

    Both are scored against the same profile so the numbers are comparable. Overlap counts
    shared songs (Jaccard) and how alike their order is (Kendall tau).
    Example: moodseq compare night.json night-v2.json
    """
    from sequencer.cli.compare_view import compare, comparison_lines
    from sequencer.cli.saved import load_file
    from sequencer.core.profile import Profile
    from sequencer.core.sequence import make_sequence

    loaded_a = load_file(app, file_a)
    loaded_b = load_file(app, file_b)
    if profile_ref is not None:
        from sequencer.adapters.profiles_toml import load_profile

        profile = load_profile(profile_ref, app.user_profiles_dir, app.vocabulary())
    else:
        profile = loaded_a.profile or loaded_b.profile or Profile(name="none")
        _note_profile(app, profile, loaded_a.profile, loaded_b.profile)
    from sequencer.cli.saved import from_library, is_bare

    tracks_a, tracks_b = list(loaded_a.tracks), list(loaded_b.tracks)
    if is_bare(loaded_a):
        tracks_a = from_library(app, tracks_a, source=str(file_a))
    if is_bare(loaded_b):
        tracks_b = from_library(app, tracks_b, source=str(file_b))
    seq_a = make_sequence(tracks_a, profile, seed=loaded_a.seed)
    seq_b = make_sequence(tracks_b, profile, seed=loaded_b.seed)
    profiled = profile_ref is not None or loaded_a.profile is not None or loaded_b.profile is not None
    for line in comparison_lines(compare(seq_a, seq_b), file_a.name, file_b.name, profiled=profiled):
        click.echo(line)


def _note_profile(app: AppContext, used: Profile, a: Profile | None, b: Profile | None) -> None:
    """Say on stderr when the files disagree on (or lack) a profile."""
    if a is None and b is None:
        app.say(
            "note: neither file has a profile; mood fit and arc error are 0 (use --profile NAME to score against one)"
        )
    elif a is not None and b is not None and a != b:
        app.say(
            f"note: the files were built with different profiles ({a.name}, {b.name}); "
            f"both are scored against {used.name} (choose with --profile NAME)"
        )
