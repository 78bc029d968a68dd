"""Two sequences side by side: their scores against one profile, and how much they overlap.

:func:`compare` is pure (it reads two :class:`Sequence` objects scored against the same profile);
:func:`comparison_lines` lays the result out as plain text for ``moodseq compare``.

Overlap is by *song* (:func:`~sequencer.core.track.song_key`: first artist + base title), so the
same song from two libraries, or a remaster, counts as shared.  Order agreement is Kendall's
tau-a over the shared songs: 1 = same relative order, −1 = reversed, about 0 = unrelated
(None with fewer than two shared songs).

Public: :class:`Comparison`, :func:`compare`, :func:`kendall_tau`, :func:`comparison_lines`.
"""

from __future__ import annotations

from collections.abc import Sequence as Seq
from dataclasses import dataclass

from sequencer.core.sequence import Sequence
from sequencer.core.track import Track, song_key

#: How many names "only in A/B" lists before "… and N more".
LIST_LIMIT = 5


@dataclass(frozen=True)
class Comparison:
    """The numbers ``moodseq compare`` prints."""

    a: Sequence
    b: Sequence
    shared: tuple[str, ...]
    """Names (``Artist - Title``) of the songs in both, in A's order."""
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    jaccard: float
    """|A ∩ B| / |A ∪ B| over songs (0 when both are empty)."""
    tau: float | None
    """Kendall's tau-a of the shared songs' order (None with fewer than two)."""


def _songs(tracks: Seq[Track]) -> dict[str, str]:
    """song key → display name, first occurrence, in order."""
    songs: dict[str, str] = {}
    for track in tracks:
        songs.setdefault(song_key(track.artists, track.title), track.name)
    return songs


def kendall_tau(order: Seq[int]) -> float | None:
    """Kendall's tau-a between ``0, 1, …, n−1`` and ``order`` (positions in the other list).

    Examples
    --------
    >>> kendall_tau([0, 1, 2]), kendall_tau([2, 1, 0]), kendall_tau([0])
    (1.0, -1.0, None)
    """
    n = len(order)
    if n < 2:
        return None
    score = 0
    for i in range(n):
        for j in range(i + 1, n):
            score += 1 if order[j] > order[i] else -1 if order[j] < order[i] else 0
    return score / (n * (n - 1) / 2)


def compare(a: Sequence, b: Sequence) -> Comparison:
    """Compare two sequences (scored against the same profile by the caller)."""
    songs_a, songs_b = _songs(a.tracks), _songs(b.tracks)
    shared_keys = [key for key in songs_a if key in songs_b]
    union = len(songs_a.keys() | songs_b.keys())
    position_b = {key: index for index, key in enumerate(songs_b)}
    return Comparison(
        a=a,
        b=b,
        shared=tuple(songs_a[key] for key in shared_keys),
        only_a=tuple(name for key, name in songs_a.items() if key not in songs_b),
        only_b=tuple(name for key, name in songs_b.items() if key not in songs_a),
        jaccard=len(shared_keys) / union if union else 0.0,
        tau=kendall_tau([position_b[key] for key in shared_keys]),
    )


def _better(value_a: float, value_b: float, *, higher: bool, fmt: str) -> str:
    """ "A", "B" or "=" for the better of two values ("=" when they print the same)."""
    if fmt.format(value_a) == fmt.format(value_b):
        return "="
    return "A" if (value_a > value_b) == higher else "B"


def _names(names: Seq[str]) -> str:
    """A short list: the first few names and how many more."""
    shown = "; ".join(names[:LIST_LIMIT])
    more = len(names) - LIST_LIMIT
    return f"{shown}; … and {more} more" if more > 0 else shown


def comparison_lines(result: Comparison, label_a: str, label_b: str, *, profiled: bool = True) -> list[str]:
    """The side-by-side table, then the overlap, as plain text lines (``profiled``: scored
    against a profile; False when neither file had one and none was named)."""
    a, b = result.a, result.b
    width = min(32, max(12, len(label_a) + 4, len(label_b) + 4))  # "A: " + name + a gap
    rows: list[tuple[str, str, str, str]] = [
        ("", f"A: {label_a}", f"B: {label_b}", "better"),
        ("tracks", str(len(a.steps)), str(len(b.steps)), ""),
        ("minutes", f"{a.duration_s / 60:.1f}", f"{b.duration_s / 60:.1f}", ""),
    ]
    metrics = (
        ("flow cost", a.score.flow_cost, b.score.flow_cost, False, "{:.3f}"),
        ("arc error", a.score.arc_error, b.score.arc_error, False, "{:.3f}"),
        ("mood fit", a.score.mood_fit, b.score.mood_fit, True, "{:.2f}"),
        ("objective", a.score.total, b.score.total, False, "{:.3f}"),
    )
    for name, value_a, value_b, higher, fmt in metrics:
        rows.append((name, fmt.format(value_a), fmt.format(value_b), _better(value_a, value_b, higher=higher, fmt=fmt)))
    lines = [
        f"{label:<10} {left[: width - 1]:<{width}} {right[: width - 1]:<{width}} {verdict}".rstrip()
        for label, left, right, verdict in rows
    ]
    if profiled:
        lines.append(f"both scored against the profile {a.profile.name}; lower cost, error and")
        lines.append("objective are better, higher fit is better")
    else:  # it said "against the profile none"
        lines.append("scored without a profile: no moods and no arc, so the flow cost decides;")
        lines.append("lower cost and objective are better")
    lines.append("")
    lines.append(
        f"shared songs: {len(result.shared)} of {len(a.steps)} and {len(b.steps)} (Jaccard {result.jaccard:.2f})"
    )
    if result.tau is None:
        lines.append("order agreement: needs at least two shared songs")
    else:
        lines.append(f"order agreement on shared songs: Kendall tau {result.tau:+.2f} (+1 same order, −1 reversed)")
    if result.only_a:
        lines += _wrap(f"only in A ({len(result.only_a)}): {_names(result.only_a)}")
    if result.only_b:
        lines += _wrap(f"only in B ({len(result.only_b)}): {_names(result.only_b)}")
    return lines


def _wrap(line: str) -> list[str]:
    """A long line wrapped to 80 columns with a hanging indent."""
    import textwrap

    return textwrap.wrap(line, width=80, subsequent_indent="    ", break_on_hyphens=False)
