"""The mood vocabulary resolves aliases and suggests close names."""

from __future__ import annotations

import pytest

from sequencer.core.moods import AttributeRule, MoodDef, cosine, default_vocabulary, normalise_name
from sequencer.errors import UnknownMoodError


def test_aliases_and_spellings_resolve() -> None:
    """'night driving', 'Night_Drive' and 'night-driving' are one mood."""
    vocab = default_vocabulary()
    for name in ("night driving", "Night_Drive", "night-driving", "NIGHT  DRIVING"):
        assert vocab.resolve(name) == "night-driving"
    assert normalise_name("  Dark Ambient ") == "dark-ambient"


def test_unknown_mood_suggests() -> None:
    """An unknown mood raises with the closest names as the hint."""
    with pytest.raises(UnknownMoodError, match="unknown mood 'brooing'") as info:
        default_vocabulary().canonical("brooing")
    assert info.value.hint == "did you mean 'brooding'?"


def test_user_moods_extend_the_vocabulary() -> None:
    """A user-added mood resolves by name and alias; built-ins remain."""
    vocab = default_vocabulary().with_moods([MoodDef("dreamy", aliases=("hazy",))])
    assert vocab.resolve("hazy") == "dreamy"
    assert vocab.resolve("study") == "study"


def test_cosine() -> None:
    """Cosine of sparse vectors; None when a vector is empty."""
    assert cosine({"a": 1.0}, {"a": 2.0}) == pytest.approx(1.0)
    assert cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert cosine({"a": 1.0, "b": -1.0}, {"b": 1.0}) == pytest.approx(-1 / 2**0.5)
    assert cosine({}, {"a": 1.0}) is None


def test_attribute_rule_has_soft_edges() -> None:
    """Inside the range is 1, fading linearly to 0 over `soft` beyond each edge."""
    rule = AttributeRule("energy", low=0.2, high=0.5, soft=0.1)
    assert rule.membership(0.3) == 1.0
    assert rule.membership(0.55) == pytest.approx(0.5)
    assert rule.membership(0.7) == 0.0
    assert rule.membership(0.15) == pytest.approx(0.5)
