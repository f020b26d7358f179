"""The site's own words (interface strings, the site's title): shipped catalogs, site.po."""

from __future__ import annotations

import logging

from intl_pub import catalog
from intl_pub.catalog import files as catalog_files
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError
from intl_pub.core.model import Locale, Unit
from intl_pub.publish import site as publish
from intl_pub.workdir.store import Store

log = logging.getLogger(__name__)


def strings(store: Store, locale: Locale) -> dict[str, str]:
    """The site's own words: the shipped reviewed catalog, then translations/<l>/site.po.

    The shipped catalog is copied to translations/<l>/site.po when that file does
    not exist, so translators review the interface where they review posts; a
    string missing from their copy still comes from the shipped one.
    """
    shipped = publish.shipped_ui_catalog(locale)
    strings: dict[str, str] = {}
    for path in (shipped, store.ui_catalog_path(locale)):
        if path is None:
            continue
        try:
            cat = catalog_files.read(store, path)
        except CatalogError as exc:
            log.warning("%s; the shipped interface translation is used", exc)
            continue
        strings.update({k[1]: t.text for k, t in catalog.translations(cat).items() if t.reviewed})
    return strings


def install(store: Store, settings: Settings, locale: Locale) -> None:
    """Keep the interface catalog where translators work up to date with the site's words.

    translations/templates/site.pot holds the interface strings and the site's
    title and tagline; translations/<l>/site.po starts from the shipped reviewed
    translation (or, for a language intl-pub ships none for, the template: its
    pages use the English interface strings until a translator fills it in) and
    is merged with the template -- never machine-translated.
    """
    units = [Unit(e.msgid, 0, note="site") for e in catalog.load(publish.ui_template()) or []]
    units += [
        Unit(t, 0, note="site name") for t in (settings.site_title, settings.site_tagline) if t
    ]
    pot = catalog.build_template(units, "intl-pub site", "intl-pub site")
    catalog_files.write(store, pot, store.ui_template_path())
    own = store.ui_catalog_path(locale)
    shipped = publish.shipped_ui_catalog(locale)
    if shipped is None and not own.exists():
        log.warning(
            "intl-pub ships no interface translation for %s: its pages use the English "
            "interface strings until %s translates them",
            locale.tag,
            store.rel(own),
        )
    if own.exists():
        old = catalog_files.read(store, own)
    else:
        old = catalog.load(shipped) if shipped else None
    catalog_files.write(store, catalog.merge(pot, old, locale), own)
