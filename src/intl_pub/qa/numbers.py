"""Numbers in a text, as values: digits in the locale's form, words, magnitudes, units.

``1,000.5`` in English is ``1.000,5`` in Spanish, ``1 000,5`` in Russian and
``1,000.5`` in Chinese; "1.5 billion" is "1500 millones", "1,5 млрд" and "15亿".
Every number is read into the set of values it may mean (a machine translation
may keep the English separators, so ``2,692`` in Spanish text may be 2692 or
2.692), with the unit written after it and whether it was written in words.
The separators come from babel (CLDR); the words from :mod:`numwords`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import babel.numbers
import regex

from intl_pub.core.locales import cldr
from intl_pub.qa import numwords
from intl_pub.qa.text import compiled, unspaced
from intl_pub.qa.units import Unit, UnitLexicon, lexicon

_SPACES = " \u00a0\u202f\u2009\u2007"
_DIGITS = compiled(
    r"(?<![\d.,])(?:\d{1,3}(?:[\u00a0\u202f\u2009\u2007]\d{3})+(?![\d])"
    r"|\d+(?:[.,'’]\d+)*|[.,]\d+)"
)
_DIGITS_SPACED = compiled(
    r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f\u2009\u2007]\d{3})+(?:[.,]\d+)?(?![\d.,]?\d)"
    r"|\d+(?:[.,'’]\d+)*|[.,]\d+)"
)
"""Translations group digits with plain spaces too ("126 000", "39 768")."""
_NAME_LETTER = r"[\p{Latin}\p{Greek}\p{Cyrillic}]"
_SPACE_GROUPED = compiled(r"\d{1,3}(?:[ \u00a0\u202f\u2009\u2007]\d{3})+(?!\d)")
_ROMAN = compiled(r"(?<![\p{L}\d])[IVXLC]{2,7}(?![\p{L}\d])")
"""Roman numerals of two letters or more ("siglo XXI", "XX веке"): one letter is a word."""
_YEAR_RANGE = compiled(r"(?<!\d)((?:1[5-9]|20)\d)(\d)\s?[-–—/]\s?(\d{1,2})(?![\d.,]?\d)")
_VULGAR = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}
_ORDINAL_EN = compiled(r"(?:st|nd|rd|th|s)(?![\p{L}\d])")
_SOFT_WORDS = {
    "half": "0.5", "halves": "0.5", "quarter": "0.25", "quarters": "0.25", "dozen": "12",
    "dozens": "12", "twice": "2", "both": "2", "double": "2", "pair": "2", "couple": "2",
    "single": "1", "once": "1", "triple": "3", "thrice": "3", "first": "1", "second": "2",
    "third": "3", "thirds": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10", "hundreds": "100", "thousands": "1000",
    "millions": "1000000", "billions": "1000000000", "decade": "10", "decades": "10",
    "century": "100", "centuries": "100", "fortnight": "14", "percent": "100", "24/7": "24",
    "q1": "1", "q2": "2", "q3": "3", "q4": "4",
}  # fmt: skip
"""English words that may be written as a number in a translation but need not be."""
_SOFT_RE = compiled(
    r"(?<![\p{L}\d])(?:"
    + "|".join(regex.escape(w) for w in sorted(_SOFT_WORDS, key=lambda w: (-len(w), w)))
    + r")(?![\p{L}\d])",
    regex.IGNORECASE,
)
_SOFT_DIGITS = compiled(r"(?<![\d/])24/7(?![\d/])|(?<![\p{L}\d])Q[1-4](?![\p{L}\d])")
"""Digits that are an idiom ("24/7": "круглосуточно", "todos los días"), or a quarter a
translation writes in words ("Q3": "tercer trimestre", "III квартал", 第三季度)."""
_CONNECTOR = compiled(
    r"\s{0,2}(?:[-–—~〜～至到]|(?<=\s)(?:to|and|or|through|a|al|y|e|o|u|hasta|до|по|и|или|ou|et|"
    r"à|até|bis|und|oder)(?=\s)(?:\s(?:los|las|el|la)(?=\s))?)\s{0,2}",
    regex.IGNORECASE,
)
"""What may stand between the two numbers of a range: a dash, 至, or a word that joins them
(to, a, y, до; "entre los 12 y los 15 meses"), not any short word ("aged 15 to 49 was 23.6%":
49 and 23.6 % are no range)."""


@dataclass(frozen=True)
class Quantity:
    """A number as written in a text."""

    values: frozenset[Decimal]
    """What it may mean (one value, unless its separators are ambiguous)."""
    start: int
    end: int
    """Its span (digits or words, magnitude included, unit not)."""
    unit: Unit | None = None
    """The unit written right after it (or before: 百分之), or that a range shares."""
    words: bool = False
    """Written in words ("two", "dos", "两")."""
    soft: bool = False
    """An English word that need not become a number ("one", "first", "half")."""
    part_of_name: bool = False
    """Digits inside a name (COVID-19, N95, ORF1a)."""
    reach: int = 0
    """Where the number and its unit end."""
    explains: frozenset[Decimal] = frozenset()
    """Numbers a translation may write beside it that do not stand for it: the century of
    "the 1990s" (20世纪90年代), which alone would be another decade."""

    def show(self) -> str:
        value = min(self.values)
        return f"{value.normalize():f}" if value == value.to_integral() else str(value)


@dataclass(frozen=True)
class Identifier:
    """A name written with digits (N95, COVID-19, B0AT1, HCoV-229E, АПФ2)."""

    digits: tuple[str, ...]
    """Its runs of digits, as written ("B0AT1": 0, 1)."""
    start: int
    end: int


_ID_CHAR = r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Nd}]"
_DIGIT_CLASS = r"[\p{Numeric_Type=Decimal}\p{Numeric_Type=Digit}]"
_IDENTIFIER = compiled(
    rf"(?<!{_ID_CHAR}|-)(?=(?:{_ID_CHAR}|-)*?{_DIGIT_CLASS})"
    rf"(?:{_NAME_LETTER}|\d+(?=\p{{Lu}}|-\p{{Ll}}+\p{{Lu}}))"
    rf"{_ID_CHAR}*(?:-{_ID_CHAR}+)*(?!{_ID_CHAR})"
)
"""A word of letters and digits. The look-ahead skips, inside the regex engine, the words
with no digit (most of a sentence): it allows every character a match may hold, so no word
with a digit is skipped, and a match only starts at a word's start, so none starts inside a
skipped one."""

_QUARTER = compiled(r"Q[1-4]")
"""A quarter of the year, no name: a translation writes it in words (:data:`_SOFT_DIGITS`)."""
_ANY_DIGIT = compiled(_DIGIT_CLASS)
"""At least what ``str.isdigit`` accepts (regex's Unicode tables are as new or newer): a
text it finds nothing in has no digit; a word it finds one in is checked by isdigit."""


def identifiers(text: str, tag: str) -> list[Identifier]:
    """Names with digits in a prepared text: letters and digits glued together (not "5mg",
    "7th", "1990s", "14-day", nor Chinese "3月", where every number is glued to a word)."""
    found: list[Identifier] = []
    if not _ANY_DIGIT.search(text):  # most sentences: no name with a digit to look for
        return found
    for match in _IDENTIFIER.finditer(text):
        word = match.group(0)
        if not any(c.isdigit() for c in word) or word.isdigit() or _QUARTER.fullmatch(word):
            continue
        if compiled(r"\d+(?:[.,]\d+)?-?\p{L}+").fullmatch(word) and lexicon(tag).unit_after(
            text, match.start() + len(compiled(r"[\d.,]+").match(word).group(0))  # type: ignore[union-attr]
        ):
            continue
        digits = tuple(compiled(r"\d+").findall(word))
        found.append(Identifier(digits, match.start(), match.end()))
    return found


def find(text: str, tag: str) -> list[Quantity]:
    """Every number of a prepared text in locale ``tag`` (``en`` for the English)."""
    idioms = _soft_quantities(text, _SOFT_DIGITS) if tag == "en" else []
    text = _blanked(text, [(q.start, q.end) for q in idioms])
    found = idioms + _digit_quantities(text, tag)
    if tag == "en":
        ranges = {(q.start, q.end): q for q in _year_ranges(text)}
        found = [ranges.get((q.start, q.end), q) for q in found]
    taken = [(q.start, q.end) for q in found]
    found += _word_quantities(_blanked(text, taken), tag)
    if tag == "en":
        found += _soft_quantities(_blanked(text, [(q.start, q.end) for q in found]))
    found.sort(key=lambda q: q.start)
    return _share_range_units(text, found)


def _digit_quantities(text: str, tag: str) -> list[Quantity]:
    units = lexicon(tag)
    magnitudes = _magnitude_pattern(tag)
    found: list[Quantity] = []
    for match in (_DIGITS if tag == "en" else _DIGITS_SPACED).finditer(text):
        for values, start, end in _readings(match.group(0), match.start(), tag):
            end, values = _with_magnitude(text, end, values, magnitudes)
            if tag == "en":
                end, values = _short_magnitude(text, start, end, values)
            named = _named_before(text, start)
            unit, after = (None, end) if named else _unit_at(text, start, end, units)
            if unit is not None and unit.id == "duration-day" and _day_of_month(text, start):
                unit, after = None, end  # 3月4日: the 4th, not four days
            if tag == "en" and unit is None:
                suffix = _ORDINAL_EN.match(text, end)
                after = suffix.end() if suffix else end
                values, explains = _decade(values, text[end:after])
            else:
                explains = set()
            found.append(
                Quantity(
                    frozenset(values), start, end, unit,
                    part_of_name=unit is None and _in_name(text, start, after), reach=after,
                    explains=frozenset(explains),
                )
            )
    for match in compiled("[" + "".join(_VULGAR) + "]").finditer(text):
        top, bottom = _VULGAR[match.group(0)]
        unit, _ = _unit_at(text, match.start(), match.end(), units)
        for value in (top, bottom):
            found.append(Quantity(frozenset({Decimal(value)}), match.start(), match.end(), unit))
    return found


def _readings(token: str, offset: int, tag: str) -> list[tuple[set[Decimal], int, int]]:
    """The values a digit token may mean; a list of numbers ("1,2,3") gives one per piece."""
    values = _interpretations(token, tag)
    if values:
        return [(values, offset, offset + len(token))]
    pieces = []
    for piece in compiled(r"\d+").finditer(token):
        pieces.append(({Decimal(piece.group(0))}, offset + piece.start(), offset + piece.end()))
    return pieces


def _interpretations(token: str, tag: str) -> set[Decimal]:
    """``token`` read with the locale's separators, or else with English ones ("1.5" in a
    Spanish text). A token both read, differently, is the locale's: a Spanish reader reads
    "3,400" as 3.4, whatever the English meant."""
    token = token.replace("’", "'")
    local = _parse(token, *_separators(tag))
    if local is not None:
        return {local}
    english = _parse(token, ".", ",'")
    return {english} if english is not None else set()


def _parse(token: str, decimal: str, groups: str) -> Decimal | None:
    """``token`` as a number with this decimal mark and these group marks, or None."""
    whole, _, fraction = token.partition(decimal) if decimal in token else (token, "", "")
    if any(c in fraction for c in groups + decimal):
        return None
    parts = _group_separators(groups).split(whole) if whole else [""]
    if len(parts) > 1 and (not 1 <= len(parts[0]) <= 3 or any(len(p) != 3 for p in parts[1:])):
        return None
    digits = "".join(parts)
    if not digits.isdigit() and digits:
        return None
    try:
        return Decimal(f"{digits or '0'}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None


@functools.cache
def _separators(tag: str) -> tuple[str, str]:
    """The locale's decimal mark and group marks (a space-like group mark: any space)."""
    decimal = babel.numbers.get_decimal_symbol(cldr(tag))
    group = babel.numbers.get_group_symbol(cldr(tag))
    if group.strip(_SPACES) == "":
        group = _SPACES
    return decimal, group + ("'" if decimal != "'" and group != "'" else "")


@dataclass(frozen=True)
class _Magnitudes:
    """Words that multiply the digits before them, and a pattern that finds one."""

    pattern: regex.Pattern[str]
    words: dict[str, int]


def _with_magnitude(
    text: str, end: int, values: set[Decimal], magnitudes: _Magnitudes | None
) -> tuple[int, set[Decimal]]:
    """Digits followed by "millones", "млн", "万": the values multiplied."""
    match = magnitudes.pattern.match(text, end) if magnitudes else None
    if not match:
        return end, values
    multiplier = magnitudes.words[match.group("word").casefold().rstrip(".")]  # type: ignore[union-attr]
    return match.end(), {v * multiplier for v in values}


_SHORT_MAGNITUDES = {"k": 1000, "m": 10**6, "mn": 10**6, "bn": 10**9, "tn": 10**12}
_SHORT_MAGNITUDE = compiled(r"(?:k|mn|bn|tn|m)(?![\p{L}\d])", regex.IGNORECASE)
_CURRENCY_BEFORE = compiled(r"(?:[$£€¥₹]|[A-Z]{1,3}\$|\b(?:USD|EUR|GBP|CHF))\s?$")
_COUNTED = compiled(
    r"\s*(?:$|[.,;:!?)]|(?:people|persons|cases|doses|deaths|patients|adults|children|"
    r"residents|users|visits|tests|vaccinations|infections|jobs|households|workers)\b)",
    regex.IGNORECASE,
)


def _short_magnitude(
    text: str, start: int, end: int, values: set[Decimal]
) -> tuple[int, set[Decimal]]:
    """News English glues thousands, millions and billions to the digits: "£1.2m", "$4.1bn",
    "10k steps". "m" is a million only after a currency or before a count (or nothing: a
    headline's "waiting lists at 7.6m"); "2m apart" is two metres."""
    match = _SHORT_MAGNITUDE.match(text, end)
    if match is None:
        return end, values
    word = match.group(0).casefold()
    if word == "m" and not (
        _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
        or _COUNTED.match(text, match.end())
    ):
        return end, values
    return match.end(), {v * _SHORT_MAGNITUDES[word] for v in values}


@functools.cache
def _magnitude_pattern(tag: str) -> _Magnitudes | None:
    words = numwords.digit_magnitudes(tag)
    if not words:
        return None
    alternatives = "|".join(
        regex.escape(w) + ("" if unspaced(w[-1]) else r"\.?(?![\p{L}\p{M}])")
        for w in sorted(words, key=lambda w: (-len(w), w))
    )
    pattern = compiled(
        rf"\+?[{_SPACES}]?(?:多|余|餘|几|幾)?(?P<word>{alternatives})", regex.IGNORECASE
    )
    return _Magnitudes(pattern, words)


def _unit_at(
    text: str, start: int, end: int, units: UnitLexicon
) -> tuple[Unit | None, int]:
    """The unit after the number (or before it: 百分之六十) and where the unit ends."""
    after = units.unit_after(text, end)
    if after:
        return after
    before = units.unit_before(text, start)
    return (before[0], end) if before else (None, end)


def _day_of_month(text: str, start: int) -> bool:
    """A number right after a month written with digits (3月4日, 3월 4일)."""
    return compiled(r"[月월]\s?$").search(text[max(0, start - 3) : start]) is not None


def _named_before(text: str, start: int) -> bool:
    """Digits that end a name (COVID-19, SARS-CoV-2, N95): what follows is no unit of theirs."""
    return compiled(rf"{_NAME_LETTER}-?$").search(text[max(0, start - 2) : start]) is not None


def _decade(values: set[Decimal], suffix: str) -> tuple[set[Decimal], set[Decimal]]:
    """"the 1990s" may be written "1990-х", "90 年代" (1990, 90); its century (20世纪90年代,
    "90-х годах двадцатого века") may stand beside it, but alone it says no decade
    (二十世纪八十年代 is the 1980s): what it may mean, and what it explains."""
    if suffix != "s":
        return values, set()
    out, centuries = set(values), set()
    for value in values:
        if value == value.to_integral() and value >= 1000 and value % 10 == 0:
            out.add(value % 100)
            centuries.add(value // 100 + 1)
    return out, centuries


def _in_name(text: str, start: int, end: int) -> bool:
    """Digits glued to letters (N95, ORF1a, COVID-19, SARS-CoV-2, 2019-nCoV)."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return bool(
        compiled(rf"{_NAME_LETTER}[-/]?$").search(before)
        or compiled(rf"^-?{_NAME_LETTER}").match(after)
    )


def _word_quantities(text: str, tag: str) -> list[Quantity]:
    units = lexicon(tag)
    found: list[Quantity] = [
        Quantity(frozenset({Decimal(_roman(m.group(0)))}), m.start(), m.end(), words=True)
        for m in _ROMAN.finditer(text)
        if tag != "en" and _roman(m.group(0))
    ]
    if cldr(tag).language in ("zh", "ja"):
        for match in numwords.CJK_NUMERAL.finditer(text):
            if match.group(0) == "百" and text.startswith("分之", match.end()):
                continue  # 百分之六十: sixty percent
            for piece in compiled("(?<=分)之|分之").split(match.group(0)):
                value = numwords.cjk_value(piece) if piece else None
                if value is not None:
                    unit, _ = _unit_at(text, match.start(), match.end(), units)
                    found.append(
                        Quantity(frozenset({Decimal(value)}), match.start(), match.end(), unit,
                                 words=True)
                    )
        return found
    words = numwords.for_language(tag)
    if words is None:
        return found
    for value, start, end in words.find(text):
        unit, _ = _unit_at(text, start, end, units)
        named = (
            tag == "en"
            and text[start].isupper()
            and not compiled(r"(?:^|[.!?]\s*)$").search(text[:start])
        )
        counted = value > 1 or (_among_numbers(text, start, end) and unit is None)
        found.append(
            Quantity(frozenset({value}), start, end, unit, words=True,
                     soft=not counted or named)
        )
    return found


def _among_numbers(text: str, start: int, end: int) -> bool:
    """"four males and one female", "one or two doses": a "one" that counts, next to
    another number (not "one of them", "no one")."""
    near = text[max(0, start - 24) : start] + " " + text[end : end + 24]
    return bool(
        compiled(
            r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
            regex.IGNORECASE,
        ).search(near)
    )


def _soft_quantities(text: str, pattern: regex.Pattern[str] | None = None) -> list[Quantity]:
    return [
        Quantity(frozenset({Decimal(_SOFT_WORDS[m.group(0).casefold()])}), m.start(), m.end(),
                 words=True, soft=True)
        for m in (pattern or _SOFT_RE).finditer(text)
    ]


def compounds(text: str, tag: str) -> list[Quantity]:
    """Numbers that open a compound word ("двухнедельные", "dreitägig"): read only to find
    an English number written in words ("a two-week holiday")."""
    words = numwords.for_language(tag)
    if words is None:
        return []
    prefixes = _compound_prefixes(tag)
    found = []
    for match in compiled(r"[\p{L}\p{M}]{6,}").finditer(text):
        word = match.group(0).casefold()
        opened = [
            prefixes.values[word[:n]]
            for n in prefixes.lengths
            if n <= len(word) and word[:n] in prefixes.values
        ]
        for _order, value in sorted(opened):
            found.append(Quantity(frozenset({Decimal(value)}), match.start(), match.end(),
                                  words=True))
    return found


@dataclass(frozen=True)
class _Prefixes:
    values: dict[str, tuple[int, int]]
    """A number word (3 letters or more, above one) -> (its place in the language's words,
    its value): the order :func:`compounds` reports them in."""
    lengths: tuple[int, ...]


@functools.cache
def _compound_prefixes(tag: str) -> _Prefixes:
    """The number words a compound may open with, by length: a word is looked up once per
    length (~a dozen dict look-ups), not compared with each of the language's words."""
    words = numwords.for_language(tag)
    assert words is not None
    values = {
        prefix: (order, value)
        for order, (prefix, value) in enumerate(words.values.items())
        if len(prefix) >= 3 and value > 1
    }
    return _Prefixes(values, tuple(sorted({len(p) for p in values})))


def _share_range_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """"10-20 mg", "10 a 20 mg", "от 10 до 20 мг": the first number has the unit too."""
    shared = list(found)
    for i in range(len(shared) - 2, -1, -1):
        first, second = shared[i], shared[i + 1]
        if (
            first.unit is None and second.unit is not None and first.end <= second.start
            and not first.part_of_name and not _named_before(text, first.start)
        ):
            if _CONNECTOR.fullmatch(text, first.end, second.start) and (
                _year_like(text, first) <= _year_like(text, second)
            ):
                shared[i] = replace(first, unit=second.unit)
    return shared


def _year_like(text: str, quantity: Quantity) -> bool:
    """Four digits that may be a year: "from 94.2% in 2019 to 91.8%" is no range of percents
    (a year and a number are never the two ends of one range; two years may be)."""
    return bool(compiled(r"1[89]\d\d|20\d\d").fullmatch(text, quantity.start, quantity.end))


def _roman(numeral: str) -> int:
    """The value of a well-formed Roman numeral, or 0."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total if _to_roman(total) == numeral else 0


def _to_roman(number: int) -> str:
    out = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                           (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def _year_ranges(text: str) -> list[Quantity]:
    """"1957–58", "2019-20": the second year in full (1958, 2020), as a translation writes it."""
    found = []
    for match in _YEAR_RANGE.finditer(text):
        first = match.group(1) + match.group(2)
        tail = match.group(3)
        full = first[: len(first) - len(tail)] + tail
        start, end = match.span(3)
        found.append(Quantity(frozenset({Decimal(tail), Decimal(full)}), start, end))
    return found


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@functools.cache
def _group_separators(groups: str) -> regex.Pattern[str]:
    """What splits a number's digit groups in a locale (``regex.escape`` once per locale)."""
    return compiled("[" + regex.escape(groups + _SPACES) + "]")
