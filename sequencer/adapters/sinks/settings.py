"""Sink settings: ``<config dir>/sinks.toml``, overridden by the environment.

```toml
[subsonic]            # any Subsonic / OpenSubsonic server: Navidrome, Gonic, Airsonic, supysonic…
url = "https://music.example.org"
user = "me"
password = "…"        # or api_key = "…" (OpenSubsonic servers with the apiKey extension)

[listenbrainz]
token = "…"           # from your ListenBrainz profile page
```

Environment: ``MOODSEQ_SUBSONIC_URL``, ``MOODSEQ_SUBSONIC_USER``, ``MOODSEQ_SUBSONIC_PASSWORD``,
``MOODSEQ_SUBSONIC_API_KEY``, ``MOODSEQ_LISTENBRAINZ_TOKEN`` (or ``LISTENBRAINZ_TOKEN``),
``MOODSEQ_LISTENBRAINZ_URL`` (another server, e.g. a local test one).  Secrets are never printed:
the settings' ``repr`` hides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sequencer.errors import CredentialsError, InputFileError

FILE_NAME = "sinks.toml"
LISTENBRAINZ_URL = "https://api.listenbrainz.org"


#: The tables ``sinks.toml`` may hold.
TABLES = ("subsonic", "listenbrainz")


def _file(config_dir: Path) -> dict[str, Any]:
    """The settings file's tables (empty when there is no file). A syntax error names its line
    and the fix (never a value: they may be passwords); a table of another name ("[subsonik]")
    is named with the one meant, not read as "nothing configured"."""
    import difflib

    from sequencer.adapters.toml_lines import key_lines, parse_toml, read_text

    path = config_dir / FILE_NAME
    if not path.is_file():
        return {}
    text = read_text(path)
    data = parse_toml(text, str(path), show_values=False)
    tables = f"[{'] and ['.join(TABLES)}]"
    for name, value in data.items():
        if name in TABLES and isinstance(value, dict):
            continue
        line = key_lines(text).get((name,))
        where = f"{path}:{line}" if line else str(path)
        if not isinstance(value, dict):
            raise InputFileError(
                f"{name} is set outside a table", hint=f"put it under [{'] or ['.join(TABLES)}]", source=where
            )
        close = difflib.get_close_matches(name, TABLES, n=1)
        meant = f"did you mean [{close[0]}]? " if close else ""
        raise InputFileError(f"unknown table [{name}]", hint=f"{meant}{FILE_NAME} holds {tables} only", source=where)
    return data


def _pick(env: Mapping[str, str], table: Mapping[str, Any], key: str, *names: str) -> str | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    stored = table.get(key)
    if stored is None:
        return None
    return str(stored).strip() or None


@dataclass(frozen=True)
class SubsonicSettings:
    """Where the Subsonic server is and how to log in."""

    url: str
    user: str | None
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)


def subsonic_settings(env: Mapping[str, str], config_dir: Path) -> SubsonicSettings:
    """The Subsonic settings, or CredentialsError naming what is missing."""
    table = _file(config_dir).get("subsonic", {})
    url = _pick(env, table, "url", "MOODSEQ_SUBSONIC_URL")
    user = _pick(env, table, "user", "MOODSEQ_SUBSONIC_USER")
    password = _pick(env, table, "password", "MOODSEQ_SUBSONIC_PASSWORD")
    api_key = _pick(env, table, "api_key", "MOODSEQ_SUBSONIC_API_KEY")
    where = (
        "set MOODSEQ_SUBSONIC_URL, MOODSEQ_SUBSONIC_USER and MOODSEQ_SUBSONIC_PASSWORD "
        f"(or [subsonic] in {config_dir / FILE_NAME})"
    )
    if not url:
        raise CredentialsError("no Subsonic server configured", hint=where)
    if not url.startswith(("http://", "https://")):
        raise CredentialsError(
            f"the Subsonic URL {url!r} does not start with http:// or https://",
            hint=f"write it with its scheme, e.g. http://{url} (or https://)",
        )
    if not api_key and not (user and password):
        raise CredentialsError("no Subsonic user and password (or API key) configured", hint=where)
    return SubsonicSettings(url=url.rstrip("/"), user=user, password=password, api_key=api_key)


@dataclass(frozen=True)
class ListenBrainzSettings:
    """The ListenBrainz server and the user's token."""

    url: str
    token: str = field(repr=False)


def listenbrainz_settings(env: Mapping[str, str], config_dir: Path) -> ListenBrainzSettings:
    """The ListenBrainz settings, or CredentialsError when there is no token."""
    table = _file(config_dir).get("listenbrainz", {})
    token = _pick(env, table, "token", "MOODSEQ_LISTENBRAINZ_TOKEN", "LISTENBRAINZ_TOKEN")
    url = _pick(env, table, "url", "MOODSEQ_LISTENBRAINZ_URL") or LISTENBRAINZ_URL
    if not token:
        raise CredentialsError(
            "no ListenBrainz token configured",
            hint=f"copy your token from listenbrainz.org/settings and set MOODSEQ_LISTENBRAINZ_TOKEN "
            f"(or [listenbrainz] token in {config_dir / FILE_NAME})",
        )
    return ListenBrainzSettings(url=url.rstrip("/"), token=token)
