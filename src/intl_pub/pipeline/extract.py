"""The extract step: each post's template (translations/templates/<slug>.pot) from content/."""

from __future__ import annotations

from collections.abc import Sequence

from intl_pub.core.config import Settings
from intl_pub.core.errors import IntlPubError, describe
from intl_pub.core.model import RunReport
from intl_pub.pipeline import parallel
from intl_pub.publish import interface
from intl_pub.workdir.manifest import Manifest
from intl_pub.workdir.store import Store


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
    for slug, content in _changed(store, manifest, slugs):
        target = store.template_path(slug)
        try:
            if _write_template(settings, store, slug):
                report.written.append(store.rel(target))
        except (IntlPubError, RecursionError) as exc:
            report.failures.append(f"{slug}: {describe(exc)}")
            continue
        manifest.records[slug] = [content, manifest.digest(target)]
    for gone in set(manifest.records) - set(slugs):
        del manifest.records[gone]
    manifest.save()
    # the site's own words: interface strings, title and tagline (translate-<l> takes them)
    if interface.write_template(store, settings):
        report.written.append(store.rel(store.ui_template_path()))
    return report


def _changed(store: Store, manifest: Manifest, slugs: Sequence[str]) -> list[tuple[str, str]]:
    """The posts whose content/ file or template changed since the last run, with the
    content's digest; checked in workers forked from this process when there are many."""
    manifest.records.load()

    def check(part: Sequence[str]) -> list[tuple[str, str]]:
        changed = []
        for slug in part:
            content = manifest.digest(store.post_file("content", slug))
            written = manifest.digest(store.post_file("template", slug))
            if not manifest.records.holds(slug, [content, written]):
                changed.append((slug, content))
        return changed

    return [c for part in parallel.check_across_cores(manifest, check, slugs) for c in part]


def _write_template(settings: Settings, store: Store, slug: str) -> bool:
    """Parse one post and write its template; False when the file already held it.

    Its modules are imported here, when a post changed: an unchanged run does
    not load the HTML parser.
    """
    from intl_pub import catalog, segment, sources
    from intl_pub.catalog import files as catalog_files
    from intl_pub.publish import reader_notes

    document = store.read_post(slug)
    target = store.template_path(slug)
    units = [reader_notes.with_block_id(u) for u in segment.extract(document)]
    pot = catalog.build_template(
        units,
        store.rel(store.content_path(slug)),
        f"{settings.site_title} {slug}",
        sources.stored_date(document) or sources.EPOCH,
        basepath=store.basepath(target),
    )
    return catalog_files.write(store, pot, target)
