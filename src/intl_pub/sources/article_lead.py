"""Headline and byline once: what the site's template shows is taken out of the body.

The published page shows the post's title and date (in the reader's language) above
the body. An article's own leading ``<h1>`` repeating the title, its kicker
(``Health``), byline (``By Ana Ruiz``), dateline (``Published May 3, 2021``,
``Updated 10:32 GMT``), reading time and share buttons would be shown twice -- and the
dateline would stay in English on every translated page. They are dropped when they
come before the article's first real paragraph; share buttons wherever they are.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

LEAD_BLOCKS = 10
"""Blocks looked at before the first real paragraph."""
PARAGRAPH_WORDS = 25
"""A block this long is the article's text: the lead ends there."""
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "address",
           "header", "figcaption", "section", "dl", "dt", "dd", "blockquote")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_BYLINE = re.compile(r"^(?:by|written by|words by|story by|posted by|reported by)\s+\S", re.I)
_DATELINE = re.compile(
    r"^(?:published|updated|posted|last updated|last modified|first published|modified)"
    r"(?:\s+on)?\b|^\d+\s+min(?:ute)?s?\s+read$|^(?:\d+\s+)?comments?$",
    re.I,
)
_DATE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})"
    rf"\.?,?\s+\d{{4}}|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4})?)?\.?$",
    re.I,
)
SHARE_WORDS = frozenset(
    "share shares sharing tweet twitter facebook email e mail linkedin whatsapp pinterest print "
    "copy link reddit save x flipboard telegram messenger this article on via".split()
)


def strip_lead(soup: BeautifulSoup, title: str, author: str = "") -> None:
    """Drop, in place, the blocks of the body's lead the template shows already."""
    for block in _share_bars(soup):
        block.decompose()
    title_key, author_key = _key(title), _key(author)
    lead = _lead(soup)
    heading_at = next((i for i, b in enumerate(lead) if b.name in _HEADINGS
                       and title_key and _same(_key(b.get_text(" ")), title_key)), None)
    if heading_at is None and lead and lead[0].name == "h1" and _first(soup, lead[0]):
        heading_at = 0  # the body opens with its headline, worded unlike <title>
    navigation = True  # the leading run of short link-only blocks: breadcrumbs
    for index, block in enumerate(lead):
        text = _text(block)
        words = text.split()
        pictured = block.find("img") is not None  # a figure stays; a byline's icon does not
        navigation = navigation and len(words) <= 6 and _all_links(block) and not pictured
        drop = (
            index == heading_at
            or (heading_at is not None and index < heading_at and len(words) <= 4
                and not pictured)  # kicker
            or (_BYLINE.match(text) is not None and len(words) <= 14)
            or (_DATELINE.match(text) is not None and len(words) <= 14)
            or _DATE.match(text) is not None
            or (bool(author_key) and author_key in _key(text) and len(words) <= 14)
            or navigation
        )
        if drop and not vars(block).get("_decomposed"):
            block.decompose()


def _lead(soup: BeautifulSoup) -> list[Tag]:
    """The leaf blocks that come before the first real paragraph (at most LEAD_BLOCKS)."""
    found: list[Tag] = []
    for element in soup.descendants:
        if not isinstance(element, Tag) or element.name not in _BLOCKS:
            continue
        if any(isinstance(d, Tag) and d.name in _BLOCKS and _text(d) for d in element.descendants):
            continue  # a container: its blocks are looked at one by one
        text = _text(element)
        if not text or any(element in f.descendants for f in found):
            continue
        if element.find(["picture", "video", "iframe", "table"]) is not None:
            continue
        if len(text.split()) >= PARAGRAPH_WORDS and element.name not in _HEADINGS:
            break
        found.append(element)
        if len(found) >= LEAD_BLOCKS:
            break
    return found


def _first(soup: BeautifulSoup, block: Tag) -> bool:
    """No text comes before ``block`` in the body."""
    first_text = next((s for s in soup.strings if s.strip()), None)
    return first_text is not None and block in first_text.parents


def _all_links(block: Tag) -> bool:
    """Every word of the block is inside a link (or the block is one)."""
    links = [a for a in block.find_all("a") if not str(a.get("href", "")).startswith("#")]
    linked = " ".join(a.get_text(" ") for a in links)  # a table of contents is content
    return bool(linked.split()) and len(linked.split()) >= len(_text(block).split())


def _share_bars(soup: BeautifulSoup) -> list[Tag]:
    """Lists and blocks made only of share words (``Share Tweet Email``)."""
    bars = []
    names = ("ul", "ol", "div", "p", "span", "section")
    for element in soup.descendants:
        if not isinstance(element, Tag) or element.name not in names:
            continue
        if len(element.get_text()) > 200:  # a share bar is short
            continue
        words = re.findall(r"[^\W\d_]+", _text(element).lower())
        if 2 <= len(words) <= 20 and all(w in SHARE_WORDS for w in words) and (
            {"share", "tweet", "facebook", "twitter", "linkedin", "whatsapp"} & set(words)
        ):
            bars.append(element)
    return [b for b in bars if not any(b in other.descendants for other in bars)]


def _same(one: str, other: str) -> bool:
    """The heading is the title, or nearly (a title cut short, a subtitle added)."""
    if not one or not other:
        return False
    if one == other:
        return True
    shorter, longer = sorted((one, other), key=len)
    return len(shorter) >= 0.6 * len(longer) and longer.startswith(shorter)


def _text(element: Tag) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()
