"""QA checks on translations: each a plain function of (source, translation, locale).

Like babel's checkers: every check returns the problems it finds and one
runner collects them all. Errors keep a translation off the published page
(the English block is shown instead) and fail ``intl-pub check``; warnings
are reported and published.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from intl_pub import tokens
from intl_pub.model import Glossary, Locale

ERROR = "error"
WARNING = "warning"

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]", re.I)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SCRIPTS = {"Hans": ("Han", _HAN), "Hant": ("Han", _HAN), "Cyrl": ("Cyrillic", _CYRILLIC)}
_HAN_SCRIPTS = frozenset({"Hans", "Hant", "Jpan"})


@dataclass(frozen=True)
class Problem:
    """One finding about one translation."""

    severity: str
    """``error`` or ``warning``."""
    check: str
    """The check's name, e.g. ``tokens``."""
    message: str


Check = Callable[[str, str, Locale], Iterable[Problem]]


def check_tokens(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Inline markup tokens must match the msgid's: none lost, duplicated or broken."""
    wrong = tokens.check(source, translation)
    if wrong:
        yield Problem(ERROR, "tokens", f"markup tokens do not match the source: {wrong}")


def check_numbers(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Every number of the source appears in the translation (a dose, a phone number, a time)."""
    have = _digits(tokens.strip(translation))
    missing = [n for n in _NUMBER.findall(tokens.strip(source)) if re.sub(r"\D", "", n) not in have]
    if missing:
        yield Problem(ERROR, "numbers", "number(s) missing or changed: " + ", ".join(missing))


def check_urls(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """URLs written in the text are kept exactly."""
    missing = [u for u in _URL.findall(source) if u not in translation]
    if missing:
        yield Problem(ERROR, "urls", "URL(s) missing or changed: " + ", ".join(missing))


def check_repetition(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Machine-translation loops: the same word or character group over and over."""
    text = tokens.strip(translation)
    loop = re.search(r"([^\W\d_]{1,12}?)(?:\s*\1){4,}", text)
    if loop and not re.search(re.escape(loop.group(0)), tokens.strip(source)):
        yield Problem(ERROR, "repetition", f"degenerate repetition: {loop.group(0)[:40]!r}")


def check_script(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Chinese should be mostly Han characters, Russian mostly Cyrillic."""
    expected = _SCRIPTS.get(locale.script)
    if expected is None:
        return
    name, pattern = expected
    text = _URL.sub("", tokens.strip(translation))
    native, latin = len(pattern.findall(text)), len(_LATIN.findall(text))
    if latin and native < latin / (3 if locale.script in _HAN_SCRIPTS else 1):
        yield Problem(WARNING, "script", f"little {name} text for {locale.tag}")


def check_untranslated(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """A translation identical to a source with several words was probably not translated."""
    if translation == source and len(tokens.strip(source).split()) > 2:
        yield Problem(WARNING, "untranslated", "identical to the source")


def check_length(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """A translation far shorter or longer than its source has likely lost or invented text."""
    src, dst = len(tokens.strip(source)), len(tokens.strip(translation))
    low = 0.15 if locale.script in _HAN_SCRIPTS else 0.4
    if src >= 20 and not (low * src <= dst <= 3 * src):
        yield Problem(WARNING, "length", f"length {dst} is far from the source's {src}")


CHECKS: tuple[Check, ...] = (
    check_tokens,
    check_numbers,
    check_urls,
    check_repetition,
    check_script,
    check_untranslated,
    check_length,
)


def check_do_not_translate(
    source: str, translation: str, locale: Locale, glossary: Glossary
) -> Iterable[Problem]:
    """Names on the do-not-translate list appear in the translation exactly as in the source."""
    lost = [t for t in glossary.do_not_translate if _has_term(source, t) and t not in translation]
    if lost:
        yield Problem(ERROR, "do-not-translate", "must stay as written: " + ", ".join(lost))


def check_glossary(
    source: str, translation: str, locale: Locale, glossary: Glossary
) -> Iterable[Problem]:
    """Where the source uses a glossary term, the translation uses the required translation."""
    missing = [
        f"{term} → {target}"
        for term, target in glossary.for_locale(locale).items()
        if _has_term(source, term, fold=True) and target.lower() not in translation.lower()
    ]
    if missing:
        yield Problem(WARNING, "glossary", "glossary term(s) not used: " + "; ".join(missing))


GLOSSARY_CHECKS = (check_do_not_translate, check_glossary)


def run(
    source: str, translation: str, locale: Locale, glossary: Glossary | None = None
) -> list[Problem]:
    """All problems of one translation (none for an empty translation)."""
    if not translation:
        return []
    found = [p for check in CHECKS for p in check(source, translation, locale)]
    if glossary is not None:
        found += [
            p for check in GLOSSARY_CHECKS for p in check(source, translation, locale, glossary)
        ]
    return found


def _has_term(text: str, term: str, fold: bool = False) -> bool:
    flags = re.IGNORECASE if fold else 0
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", tokens.strip(text), flags) is not None


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}
