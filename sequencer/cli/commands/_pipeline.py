"""The build pipeline shared by `moodseq build` and `moodseq demo`.

profile file → library (or demo) → candidates → walk → sequence → terminal / files / Spotify.
Each step is one call into the core or an adapter; this module only wires them and prints.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from sequencer.cli.context import AppContext
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of one build."""

    profile: str
    minutes: float | None = None
    seed: int | None = None
    fmt: str | None = None
    output: Path | None = None
    explain: bool = False
    start: str | None = None
    end: str | None = None
    push: bool = False
    targets: tuple[str, ...] = ()
    name: str | None = None
    plot: Path | None = None
    report: Path | None = None
    demo: bool = False


def load_profile_for(app: AppContext, ref: str, minutes: float | None) -> Profile:
    """Load a profile by name or path, applying a --minutes override."""
    from sequencer.adapters.profiles_toml import load_profile

    profile = load_profile(ref, app.user_profiles_dir, app.vocabulary())
    if minutes is not None:
        if not 1 <= minutes <= 24 * 60:
            raise InputFileError(f"--minutes {minutes:g} is out of range", hint="use 1 to 1440 minutes")
        profile = dataclasses.replace(profile, minutes=float(minutes))
    return profile


def choose_seed(options: BuildOptions, profile: Profile) -> int:
    """The seed: --seed, else the profile's, else a fresh one (reported so it can be reused)."""
    if options.seed is not None:
        return options.seed
    if profile.variety.seed is not None:
        return profile.variety.seed
    return random.SystemRandom().randrange(1, 100_000)


@dataclass(frozen=True)
class _Source:
    """The tracks a build starts from, the note saying where they came from, and the ids the
    library resolved track references to."""

    tracks: list[Track]
    note: str
    refs: Mapping[str, str]
    sound: Any = None
    """The library's sound vectors (for the report's and the plot's map), None for the demo."""


def _tracks_for(app: AppContext, options: BuildOptions, profile: Profile) -> _Source:
    refs = [r for r in (options.start, options.end, profile.constraints.start, profile.constraints.end) if r]
    if options.demo:
        from sequencer.adapters.demo import load_demo_tracks

        tracks = load_demo_tracks()
        return _Source(tracks, f"the built-in demo library ({len(tracks)} tracks)", {})
    from sequencer.adapters.library.build_input import load_for_build

    loaded = load_for_build(app.library_path, profile, explicit=app.library_explicit, include_refs=refs)
    note = loaded.description
    if loaded.is_demo:
        note += "; import your own music with `moodseq import csv FILE`"
    return _Source(loaded.tracks, note, loaded.refs, None if loaded.is_demo else loaded.sound)


def run_build(app: AppContext, options: BuildOptions) -> Sequence:
    """Build a sequence as ``options`` say, then show, write and push it."""
    for option, ref in (("--from", options.start), ("--to", options.end)):
        if ref is not None and not ref.strip():
            raise InputFileError(f"{option} is empty", hint=f'give a track, e.g. {option} "Kavinsky - Nightcall"')
    profile = load_profile_for(app, options.profile, options.minutes)
    options = _checked_outputs(app, options)
    if options.push:
        from sequencer.cli.commands.push import check_login

        check_login(app)  # a missing or ended login fails before the build, not after
    seed = choose_seed(options, profile)
    source = _tracks_for(app, options, profile)
    from sequencer.cli.progress import progress_bar
    from sequencer.core.build import build_playlist

    start = source.refs.get(options.start, options.start) if options.start else None
    end = source.refs.get(options.end, options.end) if options.end else None
    with progress_bar(app, "Sequencing") as progress:
        sequence = build_playlist(source.tracks, profile, seed=seed, start=start, end=end, progress=progress)
    _emit(app, sequence, options, source.note, source.sound)
    if sequence.steps and not any(step.track.moods for step in sequence.steps) and profile.moods:
        app.say(
            "note: none of these tracks has moods, so the profile's moods could not guide the choice; "
            "moods come from tags and audio attributes: add crowd tags with `moodseq enrich lastfm` "
            "(or attributes with `moodseq analyze DIR`), then run `moodseq moods infer`; "
            "or tag by hand with `moodseq library tag`"
        )
    return sequence


def _checked_outputs(app: AppContext, options: BuildOptions) -> BuildOptions:
    """``options`` with ``-o -`` turned into standard output, after checking that every file
    asked for (-o, --plot, --report) can be written: a typo fails before the build, not after."""
    from sequencer.adapters.exporters.write import check_target
    from sequencer.cli.output import output_target

    fmt, output = output_target(app, options.fmt, options.output)
    if options.plot is not None:
        from sequencer.adapters.plot import check_plot_path

        check_plot_path(options.plot)
    if options.report is not None:
        check_target(options.report)
    return dataclasses.replace(options, fmt=fmt, output=output)


def tracks_phrase(count: int) -> str:
    """``1 track``, ``13 tracks``."""
    return f"{count} track{'' if count == 1 else 's'}"


def _emit(app: AppContext, sequence: Sequence, options: BuildOptions, note: str, sound: Any = None) -> None:
    """Show the sequence and write whatever files were asked for (``sound``: the library's sound
    vectors, drawn as a map beside the plot and in the report)."""
    from sequencer.adapters import exporters

    sound_map = None
    if sound is not None and (options.plot is not None or options.report is not None) and sound.shape[1]:
        from sequencer.adapters.sound_space import library_map

        sound_map = library_map([step.track for step in sequence.steps], sound)

    to_stdout = options.fmt is not None and options.output is None
    if to_stdout:
        assert options.fmt is not None
        click.echo(exporters.render(sequence, options.fmt), nl=False)
    elif not app.quiet:
        from sequencer.cli.render import print_sequence

        print_sequence(app, sequence, explain=options.explain, note=note)
        app.say(f"seed {sequence.seed}: `--seed {sequence.seed}` builds this playlist again")
    for warning in sequence.warnings:
        app.say(f"warning: {warning}")
    if options.output is not None:
        fmt = exporters.output_format(options.fmt, options.output)
        exporters.write_export(sequence, fmt, options.output)
        app.say(f"wrote {options.output} ({fmt}, {tracks_phrase(len(sequence.steps))})")
    if options.plot is not None:
        from sequencer.adapters.plot import plot_sequence

        plot_sequence(sequence, options.plot, sound_map=sound_map)
        app.say(f"wrote {options.plot} (plot)")
    if options.report is not None:
        from sequencer.adapters.report_html import write_report

        write_report(sequence, options.report, sound_map=sound_map)
        app.say(f"wrote {options.report} (report)")
    if options.push or options.targets:
        from sequencer.cli.commands.push import push_to_cli

        push_to_cli(
            app,
            sequence.tracks,
            targets=options.targets or ("spotify",),
            profile_name=sequence.profile.name,
            name=options.name,
            dry_run=False,
        )
