"""The publish step: site/ from content/ and the catalogs, only what changed.

Like MkDocs' ``build()``, it reads top to bottom: gather what the run needs
(interface words, the site's key), render the posts whose inputs changed and
write their pages, remove the posts gone from content/, then render and write
the listings (indexes, feeds, sitemap) that show what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import babel.dates

from intl_pub import __version__, catalog, publish, segment, sources
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.memory import machine_memory
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError, IntlPubError, describe
from intl_pub.core.glossary import load_glossary
from intl_pub.core.locales import ENGLISH, cldr
from intl_pub.core.model import Locale, Post, RunReport
from intl_pub.pipeline import parallel
from intl_pub.pipeline.translate import written_digest
from intl_pub.publish import interface, reader_notes, urls, words
from intl_pub.publish.policy import Policy, gate_for, risk_settings
from intl_pub.qa import risk
from intl_pub.workdir.manifest import Manifest, text_digest
from intl_pub.workdir.store import UI_CATALOG, Store

log = logging.getLogger(__name__)

SITE_STEP = "publish-site"
"""The manifest of what every page shares (the site's key), beside the posts' ``publish``."""


@dataclass
class _Run:
    """What one publish run gathers before rendering, and shares between its posts."""

    settings: Settings
    store: Store
    report: RunReport
    manifest: Manifest
    env: publish.Environment
    site_key: str
    """Digest of everything every page depends on (version, settings, templates, UI words)."""
    _ui: dict[str, dict[str, str]] | None = None
    _translated: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def records(self) -> MutableMapping[str, Any]:
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

    def written(self, locale: Locale, slug: str) -> str:
        """The digest the translate step recorded for the catalog (its manifest read once)."""
        if locale.tag not in self._translated:
            self._translated[locale.tag] = self.store.manifest(f"translate-{locale.path}").records
        return written_digest(self._translated[locale.tag].get(slug))

    def inputs(self, slug: str) -> str:
        """Digest of what the post's pages are made from."""
        locales = self.settings.locales
        return text_digest(
            self.site_key,
            self.manifest.digest(self.store.content_path(slug)),
            *(self.manifest.digest(self.store.catalog_path(loc, slug)) for loc in locales),
            *(self.manifest.digest(self.store.suggestions_path(loc, slug)) for loc in locales),
        )

    def outputs_exist(self, record: dict[str, Any]) -> bool:
        pages = record.get("pages", {}).values()
        return all(self.store.site_path(r["file"]).exists() for r in pages)


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
    # render and write the posts whose inputs changed; remove those gone from content/
    dirty = _publish_changed(run, slugs) | _remove_gone(run, slugs)
    # listings: the indexes, feeds and sitemap that show what changed
    listed = store.manifest(SITE_STEP)
    if listed.records.get("site") != run.site_key or not run.outputs_exist(
        {"pages": {"": {"file": "index.html"}}}
    ):
        dirty = set(publish.listing_files(settings))
    if dirty:
        _write_listings(run, slugs, dirty)
        listed.records["site"] = run.site_key
    run.manifest.save()
    listed.save()
    return report


def _start(settings: Settings, store: Store, report: RunReport) -> _Run:
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
    return _Run(settings, store, report, manifest, env, site_key)


def _publish_changed(run: _Run, slugs: Sequence[str]) -> set[str]:
    """Render and write every post whose inputs changed; the listing files that may change."""
    dirty: set[str] = set()
    for slug in slugs:
        inputs = run.inputs(slug)
        old = run.records.get(slug)
        if old and old.get("inputs") == inputs and run.outputs_exist(old):
            continue
        try:
            record = _publish_post(run, slug, old or {})
        except (IntlPubError, RecursionError) as exc:
            run.report.failures.append(f"{slug}: {describe(exc)}")
            continue
        record["inputs"] = inputs if not record.pop("kept_old", False) else ""
        old_pages = (old or {}).get("pages", {})
        dirty |= publish.listings_changed(run.settings, old_pages, record["pages"])
        publish.outside_feeds(old_pages, record["pages"])
        run.records[slug] = record
    return dirty


def _remove_gone(run: _Run, slugs: Sequence[str]) -> set[str]:
    """Remove the pages of posts no longer in content/; the listing files that change."""
    dirty: set[str] = set()
    for gone in set(run.records) - set(slugs):
        pages = run.records.pop(gone).get("pages", {})
        for name in pages.values():
            if run.store.remove(run.store.site_path(name["file"])):
                run.report.written.append(f"site/{name['file']}")
        dirty |= publish.listings_changed(run.settings, pages, {})
    return dirty


def _write_listings(run: _Run, slugs: Sequence[str], dirty: set[str]) -> None:
    """Render the listing files in ``dirty`` and write those that changed.

    A page that moved into a feed has no body on record: its post is rendered
    again for it (feeds carry the whole text) before the listings are.
    """
    records = run.records
    pages = _listed_pages(records, slugs)
    files = run.env.index_files(pages, run.ui, dirty)  # (works out env.feed_entries)
    bodiless = sorted(
        {
            p.post.slug
            for p in pages
            if p.file in run.env.feed_entries
            and "body" not in records[p.post.slug]["pages"][p.lang]
        }
    )
    for slug in bodiless:
        inputs = records[slug]["inputs"]
        records[slug] = _publish_post(run, slug, records[slug])
        records[slug]["inputs"] = inputs if not records[slug].pop("kept_old") else ""
    if bodiless:
        files = run.env.index_files(_listed_pages(records, slugs), run.ui, dirty)
    for name, text in files.items():
        if run.store.write(run.store.site_path(name), text.encode("utf-8")):
            run.report.written.append(f"site/{name}")
    publish.keep_feed_bodies(records, run.env.feed_entries)


def _publish_post(run: _Run, slug: str, old: dict[str, Any]) -> dict[str, Any]:
    """Render one post in every language and write its pages; return its record.

    The languages are rendered side by side in worker processes when the post
    is big enough to pay for them (:mod:`intl_pub.pipeline.parallel`).
    """
    settings, store = run.settings, run.store
    document = store.read_post(slug)
    post = sources.from_document(_head_only(document), slug)  # the body is parsed below
    old_pages = old.get("pages", {})
    walked = segment.walk(document)
    english = publish.Page.from_soup(post, ENGLISH, walked.tree, publish.BlockStats())
    english = publish.with_updated(english, old_pages.get(ENGLISH.tag))
    jobs = [
        (settings, loc, document, post, _reader_notes(run, loc, english), run.written(loc, slug))
        for loc in settings.locales
    ]
    outcomes = parallel.run_jobs(
        _locale_page,
        jobs,
        work=len(document) * len(jobs),
        shared=lambda: _offered(settings, document, walked),
    )
    pages, kept = [english], set()
    for locale, outcome in zip(settings.locales, outcomes, strict=True):
        if isinstance(outcome.error, CatalogError):
            run.report.failures.append(f"{slug} [{locale.tag}]: {outcome.error}")
            if locale.tag in old_pages:  # the last published page stays as it is
                pages.append(publish.page_from_record(old_pages[locale.tag]))
                kept.add(locale.tag)
        elif outcome.error is not None:
            raise outcome.error
        elif outcome.value is not None:
            pages.append(publish.with_updated(outcome.value, old_pages.get(outcome.value.lang)))
    _write_pages(run, pages, kept, old_pages)
    return {
        "pages": {
            page.lang: old_pages[page.lang] if page.lang in kept else publish.page_record(page)
            for page in pages
        },
        "kept_old": bool(kept),
    }


def _write_pages(
    run: _Run, pages: list[publish.Page], kept: set[str], old_pages: dict[str, Any]
) -> None:
    """Write a post's pages (those kept as they were aside); remove its pages that went."""
    files = run.env.post_files(pages, run.ui)
    for page in pages:
        if page.lang not in kept and run.store.write(
            run.store.site_path(page.file), files[page.file].encode("utf-8")
        ):
            run.report.written.append(f"site/{page.file}")
    for lang, rec in old_pages.items():
        if lang not in {p.lang for p in pages} and run.store.remove(
            run.store.site_path(rec["file"])
        ):
            run.report.written.append(f"site/{rec['file']}")


def _locale_page(
    settings: Settings,
    locale: Locale,
    document: str,
    post: Post,
    notes: reader_notes.ReaderNotes,
    written: str = "",
) -> publish.Page | None:
    """One language of a post, or None below its publishing threshold (a worker's job).

    ``written``: the catalog's digest when the translate step wrote it. Raises
    CatalogError when the post's catalog cannot be read. The threshold is
    decided before the page is rebuilt.
    """
    store = Store(settings.workdir)
    glossary = load_glossary(settings)
    cat = catalog_files.read(store, store.catalog_path(locale, post.slug), written)
    found = catalog.offered(cat, machine_memory(store, locale, post.slug))
    key = text_digest(document)
    walked = parallel.take(f"walk:{key}") or segment.walk(document)
    gate = gate_for(settings, locale, glossary)
    policy = Policy(locale, found, glossary, gate, parallel.offered(f"risk:{key}"))
    stats = policy.stats(walked.units)
    if stats.reviewed_share < settings.threshold(locale, "publish"):
        log.info(
            "%s [%s]: %.0f%% reviewed, below the publishing threshold; not published",
            post.slug,
            locale.tag,
            100 * stats.reviewed_share,
        )
        return None
    tree = segment.apply_tree(walked, policy.lookup)
    reader_notes.decorate(tree, notes, stats.withdrawn)
    return publish.Page.from_soup(post, locale, tree, stats)


@contextmanager
def _offered(settings: Settings, document: str, walked: segment.Walked) -> Iterator[None]:
    """What the languages rendered from ``document`` get for free while they share this
    process's memory (here, or in workers forked meanwhile: their own copies).

    The English page's walk, which the first language takes and rebuilds instead
    of parsing the post again (parsing and walking are a third of rendering a
    language), and the risk gate's answers, found once: the English is the same
    in every language.
    """
    key = text_digest(document)
    risky = None
    if any(settings.holds_risky(loc) for loc in settings.locales):
        rules = risk_settings(settings, load_glossary(settings))
        risky = {unit.msgid: risk.classify(unit.msgid, rules) for unit in walked.units}
    with parallel.offer(f"walk:{key}", walked), parallel.offer(f"risk:{key}", risky):
        yield


def _reader_notes(run: _Run, locale: Locale, english: publish.Page) -> reader_notes.ReaderNotes:
    """The page's URLs, interface words and the date its English last changed."""
    updated = english.updated or english.post.published
    slug, base = english.post.slug, run.settings.base_url
    return reader_notes.ReaderNotes(
        lang=locale.tag,
        slug=slug,
        page_url=urls.page_url(base, locale, slug),
        original_url=urls.page_url(base, ENGLISH, slug),
        strings=run.ui.get(locale.tag, {}),
        machine=words.machine_of(run.ui.get(locale.tag, {})),
        feedback_url=run.settings.feedback_url,
        english_updated=babel.dates.format_date(updated, format="long", locale=cldr(locale.tag)),
    )


def _listed_pages(records: MutableMapping[str, Any], slugs: Sequence[str]) -> list[publish.Page]:
    return [
        publish.page_from_record(rec)
        for slug in slugs
        if slug in records
        for rec in records[slug]["pages"].values()
    ]


def _head_only(document: str) -> str:
    """A stored post's metadata without its body (cheap to parse: the page renders the body)."""
    end = document.find("<body")
    return document if end < 0 else document[:end] + "<body><article></article></body></html>"


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
