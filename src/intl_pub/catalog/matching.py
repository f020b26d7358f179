"""The earlier entry that best matches a changed English text, without comparing every pair.

Why: a merge looks, for every new msgid, for the old entry with the highest
``difflib.SequenceMatcher`` ratio above a threshold among the old entries
not used yet (document order breaks ties). Comparing every pair is
O(n·m) SequenceMatcher calls: 85 s for a 3,000-paragraph post whose every
paragraph was reworded. :class:`Matcher` gives the same answer with far
fewer comparisons:

1. *Retrieve*: an inverted index of words and word pairs (CJK: character
   pairs; short texts: also character 3-grams) gives the candidates sharing the query's
   rarest tokens, reading at most a fixed number of postings per query.
   When few unused candidates are left (``exhaustive``), all of them are
   taken instead, so a typical post is matched exactly.
2. *Bound*: SequenceMatcher's matches form a common subsequence, so its
   ratio is at most the LCS ratio ``2·LCS/(|a|+|b|)``, which rapidfuzz
   computes in microseconds (and at most ``2·min/(|a|+|b|)`` by length).
3. *Verify*: SequenceMatcher (cydifflib's, identical to difflib's) runs
   only on candidates whose bound can still beat the best ratio found, in
   decreasing order of bound.

Result: the brute-force answer whenever the best candidate is retrieved
(always with ``exhaustive`` candidates or fewer; otherwise when it shares
one of the query's rarer tokens, as any reworded paragraph does). Ties go to
the earliest candidate, as in the brute-force loop.
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from cydifflib import SequenceMatcher
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
SHORT = 150
"""Candidates shorter than this are also indexed by character 3-grams."""
TINY = 15
"""Candidates shorter than this are also indexed by character (queries under 6)."""
WIDEN_BELOW = 0.9
"""A best ratio under this sends the search four times further down the ranking."""


def ratio(text: str, candidate: str) -> float:
    """The similarity the merge has always used: ``difflib.SequenceMatcher(None, text,
    candidate, autojunk=False).ratio()``, computed by cydifflib (same algorithm, same
    float, compiled: about 14 times faster)."""
    return SequenceMatcher(None, text, candidate, autojunk=False).ratio()


def _tokens(text: str, grams: bool) -> set[str]:
    found: set[str] = set()
    words = _WORD.findall(text.lower())
    for word in words:
        if _CJK.search(word):
            found.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        else:
            found.add(word)
    # Word pairs: rare even where every word is common (templated or look-alike text).
    found.update(f"{a} {b}" for a, b in pairwise(words))
    if grams:
        found.update("\0" + text[i : i + 3] for i in range(len(text) - 2))
    if len(text) < TINY:
        found.update("\1" + ch for ch in text)  # "!" against "!!", "" against ""
        found.add("\1")
    return found


_MEMORY: OrderedDict[bytes, dict[tuple[str, int], int | None]] = OrderedDict()
"""Answers of the last few candidate sets (by digest of candidates and settings)."""


def _answers(identity: bytes) -> dict[tuple[str, int], int | None]:
    if identity in _MEMORY:
        _MEMORY.move_to_end(identity)
    else:
        _MEMORY[identity] = {}
        while len(_MEMORY) > 8:
            _MEMORY.popitem(last=False)
    return _MEMORY[identity]


class Matcher:
    """Pick, for each new text, the best unused candidate (see the module docstring).

    ``candidates`` are the old msgids in document order; ``threshold`` is the
    ratio a match must exceed (strictly, as before); ``budget`` caps the
    index postings read per query and ``shortlist`` the candidates bounded.
    """

    def __init__(
        self,
        candidates: Sequence[str],
        threshold: float = 0.6,
        *,
        exhaustive: int = 400,
        budget: int = 4_000,
        shortlist: int = 48,
    ) -> None:
        self._texts = list(candidates)
        self._threshold = threshold
        self._exhaustive = exhaustive
        self._budget = budget
        self._shortlist = shortlist
        self._lengths = np.array([len(t) for t in self._texts], dtype=np.int64)
        self._alive = np.ones(len(self._texts), dtype=bool)
        self._left = len(self._texts)
        postings: defaultdict[str, array[int]] = defaultdict(lambda: array("i"))
        for index, text in enumerate(self._texts):
            for token in _tokens(text, len(text) < SHORT):
                postings[token].append(index)
        self._postings = {t: np.frombuffer(p, dtype=np.int32) for t, p in postings.items()}
        identity = hashlib.sha256(repr((threshold, exhaustive, budget, shortlist)).encode())
        for text in self._texts:
            identity.update(text.encode("utf-8", "surrogatepass") + b"\0")
        self._answers = _answers(identity.digest())
        # Which candidates are used, as a Zobrist hash (one random 128-bit word per
        # candidate, xor-ed in when it is used): O(1) per use, for the memory's keys.
        draw = random.Random(0)
        self._words = [draw.getrandbits(128) for _ in self._texts]
        self._used = 0
        self.comparisons = 0
        """SequenceMatcher runs so far (the cost the index saves; brute force: n·m)."""

    def __len__(self) -> int:
        """How many candidates are still unused."""
        return self._left

    def discard(self, index: int) -> None:
        """Mark a candidate used (the merge matched it some other way)."""
        if self._alive[index]:
            self._alive[index] = False
            self._left -= 1
            self._used ^= self._words[index]

    def best(self, text: str) -> int | None:
        """The index of the best unused candidate, now marked used; None when none is close."""
        found = self.peek(text)
        if found is not None:
            self.discard(found)
        return found

    def peek(self, text: str) -> int | None:
        """Like :meth:`best`, without marking anything used.

        Remembered by candidates, unused set and query: a run merges the same English
        into every locale's catalog, and the second and third locale ask the same.
        """
        if not self._left:
            return None
        key = (text, self._used)
        if key not in self._answers:
            self._answers[key] = self._search(text)
        return self._answers[key]

    def _search(self, text: str) -> int | None:
        if self._left <= self._exhaustive:
            return self._verify(text, np.flatnonzero(self._alive))[0]
        ranked = self._retrieve(text)
        found, score = self._verify(text, ranked[: self._shortlist])
        if score < WIDEN_BELOW and len(ranked) > self._shortlist:
            # Not an obvious match: look further down the ranking before settling.
            found, score = self._verify(text, ranked[: self._shortlist * 4])
        return found

    def _retrieve(self, text: str) -> np.ndarray:
        """Unused candidates sharing the most of the query's rarer tokens."""
        # The shortest candidate within reach (ratio <= 2·min/total) decides which kinds
        # of tokens some candidates in reach were indexed with.
        low = len(text) * self._threshold / (2 - self._threshold)
        tokens = _tokens(text, low < SHORT)
        if low >= TINY:
            tokens = {t for t in tokens if not t.startswith("\1")}
        lists = [self._postings[t] for t in tokens if t in self._postings]
        lists.sort(key=len)
        chosen, read = [], 0
        for number, posting in enumerate(lists):
            if read + len(posting) > self._budget and number >= 1:
                break
            chosen.append(posting)
            read += len(posting)
        if not chosen:
            return np.empty(0, dtype=np.int64)
        ids, counts = np.unique(np.concatenate(chosen), return_counts=True)
        alive = self._alive[ids]
        ids, counts = ids[alive], counts[alive]
        # Most shared tokens first, then document order.
        return ids[np.lexsort((ids, -counts))[: self._shortlist * 4]].astype(np.int64)

    def _verify(self, text: str, pool: np.ndarray) -> tuple[int | None, float]:
        """The exact best of ``pool`` and its ratio: difflib only where the LCS bound can win."""
        cutoff = self._threshold
        totals = len(text) + self._lengths[pool]
        shortest = np.minimum(len(text), self._lengths[pool])
        with np.errstate(divide="ignore", invalid="ignore"):
            possible = (totals == 0) | (2.0 * shortest / totals > cutoff)
        pool, totals = pool[possible], totals[possible]
        if not len(pool):
            return None, 0.0
        # LCS = (total - indel distance) / 2, and the bound is computed as difflib
        # computes its ratio (2.0 * matches / total), so equal values compare equal.
        # A distance above ``most`` cannot give a bound above the threshold; rapidfuzz
        # stops early there (and reports most + 1).
        most = int(totals.max() * (1 - cutoff)) + 1
        choices = [self._texts[i] for i in pool]
        distances = cdist([text], choices, scorer=Indel.distance, score_cutoff=most)[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            bounds = np.where(totals == 0, 1.0, 2.0 * ((totals - distances) // 2) / totals)
        order = np.lexsort((pool, -bounds))
        best, best_ratio = None, cutoff
        for k in order:
            bound, index = float(bounds[k]), int(pool[k])
            if bound < best_ratio or (bound == cutoff and best is None):
                break
            if bound == best_ratio and (best is None or index > best):
                continue  # at most a tie, and a later candidate loses ties
            score = ratio(text, self._texts[index])
            self.comparisons += 1
            if score > best_ratio or (score == best_ratio and best is not None and index < best):
                best, best_ratio = index, score
        return best, best_ratio if best is not None else 0.0
