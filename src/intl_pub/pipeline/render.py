"""One post's pages: the post rendered in English and every locale, and written.

The publish step (:mod:`intl_pub.pipeline.publish`) decides which posts
changed and imports this module only when one did: rendering needs the
segmenter, the risk gate and the verifier, which an unchanged run never loads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import babel.dates

from intl_pub import catalog, publish, segment, sources
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.memory import machine_memory
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError
from intl_pub.core.glossary import load_glossary
from intl_pub.core.locales import ENGLISH, cldr
from intl_pub.core.model import Locale, Post
from intl_pub.pipeline import parallel
from intl_pub.publish import reader_notes, urls, words
from intl_pub.publish.policy import Policy, gate_for, risk_settings
from intl_pub.publish.verdicts import Verdicts
from intl_pub.workdir.manifest import text_digest
from intl_pub.workdir.store import Store

if TYPE_CHECKING:
    from intl_pub.pipeline.publish import PublishRun

log = logging.getLogger(__name__)


def publish_post(run: PublishRun, slug: str, old: dict[str, Any]) -> dict[str, Any]:
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
    run: PublishRun, pages: list[publish.Page], kept: set[str], old_pages: dict[str, Any]
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
    with Verdicts(store.verdicts_path(), locale, glossary) as verdicts:
        kept = verdicts if gate.mode == "verify" else None
        policy = Policy(locale, found, glossary, gate, parallel.offered(f"risk:{key}"), kept)
        stats = policy.stats(walked.units)  # (every unit decided: the verdicts are all in)
        verdicts.save()
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
        from intl_pub.qa import risk  # (only the hold gate asks the English's risk)

        risky = {unit.msgid: risk.classify(unit.msgid, rules) for unit in walked.units}
    with parallel.offer(f"walk:{key}", walked), parallel.offer(f"risk:{key}", risky):
        yield


def _reader_notes(
    run: PublishRun, locale: Locale, english: publish.Page
) -> reader_notes.ReaderNotes:
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


def _head_only(document: str) -> str:
    """A stored post's metadata without its body (cheap to parse: the page renders the body)."""
    end = document.find("<body")
    return document if end < 0 else document[:end] + "<body><article></article></body></html>"
