"""A web page -> the article a reader came for: its body, title, dates, author, summary.

Extraction is readability-lxml's (the Python port of arc90/Mozilla Readability):
measured against trafilatura and newspaper4k on real pages (bench/extraction.py)
it scored best, and it returns the *source's own* markup -- links, emphasis,
images with alt, lists, tables, figures, code and the article's headings --
where trafilatura rebuilds markup through its own schema and newspaper4k
returns text. When readability keeps much less text than trafilatura finds
(a teaser or a split article), trafilatura's HTML is used instead; trafilatura,
the slower of the two, is asked only when readability kept less than that share
of the whole page's words. The page is parsed once; fragments are weighed with
lxml (a 100,000-paragraph page: 15 s, was 58 s).

A site whose layout is known can skip the guess: ``content_selector`` (a CSS
selector for the article) and ``exclude_selectors`` (parts to drop first).

Metadata: the title from ``og:title``, JSON-LD ``headline``, ``<title>`` or the
first ``<h1>``, with the site's name taken off (`` | CNN Politics``); dates from
``article:*`` meta, JSON-LD and ``<time>`` (htmldate as the last resort); the
author from meta and JSON-LD; the summary from the description.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, Tag

from intl_pub.core.errors import SourceError
from intl_pub.segment import markup
from intl_pub.sources import (
    article_body,
    article_images,
    article_language,
    article_lead,
    article_title,
)
from intl_pub.sources.stored import parse_date

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(
    r"\s+(?:--|::|[|\-–—:·•»«/~✩★☆›‹])\s+|\s+[|–—·•»✩★☆]|[|–—·•»«✩★☆]\s+"
)
_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "report", "scholarlyarticle", "techarticle", "webpage", "opinionnewsarticle", "posting",
    "socialmediaposting", "liveblogposting",
}


@dataclass(frozen=True)
class Article:
    """What a page says about its article."""

    title: str
    """Plain text, without the site's name."""
    body: str
    """HTML fragment of the article's content, unsanitized (sources sanitizes)."""
    published: datetime | None = None
    updated: datetime | None = None
    author: str = ""
    summary: str = ""
    canonical: str = ""
    """``<link rel=canonical>`` or ``og:url``, absolute; empty when the page names none."""
    language: str = ""
    """What the article is written in (``pt``): its text's language when clear, else what
    the page declares; empty when neither says (intl_pub.sources.article_language)."""


def extract(
    html: str,
    url: str = "",
    content_selector: str = "",
    exclude_selectors: Iterable[str] = (),
) -> Article:
    """The article in ``html`` (fetched from ``url``, used to resolve relative links)."""
    soup = BeautifulSoup(html, "lxml")
    meta = _Meta(soup, url)
    title = meta.title()
    stated = article_language.declared(soup)
    article_images.resolve(soup)  # before <noscript> goes: it may hold the real image
    _drop_hidden(soup)
    for element in _tags(soup, ("base", "script", "style", "noscript", "template")):
        element.decompose()  # a <base> would re-point every link; scripts are never content
    for selector in exclude_selectors:
        for element in _select(soup, selector):
            element.decompose()
    _unhide_headings(soup)
    if content_selector:
        chosen = _select(soup, content_selector)
        if not chosen:
            raise SourceError(
                f"{url or 'page'}: content_selector {content_selector!r} matches nothing"
            )
        body = "\n".join(markup.inner(el) for el in chosen)
    else:
        structured = meta.ld_value("articleBody")
        body = _guess_body(soup, url, structured if isinstance(structured, str) else "",
                           meta.first("og:image", "twitter:image"), meta.summary())
    author = meta.author()
    body = _finish(body, url, title, author)
    text = re.sub(r"<[^>]*>", " ", body[: article_language.SAMPLE_CHARS * 4])  # enough to tell
    return Article(
        title=title,
        body=body,
        published=meta.date("published"),
        updated=meta.date("updated"),
        author=author,
        summary=meta.summary(),
        canonical=meta.canonical(),
        language=article_language.language_of(text, stated),
    )


_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)


def _drop_hidden(soup: BeautifulSoup) -> None:
    """What a browser does not show is not the article: ``hidden``, ``aria-hidden="true"``,
    ``display: none`` (a reader's view drops them too; a template's hidden copy of the
    text would be read twice)."""
    for element in [d for d in soup.descendants if isinstance(d, Tag)]:
        if element.name in ("html", "head", "body", "main", "article"):
            continue
        if vars(element).get("_decomposed"):  # inside one dropped already
            continue
        if (element.has_attr("hidden")
                or str(element.get("aria-hidden", "")).lower() == "true"
                or _HIDDEN_STYLE.search(str(element.get("style", "")))):
            element.decompose()


def _unhide_headings(soup: BeautifulSoup) -> None:
    """Take "header" out of headings' class and id (``<h2 class="subheader">``): readability
    reads it as page chrome and drops the article's own section headings."""
    for heading in _tags(soup, ("h1", "h2", "h3", "h4", "h5", "h6")):
        classes = [c for c in heading.get_attribute_list("class") if c and "head" not in c.lower()]
        if classes:
            heading["class"] = classes
        elif heading.has_attr("class"):
            del heading["class"]
        if "head" in str(heading.get("id", "")).lower():
            del heading["id"]


def _select(soup: BeautifulSoup, selector: str) -> list[Tag]:
    try:
        return list(soup.select(selector))
    except Exception as exc:  # soupsieve's SelectorSyntaxError and friends
        raise SourceError(f"CSS selector {selector!r} is not valid: {exc}") from exc


def _guess_body(
    soup: BeautifulSoup, url: str, structured: str = "", lead_image: str = "", description: str = ""
) -> str:
    """The article's blocks in the page's own markup, chosen on the evidence of
    readability, trafilatura and the page's structured data (intl_pub.sources.article_body).

    ``soup`` is the page, cleaned; ``structured`` its JSON-LD ``articleBody``, if any;
    ``lead_image`` its ``og:image`` (shown above the article when the article has none);
    ``description`` its meta description (often the article's standfirst, word for word).
    """
    html = markup.outer(soup)
    readable = _readability(soup, html, url)
    root = _parse(html)
    body = root.find("body") if root is not None else None
    if body is None:
        return readable
    elements = sum(1 for _ in body.iter())
    if elements > article_body.MAX_ELEMENTS:
        log.info("%s: %d elements; readability alone", url or "page", elements)
        articles = _tags(soup, ("article",))  # the page's one <article>, as its author wrote it
        return markup.inner(articles[0]) if len(articles) == 1 else readable
    blocks = article_body.units(body)
    found = _trafilatura(html, url)
    sides = (
        article_body.Evidence(found),
        article_body.Evidence("\n".join(article_body.iter_text(readable))),
        article_body.Evidence("\n".join(
            [structured if len(structured.split()) >= 50 else "",
             description if len(description.split()) >= 12 else ""])),
    )
    votes = [article_body.Votes(*(side.coverage(b.words) for side in sides)) for b in blocks]
    keep = article_body.choose(blocks, votes, article_body.in_element(blocks, root),
                               len(structured.split()) >= 50)
    top = article_body.prune(body, blocks, keep, article_body.media_sources(readable))
    if top is None:
        return readable
    picture = article_body.lead_picture(root, top, lead_image)
    before = ("" if picture is None
              else lxml.html.tostring(picture, encoding="unicode", method="html"))
    if any(b.element is top for b, k in zip(blocks, keep, strict=True) if k):
        return before + lxml.html.tostring(top, encoding="unicode", method="html")
    inner = [before, top.text or ""] + [lxml.html.tostring(c, encoding="unicode", method="html")
                                        for c in top]
    return "".join(inner)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _readability(soup: BeautifulSoup, html: str, url: str) -> str:
    """readability-lxml's article; the page's <article>, <main> or <body> when it finds none."""
    from readability import Document

    try:
        readable = Document(html, url=url or None).summary(html_partial=True)
    except Exception as exc:  # readability raises its own Unparseable and lxml errors
        log.warning("%s: readability failed (%s)", url or "page", exc)
        readable = ""
    if not readable.strip() or re.match(r"\s*<html", readable):
        # readability found no candidate (a short page) and handed back the whole document
        container = soup.find("article") or soup.find("main") or soup.body or soup
        readable = markup.inner(container)
    return readable


def _trafilatura(html: str, url: str) -> str:
    """trafilatura's text of the article (its precision is what readability lacks)."""
    import trafilatura

    try:
        return trafilatura.extract(
            html, url=url or None, include_tables=True, include_comments=False,
            include_formatting=False, include_links=False, include_images=False,
        ) or ""
    except Exception as exc:  # e.g. a KeyError on an unknown rend="uppercase" in 2.3
        log.warning("%s: trafilatura failed (%s); readability alone", url or "page", exc)
        return ""


def _finish(body: str, url: str, title: str, author: str = "") -> str:
    """Resolve relative URLs; drop the lead's title heading, byline and dateline, and
    share bars (the page template shows title and date: intl_pub.sources.article_lead)."""
    soup = BeautifulSoup(_unwrapped(body), "html.parser")
    if url:
        for element in soup.find_all(True):
            for attr in ("href", "src", "poster", "cite"):
                value = element.get(attr)
                if isinstance(value, str) and value.strip():
                    element[attr] = urljoin(url, value.strip())
            if element.get("srcset"):
                element["srcset"] = ", ".join(
                    " ".join([urljoin(url, part.split()[0]), *part.split()[1:]])
                    for part in str(element["srcset"]).split(",") if part.split()
                )
    article_lead.strip_lead(soup, title, author)
    _drop_debris(soup)
    return markup.outer(soup).strip()


def _unwrapped(body: str) -> str:
    """``body`` without the wrappers extraction puts around it: readability's ``<body
    id="readabilityBody">`` and one outer ``<div>`` around everything, as often as there is
    one (unwrapped with lxml: BeautifulSoup moves children one by one, quadratic in their
    number -- minutes for a 100,000-paragraph post)."""
    try:
        root = lxml.html.fragment_fromstring(body, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return body
    for wrapper in list(root.iter("html", "head", "body")):
        if wrapper is not root:
            wrapper.drop_tag()
    while (len(root) == 1 and root[0].tag == "div" and not (root.text or "").strip()
           and not (root[0].tail or "").strip()):
        root[0].drop_tag()
    return (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode", method="html") for child in root)


_EMPTY_INLINE = ("a", "span", "strong", "em", "b", "i", "u", "small", "font")
_LEAF_BLOCKS = ("p", "li", "div", "span", "figcaption", "h2", "h3", "h4", "h5", "h6")
_MEDIA = ("img", "picture", "video", "audio", "iframe", "table", "pre", "br", "hr")


def _drop_debris(soup: BeautifulSoup) -> None:
    """What extraction leaves around a gallery or a pager: empty blocks, the same short
    caption repeated three times or more, and blocks of a few symbols or digits (``<<``,
    ``1``) outside tables."""
    blocks = [el for el in _tags(soup, _LEAF_BLOCKS) if not _holds(el, _LEAF_BLOCKS)]
    raws = [el.get_text(" ") for el in blocks]
    texts = [_norm(raw) for raw in raws]
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    for element, raw_text, text in zip(blocks, raws, texts, strict=True):
        if _holds(element, _MEDIA) or any(p.name in ("table", "pre", "code")
                                           for p in element.parents):
            continue
        raw = raw_text.strip()
        if not raw:
            element.decompose()
        elif counts[text] >= 3 and len(text.split()) <= 12:
            element.decompose()
        elif len(raw) <= 3 and not re.search(r"[^\W\d_]", raw):
            element.decompose()
    for element in _tags(soup, _EMPTY_INLINE):  # a link whose text was dropped as page furniture
        if not vars(element).get("_decomposed") and not _has_text(element) and not _holds(
            element, _MEDIA
        ):
            element.decompose()
    for element in _tags(soup, ("div", "section", "p", "ul", "ol", "header")):
        if vars(element).get("_decomposed"):  # not .decomposed: on a live tag that reads
            continue  # tag._decomposed, which bs4 takes for find("_decomposed"): a subtree search
        if _has_text(element) or _holds(element, _MEDIA):
            continue
        element.decompose()


def _tags(soup: Tag, names: tuple[str, ...]) -> list[Tag]:
    """``soup.find_all(names)`` without bs4's filter objects (~10 µs a tag)."""
    return [d for d in soup.descendants if isinstance(d, Tag) and d.name in names]


def _holds(element: Tag, names: tuple[str, ...]) -> bool:
    """An element of one of these names inside (``find`` builds a filter per call: this
    is called once per block of the article)."""
    return any(isinstance(d, Tag) and d.name in names for d in element.descendants)


def _has_text(element: Tag) -> bool:
    """Any text at all inside (stops at the first: a container holds the whole article)."""
    return any(s.strip() for s in element.strings)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


# --- metadata --------------------------------------------------------------------------


class _Meta:
    """Reads a page's metadata once: meta tags, JSON-LD, headings."""

    def __init__(self, soup: BeautifulSoup, url: str) -> None:
        self.soup = soup
        self.url = url
        self.metas: dict[str, str] = {}
        for tag in _tags(soup, ("meta",)):
            key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "")
            content = tag.get("content")
            if key and isinstance(content, str) and content.strip():
                self.metas.setdefault(key.strip().lower(), _text(content))
        self.ld = list(_json_ld(soup))
        self.article_ld = [o for o in self.ld if _types(o) & _ARTICLE_TYPES]

    def first(self, *keys: str) -> str:
        return next((self.metas[k] for k in keys if self.metas.get(k)), "")

    def ld_value(self, key: str) -> Any:
        for obj in self.article_ld:
            if obj.get(key):
                return obj[key]
        return None

    def site_names(self) -> list[str]:
        names = [self.first("og:site_name", "application-name", "twitter:site").lstrip("@")]
        for obj in self.ld:
            publisher = obj.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                names.append(publisher["name"])
            if _types(obj) & {"website", "organization", "newsmediaorganization"}:
                if isinstance(obj.get("name"), str):
                    names.append(obj["name"])
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        if host:
            names += [host, host.split(".")[0]]
        return [n for n in (_text(x) for x in names) if n]

    def title(self) -> str:
        h1 = self.soup.find("h1")
        heading = _text(h1.get_text(" ")) if h1 else ""
        doc_title = _text(self.soup.title.get_text()) if self.soup.title else ""
        headline = self.ld_value("headline")
        # The document's own <title> first: og:title is often a social-media variant.
        candidates = [
            doc_title,
            self.first("og:title", "twitter:title"),
            headline if isinstance(headline, str) else "",
        ]
        sites = self.site_names()
        keys = {_compact(s) for s in sites if s}
        for candidate in candidates:
            candidate = article_title.once(article_title.cut_byline(_text(candidate)), _SEPARATORS)
            if not candidate:
                continue
            stripped = article_title.once(strip_site_name(candidate, sites, heading), _SEPARATORS)
            if stripped and not _only_site(stripped, keys):  # "V8" on v8.dev is no title
                return stripped
        return "" if _only_site(heading, keys) else heading

    def date(self, which: str) -> datetime | None:
        if which == "published":
            keys = ("article:published_time", "og:published_time", "datepublished",
                    "publishdate", "pubdate", "date", "dc.date.issued", "dcterms.created",
                    "sailthru.date", "parsely-pub-date", "publish-date", "dc.date")
            ld_key, itemprop = "datePublished", "datePublished"
        else:
            keys = ("article:modified_time", "og:updated_time", "datemodified",
                    "last-modified", "dcterms.modified")
            ld_key, itemprop = "dateModified", "dateModified"
        for value in (self.first(*keys), self.ld_value(ld_key)):
            moment = parse_date(value) if isinstance(value, str) else None
            if moment is not None:
                return moment
        for time_el in self.soup.find_all(attrs={"itemprop": itemprop}):
            moment = parse_date(str(time_el.get("datetime") or time_el.get("content") or ""))
            if moment is not None:
                return moment
        if which == "published":
            time_el = self.soup.find("time", attrs={"datetime": True})
            if time_el is not None and (moment := parse_date(str(time_el["datetime"]))):
                return moment
            return self._htmldate()
        return None

    def _htmldate(self) -> datetime | None:
        try:
            from htmldate import find_date

            found = find_date(self.soup, original_date=True, extensive_search=False)
        except Exception as exc:  # htmldate is a best effort over messy pages
            log.debug("htmldate failed: %s", exc)
            return None
        return parse_date(found) if found else None

    def author(self) -> str:
        value = self.ld_value("author")
        names = [_person(a) for a in (value if isinstance(value, list) else [value])]
        names = [n for n in names if n]
        if names:
            return ", ".join(dict.fromkeys(names))
        meta = self.first("author", "article:author", "parsely-author", "dc.creator")
        if meta and "://" not in meta:
            return meta
        rel = self.soup.find(["a", "link"], attrs={"rel": "author"})
        return _text(rel.get_text(" ")) if isinstance(rel, Tag) else ""

    def summary(self) -> str:
        return self.first("description", "og:description", "twitter:description")

    def canonical(self) -> str:
        link = self.soup.find("link", attrs={"rel": "canonical"})
        href = str(link.get("href") or "") if isinstance(link, Tag) else ""
        href = href or self.first("og:url")
        return urljoin(self.url, href) if href else ""


def strip_site_name(title: str, sites: list[str], heading: str = "") -> str:
    """``"Clinic opens | Northbridge News"`` -> ``"Clinic opens"``.

    Parts split at `` | ``, `` - ``, `` — `` ... that name the site (og:site_name,
    the publisher, the host) are dropped; when the page's ``<h1>`` is one of the
    parts, that part is the title.
    """
    parts = [p.strip() for p in _SEPARATORS.split(title) if p and p.strip()]
    if len(parts) < 2:
        return title
    if heading and _norm(heading) == _norm(title):
        return title
    keys = {_compact(s) for s in sites if s}
    if heading and not _is_site(heading, keys):  # an <h1> that is the site's logo says nothing
        for index in range(len(parts)):
            for end in range(len(parts), index, -1):
                piece = _rejoin(title, index, end)
                if _norm(piece) == _norm(heading):
                    return piece
    kept = list(parts)
    while len(kept) > 1 and _is_site(kept[-1], keys):
        kept.pop()
    while len(kept) > 1 and _compact(kept[0]) in keys:  # a leading part: the name exactly
        kept.pop(0)
    if len(kept) > 1 and len(kept[0].split()) >= 4 and all(len(p.split()) <= 3 for p in kept[1:]):
        kept = kept[:1]  # "Headline | Section | Site": the sections go too
    if len(kept) == len(parts):
        return title
    return _rejoin(title, parts.index(kept[0]), parts.index(kept[0]) + len(kept))


def _rejoin(title: str, start: int, end: int) -> str:
    """Parts start..end of ``title`` with the separators between them as written."""
    pieces, pos = [], 0
    for match in _SEPARATORS.finditer(title):
        pieces.append((title[pos : match.start()], match.group(0)))
        pos = match.end()
    pieces.append((title[pos:], ""))
    pieces = [(t, s) for t, s in pieces if t.strip()]
    chosen = pieces[start:end]
    text = "".join(t + s for t, s in chosen[:-1]) + (chosen[-1][0] if chosen else "")
    return text.strip()


def _is_site(part: str, keys: set[str]) -> bool:
    """Whether a title part names the site: it is, starts, or closely wraps a site key
    (``The GitHub Blog`` for github.blog, ``CNN Politics`` for cnn.com)."""
    compact = _compact(part)
    return bool(compact) and any(
        key
        and (
            compact == key
            or compact.startswith(key)
            or key.startswith(compact)
            or (len(key) >= 5 and key in compact and len(compact) <= len(key) + 6)
            or (len(compact) >= 8 and compact in key)  # "the Web developer blog" of a longer name
        )
        for key in keys
    )


def _only_site(text: str, keys: set[str]) -> bool:
    """The text is the site's name and nothing more (``V8``, ``The GitHub Blog``)."""
    compact = _compact(text)
    return bool(compact) and any(compact == k or (len(compact) >= 4 and k.startswith(compact))
                                 for k in keys if k)


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold()).removeprefix("www").removesuffix("com")


def _json_ld(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text() or "null", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
                yield item


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _person(value: Any) -> str:
    if isinstance(value, str):
        return "" if "://" in value else _text(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return _text(value["name"])
    return ""


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()
