"""The engine seam: one small protocol with a batch call, and a registry of engines.

Engines are created once per process and reused (a model load costs seconds),
so :func:`get_engine` keeps them, one per name and :class:`MTSettings`;
everything else about an engine stays in its own module, and argostranslate is
imported only by :mod:`intl_pub.mt.argos`.

Every engine works in three steps that can run in different places: *split*
texts into sentences (the flow's process), *translate* the sentences no memory
holds (anywhere: :mod:`intl_pub.mt.shards` sends them to Dask workers), *join*
each text's sentences back together (the flow's process). :mod:`intl_pub.mt.batch`
composes them, with the sentence memory of :mod:`intl_pub.mt.memory` in between.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from intl_pub.core.config import environment
from intl_pub.core.errors import EngineError
from intl_pub.core.model import Locale

if TYPE_CHECKING:
    from intl_pub.mt.memory import SentenceMemory

Progress = Callable[[int], None]
"""Called with the number of texts just finished."""

ENGINES = ("argos", "pseudo")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class MTResult:
    """One text as the engine translated it."""

    text: str
    """The translation, with the source's inline tokens."""
    confidence: float | None
    """The model's own confidence in (0, 1]: exp of the mean log-probability per target token
    over the text's sentences (see docs/MT.md); None when the engine has no scores (pseudo)
    or the text had nothing to translate."""


@dataclass(frozen=True)
class SentenceTranslation:
    """One sentence as the engine produced it: what a shard returns and the memory keeps."""

    tokens: tuple[str, ...]
    """The target pieces exactly as the engine emitted them; the engine's ``join`` turns a
    text's pieces into its translation (decoding all of them at once, as the engine would)."""
    log_prob: float | None
    """Sum of the log-probabilities of the target tokens, end of sentence included; None when
    the engine has no scores."""
    length: int
    """How many tokens ``log_prob`` sums over."""


@dataclass
class MTStats:
    """What a translation call needed and what it sent to the engine, for logs and reports."""

    units: int = 0
    """Texts asked for."""
    sentences: int = 0
    """Sentences in those texts, every occurrence counted: the work without any memory."""
    distinct: int = 0
    """Different sentences among them (a disclaimer that ends every post counts once)."""
    from_memory: int = 0
    """Distinct sentences the memory already held."""
    sent: int = 0
    """Distinct sentences sent to the engine: ``distinct - from_memory``."""

    def merge(self, other: MTStats) -> None:
        """Add another call's figures to these."""
        self.units += other.units
        self.sentences += other.sentences
        self.distinct += other.distinct
        self.from_memory += other.from_memory
        self.sent += other.sent

    def __str__(self) -> str:
        return (
            f"{self.units} units, {self.sentences} sentences needed ({self.distinct} distinct), "
            f"{self.from_memory} from memory, {self.sent} sent to the engine"
        )


@dataclass(frozen=True)
class MTSettings:
    """Where and how an engine runs (``[mt]`` in intl-pub.toml); None: the environment decides.

    Fallbacks, for a field left None: ``INTL_PUB_DEVICE``, ``INTL_PUB_COMPUTE_TYPE``
    (then argostranslate's ``ARGOS_COMPUTE_TYPE``), ``INTL_PUB_INTER_THREADS``,
    ``INTL_PUB_INTRA_THREADS``, then the defaults below. A Dask worker resolves them in
    its own environment, so each machine can say what it has.
    """

    device: str | None = None
    """``auto`` (CUDA when CTranslate2 sees a GPU, else the CPU; the default), ``cpu`` or
    ``cuda``."""
    compute_type: str | None = None
    """CTranslate2 compute type: ``auto`` (the fastest the device supports; the default),
    ``int8``, ``int8_float16``, ``float16``, ``float32``, ..."""
    inter_threads: int | None = None
    """Translations run in parallel by one model (default 1; on a GPU, one per GPU)."""
    intra_threads: int | None = None
    """Threads inside one translation (default: every core of the machine; 0 lets
    CTranslate2 choose)."""

    def resolved(self) -> MTSettings:
        """Every field filled, from the environment where None."""
        env = environment()
        device = self.device or env.device or "auto"
        if device not in DEVICES:
            raise EngineError(f"unknown MT device {device!r}: choose one of {', '.join(DEVICES)}")
        compute_type = self.compute_type or env.compute_type or "auto"
        return MTSettings(
            device=device,
            compute_type=compute_type,
            inter_threads=_threads(
                self.inter_threads, env.inter_threads, "INTL_PUB_INTER_THREADS", 1
            ),
            intra_threads=_threads(
                self.intra_threads, env.intra_threads, "INTL_PUB_INTRA_THREADS", os.cpu_count() or 1
            ),
        )


def _threads(value: int | None, variable: str | None, name: str, default: int) -> int:
    """The setting, else the environment variable ``name`` (as written), else ``default``."""
    if value is not None:
        return value
    if variable is None:
        return default
    try:
        return int(variable)
    except ValueError as exc:
        raise EngineError(f"{name} must be a whole number, not {variable!r}") from exc


Chunk = tuple[list[int], list[SentenceTranslation]]
"""Indices into the sentences given, and their translations."""


class Engine(Protocol):
    """What the pipeline needs of a machine-translation engine."""

    name: str

    def label(self, locale: Locale) -> str:
        """Engine, model and version, as written into ``#. mt:`` comments; keys the memory."""
        ...

    def check(self, locales: Sequence[Locale]) -> None:
        """Raise EngineError (naming the fix) if any locale cannot be translated."""
        ...

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        """Translate English texts (with inline tokens) into ``locale``, in one batch."""
        ...

    def translate_scored(
        self,
        texts: Sequence[str],
        locale: Locale,
        progress: Progress | None = None,
        memory: SentenceMemory | None = None,
        stats: MTStats | None = None,
    ) -> list[MTResult]:
        """Like translate, with a confidence per text; sentences in ``memory`` are not sent
        again and new ones are added to it; ``stats`` (if given) is added to."""
        ...

    # The three steps behind translate_scored (intl_pub.mt.batch composes them).

    def split(self, texts: Sequence[str], locale: Locale) -> list[list[str]]:
        """Each text's sentences, as the engine would translate them."""
        ...

    def translate_chunks(self, sentences: Sequence[str], locale: Locale) -> Iterator[Chunk]:
        """Translate sentences; yield them in chunks as they finish (for progress)."""
        ...

    def join(self, locale: Locale, sentences: Sequence[SentenceTranslation]) -> str:
        """One text's translation from its sentences, exactly as the engine would write it."""
        ...


_engines: dict[tuple[str, MTSettings], Engine] = {}
_lock = threading.Lock()


def get_engine(name: str, settings: MTSettings | None = None) -> Engine:
    """The process's engine of that name and settings, created on first use."""
    key = (name, (settings or MTSettings()).resolved() if name == "argos" else MTSettings())
    with _lock:
        if key not in _engines:
            _engines[key] = _create(name, key[1])
        return _engines[key]


def _create(name: str, settings: MTSettings) -> Engine:
    if name == "pseudo":
        from intl_pub.mt.pseudo import PseudoEngine

        return PseudoEngine()
    if name == "argos":
        from intl_pub.mt.argos import ArgosEngine

        return ArgosEngine(settings)
    raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
