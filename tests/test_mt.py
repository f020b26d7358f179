"""The engines, on a tiny but genuine Argos package built by the tests (tests/argosmodel.py)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from intl_pub.core.errors import EngineError
from intl_pub.core.locales import TARGETS as LOCALES
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


# --- installing models ---------------------------------------------------------------


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos packages folder of this test's own (the session's models stay as they are)."""
    from argostranslate import settings

    folder = tmp_path / "argos" / "packages"
    folder.mkdir(parents=True)
    monkeypatch.setattr(settings, "package_data_dir", folder)
    monkeypatch.setattr(settings, "package_dirs", [folder])
    return folder


def _with_version(source: Path, target: Path, version: str) -> Path:
    """A copy of a genuine test package whose metadata says another version."""
    import json

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": version}).encode()
            new.writestr(info, data)
    return target


def test_a_package_installed_at_the_same_version_is_not_installed_again(
    model_files: Path, packages_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spanish = model_files / "translate-en_es-fake.argosmodel"
    assert argos.install_files([spanish]) == [f"en→es 0.0.1 from {spanish}"]
    installed = packages_dir / "translate-en_es-fake" / "model" / "model.bin"
    before = installed.stat()
    caplog.set_level("INFO", logger="intl_pub.mt.argos")
    assert argos.install_files([model_files]) == [
        f"en→ru 0.0.1 from {model_files / 'translate-en_ru-fake.argosmodel'}",
        f"en→zh 0.0.1 from {model_files / 'translate-en_zh-fake.argosmodel'}",
    ]
    assert "en→es 0.0.1 is already installed; skipped" in caplog.text
    assert installed.stat().st_ino == before.st_ino and installed.stat().st_mtime_ns == before.st_mtime_ns
    assert argos.install_files([model_files]) == []
    assert [pair for pair, _, _ in argos.installed()] == ["en→es", "en→ru", "en→zh"]


def test_another_version_replaces_the_installed_one(
    model_files: Path, packages_dir: Path, tmp_path: Path
) -> None:
    spanish = model_files / "translate-en_es-fake.argosmodel"
    argos.install_files([spanish])
    newer = _with_version(spanish, tmp_path / "translate-en_es-2.argosmodel", "0.0.2")
    assert argos.install_files([newer]) == [f"en→es 0.0.2 from {newer}"]
    assert [(pair, version) for pair, version, _ in argos.installed()] == [("en→es", "0.0.2")]
    assert sorted(p.name for p in packages_dir.parent.iterdir()) == ["packages"]  # no staging left
    # a new engine loads the new package (the process's shared engine keeps what it loaded)
    engine = argos.ArgosEngine()
    assert engine.label(LOCALES["es"]) == "argos translate-en_es 0.0.2"
    assert engine.translate(["Hello world."], LOCALES["es"]) == ["Hola mundo."]


def test_unpacking_reports_progress_and_logs_a_line_per_ten_percent_off_a_terminal(
    model_files: Path, packages_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spanish = model_files / "translate-en_es-fake.argosmodel"
    seen: list[tuple[str, int, int]] = []
    argos.install_files([spanish], progress=lambda *step: seen.append(step))
    with zipfile.ZipFile(spanish) as archive:
        size = sum(i.file_size for i in archive.infolist())
    assert {label for label, _, _ in seen} == {f"unpacking {spanish.name}"}
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert seen[-1][1:] == (size, size)
    shutil.rmtree(packages_dir / "translate-en_es-fake")
    caplog.set_level("INFO", logger="intl_pub.mt.argos")
    argos.install_files([spanish])  # pytest's stderr is not a terminal: plain lines
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("unpacking")]
    assert [line.split(": ")[1].split("%")[0] for line in lines] == [str(p) for p in range(10, 101, 10)]


def test_a_package_that_would_write_outside_the_packages_folder_is_refused(
    model_files: Path, packages_dir: Path, tmp_path: Path
) -> None:
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(model_files / "translate-en_es-fake.argosmodel") as good, zipfile.ZipFile(evil, "w") as bad:
        for info in good.infolist():
            bad.writestr(info, good.read(info))
        bad.writestr("translate-en_es-fake/../../escaped.txt", "x")
    with pytest.raises(EngineError, match="unsafe path"):
        argos.install_files([evil])
    assert not (tmp_path / "argos" / "escaped.txt").exists() and list(packages_dir.iterdir()) == []


def test_without_a_network_the_index_install_fails_fast_and_says_how_to_install_offline(
    packages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import time

    from argostranslate import settings

    with socket.socket() as unused:  # a loopback port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setattr(settings, "remote_package_index", f"http://127.0.0.1:{port}/index.json")
    start = time.monotonic()
    with pytest.raises(EngineError, match=r"models install PATH"):
        argos.install_from_index(list(LOCALES.values()))
    assert time.monotonic() - start < argos.INDEX_TIMEOUT


@pytest.mark.subprocess
def test_an_unchanged_run_checks_the_models_without_the_sentence_splitter(
    argos_models: Path, blog: Path
) -> None:
    """``translate`` checks every model before anything is written (a broken one is a clear
    error first: tests/test_reliability.py); the sentence splitter, whose module imports
    stanza and torch (~2.3 s), is made only when a text is split, so an unchanged hourly run
    does not pay for it."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from intl_pub.cli import main\n"
        "code = main(['-q', 'translate', '--engine', 'argos', '--locales', 'es'])\n"
        "print(json.dumps([code, [m for m in ('torch', 'stanza', 'argostranslate.sbd',"
        " 'ctranslate2') if m in sys.modules]]))\n"
    )

    def loaded() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], cwd=blog, capture_output=True,
                              text=True, timeout=600, env=dict(os.environ))
        code, modules = json.loads(done.stdout.splitlines()[-1])
        assert code == 0, done.stderr[-2000:]
        return modules

    first = loaded()
    assert "argostranslate.sbd" in first and "ctranslate2" in first  # it translated
    assert loaded() == ["ctranslate2"]  # checked (loaded), nothing split
