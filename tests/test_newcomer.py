"""The README's "Your own blog", followed step by step as a newcomer would, on 127.0.0.1.

The steps are read from the README (the ``sh`` block after ``<!-- newcomer-steps``), so
the section cannot drift from what the commands do: every command runs as written (the
feed URL swapped for a feed this test serves), ``# review:`` is done as Poedit does it,
and ``intl-pub serve`` is asked for the page the review changed.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from conftest import ROOT
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from intl_pub import catalog
from intl_pub.core.config import load_settings, starter_settings
from intl_pub.core.errors import ConfigError, IntlPubError
from intl_pub.pipeline.init import init_workdir

README = ROOT / "README.md"
PLACEHOLDER_FEED = "https://blog.example/feed.xml"


def steps() -> list[str]:
    """The lines of the README's newcomer block: commands and ``# review:`` markers."""
    text = README.read_text("utf-8")
    found = re.search(r"<!-- newcomer-steps[^>]*-->\n```sh\n(.*?)```", text, re.S)
    assert found, "README.md: the newcomer steps block is missing"
    lines = []
    for line in found.group(1).splitlines():
        if line.startswith("# review:"):
            lines.append(line)
        elif line.strip() and not line.startswith("#"):
            lines.append(line.split("  #")[0].strip())
    return lines


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_url() -> Iterator[str]:
    """The sample blog's feed and pages, over HTTP on 127.0.0.1 (as a CMS would serve them)."""
    handler = functools.partial(Quiet, directory=str(ROOT / "examples" / "blog"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def intl_pub(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intl_pub.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=dict(os.environ))


def review_as_poedit(where: str, folder: Path) -> str:
    """Correct the entry at ``file:line`` and clear its fuzzy flag; its text's start."""
    name, line = where.rsplit(":", 1)
    path = folder / name
    po = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in po if e.linenum == int(line))
    assert entry.fuzzy and entry.msgstr, "the queue lists machine translation awaiting review"
    entry.msgstr = "Revisado: " + entry.msgid  # the tokens kept, as the guide asks
    entry.flags.remove("fuzzy")
    po.save(str(path))
    return entry.msgstr.split("<")[0]  # the words before the first token, as a page shows them


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_and_fetch(args: list[str], cwd: Path, page: str) -> str:
    """Start ``intl-pub serve`` as the README says (on a free port), fetch ``page``, stop."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "intl_pub.cli", *args, "--port", str(port)],
                              cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=5) as got:
                    return got.read().decode("utf-8")
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_readme_newcomer_steps_work_start_to_finish(tmp_path: Path, feed_url: str) -> None:
    cwd, queue_top, reviewed = tmp_path, "", ""
    done = []
    for line in steps():
        if line.startswith("# review:"):
            assert queue_top, "the README reviews what the queue listed first"
            reviewed = review_as_poedit(queue_top, cwd)
            done.append("review")
            continue
        args = shlex.split(line.replace(PLACEHOLDER_FEED, feed_url))
        if args[0] == "cd":
            cwd = cwd / args[1]
            continue
        assert args[0] == "intl-pub", line
        if args[1] == "serve":
            html = serve_and_fetch(args[1:], cwd, f"es/{Path(queue_top).stem}/index.html")
            assert reviewed in html and 'lang="es"' in html
            done.append("serve")
            continue
        result = intl_pub(args[1:], cwd)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        done.append(args[1])
        if args[1] == "init":
            assert "next:" in result.stdout and "intl-pub translate" in result.stdout
            again = intl_pub(args[1:], tmp_path)
            assert again.returncode == 1 and "exists already" in again.stderr
        if args[1] == "queue":
            queue_top = result.stdout.split(": ", 1)[0]
            assert re.fullmatch(r"translations/es/[\w-]+\.po:\d+", queue_top), result.stdout
        if args[1] == "publish":
            page = (cwd / "site" / "es" / Path(queue_top).stem / "index.html").read_text("utf-8")
            assert reviewed in page
    assert done == ["init", "translate", "status", "queue", "review", "check", "publish",
                    "serve"]
    settings = (tmp_path / "myblog" / "intl-pub.toml").read_text("utf-8")
    assert f'sources = ["{feed_url}"]' in settings and 'title = "My blog"' in settings
    assert len(list((tmp_path / "myblog" / "content").glob("*.html"))) == 4


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80), st.lists(st.text(min_size=1, max_size=40), max_size=3))
def test_the_settings_file_init_writes_reads_back_whatever_the_values(
    title: str, sources: list[str]
) -> None:
    assume("\x00" not in title and not any("\x00" in s for s in sources))
    assume(all(not (0xD800 <= ord(c) <= 0xDFFF) for c in title + "".join(sources)))
    text = starter_settings(title, "https://x.example/", sources, ["es", "ar"], "pseudo")
    data = tomllib.loads(text)
    assert data["site"]["title"] == title and data["pipeline"]["sources"] == sources


def test_init_makes_a_work_folder_a_run_accepts_and_refuses_to_overwrite(tmp_path: Path) -> None:
    feed = ROOT / "examples" / "blog" / "feed.xml"
    created = init_workdir(tmp_path / "blog", [str(feed)], "Mi blog", locales="es,ja")
    folder = tmp_path / "blog"
    assert created.settings == load_settings(folder, env={})
    assert created.settings.sources == (os.path.relpath(feed, folder),)  # moves with the folder
    assert created.shipped == ["es"]
    es = catalog.load(folder / "translations" / "es" / "site.po")
    assert es is not None and es.find("Latest posts").reviewed  # the shipped words
    assert es.find("Mi blog").untranslated  # the title waits for `translate`
    ja = catalog.load(folder / "translations" / "ja" / "site.po")
    assert ja is not None and all(e.untranslated for e in ja)
    assert (folder / "translations" / "templates" / "site.pot").exists()
    before = (folder / "intl-pub.toml").read_bytes()
    with pytest.raises(ConfigError, match="exists already"):
        init_workdir(folder, ["https://other.example/feed"])
    assert (folder / "intl-pub.toml").read_bytes() == before
    with pytest.raises(IntlPubError):
        init_workdir(tmp_path / "other", locales="es,xx-nowhere")
    assert not (tmp_path / "other" / "intl-pub.toml").exists()
