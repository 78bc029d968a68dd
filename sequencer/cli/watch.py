"""`moodseq build PROFILE --watch`: rebuild on every save of the profile or moods file.

The files' modification times and sizes are polled every ``interval`` seconds (no watcher
dependency: two small files, and polling works the same on every system and file share).  On a
change the profile (and the moods file) is read again and the playlist rebuilt with the *same
seed*, so what changes is what the edit changed; the new table is shown with what changed:
tracks in and out, flow cost, arc error, mood fit.  A file with errors shows them (file:line,
as `profiles check` does) and the watch goes on until the next save.  Watch builds are previews:
they are not recorded in the history.  Ctrl-C stops.

Testable: :func:`watch` takes ``polls`` (stop after that many polls) and ``sleep``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext
from sequencer.errors import MoodseqError

if TYPE_CHECKING:
    from sequencer.cli.commands._pipeline import BuildOptions
    from sequencer.core.sequence import Sequence as PlaylistSequence

#: Seconds between looks at the files (bounded: 0.1–10).
DEFAULT_INTERVAL = 0.5

Stamp = tuple[tuple[str, float, int], ...]


def _stamp(files: Sequence[Path]) -> Stamp:
    """(path, mtime, size) of each file that exists."""
    out = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((str(path), info.st_mtime, info.st_size))
    return tuple(out)


def _watched(app: AppContext, profile_ref: str) -> list[Path]:
    """The profile's file and the user's moods file."""
    from sequencer.adapters.profiles_toml import resolve

    return [resolve(profile_ref, app.user_profiles_dir), app.moods_file]


def _note_builtin(app: AppContext, profile_ref: str) -> None:
    """Watching a built-in profile watches a file inside the installed package, which is not
    yours to edit: say how to make a copy to tune."""
    from sequencer.adapters.profiles_toml import discover

    found = discover(app.user_profiles_dir).get(profile_ref)
    if found is not None and found.builtin:
        app.say(
            f"note: {profile_ref} is a built-in profile (edits to it are lost when moodseq is updated): "
            f"`moodseq profiles new my-{profile_ref} --from {profile_ref}` makes your copy to tune, "
            f"then `moodseq build my-{profile_ref} --watch`"
        )


def _delta(label: str, old: float, new: float, digits: int = 3) -> str:
    change = new - old
    if abs(change) < 0.5 * 10**-digits:
        return f"{label} {new:.{digits}f} (=)"
    return f"{label} {old:.{digits}f} → {new:.{digits}f} ({change:+.{digits}f})"


def changes(old: PlaylistSequence, new: PlaylistSequence) -> list[str]:
    """What changed from one build to the next, in lines: tracks in/out, then the numbers."""
    before = {t.id for t in old.tracks}
    after = {t.id for t in new.tracks}
    lines = [f"  + {i + 1:>2} {t.name}" for i, t in enumerate(new.tracks) if t.id not in before]
    lines += [f"  - {t.name}" for t in old.tracks if t.id not in after]
    moved = sum(1 for a, b in zip(old.tracks, new.tracks, strict=False) if a.id != b.id and b.id in before)
    if not lines:
        lines.append("  same tracks" + (", new order" if moved else ", same order"))
    a, b = old.score, new.score
    lines.append(
        "  "
        + ", ".join(
            [
                _delta("flow cost", a.flow_cost, b.flow_cost),
                _delta("arc error", a.arc_error, b.arc_error),
                _delta("mood fit", a.mood_fit, b.mood_fit, 2),
            ]
        )
        + f"; {len(old.tracks)} → {len(new.tracks)} tracks, {old.duration_s / 60:.1f} → {new.duration_s / 60:.1f} min"
    )
    return lines


def _is_blank(path: Path) -> bool:
    """Whether the profile file is there and holds nothing but white space (an empty profile
    is valid, but a save that empties the file rebuilt a 60-minute playlist of anything)."""
    try:
        with path.open("rb") as handle:
            return not handle.read(4096).strip() and not handle.read(1)
    except OSError:
        return False


def _stdout_is_terminal() -> bool:
    import sys

    return sys.stdout.isatty()


def _show_error(error: MoodseqError) -> None:
    lines = error.lines()
    click.echo(f"Error: {lines[0]}", err=True)
    for line in lines[1:]:
        click.echo(line, err=True)
    if error.hint:
        click.echo(f"hint: {error.hint}", err=True)
    click.echo("(watching: fix the file and save it again)", err=True)


def watch(
    app: AppContext,
    options: BuildOptions,
    *,
    interval: float = DEFAULT_INTERVAL,
    polls: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Build, then rebuild on every save until Ctrl-C (or ``polls`` looks); the rebuild count."""
    from sequencer.cli.commands._pipeline import choose_seed, load_profile_for, make_build
    from sequencer.cli.render import print_sequence

    options = dataclasses.replace(options, record=False, push=False)
    interval = min(10.0, max(0.1, interval))
    files = _watched(app, options.profile)
    profile = load_profile_for(app, options.profile, options.minutes)
    _note_builtin(app, options.profile)
    options = dataclasses.replace(options, seed=choose_seed(options, profile))
    current = make_build(app, options, profile).sequence
    print_sequence(app, current, explain=options.explain, note=f"watching {', '.join(str(f) for f in files)}")
    click.echo(f"seed {current.seed}, kept for every rebuild; Ctrl-C stops", err=True)
    stamp = _stamp(files)
    rebuilds = 0
    looked = 0
    try:
        while polls is None or looked < polls:
            sleep(interval)
            looked += 1
            now = _stamp(files)
            if now == stamp:
                continue
            stamp = now
            if _is_blank(files[0]):  # an editor's save in progress, or all deleted: nothing to build
                click.echo(f"{files[0]} is empty: waiting for the next save", err=True)
                continue
            app._vocabulary = None  # the moods file may have changed
            try:
                profile = load_profile_for(app, options.profile, options.minutes)
                new = make_build(app, options, profile).sequence
            except MoodseqError as error:
                _show_error(error)
                continue
            rebuilds += 1
            if not app.plain and _stdout_is_terminal():
                click.clear()
            print_sequence(app, new, explain=options.explain, note=None)
            click.echo(f"[{datetime.now():%H:%M:%S}] rebuilt (seed {new.seed}): what changed")
            for line in changes(current, new):
                click.echo(line)
            current = new
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
    return rebuilds
