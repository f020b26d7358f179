from __future__ import annotations

import pytest

from intl_pub.segment import tokens
from intl_pub.segment.tokens import Node

MSGID = "Read the <1>full <2>report</2></1> from the WHO.<3/>"


def test_parse_builds_the_token_tree() -> None:
    assert tokens.parse(MSGID) == [
        "Read the ",
        Node(1, ("full ", Node(2, ("report",)))),
        " from the WHO.",
        Node(3, (), True),
    ]


def test_a_translation_may_reorder_tokens() -> None:
    assert tokens.check(MSGID, "<3/>Lea el <1><2>informe</2> completo</1> de la OMS.") is None


@pytest.mark.parametrize(
    ("msgstr", "problem"),
    [
        ("Lea el informe completo de la OMS.<3/>", "token(s) 1, 2 missing"),
        ("Lea <1>el</1> <1>informe</1> <2>x</2><3/>", "token 1 appears twice"),
        ("Lea <1>el <2>informe</1></2><3/>", "closes a token that is not open"),
        ("Lea <1>el <2>informe</2><3/>", "<1> is never closed"),
        ("Lea <1>el <2>informe</2></1><3>x</3>", "token 3 must be written as <3/>"),
    ],
)
def test_check_names_what_is_wrong(msgstr: str, problem: str) -> None:
    assert problem in (tokens.check(MSGID, msgstr) or "")


def test_numbers_that_are_not_tokens_of_the_msgid_stay_text() -> None:
    assert tokens.parse("a <7> b", {}) == ["a <7> b"]
    assert tokens.check("plain text", "texto <9>x</9>") is None


def test_strip_and_pieces() -> None:
    assert tokens.strip(MSGID) == "Read the full report from the WHO."
    assert tokens.pieces("a <1>b</1><2/>") == ["a ", "<1>", "b", "</1>", "<2/>"]
