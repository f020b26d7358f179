"""intl-pub queue / impact / status --html / check --json on the sample blog's real catalogs.

The commands run in a subprocess, as a translator runs them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import HEAT, NEIGHBOURS, REVIEWED_ES, review

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings
from intl_pub.review import triage

SRC = Path(__file__).resolve().parent.parent / "src"


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, "-m", "intl_pub.cli", "-q", *args, "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def run(workdir: Path, **steps: bool) -> None:
    report = pipeline.run(replace(load_settings(workdir), engine="pseudo"), **steps)
    assert report.ok, report.failures


def set_confidence(workdir: Path, starts: str, value: float) -> None:
    """Write the engine's note as the Argos engine does, on one entry of the es catalog."""
    path = workdir / "translations" / "es" / f"{HEAT}.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith(f'msgid "{starts}'))
    mt = max(i for i in range(at) if lines[i].startswith("#. mt: "))
    lines[mt] = f"#. mt: argos translate-en_es 1.9 · confidence {value}"
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_post(workdir: Path, old: str, new: str) -> None:
    post = workdir / "examples" / "blog" / "posts" / f"{HEAT}.html"
    text = post.read_text(encoding="utf-8")
    assert old in text
    post.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_queue_puts_a_dose_then_a_stale_review_then_low_confidence_first(blog: Path) -> None:
    run(blog)
    review(blog, "es", "Check on neighbours", REVIEWED_ES)
    run(blog)
    edit_post(blog, "A short visit", "A short phone call")
    run(blog)  # the review is now stale: fuzzy, #| msgid, fresh machine translation
    set_confidence(blog, "Heavy sweating", 0.31)
    set_confidence(blog, "Cramps in the arms", 0.93)

    result = cli(blog, "queue", "--json", "--locale", "es")
    assert result.returncode == 0, result.stderr
    items = [i for i in json.loads(result.stdout) if i["post"] == HEAT]
    first = {i["msgid"][:20]: n for n, i in enumerate(items)}
    dose, stale = first["Temperatures above <"], first["Check on neighbours "]
    low, sure = first["Heavy sweating and p"], first["Cramps in the arms, "]
    assert dose < stale < low < sure
    by_text = {i["msgid"][:20]: i for i in items}
    assert "dose" in by_text["Temperatures above <"]["reasons"]
    stale_item = by_text["Check on neighbours "]
    assert stale_item["reasons"] == ["stale-review"]
    assert stale_item["reviewed_msgid"] == NEIGHBOURS
    assert "[-visit-]{+phone call+}" in stale_item["diff"]
    assert by_text["Heavy sweating and p"]["reasons"] == ["low-confidence"]
    assert by_text["Heavy sweating and p"]["confidence"] == 0.31
    assert by_text["Cramps in the arms, "]["reasons"] == []
    # file:line takes an editor to the entry
    line = stale_item["line"]  # where the entry begins: its comments, then its msgid
    po = (blog / stale_item["file"]).read_text(encoding="utf-8").split("\n")
    entry = po[line - 1 : po.index("", line)]
    msgid = "\n".join(entry[next(i for i, ln in enumerate(entry) if ln.startswith("msgid ")) :])
    assert po[line - 2] == "" and "Check on neighbours" in msgid
    assert all(i["locale"] == "es" for i in json.loads(result.stdout))

    limited = cli(blog, "queue", "--limit", "3", "--locale", "es")
    lines = [ln for ln in limited.stdout.splitlines() if not ln.startswith(" ")]
    assert limited.returncode == 0 and len(lines) == 3
    assert all(re.match(r"translations/es/[\w-]+\.po:\d+: priority \d+ ", ln) for ln in lines)


@pytest.mark.slow
@pytest.mark.subprocess
def test_impact_names_the_stale_reviews_right_after_a_pull(blog: Path) -> None:
    run(blog)
    msgid = review(blog, "es", "Temperatures above", "Se esperan más de <1>30 °C</1>.")
    review(blog, "es", "Check on neighbours", REVIEWED_ES)
    review(blog, "ru", "Signs of heat", "Признаки теплового истощения")
    run(blog)
    edit_post(blog, "30 °C", "32 °C")  # numbers only: carried over, nothing to re-review
    edit_post(blog, "A short visit", "A short phone call")
    run(blog, translate=False, publish=False)  # a pull, nothing merged yet
    catalogs = sorted((blog / "translations").rglob("*.po"))
    before = {p: p.read_bytes() for p in catalogs}

    result = cli(blog, "impact", "--json")
    assert result.returncode == 0, result.stderr
    found = {i["locale"]: i for i in json.loads(result.stdout)}
    assert [s["reviewed_msgid"] for s in found["es"]["stale"]] == [NEIGHBOURS]
    unit = found["es"]["stale"][0]
    assert unit["msgid"] == NEIGHBOURS.replace("visit", "phone call")
    assert unit["file"] == f"translations/es/{HEAT}.po" and unit["words"] == 14
    assert found["es"]["words"] == 14
    assert found["ru"]["stale"] == [] and found["zh-Hans"]["stale"] == []
    assert {p: p.read_bytes() for p in catalogs} == before  # impact writes nothing
    assert msgid  # the 30 °C review is matched by numbers and never reported

    text = cli(blog, "impact")
    assert "[-visit-]{+phone call+}" in text.stdout


def test_impact_names_pages_that_fall_below_their_threshold(blog: Path) -> None:
    settings = blog / "intl-pub.toml"
    settings.write_text(
        settings.read_text() + "\n[site.locales.es]\nmin_reviewed_to_index = 0.05\n"
    )
    run(blog)
    review(blog, "es", "Check on neighbours", REVIEWED_ES)
    review(blog, "es", "Signs of heat", "Signos de agotamiento por calor")
    edit_post(blog, "A short visit", "A short phone call")
    edit_post(blog, "Signs of heat exhaustion", "Warning signs of heat exhaustion")
    run(blog, translate=False, publish=False)
    found = {i.locale: i for i in triage.impact(load_settings(blog))}
    drops = found["es"].below_threshold
    assert [(d.post, d.kind) for d in drops] == [(HEAT, "index")]
    assert drops[0].before > 0.05 > drops[0].after == 0.0


@pytest.mark.slow
@pytest.mark.subprocess
def test_status_html_is_written_for_the_team_and_never_into_the_site(blog: Path) -> None:
    run(blog)
    out = blog / "review" / "status.html"
    out.parent.mkdir()
    result = cli(blog, "status", "--html", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "held back" in html and HEAT in html
    refused = cli(blog, "status", "--html", str(blog / "site" / "status.html"))
    assert refused.returncode == 1 and "inside site/" in refused.stderr
    assert not (blog / "site" / "status.html").exists()
    assert "held" in result.stdout  # the terminal table counts them too


@pytest.mark.slow
@pytest.mark.subprocess
def test_check_json_lists_findings_as_objects(blog: Path) -> None:
    run(blog)
    po = blog / "translations" / "es" / f"{HEAT}.po"
    cat = catalog.load(po)
    assert cat is not None
    entry = next(e for e in cat if e.msgid.startswith("Temperatures above <1>"))
    catalog.set_machine_translation(entry, entry.msgstr.replace("<1>", ""), "argos 1.9")
    catalog.save(cat, po)
    result = cli(blog, "check", "--json")
    findings = json.loads(result.stdout)
    assert result.returncode == 1
    assert {"file", "line", "locale", "msgid", "severity", "check", "message"} <= set(findings[0])
    assert any(f["check"] == "tokens" and f["file"].endswith(f"{HEAT}.po") for f in findings)


@pytest.mark.slow
def test_publishing_waits_while_a_risky_unit_has_a_stale_review(blog: Path) -> None:
    """What publish_flow(gate="no-stale-risk") asks before publishing."""
    run(blog)
    review(blog, "ru", "Temperatures above", "Ожидается жара выше <1>30 °C</1>.")
    run(blog)
    settings = load_settings(blog)
    assert triage.stale_risk(settings) == []
    edit_post(blog, "are expected this week", "are expected from Monday")
    run(blog, translate=False, publish=False)  # pulled: impact sees it before any merge
    (pulled,) = triage.stale_risk(settings)
    assert pulled.startswith(f"translations/ru/{HEAT}.po:") and "[ru] dose" in pulled
    run(blog)  # merged: now the queue holds it as a stale review
    (merged,) = triage.stale_risk(settings)  # es and zh-Hans had only machine translation
    assert "[ru] dose" in merged and "from Monday" in merged
    queue = triage.queue(settings)
    assert [i.entry.locale for i in queue if "stale-review" in i.reasons] == ["ru"]
    review(blog, "ru", "Temperatures above", "Жара выше <1>30 °C</1> ожидается с понедельника.")
    assert triage.stale_risk(settings) == []


def test_status_and_queue_read_the_verdicts_translate_kept(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translator's ``status`` and ``queue`` re-verified every machine translation (a
    minute on a 1,000-post blog); the verdicts translate kept answer instead, with the same
    counts and the same failures as verifying again."""
    run(blog)
    settings = load_settings(blog)
    verified: list[str] = []
    real = triage.verify.verify

    def counted(msgid: str, *args: object) -> object:
        verified.append(msgid)
        return real(msgid, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(triage.verify, "verify", counted)
    kept_progress = triage.progress(settings)
    assert any(p.held_back for p in kept_progress) and verified == []
    kept_pending = triage.pending(settings)
    assert any(p.failures for p in kept_pending)  # a failure is still spelt out...
    machine = sum(p.machine + p.held_back for p in kept_progress)
    assert 0 < len(verified) < machine / 2  # ...verified again only for its spans

    kept = blog / ".intl-pub" / "verdicts.sqlite"
    kept.rename(blog / "kept.sqlite")  # nothing kept: everything verified here
    assert triage.progress(settings) == kept_progress
    verified.clear()
    assert triage.pending(settings) == kept_pending
    entries = Counter(p.msgid for p in kept_pending)
    assert verified and all(n <= entries[m] for m, n in Counter(verified).items())  # once each
    assert not kept.exists()  # status and queue write nothing, not even an empty file


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _damage(state: Path, kept: Path, how: str) -> None:
    import sqlite3

    if how == "unschemed":  # a first run killed as it made the database, JSON state left
        state.write_bytes(b"")
        (state.parent / "posts.json").write_text('{"posts": {}, "links": {}}', "utf-8")
    elif how == "garbage":
        state.write_bytes(os.urandom(4096))
        kept.write_bytes(os.urandom(4096))
    elif how == "newer":
        with sqlite3.connect(state) as db:
            db.execute("PRAGMA user_version = 99")
    elif how == "no verdicts":
        kept.unlink()


@pytest.mark.parametrize("how", ["unschemed", "garbage", "newer", "locked", "no verdicts"])
def test_status_and_queue_change_no_file_whatever_state_they_find(blog: Path, how: str) -> None:
    """The reports read the build state and the kept verdicts only to go faster: a state
    database half made, damaged, of a newer version or locked by a run's commit, or the
    verdicts gone, gives the same report, and no file of the folder changes (no schema made,
    no JSON imported, no journal rolled back, no verdicts file made or cleaned)."""
    import sqlite3

    from intl_pub.review import overview

    run(blog)
    settings = load_settings(blog)
    want = (overview.rows(settings), triage.pending(settings))
    state, kept = blog / ".intl-pub" / "state.sqlite", blog / ".intl-pub" / "verdicts.sqlite"
    _damage(state, kept, how)
    locks = []
    if how == "locked":  # a run committing: readers wait, then do without
        for path in (state, kept):
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            locks.append(db)
    before = _files(blog)
    try:
        assert (overview.rows(settings), triage.pending(settings)) == want
    finally:
        for db in locks:
            db.close()
    assert _files(blog) == before


def _rows(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM verdict").fetchone()[0])
