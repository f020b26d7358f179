"""Pseudo-localization: accented, expanded, bracketed text that needs no model.

It shows at a glance what a translation would touch (every translated string
looks foreign but stays readable), how layouts cope with ~30 % longer text,
and whether markup tokens survive a round trip, without installing anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from intl_pub import tokens
from intl_pub.model import Locale
from intl_pub.mt import Progress

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
VERSION = "1"


class PseudoEngine:
    """Deterministic pseudo-translation; tokens and URLs pass through untouched."""

    name = "pseudo"

    def label(self, locale: Locale) -> str:
        return f"pseudo pseudo-en_{locale.language} {VERSION}"

    def check(self, locales: Sequence[Locale]) -> None:
        return None

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        out = [pseudo(text) for text in texts]
        if progress is not None:
            progress(len(texts))
        return out


def pseudo(text: str) -> str:
    """``"Read <1>more</1>"`` -> ``"[Ŕéàđ <1>ɱöŕé</1> ~~~]"``."""
    parts = []
    for piece in tokens.pieces(text):
        if tokens.TOKEN_RE.fullmatch(piece):
            parts.append(piece)
        else:
            parts.append(" ".join(_word(w) for w in piece.split(" ")))
    letters = len(tokens.strip(text))
    padding = "~" * max(1, (letters * 3 + 9) // 10)
    return f"[{''.join(parts)} {padding}]"


def _word(word: str) -> str:
    if "://" in word or word.startswith("www."):
        return word
    return word.translate(_ACCENTS)
