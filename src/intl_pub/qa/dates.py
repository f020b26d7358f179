"""Months, weekdays and clock times, in English and in any locale babel knows.

Names come from CLDR (babel): every month and weekday name, wide and abbreviated,
in format and stand-alone forms (Russian "марта" and "март"), found through
inflection with Snowball stems ("в марте", "по понедельникам"); Chinese and
Japanese "3月" with any digits. Clock times: "3 pm", "15:00", "3 p. m.", "下午3时",
"15 h 30"; the day periods ("de la tarde", "утра", "下午") and the hour words
("时", "Uhr", "h") come from babel's day periods and time skeletons.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time

import babel.dates
import regex
import snowballstemmer

from intl_pub.core.locales import cldr
from intl_pub.qa import stemming, units
from intl_pub.qa.text import compiled

_LETTER = r"[\p{L}\p{M}]"
_NAME = r"[\p{Latin}\p{Cyrillic}\p{Greek}]"
"""A letter that a number may end a name with (COVID-19 时 is "when COVID-19", no 7 pm)."""
_CJK_NUMERALS = "〇一二三四五六七八九十"
_AMBIGUOUS_EN = frozenset({"may", "march", "mar", "jan", "jun", "aug", "sep", "oct", "nov", "dec",
                           "apr", "sun", "sat", "wed", "mon", "fri", "tue", "thu"})
_EN_DATE_CONTEXT = compiled(
    r"(?:\b(?:in|since|by|until|till|from|of|early|late|mid|during|through|before|after|last|"
    r"next|this|on|every|each|between|and|to|or)[\s-]+$)",
    regex.IGNORECASE,
)
_EXTRA_WEEKDAYS = {
    "zh": {"星期天": 6, "礼拜天": 6, "礼拜日": 6, "周天": 6,
           **{f"礼拜{n}": i for i, n in enumerate("一二三四五六")}},
}
"""Weekday names CLDR lacks: spoken Chinese 星期天 and 礼拜一 (CLDR: 星期日, 星期一)."""
_NOT_AGE = r"(?![龄齡])"
"""15月龄 is an age of 15 months, no month of the year."""
_PLURAL_S = frozenset({"en", "es", "pt", "fr"})
"""Languages whose names take a plural "s": "on Saturdays", "los sábados", "les samedis"."""
_NOT_COUNTED = r"(?![次遍回个個天日周週年月十百千万萬剂劑片粒])"
"""After a short Chinese name (周三): no count follows it ("每周三次" is three times a week,
"周一次" once a week). Such a name needs no date beside it to answer an English weekday
(周一 is Monday), but it is never taken for a weekday the English lacks: 上周一直 is "all
last week"."""
_EXTRA_HOUR_WORDS = {"zh": ("点", "點"), "ja": ()}
"""Clock words CLDR's time formats lack: spoken Chinese "3点"."""


@dataclass(frozen=True)
class Name:
    """A month or weekday named in a text."""

    index: int
    """1-12 for a month, 0-6 (Monday first) for a weekday."""
    start: int
    end: int
    exact: bool
    """Written as CLDR writes it (not only through a stem or an abbreviation)."""


@dataclass(frozen=True)
class Clock:
    """A clock time in a text."""

    minutes: frozenset[int]
    """The minutes after midnight it may mean ("3:00" without am/pm: 180 or 900)."""
    start: int
    end: int
    hour: int
    minute: int


@dataclass(frozen=True)
class _Names:
    pattern: regex.Pattern[str]
    index: dict[str, int]
    """Casefolded name -> month (1-12) or weekday (0-6)."""
    short: frozenset[str]
    """Names that are only abbreviations ("mar", "sept"): they need a dot or a number."""
    stems: dict[str, int]
    stemmer: snowballstemmer.stemmer | None


def months(text: str, tag: str) -> list[Name]:
    """The months named in a prepared text."""
    return list(_find(text, tag, _month_names(tag), english_context=tag == "en"))


def weekdays(text: str, tag: str) -> list[Name]:
    """The weekdays named in a prepared text."""
    return list(_find(text, tag, _weekday_names(tag), english_context=tag == "en"))


def numeric_parts(text: str) -> list[tuple[int, int, int]]:
    """The numbers of dates written in digits (04.03.2020, 2020-03-04, 3/4/2020), with their
    spans: one of them is the month (a translation may name it: 2022年3月1日)."""
    return [
        (int(part.group(0)), *part.span())
        for match in compiled(r"\b\d{1,4}([./-])\d{1,2}\1\d{1,4}\b").finditer(text)
        for part in compiled(r"\d+").finditer(text, match.start(), match.end())
    ]


def broken(text: str, tag: str) -> list[tuple[int, int]]:
    """Dates written with digits whose month is gone or impossible ("月 11 日", "0 月 28 日")
    in languages that write the month as a number (3月, 3월)."""
    found = []
    for pattern in _broken_patterns(tag):
        found += [m.span() for m in pattern.finditer(text)]
    return found


@functools.cache
def _broken_patterns(tag: str) -> tuple[regex.Pattern[str], ...]:
    """:func:`broken`'s patterns, one per month suffix of the locale (worked out once: CLDR's
    month names cost more than the search, once per unit)."""
    suffixes = {compiled(r"\d+").sub("", name).strip()
                for name in cldr(tag).months["format"]["abbreviated"].values()
                if any(c.isdigit() for c in name)}
    patterns = []
    for suffix in sorted(suffixes - {""}):
        day = regex.escape(suffix)
        pattern = (rf"(?<![\d{_CJK_NUMERALS}每个個]\s?){day}\s?\d{{1,2}}"  # (每月30美元)
                   rf"|(?<!\d)(?:0+|1[3-9]|[2-9]\d)\s?{day}{_NOT_AGE}")
        patterns.append(compiled(pattern))
    return tuple(patterns)


def clocks(text: str, tag: str) -> list[Clock]:
    """The clock times written in a prepared text."""
    read: list[tuple[regex.Match[str], int, int, frozenset[int] | None]] = []
    periods = _periods(tag)
    has_digit = compiled(r"\d").search(text) is not None  # every clock has its hour in digits
    for match in _clock_pattern(tag).finditer(text) if has_digit else ():
        hour = int(match.group("h"))
        minute = int(
            match.group("m") or match.group("m2") or match.group("m3")
            or (30 if match.group("half") else 0)
        )
        if hour > 24 or minute > 59:
            continue
        period = match.group("p1") or match.group("p2")
        read.append((match, hour, minute, periods.get(_key(period)) if period else None))
    found = []
    for i, (match, hour, minute, hours) in enumerate(read):
        hours = hours or _range_period(text, read, i)
        if hours is None and match.group("m") and _twenty_four_hour(text, tag):
            hours = frozenset({hour % 24})  # "2:00" in Spanish is 2 am, as "02:00" in English
        found.append(Clock(_minutes(hour, minute, hours), match.start(), match.end(), hour, minute))
        if match.group("p2"):
            found += _range_opening(text, match.start(), hours, found)
    if tag == "en":
        found += _english_words(text)
    return found


def _range_period(
    text: str, read: list[tuple[regex.Match[str], int, int, frozenset[int] | None]], i: int
) -> frozenset[int] | None:
    """The day period of the other end of a range of times, when this end has none: 下午1:30至
    4:30 and "de 1:30 a 4:30 de la tarde" are both afternoon."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(read) and read[j][3] is not None:
            first, second = sorted((read[i][0], read[j][0]), key=lambda m: m.start())
            if _RANGE.fullmatch(text, first.end(), second.start()):
                return read[j][3]
    return None


_RANGE_START = compiled(
    r"(?<![\d.,:])(?P<h>\d{1,2})\s{0,2}(?:[-–—~〜～至到]|and|to|a|y|до|и)\s{0,2}(?:las?\s)?$",
    regex.IGNORECASE,
)
"""A bare hour that opens a range whose second time has a day period after it."""
_RANGE = compiled(
    r"\s{0,2}(?:[-–—~〜～至到]|a|y|to|до|и|-?\s?по)\s{0,2}(?:las?\s)?", regex.IGNORECASE
)
"""What joins the two times of a range: a dash, 至, "a (las)", "to", "до"."""


def _range_opening(
    text: str, start: int, hours: frozenset[int] | None, found: list[Clock]
) -> list[Clock]:
    """The bare hour that opens a range closed by a time with its day period after it ("8 to
    10 in the morning", "de 8 a 10 de la mañana"): a time of that period too."""
    opening = _RANGE_START.search(text, max(0, start - 12), start)
    if opening is None or any(c.end > opening.start() for c in found[:-1]):
        return []
    hour = int(opening.group("h"))
    if hour > 24:
        return []
    return [Clock(_minutes(hour, 0, hours), opening.start(), opening.end(), hour, 0)]


def _twenty_four_hour(text: str, tag: str) -> bool:
    """Whether an "H:MM" of the text is that hour of the day, not that hour or twelve later:
    in a language that writes the 24-hour clock (CLDR's time format has "H": es, ru, zh), and
    in an English text that does (it writes an hour past 12 or one with a leading zero)."""
    if tag != "en":
        return _writes_24_hours(tag)
    past_noon = compiled(r"(?<![\d.,:])(?:1[3-9]|2[0-4]|0\d)\s?[:：][0-5]\d(?!\d)")
    return past_noon.search(text) is not None


@functools.cache
def _writes_24_hours(tag: str) -> bool:
    return "H" in str(cldr(tag).time_formats["short"].pattern)


def _minutes(hour: int, minute: int, hours: frozenset[int] | None) -> frozenset[int]:
    """Minutes after midnight: "3" may be 3:00 or 15:00 unless a day period says which (its
    half of the day, where the hour is outside the period's CLDR hours: 晚上6点 is 18:00,
    早上8点 8:00)."""
    candidates = {hour % 24, (hour + 12) % 24} if hour <= 12 else {hour % 24}
    if hour == 12:
        candidates = {12, 0}
    if hours is not None and hour == 12 and (min(hours) >= 18 or max(hours) <= 5):
        return frozenset({minute})  # "las 12 de la noche", 晚上12点: midnight
    if hours is not None:
        half = {h for h in candidates if (h >= 12) == (min(hours) >= 12)}
        if max(hours) >= 12 > min(hours):  # a period across noon ("ночи" in CLDR) says no half
            half = candidates
        candidates = {h for h in candidates if h in hours} or half or candidates
    return frozenset(h * 60 + minute for h in candidates)


_HOUR_WORDS = {
    "es": r"(?<!\p{L})(?:(?P<m0>medianoche)|(?P<m12>mediod[ií]a))(?!\p{L})",
    "pt": r"(?<!\p{L})(?:(?P<m0>meia-noite)|(?P<m12>meio-dia))(?!\p{L})",
    "fr": r"(?<!\p{L})(?:(?P<m0>minuit)|(?P<m12>midi))(?!\p{L})",
    "it": r"(?<!\p{L})(?:(?P<m0>mezzanotte)|(?P<m12>mezzogiorno))(?!\p{L})",
    "de": r"(?<!\p{L})(?:(?P<m0>Mitternacht)|(?P<m12>Mittag))(?!\p{L})",
    "ru": r"(?<!\p{L})(?:(?P<m0>полноч\p{L}*|полуноч\p{L}*)|(?P<m12>полд\p{L}*|полудн\p{L}*))",
    "zh": r"(?P<m0>午夜|半夜|子夜)|(?P<m12>正午|中午)",
}  # fmt: skip
"""Midnight and noon in words. They answer an English "midnight" or "12 pm" ("a
medianoche", 午夜截止), but are no clock the English must have: 中午 is also "lunchtime"."""


def hour_words(text: str, tag: str) -> list[Clock]:
    """Midnight and noon written as words in a prepared text (:data:`_HOUR_WORDS`)."""
    pattern = _HOUR_WORDS.get(cldr(tag).language)
    if pattern is None:
        return []
    return [
        Clock(frozenset({hour * 60}), m.start(), m.end(), hour, 0)
        for m in compiled(pattern, regex.IGNORECASE).finditer(text)
        for hour in (0 if m.group("m0") else 12,)
    ]


def _english_words(text: str) -> list[Clock]:
    words = {"noon": 12, "midday": 12, "midnight": 0}
    return [
        Clock(frozenset({words[m.group(0).casefold()] * 60}), m.start(), m.end(),
              words[m.group(0).casefold()], 0)
        for m in compiled(r"\b(?:noon|midday|midnight)\b", regex.IGNORECASE).finditer(text)
    ]


def _find(text: str, tag: str, names: _Names, english_context: bool) -> Iterator[Name]:
    for match in names.pattern.finditer(text):
        word = match.group(0)
        key = _key(word)
        index = names.index.get(key, names.index.get(key.rstrip(".")))
        if index is None and key.endswith("s") and cldr(tag).language in _PLURAL_S:
            index = names.index.get(key[:-1])  # "on Sundays", "los sábados"
        exact = index is not None and key.rstrip(".") not in names.short
        if key.rstrip(".") in names.short and not _unspaced(key) and not _dated(text, match):
            continue  # (a short Chinese name, 周一, may answer the English: it is never "exact")
        if index is None and match.group("n"):
            index = int(match.group("n"))
            exact = 1 <= index <= 12
        if index is None and names.stemmer is not None:
            index = names.stems.get(names.stemmer.stemWord(key))
        if index is None or (english_context and not _english_date(text, match)):
            continue
        yield Name(index, match.start(), match.end(), exact)


def _english_date(text: str, match: regex.Match[str]) -> bool:
    """An English month or weekday: capitalized, and "May" or "March" opening a sentence
    only next to a number ("May cause drowsiness" is no date)."""
    word = match.group(0)
    if not word[0].isupper():
        return False
    after = text[match.end() :]
    if compiled(r"\s+\p{Lu}\p{Ll}").match(after) and not compiled(
        r"\s+(?:\p{Lu}\p{Ll}+day|January|February|March|April|May|June|July|August|September|"
        r"October|November|December)\b"
    ).match(after):
        return False  # June Almeida: a name
    if word.casefold().rstrip(".") not in _AMBIGUOUS_EN:
        return True
    opening = compiled(r"(?:^|[.!?:;\"“(]\s*)$").search(text[: match.start()]) is not None
    return not opening or _dated(text, match) or bool(
        _EN_DATE_CONTEXT.search(text[max(0, match.start() - 24) : match.start()])
    )


def _dated(text: str, match: regex.Match[str]) -> bool:
    """A number right before or after the name ("Sept. 3", "3 mar 2020")."""
    before, after = text[max(0, match.start() - 16) : match.start()], text[match.end() :]
    return bool(
        compiled(r"\.?,?\s*\d").match(after)
        or compiled(r"\d(?:st|nd|rd|th)?(?:\s+(?:of|de))?\s*$").search(before)
    )


@functools.cache
def _month_names(tag: str) -> _Names:
    data = cldr(tag).months
    return _names(tag, {
        (context, width): data[context][width]
        for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
    }, extra={"sept": 9} if cldr(tag).language == "en" else {})


@functools.cache
def _weekday_names(tag: str) -> _Names:
    data = cldr(tag).days
    return _names(tag, {
        (context, width): data[context][width]
        for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
    }, extra=_EXTRA_WEEKDAYS.get(cldr(tag).language, {}))


def _names(
    tag: str, tables: dict[tuple[str, str], dict[int, str]], extra: dict[str, int]
) -> _Names:
    """A pattern that finds any of the names, and the stems of the wide ones."""
    index: dict[str, int] = dict(extra)
    wide: set[str] = set(extra)
    stems: dict[str, int] = {}
    stemmer = _stemmer(cldr(tag).language)
    digit_forms: list[str] = []
    for (_, width), names in tables.items():
        for number, name in names.items():
            name = name.strip()
            if any(c.isdigit() for c in name):
                digit_forms.append(compiled(r"\d+").sub("", name))
                continue
            if width == "abbreviated" and len(name.rstrip(".")) < (2 if _unspaced(name) else 3):
                continue  # "周日" is a weekday; "mi" or "月" are too short to tell
            index.setdefault(_key(name), number)
            index.setdefault(_key(name).rstrip("."), number)
            if width == "wide":
                wide.add(_key(name))
            if width == "wide" and stemmer is not None:
                stems.setdefault(stemmer.stemWord(_key(name)), number)
    words = sorted(index, key=lambda w: (-len(w), w))
    alternatives = [
        _name_regex(w, plural=cldr(tag).language in _PLURAL_S and w in wide)
        + (_NOT_COUNTED if w not in wide and _unspaced(w) else "")
        for w in words
    ]
    if stemmer is not None:
        alternatives.append(rf"(?:{'|'.join(regex.escape(s) for s in stems)}){_LETTER}{{0,4}}")
    alternatives += [
        rf"(?<!\d)(?P<n>\d{{1,2}})\s?{regex.escape(rest)}{_NOT_AGE}" for rest in set(digit_forms)
        if rest
    ]
    if not any("(?P<n>" in a for a in alternatives):
        alternatives.append(r"(?P<n>(?!))")
    # every alternative starts with one of these: other positions fail at once, instead of
    # trying each name (a fifth of verifying a unit, before)
    firsts = {w[0] for w in words if w} | {s[0] for s in stems if s}
    first = rf"(?=[{regex.escape(''.join(sorted(firsts)))}\d])"
    pattern = compiled(
        rf"(?<![\p{{L}}\p{{M}}{_CJK_NUMERALS}]){first}(?:{'|'.join(alternatives)})"
        rf"(?!{_LETTER})"
        if cldr(tag).language not in ("zh", "ja", "ko", "th", "lo", "km", "my")
        else rf"(?<![{_CJK_NUMERALS}\d]){first}(?:{'|'.join(alternatives)})",
        regex.IGNORECASE,
    )
    short = frozenset(k.rstrip(".") for k in index if k not in wide) - wide
    return _Names(pattern, index, short, stems, stemmer)


def _name_regex(name: str, plural: bool = False) -> str:
    body = regex.escape(name.rstrip("."))
    dot = r"\.?" if name.endswith(".") or len(name) <= 4 else ""
    return body + dot + ("s?" if plural else "")


@functools.cache
def _periods(tag: str) -> dict[str, frozenset[int]]:
    """Day-period words (am, "de la tarde", "утра", "下午") -> the hours (0-23) they cover."""
    locale = cldr(tag)
    covers: dict[str, set[int]] = {"am": set(range(12)), "pm": set(range(12, 24))}
    for hour in range(24):
        for kind in ("format", "selection"):
            period = babel.dates.get_period_id(time(hour), locale=locale, type=kind)
            covers.setdefault(period, set()).add(hour)
    covers.setdefault("noon", set()).add(12)
    covers.setdefault("midnight", set()).add(0)
    found: dict[str, frozenset[int]] = {}
    for context in locale.day_periods.values():
        for width, names in context.items():
            for period, word in names.items():
                if (width == "narrow" and len(word) < 2) or period not in covers:
                    continue
                found.setdefault(_key(word), frozenset(covers[period]))
    if locale.language == "en":
        for word, period in (("a.m.", "am"), ("am", "am"), ("p.m.", "pm"), ("pm", "pm")):
            found.setdefault(word, frozenset(covers[period]))
    return found


@functools.cache
def _clock_pattern(tag: str) -> regex.Pattern[str]:
    """A time: "3:30", "3.30 pm", "下午3时", "15 Uhr", "3 de la tarde", "3点半"."""
    period = _alternation(_periods(tag))
    hour_word = _alternation(_hour_words(tag))
    unit_forms = set(units.lexicon(tag).units)
    alone = _alternation(w for w in _periods(tag) if w not in unit_forms)
    return compiled(
        rf"(?:(?P<p1>{period})\s?)?(?<![\d.,:])(?<!{_NAME}-?)(?P<h>\d{{1,2}})"
        rf"(?:\s?[:：]\s?(?P<m>[0-5]\d)(?!\d)(?:\s?{hour_word})?"
        rf"|\.(?P<m3>[0-5]\d)(?=\s?{period})"
        rf"|\s?{hour_word}(?:\s?(?P<m2>[0-5]?\d)(?!\d)\s?分|(?P<half>半))?"
        rf"|(?=\s?{alone}))"
        rf"(?:\s?(?P<p2>{period}))?",
        regex.IGNORECASE,
    )


@functools.cache
def _hour_words(tag: str) -> frozenset[str]:
    """What follows the hour of a clock time (not of a duration): "时", "時", "시", "Uhr"."""
    locale = cldr(tag)
    words = set(_EXTRA_HOUR_WORDS.get(locale.language, ()))
    written = babel.dates.format_skeleton("H", time(15), locale=locale)
    rest = written.replace("15", " ").strip()
    if rest and not any(c.isdigit() for c in rest):
        words.add(_key(rest))
    if locale.language == "en":
        words.update({"o'clock", "o’clock"})
    return frozenset(w for w in words if w)


def _alternation(words: object) -> str:
    """Words as alternatives, longest first; a spaced-script word must end at a word's end."""
    parts = []
    for word in sorted(words, key=lambda w: (-len(w), w)):  # type: ignore[call-overload]
        if not word:
            continue
        body = r"[\s\u00a0\u202f]?".join(regex.escape(p) for p in word.split())
        parts.append(body if _unspaced(word[-1]) or not word[-1].isalpha()
                     else body + rf"(?!{_LETTER})")
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _key(word: str) -> str:
    return " ".join(word.replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()


def _unspaced(word: str) -> bool:
    return bool(word) and bool(compiled(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]").match(word))


_INFLECTING = frozenset({"ru", "uk", "pl", "fi", "hu", "cs", "lt", "tr", "ar", "el", "sr",
                         "ro"})
"""Languages whose month and weekday names inflect ("января", "tammikuuta"): stemmed."""


def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    """Snowball's stemmer for a language whose names inflect, or None."""
    return stemming.stemmer(language) if language in _INFLECTING else None
