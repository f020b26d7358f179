"""A catalog and its entries as the rest of intl-pub sees them; an entry's state is a property.

polib stays inside this package: every other module gets :class:`Catalog` and
:class:`Entry`, and changes an entry only through the functions here (what a
machine, the translation memory or a translator does to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import polib

from intl_pub.core.model import Translation

if TYPE_CHECKING:
    from intl_pub.catalog.memory import MachineMemory


WRAP = 79
"""GNU gettext's default page width (msgmerge, msgcat, Poedit and Weblate keep it)."""


MT_PREFIX = "mt: "


TM_PREFIX = "tm: "


CARRIED_PREFIX = "updated automatically: "


EARLIER_PREFIX = "earlier reviewed translation: "
"""Written by intl-pub before 0.2; dropped on the next merge (the msgstr carries it now)."""


OWN_COMMENTS = (MT_PREFIX, TM_PREFIX, CARRIED_PREFIX, EARLIER_PREFIX)
"""Extracted-comment lines intl-pub writes; the template's own comment lines are the rest."""


_CONFIDENCE = re.compile(r"confidence (\d(?:\.\d+)?)")


@dataclass(frozen=True)
class Stats:
    """Review progress of one catalog."""

    reviewed: int
    machine: int
    """Translated but fuzzy: machine translations and suggestions awaiting review."""
    untranslated: int

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.untranslated

    @property
    def reviewed_share(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


class State(StrEnum):
    """What an entry is, for the publisher, the queue and the status (one answer, here)."""

    REVIEWED = "reviewed"
    """Translated and not fuzzy: a person approved it (gettext's meaning)."""
    MACHINE = "machine"
    """Translated but fuzzy: a machine translation or suggestion awaiting review."""
    STALE = "stale"
    """Fuzzy with ``#| msgid``: an engine's translation of English that has changed since."""
    WITHDRAWN = "withdrawn"
    """Fuzzy with ``#| msgid``: a person's translation of English that has changed since;
    never published as it is."""
    UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class Entry:
    """One catalog entry as the rest of intl-pub sees it; its state is a property.

    Like babel's ``Message.fuzzy``: reviewed, machine, stale review and
    untranslated are worked out here, once, from the gettext flags.
    """

    msgid: str
    msgstr: str
    context: str
    """msgctxt, or "" when there is none."""
    line: int
    """Line of the entry in its file (0 for one built in memory)."""
    fuzzy: bool
    obsolete: bool
    previous_msgid: str | None
    """``#| msgid``: the English this translation was made for, when it has changed since."""
    comments: tuple[str, ...]
    """Extracted comments (``#.``): the unit's kind and intl-pub's provenance notes."""
    translator_comment: str
    """The translator's own ``#`` comment."""
    plural: bool
    """A ``msgid_plural`` entry (kept as it is; published from ``msgstr[0]``)."""
    references: tuple[tuple[str, str], ...] = ()
    """``#:`` locations: (file, line)."""
    engine_wrote: bool = False
    """The post's machine memory says an engine wrote exactly this msgstr for this English
    (False when the catalog was read without the memory)."""
    _ref: Any = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

    @property
    def comment(self) -> str:
        """The extracted comments as one text, a line each."""
        return "\n".join(self.comments)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.obsolete

    @property
    def reviewed(self) -> bool:
        """Translated and not fuzzy: a person has approved it (gettext's meaning)."""
        return self.translated and not self.fuzzy

    @property
    def machine(self) -> bool:
        """Translated but fuzzy: a machine translation or suggestion awaiting review."""
        return self.translated and self.fuzzy

    @property
    def stale(self) -> bool:
        """A translation of English that has since changed (fuzzy with ``#| msgid``)."""
        return self.machine and self.previous_msgid is not None

    @property
    def untranslated(self) -> bool:
        return not self.msgstr and not self.obsolete

    @property
    def state(self) -> State:
        """Reviewed, machine, stale (an engine's text of older English), withdrawn (a
        person's text of older English) or untranslated. Without the post's machine memory
        (:meth:`Catalog.with_memory`) a stale msgstr counts as a person's work."""
        if not self.translated:
            return State.UNTRANSLATED
        if not self.fuzzy:
            return State.REVIEWED
        if self.previous_msgid is not None:
            return State.STALE if self.engine_wrote else State.WITHDRAWN
        return State.MACHINE

    @property
    def confidence(self) -> float | None:
        """The engine's confidence, when its ``#. mt:`` note records one."""
        return _mt_confidence(self.comment)


class Catalog:
    """A template or a locale's catalog; polib stays inside the catalog package (this
    module, pofile for reading and writing, merge for msgmerge), as DESIGN.md draws it."""

    def __init__(self, po: polib.POFile, memory: MachineMemory | None = None) -> None:
        self._po = po
        self.memory = memory
        """The post's machine memory, if read with it (see :attr:`Entry.state`)."""

    def with_memory(self, memory: MachineMemory | None) -> Catalog:
        """This catalog read with the post's machine memory: its entries' states are whole."""
        return Catalog(self._po, memory)

    def __iter__(self) -> Iterator[Entry]:
        """The live entries, in file order."""
        return (_view(e, self.memory) for e in self._po if not e.obsolete)

    def __len__(self) -> int:
        return sum(1 for e in self._po if not e.obsolete)

    def __getitem__(self, index: int) -> Entry:
        return self.entries()[index]

    def find(self, msgid: str, context: str = "") -> Entry | None:
        return next((e for e in self if e.msgid == msgid and e.context == context), None)

    def entries(self, obsolete: bool = False) -> list[Entry]:
        return [_view(e, self.memory) for e in self._po if obsolete or not e.obsolete]

    def obsolete(self) -> list[Entry]:
        return [_view(e, self.memory) for e in self._po if e.obsolete]

    def header(self, name: str) -> str:
        return str(self._po.metadata.get(name, ""))


def pending(cat: Catalog) -> list[Entry]:
    """Entries with no translation yet: their msgstr is filled from a machine."""
    return [_view(e) for e in cat._po if not e.obsolete and not e.msgstr and not e.msgid_plural]


def stale(cat: Catalog) -> list[Entry]:
    """Entries whose msgstr translates English that has since changed (fuzzy, ``#| msgid``).

    The msgstr is the translator's and stays; the machine translation of the
    current English goes to the post's MachineMemory, as a suggestion.
    """
    return [_view(e, cat.memory) for e in cat._po if _is_stale(e) and e.msgstr]


needs_translation = pending


def set_machine_translation(entry: Entry, text: str, label: str, note: str = "") -> None:
    """Fill an entry from an engine: fuzzy, with the engine named in an extracted comment."""
    ref = entry._ref
    ref.msgstr = text
    if "fuzzy" not in ref.flags:
        ref.flags.insert(0, "fuzzy")
    lines = [ln for ln in ref.comment.split("\n") if ref.comment and not ln.startswith(MT_PREFIX)]
    lines.append(MT_PREFIX + label + (f" {note}" if note else ""))
    ref.comment = "\n".join(lines)


def reuse_translation(entry: Entry, text: str, origin: str) -> None:
    """Fill an entry from a reviewed translation of the same text elsewhere (translation memory).

    It stays reviewed -- a person approved these exact words -- and says where it came from.
    """
    ref = entry._ref
    ref.msgstr = text
    ref.comment = "\n".join([ref.comment, f"{TM_PREFIX}reviewed in {origin}"]).strip("\n")


def review(entry: Entry, text: str | None = None, comment: str | None = None) -> None:
    """What a translator does in Poedit: set the text (optionally) and clear fuzzy.

    A reviewed entry no longer says a machine wrote it: the ``#. mt:`` note goes.
    """
    ref = entry._ref
    if text is not None:
        ref.msgstr = text
    if comment is not None:
        ref.tcomment = comment
    ref.flags = [f for f in ref.flags if f != "fuzzy"]
    ref.previous_msgid = ref.previous_msgctxt = None
    ref.comment = _without(ref.comment, (MT_PREFIX, EARLIER_PREFIX))


def translations(
    cat: Catalog | None, memory: MachineMemory | None = None
) -> dict[tuple[str, str], Translation]:
    """What the publisher may use, by (msgctxt, msgid): never a review of other English.

    A reviewed entry gives its msgstr; a fuzzy one its msgstr, unreviewed. A
    stale entry (fuzzy with ``#| msgid``: its msgstr translates the English as
    it was) gives the machine suggestion of the current English from
    ``memory``, unreviewed, or nothing (the page shows the English).
    """
    if cat is None:
        return {}
    found = {}
    for e in cat._po:
        if e.obsolete:
            continue
        if _is_stale(e):
            hit = memory.get(_key(e)) if memory is not None else None
            if hit is not None:
                found[_key(e)] = Translation(hit[0], reviewed=False, confidence=_confidence(hit[1]))
            continue
        text = e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else "")
        if text:
            fuzzy = "fuzzy" in e.flags
            confidence = _mt_confidence(e.comment) if fuzzy else None
            found[_key(e)] = Translation(text, reviewed=not fuzzy, confidence=confidence)
    return found


def offered(
    cat: Catalog | None, memory: MachineMemory | None = None
) -> dict[tuple[str, str], Translation]:
    """What a catalog offers the publisher: the one question it asks of a catalog.

    As :func:`translations`, and never a review of English that has changed
    since: a person's translation of older English (:attr:`State.WITHDRAWN`)
    is offered as the machine suggestion of today's English from ``memory``
    (unreviewed) or as nothing (English), marked ``withdrawn`` so that the page
    says a review was withdrawn.
    """
    found = translations(cat, memory)
    for e in stale(cat.with_memory(memory)) if cat is not None else []:
        if e.state is State.WITHDRAWN:
            hit = found.get(e.key)
            found[e.key] = Translation(hit.text if hit else "", reviewed=False, withdrawn=True)
    return found


def withdrawn(entry: Entry, memory: MachineMemory | None = None) -> bool:
    """A person's translation whose English has changed since (:attr:`State.WITHDRAWN`).

    With the post's machine memory, an engine's translation is told apart (it
    is not a review); without it, a stale msgstr counts as a person's work.
    """
    if not entry.stale:
        return False
    return memory is None or not memory.is_machine(entry.key, entry.msgstr)


def reviewed_texts(cat: Catalog) -> dict[tuple[str, str], str]:
    """Reviewed msgstrs by (msgctxt, msgid), read without building an :class:`Entry`
    for each of 100,000 entries."""
    found = {}
    for e in cat._po:
        text = e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else "")
        if text and not e.obsolete and "fuzzy" not in e.flags:
            found[_key(e)] = text
    return found


def stats(cat: Catalog) -> Stats:
    live = list(cat)
    reviewed = sum(1 for e in live if e.reviewed)
    machine = sum(1 for e in live if e.machine)
    return Stats(reviewed, machine, len(live) - reviewed - machine)


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _is_stale(e: polib.POEntry) -> bool:
    return "fuzzy" in e.flags and e.previous_msgid is not None and not e.obsolete


def _split_comment(comment: str) -> tuple[list[str], list[str]]:
    """The template's own comment lines, and intl-pub's notes (a multi-line note whole)."""
    source: list[str] = []
    own: list[str] = []
    inside = False
    for line in comment.split("\n") if comment else []:
        if line.startswith(OWN_COMMENTS):
            inside = line.startswith(EARLIER_PREFIX)
            own.append(line)
        elif inside:
            own.append(line)
        else:
            source.append(line)
    return source, own


def _without(comment: str, prefixes: tuple[str, ...]) -> str:
    """The comment without intl-pub's notes that start with ``prefixes``."""
    source, own = _split_comment(comment)
    kept, inside = [], False
    for line in own:
        if line.startswith(OWN_COMMENTS):
            inside = line.startswith(prefixes)
        if not inside:
            kept.append(line)
    return "\n".join([*source, *kept])


def _mt_confidence(comment: str) -> float | None:
    """The confidence an extracted comment's ``#. mt:`` line records, if any."""
    for line in comment.split("\n") if comment else ():
        if line.startswith(MT_PREFIX):
            return _confidence(line)
    return None


def _confidence(note: str) -> float | None:
    """``… · confidence 0.31 …`` -> 0.31."""
    found = _CONFIDENCE.search(note)
    return float(found.group(1)) if found else None


def _view(e: polib.POEntry, memory: MachineMemory | None = None) -> Entry:
    return Entry(
        msgid=e.msgid,
        msgstr=e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else ""),
        context=e.msgctxt or "",
        line=e.linenum or 0,
        fuzzy="fuzzy" in e.flags,
        obsolete=bool(e.obsolete),
        previous_msgid=e.previous_msgid,
        comments=tuple(e.comment.split("\n")) if e.comment else (),
        translator_comment=e.tcomment or "",
        plural=bool(e.msgid_plural),
        references=tuple((str(f), str(n)) for f, n in e.occurrences),
        engine_wrote=bool(memory and e.msgstr and memory.is_machine(_key(e), e.msgstr)),
        _ref=e,
    )
