"""The review queue: order, reasons, the word difference since review, and its outputs."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intl_pub import segment
from intl_pub.core.errors import ConfigError
from intl_pub.qa import risk
from intl_pub.review import queue as review_queue
from intl_pub.review.queue import Pending, QueueSettings, build, word_diff

POSTS = Path(__file__).resolve().parent.parent / "examples" / "blog" / "posts"


def pending_from_post(name: str, published: date, locale: str = "es", **extra: object) -> list[Pending]:
    """One pending entry per unit of a sample post, classified by the real classifier."""
    html = (POSTS / name).read_text(encoding="utf-8")
    slug = name.removesuffix(".html")
    return [
        Pending(locale, slug, published, f"translations/{locale}/{slug}.po", 10 + 3 * n, u.msgid,
                risk.classify(u.msgid), **extra)  # type: ignore[arg-type]
        for n, u in enumerate(segment.extract(html))
    ]


def test_a_dose_a_stale_review_and_a_low_confidence_entry_come_in_that_order() -> None:
    day = date(2026, 11, 20)
    plain = Pending("es", "clinic", day, "translations/es/clinic.po", 40, "What is new", confidence=0.9)
    low = Pending("es", "clinic", day, "translations/es/clinic.po", 30, "Twelve consultation rooms",
                  confidence=0.31)
    stale = Pending("es", "clinic", day, "translations/es/clinic.po", 20, "Open until 20:00 on Tuesdays",
                    frozenset(), stale=True, reviewed_english="Open until 19:00 on Tuesdays")
    dose_text = "Take 2 tablets every 6 hours."
    dose = Pending("es", "clinic", day, "translations/es/clinic.po", 50, dose_text,
                   risk.classify(dose_text), confidence=0.95)
    queue = build([plain, low, stale, dose])
    assert [i.entry for i in queue] == [dose, stale, low, plain]
    assert [i.reasons for i in queue] == [("dose",), ("stale-review",), ("low-confidence",), ()]
    assert [i.priority for i in queue] == sorted((i.priority for i in queue), reverse=True)
    assert queue[0].priority > queue[1].priority > queue[2].priority > queue[3].priority
    assert queue[1].diff == "Open until [-19:00-]{+20:00+} on Tuesdays"
    assert queue[0].where == "translations/es/clinic.po:50"


def test_a_risky_stale_low_confidence_entry_names_every_reason() -> None:
    text = "Do not take more than 8 tablets a day."
    item, = build([Pending("ru", "p", date(2026, 1, 1), "f.po", 3, text, risk.classify(text),
                           stale=True, reviewed_english="Do not take more than 6 tablets a day.",
                           confidence=0.2)])
    assert item.reasons == ("dose", "negation", "stale-review", "low-confidence")
    assert item.priority == 7


def test_newer_posts_come_first_among_equals_and_older_risk_still_beats_them() -> None:
    old = pending_from_post("heat-wave-advice.html", date(2025, 7, 1))
    new = pending_from_post("new-pediatric-clinic.html", datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    queue = build(old + new)
    risky = [i for i in queue if i.priority]
    assert risky and all(i.entry.risk for i in risky)
    assert queue.index(risky[-1]) < min(queue.index(i) for i in queue if not i.priority)
    calm = [i.entry.post for i in queue if not i.priority]
    assert calm == sorted(calm, key=lambda post: post != "new-pediatric-clinic")
    # The heat-wave paragraph with a phone, a negation and a time is the first of its post.
    first_old = next(i for i in queue if i.entry.post == "heat-wave-advice")
    assert first_old.entry.msgid.startswith("Move the person")


def test_the_threshold_decides_low_confidence_and_none_is_never_low() -> None:
    entries = [Pending("es", "p", date(2026, 1, 1), "f.po", n, f"unit {n}", confidence=c)
               for n, c in enumerate([0.1, 0.49, 0.5, 0.8, None])]
    assert [i.entry.confidence for i in build(entries) if i.reasons] == [0.1, 0.49]
    strict = build(entries, QueueSettings(low_confidence=0.9))
    assert [i.entry.confidence for i in strict if i.reasons] == [0.1, 0.49, 0.5, 0.8]


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.5", True, None])
def test_a_bad_threshold_is_a_config_error(bad: object) -> None:
    with pytest.raises(ConfigError, match="low_confidence must be a number from 0 to 1"):
        QueueSettings(low_confidence=bad)  # type: ignore[arg-type]


def test_locale_and_limit_cut_the_queue() -> None:
    es = pending_from_post("heat-wave-advice.html", date(2025, 7, 1), "es")
    ru = pending_from_post("heat-wave-advice.html", date(2025, 7, 1), "ru")
    assert {i.entry.locale for i in build(es + ru, locale="ru")} == {"ru"}
    assert build(es + ru, limit=3) == build(es + ru)[:3]
    assert build(es + ru, limit=0) == []


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("Take 2 tablets every 4 hours.", "Take 3 tablets every 6 hours, with food.",
         "Take [-2-]{+3+} tablets every [-4-]{+6+} hours{+, with food+}."),
        ("Do not take it.", "Take it.", "[-Do not take-]{+Take+} it."),
        ("Read the <1>full report</1>.", "Read the <1>short report</1> from the <2>WHO</2>.",
         "Read the <1>[-full-]{+short+} report</1> {+from the <2>WHO</2>+}."),
        ("Take 2.5 mg.", "Take 25 mg.", "Take [-2.5-]{+25+} mg."),
        ("Call 111.", "Call 111.", "Call 111."),
    ],
)
def test_word_diff_shows_whole_words_and_tokens(old: str, new: str, shown: str) -> None:
    assert word_diff(old, new) == shown


WORD = st.sampled_from(["take", "2", "2.5", "tablets", "do", "not", "<1>", "</1>", "<2/>", "mg.",
                        "every", "6", "hours", ",", "don't", "call", "111"])


def rebuild(diff: str, keep: str) -> str:
    """Undo a word diff: keep the new side ('+') or the old side ('-')."""
    drop = r"\[-.*?-\]" if keep == "+" else r"\{\+.*?\+\}"
    text = re.sub(drop, "", diff)
    text = re.sub(r"\{\+(.*?)\+\}" if keep == "+" else r"\[-(.*?)-\]", r" \1 ", text)
    return " ".join(text.split())


def spaced(text: str) -> str:
    return " ".join(w for w, _ in review_queue._pieces(text))


@given(st.lists(WORD, max_size=12), st.lists(WORD, max_size=12))
def test_word_diff_loses_neither_side(old_words: list[str], new_words: list[str]) -> None:
    old, new = " ".join(old_words), " ".join(new_words)
    diff = word_diff(old, new)
    assert spaced(rebuild(diff, "+")) == spaced(new)
    assert spaced(rebuild(diff, "-")) == spaced(old)


def test_as_json_has_what_the_cli_promises() -> None:
    text = "Call 999 if they lose consciousness."
    items = build([
        Pending("zh-Hans", "heat-wave-advice", date(2026, 7, 1), "translations/zh_Hans/heat-wave-advice.po",
                41, text, risk.classify(text), stale=True, reviewed_english="Call 999.", confidence=0.7),
        Pending("zh-Hans", "heat-wave-advice", date(2026, 7, 1), "translations/zh_Hans/heat-wave-advice.po",
                12, "Signs of heat exhaustion"),
    ])
    data = json.loads(review_queue.as_json(items))
    assert [d["line"] for d in data] == [41, 12]
    first = data[0]
    assert {"locale", "post", "file", "line", "msgid", "reasons", "priority"} <= set(first)
    assert first["reasons"] == ["phone", "stale-review"] and first["priority"] == 6
    assert first["published"] == "2026-07-01" and first["confidence"] == 0.7
    assert first["diff"] == "Call 999 {+if they lose consciousness+}."
    assert first["reviewed_msgid"] == "Call 999."
    assert "diff" not in data[1] and data[1]["reasons"] == []


def test_as_rows_is_one_row_of_strings_per_item_in_column_order() -> None:
    long = "Do not " + "wait " * 30
    items = build([Pending("ru", "p", date(2026, 1, 1), "translations/ru/p.po", 9, long, risk.classify(long))])
    (row,) = review_queue.as_rows(items, width=20)
    assert len(row) == len(review_queue.COLUMNS) and all(isinstance(c, str) for c in row)
    values = dict(zip(review_queue.COLUMNS, row, strict=True))
    assert values["where"] == "translations/ru/p.po:9" and values["reasons"] == "negation"
    assert values["English"] == long[:19] + "…" and values["priority"] == "4"
