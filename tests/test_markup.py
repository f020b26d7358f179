"""markup writes every tree exactly as BeautifulSoup does: real pages, package HTML, random markup."""

from __future__ import annotations

import site
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, NavigableString
from hypothesis import given, settings
from hypothesis import strategies as st

from intl_pub.segment import markup

HERE = Path(__file__).resolve().parent
REAL = sorted((HERE / "data" / "real").glob("*.html"))
PACKAGES = sorted(
    p for root in site.getsitepackages() for p in Path(root).rglob("*.html") if p.is_file()
)
"""HTML nobody here wrote: Django's templates, Dask's and Prefect's pages, and the rest."""


def _same(soup: BeautifulSoup) -> None:
    assert markup.outer(soup) == str(soup)
    for tag in soup.find_all(True):
        assert markup.outer(tag) == str(tag), tag.name
        assert markup.inner(tag) == tag.decode_contents(), tag.name


@pytest.mark.slow
@pytest.mark.parametrize("parser", ["html.parser", "lxml"])
def test_real_pages_and_package_html_are_written_as_bs4_writes_them(parser: str) -> None:
    assert len(REAL) >= 3 and len(PACKAGES) > 50, "needs the test data and the test extra"
    for path in REAL + PACKAGES:
        _same(BeautifulSoup(path.read_text("utf-8", errors="replace"), parser))


def test_a_tree_changed_in_place_is_written_as_bs4_writes_it() -> None:
    soup = BeautifulSoup('<html><head><meta charset="latin-1"></head><body><p>a</p></body></html>', "html.parser")
    p = soup.p
    p["class"] = ["x", "y"]
    p["data-q"] = 'both " and \''
    p["data-one"] = 'say "hi"'
    p["title"] = "a < b & c > d"
    p.append(soup.new_tag("span", attrs={"class": "l10n-sr"}, string="Machine translation: "))
    p.append(soup.new_tag("br"))
    p.append(soup.new_tag("img", attrs={"src": "x.png", "alt": ""}))
    p.append(NavigableString("5 < 6 & 7 > 3"))
    p.append(Comment(" kept <as> is "))
    p.append(soup.new_tag("a"))  # an empty element that is not void
    script = soup.new_tag("script")
    script.string = "if (a < b && c > d) {}"
    soup.body.append(script)
    _same(soup)


TAGS = ["p", "b", "a", "br", "img", "hr", "script", "style", "div", "span", "td", "table", "svg",
        "template", "textarea", "title", "meta", "pre", "input", "o:p", "math"]  # fmt: skip
TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'=/!-?\n\t;#x\u00a0é中")), max_size=12)
ATTR = st.tuples(st.sampled_from(["class", "href", "alt", "title", "data-x", "charset", "checked", "content"]), TEXT)


@st.composite
def _piece(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["open", "close", "text", "comment", "doctype", "cdata", "pi", "entity"]))
    if kind == "open":
        rendered = ""
        for key, value in draw(st.lists(ATTR, max_size=3)):
            quote = draw(st.sampled_from(['"', "'", ""]))
            rendered += f" {key}" if not value and draw(st.booleans()) else f" {key}={quote}{value}{quote}"
        return f"<{draw(st.sampled_from(TAGS))}{rendered}{draw(st.sampled_from(['', '/']))}>"
    if kind == "close":
        return f"</{draw(st.sampled_from(TAGS))}>"
    if kind == "comment":
        return f"<!--{draw(TEXT)}-->"
    if kind == "doctype":
        return "<!DOCTYPE html>"
    if kind == "cdata":
        return f"<![CDATA[{draw(TEXT)}]]>"
    if kind == "pi":
        return f"<?{draw(TEXT)}?>"
    if kind == "entity":
        return draw(st.sampled_from(["&amp;", "&lt;", "&nbsp;", "&#39;", "&quot;", "&#x4e2d;", "&bogus;", "&"]))
    return draw(TEXT)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_piece(), max_size=25).map("".join), st.sampled_from(["html.parser", "lxml"]))
def test_random_markup_is_written_as_bs4_writes_it(html: str, parser: str) -> None:
    _same(BeautifulSoup(html, parser))
