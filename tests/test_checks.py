"""The QA checks pofilter has and intl-pub needs: punctuation, sentences, quotes, brackets,
XML characters, bidirectional controls; glossary terms through inflection; JSON output."""

from __future__ import annotations

import json
import unicodedata
import xml.dom.minidom
from pathlib import Path
from xml.parsers.expat import ExpatError
from xml.sax.saxutils import escape

import humanize  # installed with Prefect: its catalogs are translators' real work
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intl_pub import catalog
from intl_pub.core.locales import locale
from intl_pub.core.model import Glossary
from intl_pub.qa import checks

ES, ZH, RU, AR = locale("es"), locale("zh-Hans"), locale("ru"), locale("ar")
SITE_PACKAGES = Path(humanize.__file__).resolve().parents[1]


def found(source: str, translation: str, tag: str, glossary: Glossary | None = None) -> set[str]:
    return {p.check for p in checks.run(source, translation, locale(tag), glossary)}


@pytest.mark.parametrize(
    ("source", "translation", "tag", "wanted"),
    [
        ("Open <1>Health record</1> and choose <2>Results</2>.", "打开<1>健康记录</1>并选择<2>结果</2>.", "zh-Hans", {"punctuation"}),
        ("Open <1>Health record</1> and choose <2>Results</2>.", "打开<1>健康记录</1>并选择<2>结果</2>。", "zh-Hans", set()),
        ("Headache, dizziness or confusion", "头痛、头晕或意识模糊", "zh-Hans", set()),
        ("Do you have a fever? Call us.", "Tiene fiebre? Llámenos.", "es", {"punctuation"}),
        ("Do you have a fever? Call us.", "¿Tiene fiebre? Llámenos.", "es", set()),
        ("Stop now!", "¡Pare ya!", "es", set()),
        ("Results:", "Результаты", "ru", {"punctuation"}),
        ("“The vaccine protects. It takes two weeks.”", "«Вакцина защищает. Нужно две недели».", "ru", set()),
    ],
)
def test_end_and_start_punctuation_follow_the_script(source: str, translation: str, tag: str, wanted: set[str]) -> None:
    assert found(source, translation, tag) & {"punctuation"} == wanted


def test_the_punctuation_message_names_what_the_locale_expects() -> None:
    (problem,) = [p for p in checks.run("Take it.", "服用.", ZH) if p.check == "punctuation"]
    assert problem.severity == checks.WARNING
    assert "'。'" in problem.message and "zh-Hans" in problem.message


@pytest.mark.parametrize(
    ("source", "translation", "tag", "lost"),
    [
        ("Rest. Drink water. Call 111.", "Отдыхайте. Пейте воду.", "ru", True),
        ("Rest. Drink water. Call 111.", "Отдыхайте. Пейте воду. Звоните 111.", "ru", False),
        ("Rest. Drink water.", "休息。多喝水。", "zh-Hans", False),
        ("Rest. Drink water.", "休息，多喝水。", "zh-Hans", True),
        ("Take 2.5 mg. Dr. Smith agrees.", "Примите 2,5 мг. Д-р Смит согласен.", "ru", False),
        ("See https://example.org/a.b for details. Then rest.", "Consulte https://example.org/a.b. Luego descanse.", "es", False),
    ],
)
def test_sentence_count(source: str, translation: str, tag: str, lost: bool) -> None:
    assert ("sentences" in found(source, translation, tag)) is lost


@pytest.mark.parametrize(
    ("source", "translation", "tag", "wrong"),
    [
        ('He said "stop" twice.', "Он сказал «стоп» дважды.", "ru", False),
        ('He said "stop" twice.', "Он сказал «стоп дважды.", "ru", True),
        ('He said "stop" twice.', "Он сказал стоп дважды.", "ru", True),
        ("“Rest,” she said.", "“休息，”她说。", "zh-Hans", False),
        ("“Rest,” she said.", "「休息」她说。", "zh-Hans", False),
        ("“Rest,” she said.", "Er sagte „Ruhe“.", "de", False),
        ("“Rest,” she said.", "«Descanse», dijo».", "es", True),
        ("Rest well.", 'Descanse "bien.', "es", True),
    ],
)
def test_quotes_are_balanced_in_the_locales_marks(source: str, translation: str, tag: str, wrong: bool) -> None:
    assert ("quotes" in found(source, translation, tag)) is wrong


@pytest.mark.parametrize(
    ("source", "translation", "tag", "wrong"),
    [
        ("Take it (with food).", "Tómelo (con comida).", "es", False),
        ("Take it (with food).", "Tómelo (con comida.", "es", True),
        ("Take it (with food).", "随餐服用（与食物一起）。", "zh-Hans", False),
        ("Take it (with food).", "Примите это с едой).", "ru", True),
        ("Take it (with food).", "Примите (это) с едой.", "ru", False),
        ("Take it (with food).", "Примите ее ]с едой[.", "ru", True),
    ],
)
def test_brackets(source: str, translation: str, tag: str, wrong: bool) -> None:
    assert ("brackets" in found(source, translation, tag)) is wrong


def xml_refuses(text: str) -> bool:
    try:
        xml.dom.minidom.parseString(f"<p>{escape(text)}</p>".encode())
    except ExpatError:
        return True
    return False


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30))
def test_xml_characters_error_exactly_when_an_xml_parser_refuses(text: str) -> None:
    """expat is the judge of XML 1.0's Char production, not our own list."""
    problems = list(checks.check_xml_characters("Call us.", text, RU))
    assert bool(problems) == xml_refuses(text)
    assert all(p.severity == checks.ERROR for p in problems)


BIDI_CLASSES = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}


@given(st.text(max_size=20), st.sampled_from([chr(c) for c in range(0x2000, 0x2070)]))
def test_bidi_controls_error_in_left_to_right_text(text: str, char: str) -> None:
    """Unicode's own bidirectional classes are the judge of which characters are controls."""
    translation = f"Позвоните {text}{char}111."
    is_control = unicodedata.bidirectional(char) in BIDI_CLASSES
    others = any(unicodedata.bidirectional(c) in BIDI_CLASSES for c in translation if c != char)
    problems = list(checks.check_bidi_controls("Call 111.", translation, RU))
    assert bool(problems) == (is_control or others)


def test_right_to_left_text_may_isolate_but_never_override() -> None:
    assert not list(checks.check_bidi_controls("Call 111.", "اتصل \u2066111\u2069.", AR))
    (problem,) = checks.check_bidi_controls("Call 111.", "اتصل \u202e111.", AR)
    assert "RIGHT-TO-LEFT OVERRIDE" in problem.message


GLOSSARY = Glossary(
    terms={
        "ru": {"flu vaccine": "вакцина от гриппа"},
        "zh-Hans": {"flu vaccine": "流感疫苗"},
        "es": {"flu vaccine": "vacuna contra la gripe"},
    }
)


@pytest.mark.parametrize(
    ("source", "translation", "tag", "used"),
    [
        ("Get your flu vaccine.", "Получите вакцину от гриппа.", "ru", True),
        ("Two flu vaccines are offered.", "Предлагаются две вакцины от гриппа.", "ru", True),
        ("Ask about the flu vaccine.", "Спросите о вакцине от гриппа.", "ru", True),
        ("Get your flu vaccine.", "Сделайте прививку от гриппа.", "ru", False),
        ("Get your flu vaccine.", "Получите от гриппа вакцину.", "ru", False),
        ("Get your flu vaccine.", "接种流感疫苗。", "zh-Hans", True),
        ("Get your flu vaccine.", "接种流感 疫苗。", "zh-Hans", True),
        ("Get your flu vaccine.", "接种疫苗。", "zh-Hans", False),
        ("Flu vaccines save lives.", "Las vacunas contra la gripe salvan vidas.", "es", True),
        ("Get a vaccine.", "Получите вакцину.", "ru", True),  # the term is not in the source
    ],
)
def test_glossary_terms_through_inflection_and_without_spaces(source: str, translation: str, tag: str, used: bool) -> None:
    assert ("glossary" not in found(source, translation, tag, GLOSSARY)) is used


REAL_CATALOGS = [
    ("humanize/locale/ru_RU/LC_MESSAGES/humanize.po", "ru"),
    ("humanize/locale/zh_CN/LC_MESSAGES/humanize.po", "zh-Hans"),
    ("humanize/locale/es_ES/LC_MESSAGES/humanize.po", "es"),
    ("apprise/i18n/es/LC_MESSAGES/apprise.po", "es"),
]


@pytest.mark.parametrize(("path", "tag"), REAL_CATALOGS)
def test_reviewed_catalogs_shipped_on_pypi_are_almost_clean(path: str, tag: str) -> None:
    """Translators' own work (humanize, apprise) must not drown in the new checks' warnings."""
    po = catalog.load(SITE_PACKAGES / path)
    assert po is not None
    entries = [e for e in po if e.msgstr and not e.obsolete and not e.fuzzy]
    assert len(entries) >= 40
    new = {"punctuation", "sentences", "quotes", "brackets", "xml-characters", "bidi"}
    flagged = [e.msgid for e in entries if found(e.msgid, e.msgstr, tag) & new]
    assert len(flagged) <= len(entries) * 0.05, flagged


def test_a_real_spanish_question_without_its_opening_mark_is_caught() -> None:
    po = catalog.load(SITE_PACKAGES / "apprise/i18n/es/LC_MESSAGES/apprise.po")
    assert po is not None
    entry = po.find("Is Ad?")
    assert entry is not None and entry.msgstr == "Es Anuncio?"
    assert "punctuation" in found(entry.msgid, entry.msgstr, "es")


def test_problems_as_json_gives_one_object_per_finding() -> None:
    findings = [
        checks.Finding("translations/ru/post.po", 14, "ru", msgid, problem)
        for msgid, msgstr in [("Call 111 or 999.", "Звоните 111."), ("Rest (well).", "Отдых (хорошо.")]
        for problem in checks.run(msgid, msgstr, RU)
    ]
    data = json.loads(checks.problems_as_json(findings))
    assert [(d["check"], d["severity"]) for d in data] == [("numbers", "error"), ("brackets", "warning")]
    assert set(data[0]) == {"file", "line", "locale", "msgid", "severity", "check", "message"}
    assert data[0]["message"] == findings[0].problem.message and "999" in data[0]["message"]
    assert "Звоните" not in checks.problems_as_json(findings)  # msgid, not msgstr
    assert json.loads(checks.problems_as_json([])) == []
    assert checks.as_text(findings[0]).startswith("translations/ru/post.po:14: error: [numbers] ")


PIECES = st.sampled_from(["Call", "111", "999", "<1>", "</1>", "<2/>", "(", ")", "“", "”", "«", "»", ".", "?",
                          "¿", "。", "MyNorthbridge", "вакцина от гриппа", "flu vaccine", "\u202e", "\x0b",
                          "https://example.org/a", "клиника", "clinic", " "])


@given(st.lists(PIECES, max_size=10), st.lists(PIECES, max_size=10), st.sampled_from(["es", "zh-Hans", "ru", "ar"]))
def test_errors_only_finds_exactly_the_errors_of_a_full_run(src: list[str], dst: list[str], tag: str) -> None:
    """The publishing gate's cheap run must never publish what a full run calls an error."""
    glossary = Glossary(do_not_translate=("MyNorthbridge",), terms=GLOSSARY.terms)
    source, translation = " ".join(src), " ".join(dst)
    full = checks.run(source, translation, locale(tag), glossary)
    assert checks.run(source, translation, locale(tag), glossary, errors_only=True) == [
        p for p in full if p.severity == checks.ERROR
    ]


def test_no_module_imports_the_gpl_translate_toolkit() -> None:
    """intl-pub is Apache-2.0: translate-toolkit (GPL-3.0-or-later) must not come back."""
    import ast

    root = Path(checks.__file__).resolve().parents[3]
    imported = set()
    for path in [*(root / "src").rglob("*.py"), *(root / "flows").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {(a.name.split(".")[0], path.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add((node.module.split(".")[0], path.name))
    assert ("intl_pub", "checks.py") in imported  # the scan sees imports at all
    assert not [name for name in imported if name[0] == "translate"]
    assert "translate-toolkit" not in (root / "pyproject.toml").read_text("utf-8")


def test_an_empty_glossary_is_not_searched() -> None:
    """Most sites have no glossary: its checks must not even strip the text."""
    empty = Glossary()
    assert list(checks.check_glossary("Get your flu vaccine.", "Получите.", RU, empty)) == []
    assert list(checks.check_do_not_translate("MyNorthbridge", "Мой", RU, empty)) == []
