"""A post's languages rendered in worker processes publish what one process publishes."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import snapshot

from intl_pub import pipeline
from intl_pub.core.config import Settings, load_settings
from intl_pub.pipeline import parallel as workers


def _settings(work: Path) -> Settings:
    return replace(load_settings(work), engine="pseudo")


def _run_script(script: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter (one thread, as the CLI runs), in its own folder;
    it must succeed."""
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300,
        cwd=script.parent, env={**os.environ, "SOURCE_DATE_EPOCH": "1795000000"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_worker_count_follows_the_work_the_cores_and_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.delenv("INTL_PUB_WORKERS", raising=False)
    assert workers.worker_count(3, workers.MIN_WORK) == 3  # the parent only waits
    assert workers.worker_count(3, workers.MIN_WORK - 1) == 1  # a small post: no start-up cost
    assert workers.worker_count(1, 10 * workers.MIN_WORK) == 1
    monkeypatch.setenv("INTL_PUB_WORKERS", "1")
    assert workers.worker_count(3, 10 * workers.MIN_WORK) == 1
    monkeypatch.setenv("INTL_PUB_WORKERS", "2")
    assert workers.worker_count(3, 10 * workers.MIN_WORK) == 2  # a cap, not a core count
    monkeypatch.delenv("INTL_PUB_WORKERS")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert workers.worker_count(3, 10 * workers.MIN_WORK) == 1  # a container's one core
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert workers.worker_count(3, 10 * workers.MIN_WORK) == 1


def _methods(caplog: pytest.LogCaptureFixture) -> list[str]:
    """How parallel.run_jobs started its workers, from its log lines."""
    return [_jobs(r.getMessage())[3] for r in caplog.records if "processes (" in r.getMessage()]


def _jobs(line: str) -> tuple[int, int, int, str]:
    """(jobs, characters of work, processes, start method) from run_jobs' debug line."""
    jobs, rest = line.split(" jobs, ", 1)
    work, rest = rest.split(" characters of work: ", 1)
    count, method = rest.split(" processes (", 1)
    return int(jobs), int(work), int(count), method.rstrip(")")


def _published_in_one_process(blog: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    (blog / "intl-pub.toml").write_text(
        (blog / "intl-pub.toml").read_text(encoding="utf-8")
        + "\n[site.locales.ru]\nmin_reviewed_to_publish = 0.5\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv("INTL_PUB_WORKERS", "1")
    # the reference: one process (the workers beside a thread share nothing with it)
    assert pipeline.run(_settings(blog)).ok
    monkeypatch.undo()
    here = snapshot(blog / "site")
    assert not any(name.startswith("ru/") and name.count("/") > 1 for name in here)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    return here


@pytest.mark.slow
def test_languages_rendered_in_workers_beside_a_thread_publish_the_same_site_byte_for_byte(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    here = _published_in_one_process(blog, monkeypatch)
    again = tmp_path / "again"
    shutil.copytree(blog, again, ignore=shutil.ignore_patterns("site", "publish.json"))
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", "0")
    monkeypatch.setenv("INTL_PUB_WORKERS", "3")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # as a Prefect task runner's
    other.start()
    try:
        with caplog.at_level(logging.DEBUG, logger="intl_pub"):
            report = pipeline.publish_site(_settings(again))
    finally:
        stop.set()
    assert report.ok, report.failures
    methods = _methods(caplog)
    assert methods  # the languages did go to workers
    assert set(methods) == {"forkserver"}  # never fork beside another thread
    assert snapshot(again / "site") == here
    # what a worker logs reaches this process's handlers, as from the step itself
    assert any("below the publishing threshold" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.parametrize("a_worker_dies", [False, True], ids=["forked", "a-forked-worker-dies"])
def test_languages_rendered_in_workers_forked_from_a_lone_process_publish_the_same_site(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, a_worker_dies: bool
) -> None:
    """As the CLI runs: one thread, so the workers are forked and start from the parent's walk.

    A worker killed after taking its copy of the walk has its job done again in the
    parent, from the parent's own copy, untouched.
    """
    here = _published_in_one_process(blog, monkeypatch)
    again = tmp_path / "again"
    shutil.copytree(blog, again, ignore=shutil.ignore_patterns("site", "publish.json"))
    walks = tmp_path / "walks.txt"
    script = tmp_path / "publish_forked.py"
    script.write_text(
        "import logging, os\n"
        "from dataclasses import replace\n"
        "from intl_pub import pipeline, segment\n"
        "from intl_pub.core.config import load_settings\n"
        "from intl_pub.publish.policy import Policy\n"
        "logging.basicConfig(level=logging.INFO, format='log: %(message)s')\n"
        "logging.getLogger('intl_pub.pipeline.parallel').setLevel(logging.DEBUG)\n"
        "os.environ.update(INTL_PUB_PARALLEL_MIN_WORK='0', INTL_PUB_WORKERS='3')\n"
        "parent, walk, decide = os.getpid(), segment.walk, Policy.stats\n"
        "def note(kind):\n"
        f"    open({str(walks)!r}, 'a').write(f'{{\"parent\" if os.getpid() == parent else os.getpid()}} {{kind}}\\n')\n"
        "def walked(html):\n    note('walk')\n    return walk(html)\n"
        "segment.walk = walked\n"
        "def dying(policy, units):\n"
        "    note('render')\n"
        f"    if {a_worker_dies} and policy.locale.tag == 'es' and os.getpid() != parent:\n"
        "        os._exit(9)  # killed, say by the kernel, with its copy of the walk taken\n"
        "    return decide(policy, units)\n"
        "Policy.stats = dying\n"
        f"report = pipeline.publish_site(replace(load_settings({str(again)!r}), engine='pseudo'))\n"
        "print('ok' if report.ok else report.failures)\n",
        "utf-8",
    )
    done = _run_script(script)
    assert done.stdout.strip().endswith("ok"), done.stdout + done.stderr[-2000:]
    methods = {line.rsplit("(", 1)[1].rstrip(")") for line in done.stderr.splitlines() if "processes (" in line}
    assert methods == {"fork"}, done.stderr[-2000:]
    assert snapshot(again / "site") == here
    assert "below the publishing threshold" in done.stderr  # a worker's log line reached the parent
    # every post was walked in the parent; a worker's first language of a post used its copy
    # of that walk (a worker may render a second language: that one parses the post again)
    lines = [line.split() for line in walks.read_text().splitlines()]
    posts = len(list((again / "content").glob("*.html")))
    assert sum(who == "parent" and kind == "walk" for who, kind in lines) >= posts
    children = {who for who, _ in lines if who != "parent"}
    assert children
    for child in children:
        rendered = sum(who == child and kind == "render" for who, kind in lines)
        assert sum(who == child and kind == "walk" for who, kind in lines) == rendered - 1
    if a_worker_dies:
        assert "a worker process stopped" in done.stderr


def test_a_catalog_a_worker_cannot_read_keeps_that_language_as_published(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    settings = _settings(blog)
    assert pipeline.run(settings).ok
    before = snapshot(blog / "site")
    post = next(p for p in (blog / "translations" / "es").glob("*.po") if p.stem != "site")
    post.write_text(post.read_text("utf-8") + '\nmsgid "broken\n', "utf-8")
    (blog / "content" / f"{post.stem}.html").write_text(
        (blog / "content" / f"{post.stem}.html").read_text("utf-8").replace("</article>", "<p>More.</p></article>"),
        "utf-8",
    )
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", "0")
    monkeypatch.setenv("INTL_PUB_WORKERS", "3")
    report = pipeline.publish_site(settings)
    assert len(report.failures) == 1 and f"{post.stem} [es]" in report.failures[0]
    assert "end-of-line within string" in report.failures[0]
    page = f"es/{post.stem}/index.html"
    assert snapshot(blog / "site")[page] == before[page]  # the last good page stays
    assert snapshot(blog / "site")[f"en/{post.stem}/index.html"] != before[f"en/{post.stem}/index.html"]


def test_locales_translated_in_workers_write_the_same_catalogs_and_report_progress(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    fresh = tmp_path / "fresh"
    shutil.copytree(blog, fresh)
    monkeypatch.setenv("INTL_PUB_WORKERS", "1")
    assert pipeline.run(_settings(blog), publish=False).ok
    here = snapshot(blog / "translations")

    monkeypatch.setenv("INTL_PUB_WORKERS", "3")
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", "0")
    seen: dict[str, tuple[int, int]] = {}
    with caplog.at_level(logging.DEBUG, logger="intl_pub.pipeline.parallel"):
        report = pipeline.run(
            _settings(fresh), publish=False, progress=lambda loc, done, total: seen.update({loc.tag: (done, total)})
        )
    assert report.ok, report.failures
    counts = [_jobs(r.getMessage()) for r in caplog.records if "processes (" in r.getMessage()]
    counts = [c for c in counts if c[3] != "fork"]  # (not the posts' checks, forked)
    assert counts[0][0] == 3 and counts[0][1] > 0  # three locales, the templates' size as work
    assert counts[0][2] == 3  # in three workers
    assert snapshot(fresh / "translations") == here
    assert set(seen) == {"es", "zh-Hans", "ru"} and all(d == t > 0 for d, t in seen.values())


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_script_without_a_main_guard_is_not_run_again_by_the_workers(blog: Path, tmp_path: Path) -> None:
    marker = tmp_path / "runs.txt"
    script = tmp_path / "publish_now.py"
    script.write_text(
        "from dataclasses import replace\n"
        "import os\n"
        "from intl_pub import pipeline\n"
        "from intl_pub.core.config import load_settings\n"
        f"open({str(marker)!r}, 'a').write('ran\\n')\n"
        "os.environ['INTL_PUB_PARALLEL_MIN_WORK'] = '0'\n"
        f"report = pipeline.run(replace(load_settings({str(blog)!r}), engine='pseudo'))\n"
        "print('ok' if report.ok else report.failures)\n",
        "utf-8",
    )
    done = _run_script(script)
    assert done.stdout.strip().endswith("ok"), done.stdout
    assert marker.read_text() == "ran\n"  # once: the workers did not import the script
    assert (blog / "site" / "es" / "index.html").exists()


def test_jobs_in_workers_return_in_order_with_their_errors_and_the_parents_environment_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTL_PUB_WORKERS", "2")
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", "0")
    outcomes = workers.run_jobs(int, [("5",), ("x",), ("7",)])
    assert [o.value for o in outcomes] == [5, None, 7]
    assert isinstance(outcomes[1].error, ValueError) and "'x'" in str(outcomes[1].error)
    for value in ("first", "second"):  # the fork server keeps the environment it started with
        monkeypatch.setenv("INTL_PUB_PROBE", value)
        assert [o.value for o in workers.run_jobs(os.getenv, [("INTL_PUB_PROBE",)] * 2)] == [value] * 2


def _edits(work: Path) -> None:
    """What a day brings between two runs: a post's file saved again unchanged (its times
    only), a reviewer's translation, one page deleted from the site."""
    import polib

    slugs = sorted(p.stem for p in (work / "content").glob("*.html"))
    content = work / "content" / f"{slugs[0]}.html"
    content.write_bytes(content.read_bytes())
    po_path = work / "translations" / "es" / f"{slugs[1]}.po"
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgid and not e.obsolete)
    entry.msgstr, entry.flags = "Texto revisado por una persona.", []
    po.save(str(po_path))
    (work / "site" / "es" / slugs[2] / "index.html").unlink()


@pytest.mark.slow
@pytest.mark.subprocess
def test_posts_checked_in_forked_workers_find_what_one_process_finds_and_keep_what_they_learnt(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged run of many posts checks them on every core (``share_out``): the changed
    post, the reviewed catalog and the deleted page are found as one process finds them, the
    digests the workers computed are saved, and the run after writes nothing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv("INTL_PUB_WORKERS", "1")
    assert pipeline.run(_settings(blog)).ok
    again = tmp_path / "again"
    shutil.copytree(blog, again)
    _edits(blog)
    assert pipeline.run(_settings(blog)).ok  # the reference: one process
    monkeypatch.undo()
    _edits(again)
    script = tmp_path / "checked_forked.py"
    script.write_text(
        "import logging, os\n"
        "from dataclasses import replace\n"
        "from intl_pub import pipeline\n"
        "from intl_pub.core.config import load_settings\n"
        "logging.basicConfig(level=logging.INFO, format='log: %(message)s')\n"
        "logging.getLogger('intl_pub.pipeline.parallel').setLevel(logging.DEBUG)\n"
        "os.cpu_count = lambda: 2\n"
        "from intl_pub.pipeline import parallel\n"
        "parallel.usable_cores = lambda: 2\n"
        "os.environ.update(INTL_PUB_PARALLEL_MIN_WORK='1')\n"
        f"settings = replace(load_settings({str(again)!r}), engine='pseudo')\n"
        "for run in ('edited', 'unchanged'):\n"
        "    report = pipeline.run(settings)\n"
        "    print(run, 'ok' if report.ok else report.failures, sorted(report.written))\n",
        "utf-8",
    )
    done = _run_script(script)
    edited, unchanged = done.stdout.strip().splitlines()[-2:]
    assert edited.startswith("edited ok") and unchanged == "unchanged ok []", done.stdout
    forked = [  # share_out's lines: a part a core, forked (a run's other jobs are not two)
        line for line in done.stderr.splitlines()
        if "processes (" in line and _jobs(line.split("log: ", 1)[1])[::2] == (2, 2)
        and line.endswith("(fork)")
    ]
    assert len(forked) == 10, done.stderr[-2000:]  # extract, 3 languages, publish: twice each
    for folder in ("site", "translations", "content"):
        assert snapshot(again / folder) == snapshot(blog / folder), folder
    # the copy's every file has a new inode, so every digest the state held was stale: the
    # workers took each again, and what they learnt is the state's now, for every step
    import sqlite3

    with sqlite3.connect(again / ".intl-pub" / "state.sqlite") as db:
        rows = db.execute("SELECT step, path, size, mtime_ns, ctime_ns, inode FROM file_digest")
        found = rows.fetchall()
    stale = []
    for step, path, *signature in found:
        st = (again / path).stat()
        if signature != [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]:
            stale.append((step, path))
    assert {step for step, *_ in found} >= {"extract", "translate-es", "translate-ru", "publish"}
    assert stale == []


def test_share_out_stays_in_this_process_beside_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Prefect run's task threads: forking would copy their locks, so the posts are
    checked here, in one part, whatever the work."""
    monkeypatch.setenv("INTL_PUB_PARALLEL_MIN_WORK", "0")
    monkeypatch.delenv("INTL_PUB_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    calls: list[list[int]] = []

    def job(part: list[int]) -> list[int]:
        calls.append(list(part))
        return [n * n for n in part]

    stop = threading.Event()
    beside = threading.Thread(target=stop.wait)
    beside.start()
    try:
        assert workers.share_out(job, list(range(10)), 10**9) == [[n * n for n in range(10)]]
    finally:
        stop.set()
        beside.join()
    assert calls == [list(range(10))]
