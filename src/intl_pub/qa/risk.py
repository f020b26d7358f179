"""Which English units are risky to publish unreviewed: doses, negation, phones, dates, drugs.

A unit is classified once, from its msgid (inline tokens such as ``<1>…</1>``
are read as spaces). The reasons are stable strings that the publishing gate,
the review queue and ``--json`` output share:

``dose``
    a quantity with a unit (``500 mg``, ``2.5 mL``, ``38 °C``, ``1/2 tablet``,
    ``two tablets``, ``10–20 units``, ``5%``) or a frequency (``twice a day``,
    ``three times daily``, ``every 6 hours``).
``negation``
    negation and prohibition (``not``, ``no``, ``never``, ``don't``, any
    ``n't``, ``must not``, ``avoid``, ``without``, ``stop``): a lost "not" in
    translation inverts advice.
``phone``
    a phone number: international (``+44 20 7946 0958``), national
    (``01632 960123``, ``(555) 010-0199``), or an emergency or helpline number
    (999, 911, 111, 112, 988, …) standing alone.
``date``
    a date (``3 November``, ``Dec 1, 2026``, ``01/12/2026``, ``2026-12-01``), a
    weekday, a clock time (``12:00``, ``9 am``, ``noon``) or a duration
    (``30 minutes``, ``within 48 hours``).
``critical-term``
    a term the glossary or ``[risk] critical_terms`` marks as critical, such as
    a drug name (matched whole, case-insensitively, plural ``s`` allowed).

Decided on purpose, to keep ordinary paragraphs publishable:

* a number without a unit is not a dose (``Section 2``, ``12 rooms``, ``aged 65``);
  the ``numbers`` QA check already keeps every number of the source;
* a year alone (``in 2025``, ``© 2026``) is not a date: it steers no care;
  a month with a day or a year is;
* ``No.``/``no.`` before a number is the abbreviation of "number", not a negation;
  words that only start with "no"/"not" (``note``, ``notable``) are none either
  (``nothing``, ``none``, ``nobody`` are);
* a clock time is ``12:00``, ``9 am`` or ``9.30am``, never ``2.50`` (that is a dose);
* vague spans (``a few minutes``) are no duration, ``two weeks`` and ``48 hours`` are;
  years are no duration (``after two years of work``);
* a month counts only with a day or a year (``May`` and ``March`` are also verbs);
  ``Sat``, ``Sun``, ``Wed`` are words, so only full weekday names count;
* an emergency number after a label word (``Room 111``, ``Ward 999``) is no phone.

Everything is extendable from ``intl-pub.toml``::

    [risk]
    extra_units = ["drops", "sprays"]          # quantity units (after a number)
    extra_negations = ["refuse", "forbidden"]  # words or phrases
    critical_terms = ["amoxicillin"]           # besides the glossary's
    ignore = ["bus stop", "no-reply"]          # phrases never read as risky
    disable = ["date"]                         # reasons not to report
    [risk.patterns]                            # extra regular expressions per reason
    phone = ['\\bSHOUT\\b']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from intl_pub.core.risk_settings import (  # noqa: F401  (the reasons are risk's vocabulary)
    CRITICAL_TERM,
    DATE,
    DEFAULT_CRITICAL_TERMS,
    DEFAULT_IGNORE,
    DEFAULT_NEGATIONS,
    DEFAULT_UNITS,
    DOSE,
    NEGATION,
    PHONE,
    REASONS,
    RiskSettings,
)
from intl_pub.segment import tokens

EMERGENCY_NUMBERS = ("999", "911", "111", "112", "000", "988", "116 123", "116123", "119", "110")
"""Emergency and helpline numbers that are phones even when short."""

_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "half(?: an?)?", "a half", "a quarter", "quarter of an?", "one and a half",
)
_NUM = r"(?:\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?|[½¼¾⅓⅔⅛]|\d+\s*[½¼¾⅓⅔])"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|—|to|or|and)\s*{_NUM})?"
_WORD_NUM = rf"(?:{'|'.join(_NUMBER_WORDS)})"
_FREQUENCY = (
    rf"\b(?:once|twice|thrice|{_RANGE}\s*(?:x|times?)|{_WORD_NUM}\s+times)"
    r"\s+(?:a|an|per|each|every)\s+(?:day|night|week|hour|month)\b"
    rf"|\b(?:once|twice|thrice|{_WORD_NUM}\s+times|{_RANGE}\s*(?:x|times))\s+(?:daily|weekly)\b"
    rf"|\bevery\s+(?:{_RANGE}|{_WORD_NUM})?\s*(?:-\s*)?(?:to\s+\w+\s+)?"
    r"(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?)\b"
    r"|\b(?:once|twice) (?:daily|a day|nightly)\b"
)
_LABELS = (
    r"(?:room|ward|bed|floor|level|section|page|suite|building|bus|route|unit|bay|"
    r"gate|door|table|figure|chapter|item|no\.?|number|#)"
)
# A month counts only next to a day or a year: "May" and "March" are words too.
_ANY_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (
    rf"\b{_DAY}\s+(?:of\s+)?{_ANY_MONTH}(?:,?\s+\d{{4}})?\b"
    rf"|\b{_ANY_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?\b(?!\s*(?:mg|ml|%|°))"
    rf"|\b{_ANY_MONTH},?\s+\d{{4}}\b"
    r"|\b\d{4}-[01]\d-[0-3]\d\b"
    r"|\b[0-3]?\d[/.][01]?\d[/.](?:\d{4}|\d{2})\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Tues|Thurs)s?\b"
    r"|\b[Ww]eek(?:days?|ends?)\b"
)
_TIME = (
    r"\b(?:[01]?\d|2[0-3]):[0-5]\d(?:\s*(?:[ap]\.?m\.?|h|hrs))?\b(?![.,:]\d)"
    r"|\b(?:1[0-2]|0?[1-9])\.[0-5]\d\s*(?:[ap]\.m\.|[ap]m\b)"  # 9.30am, never 2.50 (mg)
    r"|\b(?:1[0-2]|0?[1-9])\s*(?:[ap]\.m\.|[ap]m\b)"
    r"|\b(?:noon|midday|midnight)\b|\b\d{1,2}\s+o['’]clock\b"
)
_DURATION = (
    rf"\b(?:{_RANGE}|{_WORD_NUM})\s*(?:-\s*)?"
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b"
)




@functools.lru_cache(maxsize=1 << 18)
def classify(msgid: str, settings: RiskSettings | None = None) -> frozenset[str]:
    """The reasons why ``msgid`` is risky to publish unreviewed (empty: not risky).

    Cached: the same English recurs across locales, runs and the queue.
    """
    settings = settings or RiskSettings()
    return _reasons(msgid, _compile(settings)) - settings.disabled


def _reasons(msgid: str, rules: _Rules, prefilter: bool = True) -> frozenset[str]:
    """Every rule's verdict. With ``prefilter``, a rule whose words cannot be in the text
    (no digit and no number word for a dose) is not run: the patterns cost ~0.5 ms a
    paragraph, and a first publish classifies every paragraph of the blog."""
    text = tokens.TOKEN_RE.sub(" ", msgid)
    text = rules.ignore.sub(" ", text) if rules.ignore else text
    hints = _Hints(text, prefilter)
    found = {
        reason
        for reason, pattern, needs in rules.patterns
        if hints.may_match(needs) and pattern.search(text)
    }
    # "every 6 hours" is a dosing frequency (dose), not also a duration (date).
    if (
        hints.may_match(_NEEDS_DURATION)
        and hints.may_match(_NEEDS_DURATION_UNIT)
        and rules.duration.search(
            rules.frequency.sub(" ", text) if hints.may_match(_NEEDS_FREQUENCY) else text
        )
    ):
        found.add(DATE)
    if hints.may_match(_NEEDS_PHONE) and _has_phone(text, rules):
        found.add(PHONE)
    return frozenset(found)


@dataclass(frozen=True)
class _Needs:
    """What a rule's every match holds: a digit (when ``digit``), or one of ``raw`` as
    written, or one of ``folded`` in the casefolded text. None: the rule always runs."""

    digit: bool = False
    raw: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()
    near: re.Pattern[str] | None = None
    """Or a text this (cheap) pattern finds something in."""


_NUMBER_HINTS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "half", "quarter",
)  # fmt: skip
"""A substring of every alternative of _WORD_NUM."""
_NEEDS_QUANTITY = _Needs(digit=True)
_NEEDS_COUNTED = _Needs(folded=_NUMBER_HINTS)
_NEEDS_FREQUENCY = _Needs(
    folded=("once", "twice", "thrice", "time", "every"), near=re.compile(r"[\d½¼¾⅓⅔⅛]\s*x", re.I)
)
"""Every alternative of _FREQUENCY holds one of these words, or "x" after a number ("3x")."""
_NEEDS_DURATION = _Needs(digit=True, folded=_NUMBER_HINTS)
_NEEDS_DURATION_UNIT = _Needs(folded=("sec", "min", "hour", "hr", "day", "week", "month"))
"""A duration also needs its unit: one of these is in each of _DURATION's unit words."""
_NEEDS_DATE = _Needs(digit=True, raw=("day", "Tues", "Thurs", "eek"))  # _DATE is case-sensitive
_NEEDS_TIME = _Needs(digit=True, folded=("noon", "midday", "midnight"))
_NEEDS_PHONE = _Needs(digit=True)
_DIGIT = re.compile(r"[\d½¼¾⅓⅔⅛]")
"""What _NUM starts with (``\\d`` as the patterns read it: any decimal digit)."""


class _Hints:
    """What a text holds, found once for all the rules (``prefilter`` False: every rule
    may match)."""

    def __init__(self, text: str, prefilter: bool = True) -> None:
        self.prefilter = prefilter
        self.text = text
        # re.IGNORECASE also matches "ı" and "İ" to "i" (casefold makes "İ" "i" and a
        # combining dot); casefold maps "ſ" and the Kelvin sign.
        self.folded = text.casefold().replace("ı", "i").replace("i\u0307", "i")
        self.digit = _DIGIT.search(text) is not None

    def may_match(self, needs: _Needs | None) -> bool:
        if needs is None or not self.prefilter:
            return True
        return (
            (needs.digit and self.digit)
            or any(word in self.text for word in needs.raw)
            or any(word in self.folded for word in needs.folded)
            or (needs.near is not None and needs.near.search(self.text) is not None)
        )


def ordered(reasons: Iterable[str]) -> list[str]:
    """Reasons in the order of :data:`REASONS` (for display and JSON)."""
    rank = {r: i for i, r in enumerate(REASONS)}
    return sorted(set(reasons), key=lambda r: (rank.get(r, len(rank)), r))


@dataclass(frozen=True)
class _Rules:
    patterns: tuple[tuple[str, re.Pattern[str], _Needs | None], ...]
    frequency: re.Pattern[str]
    duration: re.Pattern[str]
    ignore: re.Pattern[str] | None
    emergency: re.Pattern[str]
    phone: re.Pattern[str]


@functools.cache
def _compile(settings: RiskSettings) -> _Rules:
    units = "|".join(sorted(settings.units, key=len, reverse=True))
    # A dose is a number and a unit, a number word and a unit, or a frequency: three
    # patterns, so that each runs only when its own words can be in the text.
    quantity = re.compile(
        rf"(?<![\w.]){_RANGE}\s*(?:-\s*|an?\s+)?(?:{units})(?![^\W\d_])", re.IGNORECASE
    )
    counted = re.compile(rf"\b{_WORD_NUM}\s+(?:{units})(?![^\W\d_])", re.IGNORECASE)
    frequency = re.compile(_FREQUENCY, re.IGNORECASE)
    negations = "|".join(
        r"\s+".join(map(re.escape, n.split())) for n in sorted(settings.negations, key=len,
                                                               reverse=True)
    )
    # "No. 5" / "nos. 3-4" abbreviate "number"; "no-one" is still a negation.
    negation = re.compile(
        rf"(?<![\w'’-])(?:{negations})(?![\w'’]|\.\s*\d|-(?!one\b))"
        r"|\b\w+n['’]t\b",
        re.IGNORECASE,
    )
    negation_words = tuple(n.split()[0].casefold() for n in settings.negations if n.split())
    rules: list[tuple[str, re.Pattern[str], _Needs | None]] = [
        (DOSE, quantity, _NEEDS_QUANTITY),
        (DOSE, counted, _NEEDS_COUNTED),
        (DOSE, frequency, _NEEDS_FREQUENCY),
        (NEGATION, negation, _Needs(folded=(*negation_words, "n't", "n’t"))),
        (DATE, re.compile(_DATE), _NEEDS_DATE),
        (DATE, re.compile(_TIME, re.IGNORECASE), _NEEDS_TIME),
    ]
    if settings.critical_terms:
        terms = "|".join(
            r"\s+".join(map(re.escape, t.split()))
            for t in sorted(settings.critical_terms, key=len, reverse=True)
        )
        first = tuple(t.split()[0].casefold() for t in settings.critical_terms if t.split())
        rules.append(
            (
                CRITICAL_TERM,
                re.compile(rf"(?<!\w)(?:{terms})(?:e?s)?(?!\w)", re.I),
                _Needs(folded=first),
            )
        )
    rules += [(reason, re.compile(regex), None) for reason, regex in settings.patterns]
    ignore = (
        re.compile("|".join(re.escape(p) for p in settings.ignore), re.IGNORECASE)
        if settings.ignore
        else None
    )
    emergency = "|".join(re.escape(n).replace(r"\ ", r"\s?") for n in EMERGENCY_NUMBERS)
    return _Rules(
        patterns=tuple(rules),
        frequency=frequency,
        duration=re.compile(_DURATION, re.IGNORECASE),
        ignore=ignore,
        emergency=re.compile(rf"(?<![\w.,/£$€¥+-])(?:{emergency})(?![\w.,/%°-]?\d)"),
        phone=re.compile(r"(?<![\w/.-])(?:\+|\(\+?)?\d[\d\s().-]{5,}\d(?![\w/])"),
    )


_LABEL_BEFORE = re.compile(rf"\b{_LABELS}\s*$", re.IGNORECASE)
_CALL_BEFORE = re.compile(
    r"\b(?:call|calling|dial|dialling|dialing|ring|phone|telephone|tel|text|contact|NHS|on)"
    r"\W{1,4}(?:\w+\W{1,4}){0,1}$",
    re.IGNORECASE,
)


def _has_phone(text: str, rules: _Rules) -> bool:
    """An emergency number called or standing alone, or 7–15 digits grouped like a phone."""
    for match in rules.emergency.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if _LABEL_BEFORE.search(before):
            continue  # Room 111, Ward 999
        if _CALL_BEFORE.search(before) or not re.match(r"\s*[^\W\d_]", after):
            return True  # "call 111 now"; "…, 999." (not "119 patients")
    blanked = re.sub(_DATE, " ", text)
    for match in rules.phone.finditer(blanked):
        number = match.group(0)
        digits = re.sub(r"\D", "", number)
        grouped = bool(re.search(r"\d[\s().-]+\d", number)) or number.startswith("+")
        decimal = re.fullmatch(r"\d+(?:[.,]\d+)*", number) is not None
        if 7 <= len(digits) <= 15 and grouped and not decimal:
            return True
    return False


