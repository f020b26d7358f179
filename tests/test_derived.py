"""Tables derived from installed packages: kept between processes, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intl_pub.core import derived


class Builder:
    """A table that counts how often it was worked out."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", str(folder))
    return folder


def test_a_table_is_worked_out_once_and_read_back_equal(cache: Path) -> None:
    build = Builder({"paracetamol": ("acetaminophen",), "mg": "mass-milligram"})
    first = derived.remembered("table", build, "babel")
    again = derived.remembered("table", build, "babel")
    assert first == again == build.value
    assert build.calls == 1
    assert len(list(cache.glob("table-*.pickle"))) == 1


def test_another_process_reads_the_drug_dictionary_from_the_cache(cache: Path) -> None:
    """The point of it: a second run's verifier does not unpack the wheel's dictionary."""
    script = (
        "from intl_pub.qa import terms; d = terms._drugs();"
        " print(len(d.names), 'paracetamol' in d.names)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, env={**os.environ, "INTL_PUB_CACHE_DIR": str(cache)})
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.split()[1] == "True"
    assert len(list(cache.glob("drugs-*.pickle"))) == 1


def test_another_process_reads_the_number_words_from_the_cache_without_num2words(
    cache: Path,
) -> None:
    """A changed post's translate verifies its translations: the number words of each
    language (every spelling num2words has, read back) come from the cache, equal, and no
    number is spelled again."""
    script = (
        "import functools, json, num2words.lang_RU as ru\n"
        "calls = []\n"
        "spell = ru.Num2Word_RU.to_cardinal\n"
        "@functools.wraps(spell)  # (the same signature: its cases and genders are read)\n"
        "def counted(self, *a, **k):\n"
        "    calls.append(1)\n"
        "    return spell(self, *a, **k)\n"
        "ru.Num2Word_RU.to_cardinal = counted\n"
        "from intl_pub.qa import numwords\n"
        "words = numwords.for_language('ru')\n"
        "print(json.dumps([len(calls), sorted(words.values.items()), words.find('двумя и пятью')"
        " and [str(v) for v, _, _ in words.find('двумя и пятью')]]))\n"
    )
    runs = [
        json.loads(subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            env={**os.environ, "INTL_PUB_CACHE_DIR": str(cache)},
        ).stdout)
        for _ in range(2)
    ]
    assert runs[0][0] > 1000 and runs[1][0] == 0  # spelled once, then read back
    assert runs[0][1:] == runs[1][1:] and runs[1][2] == ["2", "5"]
    assert len(list(cache.glob("numwords-ru-*.pickle"))) == 1


def test_a_damaged_table_is_worked_out_again(cache: Path) -> None:
    build = Builder([1, 2, 3])
    derived.remembered("table", build)
    (stored,) = cache.glob("table-*.pickle")
    stored.write_bytes(stored.read_bytes()[:5])  # torn by a crash or a full disk
    assert derived.remembered("table", build) == [1, 2, 3]
    assert build.calls == 2
    assert derived.remembered("table", build) == [1, 2, 3]
    assert build.calls == 2  # and kept whole again


def test_other_package_versions_are_another_table(cache: Path) -> None:
    build = Builder("forms")
    derived.remembered("table", build, "babel")
    derived.remembered("table", build, "polib")
    assert build.calls == 2
    assert len(list(cache.glob("table-*.pickle"))) == 2


def test_no_cache_when_turned_off_or_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = Builder("forms")
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", "off")
    assert derived.remembered("table", build) == "forms"
    assert derived.remembered("table", build) == "forms"
    assert build.calls == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("INTL_PUB_CACHE_DIR", str(blocked / "cache"))
    assert derived.remembered("table", build) == "forms"  # nothing kept, nothing broken
    assert blocked.read_text() == "not a folder"


def test_a_growing_table_merges_what_each_process_added(cache: Path) -> None:
    first, second = derived.Growing("grow", "babel"), derived.Growing("grow", "babel")
    assert first.get("a") is None and second.get("b") is None  # both read an empty table
    first.add("a", 1)
    second.add("b", 2)
    first.flush()
    second.flush()  # written after the first: keeps the first's entry
    third = derived.Growing("grow", "babel")
    assert (third.get("a"), third.get("b")) == (1, 2)
    assert len(list(cache.glob("grow-*.pickle"))) == 1
    assert derived.Growing("grow", "polib").get("a") is None  # another version, another table


def test_a_worker_process_writes_its_additions_when_it_exits(cache: Path) -> None:
    """The verifier compiles its patterns in the language workers: what they add must reach
    the disk though they never return to the code that started them."""
    import multiprocessing

    table = derived.Growing("grow")
    table.add("parent", 0)  # the parent has an exit hook; a forked child must get its own
    child = multiprocessing.get_context("fork").Process(target=table.add, args=("child", 1))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert derived.Growing("grow").get("child") == 1


def test_a_damaged_growing_table_is_worked_out_again(cache: Path) -> None:
    table = derived.Growing("grow")
    table.add("a", 1)
    table.flush()
    (stored,) = cache.glob("grow-*.pickle")
    stored.write_bytes(stored.read_bytes()[:7])
    again = derived.Growing("grow")
    assert again.get("a") is None
    again.add("a", 1)
    again.flush()
    assert derived.Growing("grow").get("a") == 1


def test_the_next_process_verifies_without_compiling_a_pattern(cache: Path) -> None:
    """The point of it: ~180 patterns, ~0.2 s of every process that verifies, compiled once.
    The second process counts what intl-pub asks ``regex`` to compile, and must verify alike."""
    script = """
import sys, regex
asked = []
original = regex.compile
def counting(pattern, flags=0, **kwargs):
    if sys._getframe(1).f_globals["__name__"].startswith("intl_pub"):
        asked.append(pattern)
    return original(pattern, flags, **kwargs)
regex.compile = counting
from intl_pub.core.locales import locale
from intl_pub.qa.verify import verify
english = "Take 5 mg at 3:30 pm on May 3, not later; call 911. Never give aspirin to children."
pairs = {
    "es": "Tome 5 mg a las 3:30 p. m. del 3 de mayo; llame al 911. Dé aspirina a niños.",
    "ru": "Примите 5 мг в 15:30 3 мая, не позже; звоните 911. Никогда не давайте аспирин детям.",
    "zh-Hans": "5月3日下午3:30服用5毫克，不要更晚；拨打911。切勿给儿童服用阿司匹林。",
}
for tag, translation in pairs.items():
    print(tag, [(f.kind, f.english, f.translation) for f in verify(english, translation, locale(tag))])
print(asked, file=sys.stderr); print(len(asked))
"""
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, env={**os.environ, "INTL_PUB_CACHE_DIR": str(cache)})
        .stdout.splitlines()
        for _ in range(2)
    ]
    assert int(runs[0][-1]) > 100  # the first compiled them all
    assert runs[1][-1] == "0", runs
    assert runs[0][:-1] == runs[1][:-1]
    assert "negation" in runs[0][0] and "negation" not in runs[0][1]  # the es lost its "never"
