"""The pipeline: its steps as plain functions, and the one order they run in.

``plan()`` owns the sequence pull -> extract -> translate (one step per
locale) -> publish. ``intl-pub translate`` and ``intl-pub publish`` run a
plan in this process (:func:`run`); every Prefect flow runs the same plan,
one task per step. Each step reads what the previous one wrote, through the
work-folder store, and returns a RunReport: a failing post or locale is a
line in the report and the others go on.

Every step is incremental by content: its manifest records the digests of
each output's inputs, and an output whose inputs are unchanged is not read,
parsed, rendered or written again.
"""

from __future__ import annotations

import functools
import gc
import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import babel
import babel.dates
from bs4 import BeautifulSoup

from intl_pub import (
    __version__,
    catalog,
    checks,
    markup,
    publish,
    reader_notes,
    risk,
    segment,
    sources,
    tokens,
    typography,
    workers,
)
from intl_pub.catalog import Catalog, Entry, Stats
from intl_pub.config import Settings, load_glossary, resolve_source
from intl_pub.errors import CatalogError, IntlPubError, SourceError, StoreError
from intl_pub.files import read_json
from intl_pub.locales import ENGLISH, cldr
from intl_pub.model import Glossary, Locale, Post, RunReport, Translation, Unit
from intl_pub.mt import Engine, MTResult, MTSettings, MTStats, Progress, get_engine, shards
from intl_pub.mt.memory import SentenceMemory
from intl_pub.mt.shards import RunShards
from intl_pub.risk import RiskSettings
from intl_pub.store import LOCK_FILE, Identities, Store, bytes_digest, text_digest

log = logging.getLogger(__name__)

__all__ = ["LOCK_FILE", "Step", "locked", "plan", "run", "run_step"]

PIECES_NOTE = "tags placed automatically: the engine lost the markup, pieces translated separately"
ProgressFor = Callable[[Locale, int, int], None]
"""Progress of machine translation: (locale, units done, units in all)."""


# --- the sequence ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a run; its name is also the Prefect task's name."""

    name: str
    """``pull``, ``extract``, ``translate-es``, ``publish``."""
    action: str
    locale: Locale | None = None


def plan(
    settings: Settings, *, pull: bool = True, translate: bool = True, publish: bool = True
) -> list[Step]:
    """The steps of a run, in order (the flows and `run` execute exactly these)."""
    steps = [Step("pull", "pull")] if pull else []
    if translate:
        steps.append(Step("extract", "extract"))
        steps += [Step(f"translate-{loc.path}", "translate", loc) for loc in settings.locales]
    if publish:
        steps.append(Step("publish", "publish"))
    return steps


def run_step(
    step: Step,
    settings: Settings,
    source_list: Sequence[str] | None = None,
    progress: ProgressFor | None = None,
    run_shards: RunShards | None = None,
) -> RunReport:
    """Run one step (a flow task calls exactly this).

    ``run_shards`` sends a translate step's sentences elsewhere in shards (the
    flow maps them over tasks, e.g. on Dask workers); the catalogs are still
    merged and written here.
    """
    store = Store(settings.workdir)
    with store.batch(), _fewer_collections():
        return _dispatch(step, settings, store, source_list, progress, run_shards)


_GC_THRESHOLDS = (100_000, 10, 10)
_gc_lock = threading.Lock()
_gc_steps = 0
_gc_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run Python's cycle collector less often while steps run (restored after the last).

    A step allocates millions of small objects (BeautifulSoup trees, catalog
    entries); at the default thresholds (700, 10, 10) the collector took about
    a third of publishing a 20,000-paragraph post. Cyclic garbage (a discarded
    tree) is still collected, after 100,000 allocations rather than 700.
    """
    global _gc_steps, _gc_saved
    with _gc_lock:
        if _gc_steps == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*_GC_THRESHOLDS)
        _gc_steps += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_steps -= 1
            if _gc_steps == 0:
                gc.set_threshold(*_gc_saved)


def _dispatch(
    step: Step,
    settings: Settings,
    store: Store,
    source_list: Sequence[str] | None,
    progress: ProgressFor | None,
    run_shards: RunShards | None,
) -> RunReport:
    if step.action == "pull":
        return pull(settings, source_list, store)
    if step.action == "extract":
        return extract(settings, store)
    if step.action == "translate":
        assert step.locale is not None
        locale = step.locale
        each = (lambda done, total: progress(locale, done, total)) if progress else None
        return translate(settings, locale, engine_for(settings), each, store, run_shards)
    if step.action == "publish":
        return publish_site(settings, store)
    raise ValueError(f"unknown step {step.name}")


def run(
    settings: Settings,
    source_list: Sequence[str] | None = None,
    progress: ProgressFor | None = None,
    *,
    pull: bool = True,
    translate: bool = True,
    publish: bool = True,
) -> RunReport:
    """A plan, from this process: what ``intl-pub pull/translate/publish`` do.

    The locales' translate steps run side by side in worker processes when the
    templates extracted this run are big enough to pay for them.
    """
    steps = plan(settings, pull=pull, translate=translate, publish=publish)
    if translate:
        engine_for(settings).check(settings.locales)  # before anything is written
    report = RunReport()
    extracted = 0  # characters of the templates written this run
    with locked(settings):
        locales = [s for s in steps if s.action == "translate"]
        for step in steps:
            if step.action == "translate":
                if step is locales[0]:
                    for done in _translate_side_by_side(locales, settings, progress, extracted):
                        report.merge(done)
                continue
            done = run_step(step, settings, source_list, progress)
            if step.action == "extract":
                store = Store(settings.workdir)
                extracted = sum(
                    (store.root / name).stat().st_size
                    for name in done.written
                    if name.endswith(".pot") and (store.root / name).exists()
                )
            report.merge(done)
    return report


def _translate_side_by_side(
    steps: Sequence[Step], settings: Settings, progress: ProgressFor | None, work: int
) -> list[RunReport]:
    """Every locale's translate step, in worker processes when ``work`` pays for them.

    Each worker's engine then gets its share of the cores (unless ``[mt]
    intra_threads`` or ``INTL_PUB_INTRA_THREADS`` says otherwise), so the
    engines do not fight over them.
    """
    count = workers.worker_count(len(steps), work)
    if count > 1 and settings.mt_intra_threads is None and not os.environ.get(
        "INTL_PUB_INTRA_THREADS"
    ):
        share = max(1, (os.cpu_count() or 1) // count)
        settings = replace(settings, mt_intra_threads=share)

    def forward(event: tuple[Locale, int, int]) -> None:
        if progress is not None:
            progress(*event)

    outcomes = workers.run_jobs(
        _translate_job, [(step, settings) for step in steps], work, events=forward
    )
    reports = []
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
        reports.append(outcome.value)
    return reports


def _translate_job(
    step: Step, settings: Settings, send: Callable[[tuple[Locale, int, int]], None]
) -> RunReport:
    """One locale's translate step (a worker's job); its progress goes to ``send``."""

    def each(locale: Locale, done: int, total: int) -> None:
        send((locale, done, total))

    return run_step(step, settings, None, each)


def engine_for(settings: Settings) -> Engine:
    """The process's engine for these settings (``[mt]``: device, compute type, threads)."""
    return get_engine(settings.engine, mt_settings(settings))


def mt_settings(settings: Settings) -> MTSettings:
    return MTSettings(
        device=settings.mt_device,
        compute_type=settings.mt_compute_type,
        inter_threads=settings.mt_inter_threads,
        intra_threads=settings.mt_intra_threads,
    )


@contextmanager
def locked(settings: Settings) -> Iterator[None]:
    """Hold the work folder for one run (see Store.locked)."""
    with Store(settings.workdir).locked(settings.lock_wait_seconds):
        yield


# --- pull -----------------------------------------------------------------------------


def pull(
    settings: Settings, source_list: Sequence[str] | None = None, store: Store | None = None
) -> RunReport:
    """Fetch every source and store its posts in content/ (only what changed is written).

    A post keeps the slug it was first given, whatever else appears in the feed
    later (see Store.assign_slug). Local files whose size and times did not
    change since the last pull are not read again.
    """
    store = store or Store(settings.workdir)
    store.require()
    report = RunReport()
    chosen = list(source_list if source_list else settings.sources)
    if not chosen:
        log.info("no source given or configured: content/ is used as it is")
        return report
    state = store.sources_state()
    validators: dict[str, Any] = {k: v for k, v in state.items() if k != "files"}
    seen_files: dict[str, list[int]] = dict(state.get("files", {}))
    posts: list[Post] = []
    for source in chosen:
        posts.extend(_read_source(settings, source, validators, seen_files, report))
    identities = store.identities()
    if not identities:
        identities = _identities_of(store)
    for post in posts:
        slug = identities.slug_for(_identity(post), post.slug, post.published)
        if store.write_post(slug, sources.to_document(replace(post, slug=slug))):
            report.written.append(store.rel(store.content_path(slug)))
    store.save_identities(identities)
    store.save_sources_state({**validators, "files": seen_files})
    log.info("pulled %d changed posts from %d sources", len(posts), len(chosen))
    return report


def _read_source(
    settings: Settings,
    source: str,
    validators: dict[str, Any],
    seen_files: dict[str, list[int]],
    report: RunReport,
) -> list[Post]:
    """The posts of one source that may have changed since the last pull.

    A post that cannot be read is a line in the report; the others are returned.
    """
    resolved = resolve_source(settings, source)
    options = settings.for_source(source)
    path = Path(resolved)
    if "://" in resolved or (not path.is_dir() and path.suffix.lower() not in {".html", ".htm"}):
        found = sources.read_source(resolved, validators, options)  # a feed: its pages may change
        report.failures.extend(f"source {source}: {line}" for line in found.failures)
        if found.not_modified:
            log.info("%s: not modified since the last pull", source)
        return found.posts
    try:
        files = sources.page_files(path) if path.is_dir() else [path]
    except SourceError as exc:
        report.failures.append(f"source {source}: {exc}")
        return []
    posts: list[Post] = []
    for file in files:
        try:
            st = file.stat()
        except FileNotFoundError:
            report.failures.append(
                f"source {source}: {file}: no such file or folder; check --source or intl-pub.toml"
            )
            continue
        signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        if seen_files.get(str(file)) == signature:
            continue  # a page file unchanged since the last pull
        found = sources.read_source(str(file), validators, options)
        report.failures.extend(f"source {source}: {line}" for line in found.failures)
        posts.extend(found.posts)
        if not found.failures:
            seen_files[str(file)] = signature
    return posts


def _identity(post: Post) -> str:
    return post.identity or post.url or f"file:{post.slug}"


_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')


def _identities_of(store: Store) -> Identities:
    """A work folder from before identities were recorded: each stored post keeps its slug."""
    found = {}
    for slug in store.slugs():
        head = store.read_post(slug)[:4096]
        url = _CANONICAL.search(head)
        found[html.unescape(url.group(1)) if url else f"file:{slug}"] = slug
    return Identities(found)


# --- extract --------------------------------------------------------------------------


def extract(settings: Settings, store: Store | None = None) -> RunReport:
    """Build each post's template from content/ (translations/templates/<slug>.pot).

    A post whose content/ file is unchanged since the last run is not parsed.
    """
    store = store or Store(settings.workdir)
    report = RunReport()
    slugs = store.slugs()
    if not slugs:
        report.failures.append(
            "content/ holds no posts yet: give a source (`--source URL_OR_PATH` or `sources` "
            "in intl-pub.toml) and pull it"
        )
        return report
    manifest = store.manifest("extract")
    for slug in slugs:
        content = manifest.digest(store.content_path(slug))
        target = store.template_path(slug)
        if manifest.records.get(slug) == [content, manifest.digest(target)]:
            continue
        try:
            units = [with_block_id(u) for u in segment.extract(store.read_post(slug))]
            project = f"{settings.site_title} {slug}"
            pot = catalog.build_template(units, store.rel(store.content_path(slug)), project)
            if _save_catalog(store, pot, target):
                report.written.append(store.rel(target))
        except (IntlPubError, RecursionError) as exc:
            report.failures.append(f"{slug}: {_reason(exc)}")
            continue
        manifest.records[slug] = [content, manifest.digest(target)]
    for gone in set(manifest.records) - set(slugs):
        del manifest.records[gone]
    manifest.save()
    return report


def with_block_id(unit: Unit) -> Unit:
    """The unit with ``id: <block id>`` in its extracted comment (what a reader's report names)."""
    line = reader_notes.ID_COMMENT + reader_notes.block_id(unit.context, unit.msgid)
    return replace(unit, note=f"{unit.note}\n{line}" if unit.note else line)


# --- translate ------------------------------------------------------------------------


@dataclass
class _Work:
    """One post's catalog for a locale, merged and waiting for machine translation."""

    slug: str
    catalog: Catalog
    path: Path
    template_digest: str
    loaded_digest: str
    memory: catalog.MachineMemory = field(default_factory=catalog.MachineMemory)
    """The post's machine translations (suggestions for stale entries)."""


def translate(
    settings: Settings,
    locale: Locale,
    engine: Engine,
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
    run_shards: RunShards | None = None,
) -> RunReport:
    """Merge every changed template into its catalog and machine-translate what is new.

    All new units of the locale go to the engine in one batch. A catalog that
    cannot be read is reported and left exactly as it is. A post whose
    template and catalog are unchanged since the last run is not read.
    """
    store = store or Store(settings.workdir)
    report = RunReport()
    glossary = load_glossary(settings)
    manifest = store.manifest(f"translate-{locale.path}")
    work: list[_Work] = []
    slugs = store.slugs()
    extracted: dict[str, Any] | None = None  # the extract step's records, read when needed
    for slug in slugs:
        template = store.template_path(slug)
        path = store.catalog_path(locale, slug)
        inputs = [manifest.digest(template), manifest.digest(path), glossary.version]
        if inputs[0] and manifest.records.get(slug) == inputs:
            continue
        try:
            if extracted is None:
                extracted = store.manifest("extract").records
            pot = _load_template(store, template, _written(extracted.get(slug)))
            if pot is None:
                raise CatalogError(f"{store.rel(template)} is missing; run `intl-pub translate`")
            mt_memory = machine_memory(store, locale, slug)
            written = _written(manifest.records.get(slug))
            merged = catalog.merge(pot, _load(store, path, written), locale, mt_memory)
        except (IntlPubError, OSError) as exc:
            report.failures.append(f"{slug} [{locale.tag}]: {_reason(exc)}")
            continue
        work.append(_Work(slug, merged, path, inputs[0], inputs[1], mt_memory))
    reviewed = _TranslationMemory(store, locale)
    todo = reviewed.fill([(w.slug, w.catalog) for w in work])
    machine: dict[tuple[str, str], tuple[str, str]] = {}
    owners: dict[int, _Work] = {}
    label = engine.label(locale) if todo or any(catalog.stale(w.catalog) for w in work) else ""
    if label:
        todo = _frommachine_memory(work, todo, label, owners)
    if todo:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(todo))

        stats = MTStats()
        try:
            with SentenceMemory(store.mt_memory_path(engine.name, locale)) as sentences:
                options = MTOptions(sentences, stats, run_shards, settings.token_budget)
                results = machine_translate(
                    engine,
                    locale,
                    [e.msgid for e in todo],
                    step,
                    report,
                    glossary.do_not_translate,
                    options,
                )
        except IntlPubError as exc:
            report.failures.append(f"machine translation [{locale.tag}]: {exc}")
            results = []
            work = [w for w in work if not catalog.pending(w.catalog)]
        for entry, result in zip(todo, results, strict=False):
            text = typography.apply(result.text, locale)
            note = _mt_note(result)
            _store_machine_result(owners[id(entry._ref)], entry, text, label, note)
            machine[entry.key] = (text, note)
        log.info("%s: machine-translated %d units with %s: %s", locale.tag, len(todo), label, stats)
    for item in work:
        try:
            written = _save_merged(store, item, locale, machine, label if todo else "")
            _savemachine_memory(store, locale, item)
        except IntlPubError as exc:
            report.failures.append(f"{item.slug} [{locale.tag}]: {exc}")
            continue
        if written:
            report.written.append(store.rel(item.path))
        if not catalog.pending(item.catalog) and not _lacks_suggestion(item):
            manifest.records[item.slug] = [
                item.template_digest,
                manifest.digest(item.path),
                glossary.version,
            ]
    for gone in set(manifest.records) - set(slugs):
        del manifest.records[gone]
    reviewed.save()
    manifest.save()
    return report


def _written(record: object) -> str:
    """The catalog digest a translate manifest record holds ("" for none)."""
    return str(record[1]) if isinstance(record, list) and len(record) > 1 else ""


def _mt_note(result: MachineText) -> str:
    """What the ``#. mt:`` line says after the engine's name: its confidence, tag placement."""
    parts = [f"· confidence {result.confidence:.2f}"] if result.confidence is not None else []
    return " ".join([*parts, f"({result.note})"] if result.note else parts)


def _save_merged(
    store: Store,
    item: _Work,
    locale: Locale,
    machine: dict[tuple[str, str], tuple[str, str]],
    label: str,
) -> bool:
    """Write a merged catalog, unless a translator saved the file while we worked.

    Then their version is merged again (nothing of theirs is lost) and filled
    from this run's machine translations.
    """
    current = store.file_digest(item.path)
    if current != item.loaded_digest:
        log.warning("%s changed during the run: merging the translator's version", item.path)
        pot = _load_template(store, store.template_path(item.slug))
        if pot is None:
            raise CatalogError(f"{store.rel(store.template_path(item.slug))} disappeared")
        item.catalog = catalog.merge(pot, _load(store, item.path), locale, item.memory)
        for entry in catalog.pending(item.catalog):
            if entry.key in machine:
                text, note = machine[entry.key]
                catalog.set_machine_translation(entry, text, label, note)
    return _save_catalog(store, item.catalog, item.path, current)  # unless saved again


# --- where machine translations are kept (catalog.MachineMemory per post) --------------


def machine_memory(store: Store, locale: Locale, slug: str) -> catalog.MachineMemory:
    """The post's machine-translation memory; a missing or unreadable one is empty."""
    try:
        raw = store.suggestions_path(locale, slug).read_bytes()
    except OSError:
        raw = None
    return catalog.MachineMemory.parse(raw)


def _frommachine_memory(
    work: Sequence[_Work], todo: Sequence[Entry], label: str, owners: dict[int, _Work]
) -> list[Entry]:
    """What the engine must still translate: pending entries, and stale entries lacking a
    suggestion; English this engine translated before is taken from the memory instead
    (so a ``msgmerge`` of the catalog never costs an engine call)."""
    waiting = {id(e._ref) for e in todo}
    rest = []
    for item in work:
        wanted = [e for e in catalog.pending(item.catalog) if id(e._ref) in waiting]
        wanted += catalog.stale(item.catalog)
        for entry in wanted:
            hit = item.memory.get(entry.key, label)
            if hit is not None:
                if not entry.msgstr:
                    catalog.set_machine_translation(entry, hit[0], label, hit[1])
                continue
            owners[id(entry._ref)] = item
            rest.append(entry)
    return rest


def _store_machine_result(item: _Work, entry: Entry, text: str, label: str, note: str) -> None:
    """An engine's translation: into the memory always; into the msgstr only when it is
    empty (a stale entry's msgstr is the translator's, and stays)."""
    item.memory.put(entry.key, label, text, note)
    if not entry.msgstr:
        catalog.set_machine_translation(entry, text, label, note)


def _lacks_suggestion(item: _Work) -> bool:
    """A stale entry with no machine suggestion (the engine failed): try again next run."""
    return any(item.memory.get(e.key) is None for e in catalog.stale(item.catalog))


def _savemachine_memory(store: Store, locale: Locale, item: _Work) -> None:
    """Write the post's memory, keeping only the English its catalog still refers to."""
    item.memory.keep_only(item.catalog)
    path = store.suggestions_path(locale, item.slug)
    if item.memory.by_label or path.exists():
        store.write(path, item.memory.serialize())


class _TranslationMemory:
    """Reviewed translations across posts, so a sentence reviewed once is reused.

    Kept per locale in the state folder and updated from every catalog a run
    loads; read only when some entry needs a translation.
    """

    def __init__(self, store: Store, locale: Locale) -> None:
        self.path = store.state_dir / "tm" / f"{locale.path}.json"
        self.store = store
        self._by_post: dict[str, dict[str, str]] | None = None
        self._changed = False

    def _load(self) -> dict[str, dict[str, str]]:
        if self._by_post is None:
            self._by_post = read_json(self.path)
        return self._by_post

    def fill(self, merged: Sequence[tuple[str, Catalog]]) -> list[Entry]:
        """Record the reviewed entries of ``merged``; fill what they can; return the rest."""
        todo = [e for _, cat in merged for e in catalog.pending(cat)]
        if not merged:
            return todo
        by_post = self._load()
        for slug, cat in merged:
            mine = {_tm_key(*key): text for key, text in catalog.reviewed_texts(cat).items()}
            if by_post.get(slug) != mine:
                by_post[slug] = mine
                self._changed = True
        if not todo:
            return todo
        index: dict[str, tuple[str, str]] = {}
        for slug in sorted(by_post):
            for key, text in by_post[slug].items():
                index.setdefault(key, (text, slug))
        rest = []
        for entry in todo:
            hit = index.get(_tm_key(*entry.key))
            if hit is None:
                rest.append(entry)
            else:
                catalog.reuse_translation(entry, hit[0], hit[1])
        return rest

    def save(self) -> None:
        if self._changed and self._by_post is not None:
            text = json.dumps(self._by_post, sort_keys=True, ensure_ascii=False)
            self.store.write(self.path, (text + "\n").encode("utf-8"))


def _tm_key(context: str, msgid: str) -> str:
    """The memory file's key for an entry: msgctxt EOT msgid."""
    return f"{context}\x04{msgid}"


@dataclass(frozen=True)
class MTOptions:
    """How a locale's units reach the engine: through the memory, in shards, counted."""

    memory: SentenceMemory | None = None
    """The sentence memory: only sentences it lacks go to the engine."""
    stats: MTStats | None = None
    """Filled with sentences needed vs. sent, for the log."""
    run_shards: RunShards | None = None
    """Translate shards elsewhere (a Prefect task map on Dask workers); None: here."""
    token_budget: int = shards.TOKEN_BUDGET


class MachineText(NamedTuple):
    """One unit as machine translation left it."""

    text: str
    note: str
    """Says when the tags were placed automatically (the reviewer should look)."""
    confidence: float | None


def machine_translate(
    engine: Engine,
    locale: Locale,
    msgids: Sequence[str],
    progress: Progress | None,
    report: RunReport,
    keep: Sequence[str] = (),
    options: MTOptions | None = None,
) -> list[MachineText]:
    """Translate msgids with their tokens; where the engine breaks tokens, translate the pieces.

    Terms in ``keep`` (the glossary's do-not-translate list) travel through
    the engine as void tokens and come back exactly as written.
    """
    masked = [_mask(m, keep) for m in msgids]
    results = _translate_tokens(
        engine, locale, [m for m, _ in masked], progress, report, options or MTOptions()
    )
    return [
        MachineText(_unmask(out.text, terms), out.note, out.confidence)
        for out, (_, terms) in zip(results, masked, strict=True)
    ]


MASK_BASE = 1000
"""Do-not-translate terms become tokens <1000/>, <1001/>, ... (beyond any element's number)."""


def _mask(msgid: str, keep: Sequence[str]) -> tuple[str, dict[str, str]]:
    terms: dict[str, str] = {}
    for term in sorted(keep, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w<]){re.escape(term)}(?!\w)")
        if pattern.search(msgid):
            token = f"<{MASK_BASE + len(terms)}/>"
            terms[token] = term
            msgid = pattern.sub(token, msgid)
    return msgid, terms


def _unmask(text: str, terms: dict[str, str]) -> str:
    for token, term in terms.items():
        text = text.replace(token, term)
    return text


def _translate_tokens(
    engine: Engine,
    locale: Locale,
    msgids: Sequence[str],
    progress: Progress | None,
    report: RunReport,
    options: MTOptions,
) -> list[MachineText]:
    outputs = _engine_call(engine, locale, msgids, progress, options)
    report.engine_calls += 1
    results = [MachineText(out.text, "", out.confidence) for out in outputs]
    broken = [
        i for i, (m, o) in enumerate(zip(msgids, results, strict=True)) if tokens.check(m, o.text)
    ]
    if not broken:
        return results
    plans = [tokens.pieces(msgids[i]) for i in broken]
    texts = [p.strip() for piece_plan in plans for p in piece_plan if _is_text(p)]
    translated = iter(_engine_call(engine, locale, texts, None, options) if texts else [])
    report.engine_calls += 1 if texts else 0
    for i, piece_plan in zip(broken, plans, strict=True):
        rebuilt = []
        for piece in piece_plan:
            if _is_text(piece):
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                rebuilt.append(lead + next(translated).text + trail)
            else:
                rebuilt.append(piece)
        results[i] = MachineText("".join(rebuilt), PIECES_NOTE, results[i].confidence)
    return results


def _engine_call(
    engine: Engine,
    locale: Locale,
    texts: Sequence[str],
    progress: Progress | None,
    options: MTOptions,
) -> list[MTResult]:
    if options.run_shards is not None:
        return shards.translate_sharded(
            engine,
            texts,
            locale,
            options.run_shards,
            options.token_budget,
            options.memory,
            options.stats,
        )
    return engine.translate_scored(
        list(texts), locale, progress, memory=options.memory, stats=options.stats
    )


def _is_text(piece: str) -> bool:
    return not tokens.TOKEN_RE.fullmatch(piece) and segment.is_translatable(piece)


# --- publish --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """One post in one language, rebuilt from its catalog under the publishing policy."""

    tree: BeautifulSoup
    stats: publish.BlockStats

    @property
    def document(self) -> str:
        return markup.outer(self.tree)


@dataclass(frozen=True)
class Gate:
    """The publishing gate of one locale: risky units wait for review (the default)."""

    hold_risky: bool = True
    """False (``[site.locales.ru] hold_risky = false``): risky machine translation is shown."""
    risk: RiskSettings = field(default_factory=RiskSettings)


def render_document(
    document: str | segment.Walked,
    locale: Locale,
    found: dict[tuple[str, str], Translation],
    glossary: Glossary | None = None,
    gate: Gate | None = None,
) -> Rendered:
    """Apply the per-block policy: reviewed > machine translation passing QA > English.

    A risky unit (:func:`intl_pub.risk.classify`: a dose, a negation, a phone
    number...) is shown in English until it is reviewed, unless the gate lets it
    through. Every block is marked ``data-l10n`` (reviewed, machine, source) and
    ``data-l10n-id`` (:func:`intl_pub.reader_notes.block_id`); attribute units
    (``img@alt``) get only ``lang``/``data-mt``. A withdrawn review (the English
    changed) is never published: only fresh machine translation or English.
    A document already walked (:func:`intl_pub.segment.walk`) is rebuilt in place.
    """
    gate = gate or Gate()
    counts = {"reviewed": 0, "machine": 0, "source": 0, "held_back": 0, "withdrawn": 0}

    def lookup(unit: Unit) -> segment.Rendering | None:
        block = "@" not in unit.note
        marks = {reader_notes.ID_ATTR: reader_notes.block_id(unit.context, unit.msgid)}

        def mark(state: str, extra: dict[str, str]) -> dict[str, str]:
            return {**extra, reader_notes.STATE_ATTR: state, **marks} if block else extra

        hit = found.get((unit.context, unit.msgid))
        if hit is not None and hit.withdrawn:
            counts["withdrawn"] += 1
        if hit is not None and hit.reviewed and tokens.check(unit.msgid, hit.text) is None:
            counts["reviewed"] += 1
            return segment.Rendering(hit.text, mark(reader_notes.REVIEWED, {}))
        if gate.hold_risky and risk.classify(unit.msgid, gate.risk):
            counts["held_back"] += 1
        elif (
            hit is not None
            and hit.text
            and tokens.check(unit.msgid, hit.text) is None
            and not checks.run(unit.msgid, hit.text, locale, glossary, errors_only=True)
        ):
            counts["machine"] += 1
            return segment.Rendering(hit.text, mark(reader_notes.MACHINE, {"data-mt": ""}))
        counts["source"] += 1
        return segment.Rendering(None, mark(reader_notes.SOURCE, {"lang": "en"}))

    rebuilt = segment.apply_tree(document, lookup)
    return Rendered(rebuilt, publish.BlockStats(**counts))


def publishable(
    cat: Catalog | None, memory: catalog.MachineMemory | None = None
) -> dict[tuple[str, str], Translation]:
    """What a catalog offers the gate: never a review of English that has changed since.

    A person's translation of older English (fuzzy with ``#| msgid``) is
    *withdrawn*: the gate gets the machine suggestion of today's English from
    ``memory`` (marked as machine translation), or nothing (English), and the
    page says a review was withdrawn.
    """
    found = catalog.translations(cat, memory)
    for e in catalog.stale(cat) if cat is not None else []:
        if withdrawn(e, memory):
            hit = found.get(e.key)
            found[e.key] = Translation(hit.text if hit else "", reviewed=False, withdrawn=True)
    return found


def withdrawn(entry: Entry, memory: catalog.MachineMemory | None = None) -> bool:
    """A person's translation whose English has changed since (fuzzy, ``#| msgid``).

    With the post's machine memory, an engine's translation is told apart (it
    is not a review); without it, a stale msgstr counts as a person's work.
    """
    if not entry.stale:
        return False
    return memory is None or not memory.is_machine(entry.key, entry.msgstr)


def gate_for(settings: Settings, locale: Locale, glossary: Glossary) -> Gate:
    """The locale's gate: ``[risk]`` plus the glossary's critical terms, ``hold_risky``."""
    return Gate(settings.holds_risky(locale), risk_settings(settings, glossary))


def risk_settings(settings: Settings, glossary: Glossary) -> RiskSettings:
    """``[risk]`` of intl-pub.toml with the glossary's ``critical`` terms."""
    return settings.risk.with_critical_terms(glossary.critical)


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
    if not store.slugs():
        log.info("content/ holds no posts: nothing to publish")
        return report
    manifest = store.manifest("publish")
    env = publish.Environment(settings, store.user_templates)
    for loc in settings.locales:
        try:
            _install_ui_catalog(store, settings, loc)
        except CatalogError as exc:
            report.failures.append(f"interface catalog [{loc.tag}]: {exc}")
    ui_paths = [store.ui_catalog_path(loc) for loc in settings.locales]
    site_key = text_digest(
        __version__,
        repr(_site_settings(settings)),
        env.digest(),
        *(manifest.digest(p) for p in ui_paths),
        load_glossary(settings).version,
    )
    records: dict[str, Any] = manifest.records.setdefault("posts", {})
    translated: dict[str, dict[str, Any]] = {}

    def written(locale: Locale, slug: str) -> str:
        """The digest the translate step recorded for the catalog (its manifest read once)."""
        if locale.tag not in translated:
            translated[locale.tag] = store.manifest(f"translate-{locale.path}").records
        return _written(translated[locale.tag].get(slug))

    ui: dict[str, dict[str, str]] | None = None
    dirty: set[str] = set()  # listing files that may have changed (publish.listing_files names)
    slugs = store.slugs()
    for slug in slugs:
        inputs = text_digest(
            site_key,
            manifest.digest(store.content_path(slug)),
            *(manifest.digest(store.catalog_path(loc, slug)) for loc in settings.locales),
            *(manifest.digest(store.suggestions_path(loc, slug)) for loc in settings.locales),
        )
        old = records.get(slug)
        if old and old.get("inputs") == inputs and _outputs_exist(store, old):
            continue
        if ui is None:
            ui = {loc.tag: _ui_catalog(store, loc) for loc in settings.locales}
        try:
            record = _publish_post(store, settings, env, ui, slug, old or {}, report, written)
        except (IntlPubError, RecursionError) as exc:
            report.failures.append(f"{slug}: {_reason(exc)}")
            continue
        record["inputs"] = inputs if not record.pop("kept_old", False) else ""
        old_pages = (old or {}).get("pages", {})
        dirty |= publish.listings_changed(settings, old_pages, record["pages"])
        publish.outside_feeds(old_pages, record["pages"])
        records[slug] = record
    for gone in set(records) - set(slugs):
        pages = records.pop(gone).get("pages", {})
        for name in pages.values():
            if store.remove(store.site_path(name["file"])):
                report.written.append(f"site/{name['file']}")
        dirty |= publish.listings_changed(settings, pages, {})
    if manifest.records.get("site") != site_key or not _outputs_exist(
        store, {"pages": {"": {"file": "index.html"}}}
    ):
        dirty = set(publish.listing_files(settings))
    if dirty:
        if ui is None:
            ui = {loc.tag: _ui_catalog(store, loc) for loc in settings.locales}
        pages = _listed_pages(records, slugs)
        files = env.index_files(pages, ui, dirty)
        bodiless = sorted(
            {
                p.post.slug
                for p in pages
                if p.file in env.feed_entries
                and "body" not in records[p.post.slug]["pages"][p.lang]
            }
        )
        for slug in bodiless:  # a page that moved into a feed: render it again for its body
            inputs = records[slug]["inputs"]
            records[slug] = _publish_post(
                store, settings, env, ui, slug, records[slug], report, written
            )
            records[slug]["inputs"] = inputs if not records[slug].pop("kept_old") else ""
        if bodiless:
            files = env.index_files(_listed_pages(records, slugs), ui, dirty)
        for name, text in files.items():
            if store.write(store.site_path(name), text.encode("utf-8")):
                report.written.append(f"site/{name}")
        publish.keep_feed_bodies(records, env.feed_entries)
        manifest.records["site"] = site_key
    manifest.save()
    return report


def _publish_post(
    store: Store,
    settings: Settings,
    env: publish.Environment,
    ui: dict[str, dict[str, str]],
    slug: str,
    old: dict[str, Any],
    report: RunReport,
    written: Callable[[Locale, str], str],
) -> dict[str, Any]:
    """Render one post in every language and write its pages; return its record.

    The languages are rendered side by side in worker processes when the post
    is big enough to pay for them (:mod:`intl_pub.workers`).
    """
    document = store.read_post(slug)
    post = sources.from_document(_head_only(document), slug)  # the body is parsed below
    kept: set[str] = set()
    old_pages = old.get("pages", {})
    walked = segment.walk(document)
    english = publish.Page.from_soup(post, ENGLISH, walked.tree, publish.BlockStats())
    english = publish.with_updated(english, old_pages.get(ENGLISH.tag))
    pages = [english]
    jobs = [
        (
            settings,
            locale,
            document,
            post,
            _reader_notes(settings, locale, slug, ui, english),
            written(locale, slug),
        )
        for locale in settings.locales
    ]
    outcomes = workers.run_jobs(
        _locale_page,
        jobs,
        work=len(document) * len(jobs),
        shared=lambda: _offered(settings, document, walked),
    )
    for locale, outcome in zip(settings.locales, outcomes, strict=True):
        if isinstance(outcome.error, CatalogError):
            report.failures.append(f"{slug} [{locale.tag}]: {outcome.error}")
            if locale.tag in old_pages:  # the last published page stays as it is
                pages.append(publish.page_from_record(old_pages[locale.tag]))
                kept.add(locale.tag)
            continue
        if outcome.error is not None:
            raise outcome.error
        if outcome.value is not None:
            pages.append(outcome.value)
    pages = [
        page
        if page.lang in kept or page.locale.is_source
        else publish.with_updated(page, old_pages.get(page.lang))
        for page in pages
    ]
    files = env.post_files(pages, ui)
    for page in pages:
        if page.lang not in kept and store.write(
            store.site_path(page.file), files[page.file].encode("utf-8")
        ):
            report.written.append(f"site/{page.file}")
    for lang, rec in old_pages.items():
        if lang not in {p.lang for p in pages} and store.remove(store.site_path(rec["file"])):
            report.written.append(f"site/{rec['file']}")
    return {
        "pages": {
            page.lang: old_pages[page.lang] if page.lang in kept else publish.page_record(page)
            for page in pages
        },
        "kept_old": bool(kept),
    }


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
    CatalogError when the post's catalog cannot be read.
    """
    store = Store(settings.workdir)
    glossary = load_glossary(settings)
    cat = _load(store, store.catalog_path(locale, post.slug), written)
    memory = machine_memory(store, locale, post.slug)
    found = publishable(cat, memory)
    for key, hit in found.items():  # no line separator; nothing XML forbids (ill-formed)
        text = tokens.as_published(hit.text)
        if text != hit.text:
            found[key] = replace(hit, text=text)
    gate = gate_for(settings, locale, glossary)
    rendered = render_document(_walked(document), locale, found, glossary, gate)
    reader_notes.decorate(rendered.tree, notes, rendered.stats.withdrawn)
    share = rendered.stats.reviewed_share
    if share < settings.threshold(locale, "publish"):
        log.info(
            "%s [%s]: %.0f%% reviewed, below the publishing threshold; not published",
            post.slug,
            locale.tag,
            100 * share,
        )
        return None
    return publish.Page.from_soup(post, locale, rendered.tree, rendered.stats)


_parsed: dict[str, segment.Walked] = {}
"""Walks of stored posts this process may use once, by the document's digest."""


@contextmanager
def _offered(settings: Settings, document: str, walked: segment.Walked) -> Iterator[None]:
    """What the languages rendered from ``document`` get for free while they share this
    process's memory (here, or in workers forked meanwhile: their own copies).

    The English page's walk, which the first language takes and rebuilds instead
    of parsing the post again (parsing and walking are a third of rendering a
    language), and the risk gate's answers (:func:`_classify`).
    """
    _classify(settings, walked.units)
    key = text_digest(document)
    _parsed[key] = walked
    try:
        yield
    finally:
        _parsed.pop(key, None)


def _walked(document: str) -> segment.Walked:
    """The walk :func:`_offered` offers, taken (nobody else rebuilds it), or a new one."""
    walked = _parsed.pop(text_digest(document), None)
    return walked if walked is not None else segment.walk(document)


def _classify(settings: Settings, units: Sequence[Unit]) -> None:
    """Find the risky units once for every language that holds them back.

    :func:`intl_pub.risk.classify` keeps its answers, for the languages
    rendered here and for workers forked from this process: the English is
    the same in every language.
    """
    if not any(settings.holds_risky(loc) for loc in settings.locales):
        return
    if len(units) > (risk.classify.cache_info().maxsize or 0):
        return  # the cache would forget the first answers before a language asks for them
    rules = risk_settings(settings, load_glossary(settings))
    for unit in units:
        risk.classify(unit.msgid, rules)


def _reader_notes(
    settings: Settings,
    locale: Locale,
    slug: str,
    ui: dict[str, dict[str, str]],
    english: publish.Page,
) -> reader_notes.ReaderNotes:
    """The page's URLs, interface words and the date its English last changed."""
    updated = english.updated or english.post.published
    return reader_notes.ReaderNotes(
        lang=locale.tag,
        slug=slug,
        page_url=f"{settings.base_url}{locale.path}/{slug}/",
        original_url=f"{settings.base_url}{ENGLISH.path}/{slug}/",
        strings=ui.get(locale.tag, {}),
        feedback_url=settings.feedback_url,
        english_updated=babel.dates.format_date(
            updated, format="long", locale=cldr(locale.tag)
        ),
    )


def _listed_pages(records: dict[str, Any], slugs: Sequence[str]) -> list[publish.Page]:
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


def _outputs_exist(store: Store, record: dict[str, Any]) -> bool:
    return all(store.site_path(r["file"]).exists() for r in record.get("pages", {}).values())


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
        sorted(settings.held_back_locales),
        settings.feedback_url,
    )


def _ui_catalog(store: Store, locale: Locale) -> dict[str, str]:
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
            cat = _load(store, path)
        except CatalogError as exc:
            log.warning("%s; the shipped interface translation is used", exc)
            continue
        strings.update({k[1]: t.text for k, t in catalog.translations(cat).items() if t.reviewed})
    return strings


def _install_ui_catalog(store: Store, settings: Settings, locale: Locale) -> None:
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
    _save_catalog(store, pot, store.ui_template_path())
    own = store.ui_catalog_path(locale)
    shipped = publish.shipped_ui_catalog(locale)
    if shipped is None and not own.exists():
        log.warning(
            "intl-pub ships no interface translation for %s: its pages use the English "
            "interface strings until %s translates them",
            locale.tag,
            store.rel(own),
        )
    old = _load(store, own) if own.exists() else (catalog.load(shipped) if shipped else None)
    _save_catalog(store, catalog.merge(pot, old, locale), own)


# --- status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """Review progress of one post in one locale."""

    locale: str
    slug: str
    stats: Stats
    qa_errors: int
    error: str = ""
    """Why the catalog could not be read, when it could not."""


def status(settings: Settings) -> list[StatusRow]:
    """Per locale and post: reviewed / machine / untranslated / failing-QA counts."""
    store = Store(settings.workdir)
    store.require()
    rows = []
    glossary = load_glossary(settings)
    slugs = store.slugs()
    for locale in settings.locales:
        for slug in slugs:
            try:
                cat = _load(store, store.catalog_path(locale, slug))
                if cat is None:
                    pot = _load(store, store.template_path(slug))
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
                cat = _load(store, path)
            except CatalogError as exc:
                findings.append(Finding(path, 0, locale.tag, "", checks.ERROR, "catalog", str(exc)))
                continue
            for entry in cat or []:
                if not entry.translated:
                    continue
                for problem in checks.run(entry.msgid, entry.msgstr, locale, glossary):
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


# --- helpers --------------------------------------------------------------------------


def _load(store: Store, path: Path, written: str = "") -> Catalog | None:
    """A catalog through the store, or None when the file does not exist.

    ``written`` is the digest a step recorded when it wrote the file: bytes
    that still have it are this program's own GNU-valid output, read without
    the syntax check (a second full pass over a 100,000-entry catalog).
    """
    raw = _read_catalog(store, path)
    if raw is None:
        return None
    return catalog.parse(raw, str(path), lint=_needs_lint(raw, written))


def _load_template(store: Store, path: Path, written: str = "") -> Catalog | None:
    """A post's template, parsed once per process while its bytes stay the same.

    Every locale's translate step merges the same template, and merging never
    changes it; a 100,000-entry template takes seconds to read. ``written``:
    as for :func:`_load`.
    """
    raw = _read_catalog(store, path)
    if raw is None:
        return None
    return _parsed_template(raw, str(path), _needs_lint(raw, written))


def _read_catalog(store: Store, path: Path) -> bytes | None:
    """A catalog's bytes, None when the file does not exist, CatalogError when unreadable."""
    try:
        return store.readable(path).read_bytes()
    except FileNotFoundError:
        return None
    except StoreError as exc:  # a link out of the work folder
        raise CatalogError(str(exc)) from exc
    except OSError as exc:
        raise CatalogError(f"{store.rel(path)}: cannot read ({exc.strerror or exc})") from exc


def _needs_lint(raw: bytes, written: str) -> bool:
    """False for bytes whose digest is the one recorded when this program wrote them."""
    return not (written and bytes_digest(raw) == written)


@functools.lru_cache(maxsize=2)
def _parsed_template(raw: bytes, where: str, lint: bool) -> Catalog:
    return catalog.parse(raw, where, lint)


def _save_catalog(store: Store, cat: Catalog, path: Path, expect: str | None = None) -> bool:
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError):
        old = None
    text = catalog.serialize(cat, old, path.suffix == ".pot")
    if text is None:
        return False
    store.write_new(path, text.encode("utf-8"), expect)
    return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the page is nested too deeply to process; simplify its markup"
    return str(exc)
