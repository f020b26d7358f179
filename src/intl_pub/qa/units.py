"""Units of measure after a number, in English and in any locale CLDR knows (from babel).

Each unit has a dimension and a factor to the dimension's base, so that "500 mg"
against "500 g" is a change of magnitude and "500 mg" against "500 miligramos",
"500 мг" or "500毫克" is the same quantity. The words come from CLDR's unit
patterns (``babel.units.format_unit`` in its long, short and narrow lengths and in
every plural form), so a new locale needs no table of ours.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import babel.numbers
import babel.units
import regex

from intl_pub.core import derived
from intl_pub.core.locales import cldr
from intl_pub.qa import currency
from intl_pub.qa.text import WORD_LETTER, compiled, unspaced

# CLDR unit id -> factor to the dimension's base (g, L, m, s, %); None: a scale of its own.
_FACTORS: dict[str, float | None] = {
    "mass-microgram": 1e-6, "mass-milligram": 1e-3, "mass-gram": 1.0, "mass-kilogram": 1e3,
    "mass-pound": 453.59237, "mass-ounce": 28.349523125, "mass-tonne": 1e6,
    "volume-milliliter": 1e-3, "volume-centiliter": 1e-2, "volume-deciliter": 1e-1,
    "volume-liter": 1.0, "volume-cubic-centimeter": 1e-3, "volume-teaspoon": 4.93e-3,
    "volume-tablespoon": 1.479e-2, "volume-cup": 0.2366, "volume-fluid-ounce": 2.957e-2,
    "volume-pint": 0.4732, "volume-gallon": 3.785, "volume-drop": 5e-5,
    "length-nanometer": 1e-9, "length-micrometer": 1e-6, "length-millimeter": 1e-3,
    "length-centimeter": 1e-2, "length-meter": 1.0, "length-kilometer": 1e3,
    "length-inch": 0.0254, "length-foot": 0.3048, "length-yard": 0.9144,
    "length-mile": 1609.344,
    "duration-second": 1.0, "duration-minute": 60.0, "duration-hour": 3600.0,
    "duration-day": 86400.0, "duration-week": 604800.0, "duration-month": 2.63e6,
    "duration-year": 3.156e7, "duration-decade": 3.156e8,
    "temperature-celsius": None, "temperature-fahrenheit": None, "temperature-kelvin": None,
    "temperature-generic": None,
    "concentr-percent": 1.0, "concentr-permille": 0.1, "points-percentage": 1.0,
    "concentr-millimole-per-liter": 1.0, "concentr-milligram-ofglucose-per-deciliter": 1.0,
    "pressure-millimeter-ofhg": 1.0, "energy-kilocalorie": 1e3, "energy-calorie": 1.0,
    "speed-kilometer-per-hour": 1.0, "speed-mile-per-hour": 1.609344,
    "area-square-meter": 1.0, "area-square-kilometer": 1e6, "area-square-mile": 2.59e6,
    "area-hectare": 1e4,
}  # fmt: skip

_ENGLISH_EXTRA = {
    "mcg": "mass-microgram", "µg": "mass-microgram", "μg": "mass-microgram",
    "ug": "mass-microgram", "mgs": "mass-milligram", "kgs": "mass-kilogram",
    "lbs": "mass-pound", "ml": "volume-milliliter", "cc": "volume-cubic-centimeter",
    "l": "volume-liter", "litre": "volume-liter", "litres": "volume-liter",
    "millilitre": "volume-milliliter", "millilitres": "volume-milliliter",
    "metre": "length-meter", "metres": "length-meter", "kilometre": "length-kilometer",
    "kilometres": "length-kilometer", "centimetre": "length-centimeter",
    "centimetres": "length-centimeter", "feet": "length-foot",
    "hrs": "duration-hour", "mins": "duration-minute", "secs": "duration-second",
    "wks": "duration-week", "yrs": "duration-year",
    "per cent": "concentr-percent", "percent": "concentr-percent",
    "degrees": "temperature-generic", "degree": "temperature-generic",
    "° C": "temperature-celsius", "° F": "temperature-fahrenheit",
    "degrees C": "temperature-celsius", "degrees F": "temperature-fahrenheit",
    "degrees centigrade": "temperature-celsius",
    "percentage point": "points-percentage", "percentage points": "points-percentage",
}  # fmt: skip
"""English spellings CLDR's en data lacks (British spellings, mcg, cc, hrs, "per cent")."""

_DIMENSION_ORDER = ("concentr", "mass", "volume", "temperature", "length", "duration")
"""When two units share a short form (en "m": metre, minute, month), the first dimension wins."""

_BETWEEN = compiled(
    r"(?:[\s\u00a0\u202f]?(?:de|d['’]|of|di|da)(?=[\s'’])"  # 55 millones de años
    r"|-\p{Ll}{1,3}(?=\s)"  # 7-го дня, 3-х недель
    r"|[\s\u00a0]?(?:个|個|多)(?=\p{Han})"
    r"|[\s\u00a0](?:working|business|calendar|consecutive|full|whole|more|further|additional|"
    r"extra|straight|рабоч\p{L}{1,3}|календарн\p{L}{1,3}|полн\p{L}{1,3}|"
    r"дополнительн\p{L}{1,3})(?=\s))",  # 3 working days, 3 рабочих дня
    regex.IGNORECASE,
)
"""What may stand between a number and its unit."""
_EXTRA_FORMS = {
    "zh": {"岁": "duration-year", "周岁": "duration-year", "星期": "duration-week",
           "钟头": "duration-hour", "公斤": "mass-kilogram", "度": "temperature-generic",
           "工作日": "duration-day", "月龄": "duration-month",  # 3个工作日, 15月龄
           "百分点": "points-percentage", "个百分点": "points-percentage"},
    "ja": {"歳": "duration-year", "才": "duration-year"},
    "ko": {"세": "duration-year", "살": "duration-year"},
    "ru": {"суток": "duration-day", "сутки": "duration-day", "сут": "duration-day",
           "процентного пункта": "points-percentage", "процентных пункта": "points-percentage",
           "процентных пунктов": "points-percentage", "процентный пункт": "points-percentage",
           "п. п.": "points-percentage", "п.п.": "points-percentage"},
    "es": {"punto porcentual": "points-percentage", "puntos porcentuales": "points-percentage"},
}
"""Unit words CLDR's patterns lack: ages (71 岁), Russian сутки (days of 24 hours), percentage
points (a unit of their own: "2.5 percentage points" is no "2,5 %")."""
_NOT_UNITS = {"en": frozenset({"in", "pt", "dr", "gr", "c", "st", "dec"})}
"""Short forms that are words first ("2019 in Wuhan" is no inch, "1 Dec" no decade)."""
_ONE_LETTER = frozenset("glLmh")
"""One-letter ASCII symbols kept (g, l, m, h); others (c for cup, t for tonne) are too often
something else after a number."""

_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 1.5)
"""Numbers that show every plural form CLDR has (one, few, many, other, fractions)."""


@dataclass(frozen=True)
class Unit:
    """A unit of measure: what it measures and how big it is."""

    id: str
    """CLDR's unit id (``mass-milligram``)."""

    @property
    def dimension(self) -> str:
        """What it measures (``mass``, ``volume``, ``temperature``, ``duration``...)."""
        return self.id.split("-", 1)[0]

    @property
    def factor(self) -> float | None:
        """Size against the dimension's base; None for a scale (°C, °F) or an unknown one."""
        return _FACTORS.get(self.id)

    @property
    def label(self) -> str:
        """A readable name (``milligram``)."""
        return self.id.split("-", 1)[1].replace("-", " ")

    def same(self, other: Unit) -> bool:
        """Whether a number in ``self`` and the same number in ``other`` mean the same."""
        if currency.same_word(self.id, other.id):
            return True
        if self.dimension != other.dimension:
            return False
        if self.dimension == "currency":  # ¥ is yen or yuan
            return self.id == other.id or ("currency-yen" in (self.id, other.id) and bool(
                {self.id, other.id} & {"currency-jpy", "currency-cny"}))
        if self.dimension == "temperature":
            return "temperature-generic" in (self.id, other.id) or self.id == other.id
        return self.factor == other.factor


@dataclass(frozen=True)
class UnitLexicon:
    """A locale's unit words: after a number (``500 mg``) and before one (``百分之``)."""

    after: re.Pattern[str]
    before: re.Pattern[str]
    units: dict[str, Unit]
    """Casefolded form -> unit."""

    def unit_after(self, text: str, pos: int) -> tuple[Unit, int] | None:
        """The unit written right after ``pos`` (a number's end) and where it ends: "500 mg",
        "55 millones de años", "7-го дня", "14-дневный", "三个月"."""
        match = self.after.match(text, pos)
        if match:
            return self._lookup(match.group("form")), match.end()
        skip = _BETWEEN.match(text, pos)
        if skip and skip.end() > pos:
            match = self.after.match(text, skip.end())
            if match:
                return self._lookup(match.group("form")), match.end()
        compound = compiled(r"-([\p{L}]{4,})").match(text[pos : pos + 24])
        if compound:
            return self._compound(compound.group(1), pos + compound.end())
        return None

    def _compound(self, word: str, end: int) -> tuple[Unit, int] | None:
        """"14-дневный", "71-летнего", "dreitägig": a unit's stem opening an adjective."""
        folded = word.casefold()
        best = max(
            (f for f in self.units if len(f) >= 3 and f.isalpha() and folded.startswith(
                f[: max(3, len(f) - 2)])),
            key=len, default=None,
        )
        return (self.units[best], end) if best else None

    def unit_before(self, text: str, pos: int) -> tuple[Unit, int] | None:
        """The unit written right before ``pos`` (a number's start) and where it starts."""
        for match in self.before.finditer(text, max(0, pos - 12), pos):
            if match.end() == pos:
                return self._lookup(match.group("form")), match.start()
        return None

    def _lookup(self, written: str) -> Unit:
        """The unit of a matched form, which may carry a case ending ("миллиграммами")."""
        for cut in range(4):
            unit = self.units.get(_key(written[: len(written) - cut]))
            if unit is not None:
                return unit
        raise KeyError(written)


@functools.cache
def lexicon(tag: str) -> UnitLexicon:
    """The unit words of the locale ``tag`` (``en`` adds British spellings and mcg, cc...)."""
    forms = _cldr_forms(tag)
    if tag == "en":
        forms.update({form: _ENGLISH_EXTRA[form] for form in _ENGLISH_EXTRA})
    symbol = _percent_sign(tag)
    forms.setdefault(symbol, "concentr-percent")
    forms.setdefault("%", "concentr-percent")
    forms.setdefault("L", "volume-liter")  # the SI symbol, wherever CLDR writes "l"
    forms.setdefault("°C", "temperature-celsius")
    forms.setdefault("°F", "temperature-fahrenheit")
    forms.setdefault("℃", "temperature-celsius")
    forms.setdefault("℉", "temperature-fahrenheit")
    forms.update(_EXTRA_FORMS.get(cldr(tag).language, {}))
    forms.update({sign: unit for sign, unit in currency.BEFORE.items() if not sign.isalpha()})
    forms.update(currency.AFTER.get(cldr(tag).language, {}))
    before = {"百分之": "concentr-percent"} if cldr(tag).language in ("zh", "ja") else {}
    before.update(currency.BEFORE)
    units = {_key(f): Unit(u) for f, u in {**forms, **before}.items()}
    return UnitLexicon(
        after=_after_pattern(forms), before=_before_pattern(before), units=units
    )


def _cldr_forms(tag: str) -> dict[str, str]:
    """Form -> unit id from CLDR's patterns; a form two units share goes to the preferred one
    (read from CLDR once per babel version: :mod:`intl_pub.core.derived`)."""
    return dict(
        derived.remembered(
            f"units-{tag}", functools.partial(_read_cldr_forms, tag), "babel", "regex"
        )
    )


def _read_cldr_forms(tag: str) -> dict[str, str]:
    found: dict[str, tuple[int, str]] = {}
    rank = {length: i for i, length in enumerate(("long", "short", "narrow"))}
    for unit in _FACTORS:
        for length in rank:
            for form in _unit_forms(tag, unit, length):
                key = _key(form)
                mine = (rank[length], _dimension_rank(unit))
                if key not in found or mine < (found[key][0], _dimension_rank(found[key][1])):
                    found[key] = (mine[0], unit)
    return {form: unit for form, (_, unit) in found.items() if _keep(form, unit, tag)}


def _keep(form: str, unit: str, tag: str) -> bool:
    """Whether a form can stand for its unit after a number: not a word first ("in"), and a
    one-letter form only for g, l, m, h and units of mass, volume and length (Russian "с" and
    "в" are prepositions before they are seconds or volts)."""
    if form in _NOT_UNITS.get(tag, ()):
        return False
    if len(form) > 1:
        return True
    if form.isascii():
        return form in _ONE_LETTER
    if unspaced(form) or not form.isalpha():
        return True
    return unit.split("-", 1)[0] in ("mass", "volume", "length")


def _unit_forms(tag: str, unit: str, length: str) -> set[str]:
    """The words CLDR writes after (or around) a number in ``unit``, in every plural form."""
    forms: set[str] = set()
    for sample in _SAMPLES:
        try:
            written = babel.units.format_unit(sample, unit, length=length, locale=cldr(tag))
        except (KeyError, ValueError, babel.units.UnknownUnitError):
            return forms
        number = babel.numbers.format_decimal(sample, locale=cldr(tag))
        if number not in written:
            continue
        rest = written.replace(number, " ", 1).strip(" \u00a0\u202f\u200e\u200f\u061c")
        if rest and not any(ch.isdigit() for ch in rest):
            forms.add(rest)
    return forms


def _percent_sign(tag: str) -> str:
    """The locale's percent sign, as babel writes it (٪ in Arabic), without bidi marks."""
    written = babel.numbers.format_percent(0.5, locale=cldr(tag))
    sign = "".join(c for c in written if not c.isdigit() and not c.isspace())
    return sign.strip("\u200e\u200f\u061c") or "%"


def _dimension_rank(unit: str) -> int:
    dimension = unit.split("-", 1)[0]
    return _DIMENSION_ORDER.index(dimension) if dimension in _DIMENSION_ORDER else 99


def _key(form: str) -> str:
    """Forms are matched case-insensitively, except one-letter ones (M is no m)."""
    form = " ".join(form.replace("\u00a0", " ").replace("\u202f", " ").split())
    return form if len(form) == 1 else form.casefold()


def _form_regex(form: str) -> str:
    """A form as a regular expression: spaces stretch, letters may carry a case ending."""
    body = r"[\s\u00a0\u202f]?".join(regex.escape(part) for part in form.split())
    if unspaced(form[-1]):
        return body
    if len(form) >= 4 and form[-1].isalpha():
        return body + rf"\p{{L}}{{0,3}}(?!{WORD_LETTER})"  # Russian cases: "миллиграммами"
    return body + (rf"(?!{WORD_LETTER}|\d)" if form[-1].isalnum() else "")


def _after_pattern(forms: dict[str, str]) -> re.Pattern[str]:
    ordered = sorted(forms, key=lambda w: (-len(w), w))
    alternatives = "|".join(_form_regex(f) for f in ordered if len(f) > 1)
    letters = "".join(regex.escape(f) for f in ordered if len(f) == 1 and not unspaced(f))
    ideographs = "".join(f for f in ordered if len(f) == 1 and unspaced(f))
    singles = f"|(?-i:[{letters}])(?!{WORD_LETTER}|\\d)" if letters else ""
    singles += f"|[{ideographs}]" if ideographs else ""
    return compiled(
        rf"(?:[\s\u00a0\u202f]?(?:-[\s]?)?(?P<form>(?i:{alternatives}))"
        rf"|[\s\u00a0\u202f]?(?P<form>{singles.lstrip('|') or '(?!)'}))",
        regex.V0,
    )


def _before_pattern(forms: dict[str, str]) -> re.Pattern[str]:
    if not forms:
        return compiled(r"(?!)")
    alternatives = "|".join(regex.escape(f) for f in sorted(forms, key=lambda w: (-len(w), w)))
    return compiled(rf"(?P<form>{alternatives})\s?")
