"""Crash consistency: ``intl-pub translate`` and ``publish`` killed with SIGKILL at many points.

The sample blog (examples/) in a temporary work folder, the pseudo engine, a translator's
reviewed entries, then an English edit so that both commands have work to do. Each command runs
as users run it (a subprocess) and is killed:

* just before the Nth rename of its run, for N drawn from all of them: every file intl-pub
  writes goes from old to new by one rename, so these are the points where some files are new
  and others old (tests/crash_hook/ counts them and kills there);
* at a random moment of the run (the same commands, a timer and ``kill -9``);
* in the long pass, twice in a row (the restarted run killed too).

After each kill: every reviewed translation is where it was; every file of the work folder is
old or new, byte for byte (the build state in .intl-pub/ is parseable JSON and SQLite); then the
next ``translate`` and ``publish`` complete and give the same site, catalogs and content, byte
for byte, as an uninterrupted run. Seeded (``INTL_PUB_SEED``) and bounded: a short pass by
default (~1-2 min); ``INTL_PUB_LONG=1`` kills at every rename point and more random moments.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polib
import pytest

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

ROOT = Path(__file__).resolve().parent.parent
HOOK = Path(__file__).resolve().parent / "crash_hook"
LONG = os.environ.get("INTL_PUB_LONG") == "1"
SEED = int(os.environ.get("INTL_PUB_SEED", "25"))
LOCK = ".intl-pub.lock"
STATE = ".intl-pub/"
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
EDITED = ("Move the person", "How to recognise heat exhaustion")
"""The English that edit_english changes: a review of it goes stale (by design), not lost."""


def cli(work: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    environ = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HOOK), os.environ.get("PYTHONPATH", "")]),
                   **env)
    return subprocess.Popen([sys.executable, "-m", "intl_pub.cli", *args, "--workdir", str(work)],
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


COMMANDS = {"translate": ("translate", "--engine", "pseudo"), "publish": ("publish",)}


def run(work: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    process = cli(work, *COMMANDS[command], **env)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK}


def reviewed(folder: Path) -> dict[tuple[str, str, str], str]:
    """Every reviewed translation: (catalog, context, English) -> translation. Parsing each
    catalog also proves it whole (a truncated one is a syntax error)."""
    found = {}
    for path in sorted((folder / "translations").glob("*/*.po")):
        for entry in catalog.parse(path.read_bytes(), str(path)):
            if entry.translated and not entry.fuzzy and entry.msgid:
                found[(str(path.relative_to(folder)), entry.context, entry.msgid)] = entry.msgstr
    return found


# --- the stages of the blog: before, after translate, after publish -----------------------


@dataclass(frozen=True)
class Stages:
    before: Path
    """Published once, then reviewed by a translator and edited in English."""
    translated: Path
    """``before`` after an uninterrupted ``translate``."""
    published: Path
    """``translated`` after an uninterrupted ``publish``: what every restart must reach."""
    renames: dict[str, int]
    """How many renames an uninterrupted translate and publish make."""
    seconds: dict[str, float]
    """How long each took (for the random moments)."""


def review_some(root: Path) -> None:
    """A translator reviews three entries of two posts in every language (Poedit-like save)."""
    for path in sorted((root / "translations").glob("*/*.po")):
        if path.stem not in {"flu-vaccination-2026", "heat-wave-advice"}:
            continue
        po = polib.pofile(path.read_text("utf-8"), wrapwidth=79)
        chosen = [e for e in po if e.msgstr and not e.msgid.startswith(EDITED)][:3]
        for entry in chosen:
            entry.msgstr = "✔ " + entry.msgstr
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = None
        path.write_text(str(po), "utf-8")


def edit_english(root: Path) -> None:
    """A reworded paragraph, a new one, and a new summary (indexes and feeds change too)."""
    post = root / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    text = post.read_text("utf-8")
    text = text.replace("Move the person to a cool place", "Move the person to a shaded, cool place")
    text = text.replace("</article>", "<p>Keep a bottle of water with you all day.</p>\n</article>")
    post.write_text(text, "utf-8")
    feed = root / "examples" / "blog" / "feed.xml"
    feed.write_text(feed.read_text("utf-8").replace(
        "How to recognise heat exhaustion and when to call for help.",
        "How to recognise heat exhaustion, what to do and when to call for help."), "utf-8")


def timed(work: Path, command: str) -> tuple[int, float]:
    count = work / "renames.json"
    started = time.monotonic()
    done = run(work, command, INTL_PUB_CRASH_COUNT=str(count))
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    renames = json.loads(count.read_text("utf-8"))["replace"]
    count.unlink()
    return renames, seconds


@pytest.fixture(scope="module")
def stages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stages]:
    base = tmp_path_factory.mktemp("crash")
    before = base / "before"
    before.mkdir()
    shutil.copytree(ROOT / "examples", before / "examples")
    shutil.copy(ROOT / "intl-pub.toml", before / "intl-pub.toml")
    assert pipeline.run(replace(load_settings(before), engine="pseudo")).ok
    review_some(before)
    edit_english(before)
    translated = base / "translated"
    shutil.copytree(before, translated, symlinks=True)
    renames, seconds = {}, {}
    renames["translate"], seconds["translate"] = timed(translated, "translate")
    published = base / "published"
    shutil.copytree(translated, published, symlinks=True)
    renames["publish"], seconds["publish"] = timed(published, "publish")
    assert renames["translate"] > 10 and renames["publish"] > 10  # there is work to kill
    yield Stages(before, translated, published, renames, seconds)


# --- what must hold after a kill ------------------------------------------------------------


def assert_old_or_new(work: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    now = files(work)
    for name, data in now.items():
        if name.startswith(STATE):
            continue  # the build state records file signatures: checked as parseable below
        if TEMPORARY.fullmatch(Path(name).name):
            continue  # a write the kill cut short: hidden, never read; the next run removes it
        assert name in old or name in new, f"{name}: a file neither run has"
        assert data in (old.get(name), new.get(name)), f"{name}: neither old nor new ({len(data)} bytes)"
    for name in old.keys() & new.keys():
        assert name in now, f"{name}: gone, though both the old and the new run have it"
    state_parses(work)


def state_parses(work: Path) -> None:
    for path in sorted((work / STATE).rglob("*")):
        if path.suffix == ".json":
            json.loads(path.read_text("utf-8"))
        elif path.suffix == ".sqlite":
            with tempfile.TemporaryDirectory() as spare:  # a hot journal rolls back in the copy
                shutil.copytree(path.parent, Path(spare) / "db")
                with sqlite3.connect(Path(spare) / "db" / path.name) as db:
                    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",), path


def assert_restart_reaches(work: Path, stages: Stages) -> None:
    """The next translate and publish complete, and give what an uninterrupted run gave."""
    for command in ("translate", "publish"):
        done = run(work, command)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    want, got = files(stages.published), files(work)
    for folder in ("site/", "translations/", "content/"):
        wanted = {k: v for k, v in want.items() if k.startswith(folder)}
        have = {k: v for k, v in got.items() if k.startswith(folder)}
        assert sorted(have) == sorted(wanted), folder
        assert [k for k in wanted if have[k] != wanted[k]] == [], folder


def kill_and_check(stages: Stages, command: str, at: int | None, delay: float | None,
                   then: int | None = None) -> None:
    """One trial: a fresh copy of the stage the command starts from, killed once (twice when
    ``then`` is given), checked after each kill, then restarted to the end."""
    start, end = {"translate": (stages.before, stages.translated),
                  "publish": (stages.translated, stages.published)}[command]
    old_reviews = reviewed(start)
    with tempfile.TemporaryDirectory(prefix=f"crash-{command}-") as spare:
        work = Path(spare) / "work"
        shutil.copytree(start, work, symlinks=True)
        for kill, point in enumerate([at] if then is None else [at, then]):
            if point is not None:
                done = run(work, command, INTL_PUB_CRASH_AT=str(point))
                killed = [-signal.SIGKILL] if kill == 0 else [-signal.SIGKILL, 0]  # a restart
                assert done.returncode in killed, (command, point, done.stderr[-2000:])  # may end first
            else:
                assert delay is not None
                process = cli(work, *COMMANDS[command])
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                process.communicate(timeout=300)
            current = reviewed(work)
            lost = {k: v for k, v in old_reviews.items() if current.get(k) != v}
            assert lost == {}, f"{command} killed at {point or delay}: reviews lost"
            assert_old_or_new(work, files(start), files(end))
        assert_restart_reaches(work, stages)


def points(rng: random.Random, count: int, short: int) -> list[int]:
    every = list(range(1, count + 1))
    return every if LONG else sorted(rng.sample(every, min(short, count)))


@pytest.mark.parametrize("command", ["translate", "publish"])
def test_a_run_killed_at_any_rename_loses_nothing_and_the_next_run_finishes_it(
    stages: Stages, command: str
) -> None:
    rng = random.Random(f"{SEED}-{command}-renames")
    for at in points(rng, stages.renames[command], 5):
        kill_and_check(stages, command, at, None)


@pytest.mark.parametrize("command", ["translate", "publish"])
def test_a_run_killed_at_a_random_moment_loses_nothing_and_the_next_run_finishes_it(
    stages: Stages, command: str
) -> None:
    rng = random.Random(f"{SEED}-{command}-moments")
    for _ in range(30 if LONG else 2):
        kill_and_check(stages, command, None, rng.uniform(0.2, stages.seconds[command]))


@pytest.mark.parametrize("command", ["translate", "publish"])
def test_a_restarted_run_killed_again_still_loses_nothing(stages: Stages, command: str) -> None:
    rng = random.Random(f"{SEED}-{command}-twice")
    count = stages.renames[command]
    for _ in range(15 if LONG else 1):
        kill_and_check(stages, command, rng.randint(1, count), None, then=rng.randint(1, count))


SAVED = "REVISADO DURANTE LA EJECUCIÓN"


def translators_save(start: Path, into: Path) -> str:
    """What the translator's editor writes: the catalog as they opened it, with one more entry
    reviewed (one the run does not change); its English."""
    path = start / "translations" / "es" / "heat-wave-advice.po"
    po = polib.pofile(path.read_text("utf-8"), wrapwidth=79)
    entry = next(e for e in po if e.fuzzy and e.msgid and not e.msgid.startswith(EDITED))
    entry.msgstr, entry.flags = SAVED, []
    into.write_text(str(po), "utf-8")
    return entry.msgid


def test_a_translators_save_during_translate_is_kept_even_when_the_run_is_killed(stages: Stages) -> None:
    """Poedit saves just before the run's Nth rename, and as the run starts renaming the
    files of the step that merged that catalog (the worst moment: the merge is long done);
    sometimes the run is then killed too. After the next runs, the save is there, reviewed,
    and on the page; no review is lost."""
    rng = random.Random(f"{SEED}-save")
    count = stages.renames["translate"]
    old_reviews = reviewed(stages.before)
    for at in ["commit", *points(rng, count, 3)]:
        kill = rng.choice([None, rng.randint(at if isinstance(at, int) else 1, count)])
        with tempfile.TemporaryDirectory(prefix="crash-save-") as spare:
            work = Path(spare) / "work"
            shutil.copytree(stages.before, work, symlinks=True)
            saved = Path(spare) / "saved.po"
            english = translators_save(stages.before, saved)
            catalog_path = work / "translations" / "es" / "heat-wave-advice.po"
            env = {"INTL_PUB_SAVE_AT": str(at), "INTL_PUB_SAVE_FROM": str(saved),
                   "INTL_PUB_SAVE_TO": str(catalog_path)}
            if kill is not None:
                env["INTL_PUB_CRASH_AT"] = str(kill)
            done = run(work, "translate", **env)
            assert done.returncode in (0, -signal.SIGKILL), done.stderr[-2000:]
            for command in ("translate", "publish"):
                again = run(work, command)
                assert again.returncode == 0, (at, kill, command, again.stderr[-2000:])
            now = reviewed(work)
            assert now[("translations/es/heat-wave-advice.po", "", english)] == SAVED, (at, kill)
            assert {k: v for k, v in old_reviews.items() if now.get(k) != v} == {}, (at, kill)
            page = (work / "site" / "es" / "heat-wave-advice" / "index.html").read_text("utf-8")
            assert SAVED in page
            merged = [catalog.parse(path.read_bytes(), str(path)) for path in
                      (work / catalog_path.relative_to(work), stages.published / catalog_path.relative_to(work))]
            assert [e.msgid for e in merged[0]] == [e.msgid for e in merged[1]], (at, kill)  # merged


# --- a full disk --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs of our own, where the test may mount one (root); else skipped."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs a tmpfs of its own: run as root (mount -t tmpfs)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as out:
        out.truncate(0)
        block = b"\0" * (1 << 20)
        remaining = free - leave
        while remaining > 0:
            try:
                out.write(block[: min(len(block), remaining)])
                out.flush()
            except OSError:
                break
            remaining -= min(len(block), remaining)
    return filler


@pytest.mark.parametrize("command", ["translate", "publish"])
def test_a_full_disk_is_a_clear_error_and_loses_nothing(stages: Stages, small_disk: Path, command: str) -> None:
    start, end = {"translate": (stages.before, stages.translated),
                  "publish": (stages.translated, stages.published)}[command]
    old_reviews = reviewed(start)
    rng = random.Random(f"{SEED}-{command}-disk")
    refused = []
    for leave in sorted({0, 4096, *(rng.randint(1, 120) * 1024 for _ in range(6 if LONG else 2))}):
        work = small_disk / "work"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(start, work, symlinks=True)
        filler = fill(small_disk, leave)
        done = run(work, command)
        filler.unlink()
        if done.returncode == 0:
            continue  # what was left was enough
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:") or "cannot" in line]
        assert errors and any("free disk space" in line for line in errors), done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        refused.append(errors[0])
        current = reviewed(work)
        assert {k: v for k, v in old_reviews.items() if current.get(k) != v} == {}, leave
        assert_old_or_new(work, files(start), files(end))
        assert_restart_reaches(work, stages)
    assert refused, "the disk was never full enough"  # 0 bytes left at least is
