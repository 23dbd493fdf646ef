"""One n-gram index, two questions: any shared n-gram (validate), largest share (miner)."""

from __future__ import annotations

from phicode.contamination import NgramIndex, word_tokens

ITEMS = {
    "p1": "a b c d e f g h",
    "p2": "a b c d x y z w v u t s r q",
    "p3": "a b c d k l",
}


def test_largest_share_is_the_item_covered_most_not_the_one_with_most_hits() -> None:
    index = NgramIndex("bench", ITEMS, n=3)
    # Shares p1's first 4 of its 6 trigrams; p2's first 2 of its 12.
    problem, share = index.largest_share(word_tokens("a b c d e f"))
    assert (problem, round(share, 3)) == ("p1", round(4 / 6, 3))
    assert index.largest_share(word_tokens("nothing in common here")) is None


def test_first_shared_skips_boilerplate_that_the_share_still_counts() -> None:
    index = NgramIndex("bench", ITEMS, n=3)
    # "a b c" and "b c d" are in all three items: boilerplate for validate...
    assert index.first_shared("A, b; c. D!") is None
    # ...but the miner's share still counts them, for the item they cover most.
    assert index.largest_share(word_tokens("a b c d"))[0] == "p3"
    match = index.first_shared("zz c d e f")
    assert match is not None and (match.item, match.ngram) == ("p1", "c d e")
    assert len(index) == 16  # 18 distinct trigrams, less the two boilerplate ones
