"""The localized static site: post pages, language indexes, Atom feeds, sitemap.

Pages are rendered with Jinja2 (autoescaping on: titles and descriptions
from catalogs are text, only the rebuilt article body is markup, and that was
escaped by the segmenter). Locale data -- native language names, long date
formats, text direction -- comes from babel, with the locale passed as an
argument, never set process-wide. A user's ``templates/`` folder in the work
folder overrides the shipped templates by name.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import babel
import babel.dates
import jinja2
from jinja2 import meta

from intl_pub.core.files import build_time
from intl_pub.core.locales import ENGLISH, cldr
from intl_pub.core.locales import locale as locale_for
from intl_pub.core.model import Locale, Post
from intl_pub.publish import urls, words

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

    from intl_pub.core.config import Settings

log = logging.getLogger(__name__)

FEED_ENTRIES = 50
"""Entries per language feed: the newest posts, as feed readers expect (not the archive)."""
INDEX_POSTS = 50
"""Posts per page of a language's list: 10,000 posts on one page were 3.3 MB of HTML
(33 MB at 100,000) that a reader abroad had to load to see the newest."""
SITEMAP_URLS = 50_000
"""URLs per sitemap file, the sitemaps protocol's limit (the root and the sections count)."""
SITEMAP_BYTES = 50 * 2**20
"""... and its limit on a file's size (uncompressed): a post's URL with ten languages'
alternates is ~1.2 KB, so 50,000 of them would pass it."""
FAVICON = "favicon.svg"
"""The site's icon, at the root of site/ (a template: templates/favicon.svg overrides it)."""


@dataclass(frozen=True, slots=True)
class BlockStats:
    """How a page's blocks were published."""

    reviewed: int = 0
    machine: int = 0
    """Machine translations that passed QA, shown with ``data-mt``."""
    source: int = 0
    """Blocks shown in English (no usable translation, or held back)."""
    held_back: int = 0
    """Of the ``source`` blocks: risky and unreviewed, held back by the publishing gate."""
    withdrawn: int = 0
    """Blocks whose review was withdrawn because the English changed (shown as ``machine``
    or ``source``; the page then carries the ``l10n-stale`` notice)."""

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.source

    @property
    def reviewed_share(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class Page:
    """One post in one language, ready for its template."""

    post: Post
    locale: Locale
    """ENGLISH for the original."""
    title: str
    title_marks: Mapping[str, str]
    description: str
    body: str
    stats: BlockStats = field(default_factory=BlockStats)
    updated: datetime | None = None
    """When this language's text of the post last changed (feeds); see :func:`with_updated`."""
    digest: str = ""
    """A digest of the page's text, to tell when it changed."""

    @classmethod
    def from_document(cls, post: Post, locale: Locale, document: str, stats: BlockStats) -> Page:
        """Take title, description and article out of a (rebuilt) content/ document."""
        from bs4 import BeautifulSoup  # (only a page being rendered needs it)

        return cls.from_soup(post, locale, BeautifulSoup(document, "html.parser"), stats)

    @classmethod
    def from_soup(cls, post: Post, locale: Locale, soup: BeautifulSoup, stats: BlockStats) -> Page:
        """:meth:`from_document` for a document already parsed."""
        from intl_pub.segment import markup

        title = soup.title
        meta = soup.find("meta", attrs={"name": "description"})
        article = soup.find("article")
        marks = {
            k: str(v)
            for k, v in (title.attrs if title else {}).items()
            if k in {"lang", "data-mt", "data-l10n", "data-l10n-id"}
        }
        return cls(
            post=post,
            locale=locale,
            title=title.get_text() if title else post.title,
            title_marks=marks,
            description=str(meta.get("content", "")) if meta else post.summary,
            body=markup.inner(article) if article else "",
            stats=stats,
        )

    @property
    def lang(self) -> str:
        return self.locale.tag

    @property
    def path(self) -> str:
        return self.locale.path

    @property
    def file(self) -> str:
        """Where the page goes, relative to site/."""
        return urls.href(self.locale, self.post.slug)


def shipped_ui_catalog(locale: Locale) -> Path | None:
    """The reviewed translation of the site's own words that ships with intl-pub, if any."""
    path = Path(str(resources.files("intl_pub") / "ui" / f"{locale.gettext}.po"))
    return path if path.exists() else None


def ui_template() -> Path:
    """The site's own words, untranslated (ui/site.pot): a new language starts from it."""
    return Path(str(resources.files("intl_pub") / "ui" / "site.pot"))


def with_updated(page: Page, old: Mapping[str, Any] | None) -> Page:
    """Give a page its feed ``updated`` time: kept while its text is unchanged."""
    text = "\0".join([page.title, page.description, page.body])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if old is not None and old.get("digest") == digest:
        updated = datetime.fromisoformat(old["updated"])
    elif old is None and page.locale.is_source:
        updated = page.post.published  # the original, first seen
    else:
        updated = build_time()
    return replace(page, updated=updated, digest=digest)


def page_record(page: Page) -> dict[str, Any]:
    """What the build manifest keeps of a page, to list it without rendering it again."""
    post = page.post
    return {
        "file": page.file,
        "lang": page.lang,
        "post": [
            post.slug,
            post.title,
            post.published.isoformat(),
            post.url,
            post.summary,
            post.identity,
        ],
        "title": page.title,
        "title_marks": dict(sorted(page.title_marks.items())),  # as the manifest reads back
        "description": page.description,
        "stats": [
            page.stats.reviewed,
            page.stats.machine,
            page.stats.source,
            page.stats.held_back,
            page.stats.withdrawn,
        ],
        "updated": (page.updated or post.published).isoformat(),
        "digest": page.digest,
        "body": page.body,
    }


def page_from_record(record: Mapping[str, Any], shared: dict[Any, Any] | None = None) -> Page:
    """A page as its record keeps it.

    ``shared``: what the post's other pages built (its :class:`Post`, the marks, dates and
    counts), reused where equal: a listing holds every page of 100,000 posts.
    """
    shared = {} if shared is None else shared

    def once(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        found = shared.get(key)
        if found is None:
            found = shared[key] = build()
        return found

    slug, title, published, url, summary, identity = record["post"]
    return Page(
        post=once(("post", *record["post"]), lambda: Post(
            slug, title, "", datetime.fromisoformat(published), url, summary, identity)),
        locale=locale_for(record["lang"]),
        title=record["title"],
        title_marks=once(("marks", *sorted(record["title_marks"].items())),
                         lambda: record["title_marks"]),
        description=record["description"],
        body=record.get("body", ""),
        stats=once(("stats", *record["stats"]), lambda: BlockStats(*record["stats"])),
        updated=once(("updated", record["updated"]),
                     lambda: datetime.fromisoformat(record["updated"])),
        digest=record["digest"],
    )


def pages_from_record(pages: Mapping[str, Mapping[str, Any]]) -> list[Page]:
    """A post's pages as its record keeps them, sharing what they have in common."""
    shared: dict[Any, Any] = {}
    return [page_from_record(record, shared) for record in pages.values()]


@functools.cache
def native_name(tag: str) -> str:
    """A language's name in that language, as CLDR spells it, capitalized for a menu."""
    name = cldr(tag).get_display_name() or tag
    return name[:1].upper() + name[1:]


@functools.cache
def og_locale(tag: str) -> str:
    """Open Graph wants language_TERRITORY (es_ES, zh_CN, ru_RU, en_US)."""
    parsed = cldr(tag)
    territory = (
        parsed.territory
        or babel.Locale.parse(
            babel.core.get_global("likely_subtags").get(parsed.language, parsed.language)
        ).territory
    )
    return f"{parsed.language}_{territory}" if territory else parsed.language


class Environment:
    """The templates of one run, and what renders the site's files from pages."""

    def __init__(self, settings: Settings, user_templates: Path) -> None:
        self.settings = settings
        self.user_templates = user_templates
        self.jinja = _environment(user_templates)
        self.feed_entries: set[str] = set()
        """The pages the feeds list (after :meth:`index_files`)."""

    def digest(self) -> str:
        """What the templates hold: the user's templates/ folder and the shipped ones (an
        upgrade that changes a shipped template renders the site again)."""
        digest = hashlib.sha256()
        for folder in (self.user_templates, _shipped_templates()):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if path.is_file():
                        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:16]

    @functools.cached_property
    def _old_overrides(self) -> frozenset[str]:
        """The user's templates that predate paged lists and split sitemaps: ``index.html``
        with no link to an older page, any ``sitemap.xml`` (it may list the sections in
        every file). Those listings stay one file, as the user's template makes them."""
        old = set()
        for name, needs in (("index.html", "older"), ("sitemap.xml", None)):
            path = self.user_templates / name
            if not path.is_file():
                continue
            source = path.read_text("utf-8", errors="replace")
            used = meta.find_undeclared_variables(self.jinja.parse(source))
            if needs is None or needs not in used:
                old.add(name)
                log.warning(
                    "templates/%s predates %s: kept as one file; start again from the"
                    " shipped one (src/intl_pub/templates/%s) to have them", name,
                    "paged lists" if needs else "split sitemaps", name,
                )
        return frozenset(old)

    def post_files(
        self, pages: Sequence[Page], ui: Mapping[str, Mapping[str, str]]
    ) -> dict[str, str]:
        """The pages of one post, in every language it is published in."""
        siblings = {page.lang: page for page in pages}
        files = {}
        for page in pages:
            files[page.file] = _render(
                self.jinja,
                "post.html",
                self.settings,
                page.locale,
                ui,
                page=page,
                alternates=_alternates(self.settings, siblings, page.post.slug),
                noindex=noindex(self.settings, page),
            )
        return files

    def index_files(
        self,
        pages: Sequence[Page],
        ui: Mapping[str, Mapping[str, str]],
        only: Collection[str] | None = None,
    ) -> Iterator[tuple[str, str]]:
        """Everything that lists pages: per-language indexes and feeds, the sitemap, the root.

        ``only``: the files to render (:func:`listing_files` names; None: all of them).
        :attr:`feed_entries` is worked out now, for every feed; the files, as (name, text),
        as they are read (the listings of 100,000 posts are hundreds of MB of text: the
        caller writes each and lets it go).
        """
        wanted = set(listing_files(self.settings)) if only is None else set(only)
        languages = [ENGLISH, *self.settings.locales]
        by_post: dict[str, dict[str, Page]] = {}
        rank = {loc.tag: i for i, loc in enumerate(languages)}  # languages in settings order,
        in_order = sorted(pages, key=lambda p: rank.get(p.lang, len(rank)))  # whatever history
        for page in sorted(in_order, key=lambda p: (p.post.published, p.post.slug), reverse=True):
            by_post.setdefault(page.post.slug, {})[page.lang] = page
        listed: dict[str, list[Page]] = {}
        for locale in languages:
            tag = locale.tag
            listed[tag] = [by_post[slug][tag] for slug in by_post if tag in by_post[slug]]
            listed[tag].sort(key=lambda p: (p.post.published, p.post.slug), reverse=True)
        self.feed_entries = {p.file for tag in listed for p in listed[tag][:FEED_ENTRIES]}
        return self._listing_files(wanted, languages, listed, ui, (pages, by_post))

    def _listing_files(
        self,
        wanted: Collection[str],
        languages: Sequence[Locale],
        listed: Mapping[str, Sequence[Page]],
        ui: Mapping[str, Mapping[str, str]],
        sitemapped: tuple[Sequence[Page], Mapping[str, Mapping[str, Page]]],
    ) -> Iterator[tuple[str, str]]:
        settings, env = self.settings, self.jinja
        for locale in languages:
            if urls.href(locale) in wanted:
                yield from self._index_pages(listed[locale.tag], locale, ui, languages)
            if urls.feed_file(locale) in wanted:
                yield urls.feed_file(locale), _render(
                    env, "feed.xml", settings, locale, ui,
                    pages=listed[locale.tag][:FEED_ENTRIES],
                    alternates=_section_alternates(settings, languages),
                )
        if "sitemap.xml" in wanted:
            yield from self._sitemaps(*sitemapped, languages)
        if "index.html" not in wanted:
            return
        yield "robots.txt", env.get_template("robots.txt").render(base_url=settings.base_url)
        yield "assets/site.css", env.loader.get_source(env, "site.css")[0]  # type: ignore[union-attr]
        yield FAVICON, env.loader.get_source(env, FAVICON)[0]  # type: ignore[union-attr]
        choices = [
            {"tag": loc.tag, "name": native_name(loc.tag), "href": f"{loc.path}/"}
            for loc in languages
        ]
        yield "index.html", _render(env, "root.html", settings, ENGLISH, ui, choices=choices)

    def _index_pages(
        self,
        listed: Sequence[Page],
        locale: Locale,
        ui: Mapping[str, Mapping[str, str]],
        languages: Sequence[Locale],
    ) -> Iterator[tuple[str, str]]:
        """A language's list of posts, :data:`INDEX_POSTS` to a page, newest first; each
        page links the newer and the older one (``rel`` prev and next)."""
        per_page = (len(listed) or 1) if "index.html" in self._old_overrides else INDEX_POSTS
        count = max(1, -(-len(listed) // per_page))
        for number in range(1, count + 1):
            yield urls.index_file(locale, number), _render(
                self.jinja,
                "index.html",
                self.settings,
                locale,
                ui,
                pages=listed[(number - 1) * per_page : number * per_page],
                alternates=_section_alternates(self.settings, languages) if number == 1 else [],
                number=number,
                canonical=urls.index_url(self.settings.base_url, locale, number),
                newer=_index_name(locale, number - 1) if number > 1 else "",
                older=_index_name(locale, number + 1) if number < count else "",
            )

    def _sitemaps(
        self, pages: Sequence[Page], by_post: Mapping[str, Mapping[str, Page]],
        languages: Sequence[Locale],
    ) -> Iterator[tuple[str, str]]:
        """``sitemap.xml``; past :data:`SITEMAP_URLS` URLs or :data:`SITEMAP_BYTES`, an index
        of ``sitemap-1.xml``, … (the protocol's limits: 100,000 posts in four languages are
        400,000 URLs)."""
        settings = self.settings
        indexable = {
            url
            for p in pages
            if not noindex(settings, p)
            for url in [urls.page_url(settings.base_url, p.locale, p.post.slug)]
        }
        lastmod = _lastmod(settings, pages)
        sections = _section_alternates(settings, languages)
        groups: list[list[list[dict[str, str]]]] = [[]]
        one_file = "sitemap.xml" in self._old_overrides
        room = SITEMAP_URLS - len(sections) - 1  # the first lists the sections and the root
        if one_file:
            room = len(pages) + 1
        for slug in by_post:
            alternates = _alternates(settings, by_post[slug], slug)
            count = sum(1 for alt in alternates if alt["url"] in indexable)
            if count > room:
                groups.append([])
                room = SITEMAP_URLS
            groups[-1].append(alternates)
            room -= count
        template = self.jinja.get_template("sitemap.xml")

        def fitted(group: list[list[dict[str, str]]], first: bool) -> list[tuple[Any, str]]:
            """The group's file, or its halves' when it passes the protocol's 50 MB."""
            text = template.render(
                posts=group, indexable=indexable, sections=sections if first else [],
                base_url=settings.base_url, lastmod=lastmod,
            )
            if one_file or len(group) < 2 or len(text.encode("utf-8")) <= SITEMAP_BYTES:
                return [(group, text)]
            half = len(group) // 2
            return fitted(group[:half], first) + fitted(group[half:], False)

        written: list[list[list[dict[str, str]]]] = []  # the groups of the files yielded
        for n, group in enumerate(groups):
            parts = fitted(group, n == 0)
            if len(groups) == len(parts) == 1:
                yield "sitemap.xml", parts[0][1]
                return
            for part, text in parts:  # (a file is let go once written)
                written.append(part)
                yield f"sitemap-{len(written)}.xml", text
        yield "sitemap.xml", self.jinja.get_template("sitemapindex.xml").render(
            sitemaps=[
                {
                    "url": f"{settings.base_url}sitemap-{number}.xml",
                    "lastmod": max(
                        (lastmod[a["url"]] for g in group for a in g if a["url"] in lastmod),
                        default=None,
                        key=datetime.fromisoformat,
                    ),
                }
                for number, group in enumerate(written, 1)
            ],
        )


def _index_name(locale: Locale, number: int) -> str:
    """Page ``number`` of a language's list, linked from another page of it (same folder)."""
    return urls.index_file(locale, number).rsplit("/", 1)[-1]


def listing_files(settings: Settings) -> list[str]:
    """The files :meth:`Environment.index_files` writes, by the names its ``only`` takes
    (``index.html`` stands for the root page, ``robots.txt`` and the stylesheet; a
    language's index for every page of its list; ``sitemap.xml`` for every sitemap file)."""
    names = ["index.html", "sitemap.xml"]
    for locale in [ENGLISH, *settings.locales]:
        names += [urls.href(locale), urls.feed_file(locale)]
    return names


def _lastmod(settings: Settings, pages: Sequence[Page]) -> dict[str, str]:
    """The sitemap's ``<lastmod>`` per URL: the post's date; a language index and the root:
    their newest post's.

    Not the time a page's text last changed (its feed ``updated``): the sitemap would then
    be rendered again for every edit, 1.6 s for 10,000 posts, where a reworded paragraph
    costs its four pages and nothing else.
    """
    lastmod: dict[str, datetime] = {}
    for page in pages:
        moment = page.post.published
        for url in (urls.page_url(settings.base_url, page.locale, page.post.slug),
                    urls.page_url(settings.base_url, page.locale),
                    settings.base_url):
            if url not in lastmod or moment > lastmod[url]:
                lastmod[url] = moment
    return {url: moment.isoformat(timespec="seconds") for url, moment in lastmod.items()}


def _shipped_templates() -> Path:
    return Path(str(resources.files("intl_pub") / "templates"))


def _environment(user_templates: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.PackageLoader("intl_pub", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _render(
    env: jinja2.Environment,
    name: str,
    settings: Settings,
    locale: Locale,
    ui: Mapping[str, Mapping[str, str]],
    **context: Any,
) -> str:
    tag = locale.tag
    strings = {} if locale.is_source else ui.get(tag, {})
    gettext, mark = words.gettext(strings), words.marked(strings, locale)

    def date(moment: Any) -> str:
        return babel.dates.format_date(
            moment, format="long", locale=cldr(tag)
        )

    context.setdefault("root", ROOT_PREFIX.get(name, ""))
    return env.get_template(name).render(
        _=gettext,
        date=date,
        lang=tag,
        dir=locale.direction,
        base_url=settings.base_url,
        t=mark,  # the words as page content: machine translation and English marked
        # the interface's own words machine-translated (the site's title alone is not: it is
        # marked where it stands, and a reviewed post's page must not say it was not reviewed)
        interface_machine=bool(
            words.machine_of(strings) - {settings.site_title, settings.site_tagline}
        ),
        site_title=gettext(settings.site_title),
        site_tagline=gettext(settings.site_tagline) if settings.site_tagline else "",
        site_title_marked=mark(settings.site_title),
        site_tagline_marked=mark(settings.site_tagline) if settings.site_tagline else "",
        lang_path=locale.path,
        og_locale=og_locale(tag),
        switcher=[
            {
                "tag": loc.tag,
                "name": native_name(loc.tag),
                "path": loc.path,
                "href": urls.href(loc),
                "current": loc == locale,
            }
            for loc in [ENGLISH, *settings.locales]
        ],
        **context,
    )


ROOT_PREFIX = {"post.html": "../../", "index.html": "../", "root.html": ""}
"""From a page made with this template to site/: links stay relative, so site/ works from
file://, on any port and any host (absolute URLs only in canonical, alternates, og, feeds)."""


def _alternates(
    settings: Settings, siblings: Mapping[str, Page], slug: str
) -> list[dict[str, str]]:
    return [
        {
            "hreflang": page.lang,
            "url": urls.page_url(settings.base_url, page.locale, slug),
            "href": urls.href(page.locale, slug),
            "og": og_locale(page.lang),
        }
        for page in siblings.values()
    ]


def _section_alternates(settings: Settings, languages: Sequence[Locale]) -> list[dict[str, str]]:
    return [
        {
            "hreflang": loc.tag,
            "url": urls.page_url(settings.base_url, loc),
            "href": urls.href(loc),
            "og": og_locale(loc.tag),
        }
        for loc in languages
    ]


def noindex(settings: Settings, page: Page) -> bool:
    if page.locale.is_source:
        return False
    return page.stats.reviewed_share < settings.threshold(page.locale, "index")
