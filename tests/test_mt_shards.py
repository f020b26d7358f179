"""MT shards: planned by token budget, pure, and the same output however many there are."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import intl_pub
from intl_pub.core.locales import TARGETS as LOCALES
from intl_pub.mt import MTStats, SentenceTranslation, get_engine
from intl_pub.mt.memory import SentenceMemory
from intl_pub.mt.shards import (
    DASK_CONFIG,
    estimate_tokens,
    join_shards,
    plan_shards,
    translate_shard,
    translate_sharded,
)

SENTENCES = [
    "Hello world.",
    "The hospital opened a new clinic.",
    "Good morning!",
    "The cat is small.",
    "The dog is big.",
    "Thank you.",
    "We write a new blog post today?",
    "Read the <1>blog post</1> today<2/>.",
    "the house is new",
]
# 40 texts of one to three sentences, several repeated
TEXTS = [
    " ".join(combo)
    for n in (1, 2, 3)
    for combo in itertools.islice(itertools.permutations(SENTENCES, n), 0, 40, 3)
][:40]


@given(st.lists(st.text(max_size=60), max_size=40), st.integers(1, 50))
def test_shards_cover_every_text_once_within_the_budget(texts: list[str], budget: int) -> None:
    shards = plan_shards(texts, budget)
    assert sorted(i for shard in shards for i in shard) == list(range(len(texts)))
    for shard in shards:
        assert shard
        assert len(shard) == 1 or sum(estimate_tokens(texts[i]) for i in shard) <= budget
    assert plan_shards(texts, budget) == shards


def test_join_shards_puts_each_translation_back_in_place() -> None:
    values = [SentenceTranslation((str(n),), None, 1) for n in range(5)]
    shards = [[3, 1], [0], [4, 2]]
    assert join_shards(shards, [[values[i] for i in shard] for shard in shards]) == values
    with pytest.raises(ValueError, match="returned 1"):
        join_shards([[0, 1]], [[values[0]]])


def _local(engine_name: str, locale):  # type: ignore[no-untyped-def]
    def run(shards: list[list[str]]) -> list[list[SentenceTranslation]]:
        return [translate_shard(engine_name, None, locale, shard) for shard in shards]

    return run


@pytest.mark.parametrize("tag", ["es", "zh-Hans", "ru"])
def test_one_shard_or_many_give_the_same_output(argos_models: Path, tag: str) -> None:
    engine, locale = get_engine("argos"), LOCALES[tag]
    single = engine.translate_scored(TEXTS, locale)
    seen: list[int] = []

    def counting(shards: list[list[str]]) -> list[list[SentenceTranslation]]:
        seen.append(len(shards))
        return _local("argos", locale)(shards)

    one = translate_sharded(engine, TEXTS, locale, counting, token_budget=10_000)
    many = translate_sharded(engine, TEXTS, locale, counting, token_budget=12)
    assert seen[0] == 1 and seen[1] >= 4
    assert one == many == single


@pytest.mark.slow
def test_shards_on_two_dask_worker_processes_outside_the_work_folder(
    argos_models: Path, tmp_path: Path
) -> None:
    """The flow's process keeps the memory in the work folder; the workers run elsewhere
    and are given nothing but sentences (with less Dask housekeeping, and glibc set so
    CTranslate2 reuses its buffers in spite of Dask's trim threshold)."""
    import dask
    from distributed import Client, LocalCluster

    es = LOCALES["es"]
    engine = get_engine("argos")
    workdir, elsewhere = tmp_path / "work", tmp_path / "worker"
    workdir.mkdir()
    elsewhere.mkdir()
    expected = engine.translate_scored(TEXTS, es)

    src = str(Path(intl_pub.__file__).resolve().parents[1])
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    with (
        dask.config.set(DASK_CONFIG),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=str(elsewhere),
            env=env,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(os.chdir, str(elsewhere))
        assert set(client.run(os.getcwd).values()) == {str(elsewhere)}

        def run(shards: list[list[str]]) -> list[list[SentenceTranslation]]:
            futures = client.map(
                translate_shard,
                ["argos"] * len(shards),
                [None] * len(shards),
                [es] * len(shards),
                shards,
                pure=False,
            )
            return client.gather(futures)

        stats = MTStats()
        with SentenceMemory(workdir / ".intl-pub" / "mt-memory.sqlite") as memory:
            distributed = translate_sharded(
                engine, TEXTS, es, run, token_budget=12, memory=memory, stats=stats
            )
        who = client.run(lambda: sorted(os.listdir(".")))
        tuned = client.run(_worker_tuning)
    # Dask's nanny fixes glibc's mmap threshold (MALLOC_TRIM_THRESHOLD_); the engine undid it
    assert set(tuned.values()) == {(False, True, True)}
    assert distributed == expected
    assert stats.sent == stats.distinct > 2
    # the workers wrote nothing where they ran but Dask's own scratch space
    assert all(set(names) <= {"dask-scratch-space"} for names in who.values())
    assert sorted(p.name for p in (workdir / ".intl-pub").iterdir()) == ["mt-memory.sqlite"]


def _worker_tuning() -> tuple[object, bool, bool]:
    """In a worker: Dask's profiler setting, whether the environment fixed glibc's mmap
    threshold, and whether the engine raised it."""
    import dask

    from intl_pub.mt import allocator

    return (
        dask.config.get("distributed.worker.profile.enabled"),
        allocator.fixed_threshold(os.environ),
        allocator._done,
    )


def test_pseudo_runs_in_shards_too() -> None:
    engine, ru = get_engine("pseudo"), LOCALES["ru"]
    sharded = translate_sharded(engine, TEXTS, ru, _local("pseudo", ru), token_budget=5)
    assert [r.text for r in sharded] == engine.translate(TEXTS, ru)
    assert {r.confidence for r in sharded} == {None}
