"""Moods files: the built-in one is complete and documented; user files extend it; errors
name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.moods_file import (
    apply_moods_mapping,
    builtin_moods,
    builtin_moods_path,
    load_moods,
    load_vocabulary,
)
from sequencer.core.moods import AttributeRule, normalise_name
from sequencer.errors import InputFileError, MoodsFileError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "moods.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_file_defines_the_five_moods_with_tags_and_regions() -> None:
    """Every built-in mood has a description, tag synonyms and an attribute region."""
    config = builtin_moods()
    assert config.vocabulary.names == ("atmospheric", "brooding", "angsty", "night-driving", "study")
    for mood in config.vocabulary.moods.values():
        assert mood.description and mood.tags and mood.rules, mood.name
    assert config.settings.tag_share == 0.6
    assert config.user_moods == frozenset()


@pytest.mark.parametrize(
    ("tag", "mood", "weight"),
    [
        ("dark ambient", "atmospheric", 0.9),
        ("dark ambient", "brooding", 0.6),
        ("synthwave", "night-driving", 1.0),
        ("outrun", "night-driving", 1.0),
        ("night drive", "night-driving", 1.0),
        ("grunge", "angsty", 1.0),
        ("industrial", "angsty", 1.0),
        ("alt-rock", "angsty", 0.6),
        ("lo-fi", "study", 0.9),
        ("instrumental", "study", 0.8),
        ("post-rock", "study", 0.6),
    ],
)
def test_builtin_tag_synonyms(tag: str, mood: str, weight: float) -> None:
    """The crowd-tag synonyms the project was specified with are in the built-in file."""
    assert builtin_moods().vocabulary.moods[mood].tags[normalise_name(tag)] == weight


def test_builtin_file_documents_every_setting_and_rule_line() -> None:
    """Each [inference] setting and each region rule of the built-in file carries a comment."""
    text = builtin_moods_path().read_text(encoding="utf-8")
    table = ""
    undocumented = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\[(.+)\]", line)
        if header:
            table = header.group(1)
        elif (
            "=" in line
            and not line.lstrip().startswith("#")
            and (table == "inference" or table.endswith(".region"))
            and "#" not in line
        ):
            undocumented.append(number)
    assert not undocumented, f"lines without a comment: {undocumented}"


def test_no_user_file_means_the_builtin_vocabulary(tmp_path: Path) -> None:
    """A missing user moods file is not an error: the built-in moods are used."""
    assert load_vocabulary(tmp_path / "absent.toml") == builtin_moods().vocabulary


def test_user_file_adds_moods_and_extends_builtin_ones(tmp_path: Path) -> None:
    """A new mood is added with its tags and region; a built-in mood (named by an alias too)
    gets tag weights replaced or removed, rules replaced or removed, aliases added."""
    path = _write(
        tmp_path,
        """
[inference]
tag_share = 0.8

[moods.dreamy]
description = "hazy"
tags = { "dream pop" = 1.0 }
region = { energy = { max = 0.5, soft = 0.2 } }

[moods.dark]
aliases = ["noirish"]
[moods.dark.tags]
noir = 0.3
sad = 0
"Cold Wave" = 0.9
[moods.dark.region]
mode = { weight = 0 }
valence = { max = 0.2, soft = 0.1 }
""",
    )
    config = load_moods(path)
    assert config.settings.tag_share == 0.8
    assert config.settings.min_weight == builtin_moods().settings.min_weight
    dreamy = config.vocabulary.moods["dreamy"]
    assert dreamy.tags == {"dream-pop": 1.0}
    assert dreamy.rules == (AttributeRule("energy", None, 0.5, 0.2),)
    brooding = config.vocabulary.moods["brooding"]
    assert "noirish" in brooding.aliases and "dark" in brooding.aliases
    assert brooding.tags["noir"] == 0.3 and "sad" not in brooding.tags
    assert brooding.tags["cold-wave"] == 0.9
    rules = {r.attribute: r for r in brooding.rules}
    assert "mode" not in rules and rules["valence"].high == 0.2 and "energy" in rules
    assert config.user_moods == {"dreamy", "brooding"}
    assert config.sources[-1] == str(path)


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    """All problems come at once, each with path:line, the bad value and a fix."""
    path = _write(
        tmp_path,
        """[inference]
tag_shares = 0.5
[moods.brooding.tags]
noir = 1.5
[moods.brooding.region]
valance = { max = 0.3 }
energy = { min = 0.8, max = 0.2 }
tempo = { soft = 10 }
mode = { max = "minor" }
[moods.study]
colour = "blue"
""",
    )
    with pytest.raises(MoodsFileError) as caught:
        load_moods(path)
    problems = [str(p) for p in caught.value.problems]
    where = str(path)
    assert problems == [
        f"{where}:2: unknown key 'tag_shares' in [inference] (did you mean 'tag_share'?)",
        f"{where}:4: moods.brooding.tags.noir = 1.5 must be in [-1, 1]",
        f"{where}:6: unknown attribute 'valance' in moods.brooding.region (did you mean 'valence'?)",
        f"{where}:7: moods.brooding.region.energy: min 0.8 is above max 0.2 (swap them)",
        f"{where}:8: moods.brooding.region.tempo needs min or max (e.g. tempo = {{ max = 300 }})",
        f"{where}:9: moods.brooding.region.mode.max = 'minor' must be a number (e.g. max = 1)",
        f"{where}:11: unknown key 'colour' in [moods.study] (known keys: description, aliases, tags, region)",
    ]
    assert caught.value.lines()[0] == f"7 problems in moods file {where}"


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A TOML syntax error is an InputFileError at file:line."""
    path = _write(tmp_path, "[moods.x]\ntags = { a = }\n")
    with pytest.raises(InputFileError) as caught:
        load_moods(path)
    assert caught.value.source == f"{path}:2"


values = st.one_of(
    st.floats(-2, 400, allow_nan=False),
    st.integers(-5, 5),
    st.booleans(),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
)
rule_specs = st.dictionaries(st.sampled_from(["min", "max", "soft", "weight", "floor", "mn"]), values, max_size=4)
mood_tables = st.fixed_dictionaries(
    {},
    optional={
        "description": values,
        "aliases": values,
        "tags": st.dictionaries(st.text(max_size=8), values, max_size=3) | values,
        "region": st.dictionaries(
            st.sampled_from(["energy", "tempo", "mode", "valance", "loudness"]), rule_specs | values, max_size=3
        )
        | values,
    },
)


@given(
    moods=st.dictionaries(st.sampled_from(["brooding", "dark", "new-mood", "x"]), mood_tables | values, max_size=3),
    inference=st.dictionaries(st.sampled_from(["tag_share", "min_weight", "oops"]), values, max_size=2),
)
def test_any_parsed_file_either_validates_or_raises_moods_file_error(
    moods: dict[str, object], inference: dict[str, object]
) -> None:
    """Whatever a user writes, the result is a valid vocabulary whose rules and weights are in
    range, or a MoodsFileError listing problems: never another exception."""
    data = {"moods": moods, "inference": inference}
    try:
        config = apply_moods_mapping(builtin_moods(), data, "moods.toml", lambda path: 1)
    except MoodsFileError as error:
        assert error.problems and all(p.source == "moods.toml:1" for p in error.problems)
        return
    for mood in config.vocabulary.moods.values():
        assert all(-1 <= w <= 1 and w != 0 for w in mood.tags.values())  # negative: against
        for rule in mood.rules:
            assert rule.weight > 0 and rule.soft >= 0 and 0 <= rule.floor <= 1
            assert rule.low is not None or rule.high is not None
    assert 0 <= config.settings.tag_share <= 1


def test_builtin_similarity_makes_the_contexts_shapes_cheap_and_is_commented() -> None:
    """The Crow's storm → brooding calm and a night drive's pads are neighbours; focus next to a
    storm is not; every [similarity] line has a comment right above it."""
    similarity = builtin_moods().vocabulary.similarity
    assert similarity.value("angsty", "brooding") == similarity.value("brooding", "angsty") >= 0.4
    assert similarity.value("night-driving", "atmospheric") >= 0.5
    assert similarity.value("angsty", "study") == 0.0
    lines = builtin_moods_path().read_text(encoding="utf-8").splitlines()
    start = lines.index("[similarity]")
    entries = [i for i in range(start + 1, len(lines)) if "=" in lines[i] and not lines[i].startswith("#")]
    assert entries, "no [similarity] entries"
    assert all(lines[i - 1].startswith("#") for i in entries)


def test_user_similarity_replaces_pairs_symmetrically_and_reports_bad_entries(tmp_path: Path) -> None:
    """An entry replaces that pair both ways (0 removes it); unknown moods and values outside
    [0, 1] are reported with their lines."""
    good = _write(tmp_path, "[similarity]\nangsty = { brooding = 0.9 }\nnight = { brooding = 0 }\n")
    similarity = load_moods(good).vocabulary.similarity
    assert similarity.value("brooding", "angsty") == 0.9
    assert similarity.value("brooding", "night-driving") == 0.0
    builtin = builtin_moods().vocabulary.similarity
    assert similarity.value("atmospheric", "study") == builtin.value("atmospheric", "study")
    bad = _write(tmp_path, "[similarity]\nbrooding = { angsy = 0.5 }\nstudy = { angsty = 1.5 }\n")
    with pytest.raises(MoodsFileError) as caught:
        load_moods(bad)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert f"{bad}:2" in text and "did you mean 'angsty'" in text
    assert f"{bad}:3" in text and "[0, 1]" in text
