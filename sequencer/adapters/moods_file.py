"""Moods files: the built-in moods (package data) merged with the user's moods file.

The vocabulary in use is, in order: the core's names and aliases
(:func:`~sequencer.core.moods.default_vocabulary`), then the built-in moods file
``sequencer/data/moods.toml`` (tag synonyms, attribute regions, inference settings), then the
user's moods file (``<config dir>/moods.toml``, ``moodseq moods edit``).  Each layer extends
the one before:

- ``[inference]``: each key given replaces the setting;
- ``[similarity]``: each ``mood = { other = value }`` entry replaces that pair's similarity
  (symmetric; 0 removes it);
- ``[moods.NAME]``: a new name adds a mood; a known name (or alias) extends it:
  ``description`` replaces, ``aliases`` are added, each ``tags`` entry replaces that tag's
  weight (0 removes the tag; a negative weight counts against the mood), each ``region``
  entry replaces that attribute's rule (``weight = 0`` removes it).

Format (TOML)::

    [inference]
    tag_share = 0.6

    [similarity]              # which moods are neighbours (flow.md v2's S), symmetric, in [0, 1]
    brooding = { angsty = 0.45 }

    [moods.dreamy]
    description = "hazy, soft-focus, slow"
    aliases = ["dream", "hazy"]
    tags = { "dream pop" = 1.0, shoegaze = 0.7 }
    region = { energy = { max = 0.5, soft = 0.2 }, valence = { min = 0.3, soft = 0.2 } }

Every problem of a file is reported at once with ``file:line`` (:class:`MoodsFileError`),
like profile errors.

Public: :class:`MoodsConfig`, :data:`REGION_KEYS`, :data:`INFERENCE_KEYS`,
:func:`builtin_moods_path`, :func:`builtin_moods`, :func:`apply_moods_mapping`,
:func:`vocabulary_from_mapping`, :func:`load_moods`, :func:`load_vocabulary`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sequencer.adapters.toml_lines import Locate, problem_at, read_toml
from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.moods import (
    AttributeRule,
    InferenceSettings,
    MoodDef,
    MoodVocabulary,
    default_vocabulary,
    normalise_name,
)
from sequencer.core.track import ATTRIBUTES
from sequencer.errors import MoodsFileError, Problem

MOOD_KEYS = ("description", "aliases", "tags", "region")
REGION_KEYS = ("min", "max", "soft", "weight", "floor", "hard")
INFERENCE_KEYS = ("tag_share", "min_weight", "min_coverage", "tag_silence")

#: Allowed range of each attribute's values (bounds of a region must lie inside).
ATTRIBUTE_RANGES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        **dict.fromkeys(ATTRIBUTES, (0.0, 1.0)),
        "tempo": (0.0, 300.0),
        "key": (0.0, 11.0),
        "loudness": (-60.0, 5.0),
    }
)


@dataclass(frozen=True)
class MoodsConfig:
    """The merged vocabulary, the inference settings, and the files they came from."""

    vocabulary: MoodVocabulary
    settings: InferenceSettings
    sources: tuple[str, ...] = ()
    user_moods: frozenset[str] = frozenset()
    """Moods defined or changed by a user file (for ``moods list``)."""


class _Checker:
    """Collects problems of one file with their lines."""

    def __init__(self, source: str, locate: Locate) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[Problem] = []

    def add(self, path: tuple[str, ...], message: str, hint: str | None = None) -> None:
        """Record a problem at the line of ``path``."""
        self.problems.append(problem_at(self.source, self.locate(path), message, hint))

    def unknown_key(self, path: tuple[str, ...], key: str, known: tuple[str, ...], where: str) -> None:
        """Record an unknown key with the closest known one as the hint."""
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        self.add((*path, key), f"unknown key {key!r} in {where}", hint)

    def number(self, path: tuple[str, ...], value: Any, low: float, high: float) -> float | None:
        """``value`` as a float in [low, high], else a problem and None."""
        name = ".".join(path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(path, f"{name} = {value!r} must be a number", f"e.g. {name.split('.')[-1]} = {high:g}")
            return None
        if not low <= float(value) <= high:
            self.add(path, f"{name} = {value!r} must be in [{low:g}, {high:g}]")
            return None
        return float(value)


def _settings(raw: Any, base: InferenceSettings, check: _Checker) -> InferenceSettings:
    path = ("inference",)
    if not isinstance(raw, Mapping):
        check.add(path, "inference must be a table", "write it as [inference]")
        return base
    changes: dict[str, float] = {}
    for key, value in raw.items():
        if key not in INFERENCE_KEYS:
            check.unknown_key(path, key, INFERENCE_KEYS, "[inference]")
            continue
        number = check.number((*path, key), value, 0.0, 1.0)
        if number is not None:
            changes[key] = number
    return replace(base, **changes)


def _similarity(raw: Any, vocabulary: MoodVocabulary, check: _Checker) -> list[tuple[str, str, float]]:
    """The ``[similarity]`` table: ``mood = { other = value, … }`` with values in [0, 1]; each
    entry is symmetric (``a.b`` is also ``b.a``) and replaces the built-in value of that pair."""
    path = ("similarity",)
    if not isinstance(raw, Mapping):
        check.add(path, "similarity must be a table", "write it as [similarity] with brooding = { angsty = 0.4 }")
        return []
    entries: list[tuple[str, str, float]] = []
    for name, row in raw.items():
        mood = vocabulary.resolve(name)
        if mood is None:
            check.add((*path, name), f"unknown mood {name!r} in [similarity]", vocabulary.unknown_hint(name))
            continue
        if not isinstance(row, Mapping):
            check.add((*path, name), f"similarity.{name} must be a table", f"e.g. {name} = {{ brooding = 0.5 }}")
            continue
        for other_name, value in row.items():
            other = vocabulary.resolve(other_name)
            if other is None:
                check.add(
                    (*path, name, other_name),
                    f"unknown mood {other_name!r} in [similarity]",
                    vocabulary.unknown_hint(other_name),
                )
                continue
            number = check.number((*path, name, other_name), value, 0.0, 1.0)
            if number is None:
                continue
            if other == mood:
                check.add(
                    (*path, name, other_name),
                    f"similarity.{name}.{other_name}: a mood is always 1 to itself",
                    "remove this entry",
                )
                continue
            entries.append((mood, other, number))
    return entries


def _tags(name: str, raw: Any, base: Mapping[str, float], check: _Checker) -> dict[str, float]:
    path = ("moods", name, "tags")
    tags = dict(base)
    if not isinstance(raw, Mapping):
        check.add(
            path,
            f"moods.{name}.tags must be a table of tag = weight",
            'e.g. tags = { "dark ambient" = 0.6, noir = 0.8 }',
        )
        return tags
    for tag, value in raw.items():
        weight = check.number((*path, tag), value, -1.0, 1.0)  # negative: evidence against
        if weight is None:
            continue
        key = normalise_name(tag)
        if not key:
            check.add((*path, tag), f"empty tag name in moods.{name}.tags")
        elif weight == 0.0:
            tags.pop(key, None)
        else:
            tags[key] = weight
    return tags


def _rule(name: str, attribute: str, raw: Any, check: _Checker) -> AttributeRule | None:
    path = ("moods", name, "region", attribute)
    where = f"moods.{name}.region.{attribute}"
    if attribute not in ATTRIBUTE_RANGES:
        close = difflib.get_close_matches(attribute, list(ATTRIBUTE_RANGES), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(ATTRIBUTE_RANGES)
        check.add(path, f"unknown attribute {attribute!r} in moods.{name}.region", hint)
        return None
    if not isinstance(raw, Mapping):
        check.add(path, f"{where} must be a table", f"e.g. {attribute} = {{ min = 0.2, max = 0.6, soft = 0.1 }}")
        return None
    low, high = ATTRIBUTE_RANGES[attribute]
    limits = {
        "min": (low, high),
        "max": (low, high),
        "soft": (0.0, high - low),
        "weight": (0.0, 10.0),
        "floor": (0.0, 1.0),
    }
    values: dict[str, float] = {}
    hard = False
    for key, value in raw.items():
        if key not in REGION_KEYS:
            check.unknown_key(path, key, REGION_KEYS, where)
            continue
        if key == "hard":
            if not isinstance(value, bool):
                check.add((*path, key), f"{where}.hard = {value!r} must be true or false", "write hard = true")
                return None
            hard = value
            continue
        number = check.number((*path, key), value, *limits[key])
        if number is not None:
            values[key] = number
    if values.get("weight") == 0.0:
        return AttributeRule(attribute, weight=0.0)  # removes the rule of a lower layer
    if len(values) < sum(1 for key in raw if key in REGION_KEYS and key != "hard"):
        return None  # a bad value, already reported
    if "min" not in values and "max" not in values:
        check.add(path, f"{where} needs min or max", f"e.g. {attribute} = {{ max = {high:g} }}")
        return None
    if values.get("min", low) > values.get("max", high):
        check.add(path, f"{where}: min {values['min']:g} is above max {values['max']:g}", "swap them")
        return None
    soft_default = 0.1 * (high - low)
    return AttributeRule(
        attribute,
        values.get("min"),
        values.get("max"),
        values.get("soft", soft_default),
        values.get("weight", 1.0),
        values.get("floor", 0.0),
        hard,
    )


def _region(name: str, raw: Any, base: tuple[AttributeRule, ...], check: _Checker) -> tuple[AttributeRule, ...]:
    rules = {rule.attribute: rule for rule in base}
    if not isinstance(raw, Mapping):
        check.add(
            ("moods", name, "region"),
            f"moods.{name}.region must be a table of attribute rules",
            f"write it as [moods.{name}.region] with lines like energy = {{ max = 0.5 }}",
        )
        return base
    for attribute, spec in raw.items():
        rule = _rule(name, attribute, spec, check)
        if rule is None:
            continue
        if rule.weight == 0.0:
            rules.pop(attribute, None)
        else:
            rules[attribute] = rule
    return tuple(rules.values())


def _mood(name: str, raw: Any, base: MoodDef | None, check: _Checker) -> MoodDef | None:
    path = ("moods", name)
    if not isinstance(raw, Mapping):
        check.add(path, f"moods.{name} must be a table", f"write it as [moods.{name}]")
        return None
    canonical = base.name if base else normalise_name(name)
    mood = base or MoodDef(canonical)
    description, aliases = mood.description, list(mood.aliases)
    tags, rules = dict(mood.tags), mood.rules
    for key, value in raw.items():
        here = (*path, key)
        if key not in MOOD_KEYS:
            check.unknown_key(path, key, MOOD_KEYS, f"[moods.{name}]")
        elif key == "description" and isinstance(value, str):
            description = value
        elif key == "aliases" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            aliases.extend(v for v in value if v not in aliases)
        elif key == "tags":
            tags = _tags(name, value, tags, check)
        elif key == "region":
            rules = _region(name, value, rules, check)
        else:
            kind = "a string" if key == "description" else "a list of strings"
            check.add(here, f"moods.{name}.{key} must be {kind}", 'e.g. aliases = ["dream", "hazy"]')
    return MoodDef(canonical, description, tuple(aliases), MappingProxyType(tags), rules)


def apply_moods_mapping(
    base: MoodsConfig, data: Mapping[str, Any], source: str, locate: Locate, *, user: bool = True
) -> MoodsConfig:
    """Validate a parsed moods file and merge it onto ``base`` (raises MoodsFileError)."""
    check = _Checker(source, locate)
    for key in data:
        if key not in ("moods", "inference", "similarity"):
            check.add(
                (key,),
                f"unknown top-level key {key!r}",
                "put each mood under [moods.NAME], settings under [inference], neighbours under [similarity]",
            )
    settings = _settings(data["inference"], base.settings, check) if "inference" in data else base.settings
    moods = data.get("moods", {})
    defs: list[MoodDef] = []
    if not isinstance(moods, Mapping):
        check.add(("moods",), "moods must be a table", "write each mood as [moods.NAME]")
    else:
        for name, raw in moods.items():
            known = base.vocabulary.resolve(name)
            found = _mood(name, raw, base.vocabulary.moods.get(known) if known else None, check)
            if found is not None:
                defs.append(found)
    vocabulary = base.vocabulary.with_moods(defs)
    if "similarity" in data:
        builtin = [(a, b, v) for (a, b), v in base.vocabulary.similarity.pairs.items()]
        entries = _similarity(data["similarity"], vocabulary, check)
        vocabulary = replace(vocabulary, similarity=MoodSimilarity.from_pairs(builtin + entries))
    if check.problems:
        raise MoodsFileError(check.problems)
    changed = base.user_moods | {d.name for d in defs} if user else base.user_moods
    return MoodsConfig(vocabulary, settings, (*base.sources, source), frozenset(changed))


def builtin_moods_path() -> Path:
    """The built-in moods file inside the installed package."""
    return Path(str(resources.files("sequencer.data").joinpath("moods.toml")))


@functools.cache
def builtin_moods() -> MoodsConfig:
    """The core vocabulary extended by the built-in moods file (parsed once per process)."""
    base = MoodsConfig(default_vocabulary(), InferenceSettings())
    path = builtin_moods_path()
    data, locate = read_toml(path)
    return apply_moods_mapping(base, data, str(path), locate, user=False)


def vocabulary_from_mapping(data: Mapping[str, Any], source: str, locate: Locate) -> MoodVocabulary:
    """Validate a parsed user moods file into a vocabulary (built-ins + these moods)."""
    return apply_moods_mapping(builtin_moods(), data, source, locate).vocabulary


def load_moods(path: Path | None) -> MoodsConfig:
    """Built-in moods merged with the user's moods file at ``path`` (when it exists)."""
    base = builtin_moods()
    if path is None or not path.is_file():
        return base
    data, locate = read_toml(path)
    return apply_moods_mapping(base, data, str(path), locate)


def load_vocabulary(path: Path) -> MoodVocabulary:
    """The vocabulary in use: built-in moods extended by the moods file at ``path``."""
    return load_moods(path).vocabulary
