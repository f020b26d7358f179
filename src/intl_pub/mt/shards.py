"""Machine translation as pure tasks: sentences in, translations and scores out.

A locale's work is the distinct sentences the memory lacks
(:func:`intl_pub.mt.batch.prepare`, in the flow's process). :func:`plan_shards`
cuts them into shards of about ``token_budget`` tokens; :func:`translate_shard`
translates one shard wherever it runs -- it reads and writes no file of the
work folder, so a Dask worker on another machine needs the Argos models and
nothing else; :func:`intl_pub.mt.batch.finish` (the flow's process again)
stores the new sentences in the memory and joins the texts.

Each sentence is translated on its own (CTranslate2 decodes every sentence of
a batch independently), so the output does not depend on how many shards or
workers there are.

    job = batch.prepare(engine, texts, locale, memory)
    shards = plan_shards(job.todo, token_budget)
    parts = [translate_shard("argos", settings, locale, [job.todo[i] for i in s])
             for s in shards]                       # e.g. client.map / task.map
    results = batch.finish(engine, job, join_shards(shards, parts), memory, stats)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from intl_pub.core.model import Locale
from intl_pub.mt import Engine, MTResult, MTSettings, MTStats, SentenceTranslation, get_engine
from intl_pub.mt.memory import SentenceMemory

TOKEN_BUDGET = 4096
"""Default tokens per shard: ~3,000 words, about 12 s of one CPU core for a base model."""

DASK_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}
"""Dask settings for a cluster that runs MT shards (``dask.config.set(DASK_CONFIG)`` where the
cluster starts; its nannies pass them on to the workers). By default a worker samples its
task's stack every 10 ms, reads /proc every 0.5 s and ticks its event loop every 20 ms:
idle, a worker used 4.7 % of a core and the scheduler 4 %, measured on 2 cores; with these,
0.9 % and 2 %. A worker whose cores all run CTranslate2 pays that out of the translating.
Nothing here changes what a shard returns."""

RunShards = Callable[[list[list[str]]], list[list[SentenceTranslation]]]
"""Translate each shard's sentences (in a Dask cluster, a Prefect task map, or here)."""


def estimate_tokens(text: str) -> int:
    """Subword tokens of a sentence, estimated without the model: ~4 per 3 English words
    (SentencePiece on English prose), plus the end of sentence."""
    return len(text.split()) * 4 // 3 + 1


def plan_shards(
    texts: Sequence[str],
    token_budget: int = TOKEN_BUDGET,
    size: Callable[[str], int] = estimate_tokens,
) -> list[list[int]]:
    """Indices of ``texts`` in shards of at most ``token_budget`` tokens (a longer text gets
    a shard of its own); deterministic. Texts are taken shortest first, so each shard holds
    texts of similar length and its batches little padding."""
    if token_budget < 1:
        raise ValueError("token_budget must be at least 1")
    sizes = [size(text) for text in texts]
    shards: list[list[int]] = []
    used = token_budget
    for i in sorted(range(len(texts)), key=lambda i: (sizes[i], i)):
        if used + sizes[i] > token_budget:
            shards.append([])
            used = 0
        shards[-1].append(i)
        used += sizes[i]
    return shards


def translate_shard(
    engine: str, settings: MTSettings | None, locale: Locale, sentences: Sequence[str]
) -> list[SentenceTranslation]:
    """Translate one shard with this process's engine (loaded once per worker); pure."""
    translated: list[SentenceTranslation | None] = [None] * len(sentences)
    if sentences:
        for indices, values in get_engine(engine, settings).translate_chunks(sentences, locale):
            for i, value in zip(indices, values, strict=True):
                translated[i] = value
    return [value for value in translated if value is not None]


def join_shards(
    shards: Sequence[Sequence[int]], parts: Sequence[Sequence[SentenceTranslation]]
) -> list[SentenceTranslation]:
    """The shards' translations back in the order of the texts :func:`plan_shards` was given."""
    total = sum(len(shard) for shard in shards)
    out: list[SentenceTranslation | None] = [None] * total
    for shard, part in zip(shards, parts, strict=True):
        if len(shard) != len(part):
            raise ValueError(f"a shard of {len(shard)} sentences returned {len(part)}")
        for i, value in zip(shard, part, strict=True):
            out[i] = value
    return [value for value in out if value is not None]


def translate_sharded(
    engine: Engine,
    texts: Sequence[str],
    locale: Locale,
    run: RunShards,
    token_budget: int = TOKEN_BUDGET,
    memory: SentenceMemory | None = None,
    stats: MTStats | None = None,
) -> list[MTResult]:
    """``engine.translate_scored`` with the translating done by ``run``, shard by shard."""
    from intl_pub.mt import batch

    job = batch.prepare(engine, texts, locale, memory)
    shards = plan_shards(job.todo, token_budget)
    parts = run([[job.todo[i] for i in shard] for shard in shards]) if shards else []
    return batch.finish(engine, job, join_shards(shards, parts), memory, stats)
