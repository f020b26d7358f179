"""docs/TRANSLATORS.md, followed as a translator would: the guide cannot drift from the code.

The guide's marked blocks are read from the file and performed or compared:

* ``guide-steps``: the step-by-step review, run in order on the sample blog (the review
  done as Poedit does it: text corrected, tokens kept, fuzzy cleared);
* ``guide-entry``: what an entry looks like, line by line, against a real catalog entry;
* ``guide-stale-before`` / ``guide-stale-after``: "When the English changes", made to
  happen on a post holding that sentence, and compared with what the run writes.

Only what varies between runs is normalized: a reference's line number, the engine an
``#. mt:`` line names, and the msgstr a machine wrote.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings
from intl_pub.core.locales import parse_locales

GUIDE = ROOT / "docs" / "TRANSLATORS.md"


def block(marker: str) -> str:
    """The fenced block right after ``<!-- <marker>``: its text."""
    text = GUIDE.read_text("utf-8")
    found = re.search(rf"<!-- {re.escape(marker)}\b[^>]*-->\n```\w+\n(.*?)```", text, re.S)
    assert found, f"{GUIDE}: the block marked {marker!r} is missing"
    return found.group(1)


def entry_lines(text: str) -> list[str]:
    """A PO entry's lines, normalized where a run may differ from the guide's example."""
    lines = []
    for line in text.splitlines():
        line = line.split("  <- ")[0].rstrip()  # the guide's annotations
        line = re.sub(r"^(#: \S+?):\d+$", r"\1:N", line)
        line = re.sub(r"^#\. mt: .*", "#. mt: …", line)
        if line:
            lines.append(line)
    return lines


def entry_in_file(path: Path, msgid: str) -> list[str]:
    """The lines of the entry with ``msgid`` as the file holds them."""
    for chunk in path.read_text("utf-8").split("\n\n"):
        if f'msgid "{msgid}"' in chunk:
            return entry_lines(chunk)
    raise AssertionError(f"{path}: no entry {msgid!r}")


def without_msgstr(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("msgstr")]


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intl_pub.cli", *args], cwd=workdir,
                          capture_output=True, text=True, timeout=600, env=dict(os.environ))


def review_as_poedit(path: Path, line: int | None = None, msgid: str | None = None,
                     text: str | None = None, comment: str | None = None) -> polib.POEntry:
    """What Poedit does to an entry: the text (when given), a comment, "Needs work" off."""
    po = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in po if e.linenum == line or e.msgid == msgid)
    if text is not None:
        entry.msgstr = text
    if comment is not None:
        entry.tcomment = comment
    else:
        entry.flags.remove("fuzzy")
    po.save(str(path))
    return entry


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_guides_first_review_steps_work_on_the_sample_blog(blog: Path) -> None:
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    where, reviewed, done = "", "", []
    for line in block("guide-steps").splitlines():
        if line.startswith("# review:"):
            name, number = where.rsplit(":", 1)
            found = next(e for e in polib.pofile(str(blog / name)) if e.linenum == int(number))
            assert found.fuzzy and found.msgstr  # machine translation, awaiting review
            reviewed = "Revisado: " + found.msgid  # corrected; the tokens kept where they were
            review_as_poedit(blog / name, line=int(number), text=reviewed)
            done.append("review")
            continue
        args = line.split("  #")[0].split()
        if not args:
            continue
        assert args[0] == "intl-pub", line
        result = cli(blog, *args[1:])
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        done.append(args[1])
        if args[1] == "queue":
            where = result.stdout.split(": ", 1)[0]
            assert re.fullmatch(r"translations/es/[\w-]+\.po:\d+", where), result.stdout
        if args[1] == "status":
            slug = Path(where.split(":")[0]).stem
            row = next(r.split() for r in result.stdout.splitlines() if r.split()[:2] == ["es", slug])
            assert row[2] == "1", row  # the reviewed column: the one entry just reviewed
    assert done == ["queue", "review", "check", "status", "publish"]
    page = BeautifulSoup((blog / "site" / "es" / Path(where.split(":")[0]).stem / "index.html")
                         .read_text("utf-8"), "html.parser")
    shown = [e for e in page.find_all(attrs={"data-l10n": "reviewed"})]
    assert any(reviewed.split("<")[0] in e.get_text() for e in shown)
    assert all(not e.has_attr("data-mt") for e in shown)  # no longer underlined


POST = """<!DOCTYPE html><html lang="en"><head><title>Flu vaccination</title>
<meta name="description" content="When and where."></head><body><article>
<p>Read the <a href="https://example.org/fact-sheet">fact sheet</a> from the <abbr title="World Health Organization">WHO</abbr>.</p>
<p>The clinic opens on Monday at nine.</p>
</article></body></html>
"""


@pytest.fixture
def flu_post(tmp_path: Path) -> Path:
    """A work folder whose one post, flu-vaccination-2026, holds the guide's sentences."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "flu-vaccination-2026.html").write_text(POST, "utf-8")
    (tmp_path / "intl-pub.toml").write_text(
        '[pipeline]\nsources = ["posts"]\nlocales = ["es"]\nengine = "pseudo"\n', "utf-8")
    return tmp_path


def test_an_entry_looks_as_the_guide_shows_it(flu_post: Path) -> None:
    settings = load_settings(flu_post)
    assert pipeline.run(settings).ok
    example = entry_lines(block("guide-entry"))
    path = flu_post / "translations" / "es" / "flu-vaccination-2026.po"
    msgid = "Read the <1>fact sheet</1> from the <2>WHO</2>."
    review_as_poedit(path, msgid=msgid, comment=example[0].removeprefix("# "))
    assert pipeline.run(settings).ok  # "kept forever": a run keeps the comment
    assert without_msgstr(entry_in_file(path, msgid)) == without_msgstr(example)
    # and Poedit opens the reference from the catalog's folder
    po = polib.pofile(str(path))
    [(name, line)] = po.find(msgid).occurrences
    source = (path.parent / po.metadata["X-Poedit-Basepath"] / name).read_text("utf-8")
    assert "fact sheet" in source.splitlines()[int(line) - 1]


def test_when_the_english_changes_the_entry_is_what_the_guide_shows(flu_post: Path) -> None:
    settings = load_settings(flu_post)
    assert pipeline.run(settings).ok
    path = flu_post / "translations" / "es" / "flu-vaccination-2026.po"
    before, after = entry_lines(block("guide-stale-before")), entry_lines(block("guide-stale-after"))
    monday = "The clinic opens on Monday at nine."
    reviewed = re.search(r'msgstr "(.*)"', block("guide-stale-before")).group(1)
    review_as_poedit(path, msgid=monday, text=reviewed)
    # the `#. mt:` line stays until the file is written for another reason (the guide says so)
    assert [ln for ln in entry_in_file(path, monday) if not ln.startswith("#. mt:")] == before
    post = flu_post / "posts" / "flu-vaccination-2026.html"
    post.write_text(POST.replace("Monday", "Tuesday"), "utf-8")
    assert pipeline.run(settings).ok
    assert entry_in_file(path, "The clinic opens on Tuesday at nine.") == after
    # the site never shows the review of Monday for Tuesday: a marked suggestion, and a notice
    page = BeautifulSoup((flu_post / "site" / "es" / "flu-vaccination-2026" / "index.html")
                         .read_text("utf-8"), "html.parser")
    assert reviewed not in page.get_text()
    assert page.find(class_="l10n-stale") is not None
    # the translator reviews it again: the notice goes
    review_as_poedit(path, msgid="The clinic opens on Tuesday at nine.",
                     text=reviewed.replace("lunes", "martes"))
    assert pipeline.run(settings).ok
    page = BeautifulSoup((flu_post / "site" / "es" / "flu-vaccination-2026" / "index.html")
                         .read_text("utf-8"), "html.parser")
    assert "martes" in page.get_text() and page.find(class_="l10n-stale") is None


def test_the_sites_own_words_are_machine_translated_then_reviewed_as_the_guide_says(
    flu_post: Path,
) -> None:
    settings = replace(load_settings(flu_post), locales=parse_locales("fr"))
    assert pipeline.run(settings).ok
    path = flu_post / "translations" / "fr" / "site.po"
    words = catalog.load(path)
    assert words is not None and all(e.machine for e in words)
    assert all(any(c.startswith("mt: ") for c in e.comments) for e in words)
    review_as_poedit(path, msgid="Latest posts", text="Derniers articles")
    assert pipeline.run(settings).ok
    index = BeautifulSoup((flu_post / "site" / "fr" / "index.html").read_text("utf-8"),
                          "html.parser")
    assert index.h1.get_text() == "Derniers articles" and index.h1.find(attrs={"data-mt": True}) is None
    assert index.select_one("footer [data-mt]") is not None  # the feed link: machine, marked
