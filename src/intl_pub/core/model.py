"""The pipeline's data: frozen, typed, stdlib only.

Every other module passes these around; none of them carries behaviour that
needs a third-party library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Locale:
    """One language, under each of the names the tools around us use (built by locales)."""

    tag: str
    """BCP 47 tag used in configuration and HTML `lang`/`hreflang` (``zh-Hans``)."""
    gettext: str
    """Folder name under translations/ and the PO ``Language`` header (``zh_Hans``)."""
    path: str
    """URL path segment of the published site (``zh-hans``)."""
    language: str
    """ISO 639 language code (``zh``)."""
    script: str
    """ISO 15924 script the language is written in (``Hans``, ``Latn``, ``Cyrl``, ``Arab``)."""
    direction: str
    """Text direction, ``ltr`` or ``rtl``."""
    plural_forms: str
    """The PO ``Plural-Forms`` header, as GNU gettext documents it for the language."""

    @property
    def is_source(self) -> bool:
        """True for English, the language every post is written in."""
        return self.language == "en"


@dataclass(frozen=True, slots=True)
class Post:
    """An English original as fetched from a source."""

    slug: str
    """File-safe identifier: content/<slug>.html, translations/*/<slug>.po, site/*/<slug>/."""
    title: str
    """Plain-text title."""
    body: str
    """The article body as an HTML fragment, exactly as the source gave it."""
    published: datetime
    """Publication time (timezone-aware)."""
    url: str = ""
    """Where the original lives, when it came from the web."""
    summary: str = ""
    """Plain-text description, used for meta description and feeds."""
    identity: str = ""
    """What names the post for good: its feed entry id (Atom ``id``, RSS ``guid``), else its
    canonical URL; empty for a file on disk (then the file name names it)."""
    updated: datetime | None = None
    """When the source says the post last changed (a feed entry's ``updated``), if later
    than ``published``."""


@dataclass(frozen=True)
class Unit:
    """One translatable unit of a document: a block or a translatable attribute."""

    msgid: str
    """Normalized source text; inline elements appear as ``<1>…</1>`` / ``<2/>`` tokens."""
    line: int
    """Source line of the element that carries it, for ``#:`` references."""
    context: str = ""
    """msgctxt, set only when the author marked the element with ``data-l10n-context``."""
    note: str = ""
    """What kind of unit it is (``h2``, ``img@alt``), an extracted comment for translators."""


@dataclass(frozen=True)
class Translation:
    """What a catalog holds for one unit, as the publisher needs it."""

    text: str
    """The msgstr."""
    reviewed: bool
    """Translated and not fuzzy: a person has approved it."""
    withdrawn: bool = False
    """A reviewed translation withdrawn because its English changed since (the text, if
    any, is fresh machine translation of today's English)."""
    confidence: float | None = None
    """The engine's confidence in a machine translation, when its note records one."""


@dataclass
class RunReport:
    """What a step did, for the command line summary and Prefect artifacts."""

    written: list[str] = field(default_factory=list)
    """Files created or changed (relative to the work folder)."""
    failures: list[str] = field(default_factory=list)
    """One line per post/locale that failed, saying why."""
    engine_calls: int = 0
    """Batches sent to the machine-translation engine."""

    def merge(self, other: RunReport) -> None:
        """Fold another step's report into this one."""
        self.written.extend(other.written)
        self.failures.extend(other.failures)
        self.engine_calls += other.engine_calls

    @property
    def ok(self) -> bool:
        """True when every post and locale succeeded."""
        return not self.failures


@dataclass(frozen=True)
class Glossary:
    """translations/glossary.toml: terms kept as written, and required translations."""

    do_not_translate: tuple[str, ...] = ()
    """Names and terms that stay in English in every language (masked before MT)."""
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per locale tag: English term -> the translation that must be used."""
    version: str = ""
    """A digest of the file, for caches keyed on the glossary."""
    critical: tuple[str, ...] = ()
    """``critical = [...]``: terms (drug names) that make a unit risky (see intl_pub.risk)."""

    def for_locale(self, locale: Locale) -> dict[str, str]:
        return self.terms.get(locale.tag, {})
