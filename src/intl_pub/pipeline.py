"""The pipeline's steps as plain functions: pull, extract, translate, publish, status.

Each step reads what the previous one wrote (content/, translations/) and
returns a RunReport; the command line and the Prefect flows only compose
them. A failing post or locale is recorded in the report and the others go
on; the engine is checked before anything is written.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polib

from intl_pub import catalog, checks, publish, segment, sources, tokens, typography
from intl_pub.catalog import Stats
from intl_pub.config import Settings, load_glossary, resolve_source
from intl_pub.errors import CatalogError, LockError, SourceError
from intl_pub.files import read_json, write_if_changed
from intl_pub.locales import ENGLISH
from intl_pub.model import Glossary, Locale, Post, RunReport, Translation, Unit
from intl_pub.mt import Engine, Progress, get_engine

log = logging.getLogger(__name__)

LOCK_FILE = ".intl-pub.lock"
SOURCES_STATE = ".sources.json"
"""content/.sources.json: each URL's ETag and Last-Modified, for conditional requests."""
PIECES_NOTE = "tags placed automatically: the engine lost the markup, pieces translated separately"


# --- the work folder ------------------------------------------------------------------


@contextmanager
def locked(settings: Settings) -> Iterator[None]:
    """Hold the work folder for one run, so two runs never write the same catalogs."""
    settings.workdir.mkdir(parents=True, exist_ok=True)
    path = settings.workdir / LOCK_FILE
    with path.open("a+") as handle:
        deadline = time.monotonic() + settings.lock_wait_seconds
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise LockError(
                        f"{settings.workdir}: another intl-pub run is working here; wait for it "
                        "to finish (or set lock_wait_seconds in intl-pub.toml to wait)"
                    ) from exc
                if not announced:
                    log.info("waiting for another run to release %s", path)
                    announced = True
                time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def content_path(settings: Settings, slug: str) -> Path:
    return settings.content_dir / f"{slug}.html"


def template_path(settings: Settings, slug: str) -> Path:
    return settings.translations_dir / "templates" / f"{slug}.pot"


def catalog_path(settings: Settings, locale: Locale, slug: str) -> Path:
    return settings.translations_dir / locale.gettext / f"{slug}.po"


def rel(settings: Settings, path: Path) -> str:
    return str(path.relative_to(settings.workdir))


# --- pull -----------------------------------------------------------------------------


def pull(settings: Settings, source_list: Sequence[str] | None = None) -> RunReport:
    """Fetch every source and store its posts in content/ (only what changed is written)."""
    report = RunReport()
    chosen = list(source_list if source_list else settings.sources)
    if not chosen:
        raise SourceError("no source: pass --source URL_OR_PATH or set sources in intl-pub.toml")
    posts: list[Post] = []
    state = settings.content_dir / SOURCES_STATE
    validators = read_json(state)
    for source in chosen:
        found = sources.read_source(
            resolve_source(settings, source), validators, settings.for_source(source)
        )
        report.failures.extend(f"source {source}: {line}" for line in found.failures)
        if found.not_modified:
            log.info("%s: not modified since the last pull", source)
        posts.extend(found.posts)
    if validators and write_if_changed(
        state, (json.dumps(validators, indent=1, sort_keys=True) + "\n").encode("utf-8")
    ):
        report.written.append(rel(settings, state))
    for post in sources.unique_slugs(posts):
        path = content_path(settings, post.slug)
        if write_if_changed(path, sources.to_document(post).encode("utf-8")):
            report.written.append(rel(settings, path))
    log.info("pulled %d posts from %d sources", len(posts), len(chosen))
    return report


def stored_posts(settings: Settings) -> list[Post]:
    """Every post in content/, newest first (posts gone from a feed stay published)."""
    posts = [
        sources.from_document(p.read_text(encoding="utf-8"), p.stem)
        for p in sorted(settings.content_dir.glob("*.html"))
    ]
    return sorted(posts, key=lambda p: (p.published, p.slug), reverse=True)


# --- extract --------------------------------------------------------------------------


def extract(settings: Settings, post: Post) -> tuple[polib.POFile, RunReport]:
    """Build the post's template from content/ and store it (translations/templates/<slug>.pot)."""
    report = RunReport()
    path = content_path(settings, post.slug)
    units = segment.extract(path.read_text(encoding="utf-8"))
    pot = catalog.build_template(units, rel(settings, path), f"{settings.site_title} {post.slug}")
    target = template_path(settings, post.slug)
    if catalog.save(pot, target):
        report.written.append(rel(settings, target))
    return pot, report


# --- translate ------------------------------------------------------------------------


def translate_locale(
    settings: Settings,
    locale: Locale,
    posts: Sequence[Post],
    engine: Engine,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Merge every post's template into its catalog and machine-translate what is new.

    All new units of the locale go to the engine in one batch. A catalog that
    cannot be read is reported and left exactly as it is.
    """
    report = RunReport()
    merged: list[tuple[Post, polib.POFile]] = []
    for post in posts:
        try:
            pot = catalog.load(template_path(settings, post.slug))
            if pot is None:
                pot, _ = extract(settings, post)
            old = catalog.load(catalog_path(settings, locale, post.slug))
        except CatalogError as exc:
            report.failures.append(f"{post.slug} [{locale.tag}]: {exc}")
            continue
        merged.append((post, catalog.merge(pot, old, locale)))
    glossary = load_glossary(settings)
    todo = _reuse_reviewed(merged)
    if todo:
        label = engine.label(locale)
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(todo))

        results = machine_translate(
            engine, locale, [e.msgid for e in todo], step, report, glossary.do_not_translate
        )
        for entry, (text, note) in zip(todo, results, strict=True):
            catalog.set_machine_translation(entry, typography.apply(text, locale), label, note)
        log.info("%s: machine-translated %d units with %s", locale.tag, len(todo), label)
    for post, po in merged:
        path = catalog_path(settings, locale, post.slug)
        if catalog.save(po, path):
            report.written.append(rel(settings, path))
    return report


def _reuse_reviewed(merged: Sequence[tuple[Post, polib.POFile]]) -> list[polib.POEntry]:
    """A translation memory across posts: reuse a reviewed translation of the same text.

    Returns the entries still without a translation, for the engine.
    """
    memory: dict[tuple[str, str], tuple[str, str]] = {}
    for post, po in merged:
        for entry in po:
            if not entry.obsolete and entry.msgstr and "fuzzy" not in entry.flags:
                memory.setdefault((entry.msgctxt or "", entry.msgid), (entry.msgstr, post.slug))
    todo = []
    for _, po in merged:
        for entry in catalog.needs_translation(po):
            hit = memory.get((entry.msgctxt or "", entry.msgid))
            if hit is None:
                todo.append(entry)
            else:
                catalog.reuse_translation(entry, hit[0], hit[1])
    return todo


def machine_translate(
    engine: Engine,
    locale: Locale,
    msgids: Sequence[str],
    progress: Progress | None,
    report: RunReport,
    keep: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """Translate msgids with their tokens; where the engine breaks tokens, translate the pieces.

    Terms in ``keep`` (the glossary's do-not-translate list) travel through
    the engine as void tokens and come back exactly as written. Returns
    (translation, note) pairs; the note says when tags were placed
    automatically, so the reviewer knows to look at them.
    """
    masked = [_mask(m, keep) for m in msgids]
    results = _translate_tokens(engine, locale, [m for m, _ in masked], progress, report)
    return [
        (_unmask(text, terms), note)
        for (text, note), (_, terms) in zip(results, masked, strict=True)
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
) -> list[tuple[str, str]]:
    outputs = engine.translate(list(msgids), locale, progress)
    report.engine_calls += 1
    results = [(out, "") for out in outputs]
    broken = [i for i, (m, o) in enumerate(zip(msgids, outputs, strict=True)) if tokens.check(m, o)]
    if not broken:
        return results
    plans = [tokens.pieces(msgids[i]) for i in broken]
    texts = [p.strip() for plan in plans for p in plan if _is_text(p)]
    translated = iter(engine.translate(texts, locale) if texts else [])
    report.engine_calls += 1 if texts else 0
    for i, plan in zip(broken, plans, strict=True):
        rebuilt = []
        for piece in plan:
            if _is_text(piece):
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                rebuilt.append(lead + next(translated) + trail)
            else:
                rebuilt.append(piece)
        results[i] = ("".join(rebuilt), PIECES_NOTE)
    return results


def _is_text(piece: str) -> bool:
    return not tokens.TOKEN_RE.fullmatch(piece) and segment.is_translatable(piece)


# --- publish --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """One post in one language, rebuilt from its catalog under the publishing policy."""

    document: str
    stats: publish.BlockStats


def render_document(
    document: str,
    locale: Locale,
    found: dict[tuple[str, str], Translation],
    glossary: Glossary | None = None,
) -> Rendered:
    """Apply the per-block policy: reviewed > machine translation passing QA > English."""
    counts = {"reviewed": 0, "machine": 0, "source": 0}

    def lookup(unit: Unit) -> segment.Rendering | None:
        hit = found.get((unit.context, unit.msgid))
        if hit is not None and tokens.check(unit.msgid, hit.text) is None:
            if hit.reviewed:
                counts["reviewed"] += 1
                return segment.Rendering(hit.text)
            if not checks.has_errors(checks.run(unit.msgid, hit.text, locale, glossary)):
                counts["machine"] += 1
                return segment.Rendering(hit.text, {"data-mt": ""})
        counts["source"] += 1
        return segment.Rendering(None, {"lang": "en"})

    rebuilt = segment.apply(document, lookup)
    return Rendered(rebuilt, publish.BlockStats(**counts))


def publish_site(settings: Settings) -> RunReport:
    """Write site/: every post in English and in every locale, indexes, feeds, sitemap."""
    report = RunReport()
    posts = stored_posts(settings)
    glossary = load_glossary(settings)
    pages: list[publish.Page] = []
    for post in posts:
        document = content_path(settings, post.slug).read_text(encoding="utf-8")
        pages.append(publish.Page.from_document(post, ENGLISH, document, publish.BlockStats()))
        for locale in settings.locales:
            try:
                po = catalog.load(catalog_path(settings, locale, post.slug))
            except CatalogError as exc:
                report.failures.append(f"{post.slug} [{locale.tag}]: {exc}")
                po = None
            found = catalog.translations(po) if po is not None else {}
            rendered = render_document(document, locale, found, glossary)
            share = rendered.stats.reviewed_share
            if share < settings.threshold(locale, "publish"):
                log.info(
                    "%s [%s]: %.0f%% reviewed, below the publishing threshold; not published",
                    post.slug,
                    locale.tag,
                    100 * share,
                )
                continue
            pages.append(
                publish.Page.from_document(post, locale, rendered.document, rendered.stats)
            )
    ui = {loc.tag: _ui_catalog(settings, loc) for loc in settings.locales}
    state = publish.read_state(settings.site_dir)
    files = publish.build_site(settings, pages, ui, state)
    for name in publish.write(settings.site_dir, files):
        report.written.append(f"site/{name}")
    return report


def _ui_catalog(settings: Settings, locale: Locale) -> dict[str, str]:
    """The site's own words: the shipped reviewed catalog, then translations/<l>/site.po.

    The shipped catalog is copied to translations/<l>/site.po when that file does
    not exist, so translators review the interface where they review posts; a
    string missing from their copy still comes from the shipped one.
    """
    shipped = publish.shipped_ui_catalog(locale)
    own = settings.translations_dir / locale.gettext / f"{publish.UI_CATALOG}.po"
    if not own.exists():
        write_if_changed(own, shipped.read_bytes())
    template = settings.translations_dir / "templates" / f"{publish.UI_CATALOG}.pot"
    if not template.exists():
        entries = catalog.load(shipped) or []
        units = [Unit(e.msgid, 0, note="site") for e in entries]
        catalog.save(catalog.build_template(units, "intl-pub site", "intl-pub site"), template)
    strings: dict[str, str] = {}
    for path in (shipped, own):
        po = catalog.load(path)
        if po is not None:
            strings.update(
                {k[1]: t.text for k, t in catalog.translations(po).items() if t.reviewed}
            )
    return strings


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
    rows = []
    glossary = load_glossary(settings)
    posts = stored_posts(settings)
    for locale in settings.locales:
        for post in posts:
            try:
                po = catalog.load(catalog_path(settings, locale, post.slug))
            except CatalogError as exc:
                rows.append(StatusRow(locale.tag, post.slug, Stats(0, 0, 0), 0, str(exc)))
                continue
            if po is None:
                pot = catalog.load(template_path(settings, post.slug))
                total = len(pot) if pot is not None else 0
                rows.append(StatusRow(locale.tag, post.slug, Stats(0, 0, total), 0))
                continue
            errors = sum(
                1
                for e in po
                if not e.obsolete
                and e.msgstr
                and checks.has_errors(checks.run(e.msgid, e.msgstr, locale, glossary))
            )
            rows.append(StatusRow(locale.tag, post.slug, catalog.stats(po), errors))
    return rows


# --- everything -----------------------------------------------------------------------


def run(
    settings: Settings,
    source_list: Sequence[str] | None = None,
    progress: Callable[[Locale, int, int], None] | None = None,
) -> RunReport:
    """The whole pipeline in one process, without Prefect (the flows call the same steps)."""
    engine = get_engine(settings.engine)
    engine.check(settings.locales)  # before anything is written
    report = RunReport()
    with locked(settings):
        report.merge(pull(settings, source_list))
        posts = stored_posts(settings)
        for post in posts:
            report.merge(extract(settings, post)[1])
        for locale in settings.locales:
            step = (lambda d, t, loc=locale: progress(loc, d, t)) if progress else None
            report.merge(translate_locale(settings, locale, posts, engine, step))
        report.merge(publish_site(settings))
    return report
