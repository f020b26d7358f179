"""Per-locale typography for machine output, from CLDR data.

Engines tend to return English punctuation: straight quotes in Russian
(where CLDR says «…»), and spaces between Chinese words and around inline
tokens. Applied to machine translations before they are stored, so the
reviewer sees and the reader gets the locale's conventions; a translator's
own text is never changed.
"""

from __future__ import annotations

import re

from intl_pub.core.model import Locale

# CLDR <delimiters> quotationStart/quotationEnd; babel does not ship this part of CLDR.
QUOTES: dict[str, tuple[str, str]] = {
    "en": ("“", "”"),
    "es": ("«", "»"),
    "ru": ("«", "»"),
    "zh-Hans": ("“", "”"),
}

_HAN = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_TOKEN = r"</?\d+/?>"
_CJK_GAP = re.compile(
    rf"(?<=[{_HAN}])[ \t]+(?=[{_HAN}]|{_TOKEN})|(?<=[{_HAN}]|>)[ \t]+(?=[{_HAN}])"
)
_STRAIGHT_PAIR = re.compile(r'"([^"\n]+)"')
_ENGLISH_PAIR = re.compile(r"“([^”\n]+)”")


def apply(text: str, locale: Locale) -> str:
    """The text with the locale's quotation marks and (for Chinese) no spaces between words."""
    start, end = QUOTES.get(locale.tag, ("“", "”"))
    text = _STRAIGHT_PAIR.sub(lambda m: f"{start}{m.group(1)}{end}", text)
    if (start, end) != ("“", "”"):
        text = _ENGLISH_PAIR.sub(lambda m: f"{start}{m.group(1)}{end}", text)
    if locale.script in {"Hans", "Hant", "Jpan"}:
        text = _CJK_GAP.sub("", text)
    return text
