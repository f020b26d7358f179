"""Two runs on one work folder at once: the second waits or says who holds it, never interleaves.

Each command as users run it (a subprocess), the first made slow on purpose (a feed that takes
seconds to answer, page templates that take a while to render), the second started while the
first works. tests/crash_hook/ logs each run's renames with the time, so "never interleaves"
is a fact read from the disk: every write of the second run comes after the first run's last.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import intl_pub
from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings

pytestmark = [pytest.mark.subprocess]

ROOT = Path(__file__).resolve().parent.parent
HOOK = Path(__file__).resolve().parent / "crash_hook"
BLOG = ROOT / "examples" / "blog"
SLOW = 4.0
"""Seconds the slow feed takes to answer."""


@pytest.fixture
def slow_blog() -> Iterator[str]:
    """The sample blog served on 127.0.0.1; its feed answers the first request after SLOW
    seconds (the first run is slow; a second that did not wait would be done long before)."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = BLOG / self.path.lstrip("/")
            if self.path == "/feed.xml":
                asked.append(self.path)
                if len(asked) == 1:
                    time.sleep(SLOW)
            if not path.is_file():
                self.send_response(404)
                self.end_headers()
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml" if path.suffix == ".xml" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


class Run:
    """One ``intl-pub`` subprocess, its renames logged, its end time noted as it happens."""

    def __init__(self, work: Path, args: list[str], log: Path, **env: str) -> None:
        environ = dict(os.environ, PYTHONPATH=str(HOOK), INTL_PUB_CRASH_LOG=str(log), **env)
        self.log = log
        self.started = time.time()
        self.process = subprocess.Popen([sys.executable, "-m", "intl_pub.cli", *args, "--workdir", str(work)],
                                        env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.ended = 0.0
        self.out = self.err = ""
        self._waiter = threading.Thread(target=self._wait)
        self._waiter.start()

    def _wait(self) -> None:
        self.out, self.err = self.process.communicate(timeout=600)
        self.ended = time.time()

    def finish(self) -> int:
        self._waiter.join(timeout=600)
        return self.process.returncode

    def renames(self) -> list[float]:
        if not self.log.exists():
            return []
        return [float(line.split(" ", 1)[0]) for line in self.log.read_text("utf-8").splitlines()]


def work_folder(root: Path) -> Path:
    root.mkdir()
    shutil.copy(ROOT / "intl-pub.toml", root / "intl-pub.toml")
    return root


def assert_holder_named(err: str, first: Run) -> None:
    found = re.search(r"another intl-pub run is working here \(pid (\d+) on (\S+), since ([^)]+)\)", err)
    assert found, err
    assert int(found.group(1)) == first.process.pid and found.group(2) == socket.gethostname()
    since = datetime.strptime(found.group(3), "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC).timestamp()
    assert first.started - 2 <= since <= time.time()


def test_a_second_translate_says_who_holds_the_folder(tmp_path: Path, slow_blog: str) -> None:
    work = work_folder(tmp_path / "work")
    first = Run(work, ["translate", "--engine", "pseudo", "--source", slow_blog], tmp_path / "first.log")
    time.sleep(1.5)  # the first is waiting for its feed
    second = Run(work, ["translate", "--engine", "pseudo", "--source", slow_blog], tmp_path / "second.log")
    assert second.finish() == 1
    assert second.ended < first.ended or first.ended == 0  # it did not wait for the first
    assert_holder_named(second.err, first)
    assert second.renames() == []
    assert first.finish() == 0, first.err


def test_two_translates_at_once_never_interleave(tmp_path: Path, slow_blog: str) -> None:
    work = work_folder(tmp_path / "work")
    toml = work / "intl-pub.toml"
    toml.write_text(toml.read_text("utf-8") + "lock_wait_seconds = 120\n", "utf-8")  # [pipeline]
    first = Run(work, ["translate", "--engine", "pseudo", "--source", slow_blog, "--locales", "ru"],
                tmp_path / "first.log")
    time.sleep(1.5)
    second = Run(work, ["translate", "--engine", "pseudo", "--source", slow_blog, "--locales", "es"],
                 tmp_path / "second.log")
    assert first.finish() == 0, first.err
    assert second.finish() == 0, second.err
    assert first.renames() and second.renames()
    assert second.started < max(first.renames()) - 0.5  # the second ran while the first wrote...
    assert max(first.renames()) < min(second.renames())  # ...and wrote only after it
    assert "waiting for another run (pid" in second.err
    for path in (work / "translations").rglob("*.po"):
        assert catalog.load(path) is not None
    assert sorted(p.name for p in (work / "translations").iterdir()) == ["es", "ru", "templates"]


SLOW_PAGE = "{% for _ in range(8000000) %}{% endfor %}"
"""Half a second or so per page: a user template that makes publishing slow."""


def slow_publishing(root: Path) -> Path:
    """A work folder translated, whose post template (a user override) renders slowly."""
    work = work_folder(root)
    shutil.copytree(ROOT / "examples", work / "examples")
    assert pipeline.run(replace(load_settings(work), engine="pseudo"), publish=False).ok
    shipped = Path(intl_pub.__file__).parent / "templates" / "post.html"
    (work / "templates").mkdir()
    (work / "templates" / "post.html").write_text(SLOW_PAGE + shipped.read_text("utf-8"), "utf-8")
    return work


@pytest.mark.slow
def test_two_publishes_at_once_never_interleave_or_name_the_holder(tmp_path: Path) -> None:
    """The second has work of its own (another base URL: every page changes); it waits, and
    every file it writes is written after the first's last. A third, not waiting, names the
    first."""
    work = slow_publishing(tmp_path / "work")
    first = Run(work, ["publish"], tmp_path / "first.log", INTL_PUB_BASE_URL="https://first.example/")
    time.sleep(1.0)
    third = Run(work, ["publish"], tmp_path / "third.log", INTL_PUB_BASE_URL="https://third.example/")
    assert third.finish() == 1
    assert_holder_named(third.err, first)
    toml = work / "intl-pub.toml"
    toml.write_text(toml.read_text("utf-8") + "lock_wait_seconds = 120\n", "utf-8")  # [pipeline]
    second = Run(work, ["publish"], tmp_path / "second.log", INTL_PUB_BASE_URL="https://second.example/")
    assert first.finish() == 0, first.err
    assert second.finish() == 0, second.err
    assert first.renames() and second.renames() and third.renames() == []
    assert second.started < max(first.renames()) - 0.5
    assert max(first.renames()) < min(second.renames())
    pages = list((work / "site").rglob("index.html"))
    assert pages and all("first.example" not in p.read_text("utf-8") for p in pages)
    assert "https://second.example/" in (work / "site" / "sitemap.xml").read_text("utf-8")
