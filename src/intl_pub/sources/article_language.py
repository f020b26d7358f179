"""The language a page is written in, so that a page not in the source language is not
machine-translated as if it were.

What the page declares (``<html lang>``, ``og:locale``, ``Content-Language``) is often a
template's default (``lang="en"`` on a Portuguese post), so the text itself is asked too,
with py3langid: a maintained fork of langid.py (by trafilatura's author) whose 4 MB model
ships inside the wheel -- nothing is downloaded at run time -- that names 97 languages and
gives a probability. lingua is more accurate on single sentences but its models are ten
times larger; an article is long enough for langid's n-grams.

Detection decides when the text is long (``MIN_WORDS``) and the model sure
(``MIN_CONFIDENCE``); otherwise the declared language does; on a long page that declares
nothing, the model's likely guess (``UNDECLARED_CONFIDENCE``); a short page that declares
nothing and reads unclearly is let through.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from intl_pub.core import derived

MIN_WORDS = 30
MIN_CONFIDENCE = 0.9
UNDECLARED_CONFIDENCE = 0.5
SAMPLE_CHARS = 4000
"""The body's first characters that are weighed (the model's time grows with the text)."""


def declared(soup: BeautifulSoup) -> str:
    """The page's own statement of its language: a lower-case primary subtag, or ""."""
    html = soup.find("html")
    candidates: list[Any] = [html.get("lang") or html.get("xml:lang") if isinstance(html, Tag)
                             else ""]
    for meta in soup.find_all("meta"):
        if not isinstance(meta, Tag):
            continue
        key = str(meta.get("property") or meta.get("name") or meta.get("http-equiv") or "")
        if key.lower() in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        tag = primary(str(value or ""))
        if tag:
            return tag
    return ""


def primary(value: str) -> str:
    """``"pt-BR"``, ``"pt_BR"``, ``"PT"`` -> ``"pt"``; "" for anything that is no language."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*(?:,|$)", value)
    tag = match.group(1).lower() if match else ""
    return "" if tag in ("und", "mul", "zxx", "xx") else tag


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier, kept in the user's cache once built (unpacking its LZMA model
    costs ~0.45 s, a third of a pull with one changed page; the pickle loads in ~0.07 s)."""
    return derived.remembered("langid", _load_identifier, "py3langid", "numpy")


def _load_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """The text's language and the model's probability for it (("", 0.0): no words)."""
    sample = " ".join(text.split())[:SAMPLE_CHARS]
    if not re.search(r"[^\W\d_]", sample):
        return "", 0.0
    language, probability = _identifier().classify(sample)
    return ("", 0.0) if language == "zxx" else (str(language), float(probability))


def language_of(text: str, stated: str) -> str:
    """The page's language: the text's when it says so clearly, else the declared one."""
    words = len(text.split())
    found, probability = detect(text) if words >= 5 else ("", 0.0)
    if found and words >= MIN_WORDS and probability >= MIN_CONFIDENCE:
        return found
    if stated:
        return stated
    if found and words >= MIN_WORDS and probability >= UNDECLARED_CONFIDENCE:
        return found  # nothing declared: a likely guess on a long text is the best there is
    return found if probability >= MIN_CONFIDENCE else ""


def name(tag: str) -> str:
    """``"pt"`` -> ``"Portuguese"`` (Babel's CLDR names), the tag itself when unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag).get_display_name("en") or tag
    except (ValueError, UnknownLocaleError):
        return tag


def refusal(language: str, wanted: str, where: str) -> str:
    """The failure line for a page written in ``language`` when sources are in ``wanted``."""
    return (
        f"{where}: written in {name(language)} ({language}), not {name(wanted)}; intl-pub "
        f"translates from {name(wanted)}, so this page was not pulled. If the site publishes "
        f'in {name(language)} on purpose, set source_language = "{language}" in its '
        f'[sources."…"] table (or [pipeline]) of intl-pub.toml, with an engine that '
        f"translates from {name(language)}"
    )
