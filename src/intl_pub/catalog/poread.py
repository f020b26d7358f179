"""Read back what :mod:`.poformat` wrote: polib's own result, five times sooner.

Why: a run reads every catalog it publishes, and polib's reader (a state
machine calling a regex or two and a handler per line) spent ~1.3 ms on a
post's 220-line catalog: a fifth of a first publish, and a large part of a
100,000-paragraph post. A file whose bytes this program wrote (the caller
compares their digest with the one it recorded) holds only the lines
:mod:`.poformat` writes, so reading it needs no state machine.

:func:`read` returns the same ``polib.POFile`` that ``polib.pofile`` returns
for the text: the same entries in the same order, every attribute equal
(line numbers, header, metadata, fuzzy header flags). tests/test_poread.py
holds that on generated catalogs, on real ones (Django's) rendered as
intl-pub writes them, on the shipped interface catalogs, and on texts walked
through polib's own state machine (odd whitespace, lone marks, lines polib
refuses). Anything outside that subset -- plural forms, obsolete entries,
``#|`` previous strings, a CR, a line polib would refuse -- returns None,
and the caller reads the text with polib.
"""

from __future__ import annotations

import re

import polib

_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')
"""polib's own test for a quote that ends a string too soon."""
_KEYWORDS = {"msgid": "mi", "msgstr": "ms", "msgctxt": "ct"}
_COMMENTS = {"#.": "gc", "#:": "oc", "#,": "fl"}

# symbol -> the states it may follow: polib's transitions that this subset can meet (a line
# outside them -> None); "mc" is a continuation line, which keeps the state it follows
_ALLOWED = {
    "tc": {"st", "he", "gc", "oc", "fl", "tc", "ms", "mi"},
    "gc": {"st", "he", "gc", "oc", "fl", "ct", "tc", "ms", "mi"},
    "oc": {"st", "he", "gc", "oc", "fl", "ct", "tc", "ms", "mi"},
    "fl": {"st", "he", "gc", "oc", "fl", "ct", "tc", "ms", "mi"},
    "ct": {"st", "he", "gc", "oc", "fl", "tc", "ms"},
    "mi": {"st", "he", "gc", "oc", "fl", "ct", "tc", "ms"},
    "ms": {"mi", "tc"},
    "mc": {"ct", "mi", "ms"},
}


def read(text: str) -> polib.POFile | None:
    """``polib.pofile(text)`` for a catalog as poformat writes it, or None when the text
    holds anything this reader does not know (the caller then asks polib)."""
    if "\r" in text or "#~" in text or "#|" in text or "msgid_plural" in text:
        return None  # (also when a string merely holds those: polib is right, only slower)
    po = polib.POFile(encoding="utf-8", check_for_duplicates=False)
    entry = polib.POEntry(linenum=0)
    state, last = "st", ""
    parts: list[str] = []  # the strings of the keyword being read
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        last = line
        first = line[0]
        if first == '"':
            if state not in _ALLOWED["mc"] or not _plain(line):
                return None
            parts.append(line[1:-1])
            continue
        if first == "#":
            head = line.split(None, 1)
            symbol = _COMMENTS.get(head[0])
            if symbol is None:
                if head[0] != "#" and not head[0].startswith("##"):
                    return None
                symbol = "tc"
            elif len(head) < 2:  # "#." alone: polib skips it, before it could end an entry
                continue
            if state not in _ALLOWED[symbol]:
                return None
            _finish(entry, state, parts)
            if state == "ms":
                po.append(entry)
                entry = polib.POEntry(linenum=number)
            if symbol == "tc" and state in ("st", "he"):
                po.header = f"{po.header}\n{line[2:]}" if po.header else line[2:]
                state = "he"
                continue
            _comment(entry, symbol, line)
            state = symbol
            continue
        keyword, _, rest = line.partition(" ")
        symbol = _KEYWORDS.get(keyword)
        rest = rest.lstrip()
        if symbol is None or not rest or state not in _ALLOWED[symbol] or not _plain(rest):
            return None
        _finish(entry, state, parts)
        if state == "ms":
            po.append(entry)
            entry = polib.POEntry(linenum=number)
        if symbol == "mi":
            entry.obsolete = 0
        parts = [rest[1:-1]]
        state = symbol
    _finish(entry, state, parts)
    if last and not last.startswith("#"):
        po.append(entry)
    _metadata(po)
    return po


def _plain(quoted: str) -> bool:
    """A quoted string with no unescaped quote inside it (polib raises on one)."""
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        return False
    inner = quoted[1:-1]
    return '"' not in inner or _UNESCAPED_QUOTE.search(inner) is None


def _finish(entry: polib.POEntry, state: str, parts: list[str]) -> None:
    """Set the string a keyword and its continuation lines spelt (once, when it ends)."""
    if state not in ("mi", "ms", "ct") or not parts:
        return
    if len(parts) == 1:  # most strings: one line
        value = polib.unescape(parts[0]) if "\\" in parts[0] else parts[0]
    else:  # line by line, as polib: an escape is never read across two lines
        value = "".join(polib.unescape(p) if "\\" in p else p for p in parts)
    if state == "mi":
        entry.msgid = value
    elif state == "ms":
        entry.msgstr = value
    else:
        entry.msgctxt = value
    parts.clear()


def _comment(entry: polib.POEntry, symbol: str, line: str) -> None:
    """A comment line read into ``entry`` as polib's handlers read it."""
    if symbol == "gc":
        entry.comment = f"{entry.comment}\n{line[3:]}" if entry.comment else line[3:]
    elif symbol == "tc":
        said = line.lstrip("#")
        said = said[1:] if said.startswith(" ") else said
        entry.tcomment = f"{entry.tcomment}\n{said}" if entry.tcomment else said
    elif symbol == "fl":
        entry.flags += [c.strip() for c in line[3:].split(",")]
    else:
        for occurrence in line[3:].split():
            place, colon, number = occurrence.rpartition(":")
            if not colon or not number.isdigit():
                place, number = occurrence, ""
            entry.occurrences.append((place, number))


def _metadata(po: polib.POFile) -> None:
    """The header entry taken out into ``metadata``, as polib's reader does."""
    header = po.find("")
    if not header:
        return
    po.remove(header)
    po.metadata_is_fuzzy = header.flags
    key = None
    for line in header.msgstr.splitlines():
        try:
            key, value = line.split(":", 1)
            po.metadata[key] = value.strip()
        except (ValueError, KeyError):
            if key is not None:
                po.metadata[key] += "\n" + line.strip()
