"""The inline-markup token grammar of msgids: ``<1>…</1>`` and ``<2/>``.

A base module like model and errors: the segmenter writes tokens, the
checks and the machine-translation step validate them, and the publisher
rebuilds markup from them. Keeping the grammar here lets all of them agree
without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_RE = re.compile(r"<(/?)(\d+)(/?)>")
XML_FORBIDDEN_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 does not allow: C0 controls but tab/LF/CR, NUL, lone surrogates,
U+FFFE and U+FFFF."""
LINE_SEPARATORS_RE = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Line breaks other than CR and LF (those ``str.splitlines`` knows): VT, FF, the
information separators, NEL, LINE and PARAGRAPH SEPARATOR."""


class TokenMismatch(ValueError):
    """A translation whose tokens do not match its msgid's (lost, duplicated, broken)."""


@dataclass(frozen=True)
class Node:
    """One token of a parsed translation and what it encloses."""

    number: int
    """The token's number: which source element it stands for."""
    children: tuple[str | Node, ...] = ()
    """Text and nested tokens, in order; empty for a void token."""
    void: bool = False
    """True for ``<n/>``."""


def signature(text: str) -> dict[int, bool]:
    """Map each token number in ``text`` to whether it is void; no validation."""
    return {int(m.group(2)): bool(m.group(3)) for m in TOKEN_RE.finditer(text)}


def parse(text: str, expected: dict[int, bool] | None = None) -> list[str | Node]:
    """Parse a msgid or msgstr into text and token nodes.

    With ``expected`` (a msgid's :func:`signature`), only those numbers are
    tokens; anything else that looks like one stays text. Raises
    TokenMismatch when a token is unclosed, closed twice, crossed, used twice,
    missing, or of the wrong kind.
    """
    stack: list[tuple[int, list[str | Node]]] = [(0, [])]
    seen: set[int] = set()
    pos = 0
    for m in TOKEN_RE.finditer(text):
        closing, number, void = bool(m.group(1)), int(m.group(2)), bool(m.group(3))
        if closing and void:
            continue  # "</3/>" is no token in our grammar: leave it as text
        if expected is not None and number not in expected:
            continue
        _append_text(stack[-1][1], text[pos : m.start()])
        pos = m.end()
        if closing:
            if stack[-1][0] != number:
                raise TokenMismatch(f"</{number}> closes a token that is not open")
            _, children = stack.pop()
            stack[-1][1].append(Node(number, tuple(children)))
            continue
        if number in seen:
            raise TokenMismatch(f"token {number} appears twice")
        seen.add(number)
        if expected is not None and expected[number] != void:
            kind = "<n/>" if expected[number] else "<n>…</n>"
            raise TokenMismatch(
                f"token {number} must be written as {kind.replace('n', str(number))}"
            )
        if void:
            stack[-1][1].append(Node(number, (), True))
        else:
            stack.append((number, []))
    _append_text(stack[-1][1], text[pos:])
    if len(stack) > 1:
        raise TokenMismatch(f"<{stack[-1][0]}> is never closed")
    if expected is not None and seen != set(expected):
        missing = ", ".join(str(n) for n in sorted(set(expected) - seen))
        raise TokenMismatch(f"token(s) {missing} missing")
    return stack[0][1]


def check(msgid: str, msgstr: str) -> str | None:
    """Say what is wrong with msgstr's tokens against msgid's, or None when they match."""
    try:
        parse(msgstr, signature(msgid))
    except TokenMismatch as exc:
        return str(exc)
    return None


def strip(text: str) -> str:
    """The text without its tokens (what a reader would read)."""
    return TOKEN_RE.sub("", text)


def pieces(text: str) -> list[str]:
    """Split at tokens, keeping them: ``"a <1>b</1>"`` -> ``["a ", "<1>", "b", "</1>"]``."""
    out, pos = [], 0
    for m in TOKEN_RE.finditer(text):
        out += [text[pos : m.start()], m.group(0)]
        pos = m.end()
    out.append(text[pos:])
    return [p for p in out if p]


def strip_xml_forbidden(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, which make a page or feed ill-formed.

    Sources drop them at pull time; the publisher calls this on translations.
    """
    return XML_FORBIDDEN_RE.sub("", text)


def as_published(text: str) -> str:
    """A translation as a page shows it: each line separator a space, as HTML shows a line
    break typed in the text, and nothing XML 1.0 forbids.

    A msgid never holds a line break (the segmenter collapses whitespace; a ``<br>``
    is a token), so a separator in a msgstr is a translator's or an editor's, not
    the layout's: NEL is a control character HTML does not allow, U+2028/U+2029 are
    drawn as breaks by some browsers and feed readers and as nothing by others, and
    VT, FF and U+001C-U+001E are forbidden in XML (dropped, they would join two words).
    The catalog keeps the translator's text as it is.
    """
    return strip_xml_forbidden(LINE_SEPARATORS_RE.sub(" ", text))


def _append_text(children: list[str | Node], text: str) -> None:
    if text:
        children.append(text)
