"""The Argos Translate engine: installed argostranslate packages, run in batches.

argostranslate stays the loader and the source of truth for its packages (we
use its Package objects, tokenizers and sentence splitters), but its own
``translate()`` sends one ``translate_batch`` per paragraph with a 32-token
batch limit. Here every new unit of a locale is split into sentences once,
tokenized, and sent to one CTranslate2 ``translate_batch`` with the same
decoding settings argostranslate uses (beam size, length penalty, target
prefix, unknown-token replacement, ``return_scores``), so the words come out
the same. A text's translation is its sentences' target pieces decoded
together, as argostranslate does; the pieces are what the sentence memory keeps.

argostranslate imports torch and creates folders when imported: it is
imported lazily, here only.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intl_pub.errors import EngineError, ModelMissingError
from intl_pub.locales import DEFAULT_TARGETS, SOURCE_TAG
from intl_pub.locales import locale as locale_for
from intl_pub.model import Locale
from intl_pub.mt import Chunk, MTResult, MTSettings, MTStats, Progress, SentenceTranslation

if TYPE_CHECKING:
    from intl_pub.mt.memory import SentenceMemory

log = logging.getLogger(__name__)

CHUNK = 512
"""Sentences per translate_batch call (a progress step); CTranslate2 batches max_batch_size."""
MAX_DECODING = 256
"""CTranslate2's default max_decoding_length, which argostranslate uses as is."""
LENGTH_PENALTY = 0.2
"""argostranslate's length penalty; CTranslate2 divides a score by length ** this."""
INDEX_TIMEOUT = 15.0
INSTALL_HINT = (
    "install it with `intl-pub models install` (downloads en→es/zh/ru from the Argos "
    "index) or, offline, `intl-pub models install PATH` with .argosmodel files"
)


ARGOS_CODES = {"zh-Hant": "zt"}
"""Argos codes that are not the bare language code (Traditional Chinese)."""


def argos_code(locale: Locale) -> str:
    """The Argos Translate language code of a locale (``zh`` for zh-Hans)."""
    return ARGOS_CODES.get(locale.tag, locale.language)


@dataclass
class _Model:
    package: Any
    sentencizer: Any
    label: str
    settings: MTSettings
    translator: Any = field(default=None)
    """The CTranslate2 model, loaded when first needed: a flow process that only splits
    and joins (the translating done by Dask workers) never loads it."""


class ArgosEngine:
    """One CTranslate2 model per locale per process, loaded on first use."""

    name = "argos"

    def __init__(self, settings: MTSettings | None = None, max_batch_size: int = 32) -> None:
        self.settings = (settings or MTSettings()).resolved()
        self.max_batch_size = max_batch_size
        self._models: dict[str, _Model] = {}
        self._lock = threading.Lock()

    def label(self, locale: Locale) -> str:
        return self._model(locale).label

    def check(self, locales: Sequence[Locale]) -> None:
        """Every locale has an installed model, and it loads (models are kept for the run)."""
        packages = _installed_packages()
        missing = [loc for loc in locales if _find(packages, loc) is None]
        if missing:
            pairs = ", ".join(f"en→{argos_code(loc)} (for {loc.tag})" for loc in missing)
            raise ModelMissingError(f"no Argos model installed for {pairs}; {INSTALL_HINT}")
        for locale in locales:
            self._translator(locale)

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        return [result.text for result in self.translate_scored(texts, locale, progress)]

    def translate_scored(
        self,
        texts: Sequence[str],
        locale: Locale,
        progress: Progress | None = None,
        memory: SentenceMemory | None = None,
        stats: MTStats | None = None,
    ) -> list[MTResult]:
        """Split every text into sentences once, send each distinct sentence the memory
        lacks to the model once, and put each text back together."""
        from intl_pub.mt import batch

        return batch.translate_scored(self, texts, locale, progress, memory, stats)

    def split(self, texts: Sequence[str], locale: Locale) -> list[list[str]]:
        sentencizer = self._model(locale).sentencizer
        return [sentencizer.split_sentences(t) if t.strip() else [] for t in texts]

    def translate_chunks(self, sentences: Sequence[str], locale: Locale) -> Iterator[Chunk]:
        """Tokenize in bulk and decode all sentences sorted by length (so batches hold
        sentences of similar length and little padding), CHUNK sentences at a time."""
        model = self._model(locale)
        translator = self._translator(locale)
        flat = [model.package.tokenizer.encode(s) for s in sentences]
        order = sorted(range(len(flat)), key=lambda i: len(flat[i]))
        for start in range(0, len(order), CHUNK):
            indices = order[start : start + CHUNK]
            yield indices, self._decode([flat[i] for i in indices], model, translator)

    def join(self, locale: Locale, sentences: Sequence[SentenceTranslation]) -> str:
        pieces = [piece for sentence in sentences for piece in sentence.tokens]
        return _decode(self._model(locale).package, pieces) if sentences else ""

    def _decode(
        self, flat: list[list[str]], model: _Model, translator: Any
    ) -> list[SentenceTranslation]:
        """One translate_batch with argostranslate's decoding settings."""
        from argostranslate import settings

        pkg = model.package
        prefix = [[pkg.target_prefix]] * len(flat) if pkg.target_prefix else None
        # CTranslate2 stops at 256 target tokens by default and argostranslate keeps that:
        # a long sentence would lose its end without a word. Allow twice the longest source.
        limit = max(MAX_DECODING, 2 * max(len(tokens) for tokens in flat) + 10)
        results = translator.translate_batch(
            flat,
            target_prefix=prefix,
            replace_unknowns=True,
            max_batch_size=self.max_batch_size,
            batch_type="examples",
            beam_size=max(1, settings.beam_size),
            num_hypotheses=1,
            length_penalty=LENGTH_PENALTY,
            max_decoding_length=limit,
            return_scores=True,
        )
        out = []
        for result, source in zip(results, flat, strict=True):
            tokens = result.hypotheses[0]
            if len(tokens) >= limit:
                log.warning(
                    "a translation reached the %d-token limit and may be cut short: %r",
                    limit,
                    pkg.tokenizer.decode(source)[:80],
                )
            # CTranslate2's score is the log-probability of the tokens and the end of
            # sentence, divided by (tokens + 1) ** length_penalty: undo the division.
            length = len(tokens) + 1
            log_prob = result.scores[0] * length**LENGTH_PENALTY
            out.append(SentenceTranslation(tuple(tokens), log_prob, length))
        return out

    def _model(self, locale: Locale) -> _Model:
        with self._lock:
            if argos_code(locale) not in self._models:
                self._models[argos_code(locale)] = _load(locale, self.settings)
            return self._models[argos_code(locale)]

    def _translator(self, locale: Locale) -> Any:
        model = self._model(locale)
        with self._lock:
            if model.translator is None:
                model.translator = _load_translator(model, locale)
            return model.translator


def _decode(pkg: Any, pieces: list[str]) -> str:
    """Exactly argostranslate's post-processing of one paragraph's tokens."""
    value = pkg.tokenizer.decode(pieces)
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix) :]
    return value[1:] if value.startswith(" ") else value


def _load(locale: Locale, settings: MTSettings) -> _Model:
    """The package, its sentence splitter and its label (the CTranslate2 model comes later)."""
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings
    from argostranslate.sbd import MiniSBDSentencizer

    if not argos_settings.debug:
        # argostranslate logs every sentence split at INFO level.
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    pkg = _find(_installed_packages(), locale)
    if pkg is None:
        raise ModelMissingError(
            f"no Argos model installed for en→{argos_code(locale)}; {INSTALL_HINT}"
        )
    if not (Path(pkg.package_path) / "minisbd").is_dir():
        log.warning(
            "%s has no sentence splitter of its own; MiniSBD may try to download one",
            pkg.package_path,
        )
    label = f"argos {argos_package.argospm_package_name(pkg)} {pkg.package_version}"
    return _Model(pkg, MiniSBDSentencizer(pkg), label, settings)


def _load_translator(model: _Model, locale: Locale) -> Any:
    import ctranslate2

    settings = model.settings
    model_dir = Path(model.package.package_path) / "model"
    if settings.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise EngineError(
            "MT device is set to cuda, but CTranslate2 sees no CUDA device (no GPU, no driver, "
            "or a CPU-only ctranslate2 build); set device to auto or cpu"
        )
    try:
        translator = ctranslate2.Translator(
            str(model_dir),
            device=settings.device or "auto",
            inter_threads=settings.inter_threads or 1,
            intra_threads=settings.intra_threads or 0,
            compute_type=settings.compute_type or "auto",
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelMissingError(
            f"the Argos model for en→{argos_code(locale)} at {model_dir} cannot be loaded ({exc}); "
            f"reinstall it or check the MT device and compute type settings: {INSTALL_HINT}"
        ) from exc
    log.info(
        "loaded %s for %s on %s (%s, %s×%s threads)",
        model.label,
        locale.tag,
        translator.device,
        settings.compute_type,
        settings.inter_threads,
        settings.intra_threads,
    )
    return translator


def _installed_packages() -> list[Any]:
    from argostranslate import package as argos_package

    try:
        return list(argos_package.get_installed_packages())
    except (OSError, ValueError) as exc:
        raise EngineError(
            f"cannot read the installed Argos packages: {exc}; {INSTALL_HINT}"
        ) from exc


def _find(packages: list[Any], locale: Locale) -> Any | None:
    for pkg in packages:
        if getattr(pkg, "type", "translate") != "translate":
            continue
        if pkg.from_code == SOURCE_TAG and pkg.to_code == argos_code(locale):
            return pkg
    return None


# --- model management (intl-pub models ...) ---------------------------------------------


def installed() -> list[tuple[str, str, str]]:
    """(pair, version, path) of every installed translation package."""
    return sorted(
        (f"{p.from_code}→{p.to_code}", str(p.package_version), str(p.package_path))
        for p in _installed_packages()
    )


def install_files(paths: Sequence[Path]) -> list[str]:
    """Install .argosmodel files (or every one in the given folders); return what was installed."""
    from argostranslate import package as argos_package

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.argosmodel"))
            if not found:
                raise EngineError(f"{path}: no .argosmodel files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise EngineError(f"{path}: no such file or folder")
    done = []
    for file in files:
        metadata = _package_metadata(file)
        argos_package.install_from_path(file)
        done.append(
            f"{metadata.get('from_code')}→{metadata.get('to_code')} "
            f"{metadata.get('package_version', '?')} from {file}"
        )
    return done


def install_from_index(
    locales: Sequence[Locale], progress: Callable[[str, int, int], None] | None = None
) -> list[str]:
    """Download and install en→xx packages from the Argos index.

    argostranslate's own ``get_available_packages()`` retries for about a
    minute without a network; here the index is fetched once, with a timeout,
    and a failure says how to install offline.
    """
    from argostranslate import package as argos_package
    from argostranslate import settings

    have = _installed_packages()
    missing = [loc for loc in locales if _find(have, loc) is None]
    if not missing:
        return []
    try:
        with urllib.request.urlopen(settings.remote_package_index, timeout=INDEX_TIMEOUT) as resp:
            data = resp.read()
        index = json.loads(data)
    except (OSError, ValueError) as exc:
        raise EngineError(
            f"cannot read the Argos package index at {settings.remote_package_index} ({exc}); "
            "offline, install from files: `intl-pub models install PATH` with .argosmodel "
            "files or a folder of them"
        ) from exc
    Path(settings.local_package_index).write_bytes(data)
    done = []
    for locale in missing:
        meta = next(
            (
                m
                for m in index
                if m.get("type", "translate") == "translate"
                and m.get("from_code") == SOURCE_TAG
                and m.get("to_code") == argos_code(locale)
            ),
            None,
        )
        if meta is None:
            raise EngineError(f"the Argos index has no en→{argos_code(locale)} package")
        target = Path(settings.downloads_dir) / f"translate-en_{argos_code(locale)}.argosmodel"
        _download(meta.get("links", []), target, progress)
        argos_package.install_from_path(target)
        target.unlink(missing_ok=True)
        done.append(
            f"en→{argos_code(locale)} {meta.get('package_version', '?')} from the Argos index"
        )
    return done


def _download(
    links: list[str], target: Path, progress: Callable[[str, int, int], None] | None
) -> None:
    errors = []
    for url in links:
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                total = int(resp.headers.get("Content-Length") or 0)
                tmp = target.with_suffix(".part")
                done = 0
                with tmp.open("wb") as out:
                    while block := resp.read(1 << 16):
                        out.write(block)
                        done += len(block)
                        if progress is not None:
                            progress(target.name, done, total)
                tmp.replace(target)
                return
        except OSError as exc:
            errors.append(f"{url}: {exc}")
    raise EngineError(f"could not download {target.name}: " + "; ".join(errors or ["no links"]))


def _package_metadata(file: Path) -> dict[str, Any]:
    """Check that a file is an Argos package before argostranslate unpacks it."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = [n for n in archive.namelist() if n.endswith("/metadata.json")]
            if not names:
                raise EngineError(f"{file}: not an Argos package (no metadata.json inside)")
            metadata = json.loads(archive.read(min(names, key=len)))
    except zipfile.BadZipFile as exc:
        raise EngineError(f"{file}: not an Argos package (not a zip archive)") from exc
    except (ValueError, KeyError) as exc:
        raise EngineError(f"{file}: unreadable metadata.json ({exc})") from exc
    if metadata.get("type", "translate") != "translate" or metadata.get("from_code") != SOURCE_TAG:
        raise EngineError(f"{file}: not an English→X translation package")
    if metadata.get("to_code") not in {argos_code(locale_for(t)) for t in DEFAULT_TARGETS}:
        log.warning(
            "%s translates into %s, which intl-pub does not publish", file, metadata.get("to_code")
        )
    return metadata
