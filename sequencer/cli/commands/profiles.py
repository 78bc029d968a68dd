"""`moodseq profiles list|show|check|new`: find, read, validate and copy profiles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm, plural
from sequencer.errors import InputFileError, MoodseqError, OutputFileError

if TYPE_CHECKING:
    from sequencer.core.profile import Profile
    from sequencer.errors import Problem


@click.group()
def cli() -> None:
    """Listening-context profiles: built-in ones and your own."""


@cli.command("list")
@pass_app
def list_(app: AppContext) -> None:
    """List every profile with where its file lives."""
    from sequencer.adapters.profiles_toml import discover, load_profile_file

    found = discover(app.user_profiles_dir)
    width = max((len(n) for n in found), default=4)
    for name, entry in found.items():
        try:
            description = load_profile_file(entry.path, app.vocabulary()).description
        except MoodseqError:
            description = f"(has problems: run `moodseq profiles check {name}`)"
        origin = "built-in" if entry.builtin else ("user, overrides built-in" if entry.overrides_builtin else "user")
        click.echo(f"{name:<{width}}  {description}")
        click.echo(f"{'':<{width}}  [{origin}] {entry.path}")
    app.say(f"user profiles go in {app.user_profiles_dir} (`moodseq profiles new NAME --from night-drive`)")


@cli.command()
@click.argument("name")
@pass_app
def show(app: AppContext, name: str) -> None:
    """Print a profile's file with its resolved settings."""
    from sequencer.adapters.profiles_toml import load_profile_file, resolve

    path = resolve(name, app.user_profiles_dir)
    profile = load_profile_file(path, app.vocabulary())
    low, high = profile.window_s
    click.echo(f"# {path}")
    click.echo(
        f"# {profile.minutes:g} minutes (accepts {low / 60:.1f}–{high / 60:.1f}); "
        f"moods: {', '.join(f'{m} {w:+g}' for m, w in profile.moods.items()) or 'none'}"
    )
    if profile.arc:
        click.echo("# arc: " + " → ".join(f"{t:.0%} {e:.2f}" for t, e in profile.arc))
    click.echo(path.read_text(encoding="utf-8"), nl=False)


@cli.command()
@click.argument("files", nargs=-1, metavar="[FILES_OR_NAMES]...", type=click.Path(path_type=Path))
@pass_app
def check(app: AppContext, files: tuple[Path, ...]) -> None:
    """Validate profile FILES (or profile names; none: every profile of yours): OK, or every
    problem with file:line and a fix.

    With a library (the default one, or --library), start, end, exclude_tracks and
    exclude_artists must name tracks and artists it holds ("did you mean" when they do not).
    """
    from sequencer.adapters.profiles_toml import discover, load_profile_file, resolve
    from sequencer.errors import FileProblemsError, ProfileError

    if not files:  # `profiles list` sends you here for a profile with problems
        files = tuple(entry.path for entry in discover(app.user_profiles_dir).values() if not entry.builtin)
        if not files:
            raise InputFileError(
                f"you have no profiles of your own in {app.user_profiles_dir} to check",
                hint="name a file or profile (moodseq profiles check night-drive), or make one: "
                "moodseq profiles new my-drive --from night-drive",
            )
    failures: list[MoodseqError] = []
    for path in files:
        try:
            found = path if path.exists() else resolve(str(path), app.user_profiles_dir)
            profile = load_profile_file(found, app.vocabulary())
        except MoodseqError as error:
            if len(files) == 1 and not isinstance(error, FileProblemsError) and not _at_a_line(error):
                raise  # no such file or profile, a folder: one line and its own hint, not "fix the lines"
            failures.append(error)
            lines = error.lines()
            click.echo(lines[0] if str(path) in lines[0] else f"{path}: {lines[0]}", err=True)
            for line in lines[1:]:
                click.echo(line, err=True)
            if not isinstance(error, FileProblemsError) and error.hint:
                click.echo(f"  hint: {error.hint}", err=True)
            continue
        problems, notes = _unmatched_problems(app, found, profile)
        notes = sorted([*_self_contradictions(found, profile), *notes], key=_line_of)
        for note in notes:
            click.echo(f"{note.source}: note: {note.message} ({note.hint})", err=True)
        if problems:
            unmatched = ProfileError(problems)
            failures.append(unmatched)
            first, *rest = unmatched.lines()
            click.echo(first if str(path) in first else f"{path}: {first}", err=True)
            for line in rest:
                click.echo(line, err=True)
            continue
        click.echo(f"{path}: OK ({profile.name}, {profile.minutes:g} minutes)")
    if failures:
        count = sum(len(getattr(e, "problems", [e])) for e in failures)
        at_lines = all(isinstance(e, FileProblemsError) or _at_a_line(e) for e in failures)
        what = "lines" if at_lines else "problems"
        raise InputFileError(
            f"{plural(count, 'problem')} in {len(failures)} of {plural(len(files), 'profile')}",
            hint=f"fix the {what} named above, then run `moodseq profiles check` again",
        )


def _at_a_line(error: MoodseqError) -> bool:
    """Whether the error names a line of the file (``path:7``), so "fix the lines named above" fits."""
    return bool(error.source) and str(error.source).rpartition(":")[2].isdigit()


def _unmatched_problems(app: AppContext, path: Path, profile: Profile) -> tuple[list[Problem], list[Problem]]:
    """start/end/exclude/must_include entries naming nothing in the library (when there is
    one), as file:line problems with "did you mean"; exemplars (``like``) naming nothing and
    likely misspelt genres, as notes (the build plays without a missing exemplar; a genre the
    library lacks today may come with the next import)."""
    if not app.library_path.is_file():
        return [], []
    from sequencer.adapters.library.references import misspelt_genres
    from sequencer.adapters.library.store import Store
    from sequencer.adapters.toml_lines import problem_at, read_toml

    with Store.open(app.library_path, read_only=True) as store:
        unmatched = store.unmatched_references(profile.constraints)
        exemplars = store.unmatched_exemplars(profile.like) if profile.like else []
        genres = profile.genres.prefer or profile.genres.avoid or profile.constraints.exclude_genres
        slips = misspelt_genres(profile, {g for names in store.genre_groups() for g in names}) if genres else []
    if not unmatched and not exemplars and not slips:
        return [], []
    _, locate = read_toml(path)
    problems = [problem_at(str(path), locate(tuple(u.key.split("."))), u.message, u.hint) for u in unmatched]
    notes = [
        problem_at(str(path), locate(tuple(u.key.split("."))), f"{u.message}: it matches no track", u.hint)
        for u in slips
    ]
    line = locate(("like",))
    notes += [
        problem_at(str(path), line, f"{u.message}: the build plays without it", u.hint) for u in exemplars if u.hint
    ]
    lacking = [u.value for u in exemplars if not u.hint]
    if lacking:
        shown = ", ".join(lacking)  # every one: the build's warning names the first few
        notes.append(
            problem_at(
                str(path),
                line,
                f"{plural(len(lacking), 'exemplar')} (like) not in the library: {shown}; "
                f"the build plays without {'it' if len(lacking) == 1 else 'them'}",
                f"import {'it' if len(lacking) == 1 else 'them'} to make the context sound like "
                f"{'it' if len(lacking) == 1 else 'them'}",
            )
        )
    notes.sort(key=_line_of)
    return problems, notes


def _line_of(note: Problem) -> int:
    """The line a note is at (0 when it names the file only), to list notes in line order."""
    return int(note.source.rpartition(":")[2]) if note.source[-1:].isdigit() else 0


def _self_contradictions(path: Path, profile: Profile) -> list[Problem]:
    """Notes on what the profile asks against itself, library or not: no moods at all (every
    track fits alike: a build then follows flow and arc only), and a mood it wants that
    ``exclude_moods`` also leaves out (its strongest tracks can never play)."""
    from sequencer.adapters.toml_lines import problem_at, read_toml

    cons = profile.constraints
    wanted_and_excluded = [m for m in cons.exclude_moods if profile.moods.get(m, 0.0) > 0]
    if profile.moods and not wanted_and_excluded:
        return []
    _, locate = read_toml(path)
    if not profile.moods:
        return [
            problem_at(
                str(path),
                None,
                "no [moods]: every track fits alike, so a build follows flow and the arc alone",
                "add the moods the context wants, e.g. [moods] night-driving = 1.0",
            )
        ]
    return [
        problem_at(
            str(path),
            locate(("constraints", "exclude_moods")),
            f"moods.{mood} = {profile.moods[mood]:g} wants {mood}, and exclude_moods leaves out every track "
            f"with {mood} {cons.exclude_mood_threshold:g} or more: its most {mood} tracks never play",
            f"drop {mood!r} from exclude_moods, or give it a weight of 0 or below in [moods]",
        )
        for mood in wanted_and_excluded
    ]


@cli.command()
@click.argument("name")
@click.option(
    "--from",
    "source",
    default=None,
    help="Profile to copy (default: the built-in profile NAME if there is one, else night-drive).",
)
@click.option("--force", is_flag=True, help="Replace an existing user profile of that name.")
@pass_app
def new(app: AppContext, name: str, source: str | None, force: bool) -> None:
    """Create a user profile NAME by copying another, ready to edit."""
    from sequencer.adapters.exporters.write import atomic_write_text
    from sequencer.adapters.profiles_toml import builtin_profiles_dir, discover, resolve

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise InputFileError(f"invalid profile name {name!r}", hint="use lower-case letters, digits, - and _")
    target = app.user_profiles_dir / f"{name}.toml"
    if target.exists() and not force:
        raise InputFileError(f"{target} exists already", hint="edit it, or add --force to replace it")
    builtin = builtin_profiles_dir() / f"{name}.toml"
    if source is None and builtin.is_file():  # tuning a built-in starts from that built-in
        source, source_path = name, builtin
    else:
        source = source or "night-drive"
        source_path = resolve(source, app.user_profiles_dir)
    from sequencer.adapters.toml_lines import read_text

    text = read_text(source_path)
    text, count = re.subn(r'(?m)^name\s*=\s*".*"', f'name = "{name}"', text, count=1)
    if count == 0:
        text = f'name = "{name}"\n' + text
    guide = builtin_profiles_dir() / "README.md"
    text = (  # the copy's own comments still speak as the original ("a built-in profile")
        f"# {name}: your profile, copied from {source} by `moodseq profiles new`; the comments below are "
        f"{source}'s.\n# Every key: {guide}\n" + text
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputFileError(
            f"cannot create the profiles folder {target.parent}: {error.strerror or error}",
            hint="check that the disk is writable and has space, or set MOODSEQ_CONFIG_DIR to a writable folder",
        ) from None
    atomic_write_text(target, text)
    entry = discover(app.user_profiles_dir).get(name)
    overrides = f"; it overrides the built-in profile {name}" if entry is not None and entry.overrides_builtin else ""
    confirm(app, f"created {target} (from {source}{overrides}); check it with `moodseq profiles check {target}`")
