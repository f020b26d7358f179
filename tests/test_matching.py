"""intl_pub.matching against the brute-force loop it replaces (catalog._best_match).

The judge is difflib itself: for every new text, the candidate Matcher picks
must have the best SequenceMatcher ratio above the threshold among the
candidates still unused — on random text, on edits of the example blog's
paragraphs and on bench/gen_corpus.py's look-alike paragraphs.
"""

from __future__ import annotations

import difflib
import importlib.util
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from intl_pub.catalog.matching import Matcher, ratio

ROOT = Path(__file__).resolve().parents[1]


def difflib_ratio(text: str, candidate: str) -> float:
    return difflib.SequenceMatcher(None, text, candidate, autojunk=False).ratio()


def brute_best(
    text: str, candidates: Sequence[str], used: set[int], threshold: float = 0.6
) -> float | None:
    """The best ratio today's loop finds among unused candidates (None: no match)."""
    best = None
    for index, candidate in enumerate(candidates):
        # Prunes only what cannot beat the best so far: the ratio is at most the LCS
        # ratio (test_the_lcs_bound_holds), which rapidfuzz computes in microseconds.
        if index in used or lcs_ratio(text, candidate) < max(threshold, best or 0):
            continue
        score = difflib_ratio(text, candidate)
        if score > threshold and (best is None or score > best):
            best = score
    return best


def lcs_ratio(a: str, b: str) -> float:
    return Indel.similarity(a, b) / (len(a) + len(b)) if a or b else 1.0


def assert_matches_brute_force(new: Sequence[str], old: Sequence[str], matcher: Matcher) -> None:
    used: set[int] = set()
    for text in new:
        expected = brute_best(text, old, used)
        got = matcher.best(text)
        if expected is None:
            assert got is None, (text, old[got] if got is not None else None)
            continue
        assert got is not None and got not in used, text
        assert difflib_ratio(text, old[got]) == expected, (text, old[got])
        used.add(got)


# --- inputs --------------------------------------------------------------------------------


def blog_paragraphs() -> list[str]:
    """The text of every block of the example blog (posts we did not write for this test)."""
    found = []
    for path in sorted((ROOT / "examples/blog/posts").glob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for block in soup.find_all(["p", "li", "h1", "h2", "h3", "figcaption", "td"]):
            text = re.sub(r"\s+", " ", block.get_text()).strip()
            if text:
                found.append(text)
    return found


def generated_paragraphs(n: int, seed: int = 1) -> list[str]:
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench/gen_corpus.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng, out = random.Random(seed), []
    while len(out) < n:
        paragraph = gen.paragraph(rng)
        if paragraph not in out:
            out.append(paragraph)
    return out


def reword(text: str, rng: random.Random) -> str:
    """What an author does: a word replaced, added or dropped, a number changed, a typo."""
    words = text.split()
    for _ in range(rng.randint(0, 5) if words else 0):
        k = rng.randrange(len(words))
        match rng.randrange(6):
            case 0:
                words[k] = rng.choice(["new", "latest", "2025", "several", "Our", "quite", "few"])
            case 1:
                words.insert(k, rng.choice(["also", "now", "still", "even", "3", "(see below)"]))
            case 2 if len(words) > 2:
                del words[k]
            case 3:
                words[k] = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), words[k])
            case 4 if len(words[k]) > 3:
                i = rng.randrange(len(words[k]) - 1)
                words[k] = words[k][:i] + words[k][i + 1] + words[k][i] + words[k][i + 2 :]
            case _:
                words[k] = words[k].upper()
    return " ".join(words)


def edited(old: list[str], rng: random.Random, fresh: Sequence[str]) -> list[str]:
    """A new version of a post: most blocks reworded, some new, in a shuffled order."""
    new = [reword(p, rng) for p in old if rng.random() < 0.85]
    new += rng.sample(list(fresh), min(len(fresh), max(1, len(old) // 10)))
    rng.shuffle(new)
    return new


# --- tests ---------------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["the", "clinic", "heat", "30", "°C", "вода", "医院", "<1>", "</1>", "a", "b"]
)
TEXT = st.lists(st.one_of(WORDS, st.text("abc ", max_size=6)), max_size=14).map(" ".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=25), st.lists(TEXT, max_size=25), st.randoms(use_true_random=False))
def test_random_texts_get_the_brute_force_best(
    old: list[str], fresh: list[str], rng: random.Random
) -> None:
    new = edited(old, rng, fresh) + fresh
    assert_matches_brute_force(new, old, Matcher(old))
    assert_matches_brute_force(new, old, Matcher(old, exhaustive=0))  # the index path


@pytest.mark.parametrize("seed", range(3))
def test_edited_blog_paragraphs_get_the_brute_force_best(seed: int) -> None:
    old = blog_paragraphs()
    assert len(old) >= 15
    rng = random.Random(seed)
    new = edited(old, rng, generated_paragraphs(5, seed=seed))
    assert_matches_brute_force(new, old, Matcher(old))
    # The index path (not only the exhaustive one for short posts) gives the same answers.
    assert_matches_brute_force(new, old, Matcher(old, exhaustive=0))


@pytest.mark.slow
def test_reworded_look_alike_paragraphs_get_the_brute_force_best_through_the_index() -> None:
    old = generated_paragraphs(500)
    rng = random.Random(5)
    new = edited(old, rng, generated_paragraphs(30, seed=99))
    matcher = Matcher(old, exhaustive=0)
    assert_matches_brute_force(new, old, matcher)
    assert matcher.comparisons <= 2 * len(new)  # difflib ran about once per paragraph


def test_ties_go_to_the_earliest_unused_candidate() -> None:
    old = ["Call 999 now.", "Call 111 now.", "Call 999 now.", "Call 999 now."]
    matcher = Matcher(old)
    assert [matcher.best("Call 999 now!") for _ in range(4)] == [0, 2, 3, 1]
    assert matcher.best("Call 999 now!") is None  # every candidate is used


def test_a_ratio_equal_to_the_threshold_is_not_a_match() -> None:
    assert difflib_ratio("abcde", "abcxy") == 0.6
    assert Matcher(["abcxy"]).best("abcde") is None
    assert Matcher(["abcdy"]).best("abcde") == 0


def test_a_candidate_matched_another_way_is_not_offered_again() -> None:
    old = ["Heat is a risk for everyone.", "Heat is a risk for babies."]
    matcher = Matcher(old)
    matcher.discard(0)
    assert matcher.peek("Heat is a risk for everyone!") == 1
    assert matcher.best("Heat is a risk for everyone!") == 1
    assert len(matcher) == 0


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_our_ratio_is_difflibs_to_the_last_bit(a: str, b: str) -> None:
    assert ratio(a, b) == difflib_ratio(a, b)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT)
def test_the_lcs_bound_holds(a: str, b: str) -> None:
    assert difflib_ratio(a, b) <= lcs_ratio(a, b)


def test_cjk_paragraphs_are_indexed_by_character_pairs() -> None:
    old = [
        "世界卫生组织在报告中指出，高温对老人和儿童的风险最大。",
        "请在炎热的天气里多喝水，并避免在中午外出。",
    ] * 1
    matcher = Matcher(old, exhaustive=0)
    assert matcher.best("世界卫生组织在最新报告中指出，高温对老人和儿童的风险最大。") == 0
    assert matcher.best("请在炎热的天气里多喝水，避免中午外出。") == 1
