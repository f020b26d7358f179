"""Review progress and QA over the catalogs: what ``intl-pub status`` and ``check`` report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intl_pub import catalog
from intl_pub.catalog import Stats
from intl_pub.catalog import files as catalog_files
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError
from intl_pub.core.glossary import load_glossary
from intl_pub.core.model import Glossary, Locale
from intl_pub.qa import checks, verify
from intl_pub.workdir.store import UI_CATALOG, Store


@dataclass(frozen=True)
class StatusRow:
    """Review progress of one post in one locale."""

    locale: str
    slug: str
    stats: Stats
    qa_errors: int
    error: str = ""
    """Why the catalog could not be read, when it could not."""


def status(settings: Settings, interface: bool = False) -> list[StatusRow]:
    """Per locale and post: reviewed / machine / untranslated / failing-QA counts.

    ``interface``: also the locale's interface words (``site``, translations/<l>/site.po),
    when the file is there.
    """
    store = Store(settings.workdir)
    store.require()
    rows = []
    glossary = load_glossary(settings)
    slugs = store.slugs()
    for locale in settings.locales:
        own = [UI_CATALOG] if interface and store.ui_catalog_path(locale).exists() else []
        written = store.written_catalogs(locale)
        for slug in [*slugs, *own]:
            try:
                cat = catalog_files.read(store, store.catalog_path(locale, slug), written(slug))
                if cat is None:
                    pot = catalog_files.read(store, store.template_path(slug))
                    total = len(pot) if pot is not None else 0
                    rows.append(StatusRow(locale.tag, slug, Stats(0, 0, total), 0))
                    continue
            except CatalogError as exc:
                rows.append(StatusRow(locale.tag, slug, Stats(0, 0, 0), 0, str(exc)))
                continue
            errors = sum(
                1
                for e in cat
                if e.translated
                and checks.run(e.msgid, e.msgstr, locale, glossary, errors_only=True)
            )
            rows.append(StatusRow(locale.tag, slug, catalog.stats(cat), errors))
    return rows


@dataclass(frozen=True)
class Finding:
    """One QA problem of one catalog entry (or a catalog that cannot be read)."""

    file: Path
    line: int
    locale: str
    msgid: str
    severity: str
    check: str
    message: str


def check(settings: Settings) -> list[Finding]:
    """QA over every catalog of every locale (``intl-pub check``)."""
    store = Store(settings.workdir)
    store.require()
    glossary = load_glossary(settings)
    findings = []
    for locale in settings.locales:
        for path in store.catalogs(locale):
            try:
                cat = catalog_files.read(store, path)
            except CatalogError as exc:
                findings.append(Finding(path, 0, locale.tag, "", checks.ERROR, "catalog", str(exc)))
                continue
            for entry in cat or []:
                if not entry.translated:
                    continue
                for problem in _problems(entry.msgid, entry.msgstr, locale, glossary):
                    findings.append(
                        Finding(
                            path,
                            entry.line,
                            locale.tag,
                            entry.msgid,
                            problem.severity,
                            problem.check,
                            problem.message,
                        )
                    )
    return findings


def _problems(
    msgid: str, msgstr: str, locale: Locale, glossary: Glossary
) -> list[checks.Problem]:
    """The QA checks' problems, then what verification against the English finds (warnings:
    a machine translation that fails is shown in English until reviewed; a reviewed one may
    say a number another way on purpose, and a person should look)."""
    found = checks.run(msgid, msgstr, locale, glossary)
    if any(p.severity == checks.ERROR for p in found):
        return found  # (verification would say the same again: a token, a number, a name)
    for failure in verify.verify(msgid, msgstr, locale, glossary):
        found.append(checks.Problem(checks.WARNING, f"verify:{failure.kind}", failure.message))
    return found


def as_check_findings(findings: Sequence[Finding], relative_to: Path) -> list[checks.Finding]:
    """:func:`check`'s findings as :mod:`intl_pub.checks` reports them (``check --json``)."""
    return [
        checks.Finding(
            str(Path(os.path.relpath(f.file, relative_to))),
            f.line,
            f.locale,
            f.msgid,
            checks.Problem(f.severity, f.check, f.message),
        )
        for f in findings
    ]
