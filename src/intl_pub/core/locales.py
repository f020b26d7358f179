"""Languages: every name a language goes by, built from CLDR (babel) for any tag.

The one owner of the mapping between a BCP 47 tag in configuration and HTML
(``zh-Hans``), the gettext folder and ``Language`` header (``zh_Hans``), the
URL path (``zh-hans``), the script the language is written in (``Hans``) and
its text direction. English, the source language, is a Locale too. Engine
codes (Argos' ``zh``) are not here: they belong to the engine.
"""

from __future__ import annotations

import functools

import babel
import babel.core

from intl_pub.core.errors import ConfigError
from intl_pub.core.model import Locale

SOURCE_TAG = "en"
DEFAULT_TARGETS = ("es", "zh-Hans", "ru")

# Plural-Forms as the GNU gettext manual documents them ("Plural forms"), where they
# differ from CLDR's (babel's es/fr/it/pt add a "many" form GNU tools do not expect).
GNU_PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 ? 4 : 5);",
    "de": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "pt": "nplurals=2; plural=(n != 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "zh": "nplurals=1; plural=0;",
}


@functools.cache
def cldr(tag: str) -> babel.Locale:
    """babel's locale data for a BCP 47 tag, parsed once (a site asks for it on every page)."""
    return babel.Locale.parse(tag, sep="-")


@functools.cache
def locale(tag: str) -> Locale:
    """The Locale for a BCP 47 tag (``es``, ``zh-Hans``, ``pt_BR``), or ConfigError."""
    text = str(tag).strip().replace("_", "-")
    try:
        parsed = babel.Locale.parse(text, sep="-")
    except (ValueError, babel.UnknownLocaleError) as exc:
        raise ConfigError(
            f"unknown locale {tag!r}: use a BCP 47 language tag that CLDR knows, "
            "such as es, fr, de, pt-BR, ar, ja, zh-Hans, ru"
        ) from exc
    likely = babel.core.get_global("likely_subtags")
    full = likely.get(str(parsed)) or likely.get(parsed.language) or ""
    script = parsed.script or (full.split("_")[1] if full.count("_") >= 1 else "Latn")
    parts = [parsed.language, *(p for p in (parsed.script, parsed.territory) if p)]
    bcp47 = "-".join(parts)
    plural = GNU_PLURAL_FORMS.get(parsed.language)
    if plural is None:  # (babel.messages: ~20 ms to import, for a language GNU's table lacks)
        from babel.messages.plurals import get_plural

        rule = get_plural(parsed)
        plural = f"nplurals={rule.num_plurals}; plural=({rule.plural_expr});"
    return Locale(
        tag=bcp47,
        gettext="_".join(parts),
        path=bcp47.lower(),
        language=parsed.language,
        script=script,
        direction="rtl" if script in RTL_SCRIPTS else "ltr",
        plural_forms=plural,
    )


RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc",
                         "Thaa"})
"""Scripts written right to left. A language's direction is its script's: CLDR's
``character_order`` agrees for all 1,147 locales babel knows (tests/test_locales.py), and
asking the script spares every process loading CLDR's data of each language (~30 ms)."""


ENGLISH = locale(SOURCE_TAG)
"""The source language: every post is written in it."""


def parse_locales(tags: object) -> tuple[Locale, ...]:
    """Turn ``"es,zh-Hans"`` or a list of tags into target Locales (English is not a target)."""
    if isinstance(tags, str):
        tags = [t for t in (s.strip() for s in tags.split(",")) if t]
    if not isinstance(tags, (list, tuple)) or not tags:
        raise ConfigError("locales: give at least one target language, e.g. es,zh-Hans,ru")
    result: list[Locale] = []
    for tag in tags:
        found = locale(str(tag))
        if found.language == ENGLISH.language:
            raise ConfigError(f"locale {tag!r}: English is the source language, not a target")
        if found not in result:
            result.append(found)
    return tuple(result)


TARGETS: dict[str, Locale] = {tag: locale(tag) for tag in DEFAULT_TARGETS}
"""The default target languages by tag."""
