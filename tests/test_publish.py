"""The published site: per-block policy, escaping, feeds, sitemap, language data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from intl_pub import catalog, pipeline, publish
from intl_pub.core.config import load_settings
from intl_pub.core.errors import ConfigError
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.core.locales import locale
from intl_pub.core.model import Translation
from intl_pub.publish import policy

DOC = """<!DOCTYPE html><html lang="en"><head><title>Flu clinic</title></head><body><article>
<p id="reviewed">Hello <b>world</b>.</p>
<p id="broken">Good <b>morning</b>.</p>
<p id="mt">Call <a href="tel:111">111</a> today.</p>
<p id="bad-mt">Doses at 08:30 only.</p>
<p id="none">Nothing yet.</p>
<p id="evil">Stay safe.</p>
</article></body></html>"""
FOUND = {
    ("", "Hello <1>world</1>."): Translation("Hola <1>mundo</1>.", reviewed=True),
    ("", "Good <1>morning</1>."): Translation("Buenos días.", reviewed=True),
    ("", "Call <1>111</1> today."): Translation("Llame al <1>111</1> hoy.", reviewed=False),
    ("", "Doses at 08:30 only."): Translation("Dosis solo a las 9:30.", reviewed=False),
    ("", "Stay safe."): Translation('<img src=x onerror="alert(1)"><script>alert(2)</script>', reviewed=True),
}


def _without_ids(element: object) -> str:
    """The element as HTML, without the block id (a digest, tested in test_reader_notes)."""
    del element["data-l10n-id"]  # type: ignore[index]
    return str(element)


def test_each_block_gets_reviewed_then_qa_passing_mt_then_english() -> None:
    gate = policy.Gate(mode="open")  # the gates are tested below and in test_reader_notes
    rendered = policy.render_document(DOC, LOCALES["es"], FOUND, gate=gate)
    soup = BeautifulSoup(rendered.document, "html.parser")
    assert _without_ids(soup.find(id="reviewed")) == '<p data-l10n="reviewed" id="reviewed">Hola <b>mundo</b>.</p>'
    assert _without_ids(soup.find(id="broken")) == '<p data-l10n="source" dir="ltr" id="broken" lang="en">Good <b>morning</b>.</p>'
    assert _without_ids(soup.find(id="mt")) == '<p data-l10n="machine" data-mt="" id="mt">Llame al <a href="tel:111">111</a> hoy.</p>'
    assert _without_ids(soup.find(id="bad-mt")) == '<p data-l10n="source" dir="ltr" id="bad-mt" lang="en">Doses at 08:30 only.</p>'
    assert _without_ids(soup.find(id="none")) == '<p data-l10n="source" dir="ltr" id="none" lang="en">Nothing yet.</p>'
    assert rendered.stats == publish.BlockStats(reviewed=2, machine=1, source=4)


def test_in_hold_mode_risky_machine_translation_is_held_back_in_english() -> None:
    rendered = policy.render_document(DOC, LOCALES["es"], FOUND, gate=policy.Gate(mode="hold"))
    soup = BeautifulSoup(rendered.document, "html.parser")
    held = soup.find(id="mt")  # "Call 111 today.": a phone number, unreviewed
    assert held["lang"] == "en" and held["data-l10n"] == "source" and not held.has_attr("data-mt")
    assert held["dir"] == "ltr"  # English reads left to right, in Arabic too
    assert held.get_text() == "Call 111 today."
    # held back: the phone, "08:30" (a time) and "Nothing yet." (a negation, untranslated too)
    assert rendered.stats == publish.BlockStats(reviewed=2, machine=0, source=5, held_back=3)


def test_markup_in_a_reviewed_translation_is_published_as_text() -> None:
    rendered = policy.render_document(DOC, LOCALES["es"], FOUND)
    evil = BeautifulSoup(rendered.document, "html.parser").find(id="evil")
    assert evil.find_all(True) == []
    assert evil.get_text() == '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil
    from dataclasses import replace

    root = tmp_path_factory.mktemp("site")
    shutil.copy(Path(__file__).parent.parent / "intl-pub.toml", root)
    shutil.copytree(Path(__file__).parent.parent / "examples", root / "examples")
    assert pipeline.run(replace(load_settings(root), engine="pseudo")).ok
    return root / "site"


@pytest.mark.parametrize(("path", "lang"), [("en", "en"), ("es", "es"), ("zh-hans", "zh-Hans"), ("ru", "ru")])
def test_feeds_parse_with_their_language_and_link_their_siblings(site: Path, path: str, lang: str) -> None:
    feed = feedparser.parse((site / path / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == lang
    assert [e.link for e in feed.entries] == [  # newest first
        f"http://localhost:8000/{path}/{slug}/" for slug in
        ["flu-vaccination-2026", "new-pediatric-clinic", "heat-wave-advice", "patient-portal-results"]]
    assert len({e.id for e in feed.entries}) == 4
    siblings = {link.get("hreflang") for link in feed.feed.links if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"}
    assert siblings == {"en", "es", "zh-Hans", "ru"} - {lang}


def test_sitemap_alternates_are_reciprocal_with_x_default(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    alternates = {}
    for url in root.findall("s:url", ns):
        links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        alternates[url.findtext("s:loc", namespaces=ns)] = links
    posts = [loc for loc in alternates if loc.count("/") == 5]
    assert len(posts) == 16 and len(alternates) == 16 + 4 + 1  # posts, language indexes, root
    for loc, links in alternates.items():
        assert loc in links.values()
        if loc in posts:
            assert links["x-default"].startswith("http://localhost:8000/en/")
        else:  # the root lets the reader choose: the x-default of the language indexes
            assert links["x-default"] == "http://localhost:8000/"
        for other in links.values():
            assert alternates[other] == links  # every page lists the same set, itself included
    assert {"http://localhost:8000/es/", "http://localhost:8000/zh-hans/"} <= set(alternates)


def test_robots_txt_points_at_the_sitemap(site: Path) -> None:
    import urllib.robotparser

    robots = urllib.robotparser.RobotFileParser()
    robots.parse((site / "robots.txt").read_text("utf-8").splitlines())
    assert robots.site_maps() == ["http://localhost:8000/sitemap.xml"]
    assert robots.can_fetch("*", "http://localhost:8000/es/heat-wave-advice/")


@pytest.mark.subprocess
def test_every_interface_string_of_the_templates_is_in_every_shipped_catalog_reviewed() -> None:
    """A template string missing from ui/ would stay English on every page without a word."""
    import re
    import shutil
    import subprocess
    from importlib import resources

    from intl_pub import catalog

    templates = resources.files("intl_pub") / "templates"
    used = {
        m.group(2).replace("\\'", "'")
        for t in templates.iterdir() if t.name.endswith((".html", ".xml", ".txt"))
        for m in re.finditer(r"""\b[_t]\((["'])(.+?)\1""", t.read_text(encoding="utf-8"))
    }
    from intl_pub.publish import reader_notes

    used |= set(reader_notes.STRINGS)  # the reader's notices, added by reader_notes
    assert "Latest posts" in used and len(used) >= 8
    template = catalog.load(Path(str(resources.files("intl_pub") / "ui" / "site.pot")))
    assert {e.msgid for e in template} == used
    for tag in ("es", "zh-Hans", "ru"):
        path = publish.shipped_ui_catalog(locale(tag))
        found = catalog.translations(catalog.load(path))
        assert {k[1] for k, t in found.items() if t.reviewed and t.text} == used, path
        if shutil.which("msgfmt"):
            subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)


def test_post_pages_carry_language_metadata(site: Path) -> None:
    soup = BeautifulSoup((site / "zh-hans" / "heat-wave-advice" / "index.html").read_text("utf-8"), "html.parser")
    assert soup.html["lang"] == "zh-Hans" and soup.html["dir"] == "ltr"
    hreflangs = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    assert hreflangs == {
        "en": "http://localhost:8000/en/heat-wave-advice/",
        "es": "http://localhost:8000/es/heat-wave-advice/",
        "zh-Hans": "http://localhost:8000/zh-hans/heat-wave-advice/",
        "ru": "http://localhost:8000/ru/heat-wave-advice/",
        "x-default": "http://localhost:8000/en/heat-wave-advice/",
    }
    assert soup.find("link", rel="canonical")["href"] == "http://localhost:8000/zh-hans/heat-wave-advice/"
    assert soup.find("meta", property="og:locale")["content"] == "zh_CN"
    assert "发布于 2026年7月14日" in soup.find("time").get_text()
    assert soup.find("aside", class_="l10n-notice").get_text().startswith("本页为机器翻译")


def test_native_names_and_direction_come_from_cldr() -> None:
    assert [publish.native_name(t) for t in ["en", "es", "zh-Hans", "ru"]] == ["English", "Español", "中文 (简体)", "Русский"]
    assert locale("ar").direction == "rtl" and locale("ru").direction == "ltr"


def test_root_index_lets_the_reader_choose(site: Path) -> None:
    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    assert [a["href"] for a in soup.select("#choose a")] == [
        "en/index.html", "es/index.html", "zh-hans/index.html", "ru/index.html"]
    assert not soup.select("[aria-current]")  # the root is no language's page
    assert soup.select_one("header .home")["href"] == "index.html"
    assert "navigator.languages" in soup.find("script").string
    assert "location" not in soup.find("script").string  # suggests, never redirects


def test_thresholds_decide_publishing_and_indexing_per_locale(blog: Path) -> None:
    from dataclasses import replace

    (blog / "intl-pub.toml").write_text(
        (blog / "intl-pub.toml").read_text(encoding="utf-8")
        + "\n[site.locales.ru]\nmin_reviewed_to_publish = 0.5\n"
        + "[site.locales.es]\nmin_reviewed_to_index = 0.5\n",
        encoding="utf-8",
    )
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    site = blog / "site"
    assert not (site / "ru" / "heat-wave-advice").exists()
    assert "/ru/" not in (site / "en" / "heat-wave-advice" / "index.html").read_text("utf-8")
    es = BeautifulSoup((site / "es" / "heat-wave-advice" / "index.html").read_text("utf-8"), "html.parser")
    assert es.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "/es/heat-wave-advice/" not in sitemap and "/zh-hans/heat-wave-advice/" in sitemap
    zh = BeautifulSoup((site / "zh-hans" / "heat-wave-advice" / "index.html").read_text("utf-8"), "html.parser")
    assert zh.find("meta", attrs={"name": "robots"}) is None


@pytest.mark.slow
def test_feed_updated_moves_only_for_the_language_whose_text_changed(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok

    def updated(lang: str) -> str:
        feed = feedparser.parse((blog / "site" / lang / "feed.xml").read_bytes())
        return next(e.updated for e in feed.entries if e.link.endswith("/heat-wave-advice/"))

    before = {lang: updated(lang) for lang in ("en", "es", "ru")}
    assert before["en"] == "2026-07-14T07:00:00+00:00"  # the original's own date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795100000")
    assert pipeline.run(settings).ok
    assert {lang: updated(lang) for lang in ("en", "es", "ru")} == before  # nothing changed
    po = blog / "translations" / "es" / "heat-wave-advice.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("#, fuzzy\nmsgid \"Staying safe during a heat wave\"\nmsgstr \"",
                               "msgid \"Staying safe during a heat wave\"\nmsgstr \"Seguridad durante una ola de calor\"\n\"", 1),
                  encoding="utf-8")
    assert pipeline.run(settings).ok
    after = {lang: updated(lang) for lang in ("en", "es", "ru")}
    assert after["en"] == before["en"] and after["ru"] == before["ru"]
    assert after["es"] == "2026-11-19T14:53:20+00:00"  # SOURCE_DATE_EPOCH of the run that changed it


def test_typography_follows_cldr_for_machine_output() -> None:
    from intl_pub.mt import typography

    assert typography.apply('Он сказал "да".', LOCALES["ru"]) == "Он сказал «да»."
    assert typography.apply("这 <1>医院</1> 开设了 一家 新 诊所", LOCALES["zh-Hans"]) == "这<1>医院</1>开设了一家新诊所"
    assert typography.apply('Dijo "sí" <1>hoy</1>', LOCALES["es"]) == "Dijo «sí» <1>hoy</1>"


def test_site_words_are_a_catalog_translators_can_override(blog: Path) -> None:
    from dataclasses import replace

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    site_po = blog / "translations" / "ru" / "site.po"
    assert 'msgstr "Читать оригинал на английском"' in site_po.read_text("utf-8")
    site_po.write_text(site_po.read_text("utf-8").replace("Читать оригинал на английском",
                                                          "Оригинал на английском"), "utf-8")
    assert pipeline.run(settings).ok
    page = (blog / "site" / "ru" / "heat-wave-advice" / "index.html").read_text("utf-8")
    assert ">Оригинал на английском</a>" in page


def test_the_interface_catalog_follows_a_new_title_and_keeps_a_translators_edit(
    blog: Path,
) -> None:
    """Publishing merges site.po again only when its template, the file or its memory
    changed: a new title is offered for translation, a translator's edit is kept, and a
    run with nothing changed leaves the file alone."""
    from dataclasses import replace

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    site_po = blog / "translations" / "es" / "site.po"
    edited = site_po.read_text("utf-8").replace('msgstr "Últimas publicaciones"',
                                                'msgstr "Lo último"')
    assert edited != site_po.read_text("utf-8")
    site_po.write_text(edited, "utf-8")
    assert pipeline.run(settings, pull=False, translate=False).ok
    assert site_po.read_text("utf-8") == edited
    stamp = site_po.stat().st_mtime_ns
    assert pipeline.run(settings, pull=False, translate=False).ok
    assert site_po.stat().st_mtime_ns == stamp
    toml = blog / "intl-pub.toml"
    toml.write_text(toml.read_text("utf-8").replace("Northbridge General Hospital — News",
                                                    "Northbridge Health News"), "utf-8")
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings, pull=False, translate=False).ok
    text = site_po.read_text("utf-8")
    assert 'msgid "Northbridge Health News"' in text and 'msgstr "Lo último"' in text


def test_a_template_in_the_work_folder_overrides_the_shipped_one(blog: Path) -> None:
    from dataclasses import replace

    (blog / "templates").mkdir()
    (blog / "templates" / "index.html").write_text(
        '{% extends "base.html" %}{% block main %}<p id="custom">{{ pages | length }} posts</p>{% endblock %}',
        encoding="utf-8")
    assert pipeline.run(replace(load_settings(blog), engine="pseudo")).ok
    index = BeautifulSoup((blog / "site" / "es" / "index.html").read_text("utf-8"), "html.parser")
    assert index.find(id="custom").get_text() == "4 posts"
    assert index.html["lang"] == "es"


NOTICE = ("This page was translated automatically and has not been fully reviewed by a person. "
          "Underlined passages are machine translations.")


def _shipped(tag: str, msgid: str) -> str:
    from intl_pub import catalog

    found = catalog.translations(catalog.load(publish.shipped_ui_catalog(locale(tag))))
    return found[("", msgid)].text


@pytest.mark.parametrize("path", ["en", "es", "zh-hans", "ru"])
def test_every_feed_entry_carries_its_page_notice_in_the_feed_language(site: Path, path: str) -> None:
    feed = feedparser.parse((site / path / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    for entry in feed.entries:
        content = BeautifulSoup(entry.content[0].value, "html.parser")
        notice = content.find(class_="l10n-notice")
        page = BeautifulSoup((site / path / entry.link.split("/")[-2] / "index.html").read_text("utf-8"),
                             "html.parser").find(class_="l10n-notice")
        if path == "en":
            assert notice is None and page is None
            continue
        assert notice.get_text(" ", strip=True) == page.get_text(" ", strip=True)
        assert notice.get_text().startswith(_shipped(feed.feed.language, NOTICE))
        original = notice.find("a", hreflang="en")["href"]
        assert original == entry.link.replace(f"/{path}/", "/en/")  # absolute in a feed


def test_links_between_pages_and_to_assets_are_relative_and_lead_somewhere(site: Path) -> None:
    absolute_allowed = {"canonical", "alternate"}  # the web wants these absolute (hreflang, feeds)
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        article = soup.find("article")
        for tag in soup.find_all(["a", "link"], href=True):
            if article is not None and article in tag.parents and not tag.find_parent(class_="l10n-notice"):
                continue  # the post's own links, as the source wrote them
            href = tag["href"]
            if tag.name == "link" and absolute_allowed & set(tag.get("rel", [])) and tag.get("type") != "application/atom+xml":
                assert href.startswith("http://localhost:8000/"), (page, href)
                continue
            assert "://" not in href and not href.startswith("/"), (page, href)
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_site_title_and_tagline_are_machine_translated_until_a_translator_reviews_them(
    blog: Path,
) -> None:
    from dataclasses import replace

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    site_po = blog / "translations" / "es" / "site.po"
    es = catalog.load(site_po)
    assert es is not None
    title = es.find("Northbridge General Hospital — News")
    assert title is not None and title.machine and any(c.startswith("mt: pseudo") for c in title.comments)
    assert title.references == (("intl-pub.toml", "4"),)  # its line in the settings file
    assert es.find("Latest posts").reviewed  # the shipped interface words stay as reviewed
    index = BeautifulSoup((blog / "site" / "es" / "index.html").read_text("utf-8"), "html.parser")
    home = index.select_one("header .home span[data-mt]")
    assert home is not None and home.get_text() == title.msgstr  # marked as machine translation
    # a translator reviews it (as Poedit does: text, fuzzy cleared); the next run shows it
    catalog.review(title, "Hospital General de Northbridge — Noticias")
    catalog.save(es, site_po)
    assert pipeline.run(settings).ok
    feed = feedparser.parse((blog / "site" / "es" / "feed.xml").read_bytes())
    assert feed.feed.title == "Hospital General de Northbridge — Noticias"
    ru_title = feedparser.parse((blog / "site" / "ru" / "feed.xml").read_bytes()).feed.title
    assert ru_title.startswith("[") and "Ñöŕţĥƀŕîđĝé" in ru_title  # machine translation, not English
    index = BeautifulSoup((blog / "site" / "es" / "index.html").read_text("utf-8"), "html.parser")
    assert index.title.get_text() == "Últimas publicaciones · Hospital General de Northbridge — Noticias"
    assert index.select_one("header .home").get_text() == "Hospital General de Northbridge — Noticias"
    assert index.select_one("header .home span[data-mt]") is None
    tagged = replace(settings, site_tagline="News from the ward")
    env = publish.Environment(tagged, blog / "templates")
    files = dict(env.index_files([], {"es": {"News from the ward": "Noticias de la planta"}}))
    es_index = BeautifulSoup(files["es/index.html"], "html.parser")
    assert es_index.select_one("header .tagline").get_text() == "Noticias de la planta"
    assert "<subtitle>Noticias de la planta</subtitle>" in files["es/feed.xml"]
    assert BeautifulSoup(files["en/index.html"], "html.parser").select_one("header .tagline").get_text() == "News from the ward"
    pot = (blog / "translations" / "templates" / "site.pot").read_text("utf-8")
    assert 'msgid "Northbridge General Hospital — News"' in pot  # where translators find it


def _english_outside_lang_en(page: BeautifulSoup, english: set[str]) -> list[str]:
    """The English interface words a page shows outside an element marked ``lang="en"``."""
    found = []
    for text in page.find_all(string=True):
        if text.parent is None or text.parent.name in {"script", "style"}:
            continue
        if any(p.get("lang", "").startswith("en") for p in text.parents if hasattr(p, "get")):
            continue
        found += [word for word in english if word in text]
    for element in page.find_all(attrs={"aria-label": True}):
        found += [word for word in english if word == element["aria-label"]]
    return found


@pytest.mark.parametrize("tag", ["ar", "ja"])
def test_a_locale_without_a_shipped_interface_catalog_reads_in_one_language(
    blog: Path, tag: str
) -> None:
    """The interface words and the title are machine-translated into site.po (fuzzy, `#. mt:`),
    shown marked; no English interface word is left, apart from held-back English blocks."""
    from dataclasses import replace

    from intl_pub.core.locales import parse_locales

    settings = replace(load_settings(blog), engine="pseudo", locales=parse_locales(tag))
    assert pipeline.run(settings).ok
    site_po = catalog.load(blog / "translations" / locale(tag).gettext / "site.po")
    assert site_po is not None and len(site_po) >= 12
    assert all(e.machine and any(c.startswith("mt: pseudo") for c in e.comments) for e in site_po)
    english = {e.msgid.split("{")[0].strip() for e in site_po} | {settings.site_title}
    english.discard("")
    pages = sorted((blog / "site" / locale(tag).path).rglob("index.html"))
    assert len(pages) == 5  # four posts and the index
    for path in pages:
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        assert page.html["lang"] == tag
        assert _english_outside_lang_en(page, english) == [], path
        assert settings.site_title not in page.title.get_text()
        assert page.select_one("header .home [data-mt]") is not None
    post = BeautifulSoup((blog / "site" / locale(tag).path / "heat-wave-advice" / "index.html")
                         .read_text("utf-8"), "html.parser")
    assert post.select_one("time [data-mt]") is not None  # "Published on …", marked
    assert post.find(attrs={"data-l10n": "source", "lang": "en"}) is not None  # held back: English
    feed = feedparser.parse((blog / "site" / locale(tag).path / "feed.xml").read_bytes())
    assert feed.feed.title != settings.site_title


def test_a_reviewed_translation_with_control_characters_keeps_page_and_feed_well_formed(blog: Path) -> None:
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    path = blog / "translations" / "es" / "heat-wave-advice.po"
    po = catalog.load(path)
    assert po is not None
    # a translator's editor saved a NUL and a C0 control inside a reviewed msgstr
    catalog.review(po[0], po[0].msgstr + "\x01\x00 ok")
    catalog.save(po, path)
    assert "\x01" in path.read_text("utf-8")
    pipeline.run(settings)
    feed = (blog / "site" / "es" / "feed.xml").read_bytes()
    ET.fromstring(feed)  # well-formed
    assert b"\x00" not in feed and b"\x01" not in feed
    page = (blog / "site" / "es" / "heat-wave-advice" / "index.html").read_bytes()
    assert b"\x00" not in page and b"\x01" not in page


def _generated_blog(root: Path, count: int) -> Path:
    (root / "posts").mkdir(parents=True)
    for i in range(count):
        _write_post(root, i, f"Clinic news {i}", f"Ward {i} moves to the east wing on Monday.")
    (root / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["posts"]\nengine = "pseudo"\n', "utf-8"
    )
    return root


def _write_post(root: Path, i: int, title: str, text: str) -> None:
    (root / "posts" / f"post-{i}.html").write_text(
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        f'<meta name="date" content="2026-03-{1 + i:02d}T08:00:00+00:00"></head><body><article>'
        f"<h1>{title}</h1><p>{text}</p><p>Visitors use the main entrance.</p>"
        "</article></body></html>",
        "utf-8",
    )


def _site_built_afresh(work: Path, tmp: Path) -> dict[str, bytes]:
    """site/ as a first publish of the same work folder writes it (feed times aside)."""
    import re
    import shutil

    from helpers import snapshot

    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(work, fresh, ignore=shutil.ignore_patterns("site", "publish.json"))
    assert pipeline.publish_site(load_settings(fresh)).ok
    return {k: re.sub(rb"<updated>[^<]*</updated>", b"", v) for k, v in snapshot(fresh / "site").items()}


@pytest.mark.slow
def test_listings_are_rendered_again_only_when_what_they_show_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from helpers import snapshot

    from intl_pub.publish import site

    monkeypatch.setattr(site, "FEED_ENTRIES", 3)
    work = _generated_blog(tmp_path / "work", 6)
    settings = load_settings(work)
    assert pipeline.run(settings).ok
    langs = ("en", "es", "zh-hans", "ru")
    indexes = {f"site/{lang}/index.html" for lang in langs}
    feeds = {f"site/{lang}/feed.xml" for lang in langs}

    def step() -> set[str]:
        report = pipeline.run(settings)
        assert report.ok, report.failures
        site = {k: re.sub(rb"<updated>[^<]*</updated>", b"", v) for k, v in snapshot(work / "site").items()}
        assert site == _site_built_afresh(work, tmp_path)  # incremental == from scratch
        return {w for w in report.written if w.startswith("site/")}

    def pages(i: int) -> set[str]:
        return {f"site/{lang}/post-{i}/index.html" for lang in langs}

    _write_post(work, 0, "Clinic news 0", "Ward 0 moves to the west wing on Monday.")
    assert step() == pages(0)  # an old post's text: its pages only, no listing
    _write_post(work, 5, "Clinic news 5", "Ward 5 moves to the west wing on Monday.")
    assert step() == pages(5) | feeds  # the newest post's text: its pages and the feeds
    _write_post(work, 1, "Parking news 1", "Ward 1 moves to the east wing on Monday.")
    assert step() == pages(1) | indexes  # an old post's title: the indexes too
    (work / "posts" / "post-5.html").unlink()  # a post gone from its source stays published,
    (work / "content" / "post-5.html").unlink()  # one gone from content/ goes
    assert step() == pages(5) | indexes | feeds | {"site/sitemap.xml"}  # post-2 enters the feeds
    _write_post(work, 7, "Clinic news 7", "Ward 7 moves to the east wing on Monday.")
    assert step() == pages(7) | indexes | feeds | {"site/sitemap.xml"}
    post = work / "posts" / "post-0.html"  # an old post's date: the sitemap's <lastmod> too
    post.write_text(post.read_text("utf-8").replace("2026-03-01T08:00", "2026-02-27T08:00"), "utf-8")
    assert step() == pages(0) | indexes | {"site/sitemap.xml"}  # still too old for a feed
    assert step() == set()


def test_every_page_links_the_favicon_that_is_there(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 16 + 4 + 1
    for page in pages:
        icon = BeautifulSoup(page.read_text("utf-8"), "html.parser").find("link", rel="icon")
        assert icon is not None and icon["type"] == "image/svg+xml", page
        target = (page.parent / icon["href"]).resolve()
        assert target == (site / "favicon.svg").resolve(), page
    svg = ET.parse(site / "favicon.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize(("path", "words"), [
    ("en", "The latest posts from Northbridge"), ("es", "Las últimas publicaciones de [Ñöŕţĥƀŕîđĝé"),
    ("ru", "Последние публикации сайта «[Ñöŕţĥƀŕîđĝé"), ("zh-hans", "的最新文章"), ("", "The latest posts"),
])
def test_index_pages_describe_themselves_in_their_language(site: Path, path: str, words: str) -> None:
    soup = BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")
    description = soup.find("meta", attrs={"name": "description"})
    assert description is not None and words in description["content"]


def test_an_index_description_is_the_tagline_when_there_is_one(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "blog"
    shutil.copytree(Path(__file__).parent.parent / "examples", root / "examples")
    settings_file = (Path(__file__).parent.parent / "intl-pub.toml").read_text("utf-8")
    (root / "intl-pub.toml").write_text(settings_file.replace(
        "[site]\n", '[site]\ntagline = "News and advice for our patients"\n'), "utf-8")
    from dataclasses import replace

    assert pipeline.run(replace(load_settings(root), engine="pseudo")).ok
    soup = BeautifulSoup((root / "site" / "es" / "index.html").read_text("utf-8"), "html.parser")
    # the tagline, machine-translated as the site's title is until site.po's entry is reviewed
    assert soup.find("meta", attrs={"name": "description"})["content"] == "[Ñéŵš àñđ àđṽîçé ƒöŕ öûŕ þàţîéñţš ~~~~~~~~~~]"


def test_the_sitemap_says_when_each_page_last_changed(site: Path) -> None:
    from datetime import datetime

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
               for u in root.findall("s:url", ns)}
    assert all(lastmod.values()) and len(lastmod) == 21
    when = {url: datetime.fromisoformat(text) for url, text in lastmod.items() if text}
    assert all(w.tzinfo is not None for w in when.values())
    # a post's pages: its date in the feed (2026-07-14T07:00 in examples/blog/feed.xml)
    for lang in ("en", "es", "zh-hans", "ru"):
        assert lastmod[f"http://localhost:8000/{lang}/heat-wave-advice/"] == "2026-07-14T07:00:00+00:00"
    # an index and the root: their newest page
    en_posts = [w for url, w in when.items() if url.startswith("http://localhost:8000/en/") and url.count("/") == 5]
    assert when["http://localhost:8000/en/"] == max(en_posts)
    assert when["http://localhost:8000/"] == max(when.values())


def test_a_reviewed_translation_with_line_separators_is_published_whole(blog: Path) -> None:
    """A translator's U+2028 / NEL used to cut the msgstr at read (polib split lines there) and
    the character before each was lost ("Señales dcalofin"). The catalog keeps them; the page
    shows each as a space, as HTML shows a line break typed in the text."""
    from dataclasses import replace

    from bs4 import BeautifulSoup

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    path = blog / "translations" / "es" / "heat-wave-advice.po"
    po = catalog.load(path)
    assert po is not None
    entry = next(e for e in po if e.msgid == "Signs of heat exhaustion")
    catalog.review(entry, "Señales de\u2028calor\u2028fin\x85ya\u2029hoy")
    catalog.save(po, path)
    saved = path.read_bytes()
    assert "de\u2028calor\u2028fin\x85ya".encode() in saved  # as an editor saves it, unescaped
    assert pipeline.run(settings).ok
    assert path.read_bytes() == saved  # the reviewed entry is kept exactly
    again = catalog.load(path)
    assert again is not None and again.find(entry.msgid).msgstr == "Señales de\u2028calor\u2028fin\x85ya\u2029hoy"
    page = BeautifulSoup((blog / "site" / "es" / "heat-wave-advice" / "index.html").read_text("utf-8"),
                         "html.parser")
    [block] = [p for p in page.find_all(attrs={"data-l10n": "reviewed"}) if "Señales" in p.get_text()]
    assert block.get_text() == "Señales de calor fin ya hoy"


def test_machine_translation_the_engine_was_unsure_of_waits_below_the_locales_threshold() -> None:
    doc = "<article><p>Call the ward today.</p></article>"
    key = ("", "Call the ward today.")
    unsure = {key: Translation("Llame a la planta hoy.", reviewed=False, confidence=0.31)}
    sure = {key: Translation("Llame a la planta hoy.", reviewed=False, confidence=0.93)}
    gate = policy.Gate(mode="verify", min_confidence=0.5)
    held = policy.render_document(doc, LOCALES["es"], unsure, gate=gate)
    assert held.stats.held_back == 1 and held.stats.machine == 0
    shown = policy.render_document(doc, LOCALES["es"], sure, gate=gate)
    assert shown.stats.machine == 1
    assert policy.render_document(doc, LOCALES["es"], unsure).stats.machine == 1  # no threshold


def test_the_gate_and_confidence_threshold_are_read_per_locale(tmp_path: Path) -> None:
    (tmp_path / "intl-pub.toml").write_text(
        '[site]\ngate = "verify"\nmin_confidence = 0.4\n\n[site.locales.ru]\ngate = "hold"\n'
        "min_confidence = 0.6\n\n[site.locales.es]\nhold_risky = false\n",
        "utf-8",
    )
    settings = load_settings(tmp_path)
    assert [settings.gate_for(LOCALES[t]) for t in ("es", "ru", "zh-Hans")] == ["open", "hold", "verify"]
    assert settings.threshold(LOCALES["ru"], "confidence") == 0.6
    assert settings.threshold(LOCALES["es"], "confidence") == 0.4
    (tmp_path / "intl-pub.toml").write_text('[site]\ngate = "strict"\n', "utf-8")
    with pytest.raises(ConfigError, match="gate must be one of verify, hold, open"):
        load_settings(tmp_path)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_posts_rendered_side_by_side_publish_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """A first publish renders posts in worker processes (started either way), chunk by
    chunk: the same site, records and report as one process, a damaged catalog reported for
    its post and language while the others are published."""
    import shutil

    from helpers import snapshot

    from intl_pub.pipeline import parallel, render
    from intl_pub.workdir.store import Store

    work = _generated_blog(tmp_path / "work", 9)
    assert pipeline.run(load_settings(work), publish=False).ok
    damaged = work / "translations" / "es" / "post-4.po"
    damaged.write_text('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', "utf-8")
    shutil.copytree(work, tmp_path / "alone")
    monkeypatch.setattr(render, "CHUNK", 4)  # three chunks
    monkeypatch.setattr(render, "GROUP", 2)  # of two or three jobs
    monkeypatch.setenv("INTL_PUB_WORKERS", "1")
    alone = pipeline.publish_site(load_settings(tmp_path / "alone"))
    workers: list[int] = []
    in_workers = parallel._in_workers

    def spy(job: object, arguments: list[object], count: int, *rest: object) -> object:
        if job is render.render_posts:
            workers.append(count)
        return in_workers(job, arguments, count, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_in_workers", spy)
    monkeypatch.setattr(parallel, "start_method", lambda inherit: method)
    monkeypatch.setenv("INTL_PUB_WORKERS", "3")
    largest = max(p.stat().st_size for p in (work / "content").iterdir())
    languages = len(load_settings(work).locales)
    # past any one post's languages (those stay in their worker), not four posts'
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", str(largest * languages + 1))
    side_by_side = pipeline.publish_site(load_settings(work))
    assert workers == [2, 2]  # two jobs in each of the chunks of four; the last, one post
    assert [f.replace(str(work), "W") for f in side_by_side.failures] == [
        f.replace(str(tmp_path / "alone"), "W") for f in alone.failures]
    assert [f.split(" [")[0] for f in alone.failures] == ["post-4"]
    assert side_by_side.written == alone.written
    assert snapshot(work / "site") == snapshot(tmp_path / "alone" / "site")
    assert (work / "site" / "ru" / "post-4" / "index.html").is_file()
    assert not (work / "site" / "es" / "post-4" / "index.html").exists()
    records = [Store(w).state.records("publish") for w in (work, tmp_path / "alone")]
    assert dict(records[0].items()) == dict(records[1].items())


def test_a_first_publish_keeps_only_the_bodies_a_feed_can_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies are dropped while posts render (memory): the feeds' newest keep theirs, no post
    is rendered twice to get one back, and the site is the one written when every body is
    kept to the end."""
    import shutil

    from helpers import snapshot

    from intl_pub.pipeline import publish as publish_step
    from intl_pub.pipeline import render
    from intl_pub.publish import site

    monkeypatch.setattr(site, "FEED_ENTRIES", 2)
    work = _generated_blog(tmp_path / "work", 9)
    days = [1, 6, 2, 7, 3, 8, 4, 8, 5]  # out of the slugs' order; post-5 and post-7 tie
    for i, day in enumerate(days):
        text = (work / "posts" / f"post-{i}.html").read_text("utf-8")
        (work / "posts" / f"post-{i}.html").write_text(
            text.replace(f"2026-03-{1 + i:02d}", f"2026-03-{day:02d}"), "utf-8"
        )
    settings = load_settings(work)
    assert pipeline.run(settings, publish=False).ok
    shutil.copytree(work, tmp_path / "untrimmed")
    held: list[list[str]] = []
    write_listings, render_post = publish_step._write_listings, render.render_post
    rendered: list[str] = []

    def counted(run: publish_step.PublishRun, *args: object) -> None:
        held.append(sorted(slug for slug in run.records if any(
            "body" in page for page in run.records[slug]["pages"].values())))
        write_listings(run, *args)  # type: ignore[arg-type]

    def rendering(renderer: object, slug: str, *args: object) -> object:
        rendered.append(slug)
        return render_post(renderer, slug, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(publish_step, "_write_listings", counted)
    monkeypatch.setattr(render, "render_post", rendering)
    monkeypatch.setattr(publish_step, "TRIM_EVERY", 3)
    assert pipeline.publish_site(settings).ok
    # the feeds' two newest, by date then slug (9 posts: the last trim came after the 9th)
    assert held == [["post-5", "post-7"]]
    assert sorted(rendered) == [f"post-{i}" for i in range(9)]  # each once
    monkeypatch.setattr(publish_step, "TRIM_EVERY", 10**6)
    assert pipeline.publish_site(load_settings(tmp_path / "untrimmed")).ok
    assert snapshot(work / "site") == snapshot(tmp_path / "untrimmed" / "site")
    entries = feedparser.parse((work / "site" / "es" / "feed.xml").read_bytes()).entries
    assert [e.link.rstrip("/").rsplit("/", 1)[-1] for e in entries] == ["post-7", "post-5"]
    assert ["Ward 7 moves" in entries[0].content[0].value,  # the body, whole
            "Ward 5 moves" in entries[1].content[0].value] == [True, True]


def test_a_long_list_of_posts_is_paged_newest_first_and_shrinks_with_the_blog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each language lists its posts INDEX_POSTS to a page, every post once, the pages
    linked in the reader's language; pages a shorter list no longer has are removed."""
    from intl_pub.publish import site

    monkeypatch.setattr(site, "INDEX_POSTS", 2)
    work = _generated_blog(tmp_path / "work", 5)
    settings = load_settings(work)
    assert pipeline.run(settings).ok

    def listed(lang: str) -> list[tuple[str, list[str], dict[str, str]]]:
        pages, name = [], "index.html"
        while name:
            soup = BeautifulSoup((work / "site" / lang / name).read_text("utf-8"), "html.parser")
            posts = [a["href"].split("/")[0] for a in soup.select("section.post h2 a")]
            links = {a["rel"][0]: a.get_text() for a in soup.select("nav.pages a")}
            canonical = soup.find("link", rel="canonical")["href"]
            assert canonical == f"http://localhost:8000/{lang}/" + ("" if name == "index.html" else name)
            pages.append((name, posts, links))
            older = soup.select_one('nav.pages a[rel="next"]')
            name = older["href"] if older else ""
        return pages

    es = listed("es")
    assert [(n, p) for n, p, _ in es] == [
        ("index.html", ["post-4", "post-3"]), ("index-2.html", ["post-2", "post-1"]),
        ("index-3.html", ["post-0"]),
    ]
    assert [links for _, _, links in es] == [
        {"next": "Publicaciones anteriores"},
        {"prev": "Publicaciones más recientes", "next": "Publicaciones anteriores"},
        {"prev": "Publicaciones más recientes"},
    ]
    assert [p for _, p, _ in listed("zh-hans")] == [p for _, p, _ in es]
    for i in (3, 4):
        (work / "posts" / f"post-{i}.html").unlink()
        (work / "content" / f"post-{i}.html").unlink()
    report = pipeline.run(settings)
    assert report.ok
    assert [(n, p) for n, p, _ in listed("es")] == [
        ("index.html", ["post-2", "post-1"]), ("index-2.html", ["post-0"]),
    ]
    assert not (work / "site" / "es" / "index-3.html").exists()
    assert "site/es/index-3.html" in report.written


def test_a_sitemap_past_the_protocols_limit_is_split_under_a_sitemap_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most SITEMAP_URLS URLs a file, every URL of the one-file sitemap in exactly one;
    files a smaller site no longer needs are removed."""
    from intl_pub.publish import site

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    monkeypatch.setattr(site, "SITEMAP_URLS", 10)
    work = _generated_blog(tmp_path / "work", 5)
    settings = load_settings(work)
    assert pipeline.run(settings).ok
    langs = ("en", "es", "zh-hans", "ru")
    every = sorted([f"http://localhost:8000/{lang}/post-{i}/" for lang in langs for i in range(5)]
                   + [f"http://localhost:8000/{lang}/" for lang in langs]
                   + ["http://localhost:8000/"])
    index = ET.parse(work / "site" / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.iterfind("s:sitemap/s:loc", ns)]
    # the first file: the sections, the root and one post (4 + 1 + 4); then two posts a file
    assert parts == [f"http://localhost:8000/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert all(m.text.startswith("2026-03-") for m in index.iterfind("s:sitemap/s:lastmod", ns))
    found = []
    for n in (1, 2, 3):
        urls = ET.parse(work / "site" / f"sitemap-{n}.xml").getroot().findall("s:url", ns)
        assert 0 < len(urls) <= 10
        found += [u.find("s:loc", ns).text for u in urls]
    assert sorted(found) == every

    monkeypatch.setattr(site, "SITEMAP_URLS", 50_000)  # the protocol's other limit: bytes
    monkeypatch.setattr(site, "SITEMAP_BYTES", 6_000)
    _write_post(work, 5, "Clinic news 5", "Ward 5 moves to the east wing on Monday.")
    assert pipeline.run(settings).ok
    index = ET.parse(work / "site" / "sitemap.xml").getroot()
    parts = [loc.text.rsplit("/", 1)[1] for loc in index.iterfind("s:sitemap/s:loc", ns)]
    assert len(parts) > 1 and all((work / "site" / p).stat().st_size <= 6_000 for p in parts)
    found = [u.text for p in parts
             for u in ET.parse(work / "site" / p).getroot().iterfind("s:url/s:loc", ns)]
    assert sorted(found) == sorted(every + [f"http://localhost:8000/{lang}/post-5/" for lang in langs])

    monkeypatch.setattr(site, "SITEMAP_BYTES", 50 * 2**20)
    for i in (4, 5):
        (work / "content" / f"post-{i}.html").unlink()
        (work / "posts" / f"post-{i}.html").unlink()
    report = pipeline.run(settings)
    assert report.ok
    assert ET.parse(work / "site" / "sitemap.xml").getroot().tag.endswith("urlset")
    assert sorted((work / "site").glob("sitemap-*.xml")) == []
    assert "site/sitemap-2.xml" in report.written


def test_a_users_list_and_sitemap_templates_from_before_paging_keep_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An overridden index.html without the link to older posts would strand every post
    past the first page: it keeps one page, as the user's template makes it, and says so."""
    import subprocess

    from intl_pub.publish import site

    monkeypatch.setattr(site, "INDEX_POSTS", 2)
    monkeypatch.setattr(site, "SITEMAP_URLS", 10)
    work = _generated_blog(tmp_path / "work", 5)
    (work / "templates").mkdir()
    root = Path(__file__).resolve().parent.parent
    for name in ("index.html", "sitemap.xml"):  # as they were before lists were paged
        old = subprocess.run(["git", "-C", str(root), "show", f"fb02939:src/intl_pub/templates/{name}"],
                             capture_output=True, text=True)
        if old.returncode != 0:
            pytest.skip(f"commit fb02939 is not in this checkout: {old.stderr[-200:]!r}")
        (work / "templates" / name).write_text(old.stdout, "utf-8")
    with caplog.at_level("WARNING"):
        assert pipeline.run(load_settings(work)).ok
    soup = BeautifulSoup((work / "site" / "es" / "index.html").read_text("utf-8"), "html.parser")
    assert len(soup.select("section.post")) == 5
    assert sorted(p.name for p in (work / "site").rglob("index-*.html")) == []
    assert sorted(p.name for p in (work / "site").glob("sitemap*.xml")) == ["sitemap.xml"]
    assert "templates/index.html predates paged lists" in caplog.text
    assert "templates/sitemap.xml predates split sitemaps" in caplog.text
