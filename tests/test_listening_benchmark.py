"""benchmarks/listening.py's order agreement: how near two seeds come to one reversed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from benchmarks.listening import order_agreement

SONGS = st.lists(st.text(min_size=1, max_size=4), min_size=5, max_size=30, unique=True)


@given(SONGS, st.randoms(use_true_random=False))
def test_the_same_order_agrees_a_reversed_one_disagrees(songs: list[str], rnd: object) -> None:
    """1 for the same order, −1 for the shared songs reversed (whatever else either holds), in
    [−1, 1] for any shuffle, None with fewer than five shared."""
    assert order_agreement(songs, songs) == 1.0
    assert order_agreement(songs, [*reversed(songs), "other"]) == -1.0
    shuffled = list(songs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    value = order_agreement(songs, shuffled)
    assert value is not None and -1.0 <= value <= 1.0
    assert order_agreement(songs[:4], songs) is None
