"""The publish step: site/ from content/ and the catalogs, only what changed.

Like MkDocs' ``build()``, it reads top to bottom: gather what the run needs
(interface words, the site's key), render the posts whose inputs changed and
write their pages, remove the posts gone from content/, then render and write
the listings (indexes, feeds, sitemap) that show what changed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from intl_pub import __version__, publish
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError, IntlPubError, describe
from intl_pub.core.glossary import load_glossary
from intl_pub.core.model import Locale, RunReport
from intl_pub.pipeline import parallel
from intl_pub.publish import interface
from intl_pub.workdir.manifest import Manifest, text_digest, written_digest
from intl_pub.workdir.state import Records
from intl_pub.workdir.store import UI_CATALOG, Store

if TYPE_CHECKING:
    from intl_pub.pipeline import render

log = logging.getLogger(__name__)

SITE_STEP = "publish-site"
"""The manifest of what every page shares (the site's key), beside the posts' ``publish``."""
CHECK_STEP = "publish-check"
"""Per post, what deciding that it is unchanged needs: ``[inputs, its pages' files]``. A
small row beside its ``publish`` record (every page's listing data, feed bodies): an
unchanged run of 100,000 posts reads these, not 100,000 records."""
BODY = '"body":'
"""A page record's body, as its JSON text spells the key (a title's quotes are escaped)."""
TRIM_EVERY = 1_000
"""Posts rendered between two trims of the bodies no feed can list (~36 MB of them)."""


@dataclass
class PublishRun:
    """What one publish run gathers before rendering, and shares between its posts."""

    settings: Settings
    store: Store
    report: RunReport
    manifest: Manifest
    env: publish.Environment
    site_key: str
    """Digest of everything every page depends on (version, settings, templates, UI words)."""
    checks: Manifest
    """The ``publish-check`` rows (:data:`CHECK_STEP`), kept with the records."""
    _ui: dict[str, dict[str, str]] | None = None
    _translated: dict[str, dict[str, Any]] = field(default_factory=dict)
    _bodied: list[str] = field(default_factory=list)
    """Posts kept this run whose records may hold page bodies (see :meth:`keep`)."""
    _renderer: render.Renderer | None = None

    @property
    def records(self) -> Records:
        """Per post: its pages' records and the digest of its inputs (a row each; a record
        changed in place is assigned again to be saved)."""
        return self.manifest.records

    @property
    def ui(self) -> dict[str, dict[str, str]]:
        """The interface words per locale tag (read when a page is first rendered)."""
        if self._ui is None:
            locales = self.settings.locales
            self._ui = {loc.tag: interface.strings(self.store, loc) for loc in locales}
        return self._ui

    @property
    def renderer(self) -> render.Renderer:
        """What rendering a post needs of this run (:mod:`intl_pub.pipeline.render`)."""
        from intl_pub.pipeline import render  # (loaded only when a post changed)

        if self._renderer is None:
            self._renderer = render.Renderer(self.settings, self.store, self.env, self.ui)
        return self._renderer

    def written_all(self, slug: str) -> dict[str, str]:
        """:meth:`written` for every language, by tag."""
        return {loc.tag: self.written(loc, slug) for loc in self.settings.locales}

    def written(self, locale: Locale, slug: str) -> str:
        """The digest the translate step recorded for the catalog (its manifest read once)."""
        if locale.tag not in self._translated:
            self._translated[locale.tag] = self.store.translated(locale).records
        return written_digest(self._translated[locale.tag].get(slug))

    def inputs(self, slug: str) -> str:
        """Digest of what the post's pages are made from."""
        locales, digest, file = self.settings.locales, self.manifest.digest, self.store.post_file
        return text_digest(
            self.site_key,
            digest(file("content", slug)),
            *(digest(file("catalog", slug, loc)) for loc in locales),
            *(digest(file("suggestions", slug, loc)) for loc in locales),
        )

    def changed(self, slugs: Sequence[str]) -> dict[str, str]:
        """Of ``slugs``, the posts whose inputs changed or whose pages are gone, with their
        inputs' digest (this may run in a worker forked from the run)."""
        changed: dict[str, str] = {}
        for slug in slugs:
            inputs = self.inputs(slug)
            check = self.checks.records.get(slug)
            if not (check and check[0] == inputs and self.outputs_exist(check[1])):
                changed[slug] = inputs
        return changed

    def outputs_exist(self, files: Sequence[str]) -> bool:
        site, there = os.fspath(self.store.site_dir), os.access  # (a run asks it of every page:
        # strings, and access() rather than exists(), a Python frame and an exception less)
        return all(there(f"{site}/{name}", os.F_OK) for name in files)

    def keep(self, slug: str, record: dict[str, Any]) -> None:
        """Record a post's pages, and its check.

        Every :data:`TRIM_EVERY` posts, the bodies of pages that cannot be feed entries
        are dropped: a first publish would otherwise hold every page's body until its
        transaction.
        """
        self.records[slug] = record
        self.checks.records[slug] = _check(record)
        self._bodied.append(slug)
        if len(self._bodied) >= TRIM_EVERY:
            self._bodied = publish.trim_feed_bodies(self.records, set(self._bodied))

    def checked_before(self) -> None:
        """A work folder published before the checks were kept: every record gets its
        check (once; the records are read whole this one time)."""
        if len(self.checks.records) == 0:
            for slug in list(self.records):
                self.checks.records[slug] = _check(self.records[slug])

    def drop(self, slug: str) -> dict[str, Any]:
        """Forget a post's record and check; its record (empty when it had none)."""
        self.checks.records.pop(slug, None)
        return dict(self.records.pop(slug, None) or {})


def _check(record: dict[str, Any]) -> list[Any]:
    return [record.get("inputs", ""), sorted(p["file"] for p in record.get("pages", {}).values())]


def publish_site(settings: Settings, store: Store | None = None) -> RunReport:
    """Write site/: every post in English and every locale, indexes, feeds, sitemap.

    Only the pages whose inputs changed (the post, its catalogs, templates,
    interface catalogs, settings) are rendered; the indexes, feeds and sitemap
    only when a page they list changed. A catalog that cannot be read keeps
    the post's published page in that language as it was.
    """
    store = store or Store(settings.workdir)
    store.require()
    report = RunReport()
    slugs = store.slugs()
    if not slugs:
        log.info("content/ holds no posts: nothing to publish")
        return report
    # gather: the interface catalogs, and the key of everything every page depends on
    run = _start(settings, store, report)
    run.checked_before()
    # render and write the posts whose inputs changed; remove those gone from content/
    dirty = _publish_changed(run, slugs) | _remove_gone(run, slugs)
    # listings: the indexes, feeds and sitemap that show what changed
    listed = store.manifest(SITE_STEP)
    if listed.records.get("site") != run.site_key or not run.outputs_exist(["index.html"]):
        dirty = set(publish.listing_files(settings))
    if dirty:
        _write_listings(run, slugs, dirty)
        listed.records["site"] = run.site_key
    run.manifest.save()
    run.checks.save()
    listed.save()
    return report


def _start(settings: Settings, store: Store, report: RunReport) -> PublishRun:
    manifest = store.manifest("publish")
    env = publish.Environment(settings, store.user_templates)
    for loc in settings.locales:
        try:
            interface.install(store, settings, loc)
        except CatalogError as exc:
            report.failures.append(f"interface catalog [{loc.tag}]: {exc}")
    site_key = text_digest(
        __version__,
        repr(_site_settings(settings)),
        env.digest(),
        *(manifest.digest(store.ui_catalog_path(loc)) for loc in settings.locales),
        *(manifest.digest(store.suggestions_path(loc, UI_CATALOG)) for loc in settings.locales),
        load_glossary(settings).version,
    )
    return PublishRun(settings, store, report, manifest, env, site_key, store.manifest(CHECK_STEP))


def _publish_changed(run: PublishRun, slugs: Sequence[str]) -> set[str]:
    """Render and write every post whose inputs changed; the listing files that may change."""
    dirty: set[str] = set()
    run.checks.records.load()
    changed: dict[str, str] = {}
    for part in parallel.check_across_cores(run.manifest, run.changed, slugs):
        changed.update(part)
    if not changed:
        return dirty
    from intl_pub.pipeline import render  # (loaded only when a post changed)

    for slug, old, outcome in render.render_many(run, list(changed)):
        if isinstance(outcome, str):
            run.report.failures.append(outcome)
            continue
        try:
            record = render.write(run, outcome)
        except IntlPubError as exc:  # (a page that cannot be written: the others still are)
            run.report.failures.append(f"{slug}: {describe(exc)}")
            continue
        record["inputs"] = changed[slug] if not record.pop("kept_old", False) else ""
        old_pages = old.get("pages", {})
        dirty |= publish.listings_changed(run.settings, old_pages, record["pages"])
        publish.outside_feeds(old_pages, record["pages"])
        run.keep(slug, record)
    return dirty


def _remove_gone(run: PublishRun, slugs: Sequence[str]) -> set[str]:
    """Remove the pages of posts no longer in content/; the listing files that change."""
    dirty: set[str] = set()
    for gone in set(run.checks.records) - set(slugs):  # (every record has its check now)
        pages = run.drop(gone).get("pages", {})
        for name in pages.values():
            if run.store.remove(run.store.site_path(name["file"])):
                run.report.written.append(f"site/{name['file']}")
        dirty |= publish.listings_changed(run.settings, pages, {})
    return dirty


def _write_listings(run: PublishRun, slugs: Sequence[str], dirty: set[str]) -> None:
    """Render the listing files in ``dirty`` and write those that changed.

    A page that moved into a feed has no body on record: its post is rendered
    again for it (feeds carry the whole text) before the listings are.
    """
    records = run.records
    pages = _listed_pages(records, slugs)
    files = run.env.index_files(pages, run.ui, dirty)  # (works out env.feed_entries now)
    bodiless = sorted(
        {
            p.post.slug
            for p in pages
            if p.file in run.env.feed_entries
            and "body" not in records[p.post.slug]["pages"][p.lang]
        }
    )
    for slug in bodiless:
        from intl_pub.pipeline import render

        inputs = records[slug]["inputs"]
        record = render.publish_post(run, slug, records[slug])
        record["inputs"] = inputs if not record.pop("kept_old") else ""
        run.keep(slug, record)
    if bodiless:
        del files, pages  # (one list of 100,000 posts' pages at a time)
        files = run.env.index_files(_listed_pages(records, slugs), run.ui, dirty)
    written: set[str] = set()
    for name, text in files:  # (rendered as read: each let go once written)
        written.add(name)
        if run.store.write(run.store.site_path(name), text.encode("utf-8")):
            run.report.written.append(f"site/{name}")
    for stale in publish.stale_listing_files(run.store.site_dir, run.settings, written):
        # once the listings that stop linking to it are in place
        if not run.store.after_batch(lambda stale=stale: run.store.remove(stale)):
            run.store.remove(stale)
        run.report.written.append(run.store.rel(stale))
    publish.keep_feed_bodies(records, run.env.feed_entries, records.keys_with_text(BODY))


def _listed_pages(records: MutableMapping[str, Any], slugs: Sequence[str]) -> list[publish.Page]:
    return [
        page
        for slug in slugs
        if slug in records
        for page in publish.pages_from_record(records[slug]["pages"])
    ]


def _site_settings(settings: Settings) -> tuple[object, ...]:
    return (
        settings.site_title,
        settings.site_tagline,
        settings.base_url,
        [loc.tag for loc in settings.locales],
        settings.min_reviewed_to_index,
        settings.min_reviewed_to_publish,
        sorted((k, sorted(v.items())) for k, v in settings.locale_thresholds.items()),
        settings.risk,
        settings.gate,
        sorted(settings.locale_gates.items()),
        settings.min_confidence,
        settings.feedback_url,
    )
