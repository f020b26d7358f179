"""What a reader of a localized page is told, block by block and at the top.

After the publishing gate (``intl_pub.publish.policy``) has marked each
translatable block with ``data-l10n`` (``reviewed``, ``machine``, ``source``)
and ``data-l10n-id``, :func:`decorate` adds, inside ``<article>`` (so feeds
carry the same as pages):

* a stable ``id`` per block (``l10n-<block id>``) unless it has one already;
* before every machine-translated block's text, a label for screen readers
  ("Machine translation:"), since the dotted underline is visual only;
* after every translated block, with ``feedback_url`` set, a small link
  "Report a translation problem" whose URL names the block;
* at the top, when a reviewed translation was withdrawn because the English
  changed, a notice (``class="l10n-stale"``) with the date of the English
  update and a link to the original.

The block id is :func:`block_id` of the unit's msgctxt and msgid: the same
text has the same id in every locale and every run, and the catalogs carry it
as an extracted comment (``#. id: 3f2a9c01d4``), so a report is found with
``grep -rn "id: 3f2a9c01d4" translations/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from bs4 import BeautifulSoup, Tag

from intl_pub.core.model import Unit

ID_COMMENT = "id: "
"""The extracted-comment prefix that names a unit's block id in templates and catalogs."""
ID_ATTR = "data-l10n-id"
STATE_ATTR = "data-l10n"
REVIEWED, MACHINE, SOURCE = "reviewed", "machine", "source"

MACHINE_LABEL = "Machine translation:"
REPORT_LINK = "Report a translation problem"
STALE_NOTICE = (
    "The English original was updated on {date}. The reviewed translation of some passages "
    "was withdrawn until a person reviews it again; they are shown as machine translation "
    "or in English."
)
READ_ORIGINAL = "Read the original in English"
STRINGS = (MACHINE_LABEL, REPORT_LINK, STALE_NOTICE, READ_ORIGINAL)
"""The interface strings this module shows (translated in src/intl_pub/ui/<locale>.po)."""

_STANDALONE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre"})
"""Blocks whose report link goes after them, not inside (a heading's text stays its own)."""


def block_id(context: str, msgid: str) -> str:
    """A unit's stable id: 10 hex digits of SHA-256 over msgctxt and msgid."""
    return hashlib.sha256(f"{context}\x04{msgid}".encode()).hexdigest()[:10]


@dataclass(frozen=True)
class ReaderNotes:
    """What :func:`decorate` needs to know about the page and the reader's language."""

    lang: str
    """The page's BCP 47 tag."""
    slug: str
    page_url: str
    """The page's absolute URL (ends with ``/``)."""
    original_url: str
    """The English original's absolute URL."""
    strings: Mapping[str, str] = field(default_factory=dict)
    """Interface translations (msgid -> msgstr); a missing one stays English."""
    machine: frozenset[str] = frozenset()
    """The msgids of ``strings`` that are machine translation no person reviewed yet."""
    feedback_url: str = ""
    """``[site] feedback_url``; empty: no report links."""
    english_updated: str = ""
    """The date the English changed, already formatted for the reader."""

    def text(self, msgid: str, **values: str) -> str:
        found = self.strings.get(msgid, msgid)
        return found.format(**values) if values else found

    def is_translated(self, msgid: str) -> bool:
        return msgid in self.strings


def decorate(tree: BeautifulSoup, notes: ReaderNotes, withdrawn: int) -> None:
    """Add block ids, screen-reader labels, report links and the stale notice in place."""
    article = tree.find("article")
    if not isinstance(article, Tag):
        return
    seen: dict[str, int] = {}
    blocks = [d for d in article.descendants if isinstance(d, Tag) and ID_ATTR in d.attrs]
    for element in blocks:  # (a list first: the loop adds elements; no find_all filter per tag)
        bid = str(element[ID_ATTR])
        seen[bid] = seen.get(bid, 0) + 1
        if not element.get("id"):
            element["id"] = f"l10n-{bid}" + (f"-{seen[bid]}" if seen[bid] > 1 else "")
        state = element.get(STATE_ATTR)
        if state == MACHINE:
            element.insert(0, _label(tree, notes))
        if notes.feedback_url and state in (REVIEWED, MACHINE):
            _add_report_link(tree, element, notes, bid)
    if withdrawn:
        article.insert(0, _stale_notice(tree, notes))


def _label(tree: BeautifulSoup, notes: ReaderNotes) -> Tag:
    label = tree.new_tag(
        "span", attrs={"class": "l10n-sr"}, string=notes.text(MACHINE_LABEL) + " "
    )  # (setting .string afterwards costs 60 µs a block: a page can have 100,000)
    _mark(label, notes, MACHINE_LABEL, hidden=True)
    return label


def _add_report_link(tree: BeautifulSoup, element: Tag, notes: ReaderNotes, bid: str) -> None:
    url = notes.feedback_url.format(
        lang=quote(notes.lang, safe=""),
        slug=quote(notes.slug, safe=""),
        block=quote(bid, safe=""),
        url=quote(f"{notes.page_url}#{element['id']}", safe=""),
    )
    link = tree.new_tag(
        "a",
        attrs={
            "href": url,
            "rel": "nofollow",
            "data-l10n-report": bid,
            "aria-describedby": str(element["id"]),  # which passage, for a list of links
        },
    )
    link.string = notes.text(REPORT_LINK)
    _mark(link, notes, REPORT_LINK)
    if element.name in _STANDALONE:
        holder = tree.new_tag("p", attrs={"class": "l10n-report"})
        holder.append(link)
        element.insert_after(holder)
        return
    holder = tree.new_tag("small", attrs={"class": "l10n-report"})
    holder.append(" ")
    holder.append(link)
    element.append(holder)


def _stale_notice(tree: BeautifulSoup, notes: ReaderNotes) -> Tag:
    notice = tree.new_tag("p", attrs={"class": "l10n-stale", "role": "note"})
    text = notes.text(STALE_NOTICE, date=notes.english_updated)
    notice.append(text + " ")
    _mark(notice, notes, STALE_NOTICE)
    link = tree.new_tag("a", attrs={"href": notes.original_url, "hreflang": "en"})
    link.string = notes.text(READ_ORIGINAL)
    _mark(link, notes, READ_ORIGINAL)
    notice.append(link)
    return notice


def _mark(element: Tag, notes: ReaderNotes, msgid: str, hidden: bool = False) -> None:
    """English left untranslated gets ``lang="en"``; machine translation ``data-mt`` (not
    on a label only screen readers read: the underline would be drawn for nobody)."""
    if not notes.is_translated(msgid):
        element["lang"] = "en"
    elif msgid in notes.machine and not hidden:
        element["data-mt"] = ""


def with_block_id(unit: Unit) -> Unit:
    """The unit with ``id: <block id>`` in its extracted comment (what a reader's report names)."""
    line = ID_COMMENT + block_id(unit.context, unit.msgid)
    return replace(unit, note=f"{unit.note}\n{line}" if unit.note else line)
