"""Unicode line breaking as GNU libunistring 1.0 does it, for catalogs wrapped as GNU wraps them.

UAX #14 break opportunities with GNU's column widths (CJK counts 2), from the
tables of libunistring itself (:mod:`intl_pub.catalog.unilbrk_data`). When the
machine has libunistring 1.0, its own ``u8_width_linebreaks`` does the work
(18 times faster than the port on a paragraph; tests hold the two equal).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from bisect import bisect_right
from collections.abc import Sequence

from intl_pub.catalog import unilbrk_data as _data

_ESCAPED_CHARS = frozenset('\a\b\f\n\r\t\v"\\')
"""What GNU writes as a two-character escape (``\\n``, ``\\"``...): no break inside."""


def line_starts(
    escaped: str, portion: str, width: int, start: int, native: bool = True
) -> list[int]:
    """Where GNU starts a new line in an escaped portion (indices into ``escaped``).

    libunistring's own ``u8_width_linebreaks`` when the machine has the version this
    module reproduces (what msgcat calls, and C speed: a blog's paragraphs are long);
    else (or with ``native`` False) the port below, which tests hold equal to it.
    """
    if start + len(escaped) <= width and escaped.isascii() and escaped.isprintable():
        return []  # plain ASCII that fits: nothing to do
    if _LIB is None or not native:
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
    if name is None:
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


def native() -> ctypes.CDLL | None:
    """The libunistring 1.0 this process wraps with, or None (the port is used)."""
    return _LIB


def _glued(portion: str) -> list[bool]:
    """For each character of the escaped portion: GNU forbids a break before it.

    That is inside an escape sequence, and before the ``\\n`` that ends a portion.
    """
    glued: list[bool] = []
    for ch in portion:
        if ch in _ESCAPED_CHARS:
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
