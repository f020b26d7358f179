"""Lint PO text as GNU gettext reads it (po-lex.c, po-gram.y): a translator's save checked.

polib accepts text GNU rejects (an unclosed string reads as an empty
translation): :func:`lint` finds the first thing ``msgfmt`` would refuse and
says where, so a broken catalog is reported and never overwritten.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

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
