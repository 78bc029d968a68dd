"""The commented starter moods file that ``moodseq moods edit`` creates on first use.

Every example line is a valid moods-file line once its leading ``#`` is removed (a test checks
it), so users learn the format by uncommenting.  ``{builtin}`` is replaced by the path of the
built-in moods file.

Public: :data:`STARTER`, :func:`create_starter`.
"""

from __future__ import annotations

from pathlib import Path

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


def create_starter(path: Path, builtin: Path) -> bool:
    """Write the starter to ``path`` unless a file is already there; True when it was written."""
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STARTER.format(builtin=builtin), encoding="utf-8")
    return True
