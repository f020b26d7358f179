"""The review workflow: merges against GNU gettext, carry-over, memory, glossary, QA."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from helpers import AFTER_UNITS, ES, reviewed_before, snapshot, template
from helpers import golden as golden_file

from intl_pub import catalog, pipeline
from intl_pub.core.config import load_settings
from intl_pub.core.model import Unit

DATA = Path(__file__).parent / "data"
MERGE = DATA / "merge"


def gettext_tool(name: str) -> str:
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} missing: .ci/run must install gettext")
        pytest.skip("GNU gettext not installed")
    return name


def states(po: object) -> dict[str, set[str]]:
    po = po.entries(obsolete=True) if isinstance(po, catalog.Catalog) else po
    live = [e for e in po if not e.obsolete]
    return {
        "reviewed": {e.msgid for e in live if e.msgstr and not e.fuzzy},
        "fuzzy-with-previous": {e.msgid for e in live if e.fuzzy and e.previous_msgid},
        "obsolete": {e.msgid for e in po if e.obsolete},
    }


@pytest.mark.subprocess
def test_merge_agrees_with_gnu_msgmerge_previous(tmp_path: Path) -> None:
    tool = gettext_tool("msgmerge")
    before, pot = tmp_path / "before.po", tmp_path / "new.pot"
    catalog.save(reviewed_before(), before)
    catalog.save(template(AFTER_UNITS), pot)
    gnu = tmp_path / "gnu.po"
    subprocess.run([tool, "--quiet", "--previous", "-o", str(gnu), str(before), str(pot)], check=True)
    ours = catalog.merge(template(AFTER_UNITS), catalog.load(before), ES)
    assert states(ours) == states(polib.pofile(str(gnu)))
    assert states(ours)["fuzzy-with-previous"] == {"The clinic opens on <1>Tuesday</1>."}


@pytest.mark.subprocess
def test_gnu_msgcat_and_msgmerge_round_trips_keep_every_review(tmp_path: Path) -> None:
    tool = gettext_tool("msgcat")
    ours = catalog.merge(template(AFTER_UNITS), reviewed_before(), ES)
    for entry in catalog.needs_translation(ours):
        catalog.set_machine_translation(entry, "MT " + entry.msgid, "pseudo pseudo-en_es 1")
    path, back = tmp_path / "ours.po", tmp_path / "msgcat.po"
    catalog.save(ours, path)
    subprocess.run([tool, "-o", str(back), str(path)], check=True)

    def meaning(po: polib.POFile) -> list[tuple[object, ...]]:
        return [(e.msgctxt, e.msgid, e.msgstr, sorted(e.flags), e.previous_msgid, e.obsolete,
                 e.comment, e.tcomment, e.occurrences) for e in po]

    assert meaning(polib.pofile(str(back))) == meaning(polib.pofile(str(path)))
    # msgmerge with its own template keeps every translation, state and translator comment;
    # it regenerates extracted comments (#.) from the template, as GNU gettext always does,
    # so intl-pub's provenance lines (mt:, tm:, earlier translation) are the only loss.
    pot, merged = tmp_path / "post.pot", tmp_path / "msgmerge.po"
    catalog.save(template(AFTER_UNITS), pot)
    subprocess.run([gettext_tool("msgmerge"), "--quiet", "--previous", "-o", str(merged), str(path),
                    str(pot)], check=True)

    def review(po: polib.POFile) -> list[tuple[object, ...]]:
        return [(e.msgctxt, e.msgid, e.msgstr, sorted(e.flags), e.previous_msgid, e.obsolete,
                 e.tcomment, e.occurrences) for e in po]

    assert review(polib.pofile(str(merged))) == review(polib.pofile(str(path)))
    assert catalog.stats(catalog.load(merged)) == catalog.stats(catalog.load(path))


@pytest.mark.parametrize(
    ("new", "msgstr", "note"),
    [
        ("Vaccines are free for adults over 60.", "Las vacunas son gratuitas para adultos mayores de 60 años.",
         "updated automatically: 65 → 60"),
        ("Vaccines are free for adults over 65!", "Las vacunas son gratuitas para adultos mayores de 65 años.",
         "updated automatically: only whitespace or punctuation changed"),
    ],
    ids=["number", "punctuation"],
)
def test_only_numbers_or_punctuation_changed_keeps_the_review(new: str, msgstr: str, note: str) -> None:
    units = [u if "Vaccines" not in u.msgid else Unit(new, u.line, note="p") for u in AFTER_UNITS]
    after = catalog.merge(template(units), reviewed_before(), ES)
    [entry] = [e for e in after if e.msgid == new]
    assert (entry.msgstr, entry.fuzzy) == (msgstr, False)
    assert note in entry.comment.splitlines()
    golden_file(MERGE / f"carry_over_{'number' if '60' in new else 'punctuation'}.po", catalog.render(after))


def test_a_changed_number_missing_from_the_translation_becomes_a_suggestion() -> None:
    before = reviewed_before()
    catalog.review(before[2], "Las vacunas son gratuitas para mayores de sesenta y cinco años.")
    units = [u if "Vaccines" not in u.msgid else Unit("Vaccines are free for adults over 60.", u.line)
             for u in AFTER_UNITS]
    [entry] = [e for e in catalog.merge(template(units), before, ES) if "over 60" in e.msgid]
    assert entry.fuzzy and entry.previous_msgid == "Vaccines are free for adults over 65."


def test_a_translators_edits_survive_a_changed_paragraph(blog: Path) -> None:
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    for folder in ("es", "zh_Hans", "ru"):
        path = blog / "translations" / folder / "heat-wave-advice.po"
        text = path.read_text("utf-8")
        # Review every entry: drop fuzzy, write a translation of one's own, comment one.
        text = text.replace("#, fuzzy\n", "")
        text = re.sub(r'msgstr "\[', 'msgstr "[reviewed ', text)
        text = text.replace("#. h2\n", "# checked by the medical team\n#. h2\n", 1)
        path.write_text(text, "utf-8")
    reviewed = {f: (blog / "translations" / f / "heat-wave-advice.po").read_text("utf-8")
                for f in ("es", "zh_Hans", "ru")}
    post = blog / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    post.write_text(post.read_text("utf-8").replace("especially for babies", "above all for babies"), "utf-8")
    report = pipeline.run(settings)
    assert report.ok and report.engine_calls == 3  # one batch of one unit per locale
    for folder, before in reviewed.items():
        po = catalog.load(blog / "translations" / folder / "heat-wave-advice.po")
        assert po is not None
        old = polib.pofile(before)
        kept = {e.msgid: (e.msgstr, e.tcomment) for e in old if "especially" not in e.msgid}
        assert {e.msgid: (e.msgstr, e.translator_comment) for e in po if e.msgid in kept} == kept
        [changed] = [e for e in po if e.fuzzy]
        assert "above all for babies" in changed.msgid and "especially for babies" in changed.previous_msgid
        [was] = [e for e in old if "especially" in e.msgid]
        assert changed.msgstr == was.msgstr  # the review stays in msgstr, as msgmerge keeps it
        assert changed.previous_msgid == was.msgid
        assert po.find("Signs of heat exhaustion").translator_comment == "checked by the medical team"


def test_a_reviewed_translation_in_one_post_is_reused_in_another(blog: Path) -> None:
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    path = blog / "translations" / "es" / "heat-wave-advice.po"
    text = path.read_text("utf-8")
    entry = re.search(r'#, fuzzy\nmsgid "Heavy sweating and pale, clammy skin"\nmsgstr "[^"]*"\n', text)
    assert entry is not None
    path.write_text(text.replace(entry.group(0), 'msgid "Heavy sweating and pale, clammy skin"\n'
                                 'msgstr "Sudor abundante y piel pálida y húmeda"\n'), "utf-8")
    post = blog / "examples" / "blog" / "posts" / "flu-vaccination-2026.html"
    post.write_text(post.read_text("utf-8").replace("<li>Health and care workers</li>",
                                                    "<li>Heavy sweating and pale, clammy skin</li>"), "utf-8")
    report = pipeline.run(settings)
    assert report.engine_calls == 2  # es reused the review; zh-Hans and ru asked the engine
    po = catalog.load(blog / "translations" / "es" / "flu-vaccination-2026.po")
    assert po is not None
    reused = po.find("Heavy sweating and pale, clammy skin")
    assert reused.msgstr == "Sudor abundante y piel pálida y húmeda" and not reused.fuzzy
    assert "tm: reviewed in heat-wave-advice" in reused.comment.splitlines()


def test_do_not_translate_terms_come_back_exactly(blog: Path) -> None:
    (blog / "translations").mkdir()
    shutil.copy(DATA / "check" / "glossary.toml", blog / "translations" / "glossary.toml")
    assert pipeline.run(replace(load_settings(blog), engine="pseudo")).ok
    po = catalog.load(blog / "translations" / "ru" / "patient-portal-results.po")
    assert po is not None
    entry = po.find("Laboratory results now appear in MyNorthbridge within 48 hours.")
    assert "MyNorthbridge" in entry.msgstr and entry.msgstr.startswith("[Ļàƀöŕàţöŕý")


@pytest.mark.slow
@pytest.mark.subprocess
def test_check_catches_each_defect_and_passes_clean_entries(tmp_path: Path) -> None:
    folder = tmp_path / "translations" / "ru"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "check" / "defects.po", folder / "post.po")
    shutil.copy(DATA / "check" / "glossary.toml", tmp_path / "translations" / "glossary.toml")
    before = snapshot(tmp_path)
    result = subprocess.run([sys.executable, "-m", "intl_pub.cli", "check", "--workdir", str(tmp_path), "--locales", "ru"],
                            capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ), timeout=120)
    assert result.returncode == 1
    found = {(int(m.group(1)), m.group(2), m.group(3))
             for m in re.finditer(r"post\.po:(\d+): (error|warning): \[([\w:-]+)\]", result.stdout)}
    assert found == {
        (14, "error", "tokens"),
        (17, "error", "numbers"),
        (20, "error", "urls"),
        (23, "error", "repetition"),
        (26, "warning", "untranslated"),
        (26, "warning", "script"),
        (29, "warning", "length"),
        (29, "warning", "verify:negation"),  # the short translation also lost the "not"
        (32, "error", "do-not-translate"),
        (35, "warning", "glossary"),
        (38, "warning", "script"),
    }, result.stdout
    assert "5 error(s), 6 warning(s)" in result.stderr
    assert snapshot(tmp_path) == before  # check never writes


@pytest.mark.subprocess
def test_msgcat_leaves_every_catalog_the_pipeline_writes_byte_for_byte(blog: Path, tmp_path: Path) -> None:
    tool = gettext_tool("msgcat")
    settings = replace(load_settings(blog), engine="pseudo")
    assert pipeline.run(settings).ok
    post = blog / "examples" / "blog" / "posts" / "heat-wave-advice.html"
    post.write_text(post.read_text("utf-8").replace("especially for babies", "above all for babies"), "utf-8")
    assert pipeline.run(settings).ok  # fuzzy entries with #| msgid, obsolete ones too
    written = sorted((blog / "translations").rglob("*.po*"))
    assert len(written) >= 16
    for path in written:
        out = tmp_path / path.name
        subprocess.run([tool, "-o", str(out), str(path)], check=True)
        assert out.read_bytes() == path.read_bytes(), path
