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

from intl_pub.segment.tokens import strip_xml_forbidden

log = logging.getLogger(__name__)

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
_HTTP_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_DOC_CHARSET = re.compile(
    rb"""<\?xml[^>]*encoding=["']([\w.:-]+)|<meta[^>]+charset=["']?([\w.:-]+)""", re.I
)


def decode(data: bytes, content_type: str = "", where: str = "") -> str:
    """The text of ``data``: BOM, then the HTTP charset, then the document's own
    declaration, then UTF-8, then charset-normalizer's best guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _clean(data[len(bom) :].decode(name, errors="replace"))
    for head, name in _NO_BOM:
        if data.startswith(head):
            return _clean(data.decode(name, errors="replace"))
    for name in _declared(data, content_type):
        try:
            return _clean(data.decode(name))
        except (LookupError, UnicodeDecodeError):
            log.warning("%s: not valid %s as declared; trying others", where or "source", name)
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        log.info("%s: no usable charset declared; decoded as %s", where or "source", best.encoding)
        return _clean(data.decode(best.encoding, errors="replace"))
    log.warning("%s: undecodable bytes replaced", where or "source")
    return _clean(data.decode("utf-8", errors="replace"))


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
