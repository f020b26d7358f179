"""The sentence memory: the file itself, and the engines with it (tiny Argos test models)."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from intl_pub.core.errors import EngineError
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.mt import MTStats, SentenceTranslation, argos, get_engine
from intl_pub.mt.argos import ArgosEngine
from intl_pub.mt.memory import MemoryKey, SentenceMemory

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "Hello world.",
    "The hospital opened a new clinic. Good morning!",
    "Read the <1>blog post</1> today<2/>.",
    "",
    "The cat is small. The dog is big. Thank you.",
    "Good morning! Hello world.",
]
PARAGRAPH = (
    "The hospital opened a new clinic. The cat is small. The dog is big. "
    "We write a new blog post today. Thank you."
)
DISCLAIMER = "Thank you."


def key(source: str, model: str = "argos translate-en_es 1.0") -> MemoryKey:
    return MemoryKey("argos", model, "es", source)


def value(*tokens: str) -> SentenceTranslation:
    return SentenceTranslation(tokens, -0.5 * len(tokens), len(tokens) + 1)


def test_memory_keeps_entries_across_processes_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "store" / "mt-memory.sqlite"
    with SentenceMemory(path) as memory:
        memory.put_many([(key("Hello."), value("▁Hola", ".")), (key("Bye."), value("▁Adiós"))])
        assert memory.writes == 2
    with SentenceMemory(path) as memory:
        found = memory.get_many([key("Hello."), key("Bye."), key("Unknown.")])
        assert found == {key("Hello."): value("▁Hola", "."), key("Bye."): value("▁Adiós")}
        assert (memory.hits, memory.misses, len(memory)) == (2, 1, 2)
        # same sentence, another model version or another language: not the same entry
        assert memory.get_many([key("Hello.", "argos translate-en_es 1.1")]) == {}
        assert (
            memory.get_many([MemoryKey("argos", "argos translate-en_es 1.0", "ru", "Hello.")]) == {}
        )
    assert sorted(p.name for p in path.parent.iterdir()) == ["mt-memory.sqlite"]


@pytest.mark.subprocess
def test_a_process_killed_while_writing_leaves_the_memory_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "mt-memory.sqlite"
    with SentenceMemory(path) as memory:
        memory.put_many([(key("Kept."), value("▁Guardado", "."))])
    child = f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT / "src")!r})
from pathlib import Path
from intl_pub.mt import SentenceTranslation
from intl_pub.mt.memory import MemoryKey, SentenceMemory

def items():
    for n in range(1000):
        if n == 500:
            os.kill(os.getpid(), signal.SIGKILL)
        yield MemoryKey("argos", "argos translate-en_es 1.0", "es", f"S{{n}}."), SentenceTranslation(("x",), -1.0, 2)

SentenceMemory(Path({str(path)!r})).put_many(items())
"""
    result = subprocess.run([sys.executable, "-c", child], check=False)
    assert result.returncode == -9
    with SentenceMemory(path) as memory:
        assert len(memory) == 1
        assert memory.get_many([key("Kept."), key("S1.")]) == {
            key("Kept."): value("▁Guardado", ".")
        }
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_file_that_is_not_a_memory_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "mt-memory.sqlite"
    path.write_text("not a database " * 100)
    with pytest.raises(EngineError, match=r"mt-memory\.sqlite: cannot open .*delete the file"):
        SentenceMemory(path)


@pytest.mark.parametrize("tag", ["es", "zh-Hans", "ru"])
def test_cold_and_warm_memory_give_what_argostranslate_gives(
    argos_models: Path, tmp_path: Path, tag: str
) -> None:
    import argostranslate.translate

    locale = LOCALES[tag]
    engine = get_engine("argos")
    theirs = [argostranslate.translate.translate(t, "en", argos.argos_code(locale)) for t in TEXTS]
    plain = engine.translate_scored(TEXTS, locale)
    cold_stats, warm_stats = MTStats(), MTStats()
    with SentenceMemory(tmp_path / "m.sqlite") as memory:
        cold = engine.translate_scored(TEXTS, locale, memory=memory, stats=cold_stats)
    with SentenceMemory(tmp_path / "m.sqlite") as memory:
        warm = engine.translate_scored(TEXTS, locale, memory=memory, stats=warm_stats)
    assert [r.text for r in cold] == [r.text for r in warm] == [r.text for r in plain] == theirs
    assert engine.translate(TEXTS, locale) == theirs
    # memory entries keep their confidence
    assert [r.confidence for r in warm] == [r.confidence for r in cold]
    # "Hello world." and "Good morning!" occur twice: sent once each
    assert (cold_stats.units, cold_stats.sentences, cold_stats.distinct) == (6, 9, 7)
    assert (cold_stats.sent, cold_stats.from_memory) == (7, 0)
    assert (warm_stats.sent, warm_stats.from_memory) == (0, 7)


def test_a_one_word_edit_sends_one_sentence(argos_models: Path) -> None:
    engine, es = get_engine("argos"), LOCALES["es"]
    edited = PARAGRAPH.replace("The dog is big.", "The dog is small.")
    memory, stats = SentenceMemory(None), MTStats()
    engine.translate_scored([PARAGRAPH], es, memory=memory)
    [warm] = engine.translate_scored([edited], es, memory=memory, stats=stats)
    assert (stats.sentences, stats.sent) == (5, 1)
    [cold] = engine.translate_scored([edited], es)
    assert warm == cold and "El perro es pequeño." in warm.text


def test_a_shared_disclaimer_goes_to_the_engine_once(argos_models: Path) -> None:
    engine, ru = get_engine("argos"), LOCALES["ru"]
    posts = [
        f"{body} {DISCLAIMER}" for body in ("Hello world.", "Good morning!", "The cat is small.")
    ]
    memory, first, later = SentenceMemory(None), MTStats(), MTStats()
    out = engine.translate_scored(posts, ru, memory=memory, stats=first)
    assert all(r.text.endswith("Спасибо ты.") for r in out)
    assert (first.sentences, first.sent) == (6, 4)  # three bodies, one disclaimer
    engine.translate_scored([f"The dog is big. {DISCLAIMER}"], ru, memory=memory, stats=later)
    assert (later.sentences, later.sent, later.from_memory) == (2, 1, 1)


def test_a_new_model_version_misses_the_memory(argos_models: Path) -> None:
    es = LOCALES["es"]
    memory, before, after = SentenceMemory(None), MTStats(), MTStats()
    old = ArgosEngine()
    old.translate_scored(TEXTS, es, memory=memory, stats=before)
    metadata = Path(old._model(es).package.package_path) / "metadata.json"
    original = metadata.read_text("utf-8")
    try:
        metadata.write_text(json.dumps({**json.loads(original), "package_version": "0.0.2"}))
        upgraded = ArgosEngine()
        assert upgraded.label(es) == "argos translate-en_es 0.0.2" != old.label(es)
        upgraded.translate_scored(TEXTS, es, memory=memory, stats=after)
    finally:
        metadata.write_text(original, "utf-8")
    assert after.sent == after.distinct == before.sent > 0 and after.from_memory == 0


def test_confidence_is_the_mean_token_probability_ctranslate2_gives(argos_models: Path) -> None:
    """Checked against CTranslate2's score_batch, which scores a given translation token by
    token (a separate code path from beam search)."""
    import ctranslate2

    engine, zh = get_engine("argos"), LOCALES["zh-Hans"]
    text = "The hospital opened a new clinic. Good morning!"
    [result] = engine.translate_scored([text], zh)
    pkg = engine._model(zh).package
    translator = ctranslate2.Translator(str(Path(pkg.package_path) / "model"), device="cpu")
    sources = [pkg.tokenizer.encode(s) for s in engine.split([text], zh)[0]]
    targets = [
        r.hypotheses[0]
        for r in translator.translate_batch(sources, beam_size=4, length_penalty=0.2)
    ]
    scored = translator.score_batch(sources, targets)
    log_probs = [lp for s in scored for lp in s.log_probs]
    assert result.confidence is not None and 0 < result.confidence <= 1
    assert math.log(result.confidence) == pytest.approx(sum(log_probs) / len(log_probs), rel=1e-3)
    assert engine.translate_scored([""], zh)[0].confidence is None


def test_scores_do_not_change_the_translations(argos_models: Path) -> None:
    import ctranslate2

    engine = get_engine("argos")
    for locale in LOCALES.values():
        pkg = engine._model(locale).package
        translator = ctranslate2.Translator(str(Path(pkg.package_path) / "model"), device="cpu")
        sources = [pkg.tokenizer.encode(s) for group in engine.split(TEXTS, locale) for s in group]
        settings = {"beam_size": 4, "length_penalty": 0.2, "replace_unknowns": True}
        with_scores = translator.translate_batch(sources, return_scores=True, **settings)
        without = translator.translate_batch(sources, **settings)
        assert [r.hypotheses for r in with_scores] == [r.hypotheses for r in without]


def test_pseudo_reports_no_confidence_and_uses_the_memory(tmp_path: Path) -> None:
    engine, es = get_engine("pseudo"), LOCALES["es"]
    stats = MTStats()
    with SentenceMemory(tmp_path / "m.sqlite") as memory:
        engine.translate_scored(TEXTS, es, memory=memory)
        results = engine.translate_scored(TEXTS, es, memory=memory, stats=stats)
    assert [r.text for r in results] == engine.translate(TEXTS, es)
    assert {r.confidence for r in results} == {None} and stats.sent == 0


def test_progress_counts_every_text_once_with_a_half_warm_memory(argos_models: Path) -> None:
    engine, es = get_engine("argos"), LOCALES["es"]
    memory = SentenceMemory(None)
    engine.translate_scored(TEXTS[:3], es, memory=memory)
    steps: list[int] = []
    engine.translate_scored(TEXTS, es, steps.append, memory=memory)
    assert sum(steps) == len(TEXTS) and all(step > 0 for step in steps)


def test_device_settings_come_from_arguments_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from intl_pub.mt import MTSettings

    monkeypatch.setenv("INTL_PUB_DEVICE", "cpu")
    monkeypatch.setenv("INTL_PUB_INTRA_THREADS", "3")
    monkeypatch.delenv("INTL_PUB_INTER_THREADS", raising=False)
    monkeypatch.delenv("INTL_PUB_COMPUTE_TYPE", raising=False)
    monkeypatch.delenv("ARGOS_COMPUTE_TYPE", raising=False)
    assert MTSettings().resolved() == MTSettings("cpu", "auto", 1, 3)
    assert MTSettings("auto", "int8", 2, 1).resolved() == MTSettings("auto", "int8", 2, 1)
    monkeypatch.setenv("INTL_PUB_DEVICE", "tpu")
    with pytest.raises(EngineError, match="unknown MT device 'tpu'"):
        MTSettings().resolved()
    monkeypatch.setenv("INTL_PUB_DEVICE", "cpu")
    monkeypatch.setenv("INTL_PUB_INTER_THREADS", "many")
    with pytest.raises(EngineError, match="INTL_PUB_INTER_THREADS must be a whole number"):
        MTSettings().resolved()
