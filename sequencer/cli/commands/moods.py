"""`moodseq moods list|edit|infer|explain`: the mood vocabulary, and moods inferred from data.

``infer`` fills every track's mood weights from its audio attributes and crowd tags (the
moods file's synonyms and regions; :mod:`sequencer.core.infer`) and stores them under the
source ``inferred``: hand tags are never touched and still win when moods are read.
``infer`` also places every track in the sound space (:mod:`sequencer.adapters.sound_space`).
``explain REF`` shows, with numbers, which rules and tags gave a track its weights, and its
nearest genres and tracks in sound.
The work is done by :mod:`sequencer.adapters.mood_inference`; the wording lives in
:mod:`sequencer.cli.moods_text`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm

if TYPE_CHECKING:
    from pathlib import Path

    from sequencer.adapters.moods_file import MoodsConfig


@click.group()
def cli() -> None:
    """Moods: the vocabulary, and weights inferred from attributes and crowd tags."""


def load_config(app: AppContext) -> MoodsConfig:
    """Built-in moods merged with the user's moods file."""
    from sequencer.adapters.moods_file import load_moods

    return load_moods(app.moods_file)


@cli.command("list")
@pass_app
def list_(app: AppContext) -> None:
    """List every mood: description, aliases, tag synonyms and attribute region."""
    from sequencer.cli.moods_text import mood_lines

    for line in mood_lines(load_config(app)):
        click.echo(line)
    state = "" if app.moods_file.is_file() else " (not created yet)"
    app.say(f"your moods file: {app.moods_file}{state}; `moodseq moods edit` opens it")


@cli.command()
@click.option("--path", "show_path", is_flag=True, help="Only print the moods file's path.")
@click.option("--check", is_flag=True, help="Only validate the moods file (no editor).")
@pass_app
def edit(app: AppContext, show_path: bool, check: bool) -> None:
    """Open your moods file in $EDITOR (made from a commented starter), then check it."""
    from sequencer.adapters.moods_file import builtin_moods_path
    from sequencer.adapters.moods_starter import create_starter

    path = app.moods_file
    if show_path:
        click.echo(str(path))
        return
    if not check:
        if create_starter(path, builtin_moods_path()):
            app.say(f"created {path} from a commented starter")
        _open_editor(app, path)
    config = load_config(app)
    if not path.is_file():  # --check before any edit: nothing to check, say so
        click.echo(f"no moods file at {path} yet: the built-in moods ({len(config.vocabulary.names)}) are used")
        app.say("`moodseq moods edit` creates it from a commented starter")
        return
    changed = ", ".join(sorted(config.user_moods)) or "no moods changed"
    click.echo(f"{path}: OK ({changed}; {len(config.vocabulary.names)} moods in all)")


def _open_editor(app: AppContext, path: Path) -> None:
    """Run $VISUAL/$EDITOR on ``path``; a MoodseqError (not click's bare "Editing failed")
    when there is none and no terminal to guess one for, or when it cannot be run."""
    import sys

    from sequencer.errors import MoodseqError

    editor = app.env.get("VISUAL") or app.env.get("EDITOR") or None
    hint = f"set $EDITOR (e.g. `export EDITOR=nano`), or edit {path} yourself and run `moodseq moods edit --check`"
    if editor is None and not sys.stdin.isatty():
        raise MoodseqError("no editor to open the moods file with ($EDITOR is not set)", hint=hint)
    try:
        click.edit(filename=str(path), editor=editor)
    except click.ClickException as error:
        name = f"the editor {editor!r}" if editor else "the default editor"
        raise MoodseqError(f"could not run {name} ({error.format_message()})", hint=hint) from None


@cli.command()
@click.option("--dry-run", is_flag=True, help="Show what would be inferred; store nothing.")
@pass_app
def infer(app: AppContext, dry_run: bool) -> None:
    """Fill mood weights from attributes and crowd tags (source "inferred"; hand tags win),
    and place every track in the sound space (genres, tags, playlists, year, attributes)."""
    from sequencer.adapters.mood_inference import infer_library, summarise_inference
    from sequencer.cli.moods_text import inference_lines

    config = load_config(app)
    start = time.perf_counter()
    from sequencer.adapters.sound_space import update_sound
    from sequencer.cli.moods_text import sound_lines
    from sequencer.cli.progress import progress_bar

    with app.open_library() as store, progress_bar(app, "Inferring moods", total=3) as progress:
        sound = update_sound(store, write=not dry_run)
        result = infer_library(store, config, write=not dry_run, progress=progress)
        hand = store.stats()["mood_sources"].get("hand", 0)
    seconds = time.perf_counter() - start
    lines = [*inference_lines(summarise_inference(result), seconds=seconds, dry_run=dry_run), *sound_lines(sound)]
    for line in lines:
        if dry_run:  # the lines are what --dry-run asked for
            click.echo(line)
        else:
            confirm(app, line)
    if hand:
        have = "track has" if hand == 1 else "tracks have"
        app.say(f"{hand:,} {have} hand tags: they were left alone and win over inferred weights")


@cli.command()
@click.argument("ref")
@click.option("--mood", "only", default=None, help="Explain one mood only (with every rule).")
@click.option("--all", "full", is_flag=True, help="Show the rules of moods that scored 0 too.")
@pass_app
def explain(app: AppContext, ref: str, only: str | None, full: bool) -> None:
    """Why a track has its moods: which tags and attribute rules gave which numbers."""
    from sequencer.adapters.library.ops import recordings_named
    from sequencer.adapters.mood_inference import explain_library_track
    from sequencer.cli.library_text import other_recordings_line
    from sequencer.cli.moods_text import explanation_lines

    config = load_config(app)
    wanted = config.vocabulary.canonical(only) if only else None
    from sequencer.adapters.sound_space import explain_sound
    from sequencer.cli.moods_text import neighbour_lines

    with app.reading_library() as reading:
        found = explain_library_track(reading.store, config, ref)
        near = explain_sound(reading.store, found.track)
        twins = [i for i in recordings_named(reading.store, ref, found.track) if i != found.track.id]
    lines = [*explanation_lines(found, wanted=wanted, full=full), *neighbour_lines(near)]
    others = other_recordings_line(found.track, twins, "moods explain", which=True)
    if others:  # it silently explained one of them: say which, and how to ask about the others
        lines.insert(1, others)
    for line in lines:
        click.echo(line)
