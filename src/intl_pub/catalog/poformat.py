"""Write PO/POT text exactly as GNU gettext 0.21 writes it, and lint PO text as GNU reads it.

Why: a catalog that ``msgcat`` (and so ``msgmerge``, Weblate and Poedit's
gettext step) would rewrite causes churn on every round trip. This module
follows ``write-po.c``: each string is cut after every ``\\n``; a part that
does not fit in ``width`` columns is broken at the break opportunities of
Unicode line breaking (UAX #14) as GNU libunistring 1.0 computes them, with
GNU's column widths (CJK counts 2) — so GNU lines end with the space and a
long word without a break opportunity stays whole. The tables come from
libunistring itself (:mod:`intl_pub.unilbrk_data`). When the machine has
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

import ctypes
import ctypes.util
import functools
import itertools
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from intl_pub.catalog import unilbrk_data as _data

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


@functools.lru_cache(maxsize=1 << 18)
def _wrap_cached(prefix: str, name: str, value: str, width: int, wrap: bool) -> tuple[str, ...]:
    """:func:`_wrap`, remembered: a run writes the same msgid in every locale's catalog and
    compares each catalog with its re-rendered old text, so most strings come back."""
    return tuple(_wrap_lines(prefix, name, value, width, wrap))


def _wrap_lines(prefix: str, name: str, value: str, width: int, wrap: bool) -> list[str]:
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
            if escaped and (more or _line_starts(escaped, portion, text_width, start)):
                lines.append(f'{prefix}{name} ""\n')
            else:
                lines.append(f'{prefix}{name} "{escaped}"\n')
                first = False
                continue
            first = False
        cuts = [0, *_line_starts(escaped, portion, text_width, 0), len(escaped)]
        lines += [f'{prefix}"{escaped[a:b]}"\n' for a, b in itertools.pairwise(cuts)]
    return lines


def _line_starts(escaped: str, portion: str, width: int, start: int) -> list[int]:
    """Where GNU starts a new line in an escaped portion (indices into ``escaped``).

    libunistring's own ``u8_width_linebreaks`` when the machine has the version this
    module reproduces (what msgcat calls, and C speed: a blog's paragraphs are long);
    else the port below, which tests hold equal to it.
    """
    if start + len(escaped) <= width and escaped.isascii() and escaped.isprintable():
        return []  # plain ASCII that fits: nothing to do
    if _LIB is None:
        breaks = _width_linebreaks(list(escaped), _glued(portion), width, start)
        return [i for i, mark in enumerate(breaks) if mark == _POSSIBLE]
    raw = escaped.encode("utf-8")
    override = bytearray(len(raw))
    for escape in re.finditer(rb"\\.", raw, re.DOTALL):
        override[escape.start() + 1] = _PROHIBITED  # no break inside an escape sequence
    if portion.endswith("\n"):
        override[-2] = _PROHIBITED  # nor before the \n that ends the portion
    marks = ctypes.create_string_buffer(len(raw))
    _LIB.u8_width_linebreaks(raw, len(raw), width, start, 0, bytes(override), b"UTF-8", marks)
    at = [m.start() for m in re.finditer(b"\x02", marks.raw)]
    if not at or escaped.isascii():
        return at
    return [len(raw[:i].decode("utf-8")) for i in at]


def _libunistring() -> ctypes.CDLL | None:
    """The system's libunistring 1.0 (the version GNU gettext 0.21 is built with), or None."""
    name = ctypes.util.find_library("unistring")
    if name is None or os.environ.get("INTL_PUB_PURE_WRAP"):
        return None
    try:
        lib = ctypes.CDLL(name)
        if ctypes.c_int.in_dll(lib, "_libunistring_version").value != 0x010000:
            return None
        lib.u8_width_linebreaks.restype = ctypes.c_int
        lib.u8_width_linebreaks.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
            ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
        ]  # fmt: skip
    except (OSError, ValueError, AttributeError):
        return None
    return lib


_LIB = _libunistring()


def _glued(portion: str) -> list[bool]:
    """For each character of the escaped portion: GNU forbids a break before it.

    That is inside an escape sequence, and before the ``\\n`` that ends a portion.
    """
    glued: list[bool] = []
    for ch in portion:
        if ch in _ESCAPES:
            glued += [False, True]
        else:
            glued.append(False)
    if portion.endswith("\n"):
        glued[-2] = True
    return glued


# --- libunistring 1.0: u8_possible_linebreaks and u8_width_linebreaks -------------------

_PROHIBITED, _POSSIBLE, _MANDATORY = 1, 2, 3
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = range(33, 43)
_AL, _ID, _RI, _ZWJ, _HL, _BA, _HY = 20, 23, 29, 30, 28, 3, 5
_DIRECT, _INDIRECT = 1, 2
_RESOLVE = {_AI: _AL, _CB: _ID, _SA: _AL, _XX: _AL}
_TABLE = _data.PAIR_TABLE


def _lbp_of(code: int) -> int:
    return _data.LBP_VALUES[bisect_right(_data.LBP_STARTS, code) - 1]


_ASCII_LBP = [_lbp_of(code) for code in range(128)]


def _lbp(ch: str) -> int:
    code = ord(ch)
    return _ASCII_LBP[code] if code < 128 else _lbp_of(code)


def _width(ch: str) -> int:
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return 1
    return _data.WIDTH_VALUES[bisect_right(_data.WIDTH_STARTS, code) - 1]


def possible_linebreaks(chars: Sequence[str]) -> list[int]:
    """Break opportunities before each character, as libunistring 1.0 finds them.

    1 = no break, 2 = break possible, 3 = mandatory (after U+2028 and the
    like). Verified against libunistring itself in tests/test_poformat.py.
    """
    out = [_PROHIBITED] * len(chars)
    last = _BK  # class of the last character that is not a space (CM/ZWJ folded in)
    seen_space = False
    prev = _BK  # class of the previous character
    hebrew_hyphen = False  # previous two characters were HL then BA or HY (LB21a)
    regional = 0
    for i, ch in enumerate(chars):
        prop = _lbp(ch)
        if prop in (_BK, _LF, _CR):
            out[i] = _MANDATORY
            last, seen_space = _BK, False
        else:
            prop = _RESOLVE.get(prop, prop)
            if prop == _SP:
                seen_space = True
            elif prop == _ZW:
                last, seen_space = _ZW, False
            elif prop in (_CM, _ZWJ):
                if last == _BK:
                    last, seen_space = _AL, False
                elif last == _ZW or seen_space:
                    out[i] = _POSSIBLE
                    last, seen_space = _AL, False
            else:
                if last == _BK:
                    pass
                elif last == _ZW:
                    out[i] = _POSSIBLE
                elif prev == _ZWJ or hebrew_hyphen:
                    pass
                elif last == _RI and prop == _RI:
                    if seen_space or regional % 2 == 0:
                        out[i] = _POSSIBLE
                else:
                    rule = _TABLE[last * 33 + prop]
                    if rule == _DIRECT or (rule == _INDIRECT and seen_space):
                        out[i] = _POSSIBLE
                last, seen_space = prop, False
        hebrew_hyphen = prev == _HL and prop in (_BA, _HY)
        regional = regional + 1 if prop == _RI else 0
        prev = prop
    return out


def _width_linebreaks(
    chars: Sequence[str], glued: Sequence[bool], width: int, start: int
) -> list[int]:
    """Where GNU breaks a line: greedy, at the last opportunity that still fits."""
    marks = possible_linebreaks(chars)
    last_index: int | None = None
    last_column, piece = start, 0
    for i, ch in enumerate(chars):
        if glued[i]:
            marks[i] = _PROHIBITED
        mark = marks[i]
        if mark in (_POSSIBLE, _MANDATORY) and last_index is not None:
            if last_column + piece > width:
                marks[last_index] = _POSSIBLE
                last_column = 0
        if mark == _MANDATORY:
            last_index, last_column, piece = None, 0, 0
            continue
        if mark == _POSSIBLE:
            last_index, last_column, piece = i, last_column + piece, 0
        marks[i] = _PROHIBITED
        w = _width(ch)
        if w >= 0:
            piece += w
    if last_index is not None and last_column + piece > width:
        marks[last_index] = _POSSIBLE
    return marks


# --- lint: read PO text as GNU's po-lex.c and po-gram.y do ------------------------------

BOM = "\ufeff"


def strip_bom(text: str) -> tuple[str, bool]:
    """``text`` without a leading UTF-8 byte order mark, and whether it had one.

    Poedit and Notepad may save one. GNU gettext 0.21 rejects it
    (``1:2: syntax error``) and polib misreads the first line, but it holds
    nothing: read the catalog without it and write it back without it.
    """
    return (text[1:], True) if text.startswith(BOM) else (text, False)


_KEYWORDS = frozenset({"domain", "msgctxt", "msgid", "msgid_plural", "msgstr"})
_PREVIOUS_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural"})
_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a",
    "\\": "\\", '"': '"',
}  # fmt: skip
_STRING_RUN = re.compile(r'[^"\\\n]+')
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_DIGITS = re.compile(r"[0-9]+")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class _Token(NamedTuple):
    kind: str  # keyword name, "string", "[", "]", "number", "comment"
    line: int
    obsolete: bool
    previous: bool
    value: str = ""


class _LintError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def lint(text: str) -> tuple[int, str] | None:
    """The first ``(line, problem)`` GNU gettext would reject, or None.

    polib quietly reads some broken files (``msgstr "abc`` without its
    closing quote becomes an empty translation, and a merge then writes
    the translator's text away). This reads the text as GNU's lexer and
    grammar do: lines end at ``\\n`` only (U+2028 or U+0085 inside a string
    is text), backslash-newline joins lines, ``#~``/``#|`` lines are parsed,
    and the errors are GNU's: unterminated or stray strings, unknown
    keywords, invalid escapes, a message without msgstr, plural forms out of
    order, mixed ``#~`` use, duplicate messages. Not covered: encodings
    (the caller decodes), header and format-string checks of ``msgfmt -c``.
    A leading byte order mark is skipped (see :func:`strip_bom`).
    """
    try:
        _parse(_tokens(strip_bom(text)[0]))
    except _LintError as err:
        return err.line, err.message
    return None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    # GNU drops every backslash-newline before it reads anything, even inside a
    # keyword or a comment; ``joins`` remembers where, to count lines as GNU does.
    pieces = text.split("\\\n")
    joins, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece)
        joins.append(at)
    text = "".join(pieces)
    real, i, n = 1, 0, len(text)
    obsolete = previous = False
    while i < n:
        ch = text[i]
        if ch == "\n":
            real, i, obsolete, previous = real + 1, i + 1, False, False
            continue
        if ch in " \t\r\f\v":
            i = _BLANKS.match(text, i).end()  # type: ignore[union-attr]
            continue
        line = real + bisect_right(joins, i) if joins else real
        if ch == "#":
            nxt = text[i + 1 : i + 2]
            if nxt == "~":
                obsolete, i = True, i + 2
                if text[i : i + 1] == "|":
                    previous, i = True, i + 1
                continue
            if nxt == "|":
                previous, i = True, i + 2
                continue
            end = text.find("\n", i)
            end = n if end < 0 else end
            # GNU has read the newline when it meets the next token: one line on. It
            # swallows that newline and ends "#~" but not "#|": after "#| # ..." the
            # next line is read as a previous field.
            tokens.append(_Token("comment", line + 1, obsolete, previous))
            i, real, obsolete = end + 1, real + 1, False
            continue
        if ch == '"':
            value, i = _string(text, i + 1, line)
            tokens.append(_Token("string", line, obsolete, previous, value))
            continue
        if ch.isdigit() and ch.isascii():
            j = _DIGITS.match(text, i).end()  # type: ignore[union-attr]
            tokens.append(_Token("number", line, obsolete, previous, text[i:j]))
            i = j
            continue
        if ch in "[]":
            tokens.append(_Token(ch, line, obsolete, previous))
            i += 1
            continue
        if ch.isascii() and (ch.isalpha() or ch in "_$"):
            j = _WORD.match(text, i).end()  # type: ignore[union-attr]
            word = text[i:j]
            if word not in _KEYWORDS or (previous and word not in _PREVIOUS_KEYWORDS):
                raise _LintError(line, f'keyword "{word}" unknown')
            tokens.append(_Token(word, line, obsolete, previous))
            i = j
            continue
        raise _LintError(line, f"syntax error: unexpected {ch!r}")
    return tokens


def _string(text: str, i: int, line: int) -> tuple[str, int]:
    """Read a string body from ``i`` (after the quote): its value and where it ends."""
    out: list[str] = []
    n = len(text)
    while True:
        run = _STRING_RUN.match(text, i)
        if run is not None and run.end() > i:  # plain characters, read at C speed
            out.append(run.group())
            i = run.end()
        if i >= n:
            raise _LintError(line, "end-of-file within string")
        ch = text[i]
        if ch == "\n":
            raise _LintError(line, "end-of-line within string (a closing quote is missing)")
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\":
            esc = text[i + 1 : i + 2]
            if esc in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[esc])
                i += 2
                continue
            if esc and esc in "01234567":
                j = i + 1
                while j < min(i + 4, n) and text[j] in "01234567":
                    j += 1
                out.append(chr(int(text[i + 1 : j], 8)))
                i = j
                continue
            if esc == "x" and text[i + 2 : i + 3] and text[i + 2] in "0123456789abcdefABCDEF":
                j = i + 2
                while j < n and text[j] in "0123456789abcdefABCDEF":
                    j += 1
                out.append(chr(int(text[i + 2 : j], 16) & 0xFF))
                i = j
                continue
            raise _LintError(line, "invalid control sequence")
        out.append(ch)
        i += 1


def _parse(tokens: list[_Token]) -> None:
    """po-gram.y, reduced to what makes a file valid or not."""
    seen: dict[tuple[str | None, str], int] = {}
    i, n = 0, len(tokens)
    counter = 0  # po-gram.y's plural_counter

    def strings(start: int, what: str) -> tuple[str, int]:
        previous = tokens[start - 1].previous
        j = start
        while j < n and tokens[j].kind == "string" and tokens[j].previous == previous:
            j += 1
        if j == start:
            # GNU reports the token it did not expect (or the end of the file).
            line = tokens[start].line if start < n else tokens[-1].line
            where = tokens[start - 1].line
            raise _LintError(line, f"syntax error: {what} (line {where}) needs a quoted string")
        return "".join(t.value for t in tokens[start:j]), j

    while i < n:
        tok = tokens[i]
        if tok.kind == "comment":
            i += 1
            continue
        if tok.kind == "domain":
            _, i = strings(i + 1, "domain")
            continue
        start, first = tok, i
        # #| previous fields
        for keyword in ("msgctxt", "msgid", "msgid_plural"):
            if i < n and tokens[i].kind == keyword and tokens[i].previous:
                _, i = strings(i + 1, keyword)
        context: str | None = None
        if i < n and tokens[i].kind == "msgctxt" and not tokens[i].previous:
            context, i = strings(i + 1, "msgctxt")
        if i >= n or tokens[i].kind != "msgid" or tokens[i].previous:
            where = tokens[i] if i < n else tokens[-1]
            raise _LintError(where.line, f"syntax error: unexpected {_describe(where, i < n)}")
        msgid_tok = tokens[i]
        msgid, i = strings(i + 1, "msgid")
        if i < n and tokens[i].kind == "msgid_plural" and not tokens[i].previous:
            _, i = strings(i + 1, "msgid_plural")
            counter = 0
            i, counter, forms = _plural_forms(tokens, i, counter, strings)
            if forms == 0:
                raise _LintError(msgid_tok.line, "missing 'msgstr[]' section")
            if i < n and tokens[i].kind == "msgstr":  # GNU wanted "[" after it
                after = tokens[i + 1] if i + 1 < n else tokens[i]
                raise _LintError(after.line, "syntax error: msgstr after msgstr[N]")
        elif i + 1 < n and tokens[i].kind == "msgstr" and tokens[i + 1].kind == "[":
            # GNU checks the indexes against a counter that only msgid_plural resets.
            i, counter, _ = _plural_forms(tokens, i, counter, strings)
            if i < n and tokens[i].kind == "msgstr":
                after = tokens[i + 1] if i + 1 < n else tokens[i]
                raise _LintError(after.line, "syntax error: msgstr after msgstr[N]")
            raise _LintError(msgid_tok.line, "missing 'msgid_plural' section")
        elif i < n and tokens[i].kind == "msgstr":
            _, i = strings(i + 1, "msgstr")
        else:
            raise _LintError(msgid_tok.line, "missing 'msgstr' section")
        mixed = [t for t in tokens[first:i] if t.obsolete != start.obsolete]
        if mixed:
            raise _LintError(mixed[0].line, "inconsistent use of #~")
        key = (context, msgid)
        if key in seen:
            raise _LintError(msgid_tok.line, "duplicate message definition")
        seen[key] = msgid_tok.line


def _plural_forms(
    tokens: list[_Token], i: int, counter: int, strings: Callable[[int, str], tuple[str, int]]
) -> tuple[int, int, int]:
    """Read ``msgstr[N] "..."`` forms from ``i``: where they end, the counter, how many."""
    n, forms = len(tokens), 0
    while i + 1 < n and tokens[i].kind == "msgstr" and tokens[i + 1].kind == "[":
        if i + 3 >= n or tokens[i + 2].kind != "number" or tokens[i + 3].kind != "]":
            raise _LintError(tokens[min(i + 2, n - 1)].line, "syntax error in msgstr[N]")
        if int(tokens[i + 2].value) != counter:
            wrong = "plural form has wrong index" if counter else "first plural form"
            raise _LintError(tokens[i].line, wrong + " has nonzero index" * (not counter))
        _, i = strings(i + 4, "msgstr[N]")
        counter, forms = counter + 1, forms + 1
    return i, counter, forms


def _describe(token: _Token, present: bool) -> str:
    if not present:
        return "end of file"
    return "string" if token.kind == "string" else repr(token.kind)
