"""One post's pages: the post rendered in English and every locale, and written.

The publish step (:mod:`intl_pub.pipeline.publish`) decides which posts
changed and imports this module only when one did: rendering needs the
segmenter, the risk gate and the verifier, which an unchanged run never loads.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import babel.dates

from intl_pub import catalog, publish, segment, sources
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.memory import machine_memory
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError, IntlPubError, describe
from intl_pub.core.glossary import load_glossary
from intl_pub.core.locales import ENGLISH, cldr
from intl_pub.core.model import Locale, Post
from intl_pub.pipeline import parallel
from intl_pub.publish import reader_notes, urls, verdicts, words
from intl_pub.publish.policy import Policy, gate_for, risk_settings
from intl_pub.publish.verdicts import Verdicts
from intl_pub.workdir.manifest import text_digest
from intl_pub.workdir.store import Store

if TYPE_CHECKING:
    from intl_pub.pipeline.publish import PublishRun

log = logging.getLogger(__name__)


@dataclass
class Renderer:
    """What rendering a post needs of a publish run (a worker builds its own, once)."""

    settings: Settings
    store: Store
    env: publish.Environment
    ui: dict[str, dict[str, str]]
    """The interface words per locale tag."""


@dataclass
class Rendered:
    """A post rendered and not yet written: its record, its pages' text, what went."""

    slug: str
    record: dict[str, Any]
    """Its pages' records (``kept_old``: a language kept its last published page)."""
    files: dict[str, str]
    """The pages to write, by file name under site/."""
    gone: list[str]
    """The files of its pages no longer published."""
    failures: list[str] = field(default_factory=list)


def publish_post(run: PublishRun, slug: str, old: dict[str, Any]) -> dict[str, Any]:
    """Render one post in every language and write its pages; return its record.

    The languages are rendered side by side in worker processes when the post
    is big enough to pay for them (:mod:`intl_pub.pipeline.parallel`).
    """
    written = {loc.tag: run.written(loc, slug) for loc in run.settings.locales}
    return write(run, render_post(run.renderer, slug, old, written))


def render_many(
    run: PublishRun, slugs: Sequence[str]
) -> Iterator[tuple[str, dict[str, Any], Rendered | str]]:
    """Each post of ``slugs`` with its old record, rendered (or its failure's text), in
    order: side by side in worker processes, :data:`CHUNK` at a time, when they are
    enough work to pay for them.

    Why: a first publish (or a changed template) renders every post, and one process
    used one core of the machine. A post big enough to spread its own languages over
    workers is rendered here, as before.
    """
    with verdicts.kept_open():
        yield from _render_chunks(run, slugs)


def _render_chunks(
    run: PublishRun, slugs: Sequence[str]
) -> Iterator[tuple[str, dict[str, Any], Rendered | str]]:
    settings, languages = run.settings, len(run.settings.locales)
    for start in range(0, len(slugs), CHUNK):
        chunk = [(slug, dict(run.records.get(slug) or {})) for slug in slugs[start : start + CHUNK]]
        sizes = {slug: _size(run.store, slug) for slug, _ in chunk}
        small = [  # (a post whose own languages would get workers is rendered below)
            (slug, old, run.written_all(slug)) for slug, old in chunk
            if parallel.worker_count(languages, sizes[slug] * languages) < 2
        ]
        outcomes = parallel.run_jobs(
            render_posts,
            [(settings, run.ui, small[i : i + GROUP]) for i in range(0, len(small), GROUP)],
            work=sum(sizes[slug] * (1 + languages) for slug, _, _ in small),
            shared=lambda: _renderer_offered(run.renderer),
        ) if small else []
        done: dict[str, Rendered | str] = {}
        for outcome in outcomes:
            if outcome.error is not None:
                raise outcome.error
            done.update(outcome.value)
        for slug, old in chunk:
            if slug in done:
                yield slug, old, done.pop(slug)
                continue
            try:  # big: its languages side by side
                yield slug, old, render_post(run.renderer, slug, old, run.written_all(slug))
            except (IntlPubError, RecursionError) as exc:
                yield slug, old, f"{slug}: {describe(exc)}"


CHUNK = 400
"""Posts rendered between two writes: a chunk's pages are held until written (~40 MB)."""
GROUP = 20
"""Posts a worker renders per job (a job's results travel back to this process at once)."""


def render_posts(
    settings: Settings, ui: dict[str, dict[str, str]], items: list[tuple[str, Any, Any]]
) -> list[tuple[str, Rendered | str]]:
    """A worker's job: posts (slug, old record, catalogs' written digests) rendered, or the
    text of the failure of each that could not be."""
    renderer = _renderer(settings, ui)
    done: list[tuple[str, Rendered | str]] = []
    for slug, old, written in items:
        try:
            done.append((slug, render_post(renderer, slug, old, written)))
        except (IntlPubError, RecursionError) as exc:
            done.append((slug, f"{slug}: {describe(exc)}"))
    return done


def render_post(
    renderer: Renderer, slug: str, old: dict[str, Any], written: dict[str, str]
) -> Rendered:
    """One post in English and every language, not written; ``written``: each language's
    catalog digest when the translate step wrote it."""
    settings, store = renderer.settings, renderer.store
    document = store.read_post(slug)
    post = sources.from_document(_head_only(document), slug)  # the body is parsed below
    old_pages = old.get("pages", {})
    walked = segment.walk(document)
    english = publish.Page.from_soup(post, ENGLISH, walked.tree, publish.BlockStats())
    english = publish.with_updated(english, old_pages.get(ENGLISH.tag))
    jobs = [
        (settings, loc, document, post, _reader_notes(renderer, loc, english), written[loc.tag])
        for loc in settings.locales
    ]
    outcomes = parallel.run_jobs(
        _locale_page,
        jobs,
        work=len(document) * len(jobs),
        shared=lambda: _offered(settings, document, walked),
    )
    pages, kept, failures = [english], set(), []
    for locale, outcome in zip(settings.locales, outcomes, strict=True):
        if isinstance(outcome.error, CatalogError):
            failures.append(f"{slug} [{locale.tag}]: {outcome.error}")
            if locale.tag in old_pages:  # the last published page stays as it is
                pages.append(publish.page_from_record(old_pages[locale.tag]))
                kept.add(locale.tag)
        elif outcome.error is not None:
            raise outcome.error
        elif outcome.value is not None:
            pages.append(publish.with_updated(outcome.value, old_pages.get(outcome.value.lang)))
    files = renderer.env.post_files(pages, renderer.ui)
    published = {p.lang for p in pages}
    return Rendered(
        slug,
        {
            "pages": {
                page.lang: old_pages[page.lang] if page.lang in kept else publish.page_record(page)
                for page in pages
            },
            "kept_old": bool(kept),
        },
        {page.file: files[page.file] for page in pages if page.lang not in kept},
        [rec["file"] for lang, rec in old_pages.items() if lang not in published],
        failures,
    )


def write(run: PublishRun, rendered: Rendered) -> dict[str, Any]:
    """Write a rendered post's pages and remove those that went; its record."""
    run.report.failures.extend(rendered.failures)
    for name, text in rendered.files.items():
        if run.store.write(run.store.site_path(name), text.encode("utf-8")):
            run.report.written.append(f"site/{name}")
    for name in rendered.gone:
        if run.store.remove(run.store.site_path(name)):
            run.report.written.append(f"site/{name}")
    return rendered.record


def _size(store: Store, slug: str) -> int:
    try:
        return os.stat(store.post_file("content", slug)).st_size
    except OSError:
        return 0  # (reading it reports what is wrong)


_built: tuple[Settings, Renderer] | None = None
"""This process's renderer: offered by the parent to workers forked from it, else built
by the first job a worker runs."""


def _renderer(settings: Settings, ui: dict[str, dict[str, str]]) -> Renderer:
    global _built
    if _built is None or _built[0] != settings:
        store = Store(settings.workdir)
        _built = settings, Renderer(settings, store, publish.Environment(settings,
                                                                          store.user_templates), ui)
    _built[1].ui = ui
    return _built[1]


@contextmanager
def _renderer_offered(renderer: Renderer) -> Iterator[None]:
    """The parent's renderer (its templates compiled) for workers forked meanwhile."""
    global _built
    saved, _built = _built, (renderer.settings, renderer)
    try:
        yield
    finally:
        _built = saved


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
    run: Renderer, locale: Locale, english: publish.Page
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
