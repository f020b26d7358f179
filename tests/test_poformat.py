"""intl_pub.poformat against its judge, GNU gettext itself.

* hypothesis catalogs (spaces at wrap points, long words, CJK, Cyrillic,
  emoji, quotes, backslashes, tabs, newlines, <1>…</1> tokens): ``msgcat``
  of what we write is what we wrote, byte for byte;
* our line breaking equals libunistring's (the library msgcat wraps with);
* real catalogs we did not write (Django's, humanize's, ... .po files, read
  with polib here in the test only): ``msgcat`` of our rendering is our
  rendering, and our rendering of a ``msgcat --width=79`` file is that file;
* ``lint`` says a file is broken exactly when ``msgfmt -c`` rejects its syntax.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import random
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intl_pub.catalog import linebreak, poformat
from intl_pub.catalog.poformat import PoEntry, lint, render, strip_bom

EXAMPLES = int(os.environ.get("INTL_PUB_PO_EXAMPLES", "150"))
"""Generated catalogs per run; a long run: INTL_PUB_PO_EXAMPLES=5000."""

pytestmark = pytest.mark.skipif(shutil.which("msgcat") is None, reason="needs GNU gettext")

HEADER = [
    ("Project-Id-Version", "intl-pub test"),
    ("Language", "ru"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
    ("Plural-Forms", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
     "(n%100<10 || n%100>=20) ? 1 : 2);"),
]  # fmt: skip


def msgcat(text: str, *args: str) -> str:
    done = subprocess.run(
        ["msgcat", *args, "-"], input=text.encode(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


# --- generated catalogs ----------------------------------------------------------------

WORDS = st.sampled_from(
    ["the", "report", "Hello,", "world.", "WHO", "(2024)", "3.5", "mg", "e.g.", "-", "—", "'s",
     "«Привет»", "мир", "Здравствуйте,", "中文", "没有空格的中文文本", "。", "，", "「引用」",
     "日本語のテキスト", "한국어", "😀", "👍🏽", "🇪🇸", "<1>", "</1>", "<2>link</2>", "…", "%s",
     "{name}", "%(count)d", '"quoted"', "back\\slash", "\\n", "tab\there", "a\tb", "x/y",
     "https://example.org/a/b?c=d", "50%", "$5", "über", "naïve", "ا", "עברית", "ไทย", "\u00a0",
     "\u200b", "\u2060", "\u0301", "\u2028", "\u0085", "\x01", "\x7f", "\r", "\f", "\v"]
)  # fmt: skip
LONG_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=60, max_size=120)
CJK_RUN = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=10, max_size=90
)
ANY_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04")
SEPARATOR = st.sampled_from([" ", " ", " ", "  ", "\n", " \n", "", "\t", "\n\n"])


@st.composite
def texts(draw: st.DrawFn, min_size: int = 0) -> str:
    parts = draw(
        st.lists(
            st.one_of(WORDS, WORDS, WORDS, LONG_WORD, CJK_RUN, st.text(ANY_CHAR, max_size=8)),
            min_size=min_size,
            max_size=40,
        )
    )
    return "".join(part + draw(SEPARATOR) for part in parts)


COMMENT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n\r"), max_size=120
).filter(lambda c: not c.endswith("\\"))
FLAGS = st.lists(
    st.sampled_from(["fuzzy", "python-format", "c-format", "no-c-format", "python-brace-format",
                     "no-wrap", "wrap", "perl-format", "possible-c-format", "range: 1..5",
                     "no-python-format"]),
    max_size=3,
)  # fmt: skip
REFERENCE = st.builds(
    lambda name, line: name if line is None else f"{name}:{line}",
    st.from_regex(r"(\./)?[a-z][a-z0-9_/.-]{0,40}\.html", fullmatch=True),
    st.one_of(st.none(), st.integers(0, 99999)),
)


def without_directives(entry: PoEntry) -> PoEntry:
    """Known difference: GNU never breaks inside a format directive ("% d") of a message
    flagged c-format, python-format, ...; poformat does not parse directives (intl-pub
    writes only no-c-format). Such messages are tested without directives."""
    if not any(f.endswith("-format") and not f.startswith("no-") for f in entry.flags):
        return entry

    def strip(value: str | None) -> str | None:
        return None if value is None else re.sub(r"[%{}]", "", value)

    fields = ("msgid", "msgstr", "msgctxt", "msgid_plural", "previous_msgctxt",
              "previous_msgid", "previous_msgid_plural")  # fmt: skip
    return replace(
        entry,
        **{name: strip(getattr(entry, name)) for name in fields},
        msgstr_plural=tuple(re.sub(r"[%{}]", "", f) for f in entry.msgstr_plural),
    )


@st.composite
def entries(draw: st.DrawFn) -> PoEntry:
    plural = draw(st.booleans()) and draw(st.booleans())
    previous = draw(st.booleans())
    return without_directives(
        PoEntry(
            msgid=draw(texts(min_size=1)),
            msgstr="" if plural else draw(texts()),
            msgctxt=draw(st.one_of(st.none(), texts())),
            msgid_plural=draw(texts(min_size=1)) if plural else None,
            msgstr_plural=tuple(draw(st.lists(texts(), min_size=1, max_size=3))) if plural else (),
            flags=tuple(draw(FLAGS)),
            translator_comments=tuple(draw(st.lists(COMMENT, max_size=2))),
            extracted_comments=tuple(draw(st.lists(COMMENT, max_size=2))),
            references=tuple(draw(st.lists(REFERENCE, max_size=12))),
            previous_msgctxt=draw(texts()) if previous and draw(st.booleans()) else None,
            previous_msgid=draw(texts()) if previous else None,
            previous_msgid_plural=draw(texts()) if previous and plural else None,
            obsolete=draw(st.integers(0, 5)) == 0,
        )
    )


def unique(found: list[PoEntry]) -> list[PoEntry]:
    """GNU merges messages with the same context and msgid; a catalog holds each once."""
    seen: dict[tuple[str | None, str], PoEntry] = {}
    for entry in found:
        seen.setdefault((entry.msgctxt, entry.msgid), entry)
    return list(seen.values())


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entries(), min_size=1, max_size=8),
    st.lists(COMMENT, max_size=3),
    st.sampled_from([79, 79, 79, 40, 60, 100, 20]),
)
def test_msgcat_leaves_a_generated_catalog_byte_identical(
    found: list[PoEntry], comments: list[str], width: int
) -> None:
    found = unique(found)
    assume(all(e.msgid for e in found))
    # msgcat writes nothing at all for a catalog that holds only its header.
    assume(any(not e.obsolete or e.translated for e in found))
    text = render(comments, HEADER, found, width=width)
    assert msgcat(text, f"--width={width}") == text


def test_a_long_cjk_paragraph_wraps_between_ideographs_as_gnu_does() -> None:
    paragraph = "世界卫生组织在报告中指出，" * 12 + "全文见<1>这里</1>。"
    text = render([], HEADER, [PoEntry("Paragraph", paragraph)])
    assert msgcat(text) == text
    lines = [ln for ln in text.splitlines() if ln.startswith('"') and "组织" in ln]
    assert len(lines) > 2 and all(len(ln.encode("utf-16-le")) // 2 * 2 <= 79 * 2 for ln in lines)


def test_a_word_longer_than_the_line_stays_whole_and_the_space_ends_the_line() -> None:
    word = "x" * 100
    text = render([], HEADER, [PoEntry(f"Short words then {word} and more words", "")])
    assert f'"Short words then "\n"{word} "\n"and more words"\n' in text
    assert msgcat(text) == text


def test_escapes_are_written_as_gnu_writes_them() -> None:
    msgid = 'a\\b "q" \t \a \b \f \r \v \x01 \x7f end\n'
    text = render([], HEADER, [PoEntry(msgid, "")])
    assert 'msgid "a\\\\b \\"q\\" \\t \\a \\b \\f \\r \\v \x01 \x7f end\\n"\n' in text
    assert msgcat(text) == text


def test_context_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="U\\+0004"):
        render([], HEADER, [PoEntry("a\x04b", "")])


# --- our line breaking is libunistring's -------------------------------------------------


def _libunistring() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("unistring")
    return ctypes.CDLL(name) if name else None


LIB = _libunistring()


@pytest.mark.slow
@pytest.mark.skipif(LIB is None, reason="needs libunistring")
@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(st.text(st.one_of(ANY_CHAR, WORDS.map(lambda w: w[:1]), st.just(" ")), max_size=30))
def test_break_opportunities_are_libunistrings(text: str) -> None:
    raw = text.encode()
    buf = ctypes.create_string_buffer(len(raw))
    assert LIB is not None
    LIB.u8_possible_linebreaks(raw, ctypes.c_size_t(len(raw)), b"UTF-8", buf)
    theirs, pos = [], 0
    for ch in text:
        theirs.append(buf.raw[pos])
        pos += len(ch.encode())
    assert poformat.possible_linebreaks(list(text)) == theirs


# --- real catalogs -----------------------------------------------------------------------


def real_catalogs() -> list[Path]:
    """.po files shipped in installed packages: Django's many languages, humanize's, ..."""
    import importlib.util

    found: list[Path] = []
    for package, pattern in (
        ("django", "conf/locale/*/LC_MESSAGES/django.po"),
        ("django", "contrib/admin/locale/*/LC_MESSAGES/django.po"),
        ("humanize", "locale/*/LC_MESSAGES/*.po"),
        ("apprise", "i18n/*/LC_MESSAGES/*.po"),
    ):
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            root = Path(next(iter(spec.submodule_search_locations)))
            found += sorted(root.glob(pattern))
    return found


CATALOGS = real_catalogs()
# Every catalog takes a while through polib; a fixed sample of languages and scripts.
SAMPLE = [
    p for p in CATALOGS if re.search(r"/(ru|zh_Hans|ja|ar|he|es|de|ko|th|uk|el|hi|vi|fa)/", str(p))
]
SAMPLE = [p for p in SAMPLE if "django/conf" in str(p)] + [
    p for p in CATALOGS if "django" not in str(p)
]


def from_polib(
    po: polib.POFile,
) -> tuple[list[str], list[tuple[str, str]], list[PoEntry], list[str]]:
    def lines(text: str) -> tuple[str, ...]:
        return tuple(text.split("\n")) if text else ()

    entries = [
        PoEntry(
            msgid=e.msgid,
            msgstr=e.msgstr,
            msgctxt=e.msgctxt,
            msgid_plural=e.msgid_plural or None,
            msgstr_plural=tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)),
            flags=tuple(e.flags),
            translator_comments=lines(e.tcomment),
            extracted_comments=lines(e.comment),
            references=tuple(f"{f}:{n}" if n else f for f, n in e.occurrences),
            previous_msgctxt=e.previous_msgctxt,
            previous_msgid=e.previous_msgid,
            previous_msgid_plural=e.previous_msgid_plural,
            obsolete=bool(e.obsolete),
        )
        for e in po
    ]
    flags = ["fuzzy"] if po.metadata_is_fuzzy else []
    return list(lines(po.header)), list(po.metadata.items()), entries, flags


def test_real_catalogs_are_found() -> None:
    assert len(SAMPLE) >= 20, "install the test extra: django's .po files are the real catalogs"


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: "/".join(p.parts[-5:]))
def test_msgcat_leaves_a_real_catalog_as_we_render_it(path: Path) -> None:
    header_comments, header, found, flags = from_polib(polib.pofile(str(path)))
    assert found
    text = render(header_comments, header, found, header_flags=flags)
    assert msgcat(text) == text
    # A catalog as msgcat (Poedit, Weblate, msgmerge) left it: a run changes no byte.
    gnu = msgcat(path.read_text(encoding="utf-8"), "--width=79")
    header_comments, _, found, flags = from_polib(polib.pofile(gnu))
    assert render(header_comments, header_msgstr(gnu), found, header_flags=flags) == gnu


def header_msgstr(text: str) -> str:
    """The header's msgstr as written (polib's metadata loses a "Name:" with no space)."""
    block = text.split('\nmsgstr ""\n', 1)[1].split("\n\n", 1)[0]
    return "".join(polib.unescape(line[1:-1]) for line in block.split("\n"))


# --- lint against msgfmt ------------------------------------------------------------------

GNU_SYNTAX = re.compile(
    r"syntax error|within string|invalid control sequence|keyword .* unknown|missing 'msg"
    r"|plural form has wrong index|plural form has nonzero index|inconsistent use of #~"
    r"|duplicate message definition|end-of-file"
)
"""msgfmt's messages for the class of errors lint covers (not headers or format strings)."""


def msgfmt_syntax_errors(text: str) -> list[int]:
    """Lines of the syntax errors ``msgfmt -c --check-format`` reports, as lint counts them.

    GNU reports a string left open on the next line (it has read the
    newline); lint names the line where the quote is missing.
    """
    done = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", os.devnull, "-"],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    found = re.finditer(r"^<stdin>:(\d+):(?:\d+:)? (.*)$", done.stderr.decode(), re.M)
    return [
        int(m.group(1)) - ("end-of-line within string" in m.group(2))
        for m in found
        if GNU_SYNTAX.search(m.group(2))
    ]


INSERTS = ['"', "\\", "x", "#", "[", "#~ ", "#| ", " ", "\n", "msgstr ", 'msgid "a"\n', "\\q",
           "\u2028", "\x85", 'msgstr[1] "a"\n', "\\\n", "]", "0", "msgctxt "]  # fmt: skip


def corrupt(rng: random.Random, text: str) -> str:
    """One random edit of the kind a hand edit or a bad merge makes."""
    lines = text.split("\n")
    match rng.randrange(6):
        case 0:
            quotes = [m.start() for m in re.finditer('"', text)]
            k = rng.choice(quotes)
            return text[:k] + text[k + 1 :]
        case 1:
            k = rng.randrange(len(text))
            return text[:k] + rng.choice(INSERTS) + text[k:]
        case 2:
            del lines[rng.randrange(len(lines))]
        case 3:
            k = rng.randrange(len(lines))
            lines.insert(k, lines[k])
        case 4:
            k = rng.randrange(len(lines) - 1)
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        case _:
            k = rng.randrange(len(lines))
            lines[k] = "#~ " + lines[k]
    return "\n".join(lines)


def lint_bases() -> list[str]:
    """The first few dozen entries of real catalogs (whole ones make msgfmt slow here)."""
    bases = []
    for path in CATALOGS[:: max(1, len(CATALOGS) // 12)]:
        text = path.read_text(encoding="utf-8")
        cut = text.find("\n\n", 5000)
        bases.append(text if cut < 0 else text[:cut] + "\n")
    return bases


@pytest.mark.parametrize("seed", range(4))
def test_lint_rejects_a_corrupted_catalog_exactly_when_msgfmt_does(seed: int) -> None:
    rng = random.Random(seed)
    bases = lint_bases()
    assert bases, "needs real catalogs (the test extra installs Django)"
    for base in bases:
        assert lint(base) is None and not msgfmt_syntax_errors(base)
    rejected = 0
    for _ in range(EXAMPLES):
        text = corrupt(rng, rng.choice(bases))
        if rng.random() < 0.3:
            text = corrupt(rng, text)
        theirs, ours = msgfmt_syntax_errors(text), lint(text)
        assert (ours is None) == (not theirs), (ours, theirs, text)
        if ours is not None:
            rejected += 1
            assert ours[0] in theirs, (ours, theirs)
    assert rejected > EXAMPLES // 5  # the corruptions do break files


def test_line_and_paragraph_separators_inside_a_translation_are_text() -> None:
    text = render([], HEADER, [PoEntry("Two lines", "Первая\u2028вторая\x85третья\u2029")])
    assert len(text.splitlines()) > len(text.split("\n"))  # str.splitlines() would miscount
    assert lint(text) is None and not msgfmt_syntax_errors(text)
    assert msgcat(text) == text


def test_an_unclosed_translation_that_polib_reads_as_empty_is_reported_on_its_line() -> None:
    good = render([], HEADER, [PoEntry("Hello", "Hola"), PoEntry("Bye", "Adiós")])
    broken = good.replace('msgstr "Hola"', 'msgstr "Hola')
    line = broken.split("\n").index('msgstr "Hola') + 1
    assert polib.pofile(broken).find("Hello") is not None  # polib does not complain
    assert lint(broken) == (line, "end-of-line within string (a closing quote is missing)")
    assert msgfmt_syntax_errors(broken) == [line]


def test_an_escape_is_read_as_its_character_when_duplicates_are_told_apart() -> None:
    entries = [PoEntry(m, "x") for m in ("Line\nend", "Linenend", "Tab\tq", "Tabtq", 'Say "hi"')]
    text = render([], HEADER, entries)
    assert lint(text) is None and not msgfmt_syntax_errors(text)
    twice = text + '\nmsgid "Tab\\tq"\nmsgstr "y"\n'
    line = twice.split("\n").index('msgid "Tab\\tq"', text.count("\n")) + 1
    assert lint(twice) == (line, "duplicate message definition")
    assert msgfmt_syntax_errors(twice) == [line]


def test_a_byte_order_mark_is_stripped_and_then_gnu_reads_the_file() -> None:
    text = render([], HEADER, [PoEntry("Hello", "Hola")])
    assert msgfmt_syntax_errors("\ufeff" + text) == [1]  # gettext 0.21 rejects it...
    assert lint("\ufeff" + text) is None  # ...but it holds nothing: lint skips it
    assert strip_bom("\ufeff" + text) == (text, True)
    assert strip_bom(text) == (text, False)
    assert not msgfmt_syntax_errors(strip_bom("\ufeff" + text)[0])


@pytest.mark.slow
@pytest.mark.skipif(linebreak.native() is None, reason="needs libunistring 1.0")
@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(
    st.lists(st.one_of(ANY_CHAR, WORDS, st.just(" "), st.sampled_from("\\\"\n\t")), max_size=40).map("".join),
    st.sampled_from(["", "#~ ", "#| "]),
    st.sampled_from([79, 40, 12]),
    st.booleans(),
)
def test_wrapping_through_libunistring_equals_the_port(text: str, prefix: str, width: int, wrap: bool) -> None:
    """Catalogs are wrapped by the system's libunistring when it is the version the port
    reproduces: both must write the same lines."""
    text = text.replace("\x04", "")
    fast = poformat.wrap_lines(prefix, "msgstr", text, width, wrap)
    assert poformat.wrap_lines(prefix, "msgstr", text, width, wrap, native=False) == fast
