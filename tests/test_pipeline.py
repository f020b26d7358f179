"""The pipeline's steps end to end on the sample blog, without Prefect."""

from __future__ import annotations

import importlib
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from helpers import snapshot

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.core.model import Locale
from intl_pub.mt import MTResult, Progress, get_engine, masking
from intl_pub.review import status as review_status
from intl_pub.workdir.store import Store

SLUGS = [
    "flu-vaccination-2026",
    "heat-wave-advice",
    "new-pediatric-clinic",
    "patient-portal-results",
]


def run(workdir: Path, engine: str = "pseudo"):
    settings = replace(load_settings(workdir), engine=engine)
    return pipeline.run(settings)


def modification_times(folder: Path) -> dict[Path, int]:
    """Of every file but the lock, which each run stamps with its process id."""
    return {
        p: p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and p.name != pipeline.LOCK_FILE
    }


def page(workdir: Path, lang: str, slug: str) -> BeautifulSoup:
    html = (workdir / "site" / lang / slug / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def test_a_run_writes_content_catalogs_and_site(blog: Path) -> None:
    report = run(blog)
    assert report.ok, report.failures
    assert sorted(p.stem for p in (blog / "content").glob("*.html")) == SLUGS
    for slug in SLUGS:
        assert (blog / "translations" / "templates" / f"{slug}.pot").exists()
        for lang in ("en", "es", "zh-hans", "ru"):
            assert (blog / "site" / lang / slug / "index.html").exists()
    for lang in ("en", "es", "zh-hans", "ru"):
        assert (blog / "site" / lang / "index.html").exists()
        assert (blog / "site" / lang / "feed.xml").exists()
    assert (blog / "site" / "sitemap.xml").exists() and (blog / "site" / "index.html").exists()
    po = polib.pofile(str(blog / "translations" / "zh_Hans" / "heat-wave-advice.po"))
    assert po.metadata["Language"] == "zh_Hans"
    assert all(e.fuzzy and "mt: pseudo pseudo-en_zh 1" in e.comment for e in po)
    assert report.engine_calls == 3  # one batch per locale


def test_pages_are_localized_and_mark_machine_translation(blog: Path) -> None:
    run(blog)
    ru = page(blog, "ru", "heat-wave-advice")
    assert ru.html["lang"] == "ru" and ru.html["dir"] == "ltr"
    assert "Опубликовано 14 июля 2026\u202fг." in ru.find("time").get_text()
    assert "переведена автоматически" in ru.find("aside", class_="l10n-notice").get_text()
    assert [a.get_text() for a in ru.select("nav.languages a")] == [
        "English",
        "Español",
        "中文 (简体)",
        "Русский",
    ]
    assert (
        ru.select_one("nav.languages a[hreflang=zh-Hans]")["href"]
        == "../../zh-hans/heat-wave-advice/index.html"  # relative: site/ works anywhere
    )
    blocks = ru.select("article > p:not(.meta)")
    assert all(p["data-l10n"] in {"machine", "source"} for p in blocks)
    assert all(p.has_attr("data-mt") == (p["data-l10n"] == "machine") for p in blocks)
    held = [p for p in blocks if p["data-l10n"] == "source"]  # doses, phones: unreviewed
    assert any("30 °C" in p.get_text() for p in held) and any("999" in p.get_text() for p in held)
    assert all(p["lang"] == "en" for p in held)
    en = page(blog, "en", "heat-wave-advice")
    assert en.find("aside", class_="l10n-notice") is None and not en.select("[data-mt]")


def test_a_second_run_without_changes_rewrites_nothing_and_translates_nothing(blog: Path) -> None:
    run(blog)
    before = snapshot(blog)
    mtimes = modification_times(blog)
    report = run(blog)
    assert report.ok and report.written == [] and report.engine_calls == 0
    assert snapshot(blog) == before
    assert modification_times(blog) == mtimes


def test_a_site_published_before_the_posts_checks_were_kept_is_not_rendered_again(
    blog: Path,
) -> None:
    """An unchanged run reads each post's small check row, not its record: a work folder
    from before those rows gets them from its records once, and nothing is rendered."""
    run(blog)
    site = snapshot(blog / "site")
    slugs = Store(blog).slugs()
    with sqlite3.connect(blog / ".intl-pub" / "state.sqlite") as db:
        db.execute("DELETE FROM manifest WHERE step = 'publish-check'")
    db.close()
    report = run(blog)
    assert report.ok and report.written == [] and snapshot(blog / "site") == site
    checks = dict(Store(blog).manifest("publish-check").records)
    assert sorted(checks) == slugs
    assert all(len(files) == 1 + len(LOCALES) for _, files in checks.values())
    (blog / "site" / "es" / slugs[0] / "index.html").unlink()  # a page gone: rendered again
    assert run(blog).written == [f"site/es/{slugs[0]}/index.html"]


def _three_posts(folder: Path, extra: dict[str, str]) -> None:
    for name in ("a", "b", "c"):
        more = f"<p>{extra[name]}</p>" if name in extra else ""
        (folder / f"{name}.html").write_text(
            f"<html><head><title>Post {name}</title></head><body><article><h1>Post {name}</h1>"
            f"<p>Only post {name} says this.</p>{more}</article></body></html>", "utf-8")


@pytest.mark.parametrize("chunk", [1, 2_000])
def test_posts_translated_a_chunk_at_a_time_reuse_a_review_from_a_later_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A run with many changed posts merges, translates and writes them a chunk at a time
    (its memory is a chunk's, not the archive's): a sentence a translator reviewed in post
    c serves post a, merged in an earlier chunk, as it does when all are one batch."""
    monkeypatch.setattr(importlib.import_module("intl_pub.pipeline.translate"), "CHUNK", chunk)
    posts = tmp_path / "posts"
    posts.mkdir()
    (tmp_path / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["posts"]\nengine = "pseudo"\nlocales = ["es"]\n', "utf-8")
    shared = "Call the clinic before you come."
    _three_posts(posts, {"c": shared})
    assert run(tmp_path).ok
    po = tmp_path / "translations" / "es" / "c.po"
    catalog_c = polib.pofile(str(po))
    entry = catalog_c.find(shared)
    assert entry is not None and "fuzzy" in entry.flags
    entry.msgstr, entry.flags = "Llame a la clínica antes de venir.", []
    catalog_c.save(str(po))
    _three_posts(posts, {"a": shared, "b": "A new paragraph for post b.", "c": shared})
    report = run(tmp_path)
    assert report.ok and report.engine_calls == 1  # b's new paragraph only
    reused = polib.pofile(str(tmp_path / "translations" / "es" / "a.po")).find(shared)
    assert reused is not None and reused.msgstr == "Llame a la clínica antes de venir."
    assert "fuzzy" not in reused.flags and "reviewed in c" in reused.comment


def test_a_reviewed_translation_survives_a_rerun_and_is_published(blog: Path) -> None:
    run(blog)
    path = blog / "translations" / "es" / "heat-wave-advice.po"
    text = path.read_text(encoding="utf-8")
    # What a translator does in a text editor: write the msgstr, drop the fuzzy flag, comment.
    msgid = '"Check on neighbours who live alone. A short visit can save a life."'
    entry = re.search(
        r"(#\. p\n#\. id: [0-9a-f]{10}\n#\. mt: [^\n]*\n#: [^\n]*\n)#, fuzzy\n(msgid "
        + re.escape(msgid)
        + r")\nmsgstr [^\n]*\n(?:\"[^\n]*\n)*",
        text,
    )
    assert entry is not None
    reviewed = (
        "# Revisado por Lucía\n" + entry.group(1) + entry.group(2) + "\n"
        'msgstr "Visite a los vecinos que viven solos. Una visita corta puede salvar una vida."\n'
    )
    path.write_text(text.replace(entry.group(0), reviewed), encoding="utf-8")
    edited = path.read_bytes()
    report = run(blog)
    assert report.ok and report.engine_calls == 0
    assert path.read_bytes() == edited  # nothing the translator wrote was touched
    quote = page(blog, "es", "heat-wave-advice").find("blockquote").p
    assert (
        quote.get_text()
        == "Visite a los vecinos que viven solos. Una visita corta puede salvar una vida."
    )
    assert not quote.has_attr("data-mt")


def test_a_changed_paragraph_costs_one_engine_call_per_locale(blog: Path) -> None:
    run(blog)
    post = blog / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    post.write_text(
        post.read_text(encoding="utf-8").replace("A short visit", "A short call"), encoding="utf-8"
    )
    report = run(blog)
    assert report.ok and report.engine_calls == 3
    po = catalog.load(blog / "translations" / "ru" / "heat-wave-advice.po")
    assert po is not None
    [changed] = [e for e in po if e.previous_msgid]
    assert changed.previous_msgid.endswith("A short visit can save a life.")
    assert changed.msgid.endswith("A short call can save a life.") and changed.fuzzy


@pytest.mark.slow
def test_a_broken_catalog_is_reported_left_alone_and_the_rest_goes_on(blog: Path) -> None:
    run(blog)
    broken = blog / "translations" / "ru" / "heat-wave-advice.po"
    damaged = broken.read_bytes().replace(b'msgstr "', b'msgstr "unclosed\n', 1)
    broken.write_bytes(damaged)
    other = blog / "site" / "ru" / "flu-vaccination-2026" / "index.html"
    post = blog / "examples" / "blog" / "posts" / "flu-vaccination-2026.html"
    post.write_text(
        post.read_text(encoding="utf-8").replace(
            "Health and care workers", "Health and social care workers"
        ),
        encoding="utf-8",
    )
    report = run(blog)
    assert broken.read_bytes() == damaged
    assert any(
        f.startswith("heat-wave-advice [ru]: ") and "heat-wave-advice.po:" in f
        for f in report.failures
    )
    assert "Ĥéàļţĥ àñđ šöçîàļ çàŕé" in other.read_text(encoding="utf-8")
    rows = {(r.locale, r.slug): r for r in review_status.status(replace(load_settings(blog), engine="pseudo"))}
    assert "heat-wave-advice.po:" in rows[("ru", "heat-wave-advice")].error
    assert rows[("es", "heat-wave-advice")].error == "" and rows[("es", "heat-wave-advice")].stats.total > 0


class TokenDroppingEngine:
    """An engine that loses inline markup, as real MT sometimes does."""

    name = "dropper"

    def label(self, locale: Locale) -> str:
        return "dropper test 1"

    def check(self, locales: Sequence[Locale]) -> None:
        return None

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        return [re.sub(r"</?\d+/?>", "", t).upper() for t in texts]

    def translate_scored(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None,
        memory: object = None, stats: object = None,
    ) -> list[MTResult]:
        return [MTResult(text, None) for text in self.translate(texts, locale, progress)]


def test_lost_tokens_fall_back_to_pieces_and_say_so() -> None:
    from intl_pub.core.model import RunReport

    report = RunReport()
    [(text, note, confidence)] = masking.machine_translate(
        TokenDroppingEngine(), LOCALES["es"], ["Read the <1>full report</1> now.<2/>"], None, report
    )
    assert text == "READ THE <1>FULL REPORT</1> NOW.<2/>"
    assert note == masking.PIECES_NOTE and report.engine_calls == 2 and confidence is None


@pytest.mark.slow
def test_argos_run_on_the_sample_blog(blog: Path, argos_models: Path) -> None:
    report = run(blog, engine="argos")
    assert report.ok, report.failures
    po = catalog.load(blog / "translations" / "es" / "new-pediatric-clinic.po")
    assert po is not None
    for e in po:  # the engine's confidence, as CTranslate2 scored the translation
        [note] = [c for c in e.comments if c.startswith("mt: ")]
        assert re.fullmatch(r"mt: argos translate-en_es 0\.0\.1 · confidence (0\.\d\d|1\.00)", note)
        assert e.confidence is not None and 0 < e.confidence <= 1
    assert get_engine("argos").translate(["Hello world."], LOCALES["es"]) == ["Hola mundo."]


@pytest.mark.slow
@pytest.mark.subprocess
def test_gnu_msgfmt_accepts_every_generated_catalog(blog: Path, argos_models: Path) -> None:
    import os
    import shutil
    import subprocess

    import pytest

    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt missing: .ci/run must install gettext")
        pytest.skip("GNU gettext not installed")
    run(blog, engine="argos")
    catalogs = sorted((blog / "translations").rglob("*.po"))
    assert len(catalogs) == 15  # 4 posts x 3 locales, and each locale's site.po
    for path in [*catalogs, *sorted((blog / "translations").rglob("*.pot"))]:
        result = subprocess.run(["msgfmt", "-c", "--check-format", "-o", os.devnull, str(path)],
                                capture_output=True, text=True)
        assert (result.returncode, result.stderr) == (0, ""), path  # not even a warning


@pytest.mark.slow
@pytest.mark.subprocess
def test_msgfmt_is_silent_and_msgcat_changes_no_byte_of_any_catalog_or_template(blog: Path) -> None:
    """Every file under translations/, for shipped and configured languages alike."""
    import os
    import shutil
    import subprocess

    from intl_pub.core.locales import parse_locales

    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt missing: .ci/run must install gettext")
        pytest.skip("GNU gettext not installed")
    settings = replace(load_settings(blog), engine="pseudo",
                       locales=parse_locales("es,zh-Hans,ru,ar,ja"))
    assert pipeline.run(settings).ok
    files = sorted((blog / "translations").rglob("*.po*"))
    assert len(files) == 5 * 5 + 5  # (4 posts + site) x 5 locales, and the 5 templates
    for path in files:
        result = subprocess.run(["msgfmt", "-c", "--check-format", "-o", os.devnull, str(path)],
                                capture_output=True, text=True)
        assert (result.returncode, result.stderr) == (0, ""), path
        again = subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
        assert again.stdout == path.read_bytes(), path


def test_every_source_reference_opens_from_the_catalog_as_poedit_resolves_it(blog: Path) -> None:
    """Poedit opens a `#: file:line` reference at X-Poedit-Basepath, relative to the catalog."""
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    opened = 0
    for path in sorted((blog / "translations").rglob("*.po*")):
        po = polib.pofile(str(path))
        base = path.parent / po.metadata["X-Poedit-Basepath"]
        assert base.resolve() == blog.resolve(), path
        for entry in po:
            for name, line in entry.occurrences:
                lines = (base / name).read_text("utf-8").splitlines()
                assert not line or 1 <= int(line) <= len(lines), (path, name, line)
                opened += 1
    assert opened > 100
    site = polib.pofile(str(blog / "translations" / "es" / "site.po"))
    [(name, line)] = site.find("Northbridge General Hospital — News").occurrences
    assert (blog / name).read_text("utf-8").splitlines()[int(line) - 1].startswith("title = ")


def test_a_catalog_is_checked_for_gnu_syntax_unless_it_is_the_file_the_run_wrote(blog: Path, monkeypatch) -> None:
    from intl_pub.catalog import poformat

    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    linted: list[str] = []
    real_lint = poformat.lint

    def lint(text: str) -> tuple[int, str] | None:
        linted.append(text)
        return real_lint(text)

    monkeypatch.setattr(poformat, "lint", lint)
    post = next(p for p in (blog / "translations" / "es").glob("*.po") if p.stem != "site")
    (blog / "content" / f"{post.stem}.html").write_text(
        (blog / "content" / f"{post.stem}.html").read_text("utf-8").replace("</article>", "<p>New.</p></article>"),
        "utf-8",
    )
    assert pipeline.run(settings, pull=False).ok  # (a pull would bring the feed's text back)
    assert 'msgid "New."' in post.read_text("utf-8")  # the catalog was read, merged, written
    # ... template and catalogs read by translate, then publish, as the run's own bytes
    assert not [t for t in linted if f"#: content/{post.stem}.html" in t]
    post.write_text(post.read_text("utf-8").replace('msgid "New."', '# checked by a person\nmsgid "New."'), "utf-8")
    assert pipeline.run(settings, pull=False).ok
    assert [t for t in linted if "# checked by a person" in t]  # a translator's save is checked


def test_a_templates_creation_date_is_its_posts_date_from_the_feed(blog: Path) -> None:
    """POT-Creation-Date: the entry's <updated> when later than <published>, else <published>."""
    import feedparser

    assert run(blog).ok
    feed = feedparser.parse((blog / "examples" / "blog" / "feed.xml").read_bytes())
    expected = {}
    for entry in feed.entries:
        moment = max(entry.published_parsed, entry.get("updated_parsed") or entry.published_parsed)
        slug = entry.link.rsplit("/", 1)[-1].removesuffix(".html")
        expected[slug] = "{:04}-{:02}-{:02} {:02}:{:02}+0000".format(*moment[:5])
    assert len(set(expected.values())) == 4
    for slug, date in expected.items():
        pot = polib.pofile(str(blog / "translations" / "templates" / f"{slug}.pot"))
        po = polib.pofile(str(blog / "translations" / "es" / f"{slug}.po"))
        assert pot.metadata["POT-Creation-Date"] == po.metadata["POT-Creation-Date"] == date
