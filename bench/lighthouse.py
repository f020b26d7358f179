"""Lighthouse scores of the published sample site, as a reader's browser meets it.

    .venv/bin/python bench/lighthouse.py [--preset desktop] [--page es/heat-wave-advice/ ...]
    .venv/bin/python bench/lighthouse.py --index-posts 2 --page es/index.html --page es/index-2.html

Builds the sample blog (pseudo engine: every stage, no model) with ``base_url``
set to where it is served, serves ``site/`` on 127.0.0.1, and runs Lighthouse
12 (Node) with Debian's Chromium over post pages and index pages, printing the
performance, accessibility, best-practices and SEO scores (targets: 100 each).

Lighthouse is installed once with npm into a cache folder outside the
repository (``$INTL_PUB_LIGHTHOUSE_DIR``, default ``~/.cache/intl-pub-bench/lighthouse``):
``npm install --prefix DIR lighthouse@12.8.2`` (Lighthouse 13 needs Node >= 22).
Not part of the test suite: it needs Node, Chromium and minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.8.2"
CACHE = Path(os.environ.get("INTL_PUB_LIGHTHOUSE_DIR",
                            Path.home() / ".cache" / "intl-pub-bench" / "lighthouse"))
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("en/heat-wave-advice/", "es/heat-wave-advice/", "zh-hans/new-pediatric-clinic/",
         "ru/", "zh-hans/", "")
"""Post pages (the English original, machine translation with its notice; the clinic post
has an image on its source's host, which does not resolve here), language indexes and the
root."""


def lighthouse_cli() -> Path:
    cli = CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        print(f"installing {LIGHTHOUSE} into {CACHE} (once)", file=sys.stderr)
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
                        LIGHTHOUSE], check=True)
    return cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(base_url: str, templates: Path | None) -> Path:
    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    folder = Path(tempfile.mkdtemp(prefix="intl-pub-lighthouse-"))
    shutil.copy(ROOT / "intl-pub.toml", folder)
    shutil.copytree(ROOT / "examples", folder / "examples")
    if templates is not None:  # a theme's templates/ (work-folder overrides), to score them
        shutil.copytree(templates, folder / "templates")
    settings = replace(load_settings(folder), engine="pseudo", base_url=base_url)
    report = pipeline.run(settings)
    if not report.ok:
        sys.exit("the sample site did not build: " + "; ".join(report.failures))
    return folder


@contextlib.contextmanager
def serving(folder: Path, port: int) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def audit(cli: Path, url: str, preset: str | None, out: Path) -> dict[str, object]:
    command = ["node", str(cli), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    if preset:
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(out.read_text("utf-8"))


def failed_audits(result: dict[str, object]) -> list[str]:
    """The audits that cost points: ``category: audit id (score)``."""
    audits = result["audits"]  # type: ignore[index]
    lost = []
    for name, category in result["categories"].items():  # type: ignore[union-attr]
        for ref in category["auditRefs"]:
            found = audits[ref["id"]]
            if ref["weight"] and found["score"] is not None and found["score"] < 1:
                items = (found.get("details") or {}).get("items") or []
                what = [str(i.get("description") or i.get("url") or "") for i in items[:3]]
                lost.append(f"{name}: {ref['id']} ({found['score']}) {'; '.join(what)}".rstrip())
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=["desktop", "perf"], help="Lighthouse preset "
                        "(default: its mobile emulation)")
    parser.add_argument("--page", action="append", help="a page under site/ (repeatable)")
    parser.add_argument("--templates", type=Path, help="a templates/ folder to build with "
                        "(as a work folder's overrides)")
    parser.add_argument("--index-posts", type=int, help="posts per page of a language's list "
                        "(e.g. 2: the sample's lists are paged, to score es/index-2.html)")
    args = parser.parse_args()
    if args.index_posts:
        from intl_pub.publish import site

        site.INDEX_POSTS = args.index_posts
    cli = lighthouse_cli()
    port = free_port()
    work = build(f"http://127.0.0.1:{port}/", args.templates)
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, {args.preset or 'mobile'}; "
          f"site built in {work}")
    print(f"{'page':34}" + "".join(f"{c:>16}" for c in CATEGORIES))
    worst = 100
    with serving(work / "site", port) as base, tempfile.TemporaryDirectory() as tmp:
        for page in args.page or PAGES:
            result = audit(cli, base + page, args.preset, Path(tmp) / "report.json")
            scores = [round(100 * result["categories"][c]["score"]) for c in CATEGORIES]
            worst = min(worst, *scores)
            print(f"{'/' + page:34}" + "".join(f"{s:>16}" for s in scores))
            for line in failed_audits(result):
                print(f"    lost: {line}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"lowest score: {worst} (target: 100 on every page and category)")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
