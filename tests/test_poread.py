"""catalog.poread reads what poformat writes exactly as polib reads it, or declines.

The judge is polib itself, in the same test: every attribute of the file
(header, metadata in order, the header's flags) and of every entry (line
numbers included) must be equal. On generated catalogs (quotes, backslashes,
tabs, newlines, CJK, line separators, comments of any text), on real
catalogs of installed packages rendered as intl-pub writes them, and on the
catalogs a translate run writes.
"""

from __future__ import annotations

import random
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_poformat import COMMENT, EXAMPLES, HEADER, entries, from_polib, real_catalogs, unique

from intl_pub.catalog import files, poread
from intl_pub.catalog.pofile import _PoText
from intl_pub.catalog.poformat import PoEntry, render


def polib_reads(text: str) -> polib.POFile:
    return polib.pofile(_PoText(text), check_for_duplicates=False, encoding="utf-8")


def assert_same(text: str) -> bool:
    """Whether poread read ``text`` (False: it declined); when it did, what it read is
    what polib reads."""
    ours = poread.read(text)
    if ours is None:
        return False
    try:
        theirs = polib_reads(text)
    except OSError as exc:
        raise AssertionError(f"polib refuses what poread read: {exc}") from exc
    assert list(ours.metadata.items()) == list(theirs.metadata.items())
    assert len(ours) == len(theirs)
    for mine, polibs in [(ours, theirs), *zip(ours, theirs, strict=True)]:
        assert vars(mine) == vars(polibs), getattr(mine, "linenum", "the file")
        assert [type(v) for v in vars(mine).values()] == [type(v) for v in vars(polibs).values()]
    return True


def declines(found: list[PoEntry]) -> bool:
    """What poread leaves to polib: plural forms (of the entries written: an obsolete one
    with no translation is not)."""
    return any(e.msgid_plural is not None for e in found if not e.obsolete or e.translated)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entries(), min_size=1, max_size=8),
    st.lists(COMMENT, max_size=3),
    st.booleans(),
    st.sampled_from([79, 40, 100]),
)
def test_a_generated_catalog_is_read_as_polib_reads_it(
    found: list[PoEntry], comments: list[str], fuzzy_header: bool, width: int
) -> None:
    found = unique(found)
    text = render(comments, HEADER, found, width=width, header_flags=["fuzzy"] * fuzzy_header)
    comment_text = "".join(comments) + "".join(
        c for e in found for c in (*e.translator_comments, *e.extracted_comments))
    read = assert_same(text)
    if "\r" not in comment_text and "msgid_plural" not in comment_text:
        assert read != declines(found)


def test_a_catalog_with_every_kind_of_line_is_read_and_line_numbers_kept() -> None:
    text = render(
        ["Header comment", "", "second line"],
        [*HEADER, ("X-Odd", "a: b")],
        [
            PoEntry("Title", "Título", flags=("fuzzy",), extracted_comments=("title", "id: 1"),
                    references=("content/a.html:3", "content/b.html", ":7", "x:y")),
            PoEntry("A\tline\nbreak and \\ backslash", "Una\tlínea\nsalto y \\ barra",
                    msgctxt="p", translator_comments=("", "reviewed by Ana", "#odd")),
            PoEntry("世界卫生组织在报告中指出，" * 12, "x" * 200),
            PoEntry("untranslated"),
            PoEntry("Reworded text", "Texto", flags=("fuzzy",), previous_msgid="Old text\n" * 9,
                    previous_msgctxt="p"),
            PoEntry("Gone", "Ido", msgctxt="p", obsolete=True, previous_msgid="Gone before"),
        ],
    )
    assert assert_same(text)
    read = poread.read(text)
    assert read is not None and [e.linenum for e in read] == [
        e.linenum for e in polib_reads(text)]
    assert read.metadata["X-Odd"] == "a: b" and read.header.startswith("Header comment")
    assert [(e.obsolete, e.previous_msgid) for e in read][-2:] == [
        (0, "Old text\n" * 9), (1, None)]  # ("#~|": polib skips it, as we do)
    assert assert_same('msgid ""\nmsgstr ""\n\nmsgid\t"a"\nmsgstr "b"\n')  # any blank


@pytest.mark.parametrize("text", [
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\n'
    'msgid "b"\nmsgstr ""\n',  # two msgids: polib refuses
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n"c"d"\n',  # an unescaped quote
    'msgid ""\nmsgstr ""\n\n#.foo\nmsgid "a"\nmsgstr "b"\n',  # no space after the mark
    'msgid ""\nmsgstr ""\n\n#~\nmsgid "a"\nmsgstr "b"\n',  # "#~" alone
    'msgid ""\nmsgstr ""\n\n#| msgid\nmsgid "a"\nmsgstr "b"\n',  # "#|" with no string
    'msgid ""\nmsgstr ""\n\n#~ #| msgid "x"\nmsgid "a"\nmsgstr "b"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr[0] "b"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\r\nmsgstr "b"\n',
])
def test_what_it_does_not_know_is_left_to_polib(text: str) -> None:
    assert poread.read(text) is None


# polib's transitions (_POFileParser.__init__): symbol -> the states it may follow
POLIB_MAY_FOLLOW = {
    "tc": {"st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi"},
    "gc": {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"},
    "oc": {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"},
    "fl": {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"},
    "ct": {"st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"},
    "mi": {"st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"},
    "ms": {"mi", "mp", "tc"},
    "mc": {"ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc"},
    "pm": {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"},
    "pc": {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"},
}
EDGES = ["", " ", "\t", "\u00a0", "\u2028", "\u0085", "\x1c", "\u3000", "\x0b"]
INSIDE = [*'ab:, \\ntq1#"', "\\\\", '\\"', "\u00a0", "\u2028", "\t", "é", "\\"]


def walked_text(seed: int) -> str:
    """Lines in an order polib's state machine takes (now and then one it refuses), with
    odd whitespace at their edges and escapes, quotes and backslashes inside."""
    r = random.Random(seed)

    def quoted() -> str:
        if r.random() < 0.2:
            return r.choice(['""', '"K: v\\n"', '"x\\n"', '":y"', '"Content-Type: t\\n"'])
        return '"' + "".join(r.choice(INSIDE) for _ in range(r.randint(0, 5))) + '"'

    def line(symbol: str) -> str:
        edge = r.choice(EDGES) + ("#~ " if r.random() < 0.1 else "")  # obsolete, or not
        if symbol == "mc":
            return edge + r.choice(["", "", "#| "]) + quoted() + r.choice(EDGES)
        if symbol in ("pm", "pc"):
            keyword = {"pm": "msgid", "pc": "msgctxt"}[symbol]
            return f"{edge}#| {keyword}{r.choice([' ', chr(9)])}{quoted()}{r.choice(EDGES)}"
        if symbol in ("mi", "ms", "ct"):
            keyword = {"mi": "msgid", "ms": "msgstr", "ct": "msgctxt"}[symbol]
            return f"{edge}{keyword} {r.choice(['', ' ', chr(9)])}{quoted()}{r.choice(EDGES)}"
        mark = {"tc": r.choice(["#", "##", "###"]), "gc": "#.", "oc": "#:", "fl": "#,"}[symbol]
        said = r.choice(["", "x", "fuzzy", "a, b", ":1 a:2 b:c:3 :", "#", "\\", " y ", "\u00a0z"])
        return edge + mark + r.choice([" ", "\t", "\u00a0", "  ", ""]) + said + r.choice(EDGES)

    state, lines = "st", []
    for _ in range(r.randint(0, 14)):
        if r.random() < 0.1:
            lines.append(r.choice([*EDGES, '#~| msgid "x"']))
            continue
        allowed = [s for s, states in POLIB_MAY_FOLLOW.items() if state in states]
        symbol = r.choice(allowed if allowed and r.random() > 0.1 else list(POLIB_MAY_FOLLOW))
        lines.append(line(symbol))
        if symbol != "mc":
            state = "he" if symbol == "tc" and state in ("st", "he") else symbol
    return "\n".join(lines) + r.choice(["", "\n", "\n\n"])


def test_texts_walked_through_polibs_state_machine_are_read_as_polib_reads_them() -> None:
    """Beyond what poformat writes: lone marks, comments at the end, odd whitespace, escapes
    split over lines, ``#|`` and ``#~`` lines anywhere, lines polib refuses (poread must
    decline those)."""
    read = sum(assert_same(walked_text(seed)) for seed in range(4000))
    assert read > 1000  # (a reader that declines everything is no reader)


def test_real_catalogs_rendered_as_we_write_them_are_read_as_polib_reads_them() -> None:
    catalogs = real_catalogs()
    assert len(catalogs) >= 20, "install the test extra: django's .po files"
    read = 0
    for path in catalogs[::4]:
        comments, header, found, flags = from_polib(polib.pofile(str(path)))
        simple = [e for e in found if e.msgid_plural is None and e.previous_msgid_plural is None]
        read += assert_same(render(comments, header, simple, header_flags=flags))
    assert read >= len(catalogs[::4]) // 2


def test_a_run_reads_its_own_catalogs_through_poread(tmp_path: Path) -> None:
    """What a translate run wrote (its digest recorded) is read by poread, and the
    Catalog equals polib's reading."""
    from intl_pub.catalog.pofile import parse

    shipped = Path(files.__file__).parents[1] / "ui"
    texts = [p.read_text("utf-8") for p in sorted(shipped.glob("*.po"))]
    assert texts
    for text in texts:
        assert poread.read(text) is not None
        ours = parse(text.encode(), "site.po", lint=False)
        theirs = parse(text.encode(), "site.po", lint=True)  # a translator's file: polib
        assert [vars(e) for e in ours._po] == [vars(e) for e in theirs._po]
        assert ours._po.metadata == theirs._po.metadata
