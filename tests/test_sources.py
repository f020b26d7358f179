"""Sources: Atom, RSS, pages and folders into posts; slugs; clear errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from intl_pub import sources
from intl_pub.core.config import SourceSettings
from intl_pub.core.errors import SourceError
from intl_pub.core.model import Post

ROOT = Path(__file__).resolve().parent.parent

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>News</title>
  <entry>
    <title type="html">Clinic &lt;b&gt;opens&lt;/b&gt;</title>
    <link rel="alternate" href="https://example.org/news/clinic-opens/"/>
    <published>2026-03-01T10:00:00Z</published>
    <summary>Short.</summary>
    <content type="html">&lt;p&gt;The clinic &lt;em&gt;opens&lt;/em&gt; today.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>XHTML post</title>
    <link href="https://example.org/news/xhtml.html"/>
    <updated>2026-02-01T10:00:00+01:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <a href="/x">world</a>.</p></div></content>
  </entry>
</feed>"""

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>News</title>
<item><title>First</title><link>https://example.org/p/first</link>
<pubDate>Tue, 10 Mar 2026 08:00:00 GMT</pubDate><description>&lt;b&gt;Sum&lt;/b&gt;mary</description>
<content:encoded><![CDATA[<p>Body <strong>text</strong>.</p>]]></content:encoded></item>
<item><title>First</title><link>https://example.org/q/first</link>
<description>Second with the same slug</description>
<content:encoded><![CDATA[<p>Other.</p>]]></content:encoded></item>
</channel></rss>"""


def test_atom_entries_become_posts() -> None:
    result = sources.parse_feed(ATOM, "https://example.org/feed.xml")
    clinic, xhtml = result.posts
    assert result.failures == []
    assert clinic == Post(
        slug="clinic-opens", title="Clinic opens", body="<p>The clinic <em>opens</em> today.</p>\n",
        published=datetime(2026, 3, 1, 10, tzinfo=UTC), url="https://example.org/news/clinic-opens/",
        summary="Short.", identity="https://example.org/news/clinic-opens/")
    # Relative links are resolved against the feed.
    assert xhtml.slug == "xhtml" and xhtml.body == '<p>Hello <a href="https://example.org/x">world</a>.</p>\n'


def test_a_feed_entrys_later_update_is_kept_with_the_stored_post() -> None:
    feed = ATOM.replace(b"<published>2026-03-01T10:00:00Z</published>",
                        b"<published>2026-03-01T10:00:00Z</published><updated>2026-03-04T08:15:00Z</updated>", 1)
    assert feed != ATOM
    clinic = sources.parse_feed(feed, "https://example.org/feed.xml").posts[0]
    assert clinic.updated == datetime(2026, 3, 4, 8, 15, tzinfo=UTC)
    stored = sources.to_document(clinic)
    assert sources.from_document(stored, clinic.slug) == clinic
    assert sources.stored_date(stored) == clinic.updated
    # the same date again is no update; a post without dates has none
    assert sources.parse_feed(ATOM, "https://example.org/feed.xml").posts[0].updated is None
    undated = Post("x", "X", "<p>x</p>\n", sources.EPOCH)
    assert sources.stored_date(sources.to_document(undated)) is None


def test_rss_items_become_posts_with_unique_slugs() -> None:
    first, second = sources.parse_feed(RSS, "https://example.org/rss").posts
    assert (first.slug, first.summary, first.body) == ("first", "Summary", "<p>Body <strong>text</strong>.</p>\n")
    assert first.published == datetime(2026, 3, 10, 8, tzinfo=UTC)
    assert second.slug == "first-2"


def test_sample_feed_links_to_local_posts() -> None:
    posts = sources.read_source(str(ROOT / "examples" / "blog" / "feed.xml")).posts
    assert [p.slug for p in posts] == ["flu-vaccination-2026", "new-pediatric-clinic",
                                       "heat-wave-advice", "patient-portal-results"]
    assert all(p.body.strip() and "<h1" not in p.body for p in posts)


def test_a_stored_post_reads_back_exactly() -> None:
    for post in sources.read_source(str(ROOT / "examples" / "blog" / "feed.xml")).posts:
        assert sources.from_document(sources.to_document(post), post.slug) == post


@pytest.mark.parametrize(
    ("text", "slug"),
    [("../../etc/passwd", "etc-passwd"), ("/abs/path", "abs-path"), ("Ünïcödé\x00 Title!", "unicode-title"),
     ("", "post"), ("健康", "post"), ("site", "site-post"), ("a" * 200, "a" * 80)],
)
def test_slugs_are_safe_file_names(text: str, slug: str) -> None:
    assert sources.slugify(text) == slug


def test_an_html_error_page_is_not_a_feed(tmp_path: Path) -> None:
    [failure] = sources.parse_feed(b"<html><body><h1>502 Bad Gateway</h1></html", "https://example.org/feed").failures
    assert "not a readable Atom/RSS feed" in failure
    truncated = tmp_path / "feed.xml"
    truncated.write_bytes(ATOM[:300])
    result = sources.read_source(str(truncated))
    assert result.posts == [] and re.search(r"feed\.xml: not a readable Atom/RSS feed", result.failures[0])


def test_a_feed_may_not_reach_outside_its_folder(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
                     b'<link href="../secret.html"/></entry></feed>')
    (tmp_path.parent / "secret.html").write_text("<p>secret</p>")
    [failure] = sources.read_source(str(feed)).failures
    assert "entry 1" in failure and "outside the feed's folder" in failure


def test_missing_sources_and_oversized_posts_are_clear_errors(tmp_path: Path) -> None:
    assert "no such file or folder" in sources.read_source(str(tmp_path / "nope")).failures[0]
    assert "no .html files" in sources.read_source(str(tmp_path)).failures[0]
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * (sources.MAX_BYTES + 1))
    assert "over the 5242880-byte limit" in sources.read_source(str(big)).failures[0]


def test_a_folder_gone_or_unreadable_when_listed_is_its_sources_failure(tmp_path: Path) -> None:
    """Named, then gone (or not listable by this user) when the pull lists it: a line in the
    report (pull catches SourceError), not a traceback that stops the other sources."""
    from intl_pub.sources.folder import page_files

    with pytest.raises(SourceError, match="cannot list this folder"):
        page_files(tmp_path / "gone")


def test_a_page_in_another_encoding_is_decoded_as_declared(tmp_path: Path) -> None:
    page = tmp_path / "cafe.html"
    page.write_bytes('<meta charset="iso-8859-1"><title>Café</title><article><p>Crème brûlée</p></article>'
                     .encode("latin-1"))
    [post] = sources.read_source(str(page)).posts
    assert (post.slug, post.title, post.body) == ("cafe", "Café", "<p>Crème brûlée</p>\n")


def test_per_source_settings_come_from_the_settings_file(tmp_path: Path) -> None:
    from intl_pub.core.config import load_settings

    (tmp_path / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["https://news.example.org/feed.xml", "posts"]\n'
        'allowed_hosts = ["Wiki.Intranet"]\nfetch_deadline_seconds = 5\n'
        '[sources."https://news.example.org/feed.xml"]\ncontent_selector = "main .post"\n'
        'exclude_selectors = [".share"]\n[sources.posts]\ntrusted = true\n', encoding="utf-8")
    settings = load_settings(tmp_path, env={})
    news = settings.for_source("https://news.example.org/feed.xml")
    assert (news.content_selector, news.exclude_selectors, news.trusted) == ("main .post", (".share",), False)
    assert (news.allowed_hosts, news.fetch_deadline_seconds) == (("wiki.intranet",), 5.0)
    assert settings.for_source(str(tmp_path / "posts")).trusted is True
    assert settings.for_source("https://other.example/").content_selector == ""


def test_a_content_selector_overrides_the_guess(tmp_path: Path) -> None:
    page = tmp_path / "post.html"
    page.write_text("<title>T</title><body><div class='x'><p>Chosen words.</p></div>"
                    "<article><p>Not these.</p></article></body>", encoding="utf-8")
    chosen = SourceSettings(content_selector=".x")
    [post] = sources.read_source(str(page), None, chosen).posts
    assert post.body == "<p>Chosen words.</p>\n"
    missing = sources.read_source(str(page), None, SourceSettings(content_selector=".nope"))
    assert missing.posts == [] and "matches nothing" in missing.failures[0]


RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<item><title>Ninety-one</title>
<description>&lt;p&gt;Old &lt;b&gt;style&lt;/b&gt; body.&lt;/p&gt;</description></item></channel></rss>"""
RSS10 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://example.org/"><title>RDF</title></channel>
<item rdf:about="https://example.org/p/rdf"><title>RDF item</title><link>https://example.org/p/rdf</link>
<dc:date>2026-03-10T08:00:00+02:00</dc:date>
<content:encoded><![CDATA[<p>RDF <em>body</em>.</p>]]></content:encoded></item></rdf:RDF>"""
LOOSE = b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Loose</title>
<item><title>Loose date</title><link>/p/loose</link><guid>tag:example.org,2026:1</guid>
<pubDate>10 Mar 2026 08:00 GMT</pubDate>
<content:encoded><![CDATA[<p>See <a href="/about">us</a> <img src="x.png" alt="Us">.</p>]]></content:encoded></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("feed", "title", "published", "body"),
    [(RSS091, "Ninety-one", None, "<p>Old <b>style</b> body.</p>\n"),
     (RSS10, "RDF item", datetime(2026, 3, 10, 6, tzinfo=UTC), "<p>RDF <em>body</em>.</p>\n"),
     (LOOSE, "Loose date", datetime(2026, 3, 10, 8, tzinfo=UTC),
      '<p>See <a href="https://example.org/about">us</a> <img alt="Us" src="https://example.org/x.png"/>.</p>\n')],
)
def test_rss_091_rss_10_and_loose_feeds(feed: bytes, title: str, published: datetime | None,
                                        body: str | None) -> None:
    result = sources.parse_feed(feed, "https://example.org/feed")
    [post] = result.posts
    assert post.title == title and result.failures == []
    if published:
        assert post.published == published
    if body:
        assert post.body == body
    if feed is LOOSE:
        assert post.identity == "tag:example.org,2026:1" and post.url == "https://example.org/p/loose"


def test_external_entities_in_a_feed_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
           "<description>d</description><link>https://example.org/a</link></item></channel></rss>")
    feed = tmp_path / "feed.xml"
    feed.write_text(xxe)
    result = sources.read_source(str(feed))
    assert result.posts == [] and "refused" in result.failures[0]
    assert "TOP SECRET" not in repr(result)


def test_forbidden_characters_never_reach_a_stored_post() -> None:
    feed = ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            "<channel><title>t</title><item><title>Bad\x01 title</title><link>https://example.org/a</link>"
            "<content:encoded><![CDATA[<p>NUL\x00 and BEL\x07 and \ufffe.</p>]]></content:encoded>"
            "</item></channel></rss>").encode()
    [post] = sources.parse_feed(feed, "https://example.org/feed").posts
    assert post.title == "Bad title" and post.body == "<p>NUL and BEL and .</p>\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-16-le"])
def test_a_feed_in_utf16_or_utf32_reads_like_utf8(codec: str) -> None:
    data = ATOM.decode("utf-8").replace('encoding="utf-8"', f'encoding="{codec}"').encode(codec)
    result = sources.parse_feed(data, "https://example.org/feed.xml")
    assert [p.title for p in result.posts] == ["Clinic opens", "XHTML post"] and not result.failures


CONTENT_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><id>urn:n</id>
  <entry><title>Heat wave advice</title><id>urn:n:heat</id><link href="https://news.example/heat-wave-advice"/><updated>2026-07-14T07:00:00Z</updated>
    <content type="html">&lt;p&gt;Drink &lt;b&gt;water&lt;/b&gt; often.&lt;/p&gt;&lt;p&gt;Stay in the shade.&lt;/p&gt;</content></entry>
  <entry><title>Long news</title><id>urn:n:long</id><link href="https://news.example/long-news"/><updated>2026-07-13T07:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{long}</p></div></content></entry>
</feed>""".format(long="The ward moves to the new wing on Monday. " * 20)


def test_an_entry_with_content_and_no_summary_shows_text_on_indexes_and_meta(tmp_path: Path) -> None:
    """feedparser hands such an entry its content as summary: the raw HTML was shown as text on
    every language's index and in meta/og descriptions. Summaries are text (the content's,
    cut at about 300 characters)."""
    from dataclasses import replace

    from bs4 import BeautifulSoup

    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    (tmp_path / "feed.xml").write_text(CONTENT_ONLY, "utf-8")
    (tmp_path / "intl-pub.toml").write_text('[pipeline]\nsources = ["feed.xml"]\nlocales = ["es"]\n', "utf-8")
    assert pipeline.run(replace(load_settings(tmp_path, env={}), engine="pseudo")).ok
    site = tmp_path / "site"
    english = BeautifulSoup((site / "en" / "index.html").read_text("utf-8"), "html.parser").get_text()
    assert "Drink water often. Stay in the shade." in english
    for page in [site / lang / slug / "index.html" for lang in ("en", "es")
                 for slug in ("heat-wave-advice", "long-news")] + [site / "es" / "index.html"]:
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        shown = [soup.get_text()] + [m.get("content", "") for m in soup.find_all(
            "meta", attrs={"name": "description"}) + soup.find_all("meta", property="og:description")]
        assert not any(re.search(r"</?(p|b|div)\b", text) for text in shown), page
    long = BeautifulSoup((site / "en" / "long-news" / "index.html").read_text("utf-8"), "html.parser")
    description = long.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith("The ward moves") and description.endswith("…")
    assert 200 < len(description) <= 301


def test_a_failure_names_a_local_link_as_a_whole_file_url(tmp_path: Path) -> None:
    """feedparser drops a slash of file:///etc/passwd; the failure line printed the result."""
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
                    "<title>P</title><link>file:///etc/passwd</link></item></channel></rss>")
    [failure] = sources.read_source(str(feed)).failures
    assert "entry 1 (file:///etc/passwd)" in failure and not re.search(r"file://(?!/)", failure)
    assert "outside the feed's folder" in failure and "root:" not in failure
