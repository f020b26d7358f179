"""The localized static site: post pages, language indexes, Atom feeds, sitemap.

Pages are rendered with Jinja2 (autoescaping on: titles and descriptions
from catalogs are text, only the rebuilt article body is markup, and that was
escaped by the segmenter). Locale data -- native language names, long date
formats, text direction -- comes from babel, with the locale passed as an
argument, never set process-wide. A user's ``templates/`` folder in the work
folder overrides the shipped templates by name.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import babel
import babel.dates
import jinja2
from bs4 import BeautifulSoup

from intl_pub.files import build_time, read_json, write_if_changed
from intl_pub.locales import ENGLISH
from intl_pub.model import Locale, Post

if TYPE_CHECKING:
    from intl_pub.config import Settings

log = logging.getLogger(__name__)

STATE_FILE = ".intl-pub-state.json"
UI_CATALOG = "site"
"""translations/<locale>/site.po: the site's own words (a post may not take this slug)."""


@dataclass(frozen=True)
class BlockStats:
    """How a page's blocks were published."""

    reviewed: int = 0
    machine: int = 0
    """Machine translations that passed QA, shown with ``data-mt``."""
    source: int = 0
    """Blocks shown in English (no usable translation)."""

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.source

    @property
    def reviewed_share(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


@dataclass(frozen=True)
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
    """When this language's text of the post last changed (feeds); set by build_site."""

    @classmethod
    def from_document(
        cls, post: Post, locale: Locale, document: str, stats: BlockStats
    ) -> Page:
        """Take title, description and article out of a (rebuilt) content/ document."""
        soup = BeautifulSoup(document, "html.parser")
        title = soup.title
        meta = soup.find("meta", attrs={"name": "description"})
        article = soup.find("article")
        marks = {
            k: str(v) for k, v in (title.attrs if title else {}).items() if k in {"lang", "data-mt"}
        }
        return cls(
            post=post,
            locale=locale,
            title=title.get_text() if title else post.title,
            title_marks=marks,
            description=str(meta.get("content", "")) if meta else post.summary,
            body=article.decode_contents() if article else "",
            stats=stats,
        )

    @property
    def lang(self) -> str:
        return self.locale.tag

    @property
    def path(self) -> str:
        return self.locale.path


def shipped_ui_catalog(locale: Locale) -> Path:
    """The reviewed translation of the site's own words that ships with intl-pub.

    A locale without one gets the untranslated template (``ui/site.pot``): its
    pages use the English interface strings until translations/<l>/site.po
    translates them.
    """
    shipped = Path(str(resources.files("intl_pub") / "ui" / f"{locale.gettext}.po"))
    if shipped.is_file():
        return shipped
    log.warning(
        "intl-pub ships no interface translation for %s: its pages use the English interface "
        "strings until translations/%s/%s.po translates them",
        locale.tag,
        locale.gettext,
        UI_CATALOG,
    )
    return Path(str(resources.files("intl_pub") / "ui" / f"{UI_CATALOG}.pot"))


def native_name(tag: str) -> str:
    """A language's name in that language, as CLDR spells it, capitalized for a menu."""
    name = babel.Locale.parse(tag, sep="-").get_display_name() or tag
    return name[:1].upper() + name[1:]



def og_locale(tag: str) -> str:
    """Open Graph wants language_TERRITORY (es_ES, zh_CN, ru_RU, en_US)."""
    parsed = babel.Locale.parse(tag, sep="-")
    territory = (
        parsed.territory
        or babel.Locale.parse(
            babel.core.get_global("likely_subtags").get(parsed.language, parsed.language)
        ).territory
    )
    return f"{parsed.language}_{territory}" if territory else parsed.language


def read_state(site_dir: Path) -> dict[str, list[str]]:
    """What the last publish recorded: per page, a digest of its text and when it changed."""
    return read_json(site_dir / STATE_FILE)


def build_site(
    settings: Settings,
    pages: Sequence[Page],
    ui: Mapping[str, Mapping[str, str]],
    state: Mapping[str, list[str]] | None = None,
) -> dict[str, str]:
    """Every file of the site, by path relative to site/ (nothing is written here).

    ``state`` (from :func:`read_state`) keeps each page's ``updated`` time in
    the feeds unchanged unless that language's text of the post changed.
    """
    pages, new_state = _updated(pages, state or {})
    env = _environment(settings.workdir / "templates")
    languages = [ENGLISH, *settings.locales]
    by_post: dict[str, dict[str, Page]] = {}
    for page in pages:
        by_post.setdefault(page.post.slug, {})[page.lang] = page
    files: dict[str, str] = {}
    for page in pages:
        siblings = by_post[page.post.slug]
        files[f"{page.path}/{page.post.slug}/index.html"] = _render(
            env,
            "post.html",
            settings,
            page.locale,
            ui,
            page=page,
            alternates=_alternates(settings, siblings, page.post.slug),
            noindex=_noindex(settings, page),
        )
    for locale in languages:
        tag = locale.tag
        listed = [by_post[slug][tag] for slug in by_post if tag in by_post[slug]]
        listed.sort(key=lambda p: (p.post.published, p.post.slug), reverse=True)
        files[f"{locale.path}/index.html"] = _render(
            env,
            "index.html",
            settings,
            locale,
            ui,
            pages=listed,
            alternates=_section_alternates(settings, languages),
        )
        files[f"{locale.path}/feed.xml"] = _render(
            env,
            "feed.xml",
            settings,
            locale,
            ui,
            pages=listed,
            alternates=_section_alternates(settings, languages),
        )
    files["sitemap.xml"] = env.get_template("sitemap.xml").render(
        posts=[_alternates(settings, by_post[slug], slug) for slug in by_post],
        indexable={
            url
            for p in pages
            if not _noindex(settings, p)
            for url in [_url(settings, p.locale, p.post.slug)]
        },
        sections=_section_alternates(settings, languages),
        base_url=settings.base_url,
    )
    files["robots.txt"] = env.get_template("robots.txt").render(base_url=settings.base_url)
    files["assets/site.css"] = env.loader.get_source(env, "site.css")[0]  # type: ignore[union-attr]
    files[STATE_FILE] = json.dumps(new_state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    files["index.html"] = _render(
        env,
        "root.html",
        settings,
        ENGLISH,
        ui,
        choices=[
            {
                "tag": loc.tag,
                "name": native_name(loc.tag),
                "href": f"{loc.path}/",
            }
            for loc in languages
        ],
    )
    return files


def write(site_dir: Path, files: Mapping[str, str]) -> list[str]:
    """Write the site; only files whose bytes changed are touched. Returns what changed.

    A post page that is no longer published (below its locale's threshold) is
    removed; nothing else in site/ is deleted.
    """
    changed = [
        name
        for name, text in sorted(files.items())
        if write_if_changed(site_dir / name, text.encode("utf-8"))
    ]
    for stale in sorted(site_dir.glob("*/*/index.html")):
        name = str(stale.relative_to(site_dir))
        if name not in files:
            stale.unlink()
            if not any(stale.parent.iterdir()):
                stale.parent.rmdir()
            changed.append(name)
    return changed


# --- helpers --------------------------------------------------------------------------


def _updated(
    pages: Sequence[Page], state: Mapping[str, list[str]]
) -> tuple[list[Page], dict[str, list[str]]]:
    """Give each page its feed ``updated`` time: kept while its text is unchanged."""
    now = build_time().isoformat()
    out, new_state = [], {}
    for page in pages:
        key = f"{page.path}/{page.post.slug}"
        text = "\0".join([page.title, page.description, page.body])
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        old = state.get(key)
        if isinstance(old, list) and len(old) == 2 and old[0] == digest:
            updated = old[1]
        elif old is None and page.locale.is_source:
            updated = page.post.published.isoformat()  # the original, first seen
        else:
            updated = now
        new_state[key] = [digest, updated]
        out.append(replace(page, updated=datetime.fromisoformat(updated)))
    return out, new_state


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

    def gettext(msgid: str, **values: str) -> str:
        return strings.get(msgid, msgid).format(**values) if values else strings.get(msgid, msgid)

    def date(moment: Any) -> str:
        return babel.dates.format_date(
            moment, format="long", locale=babel.Locale.parse(tag, sep="-")
        )

    context.setdefault("root", ROOT_PREFIX.get(name, ""))
    return env.get_template(name).render(
        _=gettext,
        date=date,
        lang=tag,
        dir=locale.direction,
        base_url=settings.base_url,
        site_title=gettext(settings.site_title),
        # Settings.site_tagline is optional until config grows it; "" shows none.
        site_tagline=gettext(tagline) if (tagline := getattr(settings, "site_tagline", "")) else "",
        lang_path=locale.path,
        og_locale=og_locale(tag),
        switcher=[
            {
                "tag": loc.tag,
                "name": native_name(loc.tag),
                "path": loc.path,
                "href": _href(loc),
                "current": loc == locale,
            }
            for loc in [ENGLISH, *settings.locales]
        ],
        **context,
    )


ROOT_PREFIX = {"post.html": "../../", "index.html": "../", "root.html": ""}
"""From a page made with this template to site/: links stay relative, so site/ works from
file://, on any port and any host (absolute URLs only in canonical, alternates, og, feeds)."""


def _href(locale: Locale, slug: str | None = None) -> str:
    """A page's file, relative to site/ (index.html spelled out: file:// lists folders)."""
    return f"{locale.path}/{slug}/index.html" if slug else f"{locale.path}/index.html"


def _url(settings: Settings, locale: Locale, slug: str | None = None) -> str:
    tail = f"{slug}/" if slug else ""
    return f"{settings.base_url}{locale.path}/{tail}"


def _alternates(
    settings: Settings, siblings: Mapping[str, Page], slug: str
) -> list[dict[str, str]]:
    return [
        {
            "hreflang": page.lang,
            "url": _url(settings, page.locale, slug),
            "href": _href(page.locale, slug),
            "og": og_locale(page.lang),
        }
        for page in siblings.values()
    ]


def _section_alternates(
    settings: Settings, languages: Sequence[Locale]
) -> list[dict[str, str]]:
    return [
        {
            "hreflang": loc.tag,
            "url": _url(settings, loc),
            "href": _href(loc),
            "og": og_locale(loc.tag),
        }
        for loc in languages
    ]


def _noindex(settings: Settings, page: Page) -> bool:
    if page.locale.is_source:
        return False
    return page.stats.reviewed_share < settings.threshold(page.locale, "index")
