"""HTML -> translatable units, and translations -> HTML: one walker, two directions.

A unit is a whole block of running text (a paragraph, a list item, a heading,
a table cell, the document title, ...). Inline elements inside it become
numbered tokens in the msgid -- ``<1>…</1>`` for elements with content,
``<2/>`` for empty ones -- so sentences stay whole and a translator may move
the markup; the elements' attributes stay out of the msgid and come back by
number. Translatable attributes (alt, title, aria-label, meta description,
og:title/og:description) are units of their own.

:func:`extract` lists the units; :func:`apply` rebuilds a document from a
``lookup`` callback that returns a :class:`Rendering` or None (keep the
source). Both use :func:`_walk`, so they can never disagree on what a unit is.
An empty lookup gives back the document unchanged.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PageElement, PreformattedString

from intl_pub.core.errors import SourceError
from intl_pub.core.model import Unit
from intl_pub.segment import markup, tokens

log = logging.getLogger(__name__)

# Elements that start a new unit: their content is never part of a sentence around them.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html "
    "legend li main menu nav ol optgroup option p search section summary table tbody td "
    "tfoot th thead title tr ul".split()
)
# Left alone with everything inside them.
SKIP_TAGS = frozenset(
    "script style pre svg math template textarea iframe object canvas noscript audio video "
    "select link meta base".split()
)
# Inline elements whose content is shown to translators but always published as in the source.
PROTECTED_INLINE = frozenset("code kbd samp var".split())
# Attributes translated wherever they appear.
TRANSLATABLE_ATTRS = ("title", "aria-label", "placeholder")
ALT_TAGS = frozenset({"img", "area", "input"})
META_KEYS = frozenset(
    {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
)
CONTEXT_ATTR = "data-l10n-context"
MAX_DEPTH = 256
"""Deepest element nesting a document may have. The walker recurses once per level;
past this a post is refused with :class:`TooDeep` rather than exhausting Python's stack
(sources refuses such a post at pull time already, naming it)."""

_WS = re.compile(r"[ \t\n\r\f]+")
_URL = re.compile(r"\b(?:https?://|www\.|mailto:)\S+", re.I)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Rendering:
    """What the publisher puts in place of one unit."""

    text: str | None
    """The translation (tokens included), or None to keep the source text."""
    marks: Mapping[str, str] = field(default_factory=dict)
    """Attributes to set on the unit's element, e.g. ``data-mt`` or ``lang="en"``."""


Lookup = Callable[[Unit], Rendering | None]


class TooDeep(SourceError):
    """A document nested deeper than :data:`MAX_DEPTH` elements: refused, not walked."""


def parse(html: str) -> BeautifulSoup:
    """Parse with the stdlib parser: it keeps source lines and the author's markup as is.

    Raises TooDeep for a document nested deeper than :data:`MAX_DEPTH`.
    """
    soup = BeautifulSoup(html, "html.parser")
    deepest, line = nesting_depth(soup)
    if deepest > MAX_DEPTH:
        raise TooDeep(
            f"elements nested {deepest} deep (line {line}); at most {MAX_DEPTH} levels are read"
        )
    return soup


def nesting_depth(soup: Tag) -> tuple[int, int]:
    """The deepest element nesting in ``soup`` and the source line where it is, iteratively."""
    deepest, line = 0, 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, element.sourceline or 0
        stack.extend((child, depth + 1) for child in element.children if isinstance(child, Tag))
    return deepest, line


def extract(html: str) -> list[Unit]:
    """All units of a document in document order (a repeated text appears each time)."""
    return walk(html).units


def apply(html: str, lookup: Lookup) -> str:
    """Rebuild ``html`` with what ``lookup`` returns for each unit.

    A rendering whose tokens do not match the unit's msgid is refused (the
    source is kept and the element marked ``lang="en"``), so a broken
    translation can never publish markup of its own.
    """
    return markup.outer(apply_tree(html, lookup))


def apply_tree(html: str | Walked, lookup: Lookup) -> BeautifulSoup:
    """:func:`apply`, returning the rebuilt tree (for a caller that reads parts of it).

    ``html`` may be a document already walked (:func:`walk`): its tree is rebuilt in place.
    """
    walked = walk(html) if isinstance(html, str) else html
    soup = walked.tree
    # Attributes first: the block rebuild below copies elements with their attributes.
    for slot in sorted(walked.slots, key=lambda s: not isinstance(s, _AttrSlot)):
        rendering = lookup(slot.unit)
        if rendering is not None:
            slot.put(soup, rendering)
    return soup


@dataclass(frozen=True)
class Walked:
    """A document parsed and walked once: its tree, and where each unit sits in it.

    Rebuilding (:func:`apply_tree`) changes the tree: one rendering per walk.
    Before that, the tree reads as the source (a page of the original language).
    """

    tree: BeautifulSoup
    slots: list[_Slot]

    @property
    def units(self) -> list[Unit]:
        return [slot.unit for slot in self.slots]


def walk(html: str) -> Walked:
    """:func:`parse` and find every unit, for one rendering (raises TooDeep as parse does)."""
    soup = parse(html)
    return Walked(soup, list(_walk(soup)))


def normalize(text: str) -> str:
    """Collapse whitespace runs the way msgids do (non-breaking spaces are kept)."""
    return _WS.sub(" ", text).strip()


def is_translatable(text: str) -> bool:
    """True when text holds words: not only numbers, punctuation, URLs or tokens."""
    return bool(_LETTER.search(_URL.sub("", tokens.strip(text))))


# --- the walker -------------------------------------------------------------------------


class _Slot:
    unit: Unit

    def put(self, soup: BeautifulSoup, rendering: Rendering) -> None:
        raise NotImplementedError


@dataclass
class _AttrSlot(_Slot):
    unit: Unit
    element: Tag
    attr: str

    def put(self, soup: BeautifulSoup, rendering: Rendering) -> None:
        if rendering.text is not None:
            self.element[self.attr] = rendering.text
        for name, value in rendering.marks.items():
            self.element[name] = value


@dataclass
class _RunSlot(_Slot):
    unit: Unit
    parent: Tag
    nodes: list[PageElement]
    numbered: dict[int, PageElement]
    """Token number -> the inline element it stands for, or a piece of the source's own
    text that looks like a token (``<1>`` written in prose), kept as a void token."""
    whole: bool
    """True when the run is all of its parent's content, so marks go on the parent."""

    def put(self, soup: BeautifulSoup, rendering: Rendering) -> None:
        marks = dict(rendering.marks)
        if rendering.text is not None:
            signature = {n: _is_void(el) for n, el in self.numbered.items()}
            try:
                tree = tokens.parse(rendering.text, signature)
            except tokens.TokenMismatch as exc:
                log.warning("refused a translation of %r: %s", self.unit.msgid, exc)
                marks = {"lang": "en"}
            else:
                self._replace(soup, tree)
        if not marks:
            return
        if self.whole:
            for name, value in marks.items():
                self.parent[name] = value
            return
        wrapper = soup.new_tag("span", attrs=marks)
        self.nodes[0].insert_before(wrapper)
        for node in self.nodes:
            wrapper.append(node.extract())

    def _replace(self, soup: BeautifulSoup, tree: list[str | tokens.Node]) -> None:
        first, last = self.nodes[0], self.nodes[-1]
        lead = _leading_ws(first)
        trail = _trailing_ws(last)
        built = self._build(soup, tree)
        if lead:
            built.insert(0, NavigableString(lead))
        if trail:
            built.append(NavigableString(trail))
        for node in built:
            first.insert_before(node)
        for node in self.nodes:
            node.extract()
        self.nodes = built

    def _build(self, soup: BeautifulSoup, tree: list[str | tokens.Node]) -> list[PageElement]:
        out: list[PageElement] = []
        for item in tree:
            if isinstance(item, str):
                out.append(NavigableString(item))
                continue
            source = self.numbered[item.number]
            if item.void or not isinstance(source, Tag) or _is_protected(source):
                out.append(copy.copy(source))
                continue
            element = soup.new_tag(source.name, attrs=dict(source.attrs))
            for child in self._build(soup, list(item.children)):
                element.append(child)
            out.append(element)
        return out


def _walk(soup: BeautifulSoup) -> Iterator[_Slot]:
    """Yield every unit's slot in document order."""
    yield from _element(soup)


def _element(element: Tag) -> Iterator[_Slot]:
    if not isinstance(element, BeautifulSoup):
        if _is_skipped(element):
            return
        yield from _attributes(element)
    runs: list[list[PageElement]] = [[]]
    children = list(element.children)
    blocks: list[Tag] = []
    for child in children:
        if _is_inline(child):
            runs[-1].append(child)
        else:
            runs.append([])
            if isinstance(child, Tag):
                blocks.append(child)
    nonempty = [r for r in runs if _trim(r)]
    whole = len(nonempty) == 1 and not blocks and not isinstance(element, BeautifulSoup)
    # Units and nested blocks interleave in document order.
    pending = iter(blocks)
    for index, run in enumerate(runs):
        if index:
            block = next(pending, None)
            if block is not None:
                yield from _element(block)
        trimmed = _trim(run)
        if len(trimmed) == 1 and _is_wrapper(trimmed[0]):
            # <li><a href="…">Sign in</a></li>: the unit is the link's text, not "<1>…</1>".
            yield from _element(trimmed[0])
        elif trimmed:
            yield from _run(element, trimmed, whole and run is nonempty[0])


def _run(parent: Tag, nodes: list[PageElement], whole: bool) -> Iterator[_Slot]:
    numbered: dict[int, PageElement] = {}
    text = "".join(_flatten(node, numbered) for node in nodes)
    msgid = normalize(text)
    attr_slots = [
        slot for el in numbered.values() if isinstance(el, Tag) for slot in _attributes(el)
    ]
    readable = "".join(_readable(node) for node in nodes)
    if is_translatable(readable):
        line = _line(parent, nodes)
        context = str(parent.get(CONTEXT_ATTR, "")) if isinstance(parent, Tag) else ""
        note = getattr(parent, "name", "") or ""
        yield _RunSlot(Unit(msgid, line, context, note), parent, nodes, numbered, whole)
    yield from attr_slots


def _flatten(node: PageElement, numbered: dict[int, PageElement]) -> str:
    """Text of a run with inline elements as numbered tokens (numbers in document order).

    Text that itself looks like a token (a post writing ``&lt;1&gt;`` in prose) becomes
    a void token standing for that literal text, so it can never collide with a real
    token and is published exactly as written.
    """
    if isinstance(node, Comment) or isinstance(node, PreformattedString):
        return ""
    if isinstance(node, NavigableString):
        return _escape_token_text(str(node), numbered)
    assert isinstance(node, Tag)
    number = len(numbered) + 1
    numbered[number] = node
    if _is_void(node):
        return f"<{number}/>"
    if _is_protected(node):
        # Shown for context only and always published as in the source: a token-looking
        # piece there is disarmed with look-alike brackets.
        shown = tokens.TOKEN_RE.sub(lambda m: f"‹{m.group(0)[1:-1]}›", node.get_text())
        return f"<{number}>{shown}</{number}>"
    inner = "".join(_flatten(child, numbered) for child in node.children)
    return f"<{number}>{inner}</{number}>"


def _escape_token_text(text: str, numbered: dict[int, PageElement]) -> str:
    out, pos = [], 0
    for match in tokens.TOKEN_RE.finditer(text):
        number = len(numbered) + 1
        numbered[number] = NavigableString(match.group(0))
        out += [text[pos : match.start()], f"<{number}/>"]
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _readable(node: PageElement) -> str:
    """The words a reader sees in a run, leaving out protected content."""
    if isinstance(node, (Comment, PreformattedString)):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    assert isinstance(node, Tag)
    if _is_protected(node) or node.name in SKIP_TAGS:
        return " "
    return "".join(_readable(child) for child in node.children)


def _attributes(element: Tag) -> Iterator[_Slot]:
    names: list[str] = []
    if element.name in ALT_TAGS and element.has_attr("alt"):
        names.append("alt")
    names += [a for a in TRANSLATABLE_ATTRS if element.has_attr(a)]
    if element.name == "meta" and _meta_key(element) in META_KEYS and element.has_attr("content"):
        names.append("content")
    for name in names:
        value = normalize(str(element[name]))
        if is_translatable(value):
            unit = Unit(
                value,
                element.sourceline or 0,
                str(element.get(CONTEXT_ATTR, "")),
                f"{element.name}@{name}",
            )
            yield _AttrSlot(unit, element, name)


def _trim(run: list[PageElement]) -> list[PageElement]:
    """Leave out whitespace and comments at a run's edges: they stay where they are."""
    start, end = 0, len(run)
    while start < end and _is_padding(run[start]):
        start += 1
    while end > start and _is_padding(run[end - 1]):
        end -= 1
    return run[start:end]


def _is_padding(node: PageElement) -> bool:
    if isinstance(node, (Comment, PreformattedString)):
        return True
    return isinstance(node, NavigableString) and not str(node).strip(" \t\n\r\f")


def _is_inline(node: PageElement) -> bool:
    if isinstance(node, NavigableString):
        return not isinstance(node, PreformattedString) or isinstance(node, Comment)
    assert isinstance(node, Tag)
    if node.name in BLOCK_TAGS or (node.name in SKIP_TAGS and node.name not in {"svg", "math"}):
        return False
    return not any(d.name in BLOCK_TAGS for d in node.find_all(True))


def _is_wrapper(node: PageElement) -> bool:
    return isinstance(node, Tag) and not _is_void(node) and not _is_protected(node)


def _is_skipped(element: Tag) -> bool:
    if element.name in SKIP_TAGS and element.name != "meta":
        return True
    if str(element.get("translate", "")).lower() == "no":
        return True
    return "notranslate" in element.get_attribute_list("class")


def _is_protected(element: Tag) -> bool:
    return element.name in PROTECTED_INLINE or element.name in SKIP_TAGS or _is_skipped(element)


def _is_void(element: PageElement) -> bool:
    if not isinstance(element, Tag):
        return True  # the source's own token-looking text
    return element.is_empty_element or not element.contents or element.name in SKIP_TAGS


def _meta_key(element: Tag) -> str:
    return str(element.get("name") or element.get("property") or "").lower()


def _line(parent: Tag, nodes: list[PageElement]) -> int:
    for node in nodes:
        if isinstance(node, Tag) and node.sourceline:
            return node.sourceline
    return getattr(parent, "sourceline", None) or 0


def _leading_ws(node: PageElement) -> str:
    if isinstance(node, NavigableString):
        text = str(node)
        return text[: len(text) - len(text.lstrip(" \t\n\r\f"))]
    return ""


def _trailing_ws(node: PageElement) -> str:
    if isinstance(node, NavigableString):
        text = str(node)
        return text[len(text.rstrip(" \t\n\r\f")) :]
    return ""
