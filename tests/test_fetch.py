"""Hostile sources served on 127.0.0.1: each defect of issue 13 with the input that triggered it.

Every test asserts the clear one-line failure *and* that the source's other posts were still
returned.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from intl_pub import sources
from intl_pub.core.config import SourceSettings
from intl_pub.sources import fetch
from intl_pub.workdir.store import Store

Route = Callable[[http.server.BaseHTTPRequestHandler], tuple[int, bytes, dict[str, str]]]


@dataclass
class Site:
    """A tiny programmable web server on 127.0.0.1."""

    routes: dict[str, Route | bytes] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    url: str = ""

    def serve(self) -> Iterator[Site]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                route = site.routes.get(self.path)
                if route is None:
                    code, body, headers = 404, b"not found", {}
                elif isinstance(route, bytes):
                    code, body, headers = 200, route, {}
                else:
                    code, body, headers = route(self)
                if code < 0:  # the route wrote its own response
                    return
                self.send_response(code)
                headers = {"Content-Type": "text/html", **headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        yield self
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setattr(fetch, "BACKOFF", 0.01)
    monkeypatch.setattr(fetch, "TIMEOUT", 2.0)
    yield from Site().serve()


@pytest.fixture
def other(site: Site) -> Iterator[Site]:
    """A second server: another port on the same loopback address (an 'internal' service)."""
    yield from Site().serve()


PAGE = b"""<!DOCTYPE html><html><head><title>%s | Northbridge News</title>
<meta property="og:site_name" content="Northbridge News"></head><body>
<nav>Search Menu Globe Arrow Right Close</nav>
<article><h1>%s</h1><p>The clinic opens on Monday for every family in the district, with
nurses, doctors and a pharmacy under one roof, and free parking for visitors.</p>
<p>Appointments can be booked online or by phone, and walk-ins are welcome every morning.</p>
</article><footer>Join the Conversation on LinkedIn</footer></body></html>"""


def rss(*items: str) -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in
                   (i.split("|", 1) for i in items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>{body}</channel></rss>'.encode()


def test_an_entry_linking_to_another_local_port_is_refused(site: Site, other: Site) -> None:
    other.routes["/secret"] = PAGE % (b"Secret", b"Secret")
    site.routes["/good.html"] = PAGE % (b"Clinic opens", b"Clinic opens")
    site.routes["/jump"] = lambda h: (302, b"", {"Location": f"{other.url}/secret"})
    site.routes["/feed.xml"] = rss(f"Good|{site.url}/good.html", f"Internal|{other.url}/secret",
                                   f"Redirected|{site.url}/jump")
    result = sources.read_source(f"{site.url}/feed.xml")
    assert [p.title for p in result.posts] == ["Good"]
    assert len(result.failures) == 2 and all("refused" in f and "internal address" in f
                                             for f in result.failures)
    assert "entry 2" in result.failures[0] and "entry 3" in result.failures[1]
    assert other.hits == {}  # never even asked
    allowed = SourceSettings(allowed_hosts=("127.0.0.1",))
    assert len(sources.read_source(f"{site.url}/feed.xml", None, allowed).posts) == 3


@pytest.mark.slow
def test_a_server_dripping_one_byte_at_a_time_is_cut_at_the_deadline(site: Site) -> None:
    def drip(handler: http.server.BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(40):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass
        return -1, b"", {}

    site.routes["/drip"] = drip
    started = time.monotonic()
    result = sources.read_source(f"{site.url}/drip", None, SourceSettings(fetch_deadline_seconds=1))
    assert time.monotonic() - started < 4
    assert result.posts == [] and "deadline" in result.failures[0]


def drip_headers(every: float) -> Route:
    """A server that answers with one header line every ``every`` seconds, for ten minutes."""

    def route(handler: http.server.BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for line in range(int(600 / every)):
                handler.wfile.write(f"X-Drip-{line}: {line}\r\n".encode())
                handler.wfile.flush()
                time.sleep(every)
        except OSError:  # the client hung up: what the deadline must make it do
            pass
        return -1, b"", {}

    return route


def test_a_server_dripping_its_headers_is_cut_at_the_deadline(site: Site) -> None:
    site.routes["/drip-headers"] = drip_headers(0.3)  # each line well within the 2 s read timeout
    started = time.monotonic()
    result = sources.read_source(f"{site.url}/drip-headers", None,
                                 SourceSettings(fetch_deadline_seconds=1))
    assert time.monotonic() - started < 5
    [failure] = result.failures
    assert result.posts == [] and "1 s deadline" in failure and "headers" in failure


@pytest.mark.subprocess
def test_pull_of_a_server_that_drips_headers_ends_at_the_deadline(site: Site, tmp_path: Path) -> None:
    """``intl-pub pull`` as a cron job runs it: the drip ends at the deadline with one line
    naming the source, exit 1, and the work folder's lock is free for the next run."""
    site.routes["/feed.xml"] = drip_headers(1.0)  # the real read timeout (20 s) never trips
    (tmp_path / "intl-pub.toml").write_text("[pipeline]\nfetch_deadline_seconds = 3\n", "utf-8")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "intl_pub.cli", "pull", "--workdir", str(tmp_path),
                          "--source", f"{site.url}/feed.xml"], capture_output=True, text=True,
                         timeout=120)
    assert time.monotonic() - started < 60  # the server would have dripped for ten minutes
    assert run.returncode == 1
    [line] = [x for x in run.stderr.splitlines() if x.startswith("error:") or "failed" in x]
    assert f"{site.url}/feed.xml" in line and "3 s deadline" in line and "headers" in line, run.stderr
    with Store(tmp_path).locked(0):  # released: a second run gets the folder at once
        pass


def test_entries_linking_to_feeds_fail_alone(site: Site) -> None:
    site.routes["/good.html"] = PAGE % (b"Clinic opens", b"Clinic opens")
    site.routes["/empty.xml"] = rss()
    site.routes["/feed.xml"] = rss(f"Itself|{site.url}/feed.xml", f"Empty|{site.url}/empty.xml",
                                   f"Good|{site.url}/good.html")
    result = sources.read_source(f"{site.url}/feed.xml")
    assert [p.title for p in result.posts] == ["Good"]
    assert [("links to a feed" in f) for f in result.failures] == [True, True]
    assert site.hits["/feed.xml"] == 1


def test_one_entry_a_thousand_divs_deep_fails_alone(site: Site) -> None:
    deep = "<div>" * 1000 + "<p>deep words here</p>" + "</div>" * 1000
    site.routes["/good.html"] = PAGE % (b"Clinic opens", b"Clinic opens")
    site.routes["/feed.xml"] = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>N</title><item><title>Deep</title><link>{site.url}/deep.html</link>"
        f"<content:encoded><![CDATA[{deep}]]></content:encoded></item>"
        f"<item><title>Good</title><link>{site.url}/good.html</link></item></channel></rss>").encode()
    result = sources.read_source(f"{site.url}/feed.xml")
    assert [p.title for p in result.posts] == ["Good"]
    [failure] = result.failures
    assert "entry 1" in failure and "deep.html" in failure and "nested" in failure


def test_the_article_is_kept_and_the_chrome_dropped(site: Site) -> None:
    site.routes["/post.html"] = PAGE % (b"Clinic opens", b"Clinic opens")
    [post] = sources.read_source(f"{site.url}/post.html").posts
    assert post.title == "Clinic opens"  # not "Clinic opens | Northbridge News"
    assert "pharmacy" in post.body and "Search Menu" not in post.body and "LinkedIn" not in post.body
    assert "<h1" not in post.body  # the template shows the title


HOSTILE = (b'<html><head><base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=http://evil.example/">'
           b"<title>Hostile</title></head><body><article><h1>Hostile</h1>"
           b'<p onclick="steal()">A paragraph long enough to be the article, about the clinic, its nurses '
           b'and its opening hours, with a <a href="javascript:alert(1)">bad link</a> and a '
           b'<a href="/ok">good link</a> and <img src="/a.png" alt="A nurse" onerror="x()">.</p>'
           b"<script>document.cookie</script><iframe src=\"http://evil.example/\"></iframe>"
           b'<form action="http://evil.example/"><input name="q"></form>'
           b'<p class="lead">Another paragraph of the article with <em>emphasis</em>, so that it stays.</p>'
           b"</article></body></html>")


def test_source_markup_is_sanitized_unless_trusted(site: Site) -> None:
    site.routes["/hostile.html"] = HOSTILE
    [post] = sources.read_source(f"{site.url}/hostile.html").posts
    for bad in ("<script", "onclick", "onerror", "javascript:", "<base", "http-equiv", "<iframe",
                "<form", "<input", "evil.example"):
        assert bad not in post.body
    assert f'<a href="{site.url}/ok">good link</a>' in post.body
    assert f'<img alt="A nurse" src="{site.url}/a.png">' in post.body or 'alt="A nurse"' in post.body
    assert "<em>emphasis</em>" in post.body
    [trusted] = sources.read_source(f"{site.url}/hostile.html", None, SourceSettings(trusted=True)).posts
    assert 'class="lead"' in trusted.body and 'class="lead"' not in post.body


def test_utf16_with_a_bom_and_forbidden_characters(site: Site) -> None:
    page = ("<html><head><title>Caf\u00e9 news</title></head><body><article><p>Cr\u00e8me "
            "br\u00fbl\u00e9e\x00 for every\x07one at the clinic, with nurses and doctors on hand "
            "every day of the week.</p></article></body></html>")
    site.routes["/utf16.html"] = page.encode("utf-16")  # with its BOM
    site.routes["/utf32.html"] = page.encode("utf-32")
    for path in ("/utf16.html", "/utf32.html"):
        [post] = sources.read_source(site.url + path).posts
        assert post.title == "Café news"
        assert "Crème brûlée for everyone" in post.body and "\x00" not in post.body


@pytest.mark.slow
def test_a_304_feed_still_revalidates_its_pages(site: Site) -> None:
    version = {"page": b"v1"}

    def page(handler: http.server.BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        etag = f'"{version["page"].decode()}"'
        if handler.headers.get("If-None-Match") == etag:
            return 304, b"", {"ETag": etag}
        title = b"Clinic opens " + version["page"]
        return 200, PAGE % (title, title), {"ETag": etag}

    def feed(handler: http.server.BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        if handler.headers.get("If-None-Match") == '"f1"':
            return 304, b"", {"ETag": '"f1"'}
        return 200, rss(f"|{site.url}/post.html"), {"ETag": '"f1"', "Content-Type": "application/rss+xml"}

    site.routes["/post.html"], site.routes["/feed.xml"] = page, feed
    validators: dict[str, dict[str, str]] = {}
    first = sources.read_source(f"{site.url}/feed.xml", validators)
    assert [p.title for p in first.posts] == ["Clinic opens v1"]
    assert validators[f"{site.url}/post.html"] == {"etag": '"v1"'}
    unchanged = sources.read_source(f"{site.url}/feed.xml", validators)
    assert unchanged.not_modified and unchanged.posts == []
    version["page"] = b"v2"  # the page is edited, the feed is not
    edited = sources.read_source(f"{site.url}/feed.xml", validators)
    assert [p.title for p in edited.posts] == ["Clinic opens v2"] and not edited.failures
    # A feed read in full whose page answers 304: the stored post stands, nothing fails.
    again = sources.read_source(f"{site.url}/feed.xml", None)
    assert [p.title for p in again.posts] == ["Clinic opens v2"]
    validators[f"{site.url}/feed.xml"].pop("etag")
    quiet = sources.read_source(f"{site.url}/feed.xml", validators)
    assert quiet.posts == [] and quiet.failures == [] and not quiet.not_modified


def test_a_sitemap_source_honours_lastmod(site: Site) -> None:
    site.routes["/a.html"] = PAGE % (b"Post A", b"Post A")
    site.routes["/b.html"] = PAGE % (b"Post B", b"Post B")
    site.routes["/sitemap.xml"] = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url}/a.html</loc><lastmod>2026-03-01</lastmod></url>"
        f"<url><loc>{site.url}/b.html</loc><lastmod>2026-03-02</lastmod></url>"
        f"<url><loc>{site.url}/gone.html</loc></url></urlset>").encode()
    validators: dict[str, dict[str, str]] = {}
    first = sources.read_source(f"{site.url}/sitemap.xml", validators)
    assert sorted(p.title for p in first.posts) == ["Post A", "Post B"]
    assert len(first.failures) == 1 and "gone.html" in first.failures[0] and "HTTP 404" in first.failures[0]
    again = sources.read_source(f"{site.url}/sitemap.xml", validators)
    assert again.posts == [] and site.hits["/a.html"] == 1 and site.hits["/b.html"] == 1


def test_feeds_with_entities_are_refused(site: Site) -> None:
    site.routes["/lol.xml"] = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel>'
                               b"<item><title>&b;</title></item></channel></rss>")
    result = sources.read_source(f"{site.url}/lol.xml")
    assert result.posts == [] and "refused" in result.failures[0] and "entities" in result.failures[0]


def test_a_bad_source_says_why(site: Site) -> None:
    result = sources.read_source(f"{site.url}/missing.xml")
    assert result.posts == [] and result.failures == [f"{site.url}/missing.xml: HTTP 404"]


REAL = Path(__file__).resolve().parent / "data" / "real"


def test_real_feeds_from_trafilatura_with_their_entry_pages(site: Site) -> None:
    """trafilatura's test feeds, their host moved to 127.0.0.1: summary-only entries are read
    from their links, identity is the guid / Atom id, and a rel=self-only entry fails alone."""
    page = (REAL / "mozilla.org.firefox.developer.html").read_bytes()
    site.routes["/blog/post/1"] = site.routes["/2003/12/13/atom03"] = page
    rss = (REAL / "feed2.rss").read_bytes().replace(b"http://www.example.com", site.url.encode())
    atom = (REAL / "feed1.atom").read_bytes().replace(b"http://example.org", site.url.encode())
    site.routes["/feed.rss"], site.routes["/feed.atom"] = rss, atom
    [post] = sources.read_source(f"{site.url}/feed.rss").posts
    assert post.identity == "7bd204c6-1655-4c27-aeee-53f933c5395f"
    assert post.title == "Example entry" and "<h2>WebIDE</h2>" in post.body
    assert post.summary == "Here is some text containing an interesting description."
    result = sources.read_source(f"{site.url}/feed.atom")
    assert [p.identity for p in result.posts][:1] == ["urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"]
    assert result.posts[0].title == "Atom-Powered Robots Run Amok"
    assert len(result.posts) + len(result.failures) == 2
