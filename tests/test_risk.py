"""The risk classifier: real medical English from the sample blog, and adversarial cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intl_pub import segment
from intl_pub.core.errors import ConfigError
from intl_pub.qa import risk
from intl_pub.qa.risk import RiskSettings, classify

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "examples" / "blog" / "posts"


def units_of(name: str) -> dict[str, frozenset[str]]:
    html = (POSTS / name).read_text(encoding="utf-8")
    return {u.msgid: classify(u.msgid) for u in segment.extract(html)}


def reasons_containing(found: dict[str, frozenset[str]], words: str) -> frozenset[str]:
    (msgid,) = [m for m in found if words in m]
    return found[msgid]


def test_the_heat_wave_advice_is_risky_where_a_wrong_word_harms() -> None:
    found = units_of("heat-wave-advice.html")
    assert reasons_containing(found, "Temperatures above") == {"dose"}
    assert reasons_containing(found, "Move the person") == {"negation", "phone", "date"}
    # Symptoms and a neighbourly tip hold no dose, number or negation.
    assert reasons_containing(found, "Headache, dizziness") == frozenset()
    assert reasons_containing(found, "Check on neighbours") == frozenset()


def test_the_flu_post_flags_times_phones_and_dates_but_not_the_copyright_year() -> None:
    found = units_of("flu-vaccination-2026.html")
    assert reasons_containing(found, "No appointment") == {"negation", "date", "phone"}
    assert reasons_containing(found, "do not wait") == {"negation", "date"}
    assert "date" in reasons_containing(found, "From <1>Monday")
    assert reasons_containing(found, "© 2026") == frozenset()
    assert reasons_containing(found, "Adults aged 65") == frozenset()
    assert reasons_containing(found, "Read the <1>fact sheet") == frozenset()


def test_most_of_a_news_post_stays_publishable() -> None:
    """The gate holds risky units back: a classifier that flags everything would hide a post."""
    for post in sorted(POSTS.glob("*.html")):
        found = units_of(post.name)
        assert sum(1 for r in found.values() if r) <= len(found) / 2, post.name


@pytest.mark.parametrize(
    "text",
    [
        "Take 500mg of paracetamol every 4 to 6 hours.",
        "Take 1/2 tablet at night.",
        "Give ½ a tablet.",
        "Use 2.5 mL twice a day.",
        "Take two tablets three times a day.",
        "Apply 1% hydrocortisone cream.",
        "Store below 25°C.",
        "A fever of 100.4 °F or higher.",
        "Blood pressure of 140/90 mmHg.",
        "Blood sugar under 4 mmol/L.",
        "Inject 10–20 units of insulin.",
        "Take 1,000 IU of vitamin D.",
        "3 x daily",
        "Use <1>5</1> ml",
        "Two puffs of the blue inhaler.",
        "Take one capsule every morning, every 8 hours if needed.",
    ],
)
def test_doses_and_quantities(text: str) -> None:
    assert "dose" in classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "Do not take with alcohol.",
        "Do NOT drive.",
        "Don’t drive for 24 hours.",
        "You shouldn't lift anything heavy.",
        "Never give aspirin to children.",
        "Avoid alcohol.",
        "Take it without food.",
        "Stop taking it if you get a rash.",
        "You must not eat after midnight.",
        "No-one should wait alone.",
        "There is no cure.",
    ],
)
def test_negation_and_prohibition(text: str) -> None:
    assert "negation" in classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "Call +44 20 7946 0958.",
        "Ring (020) 7946 0958 for advice.",
        "Call 1-800-555-0199",
        "Ring 0300 123 4567",
        "Call 999 immediately.",
        "Dial 911",
        "If it is serious: 999.",
        "Call <2>111</2>; if they lose consciousness, call <3>999</3>.",
        "Call the Samaritans on 116 123.",
    ],
)
def test_phone_numbers(text: str) -> None:
    assert "phone" in classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "The clinic opens on 3 November.",
        "From May 3 to June 1.",
        "Since March 2026.",
        "Due on 01/12/2026.",
        "Due on 2026-12-01.",
        "Open 9am to 5pm.",
        "Open 9:30–17:00.",
        "Collect it at noon.",
        "Closed on Saturdays.",
        "Wait 30 minutes after eating.",
        "Come at 9.30am.",
    ],
)
def test_dates_times_and_durations(text: str) -> None:
    assert "date" in classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "See Section 2 of the leaflet.",
        "The No. 5 bus stops outside.",
        "Nos. 3-4 are on the left.",
        "Note the new opening hours.",
        "Room 111 is on the left.",
        "119 patients were seen.",
        "In 2025 we saw more patients.",
        "You may need help.",
        "We march on.",
        "Use a tablet or phone to sign in.",
        "Revenue rose to 1.234.567.",
        "Press 1 for appointments.",
        "Version 1.2.3 of the app.",
        "Between 10 and 20 people came.",
        "A not-for-profit partner.",
        "It only takes a few minutes.",
        "After two years of work, it opened.",
        "Knotty problems, notable people, notes.",
    ],
)
def test_what_is_not_risky(text: str) -> None:
    assert classify(text) == frozenset()


def test_a_decimal_dose_is_no_clock_time() -> None:
    assert classify("Take 1.25 mL.") == {"dose"}
    assert classify("Give 2.50 ml of syrup.") == {"dose"}


def test_a_dosing_frequency_is_a_dose_not_a_duration() -> None:
    assert classify("Take it every 4 to 6 hours.") == {"dose"}
    assert classify("Take it every 6 hours for 5 days.") == {"dose", "date"}


def test_critical_terms_from_the_settings_and_the_glossary() -> None:
    settings = RiskSettings.from_table({"critical_terms": ["amoxicillin"]}, "intl-pub.toml [risk]")
    assert classify("Amoxicillin is an antibiotic.", settings) == {"critical-term"}
    assert classify("Bring your amoxicillins.", settings) == {"critical-term"}
    assert classify("Amoxicillinase is an enzyme.", settings) == frozenset()
    more = settings.with_critical_terms(["warfarin", "insulin glargine"])
    assert classify("Ask about insulin   glargine.", more) == {"critical-term"}
    assert classify("Ask about insulin glargine.", settings) == frozenset()


def test_the_risk_table_extends_and_narrows_the_defaults() -> None:
    table = {
        "extra_units": ["sprays per nostril"],
        "extra_negations": ["refuse"],
        "ignore": ["bus stop"],
        "disable": ["date"],
        "patterns": {"phone": [r"\bSHOUT\b"]},
    }
    settings = RiskSettings.from_table(table, "intl-pub.toml [risk]")
    assert classify("Use 2 sprays per nostril.", settings) == {"dose"}
    assert classify("You may refuse treatment.", settings) == {"negation"}
    assert classify("Meet at the bus stop.", settings) == frozenset()
    assert classify("Meet at the bus stop.") == {"negation"}
    assert classify("Open on Monday.", settings) == frozenset()
    assert classify("Text SHOUT to get help.", settings) == {"phone"}


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ([], "must be a table"),
        ({"extra_unit": ["x"]}, "unknown key(s) extra_unit"),
        ({"extra_units": "mg"}, "extra_units must be a list"),
        ({"critical_terms": ["", "x"]}, "critical_terms must be a list of non-empty strings"),
        ({"disable": ["doses"]}, "unknown reason(s) doses"),
        ({"patterns": {"phone": ["(unclosed"]}}, "is not a regular expression"),
        ({"patterns": {"drug": ["x"]}}, "unknown reason 'drug'"),
        ({"patterns": ["x"]}, "must be a table of reason"),
    ],
)
def test_bad_risk_tables_say_where_and_what(table: object, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        RiskSettings.from_table(table, "intl-pub.toml [risk]")
    assert "intl-pub.toml [risk]" in str(caught.value)
    assert says in str(caught.value)


def test_reasons_are_ordered_for_display() -> None:
    assert risk.ordered({"phone", "dose", "negation"}) == ["dose", "negation", "phone"]


WORDS = st.sampled_from(
    ["take", "the", "blue", "tablet", "with", "water", "call", "us", "at", "night", "rest", "well"]
)


@given(st.lists(WORDS, min_size=1, max_size=12))
def test_inline_tokens_never_change_the_reasons(words: list[str]) -> None:
    plain = " ".join(words)
    marked = " ".join(f"<{i}>{w}</{i}>" if i % 2 else w for i, w in enumerate(words, 1))
    assert classify(marked) == classify(plain)


@given(st.lists(WORDS, min_size=1, max_size=12), st.sampled_from(["not", "never", "don't"]))
def test_adding_a_negation_always_flags_it(words: list[str], negation: str) -> None:
    words.insert(len(words) // 2, negation)
    assert "negation" in classify(" ".join(words))


@given(st.text(max_size=200))
def test_any_text_gives_known_reasons(text: str) -> None:
    assert classify(text) <= set(risk.REASONS)


def test_a_real_world_shaped_hospital_page() -> None:
    """tests/data/real_world.html, written for the segmenter's tests, not for these rules."""
    html = (ROOT / "tests" / "data" / "real_world.html").read_text(encoding="utf-8")
    found = {u.msgid: classify(u.msgid) for u in segment.extract(html)}
    assert reasons_containing(found, "Questions? Call us") == {"phone"}
    assert reasons_containing(found, "Two doses protect") == {"dose"}
    assert reasons_containing(found, "Adults born after 1970") == {"dose", "negation"}
    assert reasons_containing(found, "Monday to Friday") == {"date"}
    assert reasons_containing(found, "© 2026 City Hospital") == frozenset()
    assert reasons_containing(found, "A combined vaccine against") == frozenset()


def test_the_documented_risk_table_parses_from_toml() -> None:
    """The example in risk's docstring is what a user pastes into intl-pub.toml."""
    import tomllib

    doc = risk.__doc__ or ""
    example = doc[doc.index("    [risk]"):].split("\n\"\"\"")[0]
    table = tomllib.loads("\n".join(line[4:] for line in example.splitlines()))["risk"]
    settings = RiskSettings.from_table(table, "intl-pub.toml [risk]")
    assert classify("Text SHOUT now.", settings) == {"phone"}
    assert classify("Open on Monday.", settings) == frozenset()
    assert classify("Amoxicillin syrup.", settings) == {"critical-term"}


_TRICKY = [
    "Take", "two", "TWICE", "twıce", "ſix", "\u212aelvin", "tablets", "every", "EVERY", "4", "٣",
    "½", "mg", "ml", "hours", "a", "half", "quarter", "of", "an", "daily", "Monday", "Tues",
    "weekend", "Week", "noon", "MIDNIGHT", "o'clock", "9.30am", "12:15", "don't", "DON’T",
    "never", "no", "not", "No.", "5", "call", "999", "111", "+44", "20", "7946", "0958", "(",
    ")", "-", "/", ",", ".", "insulin", "Warfarin", "room", "ward", "3rd", "March", "2026",
    "times", "per", "day", "<1>", "</1>", "\u00a0", "ten", "often", "one", "minutes",
    "x", "X", "3x", "2\u00a0x", "tımes", "TİMES", "TWİCE", "hrs", "secs", "Month", "mins", "ſec", "Hr",
]


@given(st.lists(st.sampled_from(_TRICKY), max_size=14), st.sampled_from([" ", "", "  "]))
def test_the_prefilter_never_changes_a_verdict(words: list[str], glue: str) -> None:
    rules = risk._compile(RiskSettings().with_critical_terms(["insulin", "warfarin sodium"]))
    text = glue.join(words)
    assert risk._reasons(text, rules) == risk._reasons(text, rules, prefilter=False)


@pytest.mark.slow
def test_the_prefilter_agrees_on_real_english() -> None:
    """Every paragraph of the sample blog and of the standard library's docstrings."""
    import ast
    import sysconfig

    texts = [u.msgid for name in sorted(POSTS.glob("*.html"))
             for u in segment.extract(name.read_text(encoding="utf-8"))]
    for source in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        tree = ast.parse(source.read_bytes())
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
                doc = ast.get_docstring(node) or ""
                texts += [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    rules = risk._compile(RiskSettings())
    assert len(texts) > 5000
    flagged = 0
    for text in texts:
        fast = risk._reasons(text, rules)
        assert fast == risk._reasons(text, rules, prefilter=False), text
        flagged += bool(fast)
    assert 0 < flagged < len(texts)
