"""Critical terms and drug names: kept, or translated as the glossary says.

Drug names are found in the English with the dictionary that ships inside the
``drug-named-entity-recognition`` wheel (DrugBank, MeSH, NHS and MedlinePlus
names: 20,000 drugs, 100,000 spellings, brand names included). It is read once
per process straight from the wheel's data file: importing the package itself
would also read a pickle from the home folder and build a fuzzy-match index we do
not use. Only single-word names of drugs with a DrugBank id are used (class
names such as "antibodies" or "hand sanitizers" are no drug names), and brand
names only when capitalized.

A drug or critical term of the English is found in the translation when:
the glossary gives its translation for the locale and the translation uses it
(through inflection); or it is written as in English; or as one of the
dictionary's other names of the same drug (Spanish "ribavirina", French
"ribavirine"); or, in Latin, Cyrillic and Greek scripts, as a spelling of the same
sounds ("cloroquina", "хлорохин", "гидроксихлорохина"). In other scripts (Chinese
利巴韦林, Arabic) a name the glossary does not give cannot be checked, and is not.
"""

from __future__ import annotations

import bz2
import functools
import pickle
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from intl_pub.core import derived
from intl_pub.core.locales import cldr
from intl_pub.core.model import Glossary, Locale
from intl_pub.qa import cedict, stemming
from intl_pub.qa.text import compiled

_PACKAGE = "drug_named_entity_recognition"
_DISTRIBUTION = "drug-named-entity-recognition"
_DATA_FILE = "drug_ner_dictionary.pkl.bz2"
_WORD = compiled(r"[\p{L}][\p{L}\p{M}\d]*(?:-[\p{L}\d]+)*")
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))
_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρσςτυφχψω",
    ["a", "b", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "ks", "o", "p", "r",
     "s", "s", "t", "i", "f", "kh", "ps", "o"],
    strict=True,
))
_SOUNDS = [
    ("shch", "s"), ("sch", "s"), ("ph", "f"), ("th", "t"), ("kh", "k"), ("ch", "k"),
    ("qu", "k"), ("ck", "k"), ("ts", "s"), ("tz", "s"), ("sh", "s"), ("zh", "s"), ("x", "ks"),
]
_CLASSES = str.maketrans("kghqszcdtbpfvwlrmnj", "KKKKSSKTTPPFFFLRMN ")
_SPELLED = frozenset({"Latn", "Cyrl", "Grek"})


@dataclass(frozen=True)
class Term:
    """A drug name or critical term of the English, and how a translation may write it."""

    english: str
    """As written in the English."""
    start: int
    end: int
    forms: tuple[str, ...]
    """Other names of it: the drug's other spellings, or the glossary's translation."""
    required: str
    """The glossary's translation for the locale ("" when the glossary gives none)."""


@dataclass(frozen=True)
class _Drugs:
    names: dict[str, str]
    """Lowercased single-word name -> the drug's canonical name."""
    brands: frozenset[str]
    """Names that are brand names (matched only when capitalized)."""
    synonyms: dict[str, tuple[str, ...]]
    """Canonical name -> every single-word name of the drug."""


def find(english: str, locale: Locale, glossary: Glossary | None) -> list[Term]:
    """The drug names and critical terms of a prepared English text."""
    found = list(_glossary_terms(english, locale, glossary))
    taken = [(t.start, t.end) for t in found]
    drugs = _drugs()
    if drugs is None:
        return found
    translations = _translations(locale, glossary)
    for match in _WORD.finditer(english):
        word = match.group(0)
        canonical = drugs.names.get(word.casefold())
        if canonical is None or any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if word.casefold() in drugs.brands and not word[0].isupper():
            continue
        required = translations.get(word.casefold(), translations.get(canonical, ""))
        found.append(
            Term(word, match.start(), match.end(), drugs.synonyms[canonical], required)
        )
    return found


def counts(found: list[Term], translation: str, locale: Locale) -> dict[str, int | None]:
    """How many times the translation names each term (by its English, casefolded); None
    when it cannot be told (a script we cannot spell out, and no glossary translation)."""
    taken: list[tuple[int, int]] = []
    result: dict[str, int | None] = {}
    by_length = sorted(found, key=lambda t: -len(t.required or t.english))
    for term in by_length:
        key = term.english.casefold()
        if key in result:
            continue
        spans = _places(term, translation, locale, taken)
        if spans is None:
            result[key] = None
            continue
        taken += spans
        result[key] = len(spans)
    return result


def _places(
    term: Term, translation: str, locale: Locale, taken: list[tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """Where the translation names the term (not where a longer term was found already)."""
    free = [(s, e) for s, e in _occurrences(translation, term, locale)
            if not any(s < te and ts < e for ts, te in taken)]
    if free or term.required:
        return free
    if locale.script not in _SPELLED and not (
        locale.language == "zh" and any(cedict.words_for(n) for n in {term.english, *term.forms})
    ):
        return None  # (a name the dictionary does not give cannot be checked: 甲氨蝶呤)
    return []


def _dictionary(text: str, names: set[str]) -> list[tuple[int, int]]:
    """Where a Chinese text has a word CC-CEDICT gives for one of a drug's names (华法林,
    对乙酰氨基酚 or 扑热息痛 for paracetamol)."""
    words = tuple(sorted({w for n in names for w in cedict.words_for(n)},
                         key=lambda w: (-len(w), w)))
    return [m.span() for m in cedict.compiled_any(words).finditer(text)] if words else []


def _occurrences(text: str, term: Term, locale: Locale) -> list[tuple[int, int]]:
    if term.required:
        return _spans(text, term.required, locale)
    names = {term.english, *term.forms}
    spans = sorted({span for name in names for span in _spans(text, name, locale)})
    if locale.language == "zh":  # 华法林 for warfarin, through CC-CEDICT
        return sorted(set(spans) | set(_dictionary(text, names)))
    if locale.script not in _SPELLED:
        return spans
    parts = {p for n in names if "-" in n for p in n.split("-") if len(p) >= 5}
    want = {skeleton(n) for n in names | parts} - {""}
    sounded = [w.span() for w in _WORD.finditer(text) if _sounds_like(skeleton(w.group(0)), want)]
    return sorted(set(spans) | set(sounded))


def _spans(text: str, term: str, locale: Locale) -> list[tuple[int, int]]:
    """Where ``term`` is in ``text``: anywhere in unspaced scripts, else as words, through
    inflection (Snowball stems, word by word)."""
    plain, wanted = text.casefold(), term.casefold()
    if locale.script in ("Hans", "Hant", "Jpan", "Thai", "Kore"):
        return [m.span() for m in compiled(regex.escape(wanted)).finditer(plain)]
    exact = [m.span() for m in compiled(rf"(?<![\p{{L}}\d]){regex.escape(wanted)}").finditer(plain)]
    if exact:
        return exact
    language = cldr(locale.tag).language
    if _stemmer(language) is None:
        return []
    want = _stems(wanted, language)
    words = list(_WORD.finditer(plain))
    have = _stems(plain, language)
    return [
        (words[i].start(), words[i + len(want) - 1].end())
        for i in range(len(have) - len(want) + 1)
        if want and have[i : i + len(want)] == want
    ]


def skeleton(word: str) -> str:
    """The consonants of a name as classes of sounds, in any Latin, Cyrillic or Greek
    spelling: "hydroxychloroquine", "hidroxicloroquina" and "гидроксихлорохин" are all
    KTRKSKLRKN (Russian writes a Latin h as г)."""
    text = unicodedata.normalize("NFKD", word.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(_CYRILLIC.get(c, _GREEK.get(c, c)) for c in text)
    text = compiled(r"[^a-z]").sub("", text)
    for spelled, sound in _SOUNDS:
        text = text.replace(spelled, sound)
    text = compiled(r"c(?=[eiy])").sub("s", text)
    consonants = compiled(r"[aeiouy]").sub("", text).translate(_CLASSES).replace(" ", "")
    return compiled(r"(.)\1+").sub(r"\1", consonants)


def _sounds_like(candidate: str, want: set[str]) -> bool:
    """Same consonants, give or take one at the end (a case ending: "ремдесивиром")."""
    if len(candidate) < 4:
        return False
    return any(
        candidate == w or (len(w) >= 4 and (candidate[:-1] == w or candidate == w[:-1]))
        for w in want
    )


def _glossary_terms(english: str, locale: Locale, glossary: Glossary | None) -> Iterator[Term]:
    """The glossary's critical and do-not-translate terms in the English."""
    if glossary is None:
        return
    translations = _translations(locale, glossary)
    kept = {t.casefold() for t in glossary.do_not_translate}
    for term in dict.fromkeys([*glossary.critical, *glossary.do_not_translate]):
        pattern = rf"(?<![\p{{L}}\d]){regex.escape(term)}(?:s|es)?(?![\p{{L}}\d])"
        for match in compiled(pattern, regex.IGNORECASE).finditer(english):
            required = term if term.casefold() in kept else translations.get(term.casefold(), "")
            yield Term(match.group(0), match.start(), match.end(), (), required)


def _translations(locale: Locale, glossary: Glossary | None) -> dict[str, str]:
    if glossary is None:
        return {}
    return {k.casefold(): v for k, v in glossary.for_locale(locale).items()}


@functools.lru_cache(maxsize=256)
def _stems(text: str, language: str) -> list[str]:
    """The Snowball stems of the words of a casefolded text (the same translation is stemmed
    once for every name of every drug it is searched for)."""
    stem = _stemmer(language)
    return stem([w.group(0) for w in _WORD.finditer(text)]) if stem else []


_STEMMED = frozenset({"es", "ru", "fr", "de", "pt", "it", "ar", "nl", "uk", "pl"})
"""Languages whose drug and term names are found by their stems."""


def _stemmer(language: str) -> Callable[[list[str]], list[str]] | None:
    found = stemming.stemmer(language) if language in _STEMMED else None
    return found.stemWords if found is not None else None


@functools.cache
def _drugs() -> _Drugs | None:
    """The drug dictionary of the drug-named-entity-recognition wheel, or None without it
    (indexed once per installed version: :mod:`intl_pub.core.derived`)."""
    path = derived.installed_file(_PACKAGE, _DATA_FILE)
    if path is None:
        return None
    return derived.remembered(
        "drugs", functools.partial(_index_drugs, path), _DISTRIBUTION, "regex"
    )


def _index_drugs(path: Path) -> _Drugs:
    with bz2.open(path, "rb") as file:
        data = pickle.load(file)  # the installed wheel's own data file
    canonical = data["drug_canonical_to_data"]
    variant_data = data["drug_variant_to_variant_data"]
    names: dict[str, str] = {}
    brands = set()
    synonyms: dict[str, list[str]] = {}
    for variant, targets in data["drug_variant_to_canonical"].items():
        target = targets[0]
        if not canonical.get(target, {}).get("drugbank_id") or not _single_word(variant):
            continue
        names[variant] = target
        synonyms.setdefault(target, []).append(variant)
        if variant_data.get(variant, {}).get("is_brand"):
            brands.add(variant)
    return _Drugs(names, frozenset(brands), {k: tuple(v) for k, v in synonyms.items()})


def _single_word(name: str) -> bool:
    return len(name) >= 5 and compiled(r"\p{L}+(?:-\p{L}+)*").fullmatch(name) is not None
