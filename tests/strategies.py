"""Hypothesis strategies and comparisons shared by the tests: random inline markup."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from hypothesis import strategies as st

INLINE = ["a", "em", "strong", "b", "i", "span", "abbr", "sup", "sub", "code"]


WORDS = st.sampled_from(["clinic", "open", "the", "nurse", "Hello", "world", "today", "&amp;", "x"])


@st.composite
def inline_html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 4 if depth < 3 else 1))
        if kind <= 1:
            parts.append(" ".join(draw(st.lists(WORDS, min_size=1, max_size=3))))
        elif kind == 2:
            parts.append("<br>" if draw(st.booleans()) else '<img src="i.png" alt="icon">')
        else:
            tag = draw(st.sampled_from(INLINE))
            attrs = draw(
                st.sampled_from(["", ' class="c"', ' href="/x?a=1&amp;b=2"', ' title="More"'])
            )
            parts.append(f"<{tag}{attrs}>{draw(inline_html(depth + 1))}</{tag}>")
    return draw(st.sampled_from([" ", "\n  ", ""])).join(parts)


@st.composite
def documents(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(inline_html(), min_size=1, max_size=4))
    tags = draw(
        st.lists(
            st.sampled_from(["p", "li", "h2", "td", "figcaption", "dd"]),
            min_size=len(blocks),
            max_size=len(blocks),
        )
    )
    return (
        "<article>"
        + "".join(f"<{t}>{b}</{t}>" for t, b in zip(tags, blocks, strict=True))
        + "</article>"
    )


def shape(html: str) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every element with its non-translatable attributes (translated alt/title may change)."""
    soup = BeautifulSoup(html, "html.parser")
    return Counter(
        (
            el.name,
            tuple(
                sorted(
                    (k, str(v)) for k, v in el.attrs.items() if k not in {"alt", "title", "content"}
                )
            ),
        )
        for el in soup.find_all(True)
    )
