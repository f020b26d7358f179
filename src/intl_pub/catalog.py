"""Gettext catalogs: build templates, merge them into translations, load and save.

The catalogs are the single source of truth for every translation. The rules
that protect a translator's work live here:

* a reviewed entry (translated, not fuzzy) whose source is unchanged is kept
  exactly as it is, comments and all;
* an entry whose source changed becomes fuzzy, records the previous msgid
  (``#| msgid``) and keeps the earlier reviewed translation in a comment,
  while its msgstr is left for machine translation of the new text;
* units that disappeared become obsolete (``#~``), never deleted;
* files are written atomically, and only when their content changed, so a
  re-run leaves every catalog byte-identical.

A catalog that cannot be read raises CatalogError with ``path:line`` and is
never written over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polib

from intl_pub import matching, poformat
from intl_pub.errors import CatalogError
from intl_pub.files import build_time, write_atomic
from intl_pub.model import Locale, Translation, Unit

WRAP = 79
"""GNU gettext's default page width (msgmerge, msgcat, Poedit and Weblate keep it)."""
OWN_FIELDS = frozenset(
    {
        "Project-Id-Version",
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
OWN_COMMENTS = (MT_PREFIX, TM_PREFIX, CARRIED_PREFIX, EARLIER_PREFIX)
"""Extracted-comment lines intl-pub writes; the template's own comment lines are the rest."""
FUZZY_MATCH_RATIO = 0.6
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


# --- pure core ------------------------------------------------------------------------


def build_template(units: Iterable[Unit], reference: str, project: str) -> Catalog:
    """A POT in document order; a repeated text is one entry with several locations."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.metadata = _header(project, None)
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


def merge(template: Catalog, old: Catalog | None, locale: Locale) -> Catalog:
    """Merge a template into a locale's catalog (see the module docstring for the rules)."""
    tpl = template._po
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = _header(tpl.metadata.get("Project-Id-Version", ""), locale)
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
            po.metadata[name] = old._po.metadata.get(name) or po.metadata.get(name, "")
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
            _carry(previous, entry)
        else:
            same_words = by_skeleton.get(_skeleton(tentry.msgid)[0], [])
            carried = _carry_over(tentry.msgid, [c for c in same_words if id(c) not in used])
            if carried is not None:
                used.add(id(carried[0]))
                matcher.use(carried[0])
                _carry(carried[0], entry)
                entry.msgstr = carried[1]
                entry.comment = "\n".join([entry.comment, CARRIED_PREFIX + carried[2]]).strip("\n")
            else:
                match = matcher.best(tentry.msgid)
                if match is not None:
                    used.add(id(match))
                    _suggest(match, entry)
        po.append(entry)
    for previous in old_entries:
        if id(previous) in used or not (previous.msgstr or previous.msgstr_plural):
            continue
        gone = _fresh(previous)
        _carry(previous, gone)
        gone.obsolete = True
        gone.occurrences = []
        po.append(gone)
    return Catalog(po)


def pending(cat: Catalog) -> list[Entry]:
    """Entries with no translation yet: the only ones sent to a machine."""
    return [_view(e) for e in cat._po if not e.obsolete and not e.msgstr and not e.msgid_plural]


needs_translation = pending


def set_machine_translation(entry: Entry, text: str, label: str, note: str = "") -> None:
    """Fill an entry from an engine: fuzzy, with the engine named in an extracted comment."""
    ref = entry._ref
    ref.msgstr = text
    if "fuzzy" not in ref.flags:
        ref.flags.insert(0, "fuzzy")
    lines = [ln for ln in ref.comment.splitlines() if not ln.startswith(MT_PREFIX)]
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
    """What a translator does in Poedit: set the text (optionally) and clear fuzzy."""
    ref = entry._ref
    if text is not None:
        ref.msgstr = text
    if comment is not None:
        ref.tcomment = comment
    ref.flags = [f for f in ref.flags if f != "fuzzy"]
    ref.previous_msgid = ref.previous_msgctxt = None


def translations(cat: Catalog | None) -> dict[tuple[str, str], Translation]:
    """What the publisher may use: every translated, non-obsolete entry by (msgctxt, msgid)."""
    if cat is None:
        return {}
    found = {}
    for e in cat._po:
        if e.obsolete:
            continue
        text = e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else "")
        if text:
            found[_key(e)] = Translation(text, reviewed="fuzzy" not in e.flags)
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


def parse(raw: bytes, where: str) -> Catalog:
    """Read a catalog from its bytes (``where`` names the file in errors).

    Anything polib or GNU gettext would reject (syntax, encoding, duplicate
    entries, a missing header) raises CatalogError naming the file and line.
    A UTF-8 byte-order mark, which GNU gettext accepts, is skipped.
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
    problem = poformat.lint(text)
    if problem is not None:
        line, message = problem
        raise CatalogError(f"{where}:{line}: {message}; fix the file (the run left it untouched)")
    try:
        po = polib.pofile(text, wrapwidth=WRAP, check_for_duplicates=False, encoding="utf-8")
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
    name = "POT-Creation-Date" if is_template else "PO-Revision-Date"
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


def _header(project: str, locale: Locale | None) -> dict[str, str]:
    header = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": "",
        "PO-Revision-Date": "",
        "Last-Translator": "intl-pub machine translation",
        "Language-Team": "none",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if locale is not None:
        header["Language"] = locale.gettext
        header["Plural-Forms"] = locale.plural_forms
        del header["POT-Creation-Date"]
    else:
        del header["PO-Revision-Date"]
        header["Last-Translator"] = "FULL NAME <EMAIL@ADDRESS>"
        header["Language-Team"] = "LANGUAGE <LL@li.org>"
    return header


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
    return "\n".join(ln for ln in comment.splitlines() if not ln.startswith(OWN_COMMENTS))


def _carry(previous: polib.POEntry, entry: polib.POEntry) -> None:
    """Keep everything a translator or the engine put on an entry whose source is unchanged."""
    entry.msgstr = previous.msgstr
    if previous.msgid_plural:  # a translator's plural entry is kept as it is
        entry.msgid_plural = previous.msgid_plural
        entry.msgstr_plural = dict(previous.msgstr_plural)
    entry.tcomment = previous.tcomment
    entry.previous_msgid = previous.previous_msgid
    entry.previous_msgctxt = previous.previous_msgctxt
    kept = [ln for ln in previous.comment.splitlines() if ln.startswith(OWN_COMMENTS)]
    entry.comment = "\n".join([entry.comment, *kept]).strip("\n")
    if "fuzzy" in previous.flags:
        entry.flags.insert(0, "fuzzy")


def _suggest(previous: polib.POEntry, entry: polib.POEntry) -> None:
    """The source of ``previous`` changed into ``entry``: record the old one for the reviewer."""
    entry.previous_msgid = previous.msgid
    entry.previous_msgctxt = previous.msgctxt
    entry.tcomment = previous.tcomment
    entry.flags.insert(0, "fuzzy")
    if "fuzzy" not in previous.flags:
        entry.comment = "\n".join([entry.comment, EARLIER_PREFIX + previous.msgstr]).strip("\n")


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
    try:
        return render(Catalog(polib.pofile(text, wrapwidth=WRAP, encoding="utf-8")))
    except (OSError, ValueError):
        return text


def _undated(text: str) -> str:
    return _DATE_LINE.sub("", text)
