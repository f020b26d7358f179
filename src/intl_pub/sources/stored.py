"""The stored form of a post: ``content/<slug>.html``, a small standalone English document.

One owner for writing it (pull), reading it back (publish renders from it) and reading its
date (extract): publishing a changed post reads it without loading the feed and page
readers, the fetcher or the extractors (~80 ms a process).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from intl_pub.core.errors import SourceError
from intl_pub.core.model import Post
from intl_pub.segment import markup

log = logging.getLogger(__name__)

__all__ = ["EPOCH", "IDENTITY_META", "PUBLISHED_META", "UPDATED_META", "from_document",
           "parse_date", "stored_date", "to_document"]

PUBLISHED_META = "intl-pub:published"
UPDATED_META = "intl-pub:updated"
IDENTITY_META = "intl-pub:identity"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_document(post: Post) -> str:
    """The stored form of a post: content/<slug>.html, what the catalogs are built from."""
    esc = html.escape
    canonical = f'<link rel="canonical" href="{esc(post.url)}">\n' if post.url else ""
    identity = (
        f'<meta name="{IDENTITY_META}" content="{esc(post.identity)}">\n' if post.identity else ""
    )
    updated = (
        f'<meta name="{UPDATED_META}" content="{post.updated.isoformat()}">\n'
        if post.updated
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(post.title, quote=False)}</title>\n"
        f'<meta name="description" content="{esc(post.summary)}">\n'
        f'<meta name="{PUBLISHED_META}" content="{post.published.isoformat()}">\n'
        f"{updated}{identity}{canonical}</head>\n<body>\n<article>\n{post.body.strip()}\n</article>\n"
        "</body>\n</html>\n"
    )


def from_document(text: str, slug: str) -> Post:
    """Read back a stored post (the inverse of :func:`to_document`)."""
    soup = BeautifulSoup(text, "html.parser")
    stored = soup.find("article")
    if stored is None or soup.title is None:
        raise SourceError(f"content/{slug}.html: not a stored post (no <title> or <article>)")
    canonical = soup.find("link", attrs={"rel": "canonical"})
    description = soup.find("meta", attrs={"name": "description"})
    published = soup.find("meta", attrs={"name": PUBLISHED_META})
    identity = soup.find("meta", attrs={"name": IDENTITY_META})
    updated = soup.find("meta", attrs={"name": UPDATED_META})
    return Post(
        slug=slug,
        title=soup.title.get_text(),
        body=markup.inner(stored).strip() + "\n",
        published=(parse_date(str(published.get("content", ""))) if published else None)
        or EPOCH,
        url=str(canonical.get("href", "")) if canonical else "",
        summary=str(description.get("content", "")) if description else "",
        identity=str(identity.get("content", "")) if identity else "",
        updated=parse_date(str(updated.get("content", ""))) if updated else None,
    )


def stored_date(document: str) -> datetime | None:
    """A stored post's date, read from its head without parsing it: when it was last updated,
    else published; None for a post its source gave no date."""
    head = document[: document.find("<body")]
    for name in (UPDATED_META, PUBLISHED_META):
        found = re.search(rf'<meta name="{re.escape(name)}" content="([^"]*)">', head)
        moment = parse_date(html.unescape(found.group(1))) if found else None
        if moment is not None and moment != EPOCH:
            return moment
    return None



def parse_date(value: str) -> datetime | None:
    """An ISO 8601 or loosely written date, timezone-aware (UTC when unsaid); None if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            from dateutil import parser as dateutil_parser

            moment = dateutil_parser.parse(value)
        except (ValueError, OverflowError, ImportError):
            log.debug("unreadable date %r", value)
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
