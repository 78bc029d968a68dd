"""`moodseq explain SEQUENCE.json`: why each track, what each transition costs;
`moodseq explain --why-not TRACK PROFILE`: what kept a track out of a profile's playlist."""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.complete import complete_profiles, complete_tracks
from sequencer.cli.context import AppContext, pass_app


@click.command()
@click.argument("target", metavar="SEQUENCE.json | PROFILE")
@click.option(
    "--why-not",
    "why_not",
    metavar="TRACK",
    shell_complete=complete_tracks,
    help='Build PROFILE and say what kept TRACK ("Artist - Title") out of it.',
)
@click.option("--seed", type=int, default=None, metavar="N", help="With --why-not: the seed of the build to ask about.")
@click.option(
    "--minutes",
    type=float,
    default=None,
    help="With --why-not: the target length of the build to ask about (as `build --minutes`).",
)
@click.option(
    "--profile",
    "profile_ref",
    metavar="NAME",
    shell_complete=complete_profiles,
    help="Explain SEQUENCE.json against this profile (default: the file's; a JSPF file has none).",
)
@pass_app
def cli(
    app: AppContext,
    /,
    target: str,
    why_not: str | None,
    seed: int | None,
    minutes: float | None,
    profile_ref: str | None,
) -> None:
    """Explain a saved sequence: per track why it was chosen (mood fit, energy against the
    arc), per transition its cost term by term, and a summary.

    SEQUENCE.json is a file written by `moodseq build --format json` (a .jspf, .xspf, an .m3u8 or a CSV
    track list such as an Exportify export is read too: tracks from your library); the explanation
    is recomputed from its tracks and profile. Example: moodseq explain night.json

    With --why-not TRACK, the argument is a PROFILE: moodseq builds it (as `moodseq build PROFILE
    --seed N --minutes M` would) and says what kept TRACK out: a hard rule, a mood below the minimum, not
    among the candidates, or how much worse the objective is with it.
    Example: moodseq explain --why-not "Kavinsky - Nightcall" night-drive --seed 1
    """
    if why_not is not None:
        if profile_ref is not None:
            from sequencer.errors import InputFileError

            raise InputFileError(
                "--profile is for a saved playlist; with --why-not the profile is the argument",
                hint=f'moodseq explain --why-not "{why_not}" {profile_ref}',
            )
        _why_not(app, why_not, target, seed, minutes)
        return
    if minutes is not None:
        from sequencer.errors import InputFileError

        raise InputFileError(
            "--minutes is for --why-not (a build); a saved playlist keeps its own length",
            hint=f"moodseq explain {target}",
        )
    from sequencer.cli.saved import load_saved
    from sequencer.core.explain import explain, explanation_lines

    sequence_file = Path(target)
    _profile_for_a_file(app, sequence_file)
    sequence, loaded = load_saved(app, sequence_file, profile_ref)
    lines = explanation_lines(explain(sequence))
    if loaded.profile is None and profile_ref is None:  # "profile mine (build)" named no profile
        lines[0] = (
            f"Why these tracks — {sequence_file.name}, no profile (no moods or arc to meet; --profile NAME scores them)"
        )
    for line in lines:
        click.echo(line)


def _why_not(app: AppContext, ref: str, profile_ref: str, seed: int | None, minutes: float | None) -> None:
    """Build the profile, find the track, explain its absence."""
    from sequencer.adapters.library.build_input import load_for_build
    from sequencer.cli.commands._pipeline import load_profile_for
    from sequencer.core.build import build_playlist, candidate_pool, find_track
    from sequencer.core.whynot import why_not, why_not_lines

    _refuse_saved_playlist(app, ref, profile_ref)
    profile = load_profile_for(app, profile_ref, minutes)
    track, others = None, None
    if app.library_path.is_file():  # an unknown track fails here, before the build's seconds
        from sequencer.adapters.library.ops import recordings_named
        from sequencer.adapters.library.store import Store
        from sequencer.cli.library_text import other_recordings_line

        with Store.open(app.library_path, read_only=True) as store:
            if store.count():
                track = store.find(ref)
                twins = [i for i in recordings_named(store, ref, track) if i != track.id]
                others = other_recordings_line(track, twins, f"explain --why-not {{id}} {profile_ref}", which=True)
    from sequencer.cli.progress import progress_bar

    used = seed if seed is not None else profile.variety.seed if profile.variety.seed is not None else 1
    with progress_bar(app, f"Building {profile.name}") as progress:  # from the library's loading on
        loaded = load_for_build(app.library_path, profile, explicit=app.library_explicit)
        if loaded.is_demo:
            track = find_track(loaded.tracks, ref)
        assert track is not None
        sequence = build_playlist(loaded.tracks, profile, seed=used, progress=progress)
    cands, exemplars = candidate_pool(loaded.tracks, profile)
    app.say(f"{loaded.description}; {profile.name} ({profile.minutes:g} min target) with seed {used}")
    lines = why_not_lines(why_not(track, sequence, cands.tracks, exemplars), profile.name)
    if others:  # it silently answered for one of several recordings of the name
        lines.insert(1, others)
    for line in lines:
        click.echo(line)


def _refuse_saved_playlist(app: AppContext, ref: str, target: str) -> None:
    """--why-not asks a profile's build; a saved playlist (.json/.jspf) as TARGET gets the
    command that asks about the build which wrote it (its profile and seed), not a TOML error."""
    path = Path(target)
    playlists = (".json", ".jspf", ".xspf", ".m3u", ".m3u8", ".csv", ".tsv", ".txt")
    if path.suffix.lower() not in playlists or not path.is_file():
        return
    from sequencer.adapters.exporters.json import load_sequence_json
    from sequencer.errors import InputFileError, MoodseqError

    loaded = None
    if path.suffix.lower() in (".json", ".jspf"):  # moodseq's JSON names its profile and seed
        try:
            loaded = load_sequence_json(path, vocabulary=app.vocabulary())
        except MoodseqError:
            loaded = None
    profile = loaded.profile.name if loaded is not None and loaded.profile is not None else None
    hint = "give the profile it was built with: moodseq explain --why-not TRACK PROFILE --seed N"
    if profile is not None:
        assert loaded is not None and loaded.profile is not None
        seed = f" --seed {loaded.seed}" if loaded.seed is not None else ""
        if loaded.profile.minutes != _profile_minutes(app, profile):  # built with --minutes
            seed += f" --minutes {loaded.profile.minutes:g}"
        hint = f'`moodseq explain --why-not "{ref}" {profile}{seed}` asks about the build that wrote it'
    raise InputFileError(f"--why-not asks about a profile's build, and {target} is a saved playlist", hint=hint)


def _profile_minutes(app: AppContext, name: str) -> float | None:
    """The target length the profile ``name`` has now (None when it cannot be loaded)."""
    from sequencer.adapters.profiles_toml import load_profile
    from sequencer.errors import MoodseqError

    try:
        return load_profile(name, app.user_profiles_dir, app.vocabulary()).minutes
    except MoodseqError:
        return None


def _profile_for_a_file(app: AppContext, target: Path) -> None:
    """A profile's name where a saved sequence goes: say the two commands that explain
    something about a profile, rather than "no such file"."""
    if target.exists() or target.suffix:
        return
    from sequencer.adapters.profiles_toml import discover
    from sequencer.errors import InputFileError

    if str(target) in discover(app.user_profiles_dir):
        raise InputFileError(
            f"{target} is a profile; explain reads a playlist saved as JSON",
            hint=f"`moodseq build {target} --explain` builds and explains one; "
            f'`moodseq explain --why-not "Artist - Title" {target}` says what kept a track out',
        )
