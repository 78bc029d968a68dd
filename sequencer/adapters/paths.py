"""Where moodseq keeps its files, overridable by environment variables.

Order of precedence (highest first): command-line flags (handled by the CLI), environment
variables, platform defaults (platformdirs):

- ``MOODSEQ_CONFIG_DIR``: user profiles (``profiles/``), the moods file (``moods.toml``), the
  Spotify token cache;
- ``MOODSEQ_DATA_DIR``: the library database (``library.db``) and its caches;
- ``MOODSEQ_LIBRARY``: the library file itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP = "moodseq"


def _env(name: str, env: Mapping[str, str] | None) -> str | None:
    value = (os.environ if env is None else env).get(name)
    return value or None


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's moodseq configuration folder (not created here)."""
    override = _env("MOODSEQ_CONFIG_DIR", env)
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported here: only commands that need the path pay for it

    return Path(platformdirs.user_config_dir(APP))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's moodseq data folder (not created here)."""
    override = _env("MOODSEQ_DATA_DIR", env)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def default_library_path(env: Mapping[str, str] | None = None) -> Path:
    """The library database: ``MOODSEQ_LIBRARY`` or ``<data dir>/library.db``."""
    override = _env("MOODSEQ_LIBRARY", env)
    if override:
        return Path(override).expanduser()
    return data_dir(env) / "library.db"


def user_profiles_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where user profiles live; one with a built-in's name overrides it."""
    return config_dir(env) / "profiles"


def moods_file_path(env: Mapping[str, str] | None = None) -> Path:
    """The user's moods file (extends and overrides the built-in moods)."""
    return config_dir(env) / "moods.toml"
