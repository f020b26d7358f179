"""What the listings (indexes, feeds, sitemap) keep of each page, and when they change.

The publish step renders a listing again only when what it shows of a post changed,
and keeps a page's body in the manifest only while a feed lists it: these are the
rules it asks, one post at a time, without reading the other posts' pages.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intl_pub.core.locales import ENGLISH
from intl_pub.core.locales import locale as locale_for
from intl_pub.publish import site, urls

if TYPE_CHECKING:
    from intl_pub.core.config import Settings


def stale_listing_files(folder: Path, settings: Settings, written: Collection[str]) -> list[Path]:
    """The pages of the languages' lists, and the sitemap's files, that shorter listings no
    longer have (``written``: the listing files just rendered, relative to site/;
    ``folder``: site/)."""
    stale = []
    numbered = [("sitemap-", ".xml", "")] if "sitemap.xml" in written else []
    for locale in [ENGLISH, *settings.locales]:
        if urls.href(locale) in written:  # else its list was not rendered again: it stands
            numbered.append(("index-", ".html", f"{locale.path}/"))
    for prefix, suffix, where in numbered:
        stale += sorted(
            path for path in (folder / where).glob(f"{prefix}*{suffix}")
            if f"{where}{path.name}" not in written
            and path.name[len(prefix) : -len(suffix)].isdigit()
        )
    return stale


_DATE = 2
"""Where a page record's ``post`` holds the post's date (see :func:`page_record`)."""
_LISTED = ("file", "post", "title", "title_marks", "description")
"""What an index shows of a page (its record's fields)."""
_FED = (*_LISTED, "updated", "digest")
"""... and what a feed entry shows besides: the body, through its digest."""


def keep_feed_bodies(
    records: MutableMapping[str, dict[str, Any]],
    wanted: Collection[str],
    candidates: Iterable[str] | None = None,
) -> None:
    """Page bodies are kept in the manifest only for the pages the feeds list (``records``:
    the manifest's post records, a record that loses a body assigned again; ``wanted``:
    :attr:`Environment.feed_entries`; ``candidates``: the slugs whose records may hold a
    body, when known: the others are not read)."""
    for slug in list(records if candidates is None else candidates):
        record = records[slug]
        pages = record.get("pages", {}).values()
        if any(rec["file"] not in wanted and "body" in rec for rec in pages):
            for rec in pages:
                if rec["file"] not in wanted:
                    rec.pop("body", None)
            records[slug] = record


def trim_feed_bodies(
    records: MutableMapping[str, dict[str, Any]], slugs: Collection[str]
) -> list[str]:
    """Drop the bodies of those pages of ``slugs`` that cannot be feed entries; the slugs
    whose records still keep one.

    A page has no place in its language's feed when :data:`site.FEED_ENTRIES` pages of that
    language among ``slugs`` are newer: the feed lists the newest of a superset. Run
    every so many posts of a first publish, it keeps the bodies of a few hundred pages in
    memory, not of every page (36 KB a post: 3.6 GB at 100,000 posts).
    """
    newest: dict[str, list[tuple[datetime, str]]] = {}
    for slug in slugs:
        for rec in records[slug]["pages"].values():
            if "body" in rec:
                key = (datetime.fromisoformat(rec["post"][_DATE]), slug)
                newest.setdefault(rec["lang"], []).append(key)
    fed = {
        lang: {slug for _, slug in heapq.nlargest(site.FEED_ENTRIES, keys)}
        for lang, keys in newest.items()
    }
    wanted = {
        rec["file"]
        for slug in slugs
        for rec in records[slug]["pages"].values()
        if slug in fed.get(rec["lang"], ())
    }
    keep_feed_bodies(records, wanted, slugs)
    return [s for s in slugs if any("body" in rec for rec in records[s]["pages"].values())]


def outside_feeds(old: Mapping[str, Mapping[str, Any]], new: dict[str, dict[str, Any]]) -> None:
    """Drop the bodies of a re-rendered post's pages that stay out of the feeds (the
    manifest keeps a body only for a feed entry) when no listing is rendered again."""
    for lang, record in new.items():
        before = old.get(lang)
        if before is not None and "body" not in before and before.get("post") == record["post"]:
            record.pop("body", None)


def listings_changed(
    settings: Settings, old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> set[str]:
    """The listing files that one post's re-rendered pages change (page records by language,
    before and after): its language's index when what the index shows of it changed, the
    feed when what a feed entry shows did, the sitemap when a page came, went or changed
    whether it is indexed. A post whose text changed but not its title or summary touches
    no index; cost follows the change, not the number of posts listed."""
    dirty: set[str] = set()
    for lang in set(old) | set(new):
        before, after = old.get(lang), new.get(lang)
        index, feed = urls.href(locale_for(lang)), urls.feed_file(locale_for(lang))
        if before is None or after is None:
            dirty |= {index, feed, "sitemap.xml"}
            continue
        if any(before.get(k) != after.get(k) for k in _LISTED):
            dirty.add(index)
        in_feed = "body" in before  # the manifest keeps bodies of feed entries only
        moved = before.get("post") != after.get("post")  # its date may take it into a feed
        if moved or (in_feed and any(before.get(k) != after.get(k) for k in _FED)):
            dirty.add(feed)
        if before["post"][_DATE] != after["post"][_DATE] or site.noindex(
            settings, site.page_from_record(before)
        ) != site.noindex(settings, site.page_from_record(after)):
            dirty.add("sitemap.xml")  # its <lastmod>, or whether it is listed at all
    return dirty
