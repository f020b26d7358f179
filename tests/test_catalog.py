"""Catalog build, merge, load and save; golden files in polib's style (before -> after)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import helpers
import pytest
from helpers import AFTER_UNITS, BEFORE_UNITS, ES, reviewed_before, template

from intl_pub import __version__, catalog
from intl_pub.core.errors import CatalogError
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.core.model import Translation, Unit

DATA = Path(__file__).parent / "data" / "merge"


def golden(name: str, text: str) -> None:
    helpers.golden(DATA / name, text)


def test_template_is_in_document_order_with_repeats_merged() -> None:
    golden("template.pot", catalog.render(template(AFTER_UNITS)))
    pot = template(AFTER_UNITS)
    assert pot[0].msgid == "Hello world."
    assert pot[0].references == (("content/post.html", "3"), ("content/post.html", "11"))


def test_merge_keeps_reviews_suggests_changes_and_obsoletes_removals() -> None:
    after = catalog.merge(template(AFTER_UNITS), reviewed_before(), ES)
    golden("after.po", catalog.render(after))
    hello, clinic, vaccines, parking = after.entries()[:4]
    assert (hello.msgstr, hello.translator_comment, hello.fuzzy) == (
        "Hola mundo.",
        "checked with the comms team",
        False,
    )
    assert vaccines.msgstr.startswith("Las vacunas") and not vaccines.fuzzy
    # gettext's convention: fuzzy, #| msgid = the reviewed English, msgstr = the review
    assert clinic.fuzzy and clinic.previous_msgid == "The clinic opens on <1>Monday</1>."
    assert clinic.msgstr == "La clínica abre el <1>lunes</1>."
    assert not any(line.startswith("earlier reviewed") for line in clinic.comments)
    assert catalog.needs_translation(after) == [parking]
    assert catalog.stale(after) == [clinic]
    [gone] = after.obsolete()
    assert (gone.msgid, gone.msgstr) == (
        "This paragraph will be removed.",
        "Este párrafo se eliminará.",
    )


def test_machine_translation_is_fuzzy_and_names_the_engine() -> None:
    po = catalog.merge(template(BEFORE_UNITS), None, ES)
    catalog.set_machine_translation(po[0], "Hola mundo.", "argos translate-en_es 1.0")
    assert po[0].fuzzy and "mt: argos translate-en_es 1.0" in po[0].comment.splitlines()
    assert catalog.stats(po) == catalog.Stats(reviewed=0, machine=1, untranslated=3)


def test_save_is_atomic_and_a_rerun_leaves_the_bytes_alone(tmp_path: Path) -> None:
    path = tmp_path / "es" / "post.po"
    assert catalog.save(reviewed_before(), path)
    first = path.read_bytes()
    assert not catalog.save(catalog.merge(template(BEFORE_UNITS), catalog.load(path), ES), path)
    assert path.read_bytes() == first
    assert [p.name for p in path.parent.iterdir()] == ["post.po"]  # no temporary files left


def test_header_carries_language_and_plural_forms(tmp_path: Path) -> None:
    path = tmp_path / "ru.po"
    catalog.save(catalog.merge(template(BEFORE_UNITS), None, LOCALES["ru"]), path)
    po = catalog.load(path)
    assert po is not None
    assert po.header("Language") == "ru"
    assert po.header("Plural-Forms").startswith("nplurals=3;")
    assert po.header("Content-Type") == "text/plain; charset=UTF-8"


@pytest.mark.subprocess
@pytest.mark.skipif(
    shutil.which("msgfmt") is None and not os.environ.get("CI"),
    reason="GNU gettext not installed (CI installs it)",
)
def test_gnu_msgfmt_accepts_our_catalogs(tmp_path: Path) -> None:
    for tag, locale in LOCALES.items():
        po = catalog.merge(
            template(AFTER_UNITS), reviewed_before() if tag == "es" else None, locale
        )
        for entry in catalog.needs_translation(po):
            catalog.set_machine_translation(entry, entry.msgid, "pseudo pseudo 1")
        path = tmp_path / f"{locale.gettext}.po"
        catalog.save(po, path)
        catalog.save(template(AFTER_UNITS), tmp_path / "post.pot")
        for checked in (path, tmp_path / "post.pot"):
            result = subprocess.run(
                ["msgfmt", "-c", "--check-format", "-o", os.devnull, str(checked)],
                capture_output=True,
                text=True,
            )
            assert (result.returncode, result.stderr) == (0, ""), checked  # not even a warning


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b\n',
            ":5:",
        ),
        (
            b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "caf\xe9"\nmsgstr ""\n',
            ":4: not valid UTF-8",
        ),
        (
            b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "x"\n\n'
            b'msgid "a"\nmsgstr "y"\n',
            "duplicate message definition",
        ),
        (b'msgid "a"\nmsgstr "b"\n', ":1: the header entry"),
    ],
    ids=["syntax", "encoding", "duplicate", "no-header"],
)
def test_a_broken_catalog_is_a_clear_error_naming_file_and_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.po"
    path.write_bytes(content)
    with pytest.raises(CatalogError) as error:
        catalog.load(path)
    assert str(error.value).startswith(str(path) + ":")
    assert message in str(error.value)
    assert path.read_bytes() == content


def test_long_comments_stay_one_line_and_read_back_the_same(tmp_path: Path) -> None:
    po = reviewed_before()
    catalog.review(po[0], comment="Checked with Dr Okafor on 3 November: keep the informal register here, " * 3)
    catalog.set_machine_translation(po[1], "x " * 60, "argos translate-en_es 1.0")
    path = tmp_path / "es.po"
    catalog.save(po, path)
    again = catalog.load(path)
    assert again is not None
    assert again[0].translator_comment == po[0].translator_comment.rstrip()
    assert again[1].comment == po[1].comment
    assert not catalog.save(catalog.merge(template(BEFORE_UNITS), again, ES), path)


def test_headers_are_what_poedit_and_weblate_expect(tmp_path: Path) -> None:
    pot = template(AFTER_UNITS)
    again = template(list(AFTER_UNITS))
    assert pot.header("POT-Creation-Date") == again.header("POT-Creation-Date") != ""
    assert template(BEFORE_UNITS).header("POT-Creation-Date") != pot.header("POT-Creation-Date")
    dated = catalog.build_template(AFTER_UNITS, "content/post.html", "Blog post",
                                   datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
    assert dated.header("POT-Creation-Date") == "2024-03-01 09:30+0000"
    po = catalog.merge(dated, None, ES)
    assert po.header("POT-Creation-Date") == "2024-03-01 09:30+0000"
    assert po.header("X-Generator") == f"intl-pub {__version__}"
    # the translator's fields are there and empty until their tool fills them (as Poedit
    # leaves them): GNU's placeholders, or a missing field, make `msgfmt -c` warn
    path = tmp_path / "es.po"
    catalog.save(po, path)
    text = path.read_text("utf-8")
    assert '"Last-Translator: \\n"\n"Language-Team: \\n"\n' in text
    # a translator's own header is theirs: Poedit's X-Generator and their name stay
    text = text.replace(f"intl-pub {__version__}", "Poedit 3.4.2").replace(
        '"Last-Translator: \\n"', '"Last-Translator: Lucía Pérez <lucia@example.org>\\n"')
    path.write_text(text, "utf-8")
    kept = catalog.merge(template(AFTER_UNITS), catalog.load(path), ES)
    assert kept.header("X-Generator") == "Poedit 3.4.2"
    assert kept.header("Last-Translator") == "Lucía Pérez <lucia@example.org>"
    # GNU's placeholders, as earlier versions wrote them, are emptied by the next merge
    path.write_text(text.replace("Lucía Pérez <lucia@example.org>", "FULL NAME <EMAIL@ADDRESS>")
                    .replace('"Language-Team: \\n"', '"Language-Team: LANGUAGE <LL@li.org>\\n"'),
                    "utf-8")
    emptied = catalog.merge(template(AFTER_UNITS), catalog.load(path), ES)
    assert (emptied.header("Last-Translator"), emptied.header("Language-Team")) == ("", "")


def test_references_open_from_the_catalog_folder_and_placeholders_are_flagged() -> None:
    units = [Unit("Published on {date}", 3), Unit("Costs {} or {0} or 5 %", 0),
             Unit('Use {"a": 1} as data', 4)]
    pot = catalog.build_template(units, "content/post.html", "Blog post", basepath="../..")
    assert pot.header("X-Poedit-Basepath") == "../.."
    assert pot.header("Language") == "en"  # the msgids' language: msgfmt -c wants one
    text = catalog.render(pot)
    assert '#: content/post.html:3\n#, python-brace-format\nmsgid "Published on {date}"' in text
    assert '#: content/post.html\n#, no-c-format\nmsgid "Costs {} or {0} or 5 %"' in text
    assert "python-brace-format\nmsgid \"Use" not in text  # literal braces are prose
    po = catalog.merge(pot, None, ES)
    assert po.header("X-Poedit-Basepath") == "../.."  # the layout's: the same for every catalog
    assert "python-brace-format" in catalog.render(po)


def test_a_reviewed_entry_no_longer_says_a_machine_wrote_it() -> None:
    po = catalog.merge(template(BEFORE_UNITS), None, ES)
    catalog.set_machine_translation(po[1], "La clínica abre el <1>lunes</1>.", "argos x 1.0")
    catalog.review(po[1])
    assert po[1].reviewed and not any(c.startswith("mt: ") for c in po[1].comments)
    assert po[1].comments == ("p",)


def test_a_catalog_from_intl_pub_0_1_gets_its_review_back_in_msgstr() -> None:
    """0.1 kept the review in '#. earlier reviewed translation:' (lines 2+ as '#.' lines)."""
    legacy = catalog.parse(
        (
            'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            "#. p\n#. earlier reviewed translation: La clínica abre\n#. el <1>lunes</1>.\n"
            "#. mt: argos translate-en_es 1.0\n#, fuzzy\n"
            '#| msgid "The clinic opens on <1>Monday</1>."\n'
            'msgid "The clinic opens on <1>Tuesday</1>."\nmsgstr "MT del martes"\n'
        ).encode(),
        "legacy.po",
    )
    units = [Unit("The clinic opens on <1>Wednesday</1>.", 5, note="p")]
    [entry] = catalog.merge(template(units), legacy, ES)
    assert entry.msgstr == "La clínica abre\nel <1>lunes</1>."
    assert entry.previous_msgid == "The clinic opens on <1>Monday</1>."
    assert entry.fuzzy and entry.comments == ("p",)


def test_the_machine_memory_tells_an_engine_from_a_translator() -> None:
    memory = catalog.MachineMemory()
    before = catalog.merge(template(BEFORE_UNITS), None, ES)
    clinic, vaccines = before[1], before[2]
    catalog.set_machine_translation(clinic, "MT lunes", "pseudo 1")
    memory.put(clinic.key, "pseudo 1", "MT lunes")
    catalog.set_machine_translation(vaccines, "Las vacunas (borrador)", "pseudo 1")
    memory.put(vaccines.key, "pseudo 1", "MT vacunas")  # the translator edited the MT
    units = [Unit("The clinic opens on <1>Tuesday</1>.", 5, note="p"),
             Unit("Vaccines are free for all adults over 65.", 7, note="p")]
    after = catalog.merge(template(units), before, ES, memory)
    clinic2, vaccines2 = after[0], after[1]
    assert clinic2.msgstr == "" and clinic2.previous_msgid == clinic.msgid  # the engine's: redo
    assert vaccines2.msgstr == "Las vacunas (borrador)" and vaccines2.stale  # a person's: kept
    memory.put(vaccines2.key, "pseudo 1", "MT todas")
    published = catalog.translations(after, memory)
    assert published[vaccines2.key] == Translation("MT todas", reviewed=False)
    assert clinic2.key not in published
    assert catalog.translations(after).get(vaccines2.key) is None  # no memory: English
    memory.keep_only(after)
    again = catalog.MachineMemory.parse(memory.serialize())
    assert again.get(vaccines2.key) == ("MT todas", "")
    assert again.is_machine(vaccines.key, "MT vacunas")  # the #| msgid's English is kept
    assert again.get(("", "This paragraph will be removed.")) is None


FIRST = "Drink water often during the heat wave, even if you are not thirsty."
SECOND = "Check on neighbours who live alone; a short visit can save a life."


def _post(*paragraphs: str) -> catalog.Catalog:
    return template([Unit(p, i, note="p") for i, p in enumerate(paragraphs)])


def _joined() -> tuple[catalog.Catalog, catalog.MachineMemory]:
    """Two reviewed paragraphs, then the editor joins them: the merged catalog and memory."""
    po = catalog.merge(_post(FIRST, SECOND), None, ES)
    for entry, text in zip(po, ["Beba agua a menudo.", "Visite a los vecinos."], strict=True):
        catalog.review(entry, text)
    memory = catalog.MachineMemory()
    return catalog.merge(_post(f"{FIRST} {SECOND}"), po, ES, memory), memory


def test_two_reviewed_paragraphs_merged_then_split_back_are_reviewed_again() -> None:
    """The English editor joins two paragraphs, then splits them exactly as they were: both
    reviews are back, the first one included (it is not left fuzzy for machine translation)."""
    joined, memory = _joined()
    assert not any(e.reviewed for e in joined)  # the joined paragraph waits for review
    memory = catalog.MachineMemory.parse(memory.serialize())  # as the next run reads it
    split = catalog.merge(_post(FIRST, SECOND), joined, ES, memory)
    assert [(e.msgid, e.msgstr, e.reviewed) for e in split] == [
        (FIRST, "Beba agua a menudo.", True),
        (SECOND, "Visite a los vecinos.", True),
    ]


def test_work_in_progress_on_a_joined_paragraph_is_not_taken_for_the_review() -> None:
    joined, memory = _joined()
    draft = catalog.parse(
        catalog.render(joined).replace('msgstr "Beba agua a menudo."', 'msgstr "Beba agua; visite..."').encode(),
        "es.po",
    )
    split = catalog.merge(_post(FIRST, SECOND), draft, ES, memory)
    assert [e.reviewed for e in split] == [False, True]  # the draft stays a draft
    assert split[0].msgstr == "Beba agua; visite..."
