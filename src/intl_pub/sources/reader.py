"""Where posts come from: feeds, sitemaps, post pages, HTML files and folders -> Post.

Every source becomes a :class:`SourceResult`: the posts it gave, one line per
entry that failed (the others are still returned), and whether the server
said nothing changed. The pipeline stores each post as ``content/<slug>.html``,
a small standalone English document that the segmenter and publisher both read.

What a source may be, what is extracted and what is kept: docs/SOURCES.md.
The network and its safety rules live in :mod:`intl_pub.fetch`, article
extraction in :mod:`intl_pub.sources.article`, the allow-list in :mod:`intl_pub.sources.sanitize`.
"""

from __future__ import annotations

import html
import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from intl_pub.core.config import SourceSettings
from intl_pub.core.errors import IntlPubError, SourceError
from intl_pub.core.model import Post
from intl_pub.sources import article, article_language, encoding, sanitize
from intl_pub.sources.encoding import decode
from intl_pub.sources.fetch import MAX_BYTES, Fetched, FetchPolicy, fetch
from intl_pub.sources.folder import page_files
from intl_pub.sources.stored import EPOCH, parse_date
from intl_pub.workdir.identities import RESERVED_SLUGS

log = logging.getLogger(__name__)

__all__ = [  # (the stored form's names are sources.stored's)
    "MAX_BYTES", "MAX_SITEMAP_URLS", "RESERVED_SLUGS", "SourceResult", "page_files", "parse_feed",
    "parse_page", "read_source", "sitemap_entries", "slugify", "unique_slugs",
]

SUMMARY_CHARS = 300
"""The longest summary made from an entry's content (a feed that gives no summary)."""
_TEXT_BREAKS = ["p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt",
                "dd", "blockquote", "figcaption", "pre", "tr", "section", "article"]
MAX_SITEMAP_URLS = 1000
"""Pages read from one sitemap (its newest by lastmod); the rest wait for the next pull."""
PAGES_KEY = "pages"
"""validators[feed_url][PAGES_KEY]: the entry pages fetched last time, space-separated, so a
feed that answers 304 can still re-validate them."""
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_ERROR_PAGE = re.compile(
    r"^\s*(?:[45]\d\d\b|error\b)|\b(?:not found|bad gateway|service unavailable|"
    r"internal server error|access denied|forbidden)\b",
    re.I,
)


@dataclass(frozen=True)
class SourceResult:
    """What one source gave."""

    posts: list[Post] = field(default_factory=list)
    """The posts read (slugs unique within the source)."""
    failures: list[str] = field(default_factory=list)
    """One line per entry (or the whole source) that could not be read: which, and why."""
    not_modified: bool = False
    """The server said nothing changed (HTTP 304, for the feed and its pages)."""


def read_source(
    source: str,
    validators: dict[str, dict[str, str]] | None = None,
    settings: SourceSettings | None = None,
) -> SourceResult:
    """All posts of one source: a feed or sitemap (URL or file), a post URL, an HTML file or
    a folder of them. Never raises for bad input: every failure is a line of the result.

    ``validators`` holds each fetched URL's ETag/Last-Modified (and a feed's entry pages)
    from the previous pull and is updated in place.
    """
    reader = _Reader(settings or SourceSettings(), validators, source)
    try:
        posts, not_modified = reader.source(source)
    except IntlPubError as exc:
        return SourceResult([], [str(exc)])
    except Exception as exc:  # a library failing on hostile input fails this source only
        log.exception("%s: unexpected error", source)
        return SourceResult([], [f"{source}: {type(exc).__name__}: {exc}"])
    return SourceResult(unique_slugs(posts), reader.failures, not_modified)


def parse_feed(
    data: bytes, base: str, settings: SourceSettings | None = None, content_type: str = ""
) -> SourceResult:
    """Posts of an RSS 0.9x/1.0/2.0 or Atom feed held in ``data`` (read from ``base``);
    entries without content are fetched from their link, within the safety rules."""
    reader = _Reader(settings or SourceSettings(), None, base)
    try:
        posts = reader.feed(data, base, content_type)
    except IntlPubError as exc:
        return SourceResult([], [str(exc)])
    return SourceResult(unique_slugs(posts), reader.failures)


def parse_page(
    text: str, url: str, slug: str, settings: SourceSettings | None = None
) -> Post:
    """A post from a whole HTML page: its article, title and metadata, sanitized."""
    settings = settings or SourceSettings()
    found = article.extract(text, url, settings.content_selector, settings.exclude_selectors)
    wanted = article_language.primary(settings.source_language)
    if wanted and found.language and found.language != wanted:
        raise SourceError(article_language.refusal(found.language, wanted, url or slug))
    return Post(
        slug=slug,
        title=found.title or slug,
        body=sanitize.clean(found.body, settings.trusted, url or slug),
        published=found.published or EPOCH,
        url=url,
        summary=found.summary,
        identity=found.canonical or url,
    )


def slugify(text: str) -> str:
    """A safe file and URL name: ASCII letters, digits and dashes; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    if slug in RESERVED_SLUGS:
        return f"{slug}-post"  # the work folder's own names (workdir.identities decides)
    return slug or "post"


def unique_slugs(posts: Iterable[Post]) -> list[Post]:
    """Resolve slug collisions deterministically: later duplicates get -2, -3, ..."""
    seen: dict[str, int] = {}
    out = []
    for post in posts:
        slug = post.slug
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}-{seen[post.slug]}"
        seen.setdefault(slug, 1)
        out.append(post if slug == post.slug else _with_slug(post, slug))
    return out


def _slug_from_url(url: str) -> str:
    path = urlparse(url).path.rstrip("/")
    stem = path.rsplit("/", 1)[-1]
    stem = re.sub(r"\.(html?|php|aspx?)$", "", stem)
    if stem in {"", "index"}:
        stem = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
    return slugify(stem)


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _with_slug(post: Post, slug: str) -> Post:
    return replace(post, slug=slug)


# --- reading ----------------------------------------------------------------------------


class _Reader:
    """One source's read: its settings, the validators, the origin the user named, and the
    entry failures collected so far."""

    def __init__(
        self,
        settings: SourceSettings,
        validators: dict[str, dict[str, str]] | None,
        origin: str,
    ) -> None:
        self.settings = settings
        self.validators = validators
        self.policy = FetchPolicy(
            origin=origin if "://" in origin else "",
            allowed_hosts=frozenset(h.lower() for h in settings.allowed_hosts),
            deadline=settings.fetch_deadline_seconds,
        )
        self.failures: list[str] = []
        self.fetched: dict[str, Fetched | None] = {}

    def fetch(self, url: str) -> Fetched | None:
        """A conditional GET, once per URL per read (a revalidated page is not fetched twice)."""
        if url not in self.fetched:
            self.fetched[url] = fetch(url, self.policy, self.validators)
        return self.fetched[url]

    # sources --------------------------------------------------------------------------

    def source(self, source: str) -> tuple[list[Post], bool]:
        if "://" in source:
            return self.url_source(source)
        path = Path(source)
        if path.is_dir():
            files = page_files(path)
            return [p for f in files if (p := self.guard(str(f), self.page_file, f))], False
        if not path.is_file():
            raise SourceError(f"{path}: no such file or folder; check --source or intl-pub.toml")
        data = _read_limited(path)
        kind = _kind(data, "")
        if kind == "feed":
            return self.feed(data, path.resolve().as_uri(), ""), False
        if kind == "sitemap":
            return self.sitemap(data, path.resolve().as_uri(), 0), False
        return [self.page_file(path)], False

    def url_source(self, source: str) -> tuple[list[Post], bool]:
        fetched = self.fetch(source)
        if fetched is None:
            return self.revalidate(source)
        kind = _kind(fetched.data, fetched.content_type)
        if kind == "feed":
            return self.feed(fetched.data, fetched.url, fetched.content_type, source), False
        if kind == "sitemap":
            return self.sitemap(fetched.data, fetched.url, 0), False
        post = self.page(fetched, _slug_from_url(fetched.url))
        if _ERROR_PAGE.search(post.title) and len(post.body) < 2000:
            raise SourceError(
                f"{source}: the server sent an error page ({post.title!r}), not a feed or a post"
            )
        return [post], False

    def revalidate(self, feed_url: str) -> tuple[list[Post], bool]:
        """The feed answered 304: re-validate the pages its entries linked to (conditional
        GETs, 304 when unchanged); when one changed, read the feed again in full."""
        known = (self.validators or {}).get(feed_url, {}).get(PAGES_KEY, "").split()
        changed = [u for u in known if self.guard(u, self.fetch, u) is not None]
        if not changed:
            return [], True
        log.info("%s: not modified, but %d of its pages changed", feed_url, len(changed))
        fetched = self.fetch_unconditionally(feed_url)
        return self.feed(fetched.data, fetched.url, fetched.content_type, feed_url), False

    def fetch_unconditionally(self, url: str) -> Fetched:
        got = fetch(url, self.policy, None)
        if got is None:  # a server answering 304 to an unconditional request
            raise SourceError(f"{url}: HTTP 304 to a request that was not conditional")
        return got

    def guard(self, what: str, step: Any, *args: Any) -> Any:
        """Run one entry's step; its failure is a line of the result, not the end of the source."""
        try:
            return step(*args)
        except IntlPubError as exc:
            self.failures.append(f"{what}: {exc}" if what not in str(exc) else str(exc))
        except Exception as exc:  # hostile input can break any library: this entry only
            log.exception("%s: unexpected error", what)
            self.failures.append(f"{what}: {type(exc).__name__}: {exc}")
        return None

    # feeds ----------------------------------------------------------------------------

    def feed(
        self, data: bytes, base: str, content_type: str, named: str | None = None
    ) -> list[Post]:
        parsed = _parse_feed(data, base, content_type, self.settings.trusted)
        posts, pages = [], []
        for index, entry in enumerate(parsed.entries, 1):
            name = f"{base}: entry {index} ({_entry_label(entry)})"
            post = self.guard(name, self.entry, entry, base, pages)
            if post is not None:
                posts.append(post)
        if named and self.validators is not None and pages:
            self.validators.setdefault(named, {})[PAGES_KEY] = " ".join(dict.fromkeys(pages))
        return posts

    def entry(self, entry: Any, base: str, pages: list[str]) -> Post | None:
        link = _entry_link(entry)
        title = _plain(entry.get("title", ""), entry.get("title_detail"))
        summary = _summary(entry)
        published = _feed_date(entry)
        updated = _feed_updated(entry, published)
        identity = str(entry.get("id") or link)
        body = _entry_body(entry)
        if not body.strip() and not link:
            body = str(entry.get("summary") or "")  # RSS 0.9x: the description is the post
        slug = _slug_from_url(link) if link else slugify(title)
        if body.strip():
            body = sanitize.clean(body, self.settings.trusted, link or title)
            return Post(slug, title or slug, body, published or EPOCH, link, summary, identity,
                        updated)
        if not link:
            raise SourceError("neither content nor a link")
        if link.startswith("file:"):
            page, url = self.linked_file(link, base), ""
        else:
            pages.append(link)
            fetched = self.fetch(link)
            if fetched is None:
                return None  # 304: the stored post stands
            if _kind(fetched.data, fetched.content_type) != "page":
                raise SourceError(f"links to a feed or sitemap ({link}), not to a post page")
            page, url = self.page(fetched, slug), link
        return Post(slug, title or page.title, page.body, published or page.published, url,
                    summary or page.summary, identity or page.identity, updated)

    def linked_file(self, link: str, base: str) -> Post:
        """Only a feed on disk may point at files, and only beside or below itself."""
        page_path = Path(urlparse(link).path)
        feed_dir = Path(urlparse(base).path).parent
        if not base.startswith("file:") or not page_path.resolve().is_relative_to(
            feed_dir.resolve()
        ):
            raise SourceError("links to a local file outside the feed's folder")
        return self.page_file(page_path)

    # sitemaps -------------------------------------------------------------------------

    def sitemap(self, data: bytes, base: str, depth: int) -> list[Post]:
        """Pages listed in a sitemap, fetched when their lastmod moved (or is unknown)."""
        root = _safe_xml(data, base)
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            if depth >= 1:
                raise SourceError(f"{base}: a sitemap index inside a sitemap index is not read")
            posts: list[Post] = []
            for loc in root.iter(f"{SITEMAP_NS}loc"):
                url = (loc.text or "").strip()
                fetched = self.guard(url, self.fetch, url)
                if fetched is not None:
                    posts += self.guard(url, self.sitemap, fetched.data, fetched.url, 1) or []
            return posts
        listed = sorted(((m, u) for u, m in _sitemap_urls(root)), reverse=True)
        if len(listed) > MAX_SITEMAP_URLS:
            log.warning("%s: %d pages; reading the newest %d", base, len(listed), MAX_SITEMAP_URLS)
        posts = []
        for lastmod, loc in listed[:MAX_SITEMAP_URLS]:
            post = self.guard(loc, self.sitemap_page, loc, lastmod)
            if post is not None:
                posts.append(post)
        return posts

    def sitemap_page(self, loc: str, lastmod: str) -> Post | None:
        seen = (self.validators or {}).get(loc, {})
        if lastmod and seen.get("lastmod") == lastmod:
            return None  # unchanged since the last pull: not even a request
        fetched = self.fetch(loc)
        if self.validators is not None and lastmod:
            self.validators.setdefault(loc, {})["lastmod"] = lastmod
        if fetched is None:
            return None
        post = self.page(fetched, _slug_from_url(fetched.url))
        if post.published == EPOCH and (moment := parse_date(lastmod)):
            post = replace(post, published=moment)
        return post

    # pages ----------------------------------------------------------------------------

    def page(self, fetched: Fetched, slug: str) -> Post:
        text = decode(fetched.data, fetched.content_type, fetched.url)
        return parse_page(text, fetched.url, slug, self.settings)

    def page_file(self, path: Path) -> Post:
        text = decode(_read_limited(path), "", str(path))
        post = parse_page(text, "", slugify(path.stem), self.settings)
        # known by its file name (file:<slug>); the URL the page names as its own is its
        # link, so a post a feed also brings is one post (workdir.identities)
        return replace(post, identity=f"file:{post.slug}", url=post.url or post.identity)


def _parse_feed(data: bytes, base: str, content_type: str, trusted: bool) -> Any:
    """feedparser over safely checked, re-encoded XML; a clear error when it is not a feed."""
    text = decode(data, content_type, base)
    utf8 = re.sub(
        r"^(\s*<\?xml[^>]*?encoding=)([\"'])[^\"']*\2", r"\1\2utf-8\2", text, count=1
    ).encode("utf-8")
    try:
        SafeET.fromstring(utf8)
        well_formed, problem = True, ""
    except DefusedXmlException as exc:
        raise SourceError(f"{base}: refused: the feed declares XML entities ({exc})") from exc
    except SafeET.ParseError as exc:
        well_formed, problem = False, str(exc)
    if not well_formed and not re.search(rb"</(?:\w+:)?(?:rss|feed|RDF)>\s*$", utf8):
        raise SourceError(f"{base}: not a readable Atom/RSS feed ({problem})")
    import feedparser  # (~60 ms: only a feed's run pays it, not a folder's or a page's)

    parsed = feedparser.parse(
        io.BytesIO(utf8),
        response_headers={"content-location": base,
                          "content-type": "application/xml; charset=utf-8"},
        sanitize_html=not trusted,
        resolve_relative_uris=True,
    )
    if not parsed.get("version"):
        raise SourceError(
            f"{base}: not a readable Atom/RSS feed"
            + (f" ({problem})" if problem else " (neither RSS nor Atom)")
        )
    if not well_formed:
        log.warning("%s: ill-formed XML (%s); read leniently", base, problem)
    return parsed


def sitemap_entries(data: bytes, base: str) -> list[tuple[str, str]]:
    """``(loc, lastmod)`` of every page a sitemap lists, in its order (lastmod may be "")."""
    return _sitemap_urls(_safe_xml(data, base))


def _sitemap_urls(root: Any) -> list[tuple[str, str]]:
    listed = []
    for url_el in root.iter(f"{SITEMAP_NS}url"):
        loc = (url_el.findtext(f"{SITEMAP_NS}loc") or "").strip()
        lastmod = (url_el.findtext(f"{SITEMAP_NS}lastmod") or "").strip()
        if loc:
            listed.append((loc, lastmod))
    return listed


def _safe_xml(data: bytes, base: str) -> Any:
    text = decode(data, "", base)
    utf8 = re.sub(r"^(\s*<\?xml[^>]*?encoding=)([\"'])[^\"']*\2", r"\1\2utf-8\2", text, count=1)
    try:
        return SafeET.fromstring(utf8.encode("utf-8"))
    except DefusedXmlException as exc:
        raise SourceError(f"{base}: refused: the sitemap declares XML entities ({exc})") from exc
    except SafeET.ParseError as exc:
        raise SourceError(f"{base}: not a readable sitemap ({exc})") from exc


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    for wanted in ("text/html", "application/xhtml+xml", ""):
        for content in contents:
            if (content.get("type") or "") == wanted or not wanted:
                value = str(content.get("value") or "")
                if value.strip():
                    if content.get("type") == "text/plain":
                        return f"<p>{html.escape(value)}</p>"
                    return value
    return ""


def _entry_link(entry: Any) -> str:
    link = str(entry.get("link") or "")
    if link.startswith("file://") and not link.startswith("file:///"):
        link = "file:///" + link.removeprefix("file://")  # feedparser's join drops a slash
    return link


def _entry_label(entry: Any) -> str:
    """The entry as failures name it: its link as :meth:`_Reader.entry` reads it, else..."""
    return (_entry_link(entry) or str(entry.get("id") or entry.get("title") or "untitled"))[:120]


def _plain(value: str, detail: Any) -> str:
    if detail is not None and "html" in str(detail.get("type", "")):
        value = BeautifulSoup(value, "html.parser").get_text()
    return _text(value)


def _summary(entry: Any) -> str:
    """The entry's summary, as text: what indexes and meta descriptions show.

    An entry with content and no summary gets its content as ``summary`` from
    feedparser, with no ``summary_detail``: that is the post's HTML, whole. Its
    text, cut at about :data:`SUMMARY_CHARS`, is the summary then.
    """
    value = str(entry.get("summary") or "")
    detail = entry.get("summary_detail")
    if detail is not None:
        return _plain(value, detail)
    soup = BeautifulSoup(value, "html.parser")
    for block in soup.find_all(_TEXT_BREAKS):
        block.append(" ")  # "<p>a</p><p>b</p>" reads "a b"; "<b>w</b>ord" stays "word"
    return _excerpt(_text(soup.get_text()))


def _excerpt(text: str, limit: int = 0) -> str:
    """The text, or its start cut at a space (any character in unspaced scripts) and "…"."""
    limit = limit or SUMMARY_CHARS
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def _feed_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(key)
        if moment:
            return datetime(*moment[:6], tzinfo=UTC)
    return None


def _feed_updated(entry: Any, published: datetime | None) -> datetime | None:
    """The entry's ``updated`` when it is later than the date the post goes by."""
    moment = entry.get("updated_parsed")
    found = datetime(*moment[:6], tzinfo=UTC) if moment else None
    return found if found and published and found > published else None


def _read_limited(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"{path}: {size} bytes is over the {MAX_BYTES}-byte limit for a post")
    return path.read_bytes()


def _kind(data: bytes, content_type: str) -> str:
    """``feed``, ``sitemap`` or ``page``, from the content type and the first bytes."""
    head = encoding.peek(data).lstrip().lower()
    head = re.sub(
        r"^(<\?xml[^>]*>\s*|<!--.*?-->\s*|<!doctype\s+(?!html)[^\[>]*(\[.*?\])?\s*>\s*)+",
        "", head, flags=re.S,
    )
    if head.startswith(("<urlset", "<sitemapindex")):
        return "sitemap"
    if head.startswith(("<rss", "<feed", "<rdf:rdf", "<rdf")):
        return "feed"
    if head.startswith(("<!doctype html", "<html")):
        return "page"
    ctype = content_type.lower()
    if any(k in ctype for k in ("rss", "atom", "rdf")) or ("xml" in ctype and "xhtml" not in ctype):
        return "feed"
    return "page"
