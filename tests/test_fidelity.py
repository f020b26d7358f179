"""HTML fidelity through machine translation: a real-world-shaped page and generated markup,
for the pseudo engine and the test Argos model, in every locale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from strategies import documents, shape

from intl_pub import segment
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.core.model import RunReport
from intl_pub.mt import get_engine, masking

PAGE = (Path(__file__).parent / "data" / "real_world.html").read_text(encoding="utf-8")
BLOCKS = ["title", "h1", "h2", "p", "li", "td", "th", "caption", "figcaption", "dt", "dd", "button"]


def translated(html: str, engine_name: str, tag: str) -> str:
    """The page rebuilt from machine translations, as the publisher would use them."""
    units = segment.extract(html)
    msgids = list(dict.fromkeys(u.msgid for u in units))
    results = masking.machine_translate(get_engine(engine_name), LOCALES[tag], msgids, None,
                                         RunReport())
    found = dict(zip(msgids, (r.text for r in results), strict=True))
    return segment.apply(html, lambda u: segment.Rendering(found[u.msgid]))


def links(soup: BeautifulSoup) -> list[str]:
    return [str(a["href"]) for a in soup.find_all("a", href=True)]


def images(soup: BeautifulSoup) -> list[str]:
    return [str(img["src"]) for img in soup.find_all("img")]


def inline_counts(soup: BeautifulSoup) -> list[tuple[str, int]]:
    return [(el.name, len(el.find_all(True))) for el in soup.find_all(BLOCKS)]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pseudo", "argos"])
@pytest.mark.parametrize("tag", list(LOCALES))
def test_real_world_page_keeps_links_images_and_inline_markup(
    engine: str, tag: str, argos_models: Path
) -> None:
    source = BeautifulSoup(PAGE, "html.parser")
    result = BeautifulSoup(translated(PAGE, engine, tag), "html.parser")
    assert links(result) == links(source)
    assert images(result) == images(source)
    assert inline_counts(result) == inline_counts(source)
    # Left alone: scripts, styles, code, notranslate; and the page's other elements.
    for selector in ["script", "style", "pre", "p.notranslate", "link", "meta[charset]"]:
        assert [str(e) for e in result.select(selector)] == [str(e) for e in source.select(selector)]
    assert Counter(e.name for e in result.find_all(True)) == Counter(e.name for e in source.find_all(True))


def test_real_world_page_units_are_whole_sentences() -> None:
    msgids = [u.msgid for u in segment.extract(PAGE)]
    assert ("Measles cases are <1>rising in several countries</1>. Before you travel, check that "
            "you have had <2>two doses</2> of the <3>MMR</3> vaccine — it protects about 97\xa0% "
            "of people.") in msgids
    assert "A nurse prepares the vaccine at the <1>travel clinic</1>. Photo: <2>J. Rivera</2>" in msgids
    assert "Anyone who works with patients<1/>or young children" in msgids
    for attribute_text in ["City Hospital home page", "All our services", "Search the site",
                           "measles, mumps and rubella", "Back to the text",
                           "Two doses protect 97\xa0% of people."]:
        assert attribute_text in msgids
    assert not any("NewsArticle" in m or "MMR-YYYY" in m or "NHS Trust" in m for m in msgids)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(documents())
def test_argos_translation_keeps_every_inline_element_and_attribute(argos_models: Path, html: str) -> None:
    for tag in LOCALES:
        assert shape(translated(html, "argos", tag)) == shape(html)
