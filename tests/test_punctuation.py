"""Each language's sentence punctuation, judged by Unicode's properties and translators' catalogs."""

from __future__ import annotations

import collections
import itertools
import unicodedata
from pathlib import Path

import django  # test extra: its catalogs are translators' real work in 90+ languages
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from intl_pub import catalog
from intl_pub.qa import punctuation
from intl_pub.qa.punctuation import COLON, QUESTION, SENTENCE_ENDS, STOP

DJANGO = Path(django.__file__).resolve().parent
TABLE = sorted(punctuation.LANGUAGES)


@pytest.mark.parametrize("language", TABLE)
def test_every_mark_is_unicode_punctuation_and_every_sentence_end_terminal(language: str) -> None:
    """Unicode's categories and Terminal_Punctuation property judge the table (a wrong code
    point, a letter typed for a mark, a comma listed as a full stop)."""
    marks = punctuation.marks(language)
    for role, accepted in marks.roles.items():
        for mark in filter(None, accepted):
            assert all(unicodedata.category(c).startswith("P") for c in mark), (role, mark)
            if role in SENTENCE_ENDS:
                assert regex.fullmatch(r"\p{Terminal_Punctuation}+", mark), (role, mark)


def django_endings() -> dict[tuple[str, str], collections.Counter[str]]:
    """For each (language, role of the msgid's last mark): the marks translators ended with."""
    usage: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for path in DJANGO.glob("**/locale/*/LC_MESSAGES/django.po"):
        language = path.parts[-3].split("_")[0]
        entries = catalog.load(path)
        assert entries is not None
        for entry in entries:
            if not entry.reviewed or entry.plural:
                continue
            end = punctuation.ENGLISH.ending(entry.msgid.strip())
            got = punctuation.marks(language).ending(entry.msgstr.strip())
            if len(end) == 1 and got:
                usage[language, str(punctuation.ENGLISH.role(end[0]))]["".join(got)] += 1
    return usage


@pytest.fixture(scope="module")
def endings() -> dict[tuple[str, str], collections.Counter[str]]:
    return django_endings()


@pytest.mark.slow
def test_translators_usual_marks_are_accepted_in_every_language_django_ships(
    endings: dict[tuple[str, str], collections.Counter[str]],
) -> None:
    """Where Django's translators mostly end a sentence, question or label with one mark,
    the check accepts it: 。 in Chinese, ; for a Greek question, । in Nepali, ։ in Armenian."""
    checked = wrong = 0
    for (language, role), counts in sorted(endings.items()):
        if counts.total() < 5:
            continue
        usual, _ = counts.most_common(1)[0]
        checked += 1
        if not punctuation.marks(language).matches([role], [usual]):
            wrong += 1
            print(language, role, counts.most_common(3))
    assert checked >= 150 and wrong == 0


def test_the_table_is_what_makes_those_catalogs_pass(
    endings: dict[tuple[str, str], collections.Counter[str]],
) -> None:
    """With Latin marks only, Chinese, Japanese, Arabic, Greek, Hindi-script and Armenian
    translators would be told they are wrong: the judge above can fail."""
    latin_wrong = {
        (language, role)
        for (language, role), counts in endings.items()
        if counts.total() >= 5 and not punctuation.ENGLISH.matches([role], [counts.most_common(1)[0][0]])
    }
    assert {("zh", STOP), ("ja", STOP), ("ar", QUESTION), ("el", QUESTION), ("ne", STOP),
            ("hy", STOP), ("hy", COLON), ("ur", STOP)} <= latin_wrong


@pytest.mark.parametrize(
    ("source", "translation", "language", "wanted"),
    [
        ("Are you sure?", "Είστε σίγουροι;", "el", None),
        ("Are you sure?", "Είστε σίγουροι?", "el", ("?", ";")),
        ("Are you sure?", "هل أنت متأكد؟", "ar", None),
        ("Saved.", "सहेजा गया।", "hi", None),
        ("Saved.", "Պահպանված է։", "hy", None),
        ("Wait…", "请稍候……", "zh", None),
        ("Wait...", "Espere…", "es", None),
        ("Name:", "名前：", "ja", None),
        ("Name:", "名称:", "zh", (":", "：")),
        ("Saved.", "บันทึกแล้ว", "th", None),
        ("Saved.", "Сохранено", "ru", ("", ".")),
    ],
)
def test_end_mismatch(source: str, translation: str, language: str, wanted: tuple[str, str] | None) -> None:
    assert punctuation.end_mismatch(source, translation, language) == wanted


@pytest.mark.parametrize(
    ("source", "translation", "wanted"),
    [
        ("Ready? Go.", "¿Listo? Vamos.", None),
        ("Ready? Go.", "Listo? Vamos.", ("", "¿")),
        ("Go. Ready?", "Vamos. ¿Listo?", None),
        ("Go. Ready?", "¿Vamos. Listo?", ("¿", "")),
        ("Stop!", "¡Pare!", None),
        ("…and rest?", "¿…y descansar?", None),
    ],
)
def test_spanish_opens_a_question_or_exclamation(source: str, translation: str, wanted: tuple[str, str] | None) -> None:
    assert punctuation.start_mismatch(source, translation, "es") == wanted


COUNTED = [lang for lang in [*TABLE, "en", "ru", "es"] if punctuation.marks(lang).counts_sentences]


@pytest.mark.parametrize("language", COUNTED)
@settings(max_examples=30)
@given(
    st.lists(
        # A sentence opens with a letter that is not lowercase (ª is Lo, yet lowercase).
        st.text(
            st.characters(categories=["Lu", "Lo"]).filter(lambda c: not c.islower()),
            min_size=1,
            max_size=4,
        ).flatmap(
            lambda head: st.text(st.characters(categories=["Ll", "Lo", "Nd"]), max_size=8).map(
                lambda tail: head + tail
            )
        ),
        min_size=1,
        max_size=5,
    ),
    st.data(),
)
def test_sentences_are_counted_whatever_the_words(language: str, words: list[str], data: st.DataObject) -> None:
    """Sentences of any letters, each ended by one of the language's own sentence marks."""
    marks = punctuation.marks(language)
    ends = [m for r in SENTENCE_ENDS for m in marks.roles[r] if len(m) == 1]
    text = ""
    for word in words:
        mark = data.draw(st.sampled_from(ends))
        space = "" if unicodedata.east_asian_width(mark) in "FWH" else " "
        text += word + mark + space
    assert len(marks.sentences(text)) == len(words)


ENDINGS = st.lists(st.sampled_from(punctuation.ROLES), min_size=1, max_size=3).filter(
    lambda roles: all(a != b for a, b in itertools.pairwise(roles))  # "..." is …
)


@given(st.sampled_from(TABLE), ENDINGS)
def test_the_marks_a_language_suggests_are_the_marks_it_accepts(language: str, roles: list[str]) -> None:
    """What the warning tells a translator to write must then pass."""
    marks = punctuation.marks(language)
    english = punctuation.ENGLISH.write(roles)
    assert punctuation.end_mismatch(f"Word{english}", f"Palabra{marks.write(roles)}", language) is None
