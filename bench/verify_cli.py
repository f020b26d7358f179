"""Verified publishing measured through the CLI as users run it (``bench/verify.py --cli``).

Per locale, one work folder: its posts hold the dev pairs' English sentences as
paragraphs (a post for the correct translations and one per seeder style and kind,
in chunks), ``intl-pub translate --engine pseudo`` fills the catalogs, then every
machine entry's msgstr is replaced by the dev translation, correct or with the
seeded error (the entry stays fuzzy and keeps its ``#. mt:`` note, as an engine
left it), then ``intl-pub publish``. The published pages say per block what the
reader gets (``data-l10n="machine"`` or ``"source"``): a correct sentence shown in
English is a false hold, a seeded error shown in English is caught.

The seeded errors are the direct measure's (:func:`verify.seeds`, same seeds).
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from intl_pub import catalog
from intl_pub.catalog.entry import MT_PREFIX
from intl_pub.publish.reader_notes import ID_ATTR, STATE_ATTR, block_id

CHUNK = 150
"""Paragraphs per post (a post of the size a long article has)."""
LINK = "https://example.org/dev"


@dataclass(frozen=True)
class Item:
    """One paragraph of a post and the msgstr its catalog entry gets."""

    half: str
    group: str
    """``correct``, or ``<style>:<kind>`` of the seeded error."""
    english: str
    """As the measure compares it: token seeds carry ``<1>…</1>`` around the first word."""
    translation: str


@dataclass
class CliTally:
    """Published blocks per (half, group): shown in English or as machine translation."""

    held: Counter[tuple[str, str]] = field(default_factory=Counter)
    total: Counter[tuple[str, str]] = field(default_factory=Counter)
    lost: int = 0
    """Items whose paragraph did not come back as one block of the page (extraction)."""
    seconds: float = 0.0


def items(pairs_by_half: dict[str, list[tuple[str, str]]], tag: str) -> list[Item]:
    """The correct pairs and every seeded error, as the direct measure makes them."""
    import verify as direct  # bench/verify.py, on sys.path when run from it

    found = []
    for half, pairs in pairs_by_half.items():
        for index, (english, translation) in enumerate(pairs):
            found.append(Item(half, "correct", english, translation))
            for style, kind, source, _, seeded in direct.seeds(english, translation, tag, index):
                found.append(Item(half, f"{style}:{kind}", source, seeded))
    return found


def paragraph(english: str) -> str:
    """The English as the author's HTML: ``<1>word</1>`` is a link."""
    escaped = html.escape(english, quote=False)
    escaped = escaped.replace("&lt;1&gt;", f'<a href="{LINK}">').replace("&lt;/1&gt;", "</a>")
    return f"<p>{escaped}</p>"


def write_posts(root: Path, found: list[Item]) -> dict[str, dict[str, Item]]:
    """The posts (a folder source) and, per slug, its items by normalized English."""
    folder = root / "posts"
    folder.mkdir(parents=True)
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in found:
        groups[item.half, item.group].append(item)
    by_slug: dict[str, dict[str, Item]] = {}
    for (half, group), members in sorted(groups.items()):
        unique: dict[str, Item] = {}
        for item in members:  # a sentence twice in one post is one catalog entry: keep one
            unique.setdefault(_norm(item.english), item)
        chunked = list(unique.values())
        for n in range(0, len(chunked), CHUNK):
            slug = f"{half}-{group.replace(':', '-')}-{n // CHUNK:03d}".lower()
            chunk = chunked[n : n + CHUNK]
            body = "\n".join(paragraph(i.english) for i in chunk)
            (folder / f"{slug}.html").write_text(
                f"<!DOCTYPE html><html><head><title>Dev pairs {slug}</title>"
                '<meta name="date" content="2026-01-02T08:00:00+00:00"></head><body><article>'
                f"<h1>Dev pairs {slug}</h1>\n{body}\n</article></body></html>\n",
                "utf-8",
            )
            by_slug[slug] = {_norm(i.english): i for i in chunk}
    return by_slug


def setup(root: Path, tag: str, glossary: dict[str, str]) -> None:
    terms = "".join(f'"{k}" = "{v}"\n' for k, v in glossary.items())
    (root / "intl-pub.toml").write_text(
        '[site]\ntitle = "Dev pairs"\n[pipeline]\nsources = ["posts"]\nengine = "pseudo"\n'
        f'locales = ["{tag}"]\n', "utf-8")
    (root / "translations").mkdir(exist_ok=True)
    (root / "translations" / "glossary.toml").write_text(f"[{tag}]\n{terms}", "utf-8")


def cli(root: Path, *args: str) -> None:
    """``intl-pub ARGS`` in a new process, as a user runs it (fails loudly)."""
    result = subprocess.run(
        [sys.executable, "-m", "intl_pub.cli", "-q", *args, "--workdir", str(root)],
        capture_output=True, text=True, env={**os.environ, "INTL_PUB_WORKERS": "1"},
    )
    if result.returncode != 0:
        raise SystemExit(f"intl-pub {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def replace_machine_entries(
    root: Path, tag: str, by_slug: dict[str, dict[str, Item]]
) -> dict[str, dict[str, Item]]:
    """Every machine entry's msgstr becomes the item's translation (fuzzy, ``#. mt:`` kept);
    per slug, the items by their blocks' ``data-l10n-id``."""
    blocks: dict[str, dict[str, Item]] = defaultdict(dict)
    for po in sorted((root / "translations" / tag.replace("-", "_")).glob("*.po")):
        cat = catalog.load(po)
        assert cat is not None
        wanted = by_slug.get(po.stem, {})
        for entry in cat:
            item = wanted.get(_norm(entry.msgid))
            if item is None or not entry.machine:
                continue
            label = next((c[len(MT_PREFIX):] for c in entry.comments if c.startswith(MT_PREFIX)),
                         "pseudo")
            catalog.set_machine_translation(entry, item.translation, label)
            blocks[po.stem][block_id(entry.context, entry.msgid)] = item
        catalog.save(cat, po)
    return blocks


def count(root: Path, tag: str, by_slug: dict[str, dict[str, Item]],
          blocks: dict[str, dict[str, Item]], tally: CliTally) -> None:
    """Read the published pages: each item's block shown as machine text or in English."""
    for slug, wanted in by_slug.items():
        ids = blocks.get(slug, {})
        page = root / "site" / tag.lower() / slug / "index.html"
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        seen = set()
        for block in soup.find_all(attrs={ID_ATTR: True}):
            item = ids.get(str(block[ID_ATTR]))
            if item is None or id(item) in seen:
                continue
            seen.add(id(item))
            tally.total[item.half, item.group] += 1
            tally.held[item.half, item.group] += block.get(STATE_ATTR) != "machine"
        tally.lost += len(wanted) - len(seen)


def measure_locale(tag: str, pairs_by_half: dict[str, list[tuple[str, str]]],
                   glossary: dict[str, str]) -> CliTally:
    tally = CliTally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"intl-pub-verify-cli-{tag}-") as tmp:
        root = Path(tmp)
        setup(root, tag, glossary)
        by_slug = write_posts(root, items(pairs_by_half, tag))
        cli(root, "translate", "--engine", "pseudo", "--locales", tag)
        blocks = replace_machine_entries(root, tag, by_slug)
        cli(root, "publish", "--locales", tag)
        count(root, tag, by_slug, blocks, tally)
    tally.seconds = time.perf_counter() - started
    return tally


def measure(tags: list[str], pairs: dict[str, dict[str, list[tuple[str, str]]]],
            glossaries: dict[str, dict[str, str]]) -> dict[str, CliTally]:
    """Every locale's work folder, two at a time (the machine has few cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {t: pool.submit(measure_locale, t, pairs[t], glossaries.get(t, {}))
                   for t in tags}
        return {t: f.result() for t, f in futures.items()}


def shares(tally: CliTally, half: str) -> dict[str, tuple[int, int]]:
    """(held, total) of the correct sentences and of each style's seeded errors."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (h, group), total in tally.total.items():
        if h != half:
            continue
        name = "correct" if group == "correct" else group.split(":")[0]
        found[name][0] += tally.held[h, group]
        found[name][1] += total
    return {k: (v[0], v[1]) for k, v in found.items()}


def _norm(text: str) -> str:
    return " ".join(text.split())
