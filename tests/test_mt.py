"""The engines, on a tiny but genuine Argos package built by the tests (tests/argosmodel.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from intl_pub.errors import EngineError
from intl_pub.locales import TARGETS as LOCALES
from intl_pub.mt import argos, get_engine
from intl_pub.mt.pseudo import pseudo

TEXTS = [
    "Hello world.",
    "The hospital opened a new clinic. Good morning!",
    "Read the <1>blog post</1> today<2/>.",
    "",
]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (
            "es",
            [
                "Hola mundo.",
                "El hospital abrió una nueva clínica. Buenos día!",
                "Read el <1>blog artículo</1> hoy<2/>.",
                "",
            ],
        ),
        (
            "zh-Hans",
            [
                "你好 世界.",
                "这 医院 开设了 一家 新 诊所. 好 早上!",
                "Read 这 <1>blog 文章</1> 今天<2/>.",
                "",
            ],
        ),
        (
            "ru",
            [
                "Привет мир.",
                "Эта больница открыла одну новую клинику. Доброе утро!",
                "Read эта <1>blog пост</1> сегодня<2/>.",
                "",
            ],
        ),
    ],
)
def test_argos_engine_translates_a_batch(argos_models: Path, tag: str, expected: list[str]) -> None:
    engine = get_engine("argos")
    assert engine.translate(TEXTS, LOCALES[tag]) == expected
    assert engine.label(LOCALES[tag]) == f"argos translate-en_{argos.argos_code(LOCALES[tag])} 0.0.1"


def test_argos_engine_gives_what_argostranslate_gives(argos_models: Path) -> None:
    import argostranslate.translate

    engine = get_engine("argos")
    for locale in LOCALES.values():
        ours = engine.translate(TEXTS, locale)
        theirs = [argostranslate.translate.translate(t, "en", argos.argos_code(locale)) for t in TEXTS]
        assert ours == theirs


def test_the_model_is_loaded_once_per_locale(argos_models: Path) -> None:
    engine = get_engine("argos")
    engine.translate(["Hello world."], LOCALES["es"])
    first = engine._models["es"].translator
    engine.translate(["Good morning!"], LOCALES["es"])
    assert get_engine("argos") is engine and engine._models["es"].translator is first


def test_installing_something_that_is_not_a_package_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "model.argosmodel"
    bogus.write_text("not a zip")
    with pytest.raises(EngineError, match="not a zip archive"):
        argos.install_files([bogus])
    empty = tmp_path / "empty.argosmodel"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("x/readme.txt", "hi")
    with pytest.raises(EngineError, match=r"no metadata\.json"):
        argos.install_files([empty])
    with pytest.raises(EngineError, match="no such file"):
        argos.install_files([tmp_path / "missing"])


def test_pseudo_keeps_tokens_and_urls_and_expands() -> None:
    out = pseudo("Read <1>more</1> at https://who.int now")
    assert out.startswith("[Ŕéàđ <1>ɱöŕé</1> àţ https://who.int ñöŵ ")
    assert out.endswith("~]") and len(out) > len("Read more at https://who.int now") * 1.2


def test_unknown_engine() -> None:
    with pytest.raises(EngineError, match=r"choose one of argos, pseudo"):
        get_engine("deepl")


def test_device_settings_reach_ctranslate2(argos_models: Path) -> None:
    import ctranslate2

    from intl_pub.mt import MTSettings
    from intl_pub.mt.argos import ArgosEngine

    es, gpu = LOCALES["es"], ctranslate2.get_cuda_device_count() > 0
    auto = ArgosEngine(MTSettings(device="auto", compute_type="auto", intra_threads=1))
    assert auto.translate(["Hello world."], es) == ["Hola mundo."]
    assert auto._models["es"].translator.device == ("cuda" if gpu else "cpu")
    assert get_engine("argos", MTSettings(intra_threads=1)) is get_engine(
        "argos", MTSettings(intra_threads=1)
    )
    assert get_engine("argos", MTSettings(intra_threads=1)) is not get_engine("argos")
    if not gpu:
        with pytest.raises(EngineError, match="CTranslate2 sees no CUDA device"):
            ArgosEngine(MTSettings(device="cuda")).check([es])
    with pytest.raises(EngineError, match="check the MT device and compute type"):
        ArgosEngine(MTSettings(device="cpu", compute_type="no-such-type")).check([es])
