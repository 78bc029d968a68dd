"""Profile files: find them (built-in and user), read them, validate them with file:line errors.

Built-in profiles ship inside the package (``sequencer.builtin_profiles``, the repository's
``profiles/`` folder); user profiles live in ``<config dir>/profiles``.  A user profile with a
built-in's name overrides it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sequencer.adapters.toml_lines import read_toml
from sequencer.core.moods import MoodVocabulary
from sequencer.core.profile import Profile, profile_from_mapping
from sequencer.errors import UnknownProfileError


@dataclass(frozen=True)
class ProfileFile:
    """A profile file found on disk."""

    name: str
    path: Path
    builtin: bool
    overrides_builtin: bool = False


def builtin_profiles_dir() -> Path:
    """The folder of the built-in profiles: package data when installed, else the source tree's
    ``profiles/`` (running from a checkout without installing)."""
    try:
        # A data-only package is a namespace package: files() gives a MultiplexedPath, whose
        # str() is not a path; a file inside it is a real Path, so take that file's folder.
        readme = resources.files("sequencer.builtin_profiles").joinpath("README.md")
        return Path(str(readme)).parent
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "profiles"


def discover(user_dir: Path) -> dict[str, ProfileFile]:
    """All profiles by name: built-ins first, then user files (overriding by name)."""
    found: dict[str, ProfileFile] = {}
    for path in sorted(builtin_profiles_dir().glob("*.toml")):
        found[path.stem] = ProfileFile(path.stem, path, builtin=True)
    if user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            overrides = path.stem in found and found[path.stem].builtin
            found[path.stem] = ProfileFile(path.stem, path, builtin=False, overrides_builtin=overrides)
    return found


def resolve(name_or_path: str, user_dir: Path) -> Path:
    """The file for a profile name, or the path itself when it is a file."""
    candidate = Path(name_or_path).expanduser()
    looks_like_path = candidate.suffix == ".toml" or "/" in name_or_path
    if looks_like_path and candidate.is_dir():  # a folder named like a name is not in the way
        raise UnknownProfileError(
            f"{candidate} is a folder, not a profile file", hint="give the path of a .toml file (or a profile name)"
        )
    if candidate.suffix == ".toml" or candidate.is_file():
        if candidate.is_file():
            return candidate
        saved = discover(user_dir).get(candidate.stem)
        if "/" not in name_or_path and saved is not None:
            return saved.path  # `profiles check my-drive.toml` right after `profiles new my-drive`
        raise UnknownProfileError(f"no such profile file: {candidate}", hint="check the path")
    profiles = discover(user_dir)
    if name_or_path in profiles:
        return profiles[name_or_path].path
    close = difflib.get_close_matches(name_or_path, list(profiles), n=2)
    hint = (
        "did you mean " + " or ".join(repr(c) for c in close) + "?"
        if close
        else "`moodseq profiles list` shows the profiles; `moodseq profiles new NAME` makes one"
    )
    raise UnknownProfileError(f"no profile named {name_or_path!r}", hint=hint)


#: Suffixes of the playlists moodseq writes and reads back: such a file is no profile.
PLAYLIST_SUFFIXES = (".json", ".jspf", ".xspf", ".m3u", ".m3u8", ".csv", ".tsv")


def load_profile_file(path: Path, vocabulary: MoodVocabulary | None = None) -> Profile:
    """Read and validate one profile file (raises ProfileError listing every problem; a saved
    playlist given for a profile is one error saying so, not "not valid TOML" at its line 1)."""
    if path.suffix.lower() in PLAYLIST_SUFFIXES:
        raise UnknownProfileError(
            f"{path} is a playlist, not a profile (a .toml file)",
            hint=f"`moodseq reorder {path} --profile NAME` orders it for a profile; "
            "`moodseq profiles list` shows the profiles to build",
        )
    data, locate = read_toml(path)
    return profile_from_mapping(data, str(path), default_name=path.stem, vocabulary=vocabulary, locate=locate)


def load_profile(name_or_path: str, user_dir: Path, vocabulary: MoodVocabulary | None = None) -> Profile:
    """Find a profile by name (or path) and load it."""
    return load_profile_file(resolve(name_or_path, user_dir), vocabulary)
