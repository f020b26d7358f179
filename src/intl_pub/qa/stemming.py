"""Snowball stemmers by language: one table of algorithms and one stemmer per language
per process, for every rule that compares words by their stems (glossary terms in the QA
checks and the verifier, month and weekday names, the Chinese dictionary's English).

Which languages a rule stems is the rule's own choice (dates stem only languages whose
names inflect); how a language is stemmed is decided here.
"""

from __future__ import annotations

import functools

import snowballstemmer

ALGORITHMS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "et": "estonian", "eu": "basque",
    "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "uk": "ukrainian", "yi": "yiddish",
}  # fmt: skip
"""ISO 639-1 -> Snowball's algorithm (a name the installed snowballstemmer lacks, such as
ukrainian in some versions, means no stemmer)."""


@functools.cache
def stemmer(language: str) -> snowballstemmer.stemmer | None:
    """The language's Snowball stemmer (``stemWord``, ``stemWords``), or None without one."""
    name = ALGORITHMS.get(language)
    if name is None or name not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(name)
