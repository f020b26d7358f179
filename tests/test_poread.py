"""catalog.poread reads what poformat writes exactly as polib reads it, or declines.

The judge is polib itself, in the same test: every attribute of the file
(header, metadata in order, the header's flags) and of every entry (line
numbers included) must be equal. On generated catalogs (quotes, backslashes,
tabs, newlines, CJK, line separators, comments of any text), on real
catalogs of installed packages rendered as intl-pub writes them, and on the
catalogs a translate run writes.
"""

from __future__ import annotations

from dataclasses import replace
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
    theirs = polib_reads(text)
    assert list(ours.metadata.items()) == list(theirs.metadata.items())
    assert vars(ours) == vars(theirs)
    assert len(ours) == len(theirs)
    for mine, polibs in zip(ours, theirs, strict=True):
        assert vars(mine) == vars(polibs), mine.linenum
        assert type(mine.obsolete) is type(polibs.obsolete)
    return True


def declines(found: list[PoEntry]) -> bool:
    """What poread leaves to polib: plural forms, obsolete entries and previous strings
    (of the entries written: an obsolete one with no translation is not)."""
    return any(
        e.msgid_plural is not None or e.obsolete
        or e.previous_msgid is not None or e.previous_msgctxt is not None
        for e in found if not e.obsolete or e.translated
    )


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
    if "\r" not in comment_text and "#~" not in comment_text and "#|" not in comment_text:
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
        ],
    )
    assert assert_same(text)
    read = poread.read(text)
    assert read is not None and [e.linenum for e in read] == [
        e.linenum for e in polib_reads(text)]
    assert read.metadata["X-Odd"] == "a: b" and read.header.startswith("Header comment")


@pytest.mark.parametrize("text", [
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\n'
    'msgid "b"\nmsgstr ""\n',  # two msgids: polib refuses
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n"c"d"\n',  # an unescaped quote
    'msgid ""\nmsgstr ""\n\n#.foo\nmsgid "a"\nmsgstr "b"\n',  # no space after the mark
    'msgid ""\nmsgstr ""\n\n#~ msgid "a"\n#~ msgstr "b"\n',  # obsolete
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr[0] "b"\n',
    'msgid ""\nmsgstr ""\n\nmsgid\t"a"\nmsgstr "b"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\r\nmsgstr "b"\n',
])
def test_what_it_does_not_know_is_left_to_polib(text: str) -> None:
    assert poread.read(text) is None


def test_real_catalogs_rendered_as_we_write_them_are_read_as_polib_reads_them() -> None:
    catalogs = real_catalogs()
    assert len(catalogs) >= 20, "install the test extra: django's .po files"
    read = 0
    for path in catalogs[::4]:
        comments, header, found, flags = from_polib(polib.pofile(str(path)))
        simple = [replace(e, previous_msgid=None, previous_msgctxt=None)
                  for e in found if e.msgid_plural is None and not e.obsolete]
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
        ours = parse(text.encode(), "site.po", lint=False)
        theirs = parse(text.encode(), "site.po", lint=True)  # a translator's file: polib
        assert [vars(e) for e in ours._po] == [vars(e) for e in theirs._po]
        assert ours._po.metadata == theirs._po.metadata
