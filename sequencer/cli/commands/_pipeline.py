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
from typing import TYPE_CHECKING, Any

import click

from sequencer.cli.context import AppContext
from sequencer.core.living import TrackBias
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError, TrackNotFoundError

if TYPE_CHECKING:
    from sequencer.adapters.library.references import Unmatched


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
    fresh: str | None = None
    keep: tuple[str, ...] = ()
    like_previous: bool = False
    record: bool = True
    """Record the build in the library's history (False for --watch previews)."""
    refresh_id: int | None = None


def load_profile_for(app: AppContext, ref: str, minutes: float | None) -> Profile:
    """Load a profile by name or path, applying a --minutes override."""
    from sequencer.adapters.profiles_toml import load_profile
    from sequencer.core.profile import with_minutes

    profile = load_profile(ref, app.user_profiles_dir, app.vocabulary())
    if minutes is not None:
        if not 1 <= minutes <= 24 * 60:
            raise InputFileError(f"--minutes {minutes:g} is out of range", hint="use 1 to 1440 minutes")
        profile = with_minutes(profile, minutes)
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
    unmatched: tuple[Unmatched, ...] = ()
    sound: Any = None
    """The library's sound vectors (for the report's and the plot's map), None for the demo."""


def _tracks_for(app: AppContext, options: BuildOptions, profile: Profile) -> _Source:
    refs = [r for r in (options.start, options.end, profile.constraints.start, profile.constraints.end) if r]
    if options.demo:
        from sequencer.adapters.demo import load_demo_tracks
        from sequencer.adapters.library.references import unmatched_in_tracks

        tracks = load_demo_tracks()
        unmatched = [u for u in unmatched_in_tracks(tracks, profile.constraints) if "exclude" in u.key]
        return _Source(tracks, f"the built-in demo library ({len(tracks)} tracks)", {}, tuple(unmatched))
    from sequencer.adapters.library.build_input import load_for_build

    loaded = load_for_build(app.library_path, profile, explicit=app.library_explicit, include_refs=refs)
    note = loaded.description
    if loaded.is_demo:
        note += "; import your own music with `moodseq import csv FILE`"
    return _Source(
        loaded.tracks,
        note,
        loaded.refs,
        unmatched=tuple(loaded.unmatched),
        sound=None if loaded.is_demo else loaded.sound,
    )


@dataclass(frozen=True)
class Built:
    """A finished build: the sequence, where its tracks came from, its number in the history."""

    sequence: Sequence
    note: str
    bid: int | None
    notes: tuple[str, ...] = ()
    """What history did to the build (freshness, likeness), for the user."""
    sound: Any = None
    """The library's sound vectors (for the report's and the plot's map), None for the demo."""
    pool_has_moods: bool = True
    """Whether any track the build chose from has moods (when none has, moods were never inferred)."""


def make_build(
    app: AppContext, options: BuildOptions, profile: Profile | None = None, *, outputs_checked: bool = False
) -> Built:
    """Build (and record) a sequence as ``options`` say; nothing is shown or written.

    ``profile``: already loaded (``--watch`` loads it itself to show errors in place);
    ``outputs_checked``: the caller checked -o/--plot/--report (and said what it had to say).
    """
    for option, ref in (("--from", options.start), ("--to", options.end)):
        if ref is not None and not ref.strip():
            raise InputFileError(f"{option} is empty", hint=f'give a track, e.g. {option} "Kavinsky - Nightcall"')
    if profile is None:
        profile = load_profile_for(app, options.profile, options.minutes)
    profile = _without_overridden_ends(options, profile)
    if not outputs_checked:
        options = _checked_outputs(app, options)
    if options.push or options.targets:
        from sequencer.cli.commands.push import check_targets

        check_targets(app, options.targets)  # a missing login or setting fails before the build
    seed = choose_seed(options, profile)
    try:
        source = _tracks_for(app, options, profile)
    except TrackNotFoundError as error:
        raise _at_profile_line(app, options, profile, error) from None
    from sequencer.cli.progress import progress_bar
    from sequencer.core.build import build_playlist

    for unmatched in source.unmatched:
        app.say(f"warning: {unmatched.message}; it excludes nothing ({unmatched.hint})")
    start = source.refs.get(options.start, options.start) if options.start else None
    end = source.refs.get(options.end, options.end) if options.end else None
    bias = None if options.demo else _history_bias(app, options, profile)
    kept = _kept(app, options, profile) if options.keep else None
    with progress_bar(app, "Sequencing") as progress:
        if kept is not None:
            from sequencer.core.keep import build_keeping

            sequence = build_keeping(source.tracks, profile, kept[0], kept[1], seed=seed, bias=bias, progress=progress)
        else:
            try:
                sequence = build_playlist(
                    source.tracks, profile, seed=seed, start=start, end=end, progress=progress, bias=bias
                )
            except TrackNotFoundError as error:
                raise _at_profile_line(app, options, profile, error) from None
    bid = _record(app, options, sequence, keep=kept is not None)
    return Built(
        sequence,
        source.note,
        bid,
        tuple(bias.notes) if bias is not None else (),
        source.sound,
        pool_has_moods=any(t.moods for t in source.tracks),
    )


def _without_overridden_ends(options: BuildOptions, profile: Profile) -> Profile:
    """The profile without the start (end) that --from (--to) replaces: its own could name a
    track the library lacks, or several, and the build failed or warned about a track the user
    had not asked for."""
    cons = profile.constraints
    start = None if options.start else cons.start
    end = None if options.end else cons.end
    if (start, end) == (cons.start, cons.end):
        return profile
    return dataclasses.replace(profile, constraints=dataclasses.replace(cons, start=start, end=end))


def _at_profile_line(
    app: AppContext, options: BuildOptions, profile: Profile, error: TrackNotFoundError
) -> TrackNotFoundError:
    """A track the profile itself names (must_include, start, end) that the library lacks, at
    its line of the profile file: the build said "no track 'Kavinsky - Nightcal' in the
    library", naming neither the key nor the file to fix. Other errors are returned as they are."""
    from sequencer.adapters.profiles_toml import resolve
    from sequencer.adapters.toml_lines import read_toml
    from sequencer.errors import MoodseqError

    named = {"start": (options.start, profile.constraints.start), "end": (options.end, profile.constraints.end)}
    key = "must_include" if error.message.startswith("constraints.must_include") else None
    for name, (given, ref) in named.items():
        if key is None and ref and ref != given and repr(ref) in error.message:
            key = name
    listed = {"like": profile.like, "must_include": profile.constraints.must_include}
    for name, refs in listed.items():  # an entry naming several tracks ("Nightcall"): which list
        if key is None and any(error.message.startswith(f"{ref.strip()!r} names ") for ref in refs):
            key = name
    if key is None or error.source:
        return error
    try:
        path = resolve(options.profile, app.user_profiles_dir)
        line = read_toml(path)[1](("like",) if key == "like" else ("constraints", key))
    except MoodseqError:
        return error
    message = error.message
    if key in ("start", "end"):
        message = f"constraints.{key} = {named[key][1]!r} names no track in the library"
    elif not message.startswith(("constraints.", "must_include")):  # the ambiguous entry of a list
        message = f"{'like' if key == 'like' else 'constraints.' + key}: {message}"
    return TrackNotFoundError(
        message,
        hint=f"{error.hint} (or change {key} in the profile)" if error.hint else f"change {key} in the profile",
        source=f"{path}:{line}" if line else str(path),
    )


def run_build(app: AppContext, options: BuildOptions) -> Sequence:
    """Build a sequence as ``options`` say, then show, write and push it."""
    profile = load_profile_for(app, options.profile, options.minutes)
    options = _checked_outputs(app, options)
    built = make_build(app, options, profile, outputs_checked=True)
    sequence = built.sequence
    for note in built.notes:
        app.say(f"note: {note}")
    _emit(app, sequence, options, built.note, built.sound, bid=built.bid)
    moodless = sequence.steps and not any(step.track.moods for step in sequence.steps)
    # when other tracks of the library have moods, the playlist is only its pinned tracks and
    # exemplars: `moods infer` has run and would change nothing
    if moodless and profile.moods and not built.pool_has_moods:
        if any(_has_mood_evidence(step.track) for step in sequence.steps):  # infer was not run yet
            app.say(
                "note: none of these tracks has moods yet, so the profile's moods could not guide the "
                "choice; run `moodseq moods infer`: it turns their audio attributes and tags into moods"
            )
            return sequence
        app.say(
            "note: none of these tracks has moods, so the profile's moods could not guide the choice; "
            "moods come from tags and audio attributes: add crowd tags with `moodseq enrich lastfm` "
            "(or attributes with `moodseq analyze DIR`), then run `moodseq moods infer`; "
            "or tag by hand with `moodseq library tag`"
        )
    return sequence


def _has_mood_evidence(track: Track) -> bool:
    """Whether ``moods infer`` has something to go on for ``track``: valence or genres/tags."""
    return track.valence is not None or bool(track.genres)


def _history_bias(app: AppContext, options: BuildOptions, profile: Profile) -> TrackBias | None:
    """--fresh and --like-previous (the library's build history) and the profile's
    ``[listening]`` section (the listening history)."""
    from sequencer.adapters.living import history_bias
    from sequencer.core.living import parse_fresh

    fresh = parse_fresh(options.fresh) if options.fresh else None
    return history_bias(
        app.library_path, profile.name, fresh=fresh, like_previous=options.like_previous, listening=profile.listening
    )


def _kept(app: AppContext, options: BuildOptions, profile: Profile) -> tuple[list[Track], list[int]]:
    """(the previous playlist, the 0-based positions to keep) from --keep values: a sequence
    file (its ``"locked": true`` tracks), positions (1-based) and track names; without a file
    the profile's latest recorded build is the previous playlist."""
    if options.start or options.end:
        raise InputFileError("--keep cannot be combined with --from/--to", hint="keep tracks, or make a journey")
    for value in options.keep:  # another playlist file: it read as a track name ("did you mean …")
        if (
            value.lower().endswith((".jspf", ".xspf", ".m3u", ".m3u8", ".csv", ".tsv", ".txt"))
            and Path(value).is_file()
        ):
            raise InputFileError(
                f'--keep {value}: only a sequence .json marks the tracks to keep ("locked": true)',
                hint=f'moodseq export {value} -o kept.json, mark its tracks "locked": true, then --keep kept.json; '
                'or keep positions or names of the last build: --keep 3 --keep "Artist - Title"',
            )
    files = [v for v in options.keep if v.lower().endswith(".json")]
    refs = [v for v in options.keep if not v.lower().endswith(".json")]
    if len(files) > 1:
        raise InputFileError("--keep names two sequence files", hint="keep from one file at a time")
    positions: list[int] = []
    if files:
        from sequencer.adapters.exporters.json import load_sequence_json

        loaded = load_sequence_json(Path(files[0]))
        previous, positions = loaded.tracks, list(loaded.locked)
        if not positions and not refs:
            raise InputFileError(
                f'{files[0]} has no track marked "locked": true',
                hint='add "locked": true to the tracks to keep, or name them: --keep 3 --keep "Artist - Title"',
            )
        where = files[0]
    else:
        from sequencer.adapters.living import previous_tracks

        number, previous = previous_tracks(app.library_path, profile.name)
        where = f"{profile.name}'s last build (build {number}; `moodseq history show {number}` lists it)"
    from sequencer.core.build import find_track
    from sequencer.errors import TrackNotFoundError

    for ref in refs:
        if ref.strip().isdigit():
            positions.append(int(ref) - 1)
            continue
        try:
            track = find_track(previous, ref)
        except TrackNotFoundError as error:  # --keep keeps tracks of that playlist, not of the library
            hint = error.hint if error.hint and "did you mean" in error.hint else None
            raise TrackNotFoundError(
                f"--keep {ref!r}: no such track in {where}",
                hint=hint or f"keep a position (1 to {len(previous)}) or a track of that playlist",
            ) from None
        positions.append(next(i for i, t in enumerate(previous) if t.id == track.id))
    _check_room_to_refill(profile, previous, positions, where)
    return previous, positions


def _check_room_to_refill(profile: Profile, previous: list[Track], positions: list[int], where: str) -> None:
    """Keeping every track of a playlist leaves nothing to refill: when that playlist is not
    already as long as the profile wants, say so (it failed with "short_s 3222.68")."""
    if not previous or not set(range(len(previous))) <= set(positions):
        return
    low, high = profile.window_s
    total = sum(t.duration_s for t in previous)
    if low <= total <= high:
        return
    raise InputFileError(
        f"--keep keeps every track of {where}, {total / 60:.1f} minutes long, and the profile wants "
        f"{low / 60:.1f}–{high / 60:.1f} minutes: nothing is left to refill",
        hint=f"keep fewer tracks so the rest can be rebuilt to {profile.minutes:g} minutes, "
        f"or build that length: --minutes {round(total / 60)}",
    )


def _record(app: AppContext, options: BuildOptions, sequence: Sequence, *, keep: bool) -> int | None:
    """Record the build in the library's history (not for the demo or a --watch preview)."""
    if options.demo or not options.record:
        return None
    from sequencer.adapters.living import profile_ref_for, record_sequence

    recorded = {
        "minutes": options.minutes,
        "start": options.start,
        "end": options.end,
        "fresh": options.fresh,
        "name": options.name if options.push else None,
    }
    from sequencer.errors import LibraryError

    try:
        return record_sequence(
            app.library_path,
            sequence,
            profile_ref=profile_ref_for(options.profile),
            options=recorded,
            mode="keep" if keep else None,
            refresh_id=options.refresh_id,
        )
    except LibraryError as error:  # a read-only library still builds; only the history is lost
        if options.push:
            raise
        app.say(f"this build is not recorded in the library's history: {error}")
        return None


def _checked_outputs(app: AppContext, options: BuildOptions) -> BuildOptions:
    """``options`` with ``-o -`` turned into standard output, after checking that every file
    asked for (-o, --plot, --report) can be written: a typo fails before the build, not after."""
    from sequencer.adapters.exporters.write import check_target
    from sequencer.cli.output import output_target, refuse_overwriting

    fmt, output = output_target(app, options.fmt, options.output)
    refuse_overwriting(app, options.plot, "--plot")
    refuse_overwriting(app, options.report, "--report")
    if options.plot is not None:
        from sequencer.adapters.plot import check_plot_path

        check_plot_path(options.plot)
    if options.report is not None:
        if options.report.suffix.lower() not in ("", ".html", ".htm"):
            raise InputFileError(
                f"--report {options.report}: the report is an HTML page, not {options.report.suffix}",
                hint=f"name it {options.report.with_suffix('.html').name}"
                + ("; --plot draws a PDF" if options.report.suffix.lower() == ".pdf" else ""),
            )
        check_target(options.report)
    return dataclasses.replace(options, fmt=fmt, output=output)


def tracks_phrase(count: int) -> str:
    """``1 track``, ``13 tracks``."""
    return f"{count} track{'' if count == 1 else 's'}"


def _emit(
    app: AppContext,
    sequence: Sequence,
    options: BuildOptions,
    note: str,
    sound: Any = None,
    *,
    bid: int | None = None,
) -> None:
    """Show the sequence and write whatever files were asked for (``sound``: the library's sound
    vectors, drawn as a map beside the plot and in the report; ``bid``: the build's number in the
    history, recorded with its push)."""
    from sequencer.adapters import exporters

    sound_map = None
    if sound is not None and (options.plot is not None or options.report is not None) and sound.shape[1]:
        from sequencer.adapters.sound_space import library_map

        sound_map = library_map([step.track for step in sequence.steps], sound)

    from sequencer.cli.output import reader_may_leave

    to_stdout = options.fmt is not None and options.output is None
    with reader_may_leave():  # `| head` must not cost the files and pushes below
        if to_stdout:
            assert options.fmt is not None
            click.echo(exporters.render(sequence, options.fmt, name=options.name), nl=False)
        elif not app.quiet:
            from sequencer.cli.render import print_sequence

            print_sequence(app, sequence, explain=options.explain, note=note)
            app.say(f"seed {sequence.seed}: `--seed {sequence.seed}` builds this playlist again")
        for warning in sequence.warnings:
            app.say(f"warning: {warning}")
    if options.output is not None:
        fmt = exporters.output_format(options.fmt, options.output)
        exporters.write_export(sequence, fmt, options.output, name=options.name)  # --name titles the file too
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
            bid=bid,
        )
