"""The article's body, chosen block by block on the page's own markup.

readability-lxml and trafilatura fail differently (bench/extraction.py): readability
keeps the author's markup but takes a teaser list, a share bar or a "related" box for
content, or stops at a split in the article; trafilatura is precise about boilerplate but
drops a lead, a caption or a whole article it finds too short, and it rebuilds the markup
through its own schema. So both are asked, and neither's output is published: each
*block* of the page (a paragraph, heading, list item, caption, a whole table or ``pre``)
is kept when the evidence says it belongs to the article:

* both extractors have its text (they agree);
* one has it, and it lies between blocks both agree on (an interior block), unless it is
  mostly links (a "read more" box one of them swallowed);
* one has it at the article's edge, and it reads like prose (enough words, few links),
  or the page's own structured data says so (JSON-LD ``articleBody``, the meta
  description that is often the standfirst word for word, the one ``<article>`` or
  ``itemprop=articleBody`` element).

When both took the same wrong thing (a list of teasers) and the page's ``articleBody``
lies elsewhere, the blocks it names are the agreed part.

When the two do not agree on any block (a listing, a page neither reads well), the one
whose text the structured data supports wins, else the one that found more prose.
What is published is the page's own subtree around the kept blocks, with the dropped
blocks taken out: links, emphasis, lists, tables and figures stay the author's.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html

log = logging.getLogger(__name__)

INLINE = frozenset(
    "a abbr b bdi bdo big cite code data dfn em font i img input kbd label mark nobr q rp rt "
    "ruby s samp small span strike strong sub sup time tt u var wbr br picture source".split()
)
ATOMIC = frozenset({"table", "pre", "math", "svg"})
"""Kept or dropped whole: a table's cells mean nothing apart."""
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MEDIA = frozenset({"img", "picture", "video", "audio", "iframe", "figure", "table", "pre", "svg"})
CHROME = frozenset({"nav", "aside", "footer", "form", "button", "select", "header", "menu"})
MAX_ELEMENTS = 40_000
"""Past this many elements only readability is asked (trafilatura on a 100,000-paragraph page
takes minutes)."""
EDGE_GAP = 30
"""Words (outside links) passed over at the article's edge before no more is taken: a box
of related links between two parts of the article does not end it, a comment does."""
COVERED = 0.5
"""Share of a block's word trigrams an extractor's text must hold for it to "have" the block."""
_WORD = re.compile(r"\w+")


@dataclass
class Unit:
    """A run of text in one block of the page: a paragraph, a heading, a list item, or the
    text a ``<div>`` holds between its child blocks (each run is judged on its own)."""

    element: lxml.html.HtmlElement
    """The block that holds the run."""
    pieces: list[tuple[lxml.html.HtmlElement, str]] = field(default_factory=list)
    """Where the run's text is: (node, "text" or "tail")."""
    inlines: list[lxml.html.HtmlElement] = field(default_factory=list)
    """The inline elements (links, emphasis) the run's text is in."""
    texts: list[str] = field(default_factory=list)
    link_chars: int = 0

    @property
    def text(self) -> str:
        return " ".join(t.strip() for t in self.texts if t.strip())

    @functools.cached_property
    def words(self) -> list[str]:
        return _WORD.findall(self.text.lower())

    @property
    def link_density(self) -> float:
        chars = len(self.text)
        return min(1.0, self.link_chars / chars) if chars else 0.0

    def clear(self) -> None:
        """Take the run's text out of the page, and the inline elements that held it."""
        for node, attr in self.pieces:
            setattr(node, attr, None)
        for inline in self.inlines:
            if inline.getparent() is not None and not _keeps(inline):
                inline.drop_tree()


_LAYOUT = ("table", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote",
           "article", "section", "form")


def _layout(element: lxml.html.HtmlElement) -> bool:
    """A table that lays out a page (it holds paragraphs, lists or tables), not data."""
    return element.tag == "table" and any(True for _ in element.iterdescendants(*_LAYOUT))


def _keeps(element: lxml.html.HtmlElement) -> bool:
    """Whether an inline element holds something beyond its text (an image, a block)."""
    return any(isinstance(d.tag, str) and (d.tag not in INLINE or d.tag == "img")
               for d in element.iterdescendants())


class Evidence:
    """One extractor's (or the structured data's) text, ready to ask "is this block in it?"."""

    def __init__(self, text: str) -> None:
        self.text = text
        lines = [_WORD.findall(line.lower()) for line in text.splitlines()]
        self.lines = {" ".join(w) for w in lines if w}
        words = _WORD.findall(text.lower())
        self.words = len(words)
        self.trigrams = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}

    def coverage(self, words: list[str]) -> float:
        if not self.words or not words:
            return 0.0
        if len(words) < 3:
            return 1.0 if " ".join(words) in self.lines else 0.0
        grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
        return sum(g in self.trigrams for g in grams) / len(grams)


def units(root: lxml.html.HtmlElement) -> list[Unit]:
    """Every run of text in ``root``, in document order (see :class:`Unit`)."""
    order: list[Unit] = []
    current: dict[lxml.html.HtmlElement, Unit] = {}  # block -> its open run (elements as keys
    # keep their lxml proxies alive: an id() of a freed proxy is reused)

    def run_of(block: lxml.html.HtmlElement) -> Unit:
        unit = current.get(block)
        if unit is None:
            unit = current[block] = Unit(block)
            order.append(unit)
        return unit

    def add(block: lxml.html.HtmlElement, node: lxml.html.HtmlElement, attr: str, text: str,
            in_link: bool) -> None:
        unit = run_of(block)
        unit.pieces.append((node, attr))
        unit.texts.append(text)
        if in_link:
            unit.link_chars += len(text.strip())

    # ("enter", element, its block, inside a link, inside a table or pre) and
    # ("tail", child, block, inside a link): iterative, as a page may nest deep.
    pending: list[tuple[Any, ...]] = [("enter", root, root, False, False)]
    while pending:
        item = pending.pop()
        if item[0] == "tail":
            _, node, block, in_link = item
            add(block, node, "tail", node.tail, in_link)
            continue
        _, element, block, in_link, atomic = item
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag:
            continue
        if not atomic and tag not in INLINE:
            current.pop(block, None)  # a block ends the run of the block around it
            block = element
        elif element is not block and element.text and not atomic:
            run_of(block).inlines.append(element)
        atomic = atomic or (tag in ATOMIC and not _layout(element))
        inner_link = in_link or tag == "a"
        if element.text:
            add(block, element, "text", element.text, inner_link)
        for child in reversed(element):
            if child.tail:
                pending.append(("tail", child, block, inner_link))
            pending.append(("enter", child, block, inner_link, atomic))
    return [u for u in order if u.text]


@dataclass(frozen=True)
class Votes:
    trafilatura: float
    readability: float
    structured: float


def choose(blocks: list[Unit], votes: list[Votes], in_article: list[bool],
           has_body: bool = False) -> list[bool]:
    """Which blocks are the article's (see the module's docstring); ``has_body``: the page's
    structured data holds the article's text (JSON-LD ``articleBody``)."""
    counts = [sum(x >= COVERED for x in (v.trafilatura, v.readability, v.structured))
              for v in votes]
    agreed = [i for i, c in enumerate(counts) if c >= 2]
    backed = [i for i, v in enumerate(votes) if v.structured >= COVERED]
    if has_body and sum(len(blocks[i].words) for i in backed) >= 50 and sum(
        len(blocks[i].words) for i in set(backed) & set(agreed)
    ) < 0.3 * sum(len(blocks[i].words) for i in backed):
        agreed = backed  # both took a teaser list; the page's articleBody is elsewhere
        counts = [c if i in backed else min(c, 1) for i, c in enumerate(counts)]
    if _weak(blocks, votes, agreed):
        return _dedupe(blocks, _one_side(blocks, votes))
    first, last = agreed[0], agreed[-1]
    around = {e for e in _with_ancestors(lowest_common_ancestor(
        [blocks[i].element for i in agreed]))}
    chrome = [_in_chrome(b.element, around) for b in blocks]
    keep = [False] * len(blocks)
    for i in range(first, last + 1):
        block = blocks[i]
        if counts[i] >= 2:
            keep[i] = True
        elif counts[i] == 1:
            keep[i] = not chrome[i] and not (block.link_density > 0.5 and len(block.words) < 40)
    edges = ((range(first - 1, -1, -1), True), (range(last + 1, len(blocks)), False))
    if agreed is backed:  # what both took lies outside the article the page names
        edges = ()
    for indexes, leading in edges:
        gap = 0.0  # words passed over since the last block kept: the article's edge is near
        for i in indexes:
            if _edge(blocks[i], votes[i], counts[i], chrome[i], in_article[i], leading):
                keep[i], gap = True, 0
            else:
                gap += max(1.0, len(blocks[i].words) * (1 - blocks[i].link_density))
                if gap > EDGE_GAP:
                    break
    for i in range(len(blocks) - 1, -1, -1):  # a heading that ends the article heads nothing
        if keep[i] and blocks[i].element.tag not in HEADINGS:
            break
        keep[i] = False
    return _dedupe(blocks, keep)


def _weak(blocks: list[Unit], votes: list[Votes], agreed: list[int]) -> bool:
    """Whether the blocks both extractors have are too few to say where the article is (one
    teaser paragraph shared by two different choices)."""
    if not agreed:
        return True
    shared = sum(len(blocks[i].words) for i in agreed)
    sides = [sum(len(b.words) for b, v in zip(blocks, votes, strict=True)
                 if getattr(v, pick) >= COVERED) for pick in ("trafilatura", "readability")]
    return shared < 0.4 * min(sides)


def _edge(block: Unit, vote: Votes, count: int, chrome: bool, in_article: bool,
          leading: bool) -> bool:
    """Whether a block before or after the agreed part is the article's still."""
    words, links = len(block.words), block.link_density
    if count >= 2:
        return not chrome or vote.structured >= COVERED
    if count == 0 or chrome:
        return False
    if block.element.tag in HEADINGS:
        return words <= 20 and links < 0.5
    if vote.structured >= COVERED:
        return links < 0.5
    if vote.trafilatura >= COVERED:
        return words >= 4 and links < 0.5
    return leading and words >= 12 and links < 0.3


_CHROME_NAMES = re.compile(
    r"comment|related|share|sharing|social|newsletter|subscri|sidebar|widget|promo|"
    r"cookie|popup|modal|breadcrumb|recommend|signup|paywall|disqus|banner|footer|"
    r"(?:^|\s)(?:ads?|advert\w*|ad[-_]\w+)(?:\s|$)",
    re.I,
)


def _in_chrome(element: lxml.html.HtmlElement, around: set[lxml.html.HtmlElement]) -> bool:
    """Inside navigation, a form, an aside or a box named like page furniture (comments,
    related posts, share bars), below whatever holds the whole article."""
    for node in _with_ancestors(element):
        if node in around:
            return False
        if node.tag in CHROME:
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and _CHROME_NAMES.search(names):
            return True
    return False


def _with_ancestors(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [element, *element.iterancestors()]


def _dedupe(blocks: list[Unit], keep: list[bool]) -> list[bool]:
    """A block whose text was already kept (a form or a caption shown twice) goes."""
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        if keep[i]:
            key = " ".join(block.words)
            if key in seen and len(block.words) >= 3:
                keep[i] = False
            seen.add(key)
    return keep


def _one_side(blocks: list[Unit], votes: list[Votes]) -> list[bool]:
    """No block agreed on: the extractor the structured data supports, else the one with
    more prose (words outside links)."""
    def prose(pick: str) -> float:  # paragraphs, not lists of names or dates
        return sum(len(b.words) * (1 - b.link_density) for b, v in zip(blocks, votes, strict=True)
                   if getattr(v, pick) >= COVERED and len(b.words) >= 8)

    def support(pick: str) -> float:
        return sum(len(b.words) for b, v in zip(blocks, votes, strict=True)
                   if getattr(v, pick) >= COVERED and v.structured >= COVERED)

    picks = ("trafilatura", "readability")
    backed = [support(p) for p in picks]
    if backed[0] != backed[1]:
        best = picks[backed.index(max(backed))]
    else:  # the structured data says nothing between them
        best = max(picks, key=prose)
    return [getattr(v, best) >= COVERED for v in votes]


def lowest_common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    paths = [list(reversed([e, *e.iterancestors()])) for e in elements]
    common = paths[0][0]
    for depth in range(min(len(p) for p in paths)):
        step = {p[depth] for p in paths}
        if len(step) != 1:
            break
        common = paths[0][depth]
    return common


def prune(root: lxml.html.HtmlElement, blocks: list[Unit], keep: list[bool],
          kept_media: set[str]) -> lxml.html.HtmlElement | None:
    """The subtree around the kept blocks with everything else taken out (in place)."""
    kept = [b.element for b, k in zip(blocks, keep, strict=True) if k]
    if not kept:
        return None
    top = lowest_common_ancestor(kept)
    kept_ids = set(kept)
    holders = kept_ids | {a for e in kept for a in e.iterancestors()}
    order = {e: i for i, e in enumerate(top.iter())}
    first, last = order[kept[0]], order[kept[-1]]
    dropped = [b for b, k in zip(blocks, keep, strict=True) if not k and b.element in order]
    for unit in dropped:
        unit.clear()
    for unit in dropped:  # a block none of whose text is kept goes whole, media and all
        element = unit.element
        if (element not in holders and element.getparent() is not None
                and not (_sources(element) & kept_media)):
            element.drop_tree()
    for element in list(top.iter(*MEDIA)):
        if element.getparent() is None or element in holders:
            continue
        if element.tag == "img" and _FURNITURE.search(_names(element)):
            element.drop_tree()
            continue
        position = order.get(element, -1)
        inside = first < position < last and not any(
            a.tag in CHROME for a in element.iterancestors() if a is not top)
        if not inside and not (_sources(element) & kept_media):
            element.drop_tree()
    return top


_FURNITURE = re.compile(r"avatar|gravatar|\blogo|badge|sprite", re.I)
"""Images of the page, not of the article: the author's face, the site's logo."""


def _names(element: lxml.html.HtmlElement) -> str:
    return " ".join(str(element.get(a) or "") for a in ("class", "id", "src", "alt"))


def lead_picture(root: lxml.html.HtmlElement, top: lxml.html.HtmlElement,
                 picture: str) -> lxml.html.HtmlElement | None:
    """The page's main picture (``og:image``) when the article kept no image and the
    picture stands before it on the page (a featured image above the headline)."""
    if not picture or next(top.iter("img"), None) is not None:
        return None
    wanted = _stem(picture)
    order = {e: i for i, e in enumerate(root.iter())}
    start = order.get(top, 0)
    for img in root.iter("img"):
        if order.get(img, start) >= start or _stem(str(img.get("src") or "")) != wanted:
            continue
        figure = next((a for a in img.iterancestors("figure")), None)
        small = figure is not None and len(" ".join(figure.itertext()).split()) < 60
        chosen = figure if small else img
        return copy.deepcopy(chosen)
    return None


def _stem(url: str) -> str:
    """An image's name without its size (``photo-1024x576.jpg`` and ``photo.jpg`` match)."""
    name = url.split("?")[0].rsplit("/", 1)[-1]
    return re.sub(r"-\d+x\d+(?=\.\w+$)", "", name).lower()


def _sources(element: lxml.html.HtmlElement) -> set[str]:
    return {str(img.get("src")) for img in element.iter("img") if img.get("src")}


def media_sources(html: str) -> set[str]:
    """The images an extractor's HTML kept."""
    return {m for m in re.findall(r"""<img[^>]*?\ssrc=["']([^"']+)""", html)}


def in_element(blocks: list[Unit], root: lxml.html.HtmlElement) -> list[bool]:
    """Which blocks lie inside the page's one ``<article>`` or ``itemprop=articleBody``."""
    marked = root.xpath('//*[@itemprop="articleBody"]') or root.xpath("//article")
    if len(marked) != 1:
        return [False] * len(blocks)
    inside = {e for e in marked[0].iter()}
    return [b.element in inside for b in blocks]


def iter_text(html: str) -> Iterator[str]:
    """Lines of an HTML fragment's text, one per block (to weigh readability's output)."""
    if not html.strip():
        return
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return
    for unit in units(root):
        yield unit.text
