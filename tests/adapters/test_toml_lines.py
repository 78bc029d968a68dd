"""The TOML line locator finds keys in tables, dotted keys and inline tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.toml_lines import key_lines, make_locator, parse_toml, read_text
from sequencer.errors import InputFileError

TEXT = """\
# comment
name = "x"
[arc]
points = [[0, 0.1], [1, 0.2]]

[constraints]   # trailing comment
artist_gap = 3
"quoted key" = 1
weights.flow = 2
inline = { a = 1, b = 2 }
"""


def test_keys_map_to_their_lines() -> None:
    """Top-level keys, table keys, quoted, dotted and inline-table keys get their line."""
    lines = key_lines(TEXT)
    assert lines[("name",)] == 2
    assert lines[("arc",)] == 3
    assert lines[("arc", "points")] == 4
    assert lines[("constraints", "artist_gap")] == 7
    assert lines[("constraints", "quoted key")] == 8
    assert lines[("constraints", "weights", "flow")] == 9
    assert lines[("constraints", "inline", "b")] == 10


def test_locator_falls_back_to_enclosing_table() -> None:
    """A key the text lacks (e.g. an element of a list) is placed at its nearest parent."""
    locate = make_locator(TEXT)
    assert locate(("arc", "points", "3")) == 4
    assert locate(("constraints", "missing")) == 6
    assert locate(("nowhere",)) is None


keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@given(st.dictionaries(keys, st.dictionaries(keys, st.integers(), max_size=4), max_size=4))
def test_generated_documents_locate_every_key(doc: dict[str, dict[str, int]]) -> None:
    """For any document of tables of integers, each key's line holds that key."""
    text_lines: list[str] = []
    for table, values in doc.items():
        text_lines.append(f"[{table}]")
        text_lines.extend(f"{k} = {v}" for k, v in values.items())
    lines = key_lines("\n".join(text_lines))
    for table, values in doc.items():
        assert text_lines[lines[(table,)] - 1] == f"[{table}]"
        for key in values:
            assert text_lines[lines[(table, key)] - 1].startswith(f"{key} =")


def test_reading_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    """read_text on a folder names the folder and asks for a file (not "check permissions")."""
    with pytest.raises(InputFileError, match="is a folder, not a file") as info:
        read_text(tmp_path)
    assert info.value.hint is not None and "permissions" not in info.value.hint


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("minutes = 50\nminutes = 60\n", 2, "minutes is set twice (first on line 1)"),
        ("[moods]\nstudy = 1\nbrooding = 0.2\nstudy = 0.5\n", 4, "moods.study is set twice (first on line 2)"),
        ("[moods]\nstudy = 1\n[weights]\nflow = 1\n[moods]\nb = 1\n", 5, "[moods] appears twice (first on line 1)"),
    ],
)
def test_a_key_or_table_written_twice_is_named_with_its_first_line(text: str, line: int, message: str) -> None:
    """tomllib says only "Cannot overwrite a value"; the error names the key (or table) and
    where it was first set, and the hint says to keep one (it spoke of quotes and brackets)."""
    with pytest.raises(InputFileError) as info:
        parse_toml(text, "p.toml")
    assert info.value.source == f"p.toml:{line}"
    assert info.value.message == message
    assert info.value.hint is not None and "quotes" not in info.value.hint


def test_a_file_far_larger_than_a_profile_is_refused_unread(tmp_path: Path) -> None:
    """A wrong path (an audio file, a link to /dev/zero) is refused after 4 MB, not read whole:
    `profiles check` of a link to /dev/zero ran until the memory was full."""
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " * (2 * 1024 * 1024 + 1))
    with pytest.raises(InputFileError, match="larger than 4 MB: not a profile or moods file"):
        read_text(big)
    if Path("/dev/zero").exists():
        endless = tmp_path / "zero.toml"
        endless.symlink_to("/dev/zero")
        with pytest.raises(InputFileError, match="larger than 4 MB"):
            read_text(endless)
    small = tmp_path / "small.toml"
    small.write_text("\ufeffminutes = 30\n", encoding="utf-8")
    assert read_text(small) == "minutes = 30\n"


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("name = “my-drive”", "write straight quotes \" (or ') instead of curly ones"),
        ("name = ‘my-drive’   # the name", "write straight quotes"),
        ('name = "my-drive    # "forgot" the end', 'a string on that line is not closed: end it with "'),
        ("shape = rise", 'strings need quotes: shape = "rise"'),
        ("name = my drive  # mine", 'strings need quotes: name = "my drive"'),
        ("[weights", "check quotes, brackets and `key = value` syntax"),
    ],
)
def test_a_syntax_error_hint_names_the_fix_for_that_line(line: str, hint: str) -> None:
    """Curly quotes (a phone or word processor's), a string left open and a word without quotes
    each get their own fix; they all got "check quotes, brackets and `key = value` syntax"."""
    with pytest.raises(InputFileError) as raised:
        parse_toml(f"minutes = 60\n{line}\n", "my.toml")
    assert raised.value.source == "my.toml:2"
    assert raised.value.hint is not None and raised.value.hint.startswith(hint)
