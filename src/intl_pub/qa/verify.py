"""Verify a machine translation against its English: what a reader acts on must be there.

Every number of the English in the locale's form (``1,000.5``, ``1 000,5``,
``1.000,5``; ranges, fractions, percent, words, 万/亿), with its unit and
magnitude (mg is no g, °C is no °F); months, weekdays and clock times; phone
numbers digit for digit; negation; drug names and the glossary's critical terms;
the inline markup tokens. Each failure names the English span that is not matched
and the translated span involved, so a translator sees what does not match.

A sentence with nothing checkable passes. The rules are in sibling modules
(:mod:`numbers`, :mod:`units`, :mod:`numwords`, :mod:`dates`, :mod:`phones`,
:mod:`negation`, :mod:`terms`); this one runs them in order, each rule taking
out what it has read (a phone number is no count of anything, the 3 of 3月 is a
month) before the next looks.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

from intl_pub.core.locales import cldr
from intl_pub.core.model import Glossary, Locale
from intl_pub.qa import (
    dates,
    frequency,
    negation,
    negation_anchors,
    negation_slots,
    numbers,
    phones,
    punctuation,
    terms,
)
from intl_pub.qa.text import blank, compiled, prepare, snippet
from intl_pub.segment import tokens

_T = TypeVar("_T")

KINDS = ("token", "number", "unit", "date", "time", "phone", "negation", "term")
"""Every kind of failure, in the order a translator should look at them."""


@dataclass(frozen=True)
class Failure:
    """One thing of the English that the translation does not carry."""

    kind: str
    """``number``, ``unit``, ``date``, ``time``, ``phone``, ``negation``, ``term`` or ``token``."""
    english: str
    """The English span that is not matched."""
    translation: str
    """The translated span involved ("" when absent)."""
    message: str
    """One line a translator understands: what does not match."""


@dataclass
class _Pair:
    """The two prepared texts, and what the rules have read so far."""

    english: str
    translation: str
    locale: Locale
    taken_en: list[tuple[int, int]] = field(default_factory=list)
    taken_tr: list[tuple[int, int]] = field(default_factory=list)
    explained: set[Decimal] = field(default_factory=set)
    """Numbers the translation may write that the English has as words or names (a month,
    a clock's hour)."""

    @property
    def tag(self) -> str:
        return self.locale.tag

    def left_en(self) -> str:
        return blank(self.english, self.taken_en)

    def left_tr(self) -> str:
        return blank(self.translation, self.taken_tr)


def verify(
    english: str, translation: str, locale: Locale, glossary: Glossary | None = None
) -> list[Failure]:
    """Everything of ``english`` that ``translation`` (into ``locale``) does not carry.

    Empty when the translation carries every number, unit, date, time, phone number,
    negation, drug name and critical term of the English, and its markup tokens.
    """
    if not translation.strip() or not english.strip():
        return []
    found = list(_tokens(english, translation))
    pair = _Pair(prepare(english), prepare(translation), locale)
    for rule in (_phones, _clocks, _names, _identifiers, _numbers, _frequency, _negation):
        found += rule(pair)
    found += _terms(pair, glossary)
    return sorted(found, key=lambda f: KINDS.index(f.kind))


def _read_english(finder: Callable[..., Sequence[_T]], *args: object) -> list[_T]:
    """What ``finder(*args)`` reads in an English text, remembered: a page is verified in
    each of its languages, and the English side (a third to a half of the work) is the
    same for all of them. A new list each call; the items are frozen."""
    return list(_read_english_once(finder, *args))


@functools.lru_cache(maxsize=8192)
def _read_english_once(finder: Callable[..., Sequence[_T]], *args: object) -> tuple[_T, ...]:
    return tuple(finder(*args))


def _tokens(english: str, translation: str) -> Iterable[Failure]:
    wrong = tokens.check(english, translation)
    if wrong:
        yield Failure(
            "token",
            " ".join(m.group(0) for m in tokens.TOKEN_RE.finditer(english)),
            " ".join(m.group(0) for m in tokens.TOKEN_RE.finditer(translation)),
            f"markup tokens do not match the English: {wrong}",
        )


def _phones(pair: _Pair) -> list[Failure]:
    """Phone numbers digit for digit; the translation's nearest spelling of a missing one is
    named (and read as that phone number, not as a number the English lacks)."""
    found = []
    english = _read_english(phones.find, pair.english, True)
    candidates = phones.find(pair.translation, english=False)
    digits_tr = phones.digit_runs(pair.translation)
    pair.taken_tr += [(c.start, c.end) for c in candidates]
    for phone in english:
        pair.taken_en.append((phone.start, phone.end))
        if len(phone.digits) <= 6:  # "call 999": the translation's 999 is that phone number
            _take_plain(pair, phone.digits, 99)
        if any(c.digits == phone.digits for c in candidates) or phone.digits in digits_tr:
            continue
        said = snippet(pair.english, phone.start, phone.end)
        near = _nearest_phone(pair, phone.digits)
        found.append(Failure(
            "phone", said, near, f"the phone number {said} is not in the translation digit for"
            " digit" + (f" ({near})" if near else ""),
        ))
    return found


def _nearest_phone(pair: _Pair, digits: str) -> str:
    """The translation's run of digits one or two edits away from ``digits`` (taken), or ""."""
    runs = [m for m in compiled(r"\+?\d(?:[\d \u00a0().\-]*\d)?").finditer(pair.left_tr())]
    scored = [(Levenshtein.distance(compiled(r"\D").sub("", m.group(0)), digits), m) for m in runs]
    close = [(d, m) for d, m in scored if d <= max(1, len(digits) // 4)]
    if not close:
        return ""
    match = min(close, key=lambda dm: dm[0])[1]
    pair.taken_tr.append(match.span())
    return snippet(pair.translation, *match.span())


def _clocks(pair: _Pair) -> list[Failure]:
    english = _read_english(dates.clocks, pair.left_en(), "en")
    translated = dates.clocks(pair.left_tr(), pair.tag)
    pair.taken_en += [(c.start, c.end) for c in english]
    pair.taken_tr += [(c.start, c.end) for c in translated]
    hours = {Decimal(m // 60) for c in english for m in c.minutes}
    hours |= {Decimal(h) for c in english for h in (c.hour, (c.hour + 12) % 24, c.hour % 12)}
    pair.explained |= hours | {Decimal(c.minute) for c in english}
    plain = numbers.find(pair.left_tr(), pair.tag) if english else []
    words = dates.hour_words(pair.left_tr(), pair.tag) if english else []
    found = []
    for clock in english:
        if any(t.minutes & clock.minutes for t in translated + words):
            continue
        wanted = {Decimal(m // 60) for m in clock.minutes} | {Decimal(clock.hour)}
        if any(q.values & wanted for q in plain) and (
            clock.minute == 0 or any(Decimal(clock.minute) in q.values for q in plain)
        ):
            continue
        said = snippet(pair.english, clock.start, clock.end)
        found.append(Failure("time", said, _nearest(pair, translated),
                             f"the time {said} is not in the translation"))
    for clock in translated:
        if not any(t.minutes & clock.minutes for t in english):
            said = snippet(pair.translation, clock.start, clock.end)
            found.append(Failure("time", "", said,
                                 f"the time {said} of the translation is not in the English"))
    return found


def _names(pair: _Pair) -> list[Failure]:
    """Months and weekdays of the English, in the translation (and none it lacks)."""
    found = []
    left_tr = pair.left_tr()
    numeric = {value for value, _, _ in dates.numeric_parts(left_tr)}
    digits = [d for d in dates.numeric_parts(pair.left_en()) if 1 <= d[0] <= 12]
    for kind, finder, wide in (
        ("month", dates.months, _month_name), ("weekday", dates.weekdays, _weekday_name)
    ):
        english = _read_english(finder, pair.left_en(), "en")
        translated = finder(left_tr, pair.tag)
        pair.taken_tr += [  # the 3 of 3月 is a month, not a number (月 stays: 3月4日)
            (n.start + m.start(), n.start + m.end())
            for n in translated if kind == "month"
            for m in compiled(r"\d+").finditer(pair.translation[n.start : n.end])
        ]
        have = {n.index for n in translated}
        months = digits if kind == "month" else []  # (a date in digits names no weekday)
        if kind == "month":  # 01/03/2022 as 2022年3月1日: the 3 is said by 3月
            pair.explained |= {Decimal(n.index) for n in english}
            pair.taken_en += [(s, e) for value, s, e in months if value in have]
        for name in _unique(english):
            if name.index in have or (kind == "month" and name.index in numeric):
                continue
            said = snippet(pair.english, name.start, name.end)
            found.append(Failure(
                "date", said, "",
                f"{said} is not in the translation (expected {wide(name.index, pair.tag)})",
            ))
        wanted = {n.index for n in english} | {value for value, _, _ in months}
        for start, end in dates.broken(left_tr, pair.tag) if kind == "month" else []:
            said = snippet(pair.translation, start, end)
            found.append(Failure("date", "", said, f"{said} in the translation is no date"))
        for name in _unique(n for n in translated if n.exact and n.index not in wanted):
            said = snippet(pair.translation, name.start, name.end)
            found.append(Failure(
                "date", "", said, f"{said} in the translation is no {kind} of the English"
            ))
    return found


def _identifiers(pair: _Pair) -> list[Failure]:
    """Names with digits (COVID-19, N95, B0AT1, H1N1, HCoV-229E) are kept as written: the
    digits of each, in order, must be those of a name of the translation (or, for a name
    with one number, that number: "коронавирусной инфекцией 19 (COVID-19)")."""
    english = _read_english(numbers.identifiers, pair.left_en(), "en")
    translated = numbers.identifiers(pair.left_tr(), pair.tag)
    wanted = Counter(i.digits for i in english)
    pair.taken_en += [(i.start, i.end) for i in english]
    pair.taken_tr += [(i.start, i.end) for i in translated if i.digits in wanted]
    pair.explained |= {Decimal(d) for i in english for d in i.digits}
    have = Counter(i.digits for i in translated)
    found = []
    for name in {i.digits: i for i in english}.values():
        said = snippet(pair.english, name.start, name.end)
        short = wanted[name.digits] - have[name.digits]
        if short > 0 and len(name.digits) == 1:
            short -= len(_take_plain(pair, name.digits[0], short))
        if short > 0 and not have[name.digits]:
            found.append(Failure(
                "number", said, "", f"{said} is not in the translation as written"
            ))
        elif short > 0:
            found.append(Failure(
                "number", said, said,
                f"{said} is {wanted[name.digits]} times in the English, "
                f"{have[name.digits]} in the translation",
            ))
    for name in {i.digits: i for i in translated if i.digits not in wanted}.values():
        if len(name.digits) == 1:
            continue  # "Евро-2020" for "Euro 2020": its number is checked as a number
        said = snippet(pair.translation, name.start, name.end)
        found.append(Failure(
            "number", "", said, f"{said} in the translation is not in the English"
        ))
    return found


def _take_plain(pair: _Pair, digits: str, most: int) -> list[tuple[int, int]]:
    """Up to ``most`` numbers of the translation written as ``digits`` alone (taken)."""
    plain = compiled(rf"(?<![\d.,]){digits}(?![\d]|[.,]\d)")
    spans = [m.span() for m in plain.finditer(pair.left_tr())][:most]
    pair.taken_tr += spans
    return spans


def _numbers(pair: _Pair) -> list[Failure]:
    english = _read_english(numbers.find, pair.left_en(), "en")
    translated = numbers.find(pair.left_tr(), pair.tag)
    found: list[Failure] = []
    required = [q for q in english if not q.soft]
    for values, group in _grouped(required).items():
        matches = [t for t in translated if t.values & values and not (
            t.words and values == {1} and not group[0].words)]  # "un", 一 are no digit 1
        quantity = group[0]
        said = snippet(pair.english, quantity.start, quantity.end)
        if not matches and quantity.words:
            matches = [t for t in numbers.compounds(pair.left_tr(), pair.tag) if t.values & values]
        if not matches:
            found.append(Failure(
                "number", said, _nearest_number(pair, translated, quantity),
                f"{said} is not in the translation",
            ))
        elif len(matches) < len(group):
            found.append(Failure(
                "number", said, ", ".join(_shown(pair, t) for t in matches),
                f"{said} is {len(group)} times in the English, {len(matches)} in the translation",
            ))
        found += _unit_failures(pair, group, matches)
    known = {v for q in english for v in q.values | q.explains} | pair.explained
    for extra in translated:
        if extra.words or extra.values & known:
            continue
        said = _shown(pair, extra)
        found.append(Failure("number", "", said,
                             f"{said} in the translation is not in the English"))
    return found


def _frequency(pair: _Pair) -> list[Failure]:
    """How often, as the English says it: "twice" is no "tres veces", "a day" no "в неделю"."""
    found = []
    for finder in (frequency.times, frequency.periods):
        english = _read_english(finder, pair.english, "en")
        for wanted, said in frequency.conflicts(english, finder(pair.translation, pair.tag)):
            english_said = snippet(pair.english, wanted.start, wanted.end) if wanted else ""
            written = snippet(pair.translation, said.start, said.end)
            found.append(Failure(
                "number", english_said, written,
                f"{english_said} is {written} in the translation" if english_said else
                f"{written} in the translation is not how often the English says",
            ))
            break
    return found


def _grouped(
    quantities: list[numbers.Quantity],
) -> dict[frozenset[Decimal], list[numbers.Quantity]]:
    """The English numbers by value (a number written twice must be there twice)."""
    groups: dict[frozenset[Decimal], list[numbers.Quantity]] = {}
    for quantity in quantities:
        key = next((k for k in groups if k & quantity.values), quantity.values)
        groups.setdefault(key, []).append(quantity)
    return groups


def _unit_failures(
    pair: _Pair, english: list[numbers.Quantity], matches: list[numbers.Quantity]
) -> list[Failure]:
    """The English number has a unit, the translation's same number another (500 mg, 500 g);
    or the English number has none and the translation's has one (2020, "2020 месяца")."""
    if not matches:
        return []
    for quantity in english:
        unit = quantity.unit
        if unit is None:
            fits = [t for t in matches if t.unit is None or t.unit.id in _FREE_UNITS]
        else:
            fits = [t for t in matches if (t.unit is not None and t.unit.same(unit))
                    or (t.unit is None and t.words)]
        wanted = sum(1 for q in english if q.unit == unit)
        if len(fits) >= min(wanted, len(matches)):
            continue
        said = _shown(pair, quantity, english=True)
        other = _shown(pair, next(t for t in matches if t not in fits))
        if unit is not None and all(t.unit is None for t in matches if t not in fits):
            return [Failure(
                "unit", said, other,
                f"{said} in the English has no {unit.label} in the translation ({other})",
            )]
        return [Failure(
            "unit", said, other,
            f"{said} in the English is {other} in the translation: another unit or magnitude",
        )]
    return []


_FREE_UNITS = frozenset({"duration-year", "concentr-percent"})
"""Units a translation may add to a bare English number: "in 2020" is "в 2020 году",
"aged 65" is "65 años"."""


def _negation(pair: _Pair) -> list[Failure]:
    """As many negations as the English: sentence by sentence when both texts have as many
    sentences (a surplus "no" in one sentence does not stand in for a lost one in another)."""
    if not negation.has_markers(pair.tag):
        return []
    english = sorted(_read_english(negation.english, pair.english)
                     + _read_english(negation.english_affixed, pair.english, pair.tag))
    limits = negation.limits(pair.english, pair.translation, pair.tag) if english else []
    english = [(s, e) for s, e in english if not any(a <= s < b for a, b in limits)]
    unasked = negation.unasked(pair.english, pair.translation, pair.tag)
    translated = [m for m in negation.markers(pair.translation, pair.tag)
                  if not any(s <= m[0] < e for s, e in unasked)]
    found = []
    for (en_start, en_end), (tr_start, tr_end) in _sentence_pairs(pair):
        wanted = [(s, e) for s, e in english if en_start <= s < en_end]
        have = [(s, e) for s, e in translated if tr_start <= s < tr_end]
        if len(have) >= len(wanted):
            continue
        said = ", ".join(snippet(pair.english, s, e) for s, e in wanted)
        has = ", ".join(snippet(pair.translation, s, e) for s, e in have)
        found.append(Failure(
            "negation", said, has,
            f"the English says {said}; the translation has no negation" if not have else
            f"the English negates {len(wanted)} times ({said}); the translation only"
            f" {len(have)} ({has})",
        ))
        break
    if not found:
        found += _negation_slots(pair, english)
    if not found:
        found += _negation_anchors(pair, limits)
    if not found:
        found += _negation_added(pair)
    said = ", ".join(snippet(pair.english, s, e) for s, e in english)
    for start, end in (negation.lone_concord(pair.translation, pair.tag)
                       + negation.broken(pair.translation, pair.tag)
                       + negation_slots.half_negated(pair.english, pair.translation, pair.tag)):
        word = snippet(pair.translation, start, end)
        found.append(Failure(
            "negation", said, word,
            f"{word} stands without the negation it needs: a lost negation?",
        ))
    wanted_only, have_only = negation.not_only(pair.english, pair.translation, pair.tag)
    if have_only < wanted_only:
        found.append(Failure(
            "negation", "not only", "",
            "the English says \"not only\"; the translation does not",
        ))
    return found


def _negation_added(pair: _Pair) -> list[Failure]:
    """A marker in a sentence whose English negates nothing and says nothing negative: the
    translation reverses it ("No tome" for "Take"). Sentence by sentence when both texts have
    as many (a negation in one sentence does not license one in another)."""
    for (en_start, en_end), (tr_start, tr_end) in _sentence_pairs(pair):
        added = negation_slots.added(pair.english[en_start:en_end],
                                     pair.translation[tr_start:tr_end], pair.tag)
        if added:
            word = snippet(pair.translation, tr_start + added[0][0], tr_start + added[0][1])
            return [Failure(
                "negation", "", word,
                f"the translation says {word} where the English negates nothing: an added"
                " negation?",
            )]
    return []


def _negation_anchors(pair: _Pair, limits: list[tuple[int, int]]) -> list[Failure]:
    """A negated word whose cognate is in the translation with no marker near it ("does not
    recommend" as "recomienda"): the count may be met by markers elsewhere. A negation a limit
    word says ("do not take more than 4 g" as 最多服用4克) is no such word's."""
    found = []
    found_lost = [x for x in negation_anchors.lost(pair.english, pair.translation, pair.tag)
                  if not any(a <= x.english[0] < b for a, b in limits)]
    for lost in found_lost[:1]:
        said = snippet(pair.english, *lost.english)
        anchor = snippet(pair.english, *lost.anchor)
        cognate = snippet(pair.translation, *lost.cognate)
        found.append(Failure(
            "negation", f"{said} … {anchor}", cognate,
            f"the English negates \"{anchor}\" ({said}); the translation has \"{cognate}\""
            " with no negation near it",
        ))
    return found


def _negation_slots(pair: _Pair, english: list[tuple[int, int]]) -> list[Failure]:
    """Fewer markers than the English's negations and the places the language marks too
    ("no X or Y" is "no X ni Y"): a translator's choice or a lost marker; a person decides."""
    tangled = negation_slots.tangled(pair.english, pair.tag, len(english))
    if tangled and len(negation_slots.markers(pair.translation, pair.tag)) < (
        len(english) + len(tangled)
    ):  # (a marker for every negation and every slot: nothing to pair, nothing lost)
        said = ", ".join(snippet(pair.english, s, e) for s, e in english)
        also = ", ".join(f"{snippet(pair.english, s.start, s.end)} ({s.kind})" for s in tangled)
        return [Failure(
            "negation", f"{said}; {also}", "",
            f"the English has {len(english)} negations ({said}) and {len(tangled)} negation-like"
            f" words ({also}): too many to pair with the translation's markers by count",
        )]
    slots = negation_slots.answered(
        negation_slots.english_slots(pair.english, pair.tag), pair.translation, pair.tag
    )
    if not slots:
        return []
    translated = negation_slots.markers(pair.translation, pair.tag)
    leaning = negation.leaning(pair.translation, pair.tag)
    for (en_start, en_end), (tr_start, tr_end) in _sentence_pairs(pair):
        wanted = [(s, e) for s, e in english if en_start <= s < en_end]
        places = [s for s in slots if en_start <= s.start < en_end]
        have = [(s, e) for s, e in translated if tr_start <= s < tr_end]
        polarity = sum(1 for s in places if s.kind == "polarity")
        concord = [(s, e) for s, e in leaning if tr_start <= s < tr_end]
        if len(concord) > polarity:  # "no hay ninguna vacuna": one negation, unless for "any"
            have = [x for x in have if x not in concord[polarity:]]
        if not places or len(have) >= len(wanted) + len(places):
            continue
        said = ", ".join(snippet(pair.english, s, e) for s, e in wanted)
        slot_said = ", ".join(f"{snippet(pair.english, s.start, s.end)} ({s.kind})"
                              for s in places)
        has = ", ".join(snippet(pair.translation, s, e) for s, e in have)
        return [Failure(
            "negation", ", ".join(x for x in (said, slot_said) if x), has,
            f"the English has {len(wanted)} negations ({said or '-'}) and"
            f" {len(places)} places {pair.locale.language} usually marks too ({slot_said});"
            f" the translation has {len(have)} markers ({has or '-'}): a marker may be lost",
        )]
    return []


def _sentence_pairs(pair: _Pair) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The spans of the English's sentences and the translation's, paired when both have
    as many; else the two whole texts."""
    english = _sentence_spans(pair.english, punctuation.ENGLISH)
    translated = _sentence_spans(pair.translation, punctuation.marks(pair.locale.language))
    if len(english) == len(translated) > 1:
        return list(zip(english, translated, strict=True))
    return [((0, len(pair.english)), (0, len(pair.translation)))]


def _sentence_spans(text: str, marks: punctuation.Marks) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for sentence in marks.sentences(text):
        start = text.find(sentence, pos)
        if start < 0:
            return [(0, len(text))]
        spans.append((start, start + len(sentence)))
        pos = start + len(sentence)
    return spans or [(0, len(text))]


def _terms(pair: _Pair, glossary: Glossary | None) -> list[Failure]:
    """Drug names and critical terms, as many times as the English names them by one name; the
    names of one drug together ("ibuprofen (Advil)" as 布洛芬（Advil）, "oseltamivir (Tamiflu)"
    as 奥司他韦（达菲）: each of its names may stand for the others)."""
    found_terms = terms.find(pair.english, pair.locale, glossary)
    have = terms.counts(found_terms, pair.translation, pair.locale)
    drugs: dict[tuple[str, ...], list[terms.Term]] = {}
    for term in found_terms:
        drugs.setdefault(term.forms or (term.english.casefold(),), []).append(term)
    found = []
    for named in drugs.values():
        counts = [c for c in (have[t.english.casefold()] for t in named) if c is not None]
        wanted = max(Counter(t.english.casefold() for t in named).values())
        count, term = max(counts, default=None), named[0]
        if count is None or count >= wanted:
            continue
        glossary_form = f" (glossary: {term.required})" if term.required else ""
        message = (
            f"{term.english} is not in the translation{glossary_form}" if count == 0 else
            f"{term.english} is {wanted} times in the English, {count} in the translation"
            f"{glossary_form}"
        )
        found.append(Failure("term", term.english, "", message))
    return found


def _unique(names: Iterable[dates.Name]) -> list[dates.Name]:
    seen: dict[int, dates.Name] = {}
    for name in names:
        seen.setdefault(name.index, name)
    return list(seen.values())


def _shown(pair: _Pair, quantity: numbers.Quantity, english: bool = False) -> str:
    """The number as written, with its unit."""
    text = pair.english if english else pair.translation
    return snippet(text, quantity.start, max(quantity.end, quantity.reach))


def _nearest_number(pair: _Pair, translated: list[numbers.Quantity], q: numbers.Quantity) -> str:
    """The translation's number nearest in place to the missing one ("" when none)."""
    if not translated:
        return ""
    ratio = q.start / max(1, len(pair.english))
    best = min(translated, key=lambda t: abs(t.start / max(1, len(pair.translation)) - ratio))
    return _shown(pair, best)


def _nearest(pair: _Pair, clocks: list[dates.Clock]) -> str:
    return snippet(pair.translation, clocks[0].start, clocks[0].end) if clocks else ""


@functools.cache
def _month_name(index: int, tag: str) -> str:
    return str(cldr(tag).months["format"]["wide"][index])


@functools.cache
def _weekday_name(index: int, tag: str) -> str:
    return str(cldr(tag).days["format"]["wide"][index])
