"""Merging a template into a locale's catalog: what GNU ``msgmerge --previous`` does, and more.

The rules that protect a translator's work live here:

* a reviewed entry (translated, not fuzzy) whose source is unchanged is kept
  exactly as it is, comments and all;
* an entry whose source changed becomes fuzzy, as GNU msgmerge makes it: its
  ``#| msgid`` is the English the translator last reviewed (kept across
  several edits) and its msgstr keeps the translator's text -- their last
  reviewed translation, or their newer work in progress. The machine
  translation of the new English is only a suggestion, kept beside the
  catalog in a :class:`~intl_pub.catalog.memory.MachineMemory`; the publisher
  uses it, never the review of English that has since changed;
* an entry whose English changed only in numbers, URLs, whitespace or
  punctuation keeps its review, with the numbers and URLs replaced;
* units that disappeared become obsolete (``#~``), never deleted.
"""

from __future__ import annotations

import re

import polib

from intl_pub.catalog.entry import (
    CARRIED_PREFIX,
    EARLIER_PREFIX,
    MT_PREFIX,
    OWN_COMMENTS,
    WRAP,
    Catalog,
    _key,
    _split_comment,
    _without,
)
from intl_pub.catalog.memory import MachineMemory
from intl_pub.catalog.pofile import _LEGACY_HEADERS, BASEPATH, GENERATOR, _header
from intl_pub.core.model import Locale

OWN_FIELDS = frozenset(
    {
        "Project-Id-Version",
        "POT-Creation-Date",
        "Language",
        "Plural-Forms",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
        BASEPATH,
    }
)


FUZZY_MATCH_RATIO = 0.6


def merge(
    template: Catalog,
    old: Catalog | None,
    locale: Locale,
    memory: MachineMemory | None = None,
) -> Catalog:
    """Merge a template into a locale's catalog (see the module docstring for the rules).

    ``memory`` (the post's machine translations) tells an engine's msgstr from
    a translator's: without it every fuzzy msgstr is kept as a person's work.
    """
    tpl = template._po
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = _header(
        tpl.metadata.get("Project-Id-Version", ""),
        locale,
        tpl.metadata.get("POT-Creation-Date", ""),
    )
    if BASEPATH in tpl.metadata:  # the layout's, like the references it resolves
        po.metadata[BASEPATH] = tpl.metadata[BASEPATH]
    old_entries = list(old._po) if old is not None else []
    if old is not None:
        # Keep what the translator's tool wrote (Last-Translator, X-Generator, ...);
        # only the fields that must be right for gettext are ours.
        po.header = old._po.header
        fresh = po.metadata
        po.metadata = {
            **old._po.metadata,
            **{k: v for k, v in fresh.items() if k in OWN_FIELDS},
        }
        for name in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
            value = old._po.metadata.get(name, "")
            if value in _LEGACY_HEADERS:
                value = ""
            po.metadata[name] = value or fresh.get(name, "")
        po.metadata.setdefault("X-Generator", GENERATOR)
    exact = {_key(e): e for e in old_entries if not e.obsolete}
    for e in old_entries:
        if e.obsolete:
            exact.setdefault(_key(e), e)
    used: set[int] = set()
    new_keys = {_key(e) for e in tpl}
    leftovers = [e for e in old_entries if _key(e) not in new_keys and e.msgstr]
    by_skeleton: dict[str, list[polib.POEntry]] = {}
    for e in leftovers:
        if "fuzzy" not in e.flags:
            by_skeleton.setdefault(_skeleton(e.msgid)[0], []).append(e)
    matcher = _Matcher(leftovers)
    for tentry in tpl:
        entry = _fresh(tentry)
        previous = exact.get(_key(tentry))
        if previous is not None:
            used.add(id(previous))
            matcher.use(previous)
            _carry(previous, entry, memory)
        else:
            # (a first merge has no translations to carry: no skeleton to work out)
            same_words = by_skeleton.get(_skeleton(tentry.msgid)[0], []) if by_skeleton else []
            carried = _carry_over(tentry.msgid, [c for c in same_words if id(c) not in used])
            if carried is not None:
                used.add(id(carried[0]))
                matcher.use(carried[0])
                _carry(carried[0], entry, memory)
                entry.msgstr = carried[1]
                entry.comment = "\n".join([entry.comment, CARRIED_PREFIX + carried[2]]).strip("\n")
            else:
                match = matcher.best(tentry.msgid)
                if match is not None:
                    used.add(id(match))
                    _suggest(match, entry, memory)
        po.append(entry)
    for previous in old_entries:
        if id(previous) in used or not (previous.msgstr or previous.msgstr_plural):
            continue
        gone = _fresh(previous)
        _carry(previous, gone, None)
        gone.obsolete = True
        gone.occurrences = []
        po.append(gone)
    return Catalog(po)


def _fresh(tentry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=tentry.msgid,
        msgctxt=tentry.msgctxt,
        comment=_source_comment(tentry.comment),
        occurrences=list(tentry.occurrences),
        flags=[f for f in tentry.flags if f != "fuzzy"],
    )


def _source_comment(comment: str) -> str:
    return "\n".join(_split_comment(comment)[0])


def _carry(
    previous: polib.POEntry, entry: polib.POEntry, memory: MachineMemory | None
) -> None:
    """Keep everything a translator or the engine put on an entry whose source is unchanged.

    Two repairs: a reviewed entry loses its ``#. mt:`` note; and a stale
    entry whose msgstr is an engine's translation of the English it had
    before (what ``msgmerge`` keeps for a never-reviewed entry) is emptied, so
    the engine translates the English as it is now.
    """
    entry.msgstr = previous.msgstr
    if previous.msgid_plural:  # a translator's plural entry is kept as it is
        entry.msgid_plural = previous.msgid_plural
        entry.msgstr_plural = dict(previous.msgstr_plural)
    entry.tcomment = previous.tcomment
    entry.previous_msgid = previous.previous_msgid
    entry.previous_msgctxt = previous.previous_msgctxt
    fuzzy = "fuzzy" in previous.flags
    drop = (EARLIER_PREFIX,) if fuzzy else (EARLIER_PREFIX, MT_PREFIX)
    kept = _split_comment(_without(previous.comment, drop))[1]
    entry.comment = "\n".join([entry.comment, *kept]).strip("\n")
    if fuzzy:
        entry.flags.insert(0, "fuzzy")
        earlier = _earlier_review(previous.comment)
        if previous.previous_msgid is not None and earlier is not None:
            entry.msgstr = earlier  # a catalog from intl-pub 0.1: the review goes back to msgstr
        elif (
            previous.previous_msgid is not None
            and memory is not None
            and memory.is_machine(_previous_key(previous), previous.msgstr)
            and not memory.is_machine(_key(previous), previous.msgstr)
        ):
            entry.msgstr = ""


def _suggest(
    previous: polib.POEntry, entry: polib.POEntry, memory: MachineMemory | None
) -> None:
    """The source of ``previous`` changed into ``entry``: what GNU ``msgmerge --previous`` does.

    The entry becomes fuzzy; ``#| msgid`` is the English the translator last
    reviewed (kept when it was stale already), else the English it had; the
    msgstr keeps the translator's text -- the review, or their work in progress
    -- and is emptied only when an engine wrote it (the engine then translates
    the new English).
    """
    entry.tcomment = previous.tcomment
    entry.flags.insert(0, "fuzzy")
    if memory is not None and "fuzzy" not in previous.flags and previous.msgstr:
        memory.keep_review(_key(previous), previous.msgstr)
    if previous.previous_msgid is not None and "fuzzy" in previous.flags:
        entry.previous_msgid = previous.previous_msgid
        entry.previous_msgctxt = previous.previous_msgctxt
    else:
        entry.previous_msgid = previous.msgid
        entry.previous_msgctxt = previous.msgctxt
    text = previous.msgstr
    if "fuzzy" in previous.flags:
        earlier = _earlier_review(previous.comment)
        if previous.previous_msgid is not None and earlier is not None:
            text = earlier
        elif memory is not None and (
            memory.is_machine(_key(previous), text)
            or (
                previous.previous_msgid is not None
                and memory.is_machine(_previous_key(previous), text)
            )
        ):
            text = ""
    entry.msgstr = text
    _restore_review(entry, memory)


def _restore_review(entry: polib.POEntry, memory: MachineMemory | None) -> None:
    """A fuzzy entry whose English is again exactly what its translator reviewed, with
    that review still its msgstr (two paragraphs merged, then split back): reviewed again.

    Only a review the memory kept when its English changed counts: work in progress
    typed into the fuzzy entry since stays fuzzy.
    """
    if (
        memory is not None
        and "fuzzy" in entry.flags
        and entry.previous_msgid == entry.msgid
        and (entry.previous_msgctxt or None) == (entry.msgctxt or None)
        and memory.was_reviewed(_key(entry), entry.msgstr)
    ):
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = None


def _previous_key(e: polib.POEntry) -> tuple[str, str]:
    return (e.previous_msgctxt or "", e.previous_msgid or "")


def _own_lines(comment: str) -> list[str]:
    """intl-pub's provenance lines of an entry; an old multi-line note keeps its lines."""
    return _split_comment(comment)[1]


def _earlier_review(comment: str) -> str | None:
    """The reviewed translation intl-pub 0.1 kept in a comment, all its lines."""
    lines = _own_lines(comment)
    for number, line in enumerate(lines):
        if line.startswith(EARLIER_PREFIX):
            rest = []
            for more in lines[number + 1 :]:
                if more.startswith(OWN_COMMENTS):
                    break
                rest.append(more)
            return "\n".join([line.removeprefix(EARLIER_PREFIX), *rest])
    return None


_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


_URL = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>\"]+[^\s<>\".,;:!?)]")


_TOKEN = re.compile(r"</?\d+/?>")


def _skeleton(text: str) -> tuple[str, list[str], list[str]]:
    """The words of a msgid without numbers, URLs, whitespace and punctuation; and those."""
    urls = _URL.findall(text)
    rest = _URL.sub("\x01", text)
    tokens = _TOKEN.findall(rest)
    rest = _TOKEN.sub("\x02", rest)
    numbers = _NUMBER.findall(rest)
    rest = _NUMBER.sub("\x03", rest)
    words = re.sub(r"[^\w\x01\x02\x03]+", "", rest.replace("_", ""))
    return words + "|" + " ".join(tokens), numbers, urls


def _carry_over(
    msgid: str, candidates: list[polib.POEntry]
) -> tuple[polib.POEntry, str, str] | None:
    """A reviewed entry whose source differs only in numbers, URLs, whitespace or punctuation.

    Returns it with its translation updated (each changed number or URL
    replaced where the translation has it) and a note of what changed; None
    when there is none, or when a changed number is not found in the
    translation (then the usual fuzzy suggestion applies).
    """
    words, numbers, urls = _skeleton(msgid)
    for candidate in candidates:
        if "fuzzy" in candidate.flags or not candidate.msgstr:
            continue
        old_words, old_numbers, old_urls = _skeleton(candidate.msgid)
        if old_words != words:
            continue
        text, changes = candidate.msgstr, []
        for old, new in [
            *zip(old_numbers, numbers, strict=True),
            *zip(old_urls, urls, strict=True),
        ]:
            if old == new:
                continue
            found = re.search(rf"(?<![\w.,:]){re.escape(old)}(?![\w]|[.,:]\d)", text)
            if found is None:
                break
            text = text[: found.start()] + new + text[found.end() :]
            changes.append(f"{old} → {new}")
        else:
            what = ", ".join(changes) if changes else "only whitespace or punctuation changed"
            return candidate, text, what
    return None


class _Matcher:
    """The most similar unused earlier entry for a changed text (difflib ratio > 0.6).

    matching.Matcher's index makes the search linear in the catalog's size. It is
    imported here, when a catalog has changed texts to match: its numpy and rapidfuzz
    cost a tenth of a second that a run with nothing changed should not pay.
    """

    def __init__(self, candidates: list[polib.POEntry]) -> None:
        from intl_pub.catalog import matching

        self.candidates = candidates
        self.index = {id(e): i for i, e in enumerate(candidates)}
        self.matcher = matching.Matcher([e.msgid for e in candidates], FUZZY_MATCH_RATIO)

    def use(self, entry: polib.POEntry) -> None:
        i = self.index.get(id(entry))
        if i is not None:
            self.matcher.discard(i)

    def best(self, msgid: str) -> polib.POEntry | None:
        i = self.matcher.best(msgid)
        return None if i is None else self.candidates[i]
