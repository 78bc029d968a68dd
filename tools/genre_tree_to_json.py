"""Convert beets' genre tree (YAML) into the JSON file moodseq ships.

    python tools/genre_tree_to_json.py ../shared/data/genre_tree/genres-tree.yaml sequencer/data/genre_tree.json

Needs pyyaml (a dev dependency); moodseq itself reads only the JSON.  The output keeps the
tree exactly (a list of families; a family is ``{name: [children]}``, a leaf a string) under
``"tree"``, with the notice and provenance beside it.  tests/core/test_genres.py checks the
shipped file against the YAML in ../shared.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

NOTICE = (
    "Genre tree from beets (beetbox/beets, beetsplug/lastgenre/genres-tree.yaml, commit "
    "07f39c5204997a356fd98b7e88ba9b185efb2e66), MIT License, Copyright (c) 2010-2016 Adrian "
    "Sampson; full notice in LICENSE.beets beside this file."
)


def convert(source: Path, target: Path) -> None:
    """Write ``source``'s tree as JSON to ``target``."""
    tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    payload = {"notice": NOTICE, "tree": tree}
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
