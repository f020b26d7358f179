"""Pseudo-localization: accented, expanded, bracketed text that needs no model.

It shows at a glance what a translation would touch (every translated string
looks foreign but stays readable), how layouts cope with ~30 % longer text,
and whether markup tokens survive a round trip, without installing anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from intl_pub.core.model import Locale
from intl_pub.mt import Chunk, MTResult, MTStats, Progress, SentenceTranslation
from intl_pub.segment import tokens

if TYPE_CHECKING:
    from intl_pub.mt.memory import SentenceMemory

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

    def translate_scored(
        self,
        texts: Sequence[str],
        locale: Locale,
        progress: Progress | None = None,
        memory: SentenceMemory | None = None,
        stats: MTStats | None = None,
    ) -> list[MTResult]:
        """The pseudo text, no confidence: there is no model to have any."""
        from intl_pub.mt import batch

        return batch.translate_scored(self, texts, locale, progress, memory, stats)

    def split(self, texts: Sequence[str], locale: Locale) -> list[list[str]]:
        """A whole text is one "sentence": the brackets and padding enclose the text."""
        return [[text] for text in texts]

    def translate_chunks(self, sentences: Sequence[str], locale: Locale) -> Iterator[Chunk]:
        yield (
            list(range(len(sentences))),
            [SentenceTranslation((pseudo(s),), None, 0) for s in sentences],
        )

    def join(self, locale: Locale, sentences: Sequence[SentenceTranslation]) -> str:
        return "".join(piece for sentence in sentences for piece in sentence.tokens)


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
