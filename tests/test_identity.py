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
from intl_pub.workdir.store import Store

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
    made from a variant. The post keeps its first slug; the duplicate's slug stays its own.
    (The folder of that version had JSON state only: it is imported into the database.)"""
    settings = work_folder(tmp_path)
    write_feed(tmp_path, LINK)
    assert pipeline.run(settings).ok
    [slug] = Store(tmp_path).identities().slugs.values()
    for path in (tmp_path / ".intl-pub").glob("state.sqlite*"):
        path.unlink()
    old = {"version": 1, "posts": {LINK: slug, VARIANTS[1]: f"{slug}-2"}}
    (tmp_path / ".intl-pub" / "posts.json").write_text(json.dumps(old), "utf-8")
    (tmp_path / "content" / f"{slug}-2.html").write_bytes(
        (tmp_path / "content" / f"{slug}.html").read_bytes())
    review(tmp_path, slug, "Call 112 if someone is confused.", "Llame al 112 si alguien está confuso.")
    write_feed(tmp_path, VARIANTS[2])
    assert pipeline.run(settings).ok
    recorded = Store(tmp_path).identities().slugs
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


def test_a_feed_that_moves_from_rss_guids_to_atom_ids_keeps_its_posts() -> None:
    from datetime import UTC, datetime

    from intl_pub.workdir.identities import Identities

    when = datetime(2026, 3, 1, tzinfo=UTC)
    ids = Identities({})
    slug = ids.slug_for("urn:blog:rss:1", "news", when, "https://blog.example/2026/news/")
    # the blog's new software: Atom ids, and the link written a little differently
    again = ids.slug_for("tag:blog.example,2026:news", "news", when, "http://Blog.example/2026/news")
    assert again == slug == "news"
    # a second copy from a folder of pages, known by its canonical link
    assert ids.slug_for("https://blog.example/2026/news/", "news-page", when) == slug
    assert ids.slug_for("https://blog.example/2026/news/", "x", when, "https://blog.example/2026/news/") == slug


def test_a_link_several_posts_share_names_none_of_them() -> None:
    from datetime import UTC, datetime

    from intl_pub.workdir.identities import Identities

    when = datetime(2026, 3, 1, tzinfo=UTC)
    ids = Identities({})
    a = ids.slug_for("urn:a", "a", when, "https://blog.example/")
    b = ids.slug_for("urn:b", "b", when, "https://blog.example/")
    c = ids.slug_for("urn:c", "c", when, "https://blog.example/")
    assert len({a, b, c}) == 3  # three posts, though every entry links to the home page


def test_the_same_post_from_a_feed_and_a_folder_of_pages_is_one_post(tmp_path: Path) -> None:
    """A newsroom adds its page folder as a second source: the post the feed brought stays
    one post (one slug, one copy), and so do its reviews."""
    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    link = "https://blog.example/2026/heat/"
    body = "<p>Drink water often during the heat wave.</p>"
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>https://blog.example/</id><title>Blog</title><updated>2026-07-01T00:00:00Z</updated>"
        f'<entry><id>tag:blog.example,2026:heat</id><title>Heat</title><link href="{link}"/>'
        "<updated>2026-07-01T09:00:00Z</updated>"
        f'<content type="html">{body.replace("<", "&lt;")}</content></entry></feed>',
        "utf-8",
    )
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "heat-wave.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>Heat</title><link rel="canonical" href="{link}">'
        f"</head><body><article><h1>Heat</h1>{body}<p>Check on your neighbours.</p></article></body></html>",
        "utf-8",
    )
    (tmp_path / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["feed.xml", "pages"]\nengine = "pseudo"\n', "utf-8"
    )
    settings = load_settings(tmp_path)
    assert pipeline.run(settings, translate=False, publish=False).ok
    assert sorted(p.name for p in (tmp_path / "content").glob("*.html")) == ["heat.html"]
    (pages / "heat-wave.html").write_text(  # the page is edited: still the same post
        (pages / "heat-wave.html").read_text("utf-8").replace("neighbours", "neighbors"), "utf-8"
    )
    assert pipeline.run(settings, translate=False, publish=False).ok
    assert sorted(p.name for p in (tmp_path / "content").glob("*.html")) == ["heat.html"]
