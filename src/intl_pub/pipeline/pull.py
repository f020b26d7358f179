"""The pull step: every source fetched, its new or changed posts stored in content/."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from intl_pub import sources
from intl_pub.core.config import Settings, resolve_source
from intl_pub.core.errors import SourceError
from intl_pub.core.model import Post, RunReport
from intl_pub.sources.folder import page_files
from intl_pub.workdir.store import Identities, Store

log = logging.getLogger(__name__)


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
    if posts:  # (an unchanged pull reads no identity)
        _store_posts(store, posts, report)
    store.save_sources_state({**validators, "files": seen_files})
    log.info("pulled %d changed posts from %d sources", len(posts), len(chosen))
    return report


def _store_posts(store: Store, posts: list[Post], report: RunReport) -> None:
    """Each post in content/ under the slug its identity was given (chosen now for a new one)."""
    identities = store.identities()
    if not identities:
        identities = _identities_of(store)
    identities.pulling(_identity(post) for post in posts)
    pulled: dict[str, str] = {}  # slug -> the identity whose copy this pull stored
    for post in posts:
        slug = identities.slug_for(_identity(post), post.slug, post.published, post.url)
        if slug in pulled:  # the same post from a second source (its link): one copy
            log.info("%s: also in another source (%s); the first copy is kept", slug, post.url)
            continue
        pulled[slug] = _identity(post)
        if store.write_post(slug, sources.to_document(replace(post, slug=slug))):
            report.written.append(store.rel(store.content_path(slug)))
    store.save_identities(identities)


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
        files = page_files(path) if path.is_dir() else [path]
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
