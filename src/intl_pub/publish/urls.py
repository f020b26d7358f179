"""Where a page lives: the one builder of the site's file names and absolute URLs.

Links between pages are relative (site/ works from ``file://``, on any port and
host); only what the web needs absolute (canonical, ``hreflang`` alternates,
``og:url``, feeds, sitemap, robots.txt) uses ``base_url``.
"""

from __future__ import annotations

from intl_pub.core.model import Locale


def href(locale: Locale, slug: str | None = None) -> str:
    """A page's file, relative to site/ (index.html spelled out: file:// lists folders)."""
    return f"{locale.path}/{slug}/index.html" if slug else f"{locale.path}/index.html"


def index_file(locale: Locale, number: int = 1) -> str:
    """Page ``number`` of a language's list of posts, relative to site/: the first is the
    language's index; the others sit beside it (``index-2.html``), so their links to posts
    are the first's, and no post's folder can take their name."""
    return href(locale) if number == 1 else f"{locale.path}/index-{number}.html"


def index_url(base_url: str, locale: Locale, number: int = 1) -> str:
    """The absolute URL of :func:`index_file`."""
    return page_url(base_url, locale) + ("" if number == 1 else f"index-{number}.html")


def feed_file(locale: Locale) -> str:
    """A language's Atom feed, relative to site/."""
    return f"{locale.path}/feed.xml"


def page_url(base_url: str, locale: Locale, slug: str | None = None) -> str:
    """A post's (or, without ``slug``, a language index's) absolute URL under ``base_url``."""
    tail = f"{slug}/" if slug else ""
    return f"{base_url}{locale.path}/{tail}"
