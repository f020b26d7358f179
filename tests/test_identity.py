"""A post without a guid is known by its link: trivial changes of the link are one post.

The workflow (an RSS feed whose item has no guid, its link rewritten five ways between pulls),
a work folder recorded before links were normalized, and the normal form's properties.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path

import polib
from hypothesis import given
from hypothesis import strategies as st

from intl_pub import pipeline
from intl_pub.core.config import Settings, load_settings
from intl_pub.workdir.identity import key, migrate

LINK = "http://news.example/2026/heat-wave"
VARIANTS = [
    "https://news.example/2026/heat-wave",              # http -> https
    "https://news.example/2026/heat-wave/",             # a trailing slash
    "https://news.example/2026/heat-wave#top",          # a fragment
    "https://NEWS.Example/2026/heat-wave",              # an upper-case host
    "https://news.example:443/2026/heat-wave",          # the default port
    "https://news.example/2026/heat-wave?utm_source=rss&utm_medium=feed&fbclid=x1&gclid=y2",
    "https://news.example/2026/./x/../heat%2Dwave",     # dot segments, an escaped '-'
]


def write_feed(root: Path, link: str) -> None:
    """An RSS item with its content inline and no guid: its link is all that names it."""
    body = html.escape("<p>Drink water and stay in the shade.</p><p>Call 112 if someone is confused.</p>")
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>News</title>'
        f"<item><title>Heat wave</title><link>{html.escape(link)}</link>"
        "<pubDate>Tue, 14 Jul 2026 07:00:00 GMT</pubDate><description>What to do.</description>"
        f"<content:encoded>{body}</content:encoded></item></channel></rss>", "utf-8")


def work_folder(root: Path) -> Settings:
    (root / "intl-pub.toml").write_text(
        '[site]\nbase_url = "https://site.example/"\n[pipeline]\nsources = ["feed.xml"]\n'
        'locales = ["es"]\nengine = "pseudo"\n', "utf-8")
    return replace(load_settings(root, env={}), engine="pseudo")


def review(root: Path, slug: str, msgid: str, text: str) -> None:
    path = root / "translations" / "es" / f"{slug}.po"
    po = polib.pofile(path.read_text("utf-8"))
    [entry] = [e for e in po if e.msgid == msgid]
    entry.msgstr, entry.flags = text, []
    path.write_text(str(po), "utf-8")


def published(root: Path) -> dict[str, int]:
    site = root / "site"
    return {
        "content": len(list((root / "content").glob("*.html"))),
        "pages": len(list((site / "es").glob("*/index.html"))),
        "feed": (site / "es" / "feed.xml").read_text("utf-8").count("<entry>"),
        "sitemap": (site / "sitemap.xml").read_text("utf-8").count("<loc>https://site.example/es/"),
    }


def test_a_post_whose_link_changes_trivially_stays_one_post_with_its_review(tmp_path: Path) -> None:
    settings = work_folder(tmp_path)
    write_feed(tmp_path, LINK)
    assert pipeline.run(settings).ok
    [slug] = [p.stem for p in (tmp_path / "content").glob("*.html")]
    review(tmp_path, slug, "Drink water and stay in the shade.", "Beba agua y quédese a la sombra.")
    one = published(tmp_path)
    for link in VARIANTS:
        write_feed(tmp_path, link)
        assert pipeline.run(settings).ok
        assert published(tmp_path) == one, link  # not a copy more in the index, feed or sitemap
        page = (tmp_path / "site" / "es" / slug / "index.html").read_text("utf-8")
        assert "Beba agua y quédese a la sombra." in page


def test_a_work_folder_recorded_before_normalizing_keeps_its_slugs(tmp_path: Path) -> None:
    """posts.json as an older intl-pub wrote it: the raw link, and a duplicate the old bug
    made from a variant. The post keeps its first slug; the duplicate's slug stays its own."""
    settings = work_folder(tmp_path)
    write_feed(tmp_path, LINK)
    assert pipeline.run(settings).ok
    state = tmp_path / ".intl-pub" / "posts.json"
    [slug] = json.loads(state.read_text("utf-8"))["posts"].values()
    old = {"version": 1, "posts": {LINK: slug, VARIANTS[1]: f"{slug}-2"}}
    state.write_text(json.dumps(old), "utf-8")
    (tmp_path / "content" / f"{slug}-2.html").write_bytes(
        (tmp_path / "content" / f"{slug}.html").read_bytes())
    review(tmp_path, slug, "Call 112 if someone is confused.", "Llame al 112 si alguien está confuso.")
    write_feed(tmp_path, VARIANTS[2])
    assert pipeline.run(settings).ok
    recorded = json.loads(state.read_text("utf-8"))["posts"]
    assert recorded[key(LINK)] == slug and f"{slug}-2" in recorded.values()
    assert sorted(p.stem for p in (tmp_path / "content").glob("*.html")) == [slug, f"{slug}-2"]
    assert "Llame al 112" in (tmp_path / "site" / "es" / slug / "index.html").read_text("utf-8")


# --- the normal form ------------------------------------------------------------------------

SEGMENT = st.text("abcxyz0123-_.~%éЖ", min_size=1, max_size=8).filter(lambda s: s not in {".", ".."})
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s))


@given(PATHS, st.sampled_from([*VARIANTS[:6], LINK]))
def test_every_trivial_variant_of_a_link_has_the_same_key(path: str, variant: str) -> None:
    base = f"https://news.example{path}"
    changed = variant.replace("/2026/heat-wave", path.rstrip("/") or "/", 1)
    if "%" in path:
        return  # a literal '%' is an escape of its own: not a trivial variant
    assert key(changed) == key(base)


@given(PATHS, PATHS)
def test_different_pages_keep_different_keys(one: str, two: str) -> None:
    if "%" in one + two or one.rstrip("/") == two.rstrip("/"):
        return
    assert key(f"https://news.example{one}") != key(f"https://news.example{two}")


def test_keys_are_stable_and_non_urls_are_their_own() -> None:
    for text in [*VARIANTS, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "tag:x,2024:news",
                 "file:heat-wave", "https://[::1]:8443/a?b=1&c=%26", "https://bücher.example/é"]:
        assert key(key(text)) == key(text)
    assert key("urn:uuid:1225c695") == "urn:uuid:1225c695"
    assert key("https://news.example/a?q=1&utm_source=x") != key("https://news.example/a?q=2")
    assert key("https://news.example:8443/a") != key("https://news.example/a")
    assert key("https://bücher.example/a") == key("https://xn--bcher-kva.example/a")


def test_migrating_keeps_every_slug_taken() -> None:
    old = {"http://a.example/x/": "x-2", "https://a.example/x": "x", "urn:y": "y"}
    new = migrate(old)
    assert new[key("https://a.example/x")] == "x" and new["urn:y"] == "y"
    assert set(new.values()) == set(old.values())
