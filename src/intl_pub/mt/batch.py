"""Split, look up, translate what is missing, join: the sentence memory around any engine.

:func:`translate_scored` runs the three steps in one process. A flow that sends
the translating to other machines calls :func:`prepare` and :func:`finish` in
its own process and translates ``job.todo`` in between, in shards
(:mod:`intl_pub.mt.shards`); the result is the same either way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from intl_pub.core.model import Locale
from intl_pub.mt import Engine, MTResult, MTStats, Progress, SentenceTranslation
from intl_pub.mt.memory import MemoryKey, SentenceMemory


@dataclass(frozen=True)
class Job:
    """One batch of texts for one locale, split and looked up, waiting for ``todo``."""

    locale: Locale
    groups: tuple[tuple[str, ...], ...]
    """Each text's sentences."""
    keys: dict[str, MemoryKey]
    """Memory key of every distinct sentence."""
    known: dict[str, SentenceTranslation]
    """Distinct sentences the memory held."""
    todo: tuple[str, ...]
    """Distinct sentences to send to the engine, in order of first appearance."""


def prepare(
    engine: Engine, texts: Sequence[str], locale: Locale, memory: SentenceMemory | None = None
) -> Job:
    """Split every text into sentences once and find the ones the memory holds."""
    groups = tuple(tuple(group) for group in engine.split(texts, locale))
    label = engine.label(locale)
    distinct = dict.fromkeys(s for group in groups for s in group)
    keys = {s: MemoryKey(engine.name, label, locale.tag, s) for s in distinct}
    found = memory.get_many(list(keys.values())) if memory is not None and keys else {}
    known = {s: found[key] for s, key in keys.items() if key in found}
    todo = tuple(s for s in distinct if s not in known)
    return Job(locale, groups, keys, known, todo)


def finish(
    engine: Engine,
    job: Job,
    translated: Sequence[SentenceTranslation],
    memory: SentenceMemory | None = None,
    stats: MTStats | None = None,
) -> list[MTResult]:
    """Join each text from its sentences (``translated`` is ``job.todo``'s translations)
    and keep the new sentences in the memory."""
    if len(translated) != len(job.todo):
        raise ValueError(f"{len(job.todo)} sentences were sent, {len(translated)} came back")
    new = dict(zip(job.todo, translated, strict=True))
    if memory is not None and new:
        memory.put_many((job.keys[s], value) for s, value in new.items())
    every = {**job.known, **new}
    if stats is not None:
        stats.merge(
            MTStats(
                units=len(job.groups),
                sentences=sum(len(group) for group in job.groups),
                distinct=len(job.keys),
                from_memory=len(job.known),
                sent=len(job.todo),
            )
        )
    results = []
    for group in job.groups:
        sentences = [every[s] for s in group]
        results.append(MTResult(engine.join(job.locale, sentences), confidence(sentences)))
    return results


def confidence(sentences: Sequence[SentenceTranslation]) -> float | None:
    """exp(sum of log-probabilities / number of tokens) over a text's sentences: the
    geometric mean of the probabilities the model gave each token it chose; None without
    scores."""
    if not sentences or any(s.log_prob is None for s in sentences):
        return None
    tokens = sum(s.length for s in sentences)
    return math.exp(sum(s.log_prob or 0.0 for s in sentences) / max(tokens, 1))


def translate_scored(
    engine: Engine,
    texts: Sequence[str],
    locale: Locale,
    progress: Progress | None = None,
    memory: SentenceMemory | None = None,
    stats: MTStats | None = None,
) -> list[MTResult]:
    """prepare, translate ``todo`` in this process, finish; progress counts whole texts."""
    job = prepare(engine, texts, locale, memory)
    position = {s: i for i, s in enumerate(job.todo)}
    waiting = [{position[s] for s in group if s in position} for group in job.groups]
    owners: dict[int, list[int]] = {}
    for unit, missing in enumerate(waiting):
        for i in missing:
            owners.setdefault(i, []).append(unit)
    ready = sum(not missing for missing in waiting)
    if progress is not None and ready:
        progress(ready)
    translated: list[SentenceTranslation | None] = [None] * len(job.todo)
    if job.todo:
        for indices, values in engine.translate_chunks(job.todo, locale):
            finished = 0
            for i, value in zip(indices, values, strict=True):
                translated[i] = value
                for unit in owners[i]:
                    waiting[unit].discard(i)
                    finished += not waiting[unit]
            if progress is not None and finished:
                progress(finished)
    done = [value for value in translated if value is not None]
    return finish(engine, job, done, memory, stats)
