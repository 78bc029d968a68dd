"""The moods file: user-added moods and aliases on top of the built-in vocabulary.

Format (TOML), one table per mood::

    [moods.dreamy]
    description = "hazy, soft-focus, slow"
    aliases = ["dream", "hazy"]

A table for a built-in mood's name extends that mood (its aliases are added).  Errors are
reported all at once with file:line, like profile errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sequencer.adapters.toml_lines import Locate, problem_at, read_toml
from sequencer.core.moods import MoodDef, MoodVocabulary, default_vocabulary, normalise_name
from sequencer.errors import MoodsFileError, Problem

MOOD_KEYS = ("description", "aliases")


def _mood_def(
    name: str, raw: Any, base: MoodDef | None, source: str, locate: Locate, problems: list[Problem]
) -> MoodDef | None:
    path = ("moods", name)
    if not isinstance(raw, Mapping):
        problems.append(problem_at(source, locate(path), f"moods.{name} must be a table",
                                   f"write it as [moods.{name}]"))
        return None
    description = base.description if base else ""
    aliases = list(base.aliases) if base else []
    for key, value in raw.items():
        here = (*path, key)
        if key not in MOOD_KEYS:
            close = difflib.get_close_matches(key, MOOD_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(MOOD_KEYS)}"
            problems.append(problem_at(source, locate(here), f"unknown key {key!r} in [moods.{name}]", hint))
        elif key == "description" and isinstance(value, str):
            description = value
        elif key == "aliases" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            aliases.extend(v for v in value if v not in aliases)
        else:
            kind = "a string" if key == "description" else "a list of strings"
            problems.append(problem_at(source, locate(here), f"moods.{name}.{key} must be {kind}",
                                       'e.g. aliases = ["dream", "hazy"]'))
    return MoodDef(normalise_name(name), description, tuple(aliases))


def vocabulary_from_mapping(data: Mapping[str, Any], source: str, locate: Locate) -> MoodVocabulary:
    """Validate a parsed moods file into a vocabulary (built-ins + these moods)."""
    base = default_vocabulary()
    problems: list[Problem] = []
    for key in data:
        if key != "moods":
            problems.append(problem_at(source, locate((key,)), f"unknown top-level key {key!r}",
                                       "put each mood under [moods.NAME]"))
    moods = data.get("moods", {})
    defs: list[MoodDef] = []
    if isinstance(moods, Mapping):
        for name, raw in moods.items():
            found = _mood_def(name, raw, base.moods.get(normalise_name(name)), source, locate, problems)
            if found is not None:
                defs.append(found)
    if problems:
        raise MoodsFileError(problems)
    return base.with_moods(defs)


def load_vocabulary(path: Path) -> MoodVocabulary:
    """The built-in vocabulary extended by the moods file at ``path`` (if it exists)."""
    if not path.is_file():
        return default_vocabulary()
    data, locate = read_toml(path)
    return vocabulary_from_mapping(data, str(path), locate)
