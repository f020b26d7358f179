"""Risk-first review over a work folder: the queue, the impact of an English edit, progress.

The pure modules decide (:mod:`intl_pub.risk`, :mod:`intl_pub.review_queue`,
:mod:`intl_pub.status_page`); this one reads content/ and the catalogs and
gathers what they need. Nothing here writes a file: ``intl-pub queue``,
``impact`` and ``status`` may run at any time, also while a run holds the lock.

*Impact* compares what was pulled into content/ with the catalogs as they
are, so it answers right after a pull, before ``translate`` merges anything:
per locale, the reviewed units whose English an edit changed (matched to
today's English as ``msgmerge`` would, by similarity), the words to review
again, and the pages that fall below their publishing or indexing threshold.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from intl_pub import catalog, segment, sources
from intl_pub.catalog import Catalog, Entry
from intl_pub.catalog import files as catalog_files
from intl_pub.catalog.memory import machine_memory
from intl_pub.core.config import Settings
from intl_pub.core.errors import CatalogError, StoreError
from intl_pub.core.glossary import load_glossary
from intl_pub.core.model import Glossary, Locale, Unit
from intl_pub.publish import reader_notes
from intl_pub.publish.policy import Policy, gate_for, risk_settings
from intl_pub.publish.verdicts import Verdicts
from intl_pub.qa import risk, verify
from intl_pub.review import queue as review_queue
from intl_pub.review.queue import Pending, QueueItem
from intl_pub.review.status_page import PostProgress
from intl_pub.segment import tokens
from intl_pub.workdir.store import Store

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


# --- the queue ------------------------------------------------------------------------


def pending(settings: Settings) -> list[Pending]:
    """Every catalog entry awaiting review (machine translation, or a changed review)."""
    found = []
    glossary = load_glossary(settings)
    with _Verdicts(settings, glossary) as verdicts:
        for locale, slug, file, cat, published, memory in _catalogs(settings):
            rules = _risk(settings)
            found += _pending(cat, verdicts.policy(locale, cat), memory, rules,
                              (locale.tag, slug, file, published))
    return found


def _pending(
    cat: Catalog, policy: Policy, memory: catalog.MachineMemory, rules: risk.RiskSettings,
    where: tuple[str, str, str, object],
) -> list[Pending]:
    """One catalog's entries awaiting review (``where``: locale, post, file, published)."""
    tag, slug, file, published = where
    found = []
    for e in cat:
        if not e.fuzzy or not (e.translated or e.previous_msgid is not None):
            continue
        stale = catalog.withdrawn(e, memory)
        found.append(
            Pending(
                locale=tag,
                post=slug,
                published=published,
                file=file,
                line=e.line,
                msgid=e.msgid,
                risk=risk.classify(e.msgid, rules),
                # Entry.stale is also true for machine translation of English that
                # changed; only a person's review going stale is a stale review.
                stale=stale,
                reviewed_english=e.previous_msgid or "",
                confidence=e.confidence,
                failures=tuple(_failures(policy, e) if e.msgstr and not stale else ()),
            )
        )
    return found


def queue(
    settings: Settings, locale: str | None = None, limit: int | None = None
) -> list[QueueItem]:
    """``intl-pub queue``: the entries awaiting review, most urgent first."""
    return review_queue.build(pending(settings), locale=locale, limit=limit)


# --- progress -------------------------------------------------------------------------


def progress(settings: Settings) -> list[PostProgress]:
    """Per locale and post: reviewed / machine / stale / held back / English, in entries."""
    rows = []
    glossary = load_glossary(settings)
    with _Verdicts(settings, glossary) as verdicts:
        for locale, slug, _file, cat, _published, memory in _catalogs(settings):
            counts = dict.fromkeys(("reviewed", "machine", "stale", "held_back", "source"), 0)
            policy = verdicts.policy(locale, cat)
            for e in cat:
                counts[_state(e, policy, memory)] += 1
            rows.append(PostProgress(locale.tag, slug, **counts))
    return rows


def _state(e: Entry, policy: Policy, memory: catalog.MachineMemory) -> str:
    if e.reviewed:
        return "reviewed"
    if catalog.withdrawn(e, memory):
        return "stale"
    if not e.machine:
        return "source"
    if policy.gate.mode == "hold" and risk.classify(e.msgid, policy.gate.risk):
        return "held_back"
    if policy.gate.mode == "verify" and _verdict(policy, e.msgid, tokens.as_published(e.msgstr)):
        return "held_back"  # (QA's rejection too: the page shows the English)
    return "machine"


class _Verdicts:
    """Each language's policy with the verdicts translate and publish kept
    (:mod:`intl_pub.publish.verdicts`), read, never written: ``status`` and ``queue`` of a
    1,000-post blog verified ~27,000 machine translations again, ~1 minute, where the
    kept verdicts answer in a few queries a post."""

    def __init__(self, settings: Settings, glossary: Glossary) -> None:
        self.settings, self.glossary = settings, glossary
        self._stack = contextlib.ExitStack()
        self._policies: dict[str, Policy] = {}

    def __enter__(self) -> _Verdicts:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def policy(self, locale: Locale, cat: Catalog) -> Policy:
        """The language's policy, its verdicts of ``cat``'s machine entries fetched."""
        policy = self._policies.get(locale.tag)
        if policy is None:
            kept = self._stack.enter_context(Verdicts(
                Store(self.settings.workdir).verdicts_path(), locale, self.glossary,
                read_only=True))
            gate = gate_for(self.settings, locale, self.glossary)
            policy = self._policies[locale.tag] = Policy(locale, {}, self.glossary, gate,
                                                         verdicts=kept)
        assert policy.verdicts is not None
        policy.verdicts.prefetch(
            (e.msgid, tokens.as_published(e.msgstr)) for e in cat if e.machine and e.msgstr)
        return policy


def _verdict(policy: Policy, msgid: str, text: str) -> tuple[str, ...]:
    """The page's verdict on machine translation ``text`` (as the page shows it): QA's and
    the verifier's, kept by translate or publish, else worked out here."""
    if tokens.check(msgid, text) is not None:
        return ("token",)
    return policy.verdict(msgid, text)


def _failures(policy: Policy, e: Entry) -> list[verify.Failure]:
    """What the verifier finds in a machine entry, with the spans a translator reads; none
    when the kept verdict says it passed (then it is not verified again). With no verdict
    kept it is verified once, here: a verdict of no failure is no failure."""
    text = tokens.as_published(e.msgstr)
    kept = policy.verdicts.kept(e.msgid, text) if policy.verdicts is not None else None
    if kept == () and tokens.check(e.msgid, text) is None:
        return []
    return verify.verify(e.msgid, text, policy.locale, policy.glossary)


# --- impact ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleUnit:
    """A reviewed unit whose English an edit in content/ changed."""

    post: str
    file: str
    """The catalog holding the review, relative to the work folder."""
    line: int
    reviewed_msgid: str
    """The English the translator reviewed."""
    msgid: str
    """Today's English in content/."""
    diff: str
    """:func:`intl_pub.review_queue.word_diff` of the two."""
    words: int
    """Words of today's English: what the translator reads again."""
    risk: list[str]


@dataclass(frozen=True)
class PageDrop:
    """A page that an edit takes below a threshold (``publish``: not published; ``index``:
    ``noindex``)."""

    post: str
    kind: str
    before: float
    after: float
    threshold: float


@dataclass(frozen=True)
class LocaleImpact:
    locale: str
    stale: list[StaleUnit] = field(default_factory=list)
    words: int = 0
    below_threshold: list[PageDrop] = field(default_factory=list)


def impact(settings: Settings) -> list[LocaleImpact]:
    """``intl-pub impact``: what the English in content/ takes away from the reviews.

    Each catalog is merged in memory with the units of today's content/ --
    exactly what ``translate`` will do, nothing is written -- so numbers that
    the merge carries over into a review (``30 °C`` -> ``32 °C``) are not
    reported, and an edited unit is matched to its review as the merge matches it.
    """
    store = Store(settings.workdir)
    store.require()
    rules = _risk(settings)
    current = {
        slug: [reader_notes.with_block_id(u) for u in segment.extract(store.read_post(slug))]
        for slug in store.slugs()
    }
    result = []
    for locale in settings.locales:
        stale: list[StaleUnit] = []
        drops: list[PageDrop] = []
        for slug, units in current.items():
            path = store.catalog_path(locale, slug)
            cat = _read(store, path)
            if cat is None:
                continue
            pot = catalog.build_template(units, store.rel(store.content_path(slug)), slug)
            merged = catalog.merge(pot, cat, locale)
            stale += _stale_units(store.rel(path), slug, cat, merged, rules)
            template = _read(store, store.template_path(slug))
            drops += _drops(settings, locale, slug, cat, merged, units, template)
        words = sum(s.words for s in stale)
        result.append(LocaleImpact(locale.tag, stale, words, drops))
    return result


def _stale_units(
    file: str, slug: str, cat: Catalog, merged: Catalog, rules: risk.RiskSettings
) -> Iterator[StaleUnit]:
    """The merged entries whose English changed from a text reviewed in ``cat``."""
    reviewed = {e.msgid: e for e in cat if e.reviewed}
    for e in merged:
        was = reviewed.get(e.previous_msgid or "") if e.fuzzy else None
        if was is None or e.msgid == was.msgid:
            continue
        yield StaleUnit(
            post=slug,
            file=file,
            line=was.line,
            reviewed_msgid=was.msgid,
            msgid=e.msgid,
            diff=review_queue.word_diff(was.msgid, e.msgid),
            words=len(_WORD.findall(tokens.strip(e.msgid))),
            risk=risk.ordered(risk.classify(e.msgid, rules)),
        )


def _drops(
    settings: Settings,
    locale: Locale,
    slug: str,
    cat: Catalog,
    merged: Catalog,
    units: Sequence[Unit],
    template: Catalog | None,
) -> list[PageDrop]:
    """Pages whose share of reviewed blocks falls below a threshold (blocks as published)."""
    after = _share([(u.context, u.msgid) for u in units], {e.key for e in merged if e.reviewed})
    before = (
        _share(
            [e.key for e in template for _ in (e.references or [()])],
            {e.key for e in cat if e.reviewed},
        )
        if template is not None
        else 1.0
    )
    drops = []
    for kind in ("publish", "index"):
        threshold = settings.threshold(locale, kind)
        if after < threshold <= before:
            drops.append(PageDrop(slug, kind, round(before, 3), round(after, 3), threshold))
    return drops


def _share(keys: Sequence[tuple[str, str]], reviewed: set[tuple[str, str]]) -> float:
    return sum(1 for k in keys if k in reviewed) / len(keys) if keys else 1.0


def impact_as_json(found: Sequence[LocaleImpact]) -> str:
    """``intl-pub impact --json``: one object per locale."""
    return json.dumps([asdict(i) for i in found], ensure_ascii=False, indent=2)


def impact_rows(found: Sequence[LocaleImpact]) -> list[dict[str, object]]:
    """One row per stale unit (a terminal table, a Prefect table artifact)."""
    return [
        {
            "locale": i.locale,
            "where": f"{s.file}:{s.line}",
            "risk": ", ".join(s.risk),
            "words": s.words,
            "changed": s.diff,
        }
        for i in found
        for s in i.stale
    ]


# --- the publishing gate of publish_flow ---------------------------------------------


def stale_risk(settings: Settings) -> list[str]:
    """Risky units whose review is stale: merged (in the queue) or pulled (impact); one line
    each. ``publish_flow(gate="no-stale-risk")`` publishes only when there is none."""
    lines = [
        f"{i.where} [{i.entry.locale}] {', '.join(risk.ordered(i.entry.risk))}: {i.entry.msgid}"
        for i in queue(settings)
        if i.entry.stale and i.entry.risk
    ]
    lines += [
        f"{s.file}:{s.line} [{i.locale}] {', '.join(s.risk)}: {s.msgid}"
        for i in impact(settings)
        for s in i.stale
        if s.risk
    ]
    return lines


# --- helpers --------------------------------------------------------------------------


def _risk(settings: Settings) -> risk.RiskSettings:
    return risk_settings(settings, load_glossary(settings))


def _catalogs(
    settings: Settings,
) -> Iterator[tuple[Locale, str, str, Catalog, object, catalog.MachineMemory]]:
    """(locale, slug, catalog file, catalog, post published, its machine memory) for every
    readable catalog (the memory tells an engine's translation from a person's)."""
    store = Store(settings.workdir)
    store.require()
    published = {}
    for slug in store.slugs():
        published[slug] = sources.from_document(store.read_post(slug), slug).published
    for locale in settings.locales:
        written = store.written_catalogs(locale)
        for slug in store.slugs():
            path = store.catalog_path(locale, slug)
            cat = _read(store, path, written(slug))
            if cat is not None:
                memory = machine_memory(store, locale, slug)
                yield locale, slug, store.rel(path), cat, published[slug], memory


def _read(store: Store, path: Path, written: str = "") -> Catalog | None:
    """A catalog, or None when it does not exist or cannot be read (then a warning says so:
    ``intl-pub check`` names the problem). ``written``: the digest the translate step
    recorded for it (bytes that still have it are read without the syntax check)."""
    try:
        raw = store.readable(path).read_bytes()
        return catalog.parse(raw, store.rel(path), lint=catalog_files.needs_lint(raw, written))
    except FileNotFoundError:
        return None
    except (OSError, CatalogError, StoreError) as exc:
        log.warning("%s: left out (%s); run `intl-pub check`", store.rel(path), exc)
        return None
