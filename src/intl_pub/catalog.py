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

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from intl_pub.errors import CatalogError
from intl_pub.files import build_time, write_atomic
from intl_pub.model import Locale, Translation, Unit

WRAP = 78
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


# --- pure core ------------------------------------------------------------------------


def build_template(units: Iterable[Unit], reference: str, project: str) -> polib.POFile:
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
    return pot


def merge(template: polib.POFile, old: polib.POFile | None, locale: Locale) -> polib.POFile:
    """Merge a template into a locale's catalog (see the module docstring for the rules)."""
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = _header(template.metadata.get("Project-Id-Version", ""), locale)
    old_entries = list(old) if old is not None else []
    if old is not None:
        # Keep what the translator's tool wrote (Last-Translator, X-Generator, ...);
        # only the fields that must be right for gettext are ours.
        po.header = old.header
        po.metadata = {**old.metadata, **{k: v for k, v in po.metadata.items() if k in OWN_FIELDS}}
        for field in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
            po.metadata[field] = old.metadata.get(field) or po.metadata.get(field, "")
    exact = {_key(e): e for e in old_entries}
    used: set[int] = set()
    new_keys = {_key(e) for e in template}
    leftovers = [e for e in old_entries if _key(e) not in new_keys and e.msgstr]
    for tentry in template:
        entry = _fresh(tentry)
        previous = exact.get(_key(tentry))
        if previous is not None:
            used.add(id(previous))
            _carry(previous, entry)
        else:
            candidates = [e for e in leftovers if id(e) not in used]
            carried = _carry_over(tentry.msgid, candidates)
            match = carried[0] if carried else _best_match(tentry.msgid, candidates)
            if carried is not None:
                used.add(id(carried[0]))
                _carry(carried[0], entry)
                entry.msgstr = carried[1]
                entry.comment = "\n".join([entry.comment, CARRIED_PREFIX + carried[2]]).strip("\n")
            elif match is not None:
                used.add(id(match))
                _suggest(match, entry)
        po.append(entry)
    for previous in old_entries:
        if id(previous) in used or not previous.msgstr:
            continue
        gone = _fresh(previous)
        _carry(previous, gone)
        gone.obsolete = True
        gone.occurrences = []
        po.append(gone)
    return po


def needs_translation(po: polib.POFile) -> list[polib.POEntry]:
    """Entries with no msgstr yet: the only ones sent to a machine."""
    return [e for e in po if not e.obsolete and not e.msgstr]


def set_machine_translation(entry: polib.POEntry, text: str, label: str, note: str = "") -> None:
    """Fill an entry from an engine: fuzzy, with the engine named in an extracted comment."""
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    lines = [ln for ln in entry.comment.splitlines() if not ln.startswith(MT_PREFIX)]
    lines.append(MT_PREFIX + label + (f" ({note})" if note else ""))
    entry.comment = "\n".join(lines)


def reuse_translation(entry: polib.POEntry, text: str, origin: str) -> None:
    """Fill an entry from a reviewed translation of the same text elsewhere (translation memory).

    It stays reviewed -- a person approved these exact words -- and says where it came from.
    """
    entry.msgstr = text
    entry.comment = "\n".join([entry.comment, f"{TM_PREFIX}reviewed in {origin}"]).strip("\n")


def translations(po: polib.POFile) -> dict[tuple[str, str], Translation]:
    """What the publisher may use: every translated, non-obsolete entry by (msgctxt, msgid)."""
    return {
        _key(e): Translation(e.msgstr, reviewed="fuzzy" not in e.flags)
        for e in po
        if not e.obsolete and e.msgstr
    }


def stats(po: polib.POFile) -> Stats:
    live = [e for e in po if not e.obsolete]
    reviewed = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
    machine = sum(1 for e in live if e.msgstr and "fuzzy" in e.flags)
    return Stats(reviewed, machine, len(live) - reviewed - machine)


def render(po: polib.POFile) -> str:
    """The file's text: msgid/msgstr wrapped at a fixed width, comments one per line.

    polib would wrap long comments over several lines, which reads back as
    a different comment; GNU gettext keeps comment lines as they are, and so
    do we (a translator's long ``#`` line stays one line).
    """
    header = "".join(
        "#\n" if not line else f"#{line}\n" if line[:1] in ",:" else f"# {line}\n"
        for line in po.header.split("\n")
    )
    entries = [po.metadata_as_entry(), *(e for e in po if not e.obsolete), *po.obsolete_entries()]
    text = header + "\n".join(_render_entry(e) for e in entries)
    return text if text.endswith("\n") else text + "\n"


def _render_entry(entry: polib.POEntry) -> str:
    lines = [f"# {ln}".rstrip() for ln in entry.tcomment.split("\n")] if entry.tcomment else []
    if entry.comment and not entry.obsolete:
        lines += [f"#. {ln}".rstrip() for ln in entry.comment.split("\n")]
    saved = entry.tcomment, entry.comment
    entry.tcomment = entry.comment = ""
    try:
        body = entry.__unicode__(WRAP)
    finally:
        entry.tcomment, entry.comment = saved
    return "\n".join([*lines, body])


# --- disk -----------------------------------------------------------------------------


def load(path: Path) -> polib.POFile | None:
    """Read a catalog, or None when the file does not exist.

    Anything polib or GNU gettext would reject (syntax, encoding, duplicate
    entries, a missing header) raises CatalogError naming the file and line.
    """
    if not path.exists():
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"{path}:{line}: not valid UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from exc
    problem = _lint(text)
    if problem is not None:
        line, message = problem
        raise CatalogError(f"{path}:{line}: {message}; fix the file (the run left it untouched)")
    try:
        po = polib.pofile(text, wrapwidth=WRAP, check_for_duplicates=True, encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}:{_error_line(str(exc), text)}: {exc}") from exc
    if not po.metadata.get("Content-Type"):
        raise CatalogError(
            f'{path}:1: the header entry (msgid "") is missing or has no Content-Type; '
            "restore it from translations/templates or from version control"
        )
    return po


def save(po: polib.POFile, path: Path, now: datetime | None = None) -> bool:
    """Write ``po`` atomically if its content changed; return whether it was written.

    The date header is the only thing that differs between two runs with the
    same content, so it is ignored in the comparison and set only on a change.
    A file whose entries are unchanged is left as it is, even if the
    translator's editor wrapped lines differently from us.
    """
    field = "POT-Creation-Date" if path.suffix == ".pot" else "PO-Revision-Date"
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old is not None:
        po.metadata[field] = _read_date(old, field) or po.metadata.get(field, "")
        new = _undated(render(po))
        if new == _undated(old) or new == _undated(_rerender(old)):
            return False
    po.metadata[field] = _format_date(now or build_time())
    write_atomic(path, render(po).encode("utf-8"))
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


def _best_match(msgid: str, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    best, best_ratio = None, FUZZY_MATCH_RATIO
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, msgid, candidate.msgid, autojunk=False)
        if matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


_KEYWORD_LINE = re.compile(
    r'^(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)[ \t]+"(?:[^"\\]|\\.)*"[ \t]*$'
)
_STRING_LINE = re.compile(r'^"(?:[^"\\]|\\.)*"[ \t]*$')


def _lint(text: str) -> tuple[int, str] | None:
    """Find what polib would quietly accept but GNU gettext rejects (an unclosed string...).

    polib reads ``msgstr "abc`` (no closing quote) as an empty translation; a
    merge would then write the translator's text away. Every line must be a
    comment, blank, a keyword with one quoted string, or a quoted continuation.
    """
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _KEYWORD_LINE.match(stripped) or _STRING_LINE.match(stripped):
            continue
        if stripped.startswith(("msg", '"')):
            return number, f"malformed line (unclosed or unquoted string?): {stripped[:60]}"
        return number, f"unexpected text: {stripped[:60]}"
    return None


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
        return render(polib.pofile(text, wrapwidth=WRAP, encoding="utf-8"))
    except (OSError, ValueError):
        return text


def _undated(text: str) -> str:
    return _DATE_LINE.sub("", text)
