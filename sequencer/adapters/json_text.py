"""Parsing JSON from files a user hands us, with the two ways :func:`json.loads` fails besides
bad syntax turned into one-line errors: nesting deeper than Python's recursion allows
(``[[[[…]]]]`` 100,000 deep) and integers longer than Python converts (4,300 digits).

Public: :func:`loads`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sequencer.errors import InputFileError


def loads(text: str, source: str, hint: str) -> Any:
    """``json.loads(text)``; :class:`json.JSONDecodeError` is left to the caller (it words the
    syntax error), too-deep nesting and too-long integers become :class:`InputFileError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise InputFileError(
            "JSON nested too deeply to read (lists or objects inside each other hundreds of levels deep)",
            hint=hint,
            source=source,
        ) from None
    except ValueError as error:
        if "digits" not in str(error):
            raise
        raise InputFileError(
            f"JSON holds a number with more than {sys.get_int_max_str_digits():,} digits", hint=hint, source=source
        ) from None
