"""Gettext catalogs: build templates, merge them into translations, load and save.

The catalogs are the single source of truth for every translation. The rules
that protect a translator's work live here:

* a reviewed entry (translated, not fuzzy) whose source is unchanged is kept
  exactly as it is, comments and all;
* an entry whose source changed becomes fuzzy, as GNU msgmerge makes it: its
  ``#| msgid`` is the English the translator last reviewed (kept across
  several edits) and its msgstr keeps the translator's text -- their last
  reviewed translation, or their newer work in progress. The machine
  translation of the new English is only a suggestion, kept beside the
  catalog in a :class:`MachineMemory`; the publisher uses it, never the
  review of English that has since changed;
* units that disappeared become obsolete (``#~``), never deleted;
* files are written atomically, and only when their content changed, so a
  re-run leaves every catalog byte-identical.

A catalog that cannot be read raises CatalogError with ``path:line`` and is
never written over.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polib

from intl_pub import __version__, matching, poformat
from intl_pub.errors import CatalogError
from intl_pub.files import build_time, write_atomic
from intl_pub.model import Locale, Translation, Unit

WRAP = 79
"""GNU gettext's default page width (msgmerge, msgcat, Poedit and Weblate keep it)."""
OWN_FIELDS = frozenset(
    {
        "Project-Id-Version",
        "POT-Creation-Date",
        "Language",
        "Plural-Forms",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    }
)
MT_PREFIX = "mt: "
TM_PREFIX = "tm: "
CARRIED_PREFIX = "updated automatically: "
EARLIER_PREFIX = "earlier reviewed translation: "
"""Written by intl-pub before 0.2; dropped on the next merge (the msgstr carries it now)."""
OWN_COMMENTS = (MT_PREFIX, TM_PREFIX, CARRIED_PREFIX, EARLIER_PREFIX)
"""Extracted-comment lines intl-pub writes; the template's own comment lines are the rest."""
FUZZY_MATCH_RATIO = 0.6
GENERATOR = f"intl-pub {__version__}"
NOBODY = "FULL NAME <EMAIL@ADDRESS>"
"""Last-Translator until a translator's tool fills it (GNU's placeholder, which Poedit replaces)."""
NO_TEAM = "LANGUAGE <LL@li.org>"
_CREATION_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_CONFIDENCE = re.compile(r"confidence (\d(?:\.\d+)?)")
_DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"$', re.M)


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


# --- the typed view: what every other module sees -------------------------------------


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
    def confidence(self) -> float | None:
        """The engine's confidence, when its ``#. mt:`` note records one."""
        for line in self.comments:
            found = _CONFIDENCE.search(line) if line.startswith(MT_PREFIX) else None
            if found:
                return float(found.group(1))
        return None


class Catalog:
    """A template or a locale's catalog; polib stays inside this module."""

    def __init__(self, po: polib.POFile) -> None:
        self._po = po

    def __iter__(self) -> Iterator[Entry]:
        """The live entries, in file order."""
        return (_view(e) for e in self._po if not e.obsolete)

    def __len__(self) -> int:
        return sum(1 for e in self._po if not e.obsolete)

    def __getitem__(self, index: int) -> Entry:
        return self.entries()[index]

    def find(self, msgid: str, context: str = "") -> Entry | None:
        return next((e for e in self if e.msgid == msgid and e.context == context), None)

    def entries(self, obsolete: bool = False) -> list[Entry]:
        return [_view(e) for e in self._po if obsolete or not e.obsolete]

    def obsolete(self) -> list[Entry]:
        return [_view(e) for e in self._po if e.obsolete]

    def header(self, name: str) -> str:
        return str(self._po.metadata.get(name, ""))


class MachineMemory:
    """Machine translations of one post in one locale, by engine label and English text.

    The engine's suggestion for the current English of a stale entry lives
    here, not in the msgstr (which keeps the translator's text): the
    publisher uses it, a reviewer can read it, and a catalog updated by
    ``msgmerge`` (Weblate) needs no new engine call for English seen before.
    It also tells a machine's msgstr from a translator's work in progress.
    Stored as JSON by the store (``Store.suggestions_path``).
    """

    VERSION = 1

    def __init__(self, by_label: dict[str, dict[str, list[str]]] | None = None) -> None:
        self.by_label: dict[str, dict[str, list[str]]] = by_label or {}
        self.latest = next(reversed(self.by_label), "") if self.by_label else ""

    @classmethod
    def parse(cls, raw: bytes | None) -> MachineMemory:
        """Read the stored memory; a missing or unreadable one is empty (it is only a cache)."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return cls()
        labels = data.get("suggestions", {})
        memory = cls({str(k): dict(v) for k, v in labels.items() if isinstance(v, dict)})
        memory.latest = str(data.get("latest", memory.latest))
        return memory

    def serialize(self) -> bytes:
        data = {"version": self.VERSION, "latest": self.latest, "suggestions": self.by_label}
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    def put(self, key: tuple[str, str], label: str, text: str, note: str = "") -> None:
        self.by_label.setdefault(label, {})[_memory_key(key)] = [text, note]
        self.latest = label

    def get(self, key: tuple[str, str], label: str | None = None) -> tuple[str, str] | None:
        """(text, note) for this English: from ``label``, else the latest engine, else any."""
        wanted = _memory_key(key)
        labels = [label] if label is not None else [self.latest, *self.by_label]
        for name in labels:
            found = self.by_label.get(name, {}).get(wanted)
            if found:
                return found[0], found[1] if len(found) > 1 else ""
        return None

    def is_machine(self, key: tuple[str, str], text: str) -> bool:
        """Did an engine write exactly ``text`` for this English? (Else a person did.)"""
        wanted = _memory_key(key)
        return any(texts.get(wanted, [None])[0] == text for texts in self.by_label.values())

    def keep_only(self, cat: Catalog) -> None:
        """Forget the English no entry of ``cat`` refers to any more (msgid or ``#| msgid``)."""
        keep = set()
        for e in cat._po:
            keep.add(_memory_key(_key(e)))
            if e.previous_msgid is not None:
                keep.add(_memory_key((e.previous_msgctxt or "", e.previous_msgid)))
        for label in list(self.by_label):
            texts = {k: v for k, v in self.by_label[label].items() if k in keep}
            if texts:
                self.by_label[label] = texts
            else:
                del self.by_label[label]
        if self.latest not in self.by_label:
            self.latest = next(reversed(self.by_label), "") if self.by_label else ""


def _memory_key(key: tuple[str, str]) -> str:
    return f"{key[0]}\x04{key[1]}" if key[0] else key[1]


# --- pure core ------------------------------------------------------------------------


def build_template(
    units: Iterable[Unit], reference: str, project: str, created: datetime | None = None
) -> Catalog:
    """A POT in document order; a repeated text is one entry with several locations.

    ``POT-Creation-Date`` comes from the content, never the clock, so the same
    post gives the same bytes: ``created`` (the post's updated or published
    date) when given, else a date derived from a digest of the units.
    """
    units = list(units)
    pot = polib.POFile(wrapwidth=WRAP)
    pot.metadata = _header(project, None, _format_date(created or _content_date(units)))
    by_key: dict[tuple[str, str], polib.POEntry] = {}
    for unit in units:
        key = (unit.context, unit.msgid)
        entry = by_key.get(key)
        if entry is None:
            entry = polib.POEntry(
                msgid=unit.msgid,
                msgctxt=unit.context or None,
                comment=unit.note,
                occurrences=[],
                flags=["no-c-format"] if "%" in unit.msgid else [],
            )
            by_key[key] = entry
            pot.append(entry)
        entry.occurrences.append((reference, str(unit.line)))
    return Catalog(pot)


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
    old_entries = list(old._po) if old is not None else []
    if old is not None:
        # Keep what the translator's tool wrote (Last-Translator, X-Generator, ...);
        # only the fields that must be right for gettext are ours.
        po.header = old._po.header
        po.metadata = {
            **old._po.metadata,
            **{k: v for k, v in po.metadata.items() if k in OWN_FIELDS},
        }
        for name in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
            value = old._po.metadata.get(name, "")
            if value in _LEGACY_HEADERS:
                value = ""
            po.metadata[name] = value or po.metadata.get(name, "")
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


def pending(cat: Catalog) -> list[Entry]:
    """Entries with no translation yet: their msgstr is filled from a machine."""
    return [_view(e) for e in cat._po if not e.obsolete and not e.msgstr and not e.msgid_plural]


def stale(cat: Catalog) -> list[Entry]:
    """Entries whose msgstr translates English that has since changed (fuzzy, ``#| msgid``).

    The msgstr is the translator's and stays; the machine translation of the
    current English goes to the post's MachineMemory, as a suggestion.
    """
    return [_view(e) for e in cat._po if _is_stale(e) and e.msgstr]


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
                found[_key(e)] = Translation(hit[0], reviewed=False)
            continue
        text = e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else "")
        if text:
            found[_key(e)] = Translation(text, reviewed="fuzzy" not in e.flags)
    return found


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


def render(cat: Catalog) -> str:
    """The file's text exactly as GNU gettext writes it (``msgcat`` leaves it byte for byte).

    poformat owns GNU's wrapping; comment lines stay whole, as GNU keeps them
    (a translator's long ``#`` line stays one line).
    """
    po = cat._po
    entries = [_po_entry(e) for e in po if not e.obsolete]
    entries += [_po_entry(e) for e in po if e.obsolete]
    flags = ["fuzzy"] if po.metadata_is_fuzzy else []
    header = po.header.split("\n") if po.header else []
    return poformat.render(header, po.ordered_metadata(), entries, WRAP, flags)


def _po_entry(e: polib.POEntry) -> poformat.PoEntry:
    def lines(text: str | None) -> tuple[str, ...]:
        return tuple(text.split("\n")) if text else ()

    return poformat.PoEntry(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        msgid_plural=e.msgid_plural or None,
        msgstr_plural=tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)),
        flags=tuple(e.flags),
        translator_comments=lines(e.tcomment),
        extracted_comments=() if e.obsolete else lines(e.comment),
        references=tuple(f"{f}:{n}" if n else f for f, n in e.occurrences),
        previous_msgctxt=e.previous_msgctxt,
        previous_msgid=e.previous_msgid,
        previous_msgid_plural=e.previous_msgid_plural,
        obsolete=bool(e.obsolete),
    )


# --- bytes in, text out: the store reads and writes the files --------------------------


def parse(raw: bytes, where: str, lint: bool = True) -> Catalog:
    """Read a catalog from its bytes (``where`` names the file in errors).

    Anything polib or GNU gettext would reject (syntax, encoding, duplicate
    entries, a missing header) raises CatalogError naming the file and line.
    A UTF-8 byte-order mark, which GNU gettext accepts, is skipped. ``lint``
    False skips the GNU syntax check, for bytes known to be this program's own
    output (the caller compares their digest with the one it recorded).
    """
    if raw.startswith(b"\xef\xbb\xbf"):  # as an editor may save it; never written back
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"{where}:{line}: not valid UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from exc
    problem = poformat.lint(text) if lint else None
    if problem is not None:
        line, message = problem
        raise CatalogError(f"{where}:{line}: {message}; fix the file (the run left it untouched)")
    try:
        po = polib.pofile(
            _PoText(text), wrapwidth=WRAP, check_for_duplicates=False, encoding="utf-8"
        )
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{where}:{_error_line(str(exc), text)}: {exc}") from exc
    seen: set[tuple[str, str, bool]] = set()
    for e in po:
        key = (e.msgctxt or "", e.msgid, bool(e.obsolete))
        if key in seen:
            raise CatalogError(
                f"{where}:{e.linenum}: the entry {e.msgid[:40]!r} already exists earlier in "
                "the file; remove one of the two (msguniq finds them)"
            )
        seen.add(key)
    if not po.metadata.get("Content-Type"):
        raise CatalogError(
            f'{where}:1: the header entry (msgid "") is missing or has no Content-Type; '
            "restore it from translations/templates or from version control"
        )
    return Catalog(po)


def load(path: Path) -> Catalog | None:
    """Read a catalog file, or None when it does not exist (tests and tools)."""
    if not path.exists():
        return None
    return parse(path.read_bytes(), str(path))


def serialize(
    cat: Catalog, old: str | None, is_template: bool, now: datetime | None = None
) -> str | None:
    """The text to write over ``old`` (the file as it is), or None when nothing changed.

    The date header is the only thing that differs between two runs with the
    same content, so it is ignored in the comparison and set only on a change.
    A file whose entries are unchanged is left as it is, even if the
    translator's editor wrapped lines differently from us.
    """
    po = cat._po
    if is_template:  # POT-Creation-Date comes from the content (build_template)
        if old is not None and render(cat) in (old, _rerender(old)):
            return None
        return render(cat)
    name = "PO-Revision-Date"
    if old is not None:
        po.metadata[name] = _read_date(old, name) or po.metadata.get(name, "")
        new = _undated(render(cat))
        if new == _undated(old) or new == _undated(_rerender(old)):
            return None
    po.metadata[name] = _format_date(now or build_time())
    return render(cat)


def save(cat: Catalog, path: Path, now: datetime | None = None) -> bool:
    """Write a catalog file if its content changed (tests and tools; runs go through the store)."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    text = serialize(cat, old, path.suffix == ".pot", now)
    if text is None:
        return False
    write_atomic(path, text.encode("utf-8"))
    return True


# --- helpers --------------------------------------------------------------------------


_LEGACY_HEADERS = frozenset({"intl-pub machine translation", "none"})
"""What intl-pub 0.1 wrote as Last-Translator / Language-Team: not ``NAME <EMAIL>``."""


def _header(project: str, locale: Locale | None, created: str) -> dict[str, str]:
    """The header Poedit and Weblate expect: the translator's fields left for them."""
    header = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "",
        "Last-Translator": NOBODY,
        "Language-Team": NO_TEAM,
        "Language": locale.gettext if locale is not None else "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": locale.plural_forms if locale is not None else "",
        "X-Generator": GENERATOR,
    }
    if locale is None:
        del header["PO-Revision-Date"], header["Language"], header["Plural-Forms"]
    return header


def _content_date(units: list[Unit]) -> datetime:
    """A stable date for a post's template when no date is given: its content's digest."""
    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.context}\x04{unit.msgid}\x00".encode("utf-8", "surrogatepass"))
    minutes = int(digest.hexdigest()[:8], 16) % (20 * 365 * 24 * 60)
    return _CREATION_EPOCH + timedelta(minutes=minutes)


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


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


def _is_stale(e: polib.POEntry) -> bool:
    return "fuzzy" in e.flags and e.previous_msgid is not None and not e.obsolete


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

    matching.Matcher's index makes the search linear in the catalog's size.
    """

    def __init__(self, candidates: list[polib.POEntry]) -> None:
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


def _view(e: polib.POEntry) -> Entry:
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
        _ref=e,
    )


class _PoText(str):
    """The text of a PO file, whose lines end at LF only, as GNU gettext reads them.

    polib splits a text it is given with ``str.splitlines``, which also breaks at
    U+2028, U+2029, U+0085, VT, FF and U+001C-U+001E: a translator's line
    separator inside a msgstr cut the string in two there (and the character
    before it was lost with the "closing quote"). A CR before the LF is
    whitespace to polib, as to GNU gettext.
    """

    __slots__ = ()

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        lines = self.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [line + "\n" for line in lines] if keepends else lines


def _error_line(message: str, text: str) -> int:
    found = re.search(r"line (\d+)", message)
    if found:
        return int(found.group(1))
    dup = re.search(r'Entry "(.*)" already exists', message, re.S)
    if dup:
        needle = 'msgid "' + dup.group(1).splitlines()[0][:40]
        positions = [m.start() for m in re.finditer(re.escape(needle), text)]
        if len(positions) > 1:
            return text[: positions[1]].count("\n") + 1
    return 1


def _format_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M+0000")


def _read_date(text: str, field: str) -> str | None:
    found = re.search(rf'^"{field}: ([^"]*)\\n"$', text, re.M)
    return found.group(1) if found else None


def _rerender(text: str) -> str:
    """The file as we would write it: our wrapping, and no ``#. mt:`` on a reviewed entry.

    So a file whose only difference is a reviewed entry's old ``mt:`` note is
    left alone; the note goes the next time the file is written anyway.
    """
    try:
        po = polib.pofile(_PoText(text), wrapwidth=WRAP, encoding="utf-8")
    except (OSError, ValueError):
        return text
    for e in po:
        if "fuzzy" not in e.flags and e.comment:
            e.comment = _without(e.comment, (MT_PREFIX, EARLIER_PREFIX))
    return render(Catalog(po))


def _undated(text: str) -> str:
    return _DATE_LINE.sub("", text)
