"""Phone and emergency numbers, compared digit for digit (the grouping may differ).

A phone number is 7 to 15 digits written in groups (``+44 20 7946 0958``,
``(555) 010-0199``, ``0800 123 456``), or an emergency or helpline number after a
word that calls it ("call 911", "dial 111"). Dates, year ranges and numbers
grouped in thousands ("2 240 191") are not phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from intl_pub.qa.risk import EMERGENCY_NUMBERS
from intl_pub.qa.text import WORD_LETTER, compiled

_GROUPED = compiled(
    rf"(?<!{WORD_LETTER}|[\d.,/+-])(?:\+\s?\d{{1,3}}[\s.-]?)?(?:\(\+?\d{{1,5}}\)[\s.-]?)?"
    rf"\d{{1,5}}(?:[ \u00a0.\-]\d{{1,5}}){{1,5}}(?!{WORD_LETTER}|\d|[.,]\d)"
)
_EMERGENCY = "|".join(regex.escape(n).replace(r"\ ", r"\s?") for n in EMERGENCY_NUMBERS)
_CALLED = compiled(
    r"\b(?:call|calling|dial|dialling|dialing|ring|phone|telephone|tel|text|contact|on)\.?\W{1,4}"
    rf"(?:\w+\W{{1,4}})?(?P<n>(?<!\d)(?:{_EMERGENCY})(?![\d.,]?\d))",
    regex.IGNORECASE,
)
_DATE_LIKE = compiled(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{4}\s?[-–]\s?\d{4}")
_DATED = compiled(r"\d{4}([./-])\d{1,2}\1\d{1,2}(?!\d)|\d{1,2}([./-])\d{1,2}\2\d{4}(?!\d)")
"""A run that opens with a whole date ("2023-11-08 14:00", "08.11.2023 14"): a date and a
time, no phone number."""
_THOUSANDS = compiled(r"\d{1,3}(?:[ \u00a0]\d{3})+")
_DIGIT_RUN = compiled(r"\+?\d(?:[\d \u00a0().\-]*\d)?")


@dataclass(frozen=True)
class Phone:
    """A phone number as written, and its digits."""

    digits: str
    start: int
    end: int


def find(text: str, english: bool) -> list[Phone]:
    """Phone numbers of a prepared text (English: emergency numbers called by name too)."""
    found = []
    for match in _GROUPED.finditer(text):
        written = match.group(0)
        digits = compiled(r"\D").sub("", written)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.fullmatch(written) or _DATED.match(written):
            continue
        if _THOUSANDS.fullmatch(written) or compiled(r"\d+(?:[.,]\d+)*").fullmatch(written):
            continue
        found.append(Phone(digits, match.start(), match.end()))
    if english:
        taken = [(p.start, p.end) for p in found]
        for match in _CALLED.finditer(text):
            start, end = match.span("n")
            if not any(s <= start < e for s, e in taken):
                found.append(Phone(compiled(r"\D").sub("", match.group("n")), start, end))
    return found


def digit_runs(text: str) -> set[str]:
    """The digits of every run of digits and separators, and of every number alone."""
    runs = {compiled(r"\D").sub("", m.group(0)) for m in _DIGIT_RUN.finditer(text)}
    return runs | set(compiled(r"\d+").findall(text))
