"""A columnar view of a library for vectorised work (candidate scoring at scale).

A million :class:`~sequencer.core.track.Track` objects take seconds to build; a million rows of
float32 columns load in milliseconds.  :class:`FeatureTable` is that column form: the library
store caches it beside the database, and candidate selection scores it with numpy before any
Track object is made for the few hundred candidates.

Columns
-------
- ``ids``: track ids (numpy unicode array), row order is the table's order;
- ``mood_names`` / ``moods``: mood weights, shape (n, len(mood_names)), float32, 0 = absent;
- ``attrs``: :data:`COLUMNS` as float32 columns, NaN = unknown;
- ``explicit``: bool (False when unknown);
- ``sound``: the sound vectors (:mod:`sequencer.core.sound`), float32, shape (n, d); an
  all-zero row is a track without a vector; d = 0 when no track of the library has one.

Public: :data:`COLUMNS`, :class:`FeatureTable`, :func:`feature_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sequencer.core.track import ATTRIBUTES, Track

#: Attribute columns of :attr:`FeatureTable.attrs`, in order: the audio attributes, then duration.
COLUMNS: tuple[str, ...] = (*ATTRIBUTES, "duration_s")


@dataclass(frozen=True)
class FeatureTable:
    """Column arrays describing every track of a library (see the module docstring)."""

    ids: npt.NDArray[np.str_]
    mood_names: tuple[str, ...]
    moods: npt.NDArray[np.float32]
    attrs: npt.NDArray[np.float32]
    explicit: npt.NDArray[np.bool_]
    sound: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    confidence: npt.NDArray[np.float32] | None = None
    """Each row's confidence in its moods, in [0, 1] (``flow.md`` v2); None = all 1."""

    def __post_init__(self) -> None:
        """An omitted ``sound`` is (n, 0): no vectors."""
        if self.sound.shape[0] != self.ids.shape[0] and self.sound.size == 0:
            object.__setattr__(self, "sound", np.zeros((self.ids.shape[0], 0), dtype=np.float32))

    def confidences(self) -> npt.NDArray[np.float32]:
        """The confidence column (ones where the table carries none)."""
        if self.confidence is None:
            return np.ones(len(self), dtype=np.float32)
        return self.confidence

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def column(self, name: str) -> npt.NDArray[np.float32]:
        """One attribute column by name (a view, NaN = unknown)."""
        return self.attrs[:, COLUMNS.index(name)]


def feature_table(tracks: Sequence[Track], mood_names: Sequence[str] | None = None) -> FeatureTable:
    """Build the column form of ``tracks`` (mood columns: ``mood_names`` or all moods seen)."""
    if mood_names is None:
        seen: dict[str, None] = {}
        for track in tracks:
            for mood in track.moods:
                seen.setdefault(mood, None)
        mood_names = tuple(seen)
    index = {m: i for i, m in enumerate(mood_names)}
    moods = np.zeros((len(tracks), len(mood_names)), dtype=np.float32)
    attrs = np.full((len(tracks), len(COLUMNS)), np.nan, dtype=np.float32)
    explicit = np.zeros(len(tracks), dtype=bool)
    confidence = np.array([min(1.0, max(0.0, t.confidence)) for t in tracks], dtype=np.float32)
    for row, track in enumerate(tracks):
        for mood, weight in track.moods.items():
            col = index.get(mood)
            if col is not None:
                moods[row, col] = weight
        for col, name in enumerate(ATTRIBUTES):
            value = getattr(track, name)
            if value is not None:
                attrs[row, col] = value
        attrs[row, -1] = track.duration_s
        explicit[row] = bool(track.explicit)
    ids = np.array([t.id for t in tracks], dtype=np.str_)
    width = max((len(t.sound) for t in tracks if t.sound), default=0)
    sound = np.zeros((len(tracks), width), dtype=np.float32)
    for row, track in enumerate(tracks):
        if track.sound and len(track.sound) == width:
            sound[row] = track.sound
    return FeatureTable(
        ids=ids,
        mood_names=tuple(mood_names),
        moods=moods,
        attrs=attrs,
        explicit=explicit,
        sound=sound,
        confidence=confidence,
    )
