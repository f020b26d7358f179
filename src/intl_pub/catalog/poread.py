"""Read back what :mod:`.poformat` wrote: polib's own result, four to five times sooner.

Why: a run reads every catalog it publishes, and polib's reader (a state
machine calling a regex or two and a handler per line) spent ~1.3 ms on a
post's 220-line catalog: a fifth of a first publish, and a large part of a
100,000-paragraph post. A file whose bytes this program wrote (the caller
compares their digest with the one it recorded) holds only the lines
:mod:`.poformat` writes: one loop over the lines reads it, with polib's
transitions as a table. That includes an edited post's catalog, whose entries
keep their earlier English (``#|``) and obsolete ones (``#~``) until reviewed.

:func:`read` returns the same ``polib.POFile`` that ``polib.pofile`` returns
for the text: the same entries in the same order, every attribute equal
(line numbers, header, metadata, fuzzy header flags). tests/test_poread.py
holds that on generated catalogs, on real ones (Django's) rendered as
intl-pub writes them, on the shipped interface catalogs, and on texts walked
through polib's own state machine (odd whitespace, lone marks, lines polib
refuses). Anything outside that subset -- plural forms, a CR, a line polib
would refuse, a string not quoted at both ends -- returns None, and the
caller reads the text with polib.
"""

from __future__ import annotations

import re

import polib

_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')
"""polib's own test for a quote that ends a string too soon."""
_KEYWORDS = {"msgid": "mi", "msgstr": "ms", "msgctxt": "ct"}
_PREVIOUS = {"msgid": "pm", "msgctxt": "pc"}
_COMMENTS = {"#.": "gc", "#:": "oc", "#,": "fl"}
_STRINGS = ("mi", "ms", "ct", "pm", "pc")
"""The states whose string a continuation line extends."""

# symbol -> the states it may follow: polib's transitions that this subset can meet (a line
# outside them -> None); "mc" is a continuation line, which keeps the state it follows
# (so no state is "mc")
_ANY = {"st", "he", "gc", "oc", "fl", "ct", "tc", "ms", "mi", "pm", "pc"}
_ALLOWED = {
    "tc": _ANY - {"ct"},
    "gc": _ANY,
    "oc": _ANY,
    "fl": _ANY,
    "pm": _ANY,
    "pc": _ANY,
    "ct": _ANY - {"ct", "mi"},
    "mi": _ANY - {"mi"},
    "ms": {"mi", "tc"},
    "mc": {"ct", "mi", "ms", "pm", "pc"},
}


def read(text: str) -> polib.POFile | None:
    """``polib.pofile(text)`` for a catalog as poformat writes it, or None when the text
    holds anything this reader does not know (the caller then asks polib)."""
    if "\r" in text or "msgid_plural" in text:
        return None  # (also when a string merely holds those: polib is right, only slower)
    po = polib.POFile(encoding="utf-8", check_for_duplicates=False)
    entry = polib.POEntry(linenum=0)
    state, last = "st", ""
    parts: list[str] = []  # the strings of the keyword being read
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if line[0] == '"':  # a continuation line, most lines of a catalog
            if state not in _ALLOWED["mc"] or not _plain(line):
                return None
            parts.append(line[1:-1])
            last = line
            continue
        head = line.split(None, 2)  # polib's tokens
        if head[0] == "#~|":  # an obsolete entry's previous string: polib skips it
            last = head[0]
            continue
        obsolete = 0
        if head[0] == "#~" and len(head) > 1:  # (not split again, as polib: "#~ #| msgid
            line, head, obsolete = line[3:].strip(), head[1:], 1  # "x"" is then refused)
        last = head[0]
        symbol, value = _symbol(line, head)
        if symbol is None:
            return None
        if symbol == "skip":
            continue
        if state not in _ALLOWED[symbol]:
            return None
        if symbol == "mc":
            parts.append(value)
            continue
        _finish(entry, state, parts)
        if state == "ms":
            po.append(entry)
            entry = polib.POEntry(linenum=number)
        if symbol == "tc" and state in ("st", "he"):
            po.header = f"{po.header}\n{line[2:]}" if po.header else line[2:]
            state = "he"
            continue
        if symbol in _STRINGS:
            if symbol == "mi":
                entry.obsolete = obsolete
            parts = [value]
        else:
            _comment(entry, symbol, line)
        state = symbol
    _finish(entry, state, parts)
    if last and not last.startswith("#"):
        po.append(entry)
    _metadata(po)
    return po


def _symbol(line: str, head: list[str]) -> tuple[str | None, str]:
    """What polib makes of a line (its symbol, and a string's quoted text); None for a
    line this reader leaves to polib, "skip" for one polib skips."""
    word = head[0]
    if word in _KEYWORDS and len(head) > 1:
        rest = line[len(word):].lstrip()
        return (_KEYWORDS[word], rest[1:-1]) if _plain(rest) else (None, "")
    if line[0] == '"':
        return ("mc", line[1:-1]) if _plain(line) else (None, "")
    if word in _COMMENTS:
        return (_COMMENTS[word], "") if len(head) > 1 else ("skip", "")
    if word == "#" or word.startswith("##"):
        return "tc", ""
    if word != "#|" or len(head) < 2:
        return None, ""
    rest = line[2:].lstrip()
    if not head[1].startswith('"'):  # "#| msgid ...": polib checks no quote here
        if len(head) < 3 or head[1] not in _PREVIOUS:
            return None, ""
        symbol, rest = _PREVIOUS[head[1]], rest[len(head[1]):].lstrip()
    else:
        symbol = "mc"
    quoted = len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"'
    return (symbol, rest[1:-1]) if quoted else (None, "")


def _plain(quoted: str) -> bool:
    """A quoted string with no unescaped quote inside it (polib raises on one)."""
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        return False
    inner = quoted[1:-1]
    return '"' not in inner or _UNESCAPED_QUOTE.search(inner) is None


def _finish(entry: polib.POEntry, state: str, parts: list[str]) -> None:
    """Set the string a keyword and its continuation lines spelt (once, when it ends)."""
    if state not in _STRINGS or not parts:
        return
    if len(parts) == 1:  # most strings: one line
        value = polib.unescape(parts[0]) if "\\" in parts[0] else parts[0]
    else:  # line by line, as polib: an escape is never read across two lines
        value = "".join(polib.unescape(p) if "\\" in p else p for p in parts)
    setattr(entry, _FIELDS[state], value)
    parts.clear()


_FIELDS = {"mi": "msgid", "ms": "msgstr", "ct": "msgctxt", "pm": "previous_msgid",
           "pc": "previous_msgctxt"}


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
