"""The site's own words (interface strings, the site's title): shipped catalogs, site.po.

translations/templates/site.pot holds the interface strings and the site's
title and tagline (with a ``#:`` reference to their line in intl-pub.toml);
translations/<l>/site.po starts from the reviewed translation intl-pub ships
for the language, if any, and is merged with the template like any post's
catalog. The translate step machine-translates what no person translated
(fuzzy, ``#. mt: …``, as in a post's catalog: :func:`intl_pub.pipeline.translate.translate`
takes site.po as one more catalog); publishing never calls an engine: it shows
reviewed words as they are and machine ones marked (:mod:`intl_pub.publish.words`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from intl_pub import __version__, catalog
from intl_pub.catalog import Catalog
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.formats import brace_fields, same_fields
from intl_pub.catalog.memory import machine_memory
from intl_pub.core.config import SETTINGS_FILE, Settings, settings_line
from intl_pub.core.errors import CatalogError
from intl_pub.core.model import Locale, Unit
from intl_pub.publish import site as publish
from intl_pub.publish.words import Words
from intl_pub.workdir.manifest import Manifest
from intl_pub.workdir.store import UI_CATALOG, Store

log = logging.getLogger(__name__)

PROJECT = "intl-pub site"


def template(store: Store, settings: Settings) -> Catalog:
    """The site's words to translate: the shipped interface strings, the title and tagline.

    The interface strings keep the shipped template's comments (where each is
    shown) and name no file: they live in intl-pub's own templates. The title
    and tagline name their line of intl-pub.toml, which Poedit opens.
    ``POT-Creation-Date`` is the shipped template's: when the words last changed.
    """
    shipped = catalog.load(publish.ui_template())
    units = [Unit(e.msgid, 0, note=e.comment) for e in shipped or []]
    files = [""] * len(units)
    for key, text in (("title", settings.site_title), ("tagline", settings.site_tagline)):
        if text:
            line = settings_line(settings, "site", key)
            note = f"the site's {key} ([site] {key} in {SETTINGS_FILE})"
            units.append(Unit(text, line, note=note))
            files.append(SETTINGS_FILE if line else "")
    created = shipped.header("POT-Creation-Date") if shipped is not None else ""
    return catalog.build_template(
        units,
        "",
        PROJECT,
        datetime.strptime(created, "%Y-%m-%d %H:%M%z") if created else None,
        basepath=store.basepath(store.ui_template_path()),
        references=files,
    )


def write_template(store: Store, settings: Settings) -> bool:
    """Write translations/templates/site.pot when the site's words changed."""
    return catalog_files.write(store, template(store, settings), store.ui_template_path())


def shipped(locale: Locale) -> Catalog | None:
    """The reviewed translation intl-pub ships for ``locale``, where its site.po starts."""
    path = publish.shipped_ui_catalog(locale)
    return catalog.load(path) if path is not None else None


def install(store: Store, settings: Settings, locale: Locale, warn: bool = True) -> None:
    """Keep the interface catalog where translators work up to date with the site's words.

    The template is written; translations/<l>/site.po starts from the shipped
    translation (or from nothing) and is merged with it -- no engine here:
    what is new waits for the translate step, and its page shows the English
    words (``lang="en"``) until then (``warn``: say so).
    """
    pot = template(store, settings)
    catalog_files.write(store, pot, store.ui_template_path())
    own = store.ui_catalog_path(locale)
    manifest = store.manifest(INSTALL_STEP)
    recorded = manifest.records.get(locale.tag)
    if recorded is not None and recorded[:-1] == _install_inputs(store, manifest, locale):
        waiting = recorded[-1]  # merged already, and nothing of it changed since
    else:
        old = catalog_files.read(store, own) if own.exists() else shipped(locale)
        merged = catalog.merge(pot, old, locale, machine_memory(store, locale, UI_CATALOG))
        waiting = len(catalog.pending(merged))
        catalog_files.write(store, merged, own)
        manifest.records[locale.tag] = [*_install_inputs(store, manifest, locale), waiting]
    manifest.save()  # (and the files' signatures, so the next run need not hash them)
    if waiting and warn:
        log.warning(
            "%s: %d interface word(s) not translated yet: shown in English until "
            "`intl-pub translate` machine-translates them (or a translator fills them in)",
            store.rel(own),
            waiting,
        )


INSTALL_STEP = "interface"
"""The manifest of :func:`install`: per locale, the digests its merge read and wrote."""


def _install_inputs(store: Store, manifest: Manifest, locale: Locale) -> list[str]:
    """What a merge of the interface catalog reads: the template, the catalog (as the last
    merge wrote it, or as a translator saved it since), its machine memory, the shipped
    translation."""
    shipped_path = publish.shipped_ui_catalog(locale)
    return [
        __version__,
        manifest.digest(store.ui_template_path()),
        manifest.digest(store.ui_catalog_path(locale)),
        manifest.digest(store.suggestions_path(locale, UI_CATALOG)),
        manifest.digest(shipped_path) if shipped_path is not None else "",
    ]


def strings(store: Store, locale: Locale) -> Words:
    """The site's own words: the shipped reviewed catalog, then translations/<l>/site.po.

    A word from site.po is reviewed, or machine translation (in
    :attr:`Words.machine`); never a review of English that has changed since.
    A translation whose ``{placeholders}`` differ from its English is left out
    (the English is shown) with a warning: the page must not break for it.
    """
    texts: dict[str, str] = {}
    machine: set[str] = set()
    for path in (publish.shipped_ui_catalog(locale), store.ui_catalog_path(locale)):
        if path is None:
            continue
        try:
            cat = catalog_files.read(store, path)
        except CatalogError as exc:
            log.warning("%s; the shipped interface translation is used", exc)
            continue
        own = path == store.ui_catalog_path(locale)
        memory = machine_memory(store, locale, UI_CATALOG) if own else None
        for (_, msgid), found in catalog.offered(cat, memory).items():
            if not found.text or not (own or found.reviewed):
                continue
            if brace_fields(msgid) and not same_fields(msgid, found.text):
                log.warning(
                    "%s: the translation of %r lacks or renames a {placeholder}; the English "
                    "is shown until it is fixed",
                    store.rel(path) if own else path,
                    msgid,
                )
                continue
            texts[msgid] = found.text
            if found.reviewed:
                machine.discard(msgid)
            else:
                machine.add(msgid)
    return Words(texts, frozenset(machine))
