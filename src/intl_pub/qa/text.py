"""Text as the verifier reads it: tokens blanked, digits made ASCII, offsets kept.

Every rule of :mod:`intl_pub.qa.verify` works on the *prepared* text, which has
the same length as the original: a span found in it is a span of the msgid or
msgstr, so a failure can quote exactly what the translator wrote.
"""

from __future__ import annotations

import functools
import unicodedata

import regex

from intl_pub.core import derived
from intl_pub.segment import tokens

_COMPILED = derived.Growing("patterns", "regex")

UNSPACED = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]"
"""A character of a script written without spaces between words."""
WORD_LETTER = rf"(?:(?!{UNSPACED})[\p{{L}}\p{{M}}])"
"""A letter that goes on a word (a letter of a script written with spaces, or a mark): the
boundary tests of numbers, units and phone numbers. A Chinese character is no such letter:
"30°C以下", "42%的", "热线1-800-222-1222" hold a unit, a percent and a phone number."""


@functools.lru_cache(maxsize=4096)
def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags)``, remembered here and between processes.

    Why: the verifier runs a few dozen patterns per unit, and ``regex``'s own cache
    look-up (``regex.search(pattern, ...)``) costs ~8 µs a call in flag arithmetic:
    1.6 million calls, a fifth of publishing a 20,000-paragraph post in three
    languages. The rules call ``compiled(pattern).search(text)`` instead. And
    ``regex`` parses a pattern in Python: the verifier's ~180 took ~0.2 s of every
    process that verifies, where unpickling them (``regex`` pickles the compiled
    code) takes ~3 ms (:class:`intl_pub.core.derived.Growing`).
    """
    found = _COMPILED.get((pattern, flags))
    if isinstance(found, regex.Pattern):
        return found
    made = regex.compile(pattern, flags)
    _COMPILED.add((pattern, flags), made)
    return made


def unspaced(text: str) -> bool:
    """Whether ``text`` starts with a character of a script written without spaces (Han, kana,
    Thai): such a form needs no word boundary after it."""
    return bool(compiled(UNSPACED).match(text))


def prepare(text: str) -> str:
    """``text`` with inline tokens blanked and every decimal digit (Arabic-Indic, full-width,
    Devanagari...) written as an ASCII digit; full-width ASCII folded; same length."""
    blanked = tokens.TOKEN_RE.sub(lambda m: " " * len(m.group(0)), text)
    return blanked if blanked.isascii() else blanked.translate(_FOLDED)


_FULL_WIDTH = frozenset(
    chr(c) for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0).isalnum() or chr(c - 0xFEE0) in "%+"
)


def _fold(char: str) -> str:
    if char.isascii():
        return char
    if char in "ёЁ":  # Russian writes е for ё more often than not
        return "е" if char == "ё" else "Е"
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if char in _FULL_WIDTH:  # ％ Ａ ｍｇ (not the full-width comma or stop: punctuation)
        return chr(ord(char) - 0xFEE0)
    if char in "\u00a0\u202f\u2009\u2007\u3000":
        return " " if char == "\u3000" else char
    return char


class _Folds(dict[int, str]):
    """``str.translate``'s table for :func:`_fold`, filled as characters are met: the
    translation runs in C, and each character's fold is worked out once per process
    (a Chinese or Russian page is all non-ASCII; folding it a character at a time in
    Python was a sixth of verifying it)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_FOLDED = _Folds()


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` replaced by spaces (what one rule consumed, the next skips)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def snippet(text: str, start: int, end: int) -> str:
    """The span as written, whitespace squeezed (for a message)."""
    return " ".join(text[start:end].split())
