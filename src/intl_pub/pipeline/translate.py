"""The translate step of one locale: templates merged into catalogs, new units translated.

Gather (every changed post's template merged into its catalog), fill (the
translation memory, the engine's memory, then the engine, one batch), write
(catalogs, memories, the manifest), :data:`CHUNK` changed posts at a time. A
catalog a translator saves while the step runs is merged again, never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intl_pub import catalog
from intl_pub.catalog import Catalog, Entry
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.formats import placeholders
from intl_pub.catalog.memory import machine_memory, save_machine_memory
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError, IntlPubError, describe
from intl_pub.core.glossary import load_glossary
from intl_pub.core.model import Glossary, Locale, RunReport
from intl_pub.mt import Engine, MTStats, typography
from intl_pub.mt.masking import MachineText, MTOptions, machine_translate
from intl_pub.mt.memory import SentenceMemory
from intl_pub.mt.shards import RunShards
from intl_pub.pipeline import parallel
from intl_pub.publish import interface
from intl_pub.workdir.manifest import Manifest, written_digest
from intl_pub.workdir.store import UI_CATALOG, Store

log = logging.getLogger(__name__)


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


CHUNK = 2_000
"""Changed posts merged, translated and written at a time. A first run of 100,000 posts
that held every merged catalog at once grew to 4.3 GB per language; the engine still gets
a chunk's ~16,000 units in one call, sorted by length. Fewer changed posts: one chunk."""


@dataclass
class _Locale:
    """One locale's translate step, as its chunks share it."""

    settings: Settings
    locale: Locale
    engine: Engine
    store: Store
    templates: catalog_files.Templates
    report: RunReport
    glossary: Glossary
    manifest: Manifest
    reviewed: catalog.TranslationMemory
    progress: Callable[[int, int], None] | None
    run_shards: RunShards | None
    done: int = 0
    """Units the engine translated in earlier chunks (progress counts on from there)."""
    engine_failed: bool = False
    _extracted: Any = None

    def extracted(self) -> Any:
        """The extract step's records (read when a post is first merged)."""
        if self._extracted is None:
            self._extracted = self.store.manifest("extract").records
        return self._extracted


def translate(
    settings: Settings,
    locale: Locale,
    engine: Engine,
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
    run_shards: RunShards | None = None,
    templates: catalog_files.Templates | None = None,
) -> RunReport:
    """Merge every changed template into its catalog and machine-translate what is new.

    The new units of up to :data:`CHUNK` posts go to the engine in one batch. A
    catalog that cannot be read is reported and left exactly as it is. A post whose
    template and catalog are unchanged since the last run is not read.
    ``templates``: the run's parsed templates, shared by its locales.
    """
    store = store or Store(settings.workdir)
    templates = templates or catalog_files.Templates()
    glossary = load_glossary(settings)
    manifest = store.translated(locale)
    slugs = store.slugs()
    if store.ui_template_path().exists():  # the site's own words: one more catalog
        slugs = [*slugs, UI_CATALOG]
    step = _Locale(settings, locale, engine, store, templates, RunReport(), glossary, manifest,
                   catalog.TranslationMemory(store, locale), progress, run_shards)
    changed = _changed_across_cores(step, slugs)
    if len(changed) > CHUNK:  # a review in a later chunk serves the same English in an earlier
        for start in range(0, len(changed), CHUNK):
            merged = [_merge(step, slug, inputs, RunReport())  # (a catalog, or the site's
                      for slug, inputs in changed[start : start + CHUNK]  # shipped words)
                      if inputs[1] or slug == UI_CATALOG]
            step.reviewed.record([(w.slug, w.catalog) for w in merged if w is not None])
    for start in range(0, len(changed), CHUNK):
        merged = [_merge(step, slug, inputs, step.report)
                  for slug, inputs in changed[start : start + CHUNK]]
        _fill_and_write(step, [w for w in merged if w is not None])
    for gone in set(manifest.records) - set(slugs):
        del manifest.records[gone]
    step.reviewed.save()
    manifest.save()
    return step.report


def _fill_and_write(step: _Locale, work: list[_Work]) -> None:
    """Fill a chunk's catalogs (reviewed translations of the same English, then the engine's
    memory, then the engine) and write them, with what the next run may skip."""
    store, locale, report = step.store, step.locale, step.report
    pending = step.reviewed.fill([(w.slug, w.catalog) for w in work])
    wanted = bool(pending) or any(catalog.stale(w.catalog) for w in work)
    label = step.engine.label(locale) if wanted else ""
    machine: dict[tuple[str, str], tuple[str, str]] = {}
    if label:
        todo = _from_machine_memory(work, label)
        if todo:
            keep = [*step.glossary.do_not_translate, *_placeholders(todo)]
            filled = None if step.engine_failed else _engine_fill(step, todo, label, keep)
            if filled is None:  # the engine failed (now or in an earlier chunk): catalogs
                step.engine_failed = True  # still waiting are not written
                work = [w for w in work if not catalog.pending(w.catalog)]
            else:
                machine = filled
            _keep_verdicts(step.settings, store, locale, step.glossary, machine)
    for item in work:
        try:
            written, digest = _save_merged(store, item, locale, machine, label, step.templates)
            save_machine_memory(store, locale, item.slug, item.memory, item.catalog)
        except IntlPubError as exc:
            report.failures.append(f"{item.slug} [{locale.tag}]: {exc}")
            continue
        if written:
            report.written.append(store.rel(item.path))
        if not catalog.pending(item.catalog) and not _lacks_suggestion(item):
            step.manifest.digest(item.path)  # (cached for the next run's check of its inputs)
            step.manifest.records[item.slug] = [item.template_digest, digest,
                                                 step.glossary.version]


def _changed_across_cores(step: _Locale, slugs: Sequence[str]) -> list[tuple[str, list[str]]]:
    """:func:`_changed`, in workers forked from this process when there are enough posts
    (:func:`parallel.check_across_cores`); the templates' digests they took come back too."""
    step.manifest.records.load()

    def check(part: Sequence[str]) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
        return _changed(step, part), step.templates.digests()

    changed: list[tuple[str, list[str]]] = []
    for part, templates in parallel.check_across_cores(step.manifest, check, slugs):
        changed += part
        step.templates.take_in(templates)
    return changed


def _changed(step: _Locale, slugs: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Every post whose template, catalog or glossary changed since the last run, with
    those inputs' digests."""
    store, manifest, templates = step.store, step.manifest, step.templates
    changed = []
    for slug in slugs:
        inputs = [templates.digest(manifest, store.post_file("template", slug)),
                  manifest.digest(store.post_file("catalog", slug, step.locale)),
                  step.glossary.version]
        if not (inputs[0] and manifest.records.holds(slug, inputs)):
            changed.append((slug, inputs))
    return changed


def _merge(step: _Locale, slug: str, inputs: list[str], report: RunReport) -> _Work | None:
    """A changed post's template merged into its catalog (None when either cannot be read:
    reported)."""
    store, locale = step.store, step.locale
    template, path = store.template_path(slug), store.catalog_path(locale, slug)
    try:
        written = written_digest(step.extracted().get(slug))
        pot = step.templates.read(store, template, written)
        if pot is None:
            raise CatalogError(f"{store.rel(template)} is missing; run `intl-pub translate`")
        memory = machine_memory(store, locale, slug)
        old = catalog_files.read(store, path, written_digest(step.manifest.records.get(slug)))
        if old is None and slug == UI_CATALOG:  # starts from intl-pub's reviewed words
            old = interface.shipped(locale)
        merged = catalog.merge(pot, old, locale, memory)
    except (IntlPubError, OSError) as exc:
        report.failures.append(f"{slug} [{locale.tag}]: {describe(exc)}")
        return None
    return _Work(slug, merged, path, inputs[0], inputs[1], memory)


def _engine_fill(
    step: _Locale,
    todo: Sequence[tuple[_Work, Entry]],
    label: str,
    keep: Sequence[str],
) -> dict[tuple[str, str], tuple[str, str]] | None:
    """Translate ``todo`` in one batch; each result goes to its post's memory and, where
    the msgstr is empty, into the catalog. The results by English, or None when the
    engine failed (reported)."""
    settings, locale, engine, store, report = (step.settings, step.locale, step.engine,
                                               step.store, step.report)
    done, before = 0, step.done

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if step.progress is not None:
            step.progress(before + done, before + len(todo))

    stats = MTStats()
    try:
        with SentenceMemory(store.mt_memory_path(engine.name, locale)) as sentences:
            options = MTOptions(sentences, stats, step.run_shards, settings.token_budget)
            msgids = [entry.msgid for _, entry in todo]
            results = machine_translate(engine, locale, msgids, progress, report, keep, options)
    except IntlPubError as exc:
        report.failures.append(f"machine translation [{locale.tag}]: {exc}")
        return None
    machine = {}
    for (item, entry), result in zip(todo, results, strict=True):
        text = typography.apply(result.text, locale)
        note = _mt_note(result)
        item.memory.put(entry.key, label, text, note)
        if not entry.msgstr:  # a stale entry's msgstr is the translator's, and stays
            catalog.set_machine_translation(entry, text, label, note)
        machine[entry.key] = (text, note)
    log.info("%s: machine-translated %d units with %s: %s", locale.tag, len(todo), label, stats)
    step.done += len(todo)
    return machine


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
    templates: catalog_files.Templates,
) -> tuple[bool, str]:
    """Write a merged catalog, unless a translator saved the file while we worked.

    Then their version is merged again (nothing of theirs is lost) and filled
    from this run's machine translations. Whether it was written, and the digest of
    the bytes this step wrote or read and checked: what the manifest records (a save
    landing later has another digest, so the next reader checks it and the next run
    merges it).
    """
    current = store.file_digest(item.path)
    if current != item.loaded_digest:
        log.warning("%s changed during the run: merging the translator's version", item.path)
        pot = templates.read(store, store.template_path(item.slug))
        if pot is None:
            raise CatalogError(f"{store.rel(store.template_path(item.slug))} disappeared")
        old = catalog_files.read(store, item.path)
        item.catalog = catalog.merge(pot, old, locale, item.memory)
        for entry in catalog.pending(item.catalog):
            if entry.key in machine:
                text, note = machine[entry.key]
                catalog.set_machine_translation(entry, text, label, note)
    digest = catalog_files.written(store, item.catalog, item.path, current)  # unless saved again
    return digest is not None, digest or current


def _from_machine_memory(work: Sequence[_Work], label: str) -> list[tuple[_Work, Entry]]:
    """What the engine must still translate: pending entries, and stale entries lacking a
    suggestion; English this engine translated before is taken from the memory instead
    (so a ``msgmerge`` of the catalog never costs an engine call)."""
    rest = []
    for item in work:
        for entry in [*catalog.pending(item.catalog), *catalog.stale(item.catalog)]:
            hit = item.memory.get(entry.key, label)
            if hit is None:
                rest.append((item, entry))
            elif not entry.msgstr:
                catalog.set_machine_translation(entry, hit[0], label, hit[1])
    return rest


def _placeholders(todo: Sequence[tuple[_Work, Entry]]) -> list[str]:
    """The ``{date}`` placeholders of the English to translate: they pass the engine untouched
    (as do-not-translate terms do), so that the page can still fill them in."""
    return sorted({p for _, entry in todo for p in placeholders(entry.msgid)})


def _lacks_suggestion(item: _Work) -> bool:
    """A stale entry with no machine suggestion (the engine failed): try again next run."""
    return any(item.memory.get(e.key) is None for e in catalog.stale(item.catalog))


def _keep_verdicts(
    settings: Settings,
    store: Store,
    locale: Locale,
    glossary: Glossary,
    machine: dict[tuple[str, str], tuple[str, str]],
) -> None:
    """Check the new machine translations against their English now, as publishing will
    (:mod:`intl_pub.publish.verdicts`): once, where the translation is made, beside the
    engine's ~100 ms a unit; publishing then reads the verdicts instead of verifying."""
    if not machine:
        return
    from intl_pub.publish.policy import Policy, gate_for  # (only a run that translated)
    from intl_pub.publish.verdicts import Verdicts

    gate = gate_for(settings, locale, glossary)
    if gate.mode != "verify":
        return
    try:
        with Verdicts(store.verdicts_path(), locale, glossary) as verdicts:
            Policy(locale, {}, glossary, gate, verdicts=verdicts).judge(
                (msgid, text) for (_, msgid), (text, _) in machine.items()
            )
    except Exception as exc:  # only a head start for publishing: never what stops a run
        log.warning("%s: machine translation not verified in advance (%s); publishing will "
                    "verify it", locale.tag, describe(exc))
