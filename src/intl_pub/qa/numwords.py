"""Numbers written in words, in any language num2words spells, and Chinese/Japanese numerals.

A translation may write "two tablets" as "dos comprimidos", "двух таблеток" or
"两片": the verifier reads those as 2. The words are not a table of ours: they are
what ``num2words`` writes for 0-100, the hundreds, thousand, million and billion,
in every grammatical case and gender its converter knows (Russian "двух", "двум",
"двумя"), read back into values. Magnitude words (``millones``, ``млн``, ``万``,
``亿``) also come from CLDR's compact number formats (babel), for languages
num2words does not spell.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import babel
import regex
from num2words import CONVERTER_CLASSES

from intl_pub.core import derived
from intl_pub.core.locales import cldr
from intl_pub.qa.text import compiled

log = logging.getLogger(__name__)

_SMALL = (*range(101), 101, 110, *range(200, 1000, 100))
_BIG = tuple(k * 10**e for e in (3, 6, 9, 12) for k in (1, 2, 5))
_CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")
_EXTRA = {
    "ru": {
        **{f: 2 for f in ("двое", "двоих", "двоим", "двоими", "оба", "обе", "обоих", "обеих")},
        **{f: 3 for f in ("трое", "троих", "троим", "троими")},
        **{f: 4 for f in ("четверо", "четверых", "четверым")},
        **{f: 5 for f in ("пятеро", "пятерых")}, **{f: 6 for f in ("шестеро", "шестерых")},
        **{f: 7 for f in ("семеро", "семерых")},
    },
    "es": {"veintiún": 21, "ambos": 2, "ambas": 2, "un": 1, "una": 1, "uno": 1},
    "pt": {"ambos": 2, "ambas": 2}, "fr": {"deux": 2}, "de": {"beide": 2, "beiden": 2},
}
"""Number words num2words does not write: Russian collective numerals (трое), "both"."""
_CJK_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_MYRIADS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
CJK_NUMERAL = compiled(r"[〇零一二两兩三四五六七八九十百千万萬亿億]+")


@dataclass(frozen=True)
class NumberWords:
    """How one language writes numbers in words."""

    values: dict[str, int]
    """Casefolded word -> value (``dos`` 2, ``двадцати`` 20, ``ciento`` 100)."""
    magnitudes: dict[str, int]
    """Casefolded word -> multiplier (``mil`` 1000, ``millones`` 10**6, ``млн`` 10**6)."""
    connectors: frozenset[str]
    """Words that join number words (``y``, ``et``, ``and``)."""
    pattern: regex.Pattern[str]
    """A run of number words, magnitudes and connectors."""

    def find(self, text: str) -> Iterator[tuple[Decimal, int, int]]:
        """Each number written in words in ``text``: (value, start, end)."""
        for run in self.pattern.finditer(text):
            words = [
                (w.group(0).casefold(), w.start(), w.end())
                for w in compiled(r"[\p{L}\p{M}]+").finditer(run.group(0))
            ]
            yield from (
                (value, run.start() + start, run.start() + end)
                for value, start, end in _compose(words, self)
            )


@functools.cache
def for_language(tag: str) -> NumberWords | None:
    """The number words of a locale, or None when num2words does not spell the language.

    The words are read back from num2words' spellings once and kept in the user's cache
    (:func:`intl_pub.core.derived.remembered`): spelling every number in every case and
    gender took ~40 ms a language in each process that verified a translation.
    """
    if _converter(cldr(tag)) is None:
        return None
    values, magnitudes, connectors = derived.remembered(
        f"numwords-{tag}", functools.partial(_lexicon, tag), "num2words", "babel"
    )
    words = sorted({*values, *magnitudes, *connectors}, key=lambda w: (-len(w), w))
    alternatives = "|".join(regex.escape(w) for w in words)
    first = regex.escape("".join(sorted({w[0] for w in words if w})))  # (fails other places fast)
    word = rf"(?<![\p{{L}}\p{{M}}\d])(?=[{first}])(?:{alternatives})(?![\p{{L}}\p{{M}}])"
    pattern = compiled(rf"{word}(?:[\s\-]+{word})*", regex.IGNORECASE)
    return NumberWords(values, magnitudes, frozenset(connectors), pattern)


def _lexicon(tag: str) -> tuple[dict[str, int], dict[str, int], frozenset[str]]:
    """A language's number words as num2words spells them: values, magnitudes, connectors."""
    converter = _converter(cldr(tag))
    values: dict[str, int] = {}
    magnitudes = dict(_compact_magnitudes(cldr(tag), ("long",)))
    connectors: set[str] = set()
    _read_converter(converter, values, magnitudes, connectors)
    ordinals = _ordinals(converter) if cldr(tag).language != "en" else {}
    for word, value in {**_EXTRA.get(cldr(tag).language, {}), **ordinals}.items():
        values.setdefault(word, value)
    return values, magnitudes, frozenset(connectors)


@functools.cache
def digit_magnitudes(tag: str) -> dict[str, int]:
    """Words that multiply the digits before them: ``1,5 millones``, ``2 тыс.``, ``15亿``."""
    found = dict(_compact_magnitudes(cldr(tag), ("long", "short")))
    words = for_language(tag)
    if words is not None:
        found.update(words.magnitudes)
    if cldr(tag).language in ("zh", "ja"):
        found.update(cjk_magnitudes())
    return {w: m for w, m in found.items() if m >= 1000 and (len(w) > 1 or not w.isascii())}


def cjk_value(numeral: str) -> int | None:
    """The value of a Chinese/Japanese numeral (``十五亿`` 1500000000, ``两`` 2), or None."""
    total, section, digit = 0, 0, None
    for char in numeral:
        if char in _CJK_DIGITS:
            if digit is not None:
                return None  # 一二: not a numeral but two (一二三 in a list)
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            section += (1 if digit is None else digit) * _CJK_UNITS[char]
            digit = None
        elif char in _CJK_MYRIADS:
            section += digit or 0
            if section == 0:
                section = 1
            if _CJK_MYRIADS[char] == 10**8:
                total = (total + section) * 10**8
            else:
                total += section * 10**4
            section, digit = 0, None
    return total + section + (digit or 0)


def cjk_magnitudes() -> dict[str, int]:
    """The myriad words written after digits (``15亿``, ``3万``)."""
    return {"万亿": 10**12, "亿": 10**8, "億": 10**8, "万": 10**4, "萬": 10**4, "千": 10**3}


def _compose(
    words: list[tuple[str, int, int]], lexicon: NumberWords
) -> Iterator[tuple[Decimal, int, int]]:
    """Numbers from a run of words: "dos mil quinientos" is 2500, "dos tres" is 2 and 3."""
    total, group, last_magnitude = 0, 0, 0
    start = end = None
    for word, w_start, w_end in words:
        if word in lexicon.values:
            value = lexicon.values[word]
            restart = (group and not _fits(group, value)) or (
                not group and total and value >= last_magnitude
            )
            if start is not None and restart:
                yield Decimal(total + group), start, end  # type: ignore[arg-type]
                total, group, last_magnitude, start = 0, 0, 0, None
            group += value
        elif word in lexicon.magnitudes:
            multiplier = lexicon.magnitudes[word]
            if multiplier > last_magnitude and total:
                total = (total + group) * multiplier
            else:
                total += (group or 1) * multiplier
            group, last_magnitude = 0, max(last_magnitude, multiplier)
        else:
            continue  # a connector: "treinta y uno"
        start = w_start if start is None else start
        end = w_end
    if start is not None:
        yield Decimal(total + group), start, end  # type: ignore[arg-type]


def _value_of(words: list[str], lexicon: NumberWords) -> int | None:
    """What a list of known words composes to, or None when it is not one number."""
    found = list(_compose([(w, i, i + 1) for i, w in enumerate(words)], lexicon))
    return int(found[0][0]) if len(found) == 1 else None


def _fits(group: int, value: int) -> bool:
    """Whether ``value`` continues ``group`` (20 then 1, 200 then 50; not 2 then 3)."""
    place = 1
    while group % (place * 10) == 0:
        place *= 10
    return value < place


def _converter(locale: babel.Locale) -> object | None:
    for code in (f"{locale.language}_{locale.territory}", locale.language):
        if code in CONVERTER_CLASSES and locale.language not in ("zh", "ja"):
            return CONVERTER_CLASSES[code]
    return None


def _read_converter(
    converter: object, values: dict[str, int], magnitudes: dict[str, int], connectors: set[str]
) -> None:
    """Read num2words' spellings back: single words first, then what multi-word ones add."""
    phrases = [(n, _split(p)) for n in (*_SMALL, *_BIG) for p in _spellings(converter, n)]
    for n, words in phrases:
        if len(words) == 1 and n < 1000:
            values.setdefault(words[0], n)
        elif len(words) == 1 and str(n).strip("0") == "1":
            magnitudes.setdefault(words[0], n)
    for _ in range(2):  # a word learnt in one phrase explains another ("un" in "un millón")
        for n, words in phrases:
            unknown = {w for w in words if w not in values and w not in magnitudes}
            if len(unknown) == 1 and len(words) > 1 and unknown.isdisjoint(connectors):
                _learn(n, words, unknown.pop(), values, magnitudes, connectors)


def _learn(
    n: int,
    words: list[str],
    word: str,
    values: dict[str, int],
    magnitudes: dict[str, int],
    connectors: set[str],
) -> None:
    """What the one unknown ``word`` of a spelling of ``n`` must be."""
    lexicon = NumberWords(values, magnitudes, frozenset(connectors), compiled(""))
    rest = _value_of([w for w in words if w != word], lexicon)
    if rest is None:
        return
    if rest == n:
        connectors.add(word)
    elif rest and n % rest == 0 and str(n // rest).strip("0") == "1" and n // rest >= 100:
        magnitudes[word] = n // rest  # "hundred" in "one hundred", "тысяч" in "пять тысяч"
    elif 0 < n - rest < n and words[-1] != word:
        values[word] = n - rest  # "ciento" in "ciento uno"
    elif 0 < n - rest < n:
        values[word] = n - rest


def _ordinals(converter: object) -> dict[str, int]:
    """Ordinal words 1-31 ("séptima", "шестой", "седьмом"), each case and gender."""
    found: dict[str, int] = {}
    for n in range(1, 32):
        for phrase in _spellings(converter, n, "to_ordinal"):
            words = _split(phrase)
            if len(words) == 1:
                found.setdefault(words[0], n)
    return found


def _spellings(converter: object, n: int, method: str = "to_cardinal") -> set[str]:
    """Every way num2words spells ``n``: each case and gender where the converter has them."""
    to_cardinal = getattr(converter, method)
    try:
        params = inspect.signature(to_cardinal).parameters
    except (TypeError, ValueError):
        return set()
    options = [
        [{"case": c} for c in _CASES] if "case" in params else [{}],
        [{"gender": g} for g in ("m", "f", "n")] if "gender" in params else [{}],
        [{"plural": p} for p in (False, True)] if "plural" in params else [{}],
    ]
    found = set()
    for combo in itertools.product(*options):
        kwargs = {k: v for part in combo for k, v in part.items()}
        try:
            found.add(str(to_cardinal(n, **kwargs)))
        except (TypeError, ValueError, NotImplementedError, KeyError, IndexError,
                AttributeError, OverflowError):
            continue
    return found


def _split(phrase: str) -> list[str]:
    return [w.casefold().replace("ё", "е") for w in compiled(r"[\p{L}\p{M}]+").findall(phrase)]


def _compact_magnitudes(
    locale: babel.Locale, lengths: tuple[str, ...]
) -> Iterator[tuple[str, int]]:
    """Magnitude words from CLDR's compact formats: "0 mil millones" is 10**9 in Spanish."""
    for length in lengths:
        formats = locale.compact_decimal_formats.get(length, {})
        for plural in formats:
            for key, pattern in formats[plural].items():
                written = str(pattern.pattern) if hasattr(pattern, "pattern") else str(pattern)
                zeros = written.count("0")
                word = " ".join(written.replace("0", " ").replace("'", "").split())
                if zeros and word and not any(c.isdigit() for c in word):
                    yield word.casefold().rstrip("."), int(key) // 10 ** (zeros - 1)
