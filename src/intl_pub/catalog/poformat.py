"""Write PO/POT text exactly as GNU gettext 0.21 writes it (linting is :mod:`.polint`).

Why: a catalog that ``msgcat`` (and so ``msgmerge``, Weblate and Poedit's
gettext step) would rewrite causes churn on every round trip. This module
follows ``write-po.c``: each string is cut after every ``\\n``; a part that
does not fit in ``width`` columns is broken at the break opportunities of
Unicode line breaking (UAX #14) as GNU libunistring 1.0 computes them, with
GNU's column widths (CJK counts 2) — so GNU lines end with the space and a
long word without a break opportunity stays whole. The tables come from
libunistring itself (:mod:`.linebreak`). When the machine has
libunistring 1.0, its own ``u8_width_linebreaks`` does the breaking (18 times
faster than the port on a paragraph; tests hold the two equal); elsewhere the
port does.

Pure functions of plain records: no polib, no disk.

Normalizations GNU makes and we make too (so msgcat finds nothing to change):
obsolete entries after live ones, an obsolete entry with an empty msgstr
dropped, ``fuzzy`` dropped from an untranslated entry, ``wrap`` dropped,
``possible-X-format`` written ``X-format``, ``range:`` dropped from obsolete
entries, repeated references written once, ``./`` stripped from references.

Where we knowingly differ from msgcat:

* an entry flagged with a format (``c-format``, ``python-format``...): GNU
  never breaks inside a format directive such as ``% d``; we do not parse
  directives (intl-pub writes only ``no-c-format``, which GNU does not parse);
* a flag gettext does not know is kept (msgcat drops it);
* a catalog holding only its header: msgcat writes nothing, we write the header;
* a reference holding whitespace cannot be written (GNU splits it too);
  a comment that ends in a backslash or holds a newline, and U+0004 in a
  string, raise ValueError (GNU would read them back differently);
* two entries with the same context and msgid are written as given (msgcat
  would merge them with ``#-#-#-#-#`` markers): the caller must not pass any.

The line breaking is libunistring 1.0's (Unicode 14), as Debian 12's
gettext 0.21 uses. libunistring 1.1+ (gettext 0.22+) follows newer UAX #14
rules: regenerate the tables and re-check :func:`possible_linebreaks`
against that library with tests/test_poformat.py.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from intl_pub.catalog.linebreak import line_starts, possible_linebreaks
from intl_pub.catalog.polint import lint, strip_bom

__all__ = ["WIDTH", "PoEntry", "lint", "possible_linebreaks", "render", "render_entry",
           "strip_bom", "wrap_lines"]

WIDTH = 79
"""GNU's default page width (``msgcat`` without ``--width``)."""

# --- the records ---------------------------------------------------------------------


@dataclass(frozen=True)
class PoEntry:
    """One message as GNU gettext models it (plain data; the caller owns its meaning).

    ``flags`` are written in GNU's order (``fuzzy``, then format flags in
    gettext's language order, then ``range:``, then ``no-wrap``) and
    normalized as msgcat does (``wrap`` is not written, ``possible-c-format``
    becomes ``c-format``, an obsolete message loses its ``range:``, an
    untranslated one its ``fuzzy``). A flag gettext does not know is kept
    after those, although msgcat would drop it. ``references`` are
    ``file:line`` or ``file`` tokens; as in GNU a
    leading ``./`` is dropped, a line number is written in decimal, and a
    repeated reference is written once.
    """

    msgid: str
    """The source text (``msgid``)."""
    msgstr: str = ""
    """The translation of a message without plural forms."""
    msgctxt: str | None = None
    """The context, or None when there is none (an empty context is a context)."""
    msgid_plural: str | None = None
    """The plural source text; when set, ``msgstr_plural`` holds the forms."""
    msgstr_plural: tuple[str, ...] = ()
    """``msgstr[0]``, ``msgstr[1]``, ... of a plural message."""
    flags: tuple[str, ...] = ()
    """``#,`` flags such as ``fuzzy`` or ``python-format``."""
    translator_comments: tuple[str, ...] = ()
    """``#`` lines, each kept whole (GNU never wraps a comment)."""
    extracted_comments: tuple[str, ...] = ()
    """``#.`` lines, each kept whole."""
    references: tuple[str, ...] = ()
    """``#:`` tokens such as ``post.html:12``; wrapped at the page width as GNU does."""
    previous_msgctxt: str | None = None
    """``#| msgctxt``: the context the translator last saw."""
    previous_msgid: str | None = None
    """``#| msgid``: the source text the translation was made for."""
    previous_msgid_plural: str | None = None
    """``#| msgid_plural``."""
    obsolete: bool = False
    """Written with ``#~`` (and ``#~|``) after every live message, as GNU orders them."""

    @property
    def fuzzy(self) -> bool:
        """The translator (or a machine) has not confirmed the translation."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """GNU's test: the (first) translation is not empty."""
        if self.msgid_plural is None:
            return bool(self.msgstr)
        return bool(self.msgstr_plural and self.msgstr_plural[0])


# gettext-tools/src/message.c: format_language[], in GNU's order (0.21).
_FORMATS = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
_FORMAT_RANK = {name: i for i, name in enumerate(_FORMATS)}
_RANGE = re.compile(r"range: *\d+\.\.\d+")

# --- rendering -----------------------------------------------------------------------


def render(
    header_comments: Sequence[str],
    header: Sequence[tuple[str, str]] | str,
    entries: Sequence[PoEntry],
    width: int = WIDTH,
    header_flags: Sequence[str] = (),
) -> str:
    """The whole file as ``msgcat --width=WIDTH`` would write it.

    The header entry (``msgid ""``) comes first, with ``header_comments`` as
    its ``#`` lines, ``header_flags`` (``fuzzy`` in a template) and one
    ``Name: value`` line per field (or ``header`` as it is, when it is the
    header's msgstr as a string: a field written ``Name:`` with no space
    survives only that way); then the live entries in the given
    order; then the obsolete ones (GNU writes those last, and drops one
    that has no translation, so we do not write it either). An empty
    ``header`` and no header comments writes no header entry.
    """
    blocks: list[str] = []
    if header or header_comments or header_flags:
        msgstr = header if isinstance(header, str) else "".join(f"{k}: {v}\n" for k, v in header)
        blocks.append(
            render_entry(
                PoEntry(
                    msgid="",
                    msgstr=msgstr,
                    flags=tuple(header_flags),
                    translator_comments=tuple(header_comments),
                ),
                width,
            )
        )
    blocks += [render_entry(e, width) for e in entries if not e.obsolete]
    blocks += [render_entry(e, width) for e in entries if e.obsolete and _kept_obsolete(e)]
    return "\n".join(blocks)


def _kept_obsolete(entry: PoEntry) -> bool:
    """GNU reads an obsolete entry with an empty (first) msgstr as nothing; so we write nothing."""
    return entry.translated


def render_entry(entry: PoEntry, width: int = WIDTH) -> str:
    """One entry's lines, each ending in ``\\n`` (no blank line around it)."""
    out: list[str] = []
    out += [_comment("#", c) for c in entry.translator_comments]
    out += [_comment("#.", c) for c in entry.extracted_comments]
    out += _references(entry.references, width)
    flags = _flags(entry)
    if flags:
        out.append("#, " + ", ".join(flags) + "\n")
    wrap = "no-wrap" not in entry.flags
    prev = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        out += _wrap(prev, "msgctxt", entry.previous_msgctxt, width, wrap)
    if entry.previous_msgid is not None:
        out += _wrap(prev, "msgid", entry.previous_msgid, width, wrap)
    if entry.previous_msgid_plural is not None:
        out += _wrap(prev, "msgid_plural", entry.previous_msgid_plural, width, wrap)
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        out += _wrap(prefix, "msgctxt", entry.msgctxt, width, wrap)
    out += _wrap(prefix, "msgid", entry.msgid, width, wrap)
    if entry.msgid_plural is not None:
        out += _wrap(prefix, "msgid_plural", entry.msgid_plural, width, wrap)
        for n, form in enumerate(entry.msgstr_plural or ("",)):
            out += _wrap(prefix, f"msgstr[{n}]", form, width, wrap)
    else:
        out += _wrap(prefix, "msgstr", entry.msgstr, width, wrap)
    return "".join(out)


def _comment(mark: str, text: str) -> str:
    if "\n" in text or text.endswith("\\"):
        # GNU reads backslash-newline as a line continuation, even in a comment.
        raise ValueError(f"a {mark} comment line cannot hold a newline or end in a backslash")
    return f"{mark} {text}\n" if text else f"{mark}\n"


def _flags(entry: PoEntry) -> list[str]:
    """GNU's order: fuzzy, format flags by language, range, wrap; unknown flags last."""
    fuzzy = entry.fuzzy and (entry.translated or entry.msgid == "")
    formats: dict[int, str] = {}
    ranges, wraps, unknown = [], [], []
    for flag in dict.fromkeys(entry.flags):
        language = _format_language(flag)
        if flag in ("fuzzy", "wrap"):
            continue  # "wrap" is GNU's default: msgcat never writes it
        if language is not None:
            # GNU writes "possible-c-format" as "c-format"; the last flag for a language wins.
            formats[_FORMAT_RANK[language]] = flag.removeprefix("possible-")
        elif _RANGE.fullmatch(flag):
            # GNU keeps a range on a live message only.
            ranges = [] if entry.obsolete else [flag.replace(" ", "").replace(":", ": ")]
        elif flag == "no-wrap":
            wraps = [flag]
        else:
            unknown.append(flag)
    return ["fuzzy"] * fuzzy + [formats[k] for k in sorted(formats)] + ranges + wraps + unknown


def _format_language(flag: str) -> str | None:
    for prefix in ("no-", "possible-", ""):
        if flag.startswith(prefix) and flag.endswith("-format"):
            language = flag[len(prefix) : -len("-format")]
            if language in _FORMAT_RANK:
                return language
    return None


def _references(references: Iterable[str], width: int) -> list[str]:
    """``#:`` lines: as many references as fit in ``width`` columns, GNU's way."""
    tokens: list[str] = []
    for ref in references:
        name, line = _split_reference(ref)
        while name.startswith("./"):
            name = name[2:]
        token = name if line is None else f"{name}:{line}"
        if token not in tokens:
            tokens.append(token)
    if not tokens:
        return []
    lines, column, current = [], 2, "#:"
    for token in tokens:
        length = len(token.encode("utf-8")) + 1
        if column > 2 and column + length > width:
            lines.append(current + "\n")
            current, column = "#:", 2
        current += " " + token
        column += length
    lines.append(current + "\n")
    return lines


def _split_reference(ref: str) -> tuple[str, int | None]:
    name, colon, line = ref.rpartition(":")
    if colon and line.isdigit() and line.isascii() and name:
        return name, int(line)
    return ref, None


# --- string wrapping (write-po.c: wrap) -------------------------------------------------

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"'}  # fmt: skip
_ESCAPED = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_PORTION = re.compile(r"[^\n]*\n|[^\n]+$")


def _wrap(prefix: str, name: str, value: str, width: int, wrap: bool) -> list[str]:
    """The lines of ``name "value"`` with ``prefix`` on each, as GNU wraps them."""
    if "\x04" not in value and not _ESCAPED.search(value):
        # Nothing to escape, and it fits even counting the widest columns its characters
        # can take (1 for ASCII, 2 otherwise): one line, as GNU breaks only what does not.
        widest = len(value) if value.isascii() else 2 * len(value)
        if not wrap or widest <= width - len(prefix) - len(name) - 3:
            return [f'{prefix}{name} "{value}"\n']
    return list(_wrap_cached(prefix, name, value, width, wrap))


@functools.lru_cache(maxsize=1 << 16)
def _wrap_cached(prefix: str, name: str, value: str, width: int, wrap: bool) -> tuple[str, ...]:
    """:func:`_wrap`, remembered: a run writes the same msgid in every locale's catalog and
    compares each catalog with its re-rendered old text, so most strings come back.

    Bounded by what a translate chunk writes (2,000 posts, ~32,000 long strings): at
    2**18 entries, each holding its text and lines, a first run of 30,000 posts grew each
    language's worker past 900 MB."""
    return tuple(wrap_lines(prefix, name, value, width, wrap))


def wrap_lines(
    prefix: str, name: str, value: str, width: int, wrap: bool, native: bool = True
) -> list[str]:
    """A string's lines as GNU writes them (``native``: through libunistring when it can)."""
    if "\x04" in value:
        raise ValueError(f"{name} holds U+0004, which GNU gettext reads as a context separator")
    portions = _PORTION.findall(value) or [""]
    text_width = (width if wrap else 1 << 30) - 1 - (len(prefix) + 1)
    lines: list[str] = []
    first = True
    for number, portion in enumerate(portions):
        escaped = _ESCAPED.sub(lambda m: _ESCAPES[m.group()], portion)
        if first:
            start = len(prefix) + len(name) + 2 - (len(prefix) + 1)
            more = number < len(portions) - 1
            if escaped and (more or line_starts(escaped, portion, text_width, start, native)):
                lines.append(f'{prefix}{name} ""\n')
            else:
                lines.append(f'{prefix}{name} "{escaped}"\n')
                first = False
                continue
            first = False
        cuts = [0, *line_starts(escaped, portion, text_width, 0, native), len(escaped)]
        lines += [f'{prefix}"{escaped[a:b]}"\n' for a, b in itertools.pairwise(cuts)]
    return lines
