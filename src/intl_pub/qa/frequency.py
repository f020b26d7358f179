"""How often: "twice a day" is "dos veces al día", not "tres veces" nor "a la semana".

A dose's frequency is where a changed word does most harm, and the number rules do not see
it: "twice" is a number a translation need not write as one, and a translation's number words
("dos", "две", 两) are never required, since they also stand for "a" ("una", один, 一). So
the multipliers (once, twice, three times; "veces", "раз", 次) and the periods (a day, a week,
hourly; "al día", "в неделю", 每天) of both texts are read here and compared: a translation
that names a multiplier or a period must name the English's. One that names none paraphrases
("cada 12 horas" for "twice a day") and is left to the other rules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from intl_pub.core.locales import cldr
from intl_pub.qa.text import compiled

_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "twelve": 12},
    "es": {"una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
           "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12},
    "ru": {"один": 1, "одного": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
           "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "двенадцать": 12},
    "zh": {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10, "十二": 12},
}  # fmt: skip
"""Number words a multiplier is written with (in words or digits)."""

_TIMES = {
    "en": (r"(?<![\p{L}])(?:(?P<once>once)|(?P<twice>twice)|(?P<thrice>thrice)"
           r"|(?<!\bat\s|\bsome\s|\bmany\s){first}(?<!\d)(?P<n>\d+|{words})\s+times)(?![\p{L}])"
           r"(?!\s+(?:higher|more|greater|lower|less|larger|smaller|as|the))"),
    "es": (r"(?<![\p{L}]){first}(?<!\d)(?P<n>\d+|{words})\s+(?:vez|veces)(?![\p{L}])"
           r"(?!\s+(?:m[aá]s|mayor|menor|superior|inferior))"),
    "ru": (r"(?<![\p{L}])(?:(?P<twice>дважды)|(?P<thrice>трижды)"
           r"|(?<!(?<![\p{L}])в\s){first}(?<!\d)(?P<n>\d+|{words})\s+раз(?:а)?)(?![\p{L}])"),
    "zh": r"(?<![第各\d一二两三四五六七八九十])(?<!各\p{Han}){first}(?P<n>\d+|{words})\s?次(?!性)",
}  # fmt: skip
"""A multiplier: "twice", "3 times"; "dos veces"; "дважды", "3 раза"; 两次 (not 第一次, the
first time, nor 各(服)一次, once each, nor 一次性, disposable; nor a factor: "3 times higher",
"tres veces mayor", "в три раза"); with the first of a choice ("una o dos veces", "один-два
раза", 1-2次)."""
_SAID = {"once": 1, "twice": 2, "thrice": 3}
"""Multipliers that are one word ("дважды" and "трижды" are read into the same groups)."""
_TIMES_KEYS = {"en": ("once", "twice", "thrice", "times"), "es": ("vez", "veces"),
               "ru": ("раз", "дважды", "трижды"), "zh": ("次",)}
"""What every multiplier of the language holds (a text without any has none to read)."""
_FIRST = (r"(?:(?<!\d)(?P<first>\d+|{words})\s?(?:-|–|—|~|/|o|u|a|y|or|to|или|и|до|或|到|至)\s?)?")

_PERIODS = {
    "en": {
        "hour": r"(?:a|an|per|each|every)\s+hour|hourly",
        "other day": r"every\s+(?:other|second)\s+day|on\s+alternate\s+days",
        "day": r"(?:a|per|each|every)\s+day|daily|nightly|(?:a|per|each|every)\s+night",
        "week": r"(?:a|per|each|every)\s+week|weekly",
        "month": r"(?:a|per|each|every)\s+month|monthly",
        "year": r"(?:a|per|each|every)\s+year|yearly|annually",
    },
    "es": {
        "hour": r"(?:a\s+la|por|cada)\s+hora",
        "other day": r"cada\s+(?:dos|2)\s+d[ií]as|en\s+d[ií]as\s+alternos|d[ií]a\s+por\s+medio",
        "day": r"(?:al|por|cada)\s+d[ií]a(?!\s+siguiente)|diari[oa]s?|diariamente"
               r"|(?:por|cada)\s+noche|todos\s+los\s+d[ií]as|todas\s+las\s+noches",
        "week": r"(?:a\s+la|por|cada|en\s+la)\s+semana|semanal(?:es|mente)?|todas\s+las\s+semanas",
        "month": r"(?:al|por|cada)\s+mes|mensual(?:es|mente)?",
        "year": r"(?:al|por|cada)\s+año|anual(?:es|mente)?",
    },
    "ru": {
        "hour": r"в\s+час|ежечасн\p{L}*|каждый\s+час",
        "other day": r"через\s+день|каждые\s+(?:два|2)\s+дня",
        "day": r"в\s+(?:день|сутки)(?!\s+(?!во?\b|с\b|на\b|по\b|за\b|и\b|или\b|до\b|после\b)"
               r"\p{L}+(?:а|я|и|ы|ов)\b)|ежедневн\p{L}*|каждый\s+день|ежесуточн\p{L}*",
        "week": r"в\s+неделю|еженедельн\p{L}*|каждую\s+неделю",
        "month": r"в\s+месяц|ежемесячн\p{L}*|каждый\s+месяц",
        "year": r"в\s+год|ежегодн\p{L}*|каждый\s+год",
    },
    "zh": {
        "hour": r"每(?:个)?小时|每钟头",
        "other day": r"隔天|隔日|每两天|每隔一天",
        "day": r"每(?:天|日|晚)|日服|一[天日](?=\s?(?:\d+|[一二两三四五六七八九十]+)\s?次)",
        "week": r"每(?:个)?(?:周|星期|礼拜)"
                r"|一(?:周|星期|礼拜)(?=\s?(?:\d+|[一二两三四五六七八九十]+)\s?次)",
        "month": r"每(?:个)?月",
        "year": r"每年",
    },
}  # fmt: skip
"""How often: per hour, day, week, month, year (Chinese 一天 only before a count: 一天两次)."""


@dataclass(frozen=True)
class Said:
    """A multiplier or a period as written."""

    value: int | str
    """The multiplier (2 for "twice") or the period ("day")."""
    start: int
    end: int


def times(text: str, tag: str) -> list[Said]:
    """The multipliers of a prepared text ("twice", "3 veces", "дважды", 两次)."""
    language = _language(tag)
    if language is None:
        return []
    words = _WORDS[language]
    folded = text.casefold()
    if not any(key in folded for key in _TIMES_KEYS[language]):  # most texts: no multiplier
        return []
    found = []
    for match in _times_pattern(language).finditer(text):
        groups = match.groupdict()
        said = next((n for name, n in _SAID.items() if groups.get(name)), None)
        value = said if said is not None else _value(groups["n"], words)
        found.append(Said(value, match.start(), match.end()))
        if groups.get("first"):
            found.append(Said(_value(groups["first"], words), match.start(), match.end()))
    return found



def _value(number: str, words: dict[str, int]) -> int:
    number = number.casefold()
    return int(number) if number.isdigit() else words[number]


def periods(text: str, tag: str) -> list[Said]:
    """The periods of a prepared text ("a day", "a la semana", "в сутки", 每天)."""
    language = _language(tag)
    if language is None:
        return []
    return [Said(str(m.lastgroup).replace("_", " "), m.start(), m.end())
            for m in _periods_pattern(language).finditer(text)]


@functools.cache
def _periods_pattern(language: str) -> regex.Pattern[str]:
    """Every period of the language in one pattern, a named group each (one scan a text)."""
    left, right = ("", "") if language == "zh" else (r"(?<![\p{L}])", r"(?![\p{L}])")
    groups = "|".join(f"(?P<{period.replace(' ', '_')}>{pattern})"
                      for period, pattern in _PERIODS[language].items())
    return compiled(rf"{left}(?:{groups}){right}", regex.IGNORECASE)


def conflicts(english: list[Said], translated: list[Said]) -> list[tuple[Said | None, Said]]:
    """(English, translation) pairs that disagree: each value the translation names that the
    English does not, with its English counterpart when the English names exactly one (else
    None). Nothing when either names none (a paraphrase, or a count: "4 doses" may be 4次),
    nor for an English value the translation leaves out where the English names several
    ("once a week, not every day": "no todos los días")."""
    if not english or not translated:
        return []
    wanted = {s.value for s in english}
    only = english[0] if len(wanted) == 1 else None
    return [(only, s) for s in translated if s.value not in wanted]


def _language(tag: str) -> str | None:
    language = cldr(tag).language
    return language if language in _WORDS else None


@functools.cache
def _times_pattern(language: str) -> regex.Pattern[str]:
    words = "|".join(sorted(map(regex.escape, _WORDS[language]), key=lambda w: (-len(w), w)))
    pattern = _TIMES[language].replace("{first}", _FIRST)
    return compiled(pattern.replace("{words}", words), regex.IGNORECASE)
