"""A review is never lost: the review history in the catalog, over weeks of blog life.

Workflow tests named after what a user does, then a stateful property test
(hypothesis RuleBasedStateMachine) that drives random sequences of English
edits, colliding posts, translator actions (Poedit, msgcat, Weblate's
msgmerge, a broken save, a save in the middle of a run) and runs, and checks
after every step that nothing a translator wrote is lost, that no page shows
a review of English that has since changed, and that no post's URL changes.

``INTL_PUB_LONG=1`` runs the property test far longer (a nightly-style run).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from unittest import mock

import polib
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from intl_pub import catalog, pipeline
from intl_pub.catalog.merge import _skeleton
from intl_pub.core.config import Settings, load_settings
from intl_pub.core.locales import TARGETS
from intl_pub.workdir import store as store_module
from intl_pub.workdir.store import Store

ES = TARGETS["es"]
LONG = os.environ.get("INTL_PUB_LONG") == "1"
HOST = "https://blog.example"


def gnu(name: str) -> str:
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} missing: .ci/run must install gettext")
        pytest.skip("GNU gettext not installed")
    return name


# --- a blog on disk: an Atom feed file with ids ---------------------------------------


@dataclass
class Post:
    identity: str
    url: str
    title: str
    published: date
    paragraphs: list[str] = field(default_factory=list)


def write_feed(root: Path, posts: list[Post], rss: bool = False) -> None:
    """The feed, newest first, each entry with its Atom id and its content inline; or, with
    ``rss``, the same posts as RSS 2.0 items whose guid is not the Atom id."""
    if rss:
        return write_rss(root, posts)
    entries = []
    for post in sorted(posts, key=lambda p: p.published, reverse=True):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in post.paragraphs)
        entries.append(
            f"<entry><id>{post.identity}</id><title>{html.escape(post.title)}</title>"
            f'<link rel="alternate" href="{post.url}"/>'
            f"<updated>{post.published.isoformat()}T09:00:00Z</updated>"
            f"<published>{post.published.isoformat()}T09:00:00Z</published>"
            f'<content type="html">{html.escape(body)}</content></entry>'
        )
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{HOST}/</id><title>Blog</title><updated>2026-01-01T00:00:00Z</updated>"
        + "".join(entries)
        + "</feed>\n",
        encoding="utf-8",
    )


def write_rss(root: Path, posts: list[Post]) -> None:
    items = []
    for post in sorted(posts, key=lambda p: p.published, reverse=True):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in post.paragraphs)
        guid = post.identity.replace("tag:blog.example,", "urn:blog-example:rss:")
        items.append(
            f"<item><title>{html.escape(post.title)}</title><link>{post.url}</link>"
            f'<guid isPermaLink="false">{guid}</guid>'
            f"<pubDate>{post.published.strftime('%a, %d %b %Y')} 09:00:00 +0000</pubDate>"
            f"<content:encoded>{html.escape(body)}</content:encoded></item>"
        )
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title>'
        f"<link>{HOST}/</link><description>Blog</description>" + "".join(items)
        + "</channel></rss>\n",
        encoding="utf-8",
    )


def work_folder(root: Path, locales: str = "es") -> Settings:
    (root / "intl-pub.toml").write_text(
        f'[site]\ntitle = "Blog"\nbase_url = "{HOST}/"\n\n'
        f'[pipeline]\nsources = ["feed.xml"]\nlocales = {locales.split(",")!r}\n'
        'engine = "pseudo"\n'.replace("'", '"'),
        encoding="utf-8",
    )
    return replace(load_settings(root, env={}), engine="pseudo")


def po_path(root: Path, slug: str, folder: str = "es") -> Path:
    return root / "translations" / folder / f"{slug}.po"


def page_text(root: Path, slug: str, lang: str = "es") -> str:
    path = root / "site" / lang / slug / "index.html"
    if not path.exists():
        return ""
    return BeautifulSoup(path.read_text("utf-8"), "html.parser").get_text()


def edit_po(path: Path, change: object) -> None:
    """What a translator's editor does: read, change entries, save (polib as the editor)."""
    po = polib.pofile(path.read_text("utf-8"), wrapwidth=79)
    change(po)  # type: ignore[operator]
    path.write_text(str(po), encoding="utf-8")


def review_entry(po: polib.POFile, msgid: str, text: str) -> None:
    [entry] = [e for e in po if e.msgid == msgid and not e.obsolete]
    entry.msgstr = text
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgctxt = None


NEWS_2024 = Post(
    "tag:blog.example,2024:news",
    f"{HOST}/2024/news/",
    "News from 2024",
    date(2024, 3, 1),
    ["The clinic opens on Monday at nine.", "Parking is free for patients with a blue card."],
)
NEWS_2025 = Post(
    "tag:blog.example,2025:news",
    f"{HOST}/2025/news/",
    "News from 2025",
    date(2025, 3, 1),
    ["The new wing opened in 2025.", "Visiting hours are longer this year."],
)


# --- the workflows ----------------------------------------------------------------------


def test_2024_news_and_2025_news_keep_their_own_pages_and_reviews(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    write_feed(tmp_path, [NEWS_2024])
    assert pipeline.run(s).ok
    path = po_path(tmp_path, "news")
    edit_po(path, lambda po: review_entry(po, NEWS_2024.paragraphs[0], "La clínica abre el lunes a las nueve."))
    assert pipeline.run(s).ok
    content = (tmp_path / "content" / "news.html").read_bytes()

    write_feed(tmp_path, [NEWS_2024, NEWS_2025])  # a year later, above it in the feed
    assert pipeline.run(s).ok
    assert (tmp_path / "content" / "news.html").read_bytes() == content
    assert "tag:blog.example,2025:news" in (tmp_path / "content" / "news-2025.html").read_text("utf-8")
    old = catalog.load(path)
    assert old is not None
    reviewed = old.find(NEWS_2024.paragraphs[0])
    assert reviewed is not None and reviewed.reviewed
    assert reviewed.msgstr == "La clínica abre el lunes a las nueve."
    new = catalog.load(po_path(tmp_path, "news-2025"))
    assert new is not None and not any(e.reviewed for e in new)
    assert "La clínica abre el lunes a las nueve." in page_text(tmp_path, "news")
    assert "La clínica" not in page_text(tmp_path, "news-2025")


def test_english_edited_twice_keeps_the_review_and_its_english(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    first = post.paragraphs[1]
    review = "El aparcamiento es gratuito\npara pacientes con tarjeta azul."  # two lines
    edit_po(po_path(tmp_path, "news"), lambda po: review_entry(po, first, review))
    assert pipeline.run(s).ok
    assert review.split("\n")[1] in page_text(tmp_path, "news")

    for wording in ("Parking is free for all patients with a blue card.",
                    "Parking is free for all patients and visitors with a blue card."):
        post.paragraphs[1] = wording
        write_feed(tmp_path, [post])
        report = pipeline.run(s)
        assert report.ok and report.engine_calls == 1  # the suggestion for the new English
        po = catalog.load(po_path(tmp_path, "news"))
        assert po is not None
        entry = po.find(wording)
        assert entry is not None and entry.fuzzy
        assert entry.previous_msgid == first  # the English that was reviewed, not the last run's
        assert entry.msgstr == review  # both lines
        assert not any("earlier reviewed" in c for c in entry.comments)
        text = page_text(tmp_path, "news")
        assert "tarjeta azul" not in text  # never the review of other English
        suggestion = catalog.MachineMemory.parse(
            Store(tmp_path).suggestions_path(ES, "news").read_bytes()
        ).get(entry.key)
        assert suggestion is not None and suggestion[0].split()[0] in text
    # a second run changes nothing and asks the engine nothing
    before = po_path(tmp_path, "news").read_bytes()
    assert pipeline.run(s).engine_calls == 0
    assert po_path(tmp_path, "news").read_bytes() == before


def test_a_work_in_progress_survives_an_english_edit(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok

    def draft(po: polib.POFile) -> None:
        [entry] = [e for e in po if e.msgid == post.paragraphs[0]]
        entry.msgstr = "La clínica abre el lunes (borrador)"  # edited, still fuzzy

    edit_po(po_path(tmp_path, "news"), draft)
    post.paragraphs[0] = "The clinic opens on Tuesday at nine."
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    po = catalog.load(po_path(tmp_path, "news"))
    assert po is not None
    entry = po.find(post.paragraphs[0])
    assert entry is not None and entry.fuzzy
    assert entry.msgstr == "La clínica abre el lunes (borrador)"
    assert entry.previous_msgid == "The clinic opens on Monday at nine."


@pytest.mark.subprocess
def test_weblate_msgmerge_update_keeps_the_review(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    path = po_path(tmp_path, "news")
    edit_po(path, lambda po: review_entry(po, post.paragraphs[0], "La clínica abre el lunes."))
    assert pipeline.run(s).ok
    old_english = post.paragraphs[0]
    post.paragraphs[0] = "The clinic opens on Tuesday at nine."
    write_feed(tmp_path, [post])
    # The template is updated, and Weblate runs msgmerge before intl-pub translates.
    for name in ("pull", "extract"):
        assert pipeline.run_step(pipeline.Step(name, name), s).ok
    pot = tmp_path / "translations" / "templates" / "news.pot"
    subprocess.run([gnu("msgmerge"), "--quiet", "--previous", "-U", "--backup=off",
                    str(path), str(pot)], check=True)
    report = pipeline.run(s)
    assert report.ok and report.engine_calls == 1  # only the new English's suggestion
    po = catalog.load(path)
    assert po is not None
    entry = po.find(post.paragraphs[0])
    assert entry is not None and entry.fuzzy
    assert (entry.msgstr, entry.previous_msgid) == ("La clínica abre el lunes.", old_english)
    assert "La clínica abre el lunes." not in page_text(tmp_path, "news")

    # Weblate merges again: intl-pub has seen this English, so no engine call.
    subprocess.run([gnu("msgmerge"), "--quiet", "--previous", "-U", "--backup=off",
                    str(path), str(pot)], check=True)
    report = pipeline.run(s)
    assert report.ok and report.engine_calls == 0
    again = catalog.load(path)
    assert again is not None and again.find(post.paragraphs[0]).msgstr == "La clínica abre el lunes."


def test_a_broken_catalog_keeps_the_published_page(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    path = po_path(tmp_path, "news")
    edit_po(path, lambda po: review_entry(po, post.paragraphs[0], "La clínica abre el lunes."))
    assert pipeline.run(s).ok
    page = tmp_path / "site" / "es" / "news" / "index.html"
    published = page.read_bytes()
    broken = path.read_bytes() + b'\nmsgid "x"\nmsgstr "not closed\n'
    path.write_bytes(broken)
    post.paragraphs.append("A third paragraph arrives.")
    write_feed(tmp_path, [post])
    report = pipeline.run(s)
    assert not report.ok
    line = broken.count(b"\n")
    assert any(re.search(rf"news\.po:{line}: ", f) for f in report.failures), report.failures
    assert path.read_bytes() == broken
    assert page.read_bytes() == published
    assert "A third paragraph arrives." in page_text(tmp_path, "news", "en")


@pytest.mark.subprocess
def test_plural_entries_are_kept(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    path = po_path(tmp_path, "news")

    def pluralize(po: polib.POFile) -> None:
        [entry] = [e for e in po if e.msgid == post.paragraphs[0]]
        entry.msgid_plural = "The clinic opens on Mondays at nine."
        entry.msgstr = ""
        entry.msgstr_plural = {0: "La clínica abre el lunes.", 1: "La clínica abre los lunes."}
        entry.flags = []

    edit_po(path, pluralize)
    post.paragraphs.append("A new paragraph.")
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    po = polib.pofile(str(path))
    [entry] = [e for e in po if e.msgid == post.paragraphs[0]]
    assert entry.msgstr_plural == {0: "La clínica abre el lunes.", 1: "La clínica abre los lunes."}
    assert "La clínica abre el lunes." in page_text(tmp_path, "news")
    subprocess.run([gnu("msgfmt"), "-c", "-o", os.devnull, str(path)], check=True)


def test_a_symlinked_catalog_is_written_through(tmp_path: Path) -> None:
    s = work_folder(tmp_path)
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    path = po_path(tmp_path, "news")
    checkout = tmp_path / "checkout" / "es-news.po"  # the translator's checkout, inside
    checkout.parent.mkdir()
    shutil.move(path, checkout)
    path.symlink_to(checkout)
    edit_po(checkout, lambda po: review_entry(po, post.paragraphs[0], "La clínica abre el lunes."))
    post.paragraphs.append("A new paragraph.")
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    assert path.is_symlink() and path.resolve() == checkout.resolve()
    po = catalog.load(checkout)
    assert po is not None and po.find("A new paragraph.") is not None
    assert po.find(post.paragraphs[0]).msgstr == "La clínica abre el lunes."

    outside = Path(tempfile.mkdtemp()) / "secret.po"
    try:
        shutil.copy(checkout, outside)
        text = outside.read_text("utf-8")
        outside.write_text("# SECRET FIRST LINE\n" + text, "utf-8")
        path.unlink()
        path.symlink_to(outside)
        post.paragraphs.append("Another paragraph.")
        write_feed(tmp_path, [post])
        report = pipeline.run(s)
        assert not report.ok
        failures = [f for f in report.failures if "news" in f and "es" in f]  # translate, publish
        assert failures and all("outside the work folder" in f and "SECRET" not in f for f in failures)
        assert outside.read_text("utf-8").startswith("# SECRET FIRST LINE\n")
    finally:
        shutil.rmtree(outside.parent)


def test_a_read_only_folder_is_a_clear_error_and_other_locales_go_on(tmp_path: Path) -> None:
    s = work_folder(tmp_path, "es,ru")
    post = replace(NEWS_2024, paragraphs=list(NEWS_2024.paragraphs))
    write_feed(tmp_path, [post])
    assert pipeline.run(s).ok
    folder = tmp_path / "translations" / "es"
    before = po_path(tmp_path, "news").read_bytes()
    post.paragraphs.append("A new paragraph.")
    write_feed(tmp_path, [post])
    real_temporary = store_module.write_temporary

    def read_only(target: Path, data: bytes, **options: object) -> Path:
        if os.geteuid() == 0 and target.parent == folder:  # root ignores chmod: fail the same way
            raise PermissionError(13, "Permission denied", str(target))
        return real_temporary(target, data, **options)

    folder.chmod(0o555)
    try:
        with mock.patch.object(store_module, "write_temporary", read_only):
            report = pipeline.run(s)
    finally:
        folder.chmod(0o755)
    assert not report.ok
    [failure] = [f for f in report.failures if "[es]" in f]
    assert "translations/es/news" in failure and "cannot write" in failure
    assert po_path(tmp_path, "news").read_bytes() == before  # nothing half-written
    ru = catalog.load(po_path(tmp_path, "news", "ru"))
    assert ru is not None and ru.find("A new paragraph.") is not None  # the other locale went on
    assert not list(folder.glob(".*tmp*"))


# --- the property: random weeks of blog life ----------------------------------------------

WORDS = ["clinic", "ward", "nurse", "doctor", "parking", "visit", "vaccine", "card",
         "morning", "evening", "patients", "family", "garden", "lift"]
PARAGRAPH = st.builds(
    lambda words, number: f"The {' '.join(words)} opens at {number}.",
    st.lists(st.sampled_from(WORDS), min_size=3, max_size=6),
    st.integers(1, 99),
)
YES_OR_NO = st.sampled_from([True, False])
"""A boolean whose simplest value is True (hypothesis starts from the simplest values)."""
BROKEN_TAIL = b'\nmsgid "oops"\nmsgstr "not closed\n'


def _normal(text: str) -> str:
    """A translation with its numbers masked (a carried-over review has the new numbers)."""
    return re.sub(r"\d+", "#", text)


@dataclass
class Written:
    """A translation a translator wrote, and the English it was written for."""

    text: str
    english: str
    reviewed: bool


class ReviewHistory(RuleBasedStateMachine):
    """One work folder (Spanish only, to keep runs fast) over random sequences of events."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="intl-pub-history-"))
        self.settings = work_folder(self.root)
        self.posts: list[Post] = []
        self.slugs: dict[str, str] = {}
        """identity -> the slug it was first given (its URL on the site)."""
        self.by_link: dict[str, str] = {}
        """a post's link -> its slug: one copy, the same slug, whatever the feed's format."""
        self.rss = False
        """The feed is RSS 2.0 (guids) rather than Atom (ids)."""
        self.written: dict[str, dict[str, Written]] = {}
        """slug -> marker -> what a translator wrote there, until they replace it."""
        self.broken: dict[str, tuple[bytes, bytes]] = {}
        """slug -> (the catalog before the broken save, the broken bytes)."""
        self.counter = 0

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the blog ------------------------------------------------------------------------

    @initialize(paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=4))
    def first_post(self, paragraphs: list[str]) -> None:
        self.posts.append(Post("tag:blog.example,2024:news", f"{HOST}/2024/news/",
                               "News 2024", date(2024, 3, 1), paragraphs))
        self.run_pipeline()

    @precondition(lambda self: len(self.posts) < 3)
    @rule(name=st.sampled_from(["news", "news", "notice"]),
          paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=3))
    def new_post(self, name: str, paragraphs: list[str]) -> None:
        """A newer post, above the others in the feed; /2025/news/ collides with /2024/news/."""
        year = 2024 + len(self.posts)
        self.posts.append(Post(f"tag:blog.example,{year}:{name}", f"{HOST}/{year}/{name}/",
                               f"{name} {year}", date(year, 3, 1), paragraphs))

    def edit_english(self, data: st.DataObject, kind: str) -> None:
        """Mostly a paragraph a translator worked on: that is where a review can be lost."""
        post = data.draw(st.sampled_from(self.posts))
        ps = post.paragraphs
        worked = {w.english for mine in self.written.values() for w in mine.values()}
        near = [i for i, p in enumerate(ps) if p in worked]
        i = data.draw(st.sampled_from(near) if near else st.integers(0, len(ps) - 1))
        if kind == "reword":
            words = ps[i].split()
            j = data.draw(st.integers(1, len(words) - 3))
            words[j] = data.draw(st.sampled_from([w for w in WORDS if w != words[j]]))
            ps[i] = " ".join(words)
        elif kind == "number":
            old = int(re.findall(r"\d+", ps[i])[-1])
            new = data.draw(st.integers(1, 98))
            ps[i] = re.sub(r"\d+", str(new if new < old else new + 1), ps[i])
        elif kind == "insert":
            ps.insert(i, data.draw(PARAGRAPH))
        elif kind == "delete" and len(ps) > 1:
            del ps[i]
        elif kind == "reorder" and len(ps) > 1:
            ps[i], ps[-1] = ps[-1], ps[i]

    @rule(data=st.data(), then_run=YES_OR_NO)
    def reword(self, data: st.DataObject, then_run: bool) -> None:
        self.edit_english(data, "reword")
        if then_run:
            self.run_pipeline()

    @rule(data=st.data(), then_run=YES_OR_NO)
    def change_a_number(self, data: st.DataObject, then_run: bool) -> None:
        self.edit_english(data, "number")
        if then_run:
            self.run_pipeline()

    @rule(data=st.data(), kind=st.sampled_from(["insert", "delete", "reorder"]),
          then_run=YES_OR_NO)
    def move_paragraphs(self, data: st.DataObject, kind: str, then_run: bool) -> None:
        self.edit_english(data, kind)
        if then_run:
            self.run_pipeline()

    # --- the translator --------------------------------------------------------------------

    def editable(self) -> list[str]:
        return sorted(s for s in set(self.slugs.values())
                      if s not in self.broken and po_path(self.root, s).exists())

    def translator_edit(self, data: st.DataObject, slug: str, review: bool, lines: int) -> None:
        """Poedit: write a translation of the entry; review it, or leave it fuzzy."""
        path = po_path(self.root, slug)
        po = polib.pofile(path.read_text("utf-8"), wrapwidth=79)
        live = [e for e in po if not e.obsolete and not e.msgid_plural]
        paragraphs = {p for post in self.posts for p in post.paragraphs}
        live = [e for e in live if e.msgid in paragraphs] or live  # the body, mostly
        if not live:
            return
        entry = data.draw(st.sampled_from(live))
        self.counter += 1
        marker = f"{'REVISADO' if review else 'BORRADOR'} {self.counter}:"
        text = "\n".join([f"{marker} {entry.msgid}", *(["segunda línea"] * (lines - 1))])
        mine = self.written.setdefault(slug, {})
        for key, old in list(mine.items()):
            if _normal(old.text) == _normal(entry.msgstr):
                del mine[key]  # the translator replaced it
        entry.msgstr = text
        if review:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
        elif "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        mine[marker] = Written(text, entry.msgid, review)
        path.write_text(str(po), encoding="utf-8")

    @precondition(lambda self: self.editable())
    @rule(data=st.data(), review=YES_OR_NO, lines=st.integers(1, 2), then_run=YES_OR_NO)
    def translate(self, data: st.DataObject, review: bool, lines: int, then_run: bool) -> None:
        self.translator_edit(data, data.draw(st.sampled_from(self.editable())), review, lines)
        if then_run:
            self.run_pipeline()

    @precondition(lambda self: self.editable())
    @rule(data=st.data(), width=st.sampled_from([79, 60]))
    def rewrap_with_msgcat(self, data: st.DataObject, width: int) -> None:
        path = po_path(self.root, data.draw(st.sampled_from(self.editable())))
        subprocess.run([gnu("msgcat"), f"--width={width}", "-o", str(path), str(path)], check=True)

    @precondition(lambda self: self.editable())
    @rule(data=st.data())
    def weblate_msgmerge(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(self.editable()))
        pot = self.root / "translations" / "templates" / f"{slug}.pot"
        subprocess.run([gnu("msgmerge"), "--quiet", "--previous", "-U", "--backup=off",
                        str(po_path(self.root, slug)), str(pot)], check=True)

    @precondition(lambda self: self.editable())
    @rule(data=st.data())
    def broken_save(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(self.editable()))
        path = po_path(self.root, slug)
        before = path.read_bytes()
        path.write_bytes(before + BROKEN_TAIL)
        self.broken[slug] = (before, before + BROKEN_TAIL)

    @precondition(lambda self: self.broken)
    @rule(data=st.data())
    def fix_the_broken_save(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(sorted(self.broken)))
        po_path(self.root, slug).write_bytes(self.broken.pop(slug)[0])

    # --- runs ------------------------------------------------------------------------------

    @rule()
    def run(self) -> None:
        self.run_pipeline()

    @rule()
    def the_feed_moves_between_rss_and_atom(self) -> None:
        """The blog's software changes: RSS guids become Atom ids (or back); same posts."""
        self.rss = not self.rss
        self.run_pipeline()

    @precondition(lambda self: any(len(p.paragraphs) > 1 for p in self.posts))
    @rule(data=st.data())
    def two_paragraphs_joined_then_split_back(self, data: st.DataObject) -> None:
        """An editor joins two paragraphs (a run), then splits them back as they were (a run):
        what was reviewed before is reviewed again, not machine translation."""
        post = data.draw(st.sampled_from([p for p in self.posts if len(p.paragraphs) > 1]))
        i = data.draw(st.integers(0, len(post.paragraphs) - 2))
        first, second = post.paragraphs[i], post.paragraphs[i + 1]
        self.run_pipeline()
        slug = self.by_link[post.url]
        if slug in self.broken or first == second:
            return
        before = self._reviewed(slug, (first, second))
        post.paragraphs[i : i + 2] = [f"{first} {second}"]
        self.run_pipeline()
        post.paragraphs[i : i + 1] = [first, second]
        self.run_pipeline()
        assert self._reviewed(slug, (first, second)) == before, "a review did not come back"

    def _reviewed(self, slug: str, msgids: tuple[str, ...]) -> dict[str, str]:
        po = polib.pofile(po_path(self.root, slug).read_text("utf-8"))
        return {
            e.msgid: e.msgstr
            for e in po
            if e.msgid in msgids and not e.obsolete and e.msgstr and "fuzzy" not in e.flags
        }

    @precondition(lambda self: self.editable())
    @rule(data=st.data(), review=st.booleans())
    def save_during_a_run(self, data: st.DataObject, review: bool) -> None:
        """Poedit saves after the run loaded the catalogs and before it writes them."""
        slug = data.draw(st.sampled_from(self.editable()))
        real = catalog.merge
        saved: list[str] = []

        def meanwhile(
            template: catalog.Catalog, old: catalog.Catalog | None, *args: object, **kwargs: object
        ) -> catalog.Catalog:
            merged = real(template, old, *args, **kwargs)  # type: ignore[arg-type]
            project = template.header("Project-Id-Version")
            if not saved and old is not None and project.endswith(f" {slug}"):
                saved.append(slug)  # the run has loaded this catalog: the translator saves theirs
                self.translator_edit(data, slug, review, 1)
            return merged

        with mock.patch.object(catalog, "merge", meanwhile):
            self.run_pipeline()
        if not saved:  # the run did not load that catalog: the translator saves after it
            self.translator_edit(data, slug, review, 1)

    def run_pipeline(self) -> None:
        write_feed(self.root, self.posts, self.rss)
        report = pipeline.run(self.settings)
        for failure in report.failures:  # only a broken catalog may fail, and it says where
            assert any(f"{slug}.po:" in failure for slug in self.broken), failure
        for identity, slug in Store(self.root).identities().slugs.items():
            assert self.slugs.setdefault(identity, slug) == slug, "a post's URL changed"
        copies: dict[str, list[str]] = {}
        for path in sorted((self.root / "content").glob("*.html")):
            link = re.search(r'<link rel="canonical" href="([^"]*)"', path.read_text("utf-8"))
            copies.setdefault(html.unescape(link.group(1)) if link else "", []).append(path.stem)
        for post in self.posts:
            assert len(copies.get(post.url, [])) == 1, f"{post.url}: {copies.get(post.url)}"
            slug = copies[post.url][0]
            assert self.by_link.setdefault(post.url, slug) == slug, "a post's URL changed"
        self.no_stale_review_is_published()

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def every_translation_a_translator_wrote_is_still_there(self) -> None:
        for slug, mine in self.written.items():
            path = po_path(self.root, slug)
            if slug in self.broken:
                assert path.read_bytes() == self.broken[slug][1], "a broken catalog was touched"
                continue
            po = polib.pofile(path.read_text("utf-8"))
            texts = {_normal(e.msgstr) for e in po}
            texts |= {_normal(t) for e in po for t in e.msgstr_plural.values()}
            for marker, what in mine.items():
                assert _normal(what.text) in texts, f"{slug}: lost {marker} {what.text!r}"

    @invariant()
    def every_post_keeps_its_url(self) -> None:
        for slug in set(self.slugs.values()) | set(self.by_link.values()):
            assert (self.root / "content" / f"{slug}.html").exists(), slug
            assert (self.root / "site" / "en" / slug / "index.html").exists(), slug

    def no_stale_review_is_published(self) -> None:
        for slug, mine in self.written.items():
            if slug in self.broken:
                continue  # the last published page stays until the catalog is fixed
            pot = catalog.load(self.root / "translations" / "templates" / f"{slug}.pot")
            current = {_skeleton(e.msgid)[0] for e in pot or []}
            page = page_text(self.root, slug)
            for marker, what in mine.items():
                if what.reviewed and _skeleton(what.english)[0] not in current:
                    assert marker not in page, f"{slug}: {marker} is a review of older English"


ReviewHistory.TestCase.settings = settings(
    max_examples=int(os.environ.get("INTL_PUB_EXAMPLES", 2000 if LONG else 300)),
    stateful_step_count=30 if LONG else 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestReviewHistory = ReviewHistory.TestCase
TestReviewHistory.pytestmark = [pytest.mark.slow]  # (300 examples of 12 steps: ~2-5 min)
