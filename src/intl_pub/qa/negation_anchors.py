"""Negation anchored to a cognate: the English negates a word; is that word negated?

Counting markers cannot see a lost "no" when the translation has more markers than
the English has negations ("no estuvo disponible ... no pudieron", "недоступен ...
отсутствию ... не смогли"): one gone, still enough. So each English negation is also
*aligned*: the content words in its scope ("does not **recommend** masks", "no
**statistical** comparisons", "un**realistic**") are looked for in the translation as
cognates (the same word after accents are stripped, Cyrillic is written in Latin
letters and spelling is folded: recommend ~ recomienda ~ рекомендует, statistical ~
статистическое). When a cognate is there, a negation marker must stand near it (a few
words before it, "no se recomienda", "не рекомендует"; or just after it, "симптомов
нет"), or the cognate itself carries a negative prefix ("ineficaz", "бессимптомный").
A cognate with no marker near is a negation the translation lost.

A word with no cognate tells nothing, so most negations are not aligned at all: the
rule only adds holds where it can see the negated word. Languages: those written in
Latin or Cyrillic letters whose markers :mod:`negation` knows; Chinese has no cognates.

Dropped (bench/verify.py, half A then B): more words of a negation's scope as anchors
(:data:`SCOPE_WORDS` 2: caught es +1/+0, ru +2/+3, zh +0/+2; held es +1/+2, ru +1/+1,
zh +1/+0), even taking only the first of three that has a cognate and no word the English
also says outside a negation (caught es +1/+1, ru +2/+0, zh +0/+2; held es +1/+2, ru
+1/-1): a word further into the scope ("not hot enough to kill bacteria", "cannot be
assessed in this analysis") is often moved away from the marker by the translation.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

from intl_pub.core.locales import cldr
from intl_pub.qa import cedict, negation, negation_lexicon, negation_slots
from intl_pub.qa.text import compiled

ANCHORED = frozenset({"es", "ru"})
"""Languages aligned by cognates (measured on the TICO-19 development pairs)."""
LEXICON = frozenset({"zh"})
"""Languages aligned through a dictionary (:mod:`~intl_pub.qa.negation_lexicon`)."""
BEFORE = 5
"""How many words before its cognate a marker may stand ("no se recomienda"), besides as
many as stand between the English negation and its word ("not hot enough to kill bacteria"
is "no es suficiente para eliminar las bacterias")."""
AFTER = 3
"""How many words after ("симптомов нет", "так и без них")."""
SCOPE_WORDS = 1
"""How many content words of a negation's scope are looked for."""

_WORD = compiled(r"[\p{L}\p{M}]+")
_CLAUSE_END = compiled(r"[,;:.!?()\[\]—–]")
_SCOPE_END = compiled(
    r"[,;:.!?()\[\]—–\"“”]|\s-\s|\b(?:but|because|which|who|whom|whose|that|while|whereas|"
    r"although|though|if|when|unless|until|so|since|as|where|and|or|nor)\b",
    regex.IGNORECASE,
)
"""Where the words a negation governs end (a clause boundary or a coordination)."""
_FUNCTION = frozenset(
    "be been being is are was were am do does did done have has had having can could will "
    "would shall should may might must to a an the any anyone anything yet always only just "
    "even also very so too much more most there it its this that these those their his her "
    "our your my of in on at for with by from into than then all one ones been get got "
    "longer enough such other others own same some people person thing things way ever "
    "about after before over under well".split()
)
"""English words that are no anchor: they have no cognate, or one in every sentence."""
_EN_PREFIX = compiled(r"^(?:non-?|un|in|im|ir|il|dis|a)(?=\p{L}{4,})", regex.IGNORECASE)
_DOUBLED = compiled(r"(.)\1+")
_EN_SUFFIX = compiled(r"(?<=\p{L}{4,})less(?:ly|ness)?$", regex.IGNORECASE)
_NEGATIVE_PREFIX = {
    "es": ("des", "in", "im", "ir", "a", "no"),
    "ru": ("не", "без", "бес"),
}
"""Prefixes that make a word of the translation negative ("ineficaz", "бессимптомный")."""
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n",
                      "o", "p", "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sch", "", "i",
                      "", "e", "iu", "ia"], strict=True))
_FOLDS = (("ph", "f"), ("th", "t"), ("c", "k"), ("q", "k"), ("y", "i"), ("w", "v"),
          ("x", "ks"), ("j", "i"))


_Negated = tuple[tuple[int, int], tuple[tuple[int, int], ...]]
"""An English negation's span and the spans of the words it negates."""


@dataclass(frozen=True)
class Lost:
    """An English negation whose negated word's cognate stands with no marker near."""

    english: tuple[int, int]
    """The English negation."""
    anchor: tuple[int, int]
    """The English word it negates that has a cognate."""
    cognate: tuple[int, int]
    """The cognate in the translation, with no marker near it."""


def lost(english: str, translation: str, tag: str) -> list[Lost]:
    """The English negations whose negated words have cognates in the translation, none of
    them with a marker near: a negation the translation lost."""
    language = cldr(tag).language
    if (language not in ANCHORED and language not in LEXICON) or not negation.has_markers(tag):
        return []
    hard, affixed = _anchors(english)
    if not hard and not affixed:  # most sentences: no negation, no word of the translation
        return []
    if language in LEXICON:  # (a word negative by its form has no dictionary word: "known")
        return _lost_by_lexicon(english, translation, hard)
    negated = hard + affixed
    words = [(m.start(), m.end(), _skeleton(m.group(0))) for m in _WORD.finditer(translation)]
    marked = _marked(translation, words, tag)
    found = []
    for span, anchors in negated:
        cognates = [(anchor, i) for anchor in anchors
                    for i in _cognates(_skeleton(english[anchor[0] : anchor[1]]), words, tag)]
        if not cognates or any(
            _near(i, marked, BEFORE + len(_WORD.findall(english, span[1], anchor[0])),
                  translation, words)
            for anchor, i in cognates
        ):
            continue
        anchor, index = cognates[0]
        found.append(Lost(span, anchor, words[index][:2]))
    return found


def _lost_by_lexicon(
    english: str, translation: str, negated: tuple[_Negated, ...]
) -> list[Lost]:
    """:func:`lost` for Chinese: the negated words found through the dictionary.

    A word the English also says outside a negation is no anchor ("It won't protect you
    from the coronavirus, but it will partially protect you from the flu"): its
    translation may be that one."""
    markers = negation.raw_markers(translation, "zh")
    anchored = {a for _, anchors in negated for a in anchors}
    loose = {cedict.stem(m.group(0)) for m in _WORD.finditer(english)
             if m.span() not in anchored}
    found = []
    for span, anchors in negated:
        places = [(anchor, cedict.found(translation, english[anchor[0] : anchor[1]]))
                  for anchor in anchors
                  if cedict.stem(english[anchor[0] : anchor[1]]) not in loose]
        places = [(anchor, spans) for anchor, spans in places if spans]
        if not places or any(
            negation_lexicon.negated(translation, spans, markers) for _, spans in places
        ):
            continue
        anchor, spans = places[0]
        found.append(Lost(span, anchor, spans[0]))
    return found


@functools.lru_cache(maxsize=1024)
def _anchors(text: str) -> tuple[tuple[_Negated, ...], tuple[_Negated, ...]]:
    """Each English negation and the content words it negates: the next few words of its
    scope; then each word negative by its form ("unrealistic") and its stem. Kept for the
    page's other languages (the English is the same in all of them)."""
    hard = []
    for start, end in negation.english(text):
        stop = _SCOPE_END.search(text, end)
        scope_end = stop.start() if stop else len(text)
        content = [m.span() for m in _WORD.finditer(text, end, scope_end)
                   if len(m.group(0)) >= 4 and m.group(0).casefold() not in _FUNCTION]
        if content:
            hard.append(((start, end), tuple(content[:SCOPE_WORDS])))
    affixed = []
    for start, end in negation.english_affixed(text):
        word = text[start:end]
        prefix = _EN_PREFIX.match(word)
        suffix = _EN_SUFFIX.search(word)
        if suffix is not None:
            stem = (start, start + suffix.start())
        elif prefix is not None:
            stem = (start + prefix.end(), end)
        else:
            continue
        if stem[1] - stem[0] >= 5:
            affixed.append(((start, end), (stem,)))
    return tuple(hard), tuple(affixed)


def _cognates(anchor: str, words: list[tuple[int, int, str]], tag: str) -> list[int]:
    """The indexes of the translation's words that are cognates of ``anchor``, each marked
    negative by a prefix when only the word without it is the cognate (``-i - 1``)."""
    found = []
    prefixes = [_skeleton(p) for p in _NEGATIVE_PREFIX.get(cldr(tag).language, ())]
    for index, (_, _, word) in enumerate(words):
        if _alike(anchor, word):
            found.append(index)
        elif any(word.startswith(p) and _alike(anchor, word[len(p):]) for p in prefixes):
            found.append(-index - 1)
    return found


def _alike(a: str, b: str) -> bool:
    """Cognates: a long common beginning, or a shorter one and most letters shared."""
    if len(a) < 4 or len(b) < 4:
        return False
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    if prefix >= 6:
        return True
    if prefix < 4:
        return False
    return _ratio(a, b) >= 0.8


def _ratio(a: str, b: str) -> float:
    from rapidfuzz.distance import Indel

    return Indel.normalized_similarity(a, b)


def _marked(text: str, words: list[tuple[int, int, str]], tag: str) -> set[int]:
    """The indexes of the words that are (or hold) a negation marker."""
    spans = negation_slots.markers(text, tag) + negation.raw_markers(text, tag)
    return {i for i, (start, end, _) in enumerate(words)
            if any(s < end and start < e for s, e in spans)}


def _near(
    index: int, marked: set[int], before: int, text: str, words: list[tuple[int, int, str]]
) -> bool:
    """A marker within ``before`` words before the cognate or :data:`AFTER` after, in its
    clause ("Лицам, у кого симптомы отсутствуют, ВОЗ рекомендует": the marker of
    "asymptomatic" is not the one of "does not recommend"), or the cognate negative by its
    prefix (a negative ``index``)."""
    if index < 0:
        return True
    for i in marked:
        if index - before <= i <= index + AFTER:
            first, last = sorted((i, index))
            if not _CLAUSE_END.search(text, words[first][1], words[last][0]):
                return True
    return False


@functools.lru_cache(maxsize=8192)
def _skeleton(word: str) -> str:
    """The word as a cognate is compared: lower case, no accents, Cyrillic in Latin letters,
    spelling folded (c/k/q, y/i, ph/f), no doubled letters."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    latin = "".join(_CYRILLIC.get(c, c) for c in plain)
    for old, new in _FOLDS:
        latin = latin.replace(old, new)
    return _DOUBLED.sub(r"\1", latin)
