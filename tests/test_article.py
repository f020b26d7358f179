"""Article extraction and metadata on real pages shipped in PyPI packages (tests/data/real)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from intl_pub import article, sources

REAL = Path(__file__).resolve().parent / "data" / "real"


def word_f1(extracted: str, reference: str) -> float:
    got = Counter(re.findall(r"\w+", extracted.lower()))
    want = Counter(re.findall(r"\w+", reference.lower()))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("name", ["cnn_article", "yna_co_kr"])
def test_real_news_pages_give_their_article_and_title(name: str) -> None:
    meta = json.loads((REAL / f"{name}.json").read_text("utf-8"))
    html = (REAL / f"{name}.html").read_text("utf-8", errors="replace")
    post = sources.parse_page(html, meta["url"], name)
    text = BeautifulSoup(post.body, "html.parser").get_text(" ")
    assert word_f1(text, (REAL / f"{name}.txt").read_text("utf-8")) >= 0.95
    assert post.title == meta["title"]  # "... - CNN.com" / "... | Yonhap" taken off
    assert "<script" not in post.body and "class=" not in post.body


def test_real_page_keeps_headings_lists_links_and_images_with_alt() -> None:
    html = (REAL / "mozilla.org.firefox.developer.html").read_text("utf-8")
    post = sources.parse_page(html, "https://www.mozilla.org/en-US/firefox/developer/", "dev")
    soup = BeautifulSoup(post.body, "html.parser")
    assert post.title == "Welcome to Firefox Developer Edition"
    headings = [h.get_text() for h in soup.find_all("h2")]
    wanted = ["WebIDE", "Valence", "Page Inspector", "Web Console", "JavaScript Debugger"]
    assert [h for h in headings if h in wanted] == wanted  # all there, in the page's order
    assert soup.find("li") is not None
    assert soup.find("a", href="https://developer.mozilla.org/docs/Tools/WebIDE") is not None
    assert all(img.get("alt") for img in soup.find_all("img"))
    assert post.summary.startswith("Built for those who build the Web.")


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [("Clinic opens | Northbridge News", "Northbridge News", "Clinic opens"),
     ("Northbridge News - Clinic opens", "Northbridge News", "Clinic opens"),
     ("Gates on Tillerson: 'Friends' | CNN Politics", "", "Gates on Tillerson: 'Friends'"),
     ("Anticorrupción decidirá si recurre » Local » Noticias » Ultima Hora", "Ultima Hora",
      "Anticorrupción decidirá si recurre"),
     ("Ask a nurse - what to pack", "", "Ask a nurse - what to pack")],
)
def test_titles_lose_the_site_name(title: str, site: str, expected: str) -> None:
    html = (f"<html><head><title>{title}</title><meta property='og:site_name' content='{site}'>"
            "</head><body><p>x</p></body></html>")
    assert article.extract(html, "https://www.cnn.com/x").title == expected


def test_an_h1_that_is_the_sites_logo_is_not_the_title() -> None:
    # Title of a real page cached in trafilatura 0.9.0's sdist (github.blog.spiceland.html).
    html = ("<html><head><title>Leader spotlight: Erin Spiceland - The GitHub Blog</title></head>"
            "<body><h1>The GitHub Blog</h1><article><p>Text.</p></article></body></html>")
    assert article.extract(html, "https://github.blog/2019-03-29-leader-spotlight/").title == (
        "Leader spotlight: Erin Spiceland")


def test_dates_and_author_from_meta_json_ld_and_time() -> None:
    html = """<html><head><title>T</title>
    <meta property="article:published_time" content="2026-03-01T10:00:00+01:00">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "T", "dateModified": "2026-03-02T08:00:00Z",
       "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"name": "Li Wei"}]}]}</script>
    </head><body><article><p>Body text.</p></article></body></html>"""
    found = article.extract(html, "https://example.org/t")
    assert found.published == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert found.updated == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert found.author == "Ana Ruiz, Li Wei"
    only_time = article.extract("<title>T</title><article><time datetime='2025-12-24'>Xmas</time>"
                                "<p>Body.</p></article>")
    assert only_time.published == datetime(2025, 12, 24, tzinfo=UTC)


def test_a_real_sitemap_lists_its_pages_with_lastmod() -> None:
    entries = sources.sitemap_entries((REAL / "sitemap.xml").read_bytes(), "https://www.sitemaps.org/")
    assert len(entries) == 84 and entries[0] == ("https://www.sitemaps.org/", "2016-11-21")


def test_the_articles_own_headings_are_kept() -> None:
    # CNN marks its section headings <h2 class="subheader"> (newspaper4k's cnn_002.html).
    paragraph = "<p>" + "Words of the article that make it long enough to be read as one. " * 6 + "</p>"
    html = ("<html><head><title>Takeaways | CNN Politics</title></head><body><nav><a href='/'>Home</a>"
            f"</nav><div class='article__content'>{paragraph}<h2 class='subheader'>The campaign comes "
            f"to the courtroom</h2>{paragraph}<h2 id='section-header-2'>Loans at issue</h2>{paragraph}"
            "</div></body></html>")
    body = BeautifulSoup(article.extract(html, "https://edition.cnn.com/x").body, "html.parser")
    assert [h.get_text() for h in body.find_all("h2")] == ["The campaign comes to the courtroom",
                                                          "Loans at issue"]
