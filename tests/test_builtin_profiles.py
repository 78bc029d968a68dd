"""The built-in profiles: each file loads, is fully commented, uses known moods, and every key
of the profile schema is documented in profiles/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sequencer.adapters.profiles_toml import builtin_profiles_dir, discover, load_profile_file
from sequencer.core.arcs import SHAPES
from sequencer.core.context import genre_exclusion
from sequencer.core.genre_names import FUNCTIONAL_GENRES
from sequencer.core.moods import BUILTIN_MOODS
from sequencer.core.profile import SCHEMA, Key, Profile

REPO = Path(__file__).resolve().parent.parent
PROFILES = REPO / "profiles"
README = PROFILES / "README.md"
FILES = sorted(PROFILES.glob("*.toml"))
REQUIRED = {"night-drive", "train-ride", "study"}


def load(name: str) -> Profile:
    """The built-in profile ``name`` from the repository's profiles/ folder."""
    return load_profile_file(PROFILES / f"{name}.toml")


def test_the_required_profiles_exist_and_a_few_more() -> None:
    """night-drive, train-ride and study are built in, plus at least two more contexts."""
    names = {path.stem for path in FILES}
    assert names >= REQUIRED
    assert len(names) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_builtin_profile_loads(path: Path) -> None:
    """Each file validates with load_profile_file, is named after its file and describes itself."""
    profile = load_profile_file(path)
    assert profile.name == path.stem
    assert profile.description.strip()
    assert profile.moods, "a built-in profile must say which moods it wants"
    assert profile.arc is not None, "every built-in profile shapes its energy"
    assert 20 <= profile.minutes <= 180
    assert profile.constraints.artist_gap >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_line_is_commented(path: Path) -> None:
    """A user tuning a copy by hand finds a comment on every non-blank line."""
    bare = [
        f"{number}: {line}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() and "#" not in line
    ]
    assert not bare, "lines without a comment:\n" + "\n".join(bare)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_builtin_profile_plays_nature_sounds_spa_music_or_live_recordings(path: Path) -> None:
    """Every built-in context is music: a recording filed under a functional genre (nature
    sounds, noise, spa music) is excluded, one of another genre is not."""
    from sequencer.core.track import Track

    profile = load_profile_file(path)
    for genre in FUNCTIONAL_GENRES:
        recording = Track(id=genre, title="Rain", artists=("Nature Sounds",), duration_s=600.0, genres=(genre,))
        assert genre_exclusion(recording, profile.constraints.exclude_genres) == genre
    song = Track(id="song", title="Rain", artists=("The Cult",), duration_s=240.0, genres=("gothic rock",))
    assert genre_exclusion(song, profile.constraints.exclude_genres) is None
    assert profile.constraints.exclude_live, "applause and crowd noise break every built-in context"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_profile_moods_are_builtin_moods(path: Path) -> None:
    """Mood weights and excluded moods name moods that exist without any moods file."""
    profile = load_profile_file(path)
    assert set(profile.moods) <= set(BUILTIN_MOODS)
    assert set(profile.constraints.exclude_moods) <= set(BUILTIN_MOODS)
    assert max(profile.moods.values()) == 1.0, "the heart of the profile has weight 1"


def test_builtin_profiles_ship_with_the_package() -> None:
    """The folder the installed package exposes holds the same profiles as the repository."""
    shipped = {path.stem for path in builtin_profiles_dir().glob("*.toml")}
    assert shipped == {path.stem for path in FILES}


def test_a_user_profile_overrides_a_builtin(tmp_path: Path) -> None:
    """A user file named like a built-in wins; the other built-ins stay visible."""
    (tmp_path / "study.toml").write_text("minutes = 25\n", encoding="utf-8")
    found = discover(tmp_path)
    assert found["study"].path == tmp_path / "study.toml"
    assert found["study"].overrides_builtin
    assert found["night-drive"].builtin


def test_night_drive_follows_the_reference_arc() -> None:
    """night-drive uses flow.md's example arc: cruise, build past the middle, wind down."""
    assert load("night-drive").arc == ((0.0, 0.45), (0.6, 0.7), (1.0, 0.4))


def test_study_is_low_steady_and_angst_free() -> None:
    """study keeps a flat, low arc, leaves out angsty and explicit tracks, and avoids angst."""
    study = load("study")
    assert study.arc is not None
    assert len({energy for _, energy in study.arc}) == 1
    assert study.arc[0][1] <= 0.4
    assert "angsty" in study.constraints.exclude_moods
    assert study.constraints.exclude_explicit
    assert study.moods["angsty"] < 0
    assert max(study.moods, key=lambda m: study.moods[m]) == "study"


def test_train_ride_is_long_atmospheric_and_flow_first() -> None:
    """train-ride is the longest, wants atmospheric and brooding most, and weighs flow highest."""
    ride = load("train-ride")
    assert ride.minutes == max(load_profile_file(p).minutes for p in FILES)
    top_two = sorted(ride.moods, key=lambda m: -ride.moods[m])[:2]
    assert top_two == ["atmospheric", "brooding"]
    assert ride.weights.flow > max(ride.weights.fit, ride.weights.arc)


# --- the README documents every key -----------------------------------------------------------

_HEADING = re.compile(r"^#{2,4}\s+(.*?)\s*$")
_SECTION = re.compile(r"^\[([a-z_]+)\]$")
_KEY_ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|")


def documented_keys(text: str) -> dict[str | None, set[str]]:
    """Keys listed in the README's key tables (those whose header starts ``| key |``), by
    section: None for the top level, else the ``[section]`` name of the enclosing heading."""
    found: dict[str | None, set[str]] = {}
    section: str | None = None
    in_keys = False
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            match = _SECTION.match(heading.group(1))
            section = match.group(1) if match else None
            in_keys = False
            continue
        if line.startswith("| key |"):
            in_keys = True
            continue
        if not line.startswith("|"):
            in_keys = False
            continue
        row = _KEY_ROW.match(line)
        if in_keys and row:
            found.setdefault(section, set()).add(row.group(1))
    return found


def schema_keys() -> dict[str | None, set[str]]:
    """The keys of core.profile.SCHEMA by section (None = top level)."""
    keys: dict[str | None, set[str]] = {None: set()}
    for name, spec in SCHEMA.items():
        if isinstance(spec, Key):
            keys[None].add(name)
        else:
            keys[name] = set(spec)
    return keys


def test_readme_parser_reads_sections() -> None:
    """The README parser files keys under the right section and ignores other tables."""
    text = (
        "### Top level\n\n| key | meaning |\n|---|---|\n| `minutes` | length |\n\n"
        "### [arc]\n\n| key | meaning |\n|---|---|\n| `shape` | a shape |\n\n"
        "| shape | points |\n|---|---|\n| `flat` | (0, M) |\n"
    )
    assert documented_keys(text) == {None: {"minutes"}, "arc": {"shape"}}


def test_every_schema_key_is_documented() -> None:
    """profiles/README.md has a row for every key of every section of the schema, and no row
    for a key the schema does not know."""
    documented = documented_keys(README.read_text(encoding="utf-8"))
    expected = schema_keys()
    missing = {
        section or "top level": sorted(keys - documented.get(section, set()))
        for section, keys in expected.items()
        if keys - documented.get(section, set())
    }
    assert not missing, f"document these keys in profiles/README.md: {missing}"
    unknown = {
        section or "top level": sorted(keys - expected.get(section, set()))
        for section, keys in documented.items()
        if keys - expected.get(section, set())
    }
    assert not unknown, f"profiles/README.md documents keys the schema does not have: {unknown}"


def test_readme_names_every_builtin_profile_shape_and_mood() -> None:
    """The README lists each built-in profile, each arc shape and each built-in mood."""
    text = README.read_text(encoding="utf-8")
    for name in [p.stem for p in FILES] + list(SHAPES) + list(BUILTIN_MOODS):
        assert f"`{name}`" in text, name
