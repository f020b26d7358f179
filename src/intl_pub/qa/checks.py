"""QA checks on translations: each a plain function of (source, translation, locale).

Like babel's checkers: every check returns the problems it finds and one
runner collects them all. Errors keep a translation off the published page
(the English block is shown instead) and fail ``intl-pub check``; warnings
are reported and published.

All checks are our own, keyed on the locale's language, script and
direction (never an engine's code). End/start punctuation and sentence
counting use :mod:`intl_pub.punctuation`, which knows each language's marks
(。 ؟ ; । ¿); the quote and bracket checks count « », „ “, 「 」 and （ ） too.
:func:`problems_as_json` is ``intl-pub check --json``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from intl_pub.core.model import Glossary, Locale
from intl_pub.qa import punctuation
from intl_pub.segment import tokens

ERROR = "error"
WARNING = "warning"

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]", re.I)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SCRIPTS = {"Hans": ("Han", _HAN), "Hant": ("Han", _HAN), "Cyrl": ("Cyrillic", _CYRILLIC)}
_HAN_SCRIPTS = frozenset({"Hans", "Hant", "Jpan"})
_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--|-->|<!\[CDATA\[|<![A-Za-z]")
"""What an HTML parser would take for a tag, a comment or a declaration."""


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


# Characters XML 1.0 forbids (§2.2 Char): pages and feeds with them do not parse.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidirectional embeddings, overrides and isolates: they reorder what the reader sees
# (CVE-2021-42574, "Trojan Source"); overrides are never right in running text.
_BIDI_OVERRIDES = frozenset("\u202d\u202e")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Quotation mark pairs a translation may use, by language (CLDR <delimiters>); straight
# double quotes pair with themselves everywhere.
_QUOTE_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("„", "“"), ("‚", "‘"), ("»", "«")),
    "cs": (("„", "“"),),
    "pl": (("„", "”"), ("«", "»")),
    "hu": (("„", "”"), ("»", "«")),
    "ro": (("„", "”"), ("«", "»")),
    "zh": (("“", "”"), ("「", "」"), ("『", "』")),
    "ja": (("「", "」"), ("『", "』")),
}
_DEFAULT_QUOTES = (("“", "”"), ("«", "»"), ("‹", "›"))
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_FULLWIDTH_BRACKETS = str.maketrans("（）［］｛｝【】〔〕", "()[]{}[][]")
_EDGE_QUOTES = "\"'“”«»„‚‘’‹›「」『』 "
# Periods that end no sentence: Dr. Smith, e.g. this, 2.5 mg.
_ABBREVIATION = re.compile(
    r"\b(?:[A-ZА-ЯЁ][a-zа-яё]{0,2}|e\.g|i\.e|etc|vs|approx|incl|St|No|Nos)\.(?=\s)"
)


def check_end_punctuation(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """The end (and, in Spanish, the start: ¿…?, ¡…!) punctuation of the locale's language.

    A Chinese sentence ends with "。", not "."; a Greek question with ";"
    (:mod:`intl_pub.punctuation` knows each language's marks). Quotation
    marks around the whole text are left to :func:`check_quotes`.
    """
    src, dst = _bare(source).strip(_EDGE_QUOTES), _bare(translation).strip(_EDGE_QUOTES)
    if not re.search(r"[^\W_]", src) or not re.search(r"[^\W_]", dst):
        return  # "th" -> "." (an ordinal suffix) is no sentence
    for where, mismatch in (
        ("end", punctuation.end_mismatch(src, dst, locale.language)),
        ("start", punctuation.start_mismatch(src, dst, locale.language)),
    ):
        if mismatch:
            got, want = mismatch
            yield Problem(
                WARNING, "punctuation",
                f"{'ends' if where == 'end' else 'starts'} with "
                f"{repr(got) if got else 'no punctuation'} where {locale.tag} expects "
                f"{repr(want) if want else 'none'}",
            )


def check_sentence_count(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """As many sentences as the source: a lost sentence is lost advice."""
    marks = punctuation.marks(locale.language)
    if not marks.counts_sentences:
        return  # Thai and Lao may end a sentence with a space only
    src = _ABBREVIATION.sub(lambda m: m.group(0)[:-1], _bare(source)).strip(_EDGE_QUOTES)
    dst = _ABBREVIATION.sub(lambda m: m.group(0)[:-1], _bare(translation)).strip(_EDGE_QUOTES)
    if not src or not dst:
        return
    have, want = len(marks.sentences(dst)), len(punctuation.ENGLISH.sentences(src))
    if have != want:
        yield Problem(WARNING, "sentences", f"{have} sentence(s) where the source has {want}")


def check_quotes(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Quotation marks are balanced, in the locale's marks, and quote as many passages."""
    text, pairs = _bare(translation), _quote_pairs(locale.language)
    for start, end in pairs:
        depth = unmatched = 0
        for char in text:
            if char == start:
                depth += 1
            elif char == end:
                depth, unmatched = (depth - 1, unmatched) if depth else (0, unmatched + 1)
        if depth or unmatched:
            yield Problem(WARNING, "quotes", f"unbalanced quotation marks {start}…{end}")
    if text.count('"') % 2:
        yield Problem(WARNING, "quotes", 'unbalanced straight quotation marks "')
    wanted = sum(_bare(source).count(s) for s, _ in _DEFAULT_QUOTES) + source.count('"') // 2
    have = sum(text.count(s) for s, _ in pairs) + text.count('"') // 2
    if wanted != have:
        yield Problem(WARNING, "quotes", f"{have} quoted passage(s) where the source has {wanted}")


def check_brackets(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Brackets are balanced and as many as the source's (full-width ones count too)."""
    src = _bare(source).translate(_FULLWIDTH_BRACKETS)
    dst = _bare(translation).translate(_FULLWIDTH_BRACKETS)
    stack: list[str] = []
    broken = False
    for char in dst:
        if char in _BRACKETS:
            stack.append(_BRACKETS[char])
        elif char in _BRACKETS.values():
            broken = broken or not stack or stack.pop() != char
    if broken or stack:
        yield Problem(WARNING, "brackets", "brackets are not balanced")
    differ = [b for b in _BRACKETS if src.count(b) != dst.count(b)]
    if differ:
        counts = ", ".join(f"{b}{_BRACKETS[b]} {src.count(b)} → {dst.count(b)}" for b in differ)
        yield Problem(WARNING, "brackets", f"bracket count differs from the source: {counts}")


def check_xml_characters(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """No character XML 1.0 forbids: one would break the page's feed and sitemap."""
    bad = sorted({f"U+{ord(c):04X}" for c in _XML_FORBIDDEN.findall(translation)})
    if bad:
        yield Problem(ERROR, "xml-characters", "characters XML forbids: " + ", ".join(bad))


def check_bidi_controls(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """No bidirectional override; no embedding or isolate the source lacks (in LTR text).

    They change the order the reader sees the words in without showing
    themselves: a dose could read differently on the page than in the catalog.
    """
    extra = {c for c in translation if c in _BIDI_CONTROLS and c not in source}
    if locale.direction == "rtl":
        extra &= _BIDI_OVERRIDES  # isolates and embeddings are how RTL text holds LTR runs
    if extra:
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in sorted(extra))
        yield Problem(ERROR, "bidi", "invisible bidirectional control(s): " + names)


def check_markup(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """Only the msgid's own tokens are markup: anything else that looks like it is an error.

    A token the English lacks (``<3>…</3>``) or an HTML tag (``</p><script>``) is
    escaped on the page, so readers would see it as literal text; a tag that the
    English itself writes as text (a post about HTML) may stay.
    """
    known = tokens.signature(source)
    foreign = [
        m.group(0)
        for m in tokens.TOKEN_RE.finditer(translation)
        if int(m.group(2)) not in known or (m.group(1) and m.group(3))
    ]
    if foreign:
        yield Problem(
            ERROR, "markup",
            f"token(s) the source lacks: {', '.join(dict.fromkeys(foreign))}; readers would "
            "see them as text: keep only the source's numbered tokens",
        )
    extra = Counter(_TAG.findall(translation)) - Counter(_TAG.findall(source))
    if extra:
        yield Problem(
            ERROR, "markup",
            f"raw markup {', '.join(extra)}: readers would see it as text; write plain text "
            "and use the source's numbered tokens for links and emphasis",
        )


def check_line_separators(source: str, translation: str, locale: Locale) -> Iterable[Problem]:
    """A line separator (U+2028, U+2029, NEL) is published as a space: say so."""
    found = sorted({c for c in tokens.LINE_SEPARATORS_RE.findall(translation) if c not in source})
    shown = [f"U+{ord(c):04X}" for c in found if not _XML_FORBIDDEN.match(c)]
    if shown:
        yield Problem(
            WARNING, "line-separator",
            f"{', '.join(shown)} is shown as a space on the page; for a line break keep "
            "the source's line-break token",
        )


CHECKS: tuple[Check, ...] = (
    check_tokens,
    check_markup,
    check_numbers,
    check_urls,
    check_repetition,
    check_script,
    check_untranslated,
    check_length,
    check_end_punctuation,
    check_sentence_count,
    check_quotes,
    check_brackets,
    check_xml_characters,
    check_bidi_controls,
    check_line_separators,
)


def check_do_not_translate(
    source: str, translation: str, locale: Locale, glossary: Glossary
) -> Iterable[Problem]:
    """Names on the do-not-translate list appear in the translation exactly as in the source."""
    if not glossary.do_not_translate:
        return
    lost = [t for t in glossary.do_not_translate if _has_term(source, t) and t not in translation]
    if lost:
        yield Problem(ERROR, "do-not-translate", "must stay as written: " + ", ".join(lost))


def check_glossary(
    source: str, translation: str, locale: Locale, glossary: Glossary
) -> Iterable[Problem]:
    """Where the source uses a glossary term, the translation uses the required translation.

    Inflection counts: "flu vaccines" uses the term "flu vaccine", and in Russian
    "вакцину от гриппа" uses "вакцина от гриппа" (Snowball stems, word by word,
    in order). In Chinese and Japanese, written without spaces, the term is
    found anywhere in the text. Without terms for the locale nothing is
    stemmed or even stripped: most sites have no glossary.
    """
    terms = glossary.for_locale(locale)
    if not terms:
        return
    missing = [
        f"{term} → {target}"
        for term, target in terms.items()
        if _uses_term(source, term, "en", "Latn") and not _uses_term(
            translation, target, locale.language, locale.script
        )
    ]
    if missing:
        yield Problem(WARNING, "glossary", "glossary term(s) not used: " + "; ".join(missing))


GLOSSARY_CHECKS = (check_do_not_translate, check_glossary)

ERROR_CHECKS: tuple[Check, ...] = (
    check_tokens,
    check_markup,
    check_numbers,
    check_urls,
    check_repetition,
    check_xml_characters,
    check_bidi_controls,
)
"""The checks that can report an error (the others only warn): all a publishing gate needs."""


def run(
    source: str,
    translation: str,
    locale: Locale,
    glossary: Glossary | None = None,
    *,
    errors_only: bool = False,
) -> list[Problem]:
    """All problems of one translation (none for an empty translation).

    ``errors_only`` runs just :data:`ERROR_CHECKS` and the do-not-translate
    check: what decides whether a machine translation may be published, at
    about a fifth of the cost (punctuation, sentences, quotes and brackets only warn).
    """
    if not translation:
        return []
    if errors_only:
        found = [p for check in ERROR_CHECKS for p in check(source, translation, locale)]
        if glossary is not None:
            found += check_do_not_translate(source, translation, locale, glossary)
        return [p for p in found if p.severity == ERROR]
    found = [p for check in CHECKS for p in check(source, translation, locale)]
    if glossary is not None:
        found += [
            p for check in GLOSSARY_CHECKS for p in check(source, translation, locale, glossary)
        ]
    return found


def _quote_pairs(language: str) -> tuple[tuple[str, str], ...]:
    """The language's quotation marks, plus the common ones that do not clash with them."""
    own = _QUOTE_PAIRS.get(language, ())
    used = {c for pair in own for c in pair}
    return own + tuple(p for p in _DEFAULT_QUOTES if not used & set(p))


def _bare(text: str) -> str:
    """What a reader reads: tokens and URLs out (a URL's dots and brackets are no sentence)."""
    return _URL.sub("URL", tokens.strip(text)).strip()


# Scripts written without spaces between words: a term is a substring there.
_UNSPACED_SCRIPTS = frozenset({"Hans", "Hant", "Jpan", "Hani", "Thai", "Laoo", "Khmr", "Mymr"})


def _uses_term(text: str, term: str, language: str, script: str) -> bool:
    """Whether ``text`` uses ``term``: as a substring, by stems, or as whole words."""
    plain, term = tokens.strip(text).casefold(), term.casefold()
    if script in _UNSPACED_SCRIPTS:
        return re.sub(r"\s+", "", term) in re.sub(r"\s+", "", plain)
    if _has_term(plain, term):
        return True
    want, have = _stems(term, language), _stems(plain, language)
    return bool(want) and any(
        have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1)
    )


@functools.lru_cache(maxsize=4096)
def _stems(text: str, language: str) -> tuple[str, ...]:
    """The Snowball stems of the words of a (casefolded) text; () without a stemmer."""
    stem = _stemmer(language)
    if stem is None:
        return ()
    return tuple(stem(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text.replace("ё", "е"))))


def _stemmer(language: str) -> Callable[[list[str]], list[str]] | None:
    """The Snowball stemmer of a language, or None when Snowball has none."""
    from intl_pub.qa import stemming  # (only glossary checks stem: loaded when one does)

    found = stemming.stemmer(language)
    return found.stemWords if found is not None else None


def _has_term(text: str, term: str, fold: bool = False) -> bool:
    flags = re.IGNORECASE if fold else 0
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", tokens.strip(text), flags) is not None


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


@dataclass(frozen=True)
class Finding:
    """A problem and where it is: what ``intl-pub check`` prints, one per line or as JSON."""

    file: str
    """The catalog, as shown to the user (relative to the current folder)."""
    line: int
    """The entry's line in the catalog (polib's ``linenum``)."""
    locale: str
    """The locale's BCP 47 tag (``zh-Hans``)."""
    msgid: str
    problem: Problem


def problems_as_json(findings: Iterable[Finding]) -> str:
    """``intl-pub check --json``: a list of objects, in the order found, UTF-8 kept readable."""
    return json.dumps(
        [
            {
                "file": f.file,
                "line": f.line,
                "locale": f.locale,
                "msgid": f.msgid,
                "severity": f.problem.severity,
                "check": f.problem.check,
                "message": f.problem.message,
            }
            for f in findings
        ],
        ensure_ascii=False,
        indent=2,
    )


def as_text(finding: Finding) -> str:
    """The one-line form ``intl-pub check`` prints today: ``file:line: severity: [check] …``."""
    p = finding.problem
    return f"{finding.file}:{finding.line}: {p.severity}: [{p.check}] {p.message}"


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}
