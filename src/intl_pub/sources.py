"""Where posts come from: Atom/RSS feeds, single post pages, folders of HTML files.

The only module that touches the network (httpx). Every source becomes a list
of :class:`Post`; the pipeline stores each as ``content/<slug>.html``, a small
standalone English document that the segmenter and publisher both read.
"""

from __future__ import annotations

import copy
import email.utils
import html
import logging
import re
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
from bs4 import BeautifulSoup

from intl_pub.errors import SourceError
from intl_pub.model import Post

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 20.0
RETRIES = 3
BACKOFF = 1.0
"""Seconds before the first retry; doubled each time."""
PUBLISHED_META = "intl-pub:published"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RESERVED_SLUGS = frozenset({"site", "templates"})
_ERROR_PAGE = re.compile(
    r"^\s*(?:[45]\d\d\b|error\b)|\b(?:not found|bad gateway|service unavailable|"
    r"internal server error|access denied|forbidden)\b",
    re.I,
)


def read_source(
    source: str, validators: dict[str, dict[str, str]] | None = None
) -> list[Post] | None:
    """All posts of one source: a feed (URL or file), a post URL, an HTML file or a folder.

    ``validators`` holds each URL's ETag/Last-Modified from the previous pull
    and is updated in place; a server that answers 304 Not Modified gives
    None (nothing to read: the stored posts stand).
    """
    if "://" in source:
        fetched = _fetch(source, validators)
        if fetched is None:
            return None
        data, final_url, content_type = fetched
        if _looks_like_feed(data, content_type):
            return parse_feed(data, final_url)
        post = parse_page(_decode(data, content_type, source), final_url, _slug_from_url(final_url))
        if _ERROR_PAGE.search(post.title) and len(post.body) < 2000:
            raise SourceError(
                f"{source}: the server sent an error page ({post.title!r}), not a feed or a post"
            )
        return [post]
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.html")) + sorted(path.glob("*.htm"))
        if not files:
            raise SourceError(f"{path}: no .html files in this folder")
        return [_read_page_file(f) for f in files]
    if not path.is_file():
        raise SourceError(f"{path}: no such file or folder; check --source or intl-pub.toml")
    data = _read_limited(path)
    if _looks_like_feed(data, ""):
        return parse_feed(data, path.resolve().as_uri())
    return [_read_page_file(path)]


def parse_feed(data: bytes, base: str) -> list[Post]:
    """Posts of an Atom or RSS 2.0 feed; entries without content are fetched from their link."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceError(f"{base}: not a readable Atom/RSS feed ({exc})") from exc
    if root.tag == f"{ATOM}feed":
        entries = [_atom_entry(e, base) for e in root.iter(f"{ATOM}entry")]
    elif root.tag == "rss":
        entries = [_rss_item(e, base) for e in root.iter("item")]
    else:
        raise SourceError(f"{base}: <{root.tag}> is neither an Atom <feed> nor an RSS <rss>")
    return unique_slugs(entries)


def parse_page(text: str, url: str, slug: str) -> Post:
    """A post from a whole HTML page: its <article>, else <main>, else <body>."""
    soup = BeautifulSoup(text, "html.parser")
    body = soup.find("article") or soup.find("main") or soup.body or soup
    heading = body.find("h1") if hasattr(body, "find") else None
    title = _text(soup.title.get_text()) if soup.title else ""
    if heading is not None:
        title = title or _text(heading.get_text())
        heading.decompose()  # the title is rendered by the page template
    description = soup.find("meta", attrs={"name": "description"})
    summary = _text(str(description.get("content", ""))) if description else ""
    return Post(
        slug=slug,
        title=title or slug,
        body=body.decode_contents().strip() + "\n",
        published=_page_date(soup),
        url=url,
        summary=summary,
    )


def to_document(post: Post) -> str:
    """The stored form of a post: content/<slug>.html, what the catalogs are built from."""
    esc = html.escape
    canonical = f'<link rel="canonical" href="{esc(post.url)}">\n' if post.url else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(post.title, quote=False)}</title>\n"
        f'<meta name="description" content="{esc(post.summary)}">\n'
        f'<meta name="{PUBLISHED_META}" content="{post.published.isoformat()}">\n'
        f"{canonical}</head>\n<body>\n<article>\n{post.body.strip()}\n</article>\n</body>\n</html>\n"
    )


def from_document(text: str, slug: str) -> Post:
    """Read back a stored post (the inverse of :func:`to_document`)."""
    soup = BeautifulSoup(text, "html.parser")
    article = soup.find("article")
    if article is None or soup.title is None:
        raise SourceError(f"content/{slug}.html: not a stored post (no <title> or <article>)")
    canonical = soup.find("link", attrs={"rel": "canonical"})
    description = soup.find("meta", attrs={"name": "description"})
    return Post(
        slug=slug,
        title=soup.title.get_text(),
        body=article.decode_contents().strip() + "\n",
        published=_page_date(soup),
        url=str(canonical.get("href", "")) if canonical else "",
        summary=str(description.get("content", "")) if description else "",
    )


def slugify(text: str) -> str:
    """A safe file and URL name: ASCII letters, digits and dashes; never empty, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    if slug in RESERVED_SLUGS:
        return f"{slug}-post"  # translations/<locale>/site.po is the site's own catalog
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


# --- feeds ----------------------------------------------------------------------------


def _atom_entry(entry: ET.Element, base: str) -> Post:
    link = ""
    for el in entry.findall(f"{ATOM}link"):
        if el.get("rel", "alternate") == "alternate":
            link = urljoin(base, el.get("href", ""))
            break
    title = _atom_text(entry.find(f"{ATOM}title"))
    published = _iso_date(
        _child_text(entry, f"{ATOM}published") or _child_text(entry, f"{ATOM}updated")
    )
    summary = _text(_atom_text(entry.find(f"{ATOM}summary")))
    content = entry.find(f"{ATOM}content")
    body = _atom_html(content) if content is not None and content.get("src") is None else ""
    return _entry_post(title, link, published, summary, body, base)


def _rss_item(item: ET.Element, base: str) -> Post:
    link = urljoin(base, _child_text(item, "link"))
    title = _text(_child_text(item, "title"))
    date = _child_text(item, "pubDate")
    try:
        published = email.utils.parsedate_to_datetime(date) if date else EPOCH
    except (TypeError, ValueError):
        log.warning("%s: unreadable pubDate %r", link or title, date)
        published = EPOCH
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    description = _child_text(item, "description")
    body = _child_text(item, f"{CONTENT_NS}encoded")
    summary = _text(BeautifulSoup(description, "html.parser").get_text()) if description else ""
    return _entry_post(title, link, published, summary, body or "", base)


def _entry_post(
    title: str, link: str, published: datetime, summary: str, body: str, base: str
) -> Post:
    """A feed entry; when the feed carries only a summary, the linked page is the post."""
    slug = _slug_from_url(link) if link else slugify(title)
    if body.strip():
        return Post(slug, title or slug, body.strip() + "\n", published, link, summary)
    if not link:
        raise SourceError(f"{base}: feed entry {title!r} has neither content nor a link")
    if link.startswith("file:"):
        # Only a feed on disk may point at files, and only beside or below itself.
        page_path = Path(urlparse(link).path)
        feed_dir = Path(urlparse(base).path).parent
        if not base.startswith("file:") or not page_path.resolve().is_relative_to(
            feed_dir.resolve()
        ):
            raise SourceError(
                f"{base}: entry {title!r} links to a local file outside the feed's folder"
            )
        post, url = _read_page_file(page_path), ""
    else:
        post, url = (read_source(link) or [])[0], link
    return Post(slug, title or post.title, post.body, published, url, summary or post.summary)


def _atom_text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    if element.get("type") in {"html", "xhtml"}:
        return _text(BeautifulSoup(_atom_html(element), "html.parser").get_text())
    return _text("".join(element.itertext()))


def _atom_html(element: ET.Element) -> str:
    if element.get("type") == "xhtml":
        div = next(iter(element), None)
        if div is None:
            return ""
        div = copy.deepcopy(div)
        for node in div.iter():
            if isinstance(node.tag, str) and node.tag.startswith(XHTML):
                node.tag = node.tag[len(XHTML) :]
        parts = [html.escape(div.text or "", quote=False)]
        parts += [ET.tostring(child, encoding="unicode", method="html") for child in div]
        return "".join(parts)
    return element.text or ""


def _child_text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


# --- pages and files ------------------------------------------------------------------


def _read_page_file(path: Path) -> Post:
    data = _read_limited(path)
    return parse_page(_decode(data, "", str(path)), "", slugify(path.stem))


def _read_limited(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"{path}: {size} bytes is over the {MAX_BYTES}-byte limit for a post")
    return path.read_bytes()


def _decode(data: bytes, content_type: str, where: str) -> str:
    """UTF-8 unless the server or the page says otherwise; undecodable bytes are replaced."""
    declared = re.search(r"charset=([\w-]+)", content_type, re.I)
    if declared is None:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:2048], re.I)
    charset = declared.group(1) if declared else "utf-8"
    if isinstance(charset, bytes):
        charset = charset.decode("ascii")
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        log.warning("%s: not valid %s; undecodable bytes replaced", where, charset)
        return data.decode("utf-8", errors="replace")


def _page_date(soup: BeautifulSoup) -> datetime:
    for attrs in (
        {"name": PUBLISHED_META},
        {"property": "article:published_time"},
        {"name": "date"},
    ):
        meta = soup.find("meta", attrs=attrs)
        if meta is not None and meta.get("content"):
            return _iso_date(str(meta["content"]))
    time_el = soup.find("time", attrs={"datetime": True})
    if time_el is not None:
        return _iso_date(str(time_el["datetime"]))
    return EPOCH


def _iso_date(value: str) -> datetime:
    if not value:
        return EPOCH
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        log.warning("unreadable date %r", value)
        return EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
    return Post(slug, post.title, post.body, post.published, post.url, post.summary)


def _looks_like_feed(data: bytes, content_type: str) -> bool:
    if "xml" in content_type or "rss" in content_type or "atom" in content_type:
        return True
    head = data[:512].lstrip().lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed"))


# --- network --------------------------------------------------------------------------


def _fetch(
    url: str, validators: dict[str, dict[str, str]] | None = None
) -> tuple[bytes, str, str] | None:
    """GET with a timeout, bounded redirects, a size limit and retries with backoff.

    Conditional when ``validators`` knows the URL; None on 304 Not Modified.
    Server errors (5xx) and network failures are retried; client errors are not.
    """
    if urlparse(url).scheme not in {"http", "https"}:
        raise SourceError(f"{url}: only http and https URLs are fetched")
    headers = {"User-Agent": "intl-pub"}
    known = (validators or {}).get(url, {})
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    last: Exception | None = None
    for attempt in range(RETRIES):
        try:
            with httpx.Client(timeout=TIMEOUT, follow_redirects=True, max_redirects=5) as client:
                with client.stream("GET", url, headers=headers) as resp:
                    if resp.status_code == 304:
                        return None
                    if resp.status_code >= 500:
                        raise httpx.HTTPStatusError(
                            f"HTTP {resp.status_code}", request=resp.request, response=resp
                        )
                    if resp.status_code >= 400:
                        raise SourceError(f"{url}: HTTP {resp.status_code}")
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > MAX_BYTES:
                            raise SourceError(f"{url}: larger than the {MAX_BYTES}-byte limit")
                        chunks.append(chunk)
                    if validators is not None:
                        fresh = {
                            k: resp.headers[h]
                            for k, h in (("etag", "etag"), ("last_modified", "last-modified"))
                            if h in resp.headers
                        }
                        if fresh:
                            validators[url] = fresh
                    return b"".join(chunks), str(resp.url), resp.headers.get("content-type", "")
        except SourceError:
            raise
        except httpx.TooManyRedirects as exc:
            raise SourceError(f"{url}: too many redirects (more than 5)") from exc
        except httpx.HTTPError as exc:
            last = exc
            if attempt + 1 < RETRIES:
                time.sleep(BACKOFF * 2**attempt)
    raise SourceError(f"{url}: cannot fetch ({last}); check the address and the network") from last
