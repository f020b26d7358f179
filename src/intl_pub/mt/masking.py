"""Whole units through the engine: inline tokens kept, do-not-translate terms masked.

The engine sees a unit's msgid with its numbered tokens (``<1>…</1>``); where
it breaks them, the pieces between tokens are translated apart and put back
(the reviewer is told). Glossary terms that stay in English travel as void
tokens and come back exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from intl_pub import segment
from intl_pub.core.model import Locale, RunReport
from intl_pub.mt import Engine, MTResult, MTStats, Progress, shards
from intl_pub.mt.memory import SentenceMemory
from intl_pub.mt.shards import RunShards
from intl_pub.segment import tokens

PIECES_NOTE = "tags placed automatically: the engine lost the markup, pieces translated separately"


@dataclass(frozen=True)
class MTOptions:
    """How a locale's units reach the engine: through the memory, in shards, counted."""

    memory: SentenceMemory | None = None
    """The sentence memory: only sentences it lacks go to the engine."""
    stats: MTStats | None = None
    """Filled with sentences needed vs. sent, for the log."""
    run_shards: RunShards | None = None
    """Translate shards elsewhere (a Prefect task map on Dask workers); None: here."""
    token_budget: int = shards.TOKEN_BUDGET


class MachineText(NamedTuple):
    """One unit as machine translation left it."""

    text: str
    note: str
    """Says when the tags were placed automatically (the reviewer should look)."""
    confidence: float | None


def machine_translate(
    engine: Engine,
    locale: Locale,
    msgids: Sequence[str],
    progress: Progress | None,
    report: RunReport,
    keep: Sequence[str] = (),
    options: MTOptions | None = None,
) -> list[MachineText]:
    """Translate msgids with their tokens; where the engine breaks tokens, translate the pieces.

    Terms in ``keep`` (the glossary's do-not-translate list) travel through
    the engine as void tokens and come back exactly as written.
    """
    masked = [_mask(m, keep) for m in msgids]
    results = _translate_tokens(
        engine, locale, [m for m, _ in masked], progress, report, options or MTOptions()
    )
    return [
        MachineText(_unmask(out.text, terms), out.note, out.confidence)
        for out, (_, terms) in zip(results, masked, strict=True)
    ]


MASK_BASE = 1000
"""Do-not-translate terms become tokens <1000/>, <1001/>, ... (beyond any element's number)."""


def _mask(msgid: str, keep: Sequence[str]) -> tuple[str, dict[str, str]]:
    terms: dict[str, str] = {}
    for term in sorted(keep, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w<]){re.escape(term)}(?!\w)")
        if pattern.search(msgid):
            token = f"<{MASK_BASE + len(terms)}/>"
            terms[token] = term
            msgid = pattern.sub(token, msgid)
    return msgid, terms


def _unmask(text: str, terms: dict[str, str]) -> str:
    for token, term in terms.items():
        text = text.replace(token, term)
    return text


def _translate_tokens(
    engine: Engine,
    locale: Locale,
    msgids: Sequence[str],
    progress: Progress | None,
    report: RunReport,
    options: MTOptions,
) -> list[MachineText]:
    outputs = _engine_call(engine, locale, msgids, progress, options)
    report.engine_calls += 1
    results = [MachineText(out.text, "", out.confidence) for out in outputs]
    broken = [
        i for i, (m, o) in enumerate(zip(msgids, results, strict=True)) if tokens.check(m, o.text)
    ]
    if not broken:
        return results
    plans = [tokens.pieces(msgids[i]) for i in broken]
    texts = [p.strip() for piece_plan in plans for p in piece_plan if _is_text(p)]
    translated = iter(_engine_call(engine, locale, texts, None, options) if texts else [])
    report.engine_calls += 1 if texts else 0
    for i, piece_plan in zip(broken, plans, strict=True):
        rebuilt = []
        for piece in piece_plan:
            if _is_text(piece):
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                rebuilt.append(lead + next(translated).text + trail)
            else:
                rebuilt.append(piece)
        results[i] = MachineText("".join(rebuilt), PIECES_NOTE, results[i].confidence)
    return results


def _engine_call(
    engine: Engine,
    locale: Locale,
    texts: Sequence[str],
    progress: Progress | None,
    options: MTOptions,
) -> list[MTResult]:
    if options.run_shards is not None:
        return shards.translate_sharded(
            engine,
            texts,
            locale,
            options.run_shards,
            options.token_budget,
            options.memory,
            options.stats,
        )
    return engine.translate_scored(
        list(texts), locale, progress, memory=options.memory, stats=options.stats
    )


def _is_text(piece: str) -> bool:
    return not tokens.TOKEN_RE.fullmatch(piece) and segment.is_translatable(piece)
