"""The engine seam: one small protocol with a batch call, and a registry of engines.

Engines are created once per process and reused (a model load costs seconds),
so :func:`get_engine` keeps them; everything else about an engine stays in
its own module, and argostranslate is imported only by :mod:`intl_pub.mt.argos`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from intl_pub.errors import EngineError
from intl_pub.model import Locale

Progress = Callable[[int], None]
"""Called with the number of texts just finished."""

ENGINES = ("argos", "pseudo")


class Engine(Protocol):
    """What the pipeline needs of a machine-translation engine."""

    name: str

    def label(self, locale: Locale) -> str:
        """Engine, model and version, as written into ``#. mt:`` comments."""
        ...

    def check(self, locales: Sequence[Locale]) -> None:
        """Raise EngineError (naming the fix) if any locale cannot be translated."""
        ...

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        """Translate English texts (with inline tokens) into ``locale``, in one batch."""
        ...


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def get_engine(name: str) -> Engine:
    """The process's engine of that name, created on first use."""
    with _lock:
        if name not in _engines:
            _engines[name] = _create(name)
        return _engines[name]


def _create(name: str) -> Engine:
    if name == "pseudo":
        from intl_pub.mt.pseudo import PseudoEngine

        return PseudoEngine()
    if name == "argos":
        from intl_pub.mt.argos import ArgosEngine

        return ArgosEngine()
    raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
