"""Bytes from a source -> text: BOMs, declared charsets, then a guess (charset-normalizer).

UTF-16 and UTF-32 are recognised by their BOM, or without one by the way
``<`` is spelled in the first bytes (XML 1.0, appendix F). The text that comes
out holds no character XML 1.0 forbids (NUL, C0 controls, U+FFFE/U+FFFF, lone
surrogates): one such character would make a published feed ill-formed.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable

from intl_pub.segment.tokens import strip_xml_forbidden

log = logging.getLogger(__name__)
Say = Callable[..., None]
"""Where a decode reports: ``log.log`` (level, message, args), or nowhere for a peek."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NO_BOM = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00!\x00", "utf-16-le"),
    (b"\x00<\x00!", "utf-16-be"),
    (b"<\x00h\x00", "utf-16-le"),
    (b"\x00<\x00h", "utf-16-be"),
)
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_HTTP_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_DOC_CHARSET = re.compile(
    rb"""<\?xml[^>]*encoding=["']([\w.:-]+)|<meta[^>]+charset=["']?([\w.:-]+)""", re.I
)


def decode(data: bytes, content_type: str = "", where: str = "") -> str:
    """The text of ``data``: BOM, then the HTTP charset, then the document's own
    declaration, then UTF-8 (with its few bad bytes replaced), then charset-normalizer's
    best guess."""
    return _decode(data, content_type, where or "source", log.log)


def peek(data: bytes, size: int = 4096) -> str:
    """The text of the first bytes, to recognise the markup (what kind of document it is):
    decoded as :func:`decode` does, with nothing logged."""
    return _decode(head(data, size), "", "", _nothing)


def _nothing(*_args: object) -> None:
    pass


def _decode(data: bytes, content_type: str, where: str, say: Say) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _clean(data[len(bom) :].decode(name, errors="replace"))
    for head_bytes, name in _NO_BOM:
        if data.startswith(head_bytes):
            return _clean(data.decode(name, errors="replace"))
    for name in _declared(data, content_type):
        if _is_utf8(name) and (text := _as_utf8(data, where, say)) is not None:
            return text
        try:
            return _clean(data.decode(name))
        except (LookupError, UnicodeDecodeError):
            say(logging.WARNING, "%s: not valid %s as declared; trying others", where, name)
    text = _as_utf8(data, where, say)
    if text is not None:
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        say(logging.INFO, "%s: no usable charset declared; decoded as %s", where, best.encoding)
        return _clean(data.decode(best.encoding, errors="replace"))
    say(logging.WARNING, "%s: undecodable bytes replaced", where)
    return _clean(data.decode("utf-8", errors="replace"))


def head(data: bytes, size: int = 4096) -> bytes:
    """The first ``size`` bytes, less a UTF-8 character the cut would split (a peek at the
    markup must not look like a damaged page)."""
    if len(data) <= size:
        return data
    cut = data[:size]
    for back in range(1, 4):  # a lead byte and the continuation bytes after it, if incomplete
        byte = cut[-back]
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return cut[:-back] if needed > back else cut
        if byte < 0x80:
            return cut
    return cut


def _as_utf8(data: bytes, where: str, say: Say) -> str | None:
    """The text when ``data`` is UTF-8, perhaps with a few bad bytes (replaced, and said)."""
    damaged = _damaged_utf8(data)
    if damaged is None:
        return None
    text, bad = damaged
    if bad:
        say(
            logging.WARNING,
            "%s: UTF-8 with %d invalid byte sequence(s), each replaced by U+FFFD", where, bad
        )
    return _clean(text)


def _damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """``data`` as UTF-8 and how many invalid sequences were replaced, when it is UTF-8.

    A page is taken as UTF-8 when it has valid multi-byte sequences and no fewer
    of them than invalid ones: text in a single-byte code page (Latin-1,
    cp1251...) almost never forms valid UTF-8 sequences, while a UTF-8 page
    with one stray byte has many. Guessing a code page for such a page would
    garble every other non-ASCII character ("38 °C" -> "38 ¬įC"); replacing
    the bad bytes loses only them. A page with no valid sequence at all is left
    to charset-normalizer: a guess there changes only the bytes that are bad.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad == 0:
        return text, 0
    multibyte = len(_ASCII_RUNS.sub("", text)) - bad
    return (text, bad) if multibyte >= bad and multibyte else None


def _is_utf8(name: str) -> bool:
    try:
        return codecs.lookup(name).name == "utf-8"
    except LookupError:
        return False


def _declared(data: bytes, content_type: str) -> list[str]:
    names = []
    if match := _HTTP_CHARSET.search(content_type or ""):
        names.append(match.group(1))
    if match := _DOC_CHARSET.search(data[:4096]):
        names.append((match.group(1) or match.group(2)).decode("ascii"))
    # A page that says UTF-16 but has no BOM and starts in ASCII is lying: skip it.
    return [n for n in names if not n.lower().replace("_", "-").startswith(("utf-16", "utf-32"))]


def _clean(text: str) -> str:
    return strip_xml_forbidden(text.removeprefix("\ufeff"))
