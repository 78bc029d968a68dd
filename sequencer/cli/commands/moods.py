"""`moodseq moods list|edit|infer|explain`: the mood vocabulary, and moods inferred from data.

``infer`` fills every track's mood weights from its audio attributes and crowd tags (the
moods file's synonyms and regions; :mod:`sequencer.core.infer`) and stores them under the
source ``inferred``: hand tags are never touched and still win when moods are read.
``explain REF`` shows, with numbers, which rules and tags gave a track its weights.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    from sequencer.adapters.moods_file import MoodsConfig
    from sequencer.adapters.store import Store
    from sequencer.core.infer import Inference, MoodEvidence
    from sequencer.core.moods import AttributeRule

STARTER = """\
# Your moods: this file extends and overrides moodseq's built-in moods
# ({builtin}, documented line by line).  `moodseq moods list` shows the result,
# `moodseq moods infer` applies it to your library.  Remove a leading # to use a line.
#
# [inference]
# tag_share = 0.7                     # trust crowd tags more than audio attributes
#
# [moods.brooding.tags]
# "dark jazz" = 0.8                   # a tag you meet, as a synonym of brooding
# sad = 0                             # 0 removes a built-in synonym
#
# [moods.study.region]
# instrumentalness = {{ weight = 0 }}   # vocals are fine while I study: drop the rule
#
# [moods.dreamy]                      # a new mood
# description = "hazy, soft-focus"
# aliases = ["hazy"]
# tags = {{ "dream pop" = 1.0, shoegaze = 0.7 }}
# region = {{ energy = {{ max = 0.5, soft = 0.2 }}, valence = {{ min = 0.3, soft = 0.2 }} }}
"""


@click.group()
def cli() -> None:
    """Moods: the vocabulary, and weights inferred from attributes and crowd tags."""


def load_config(app: AppContext) -> MoodsConfig:
    """Built-in moods merged with the user's moods file."""
    from sequencer.adapters.moods_file import load_moods

    return load_moods(app.moods_file)


def _rule_text(rule: AttributeRule) -> str:
    if rule.low is not None and rule.high is not None:
        text = f"{rule.attribute} {rule.low:g}–{rule.high:g}"
    elif rule.high is not None:
        text = f"{rule.attribute} ≤ {rule.high:g}"
    else:
        text = f"{rule.attribute} ≥ {rule.low:g}"
    extras = [f"floor {rule.floor:g}"] if rule.floor else []
    extras += [f"weight {rule.weight:g}"] if rule.weight != 1 else []
    return f"{text} ({', '.join(extras)})" if extras else text


@cli.command("list")
@pass_app
def list_(app: AppContext) -> None:
    """List every mood: description, aliases, tag synonyms and attribute region."""
    config = load_config(app)
    width = max(len(n) for n in config.vocabulary.names)
    for name, mood in config.vocabulary.moods.items():
        origin = "changed in your moods file" if name in config.user_moods else "built-in"
        click.echo(f"{name:<{width}}  {mood.description}  [{origin}]")
        pad = " " * (width + 2)
        if mood.aliases:
            click.echo(f"{pad}aliases: {', '.join(mood.aliases)}")
        tags = sorted(mood.tags.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{t.replace('-', ' ')} {w:g}" for t, w in tags[:8])
        more = f", … ({len(tags)} in all)" if len(tags) > 8 else ""
        click.echo(f"{pad}tags: {shown or 'none'}{more}")
        click.echo(f"{pad}region: {'; '.join(_rule_text(r) for r in mood.rules) or 'none'}")
    state = "" if app.moods_file.is_file() else " (not created yet)"
    app.say(f"your moods file: {app.moods_file}{state}; `moodseq moods edit` opens it")


@cli.command()
@click.option("--path", "show_path", is_flag=True, help="Only print the moods file's path.")
@click.option("--check", is_flag=True, help="Only validate the moods file (no editor).")
@pass_app
def edit(app: AppContext, show_path: bool, check: bool) -> None:
    """Open your moods file in $EDITOR (made from a commented starter), then check it."""
    from sequencer.adapters.moods_file import builtin_moods_path

    path = app.moods_file
    if show_path:
        click.echo(str(path))
        return
    if not check:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(STARTER.format(builtin=builtin_moods_path()), encoding="utf-8")
            app.say(f"created {path} from a commented starter")
        click.edit(filename=str(path), editor=app.env.get("VISUAL") or app.env.get("EDITOR") or None)
    config = load_config(app)
    changed = ", ".join(sorted(config.user_moods)) or "no moods changed"
    click.echo(f"{path}: OK ({changed}; {len(config.vocabulary.names)} moods in all)")


def infer_library(store: Store, config: MoodsConfig, *, write: bool = True) -> Inference:
    """Infer moods for every track of ``store`` from its attributes and tags; store them
    under the source ``inferred`` (replacing earlier inferred weights) unless ``write`` is off."""
    from sequencer.core.features import COLUMNS
    from sequencer.core.infer import compile_model, infer_moods, tag_table

    table = store.feature_table()
    attrs = {name: table.attrs[:, i] for i, name in enumerate(COLUMNS)}
    tags = store.tags_bulk()
    ids = [str(i) for i in table.ids]
    model = compile_model(config.vocabulary, config.settings)
    result = infer_moods(model, attrs, len(ids), tag_table([tags.get(i) for i in ids]))
    if write:
        store.set_moods_bulk(zip(ids, result.rows(), strict=True), source="inferred")
    return result


@cli.command()
@click.option("--dry-run", is_flag=True, help="Show what would be inferred; store nothing.")
@pass_app
def infer(app: AppContext, dry_run: bool) -> None:
    """Fill mood weights from attributes and crowd tags (source "inferred"; hand tags win)."""
    from sequencer.core.infer import BASIS_ATTRIBUTES, BASIS_TAGS

    config = load_config(app)
    start = time.perf_counter()
    with app.open_library() as store:
        result = infer_library(store, config, write=not dry_run)
        hand = store.stats()["mood_sources"].get("hand", 0)
    seconds = time.perf_counter() - start
    n = len(result)
    from_attrs = int(((result.basis & BASIS_ATTRIBUTES) > 0).any(axis=1).sum())
    from_tags = int(((result.basis & BASIS_TAGS) > 0).any(axis=1).sum())
    verb = "Would infer" if dry_run else "Inferred"
    click.echo(f"{verb} moods for {n:,} tracks in {seconds:.2f} s "
               f"(evidence: attributes for {from_attrs:,}, crowd tags for {from_tags:,})")
    for col, mood in enumerate(result.moods):
        weights = result.weights[:, col]
        count = int((weights > 0).sum())
        mean = float(weights[weights > 0].mean()) if count else 0.0
        click.echo(f"  {mood:<14} {count:>7,} tracks  mean weight {mean:.2f}")
    untouched = int((~(result.weights > 0).any(axis=1)).sum()) if n else 0
    if untouched:
        click.echo(f"  {'(none)':<14} {untouched:>7,} tracks fit no mood "
                   "(more evidence: `moodseq enrich lastfm`, `moodseq analyze DIR`)")
    if hand:
        app.say(f"{hand:,} tracks have hand tags: they were left alone and win over inferred weights")


PITCHES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def _attribute_text(attrs: Mapping[str, float | None]) -> str:
    """Known attributes as ``name value``; key and mode also in words (``key 9 (A)``)."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        text = f"{name} {value:g}"
        if name == "key" and 0 <= value <= 11:
            text += f" ({PITCHES[int(value)]})"
        elif name == "mode":
            text += " (major)" if value == 1 else " (minor)"
        parts.append(text)
    return ", ".join(parts)


def _evidence_lines(evidence: MoodEvidence, stored: list[tuple[str, float]], full: bool) -> list[str]:
    """A mood's weight, its formula, and (when it matters) every tag and rule behind it."""
    head = f"{evidence.mood} {evidence.weight:.2f} = {evidence.formula()}"
    winner = stored[0] if stored else None
    if winner is not None and winner[0] != "inferred":
        head += f"   [in use: {winner[0]} {winner[1]:.2f}, it wins]"
    lines = [head]
    if evidence.weight <= 0.0 and not full:
        blockers = evidence.blockers()
        if blockers:
            lines[0] += "   (" + "; ".join(r.describe() for r in blockers[:2]) + ")"
        return lines
    lines += [f"    tag {t.describe()}" for t in evidence.tags]
    lines += [f"    {r.describe()}" for r in evidence.rules]
    return lines


@cli.command()
@click.argument("ref")
@click.option("--mood", "only", default=None, help="Explain one mood only (with every rule).")
@click.option("--all", "full", is_flag=True, help="Show the rules of moods that scored 0 too.")
@pass_app
def explain(app: AppContext, ref: str, only: str | None, full: bool) -> None:
    """Why a track has its moods: which tags and attribute rules gave which numbers."""
    from sequencer.core.infer import compile_model, explain_track
    from sequencer.core.track import ATTRIBUTES

    config = load_config(app)
    wanted = config.vocabulary.canonical(only) if only else None
    with app.open_library() as store:
        track = store.find(ref)
        tags: Mapping[str, float] = store.tags_bulk().get(track.id, {})
        stored = store.mood_sources(track.id)
    attrs = {name: track.attribute(name) for name in ATTRIBUTES}
    evidence = explain_track(compile_model(config.vocabulary, config.settings), attrs, tags)
    click.echo(track.name)
    click.echo(f"  attributes: {_attribute_text(attrs) or 'none known'}")
    tag_text = ", ".join(f"{t} {w:.2f}" for t, w in sorted(tags.items(), key=lambda kv: -kv[1])[:12])
    click.echo(f"  tags: {tag_text or 'none (`moodseq enrich lastfm` fetches crowd tags)'}")
    in_use = {m: s[0] for m, s in stored.items() if s}
    if in_use:
        click.echo("  stored: " + ", ".join(f"{m} {w:.2f} ({src})" for m, (src, w) in in_use.items()))
    for item in sorted(evidence, key=lambda e: -e.weight):
        if wanted is None or item.mood == wanted:
            for line in _evidence_lines(item, stored.get(item.mood, []), full or wanted is not None):
                click.echo(f"  {line}")
