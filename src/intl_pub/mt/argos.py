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

import contextlib
import json
import logging
import shutil
import sys
import tempfile
import threading
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from intl_pub.core.errors import EngineError, ModelMissingError
from intl_pub.core.locales import DEFAULT_TARGETS, SOURCE_TAG
from intl_pub.core.locales import locale as locale_for
from intl_pub.core.model import Locale
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
    label: str
    settings: MTSettings
    translator: Any = field(default=None)
    """The CTranslate2 model, loaded when first needed: a flow process that only splits
    and joins (the translating done by Dask workers) never loads it."""
    _sentencizer: Any = field(default=None)

    @property
    def sentencizer(self) -> Any:
        """The package's MiniSBD sentence splitter, made when a text is first split:
        argostranslate's ``sbd`` module imports stanza and torch (~2.3 s), which the check
        that runs before an unchanged run's steps does not need."""
        if self._sentencizer is None:  # (two threads may both make one: either will do)
            from argostranslate.sbd import MiniSBDSentencizer

            self._sentencizer = MiniSBDSentencizer(self.package)
        return self._sentencizer


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
    """The package and its label (its sentence splitter and CTranslate2 model come later)."""
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings

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
    return _Model(pkg, label, settings)


def _load_translator(model: _Model, locale: Locale) -> Any:
    import ctranslate2

    from intl_pub.mt.allocator import keep_buffers

    keep_buffers()  # a Dask worker's MALLOC_TRIM_THRESHOLD_ would triple the CPU per sentence
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


ByteProgress = Callable[[str, int, int], None]
"""(label, bytes done, bytes in all; 0 when unknown): progress of a download or an unpacking."""
PROGRESS_STEP = 10
"""Off a terminal, one plain log line per this many percent."""


def install_files(paths: Sequence[Path], progress: ByteProgress | None = None) -> list[str]:
    """Install .argosmodel files (or every one in the given folders); return what was installed.

    A package already installed at the same version is skipped (a real model is
    100 MB or more, and run.sh installs from models/ on every run); another
    version of the same pair is replaced. Unpacking shows progress: ``progress``
    when given, else a bar on a terminal and a log line per 10 % elsewhere.
    """
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
    with _reporter(progress) as report:
        for file in files:
            metadata = _package_metadata(file)
            pair = f"{metadata.get('from_code')}→{metadata.get('to_code')}"
            version = str(metadata.get("package_version", "?"))
            if _installed_version(metadata) == version:
                log.info("%s %s is already installed; skipped %s", pair, version, file)
                continue
            _unpack(file, metadata, report)
            done.append(f"{pair} {version} from {file}")
    return done


def install_from_index(
    locales: Sequence[Locale], progress: ByteProgress | None = None
) -> list[str]:
    """Download and install en→xx packages from the Argos index.

    argostranslate's own ``get_available_packages()`` retries for about a
    minute without a network; here the index is fetched once, with a timeout,
    and a failure says how to install offline. Pairs already installed are
    not downloaded again.
    """
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
    # On a terminal the caller's bar shows the downloads (and only one live display may
    # run); off a terminal, or without a caller's bar, ours reports both steps.
    ours = (
        contextlib.nullcontext(_silent)
        if progress is not None and sys.stderr.isatty()
        else _reporter(None)
    )
    with ours as plain:
        def logged(name: str, count: int, total: int) -> None:
            plain(f"downloading {name}", count, total)

        download = _both(progress, logged) if progress is not None else logged
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
            _download(meta.get("links", []), target, download)
            _unpack(target, _package_metadata(target), plain)
            target.unlink(missing_ok=True)
            done.append(
                f"en→{argos_code(locale)} {meta.get('package_version', '?')} from the Argos index"
            )
    return done


def _download(links: list[str], target: Path, progress: ByteProgress | None) -> None:
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


def _installed_version(metadata: dict[str, Any]) -> str | None:
    """The version of the installed package for the same pair, if there is one."""
    for pkg in _installed_packages():
        if getattr(pkg, "type", "translate") != "translate":
            continue
        if (pkg.from_code, pkg.to_code) == (metadata.get("from_code"), metadata.get("to_code")):
            return str(pkg.package_version)
    return None


def _unpack(file: Path, metadata: dict[str, Any], progress: ByteProgress) -> None:
    """argostranslate's install_from_path, done so that it is whole or absent, with progress.

    The archive is unpacked beside the packages folder and then renamed into it,
    so a run killed mid-way never leaves a half package that would later count
    as installed; an installed package of the same pair (another version) is
    removed first, so two versions never compete.
    """
    from argostranslate import package as argos_package
    from argostranslate import settings

    packages_dir = Path(settings.package_data_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    label = f"unpacking {file.name}"
    with zipfile.ZipFile(file) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        tops = {_member_path(file, m.filename).parts[0] for m in members}
        staging = Path(tempfile.mkdtemp(prefix=".intl-pub-unpack-", dir=packages_dir.parent))
        try:
            done = 0
            progress(label, 0, total)
            for member in members:
                dest = staging.joinpath(*_member_path(file, member.filename).parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, dest.open("wb") as out:
                    while block := src.read(1 << 16):
                        out.write(block)
                        done += len(block)
                        progress(label, done, total)
            pair = (metadata.get("from_code"), metadata.get("to_code"))
            replaced = [
                pkg
                for pkg in _installed_packages()
                if getattr(pkg, "type", "translate") == "translate"
                and (pkg.from_code, pkg.to_code) == pair
                and Path(pkg.package_path).parent == packages_dir
            ]
            with argos_package.package_lock:  # a plain Lock: nothing inside may take it again
                for pkg in replaced:
                    log.info("replacing %s %s", pkg.package_path, pkg.package_version)
                    shutil.rmtree(pkg.package_path)
                for top in sorted(tops):
                    final = packages_dir / top
                    if final.exists():
                        shutil.rmtree(final)
                    (staging / top).replace(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    from argostranslate.translate import get_installed_languages

    get_installed_languages.cache_clear()


def _member_path(file: Path, name: str) -> PurePosixPath:
    """A zip member's path, refused when it would land outside the packages folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise EngineError(f"{file}: unsafe path {name!r} inside the package")
    return path


def _silent(label: str, done: int, total: int) -> None:
    """No progress display."""


def _both(first: ByteProgress, second: ByteProgress) -> ByteProgress:
    def report(label: str, done: int, total: int) -> None:
        first(label, done, total)
        second(label, done, total)

    return report


@contextlib.contextmanager
def _reporter(progress: ByteProgress | None) -> Iterator[ByteProgress]:
    """``progress`` as given; else a rich bar on a terminal, plain log lines elsewhere."""
    if progress is not None:
        yield progress
        return
    if sys.stderr.isatty():
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        with Progress(
            *Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn()
        ) as bar:
            tasks: dict[str, Any] = {}

            def show(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(label, total=total or None)
                bar.update(tasks[label], completed=done, total=total or None)

            yield show
        return
    yield _PlainProgress()


class _PlainProgress:
    """One log line per PROGRESS_STEP percent (cron, CI, a Prefect worker: no terminal)."""

    def __init__(self) -> None:
        self.shown: dict[str, int] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if total <= 0:
            return
        step = 100 * done // total // PROGRESS_STEP * PROGRESS_STEP
        if step > self.shown.get(label, 0):
            self.shown[label] = step
            log.info("%s: %d%% (%.1f of %.1f MB)", label, step, done / 1e6, total / 1e6)


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
