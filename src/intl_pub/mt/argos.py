"""The Argos Translate engine: installed argostranslate packages, run in batches.

argostranslate stays the loader and the source of truth for its packages (we
use its Package objects, tokenizers and sentence splitters), but its own
``translate()`` sends one ``translate_batch`` per paragraph with a 32-token
batch limit. Here every new unit of a locale is split into sentences once,
tokenized, and sent to one CTranslate2 ``translate_batch`` with the same
decoding settings argostranslate uses (beam size, length penalty, target
prefix, unknown-token replacement), so the words come out the same.

argostranslate imports torch and creates folders when imported: it is
imported lazily, here only.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intl_pub.errors import EngineError, ModelMissingError
from intl_pub.locales import DEFAULT_TARGETS, SOURCE_TAG
from intl_pub.locales import locale as locale_for
from intl_pub.model import Locale
from intl_pub.mt import Progress

log = logging.getLogger(__name__)

CHUNK = 512
"""Sentences per translate_batch call (a progress step); CTranslate2 batches max_batch_size."""
MAX_DECODING = 256
"""CTranslate2's default max_decoding_length, which argostranslate uses as is."""
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
    translator: Any
    sentencizer: Any
    label: str


class ArgosEngine:
    """One CTranslate2 model per locale per process, loaded on first use."""

    name = "argos"

    def __init__(
        self,
        inter_threads: int | None = None,
        intra_threads: int | None = None,
        max_batch_size: int = 32,
    ) -> None:
        self.inter_threads = inter_threads or int(os.environ.get("INTL_PUB_INTER_THREADS", 1))
        self.intra_threads = intra_threads or int(
            os.environ.get("INTL_PUB_INTRA_THREADS", os.cpu_count() or 1)
        )
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
            self._model(locale)

    def translate(
        self, texts: Sequence[str], locale: Locale, progress: Progress | None = None
    ) -> list[str]:
        """Split every text into sentences once, tokenize in bulk, and decode all sentences
        sorted by length (so batches hold sentences of similar length and little padding),
        in steps of CHUNK sentences for progress; then put each text back together."""
        model = self._model(locale)
        pkg = model.package
        groups = [model.sentencizer.split_sentences(t) if t.strip() else [] for t in texts]
        owner = [i for i, group in enumerate(groups) for _ in group]
        flat = [pkg.tokenizer.encode(s) for group in groups for s in group]
        remaining = [len(group) for group in groups]
        if progress is not None and remaining.count(0):
            progress(remaining.count(0))
        hypotheses: list[list[str]] = [[] for _ in flat]
        order = sorted(range(len(flat)), key=lambda i: len(flat[i]))
        for start in range(0, len(order), CHUNK):
            batch = order[start : start + CHUNK]
            finished = 0
            for i, tokens in zip(
                batch, self._decode([flat[i] for i in batch], pkg, model), strict=True
            ):
                hypotheses[i] = tokens
                remaining[owner[i]] -= 1
                finished += remaining[owner[i]] == 0
            if progress is not None and finished:
                progress(finished)
        out, index = [], 0
        for group in groups:
            pieces: list[str] = []
            for _ in group:
                pieces.extend(hypotheses[index])
                index += 1
            out.append(_decode(pkg, pieces))
        return out

    def _decode(self, flat: list[list[str]], pkg: Any, model: _Model) -> list[list[str]]:
        """One translate_batch with argostranslate's decoding settings."""
        from argostranslate import settings

        prefix = [[pkg.target_prefix]] * len(flat) if pkg.target_prefix else None
        # CTranslate2 stops at 256 target tokens by default and argostranslate keeps that:
        # a long sentence would lose its end without a word. Allow twice the longest source.
        limit = max(MAX_DECODING, 2 * max(len(tokens) for tokens in flat) + 10)
        results = model.translator.translate_batch(
            flat,
            target_prefix=prefix,
            replace_unknowns=True,
            max_batch_size=self.max_batch_size,
            batch_type="examples",
            beam_size=max(1, settings.beam_size),
            num_hypotheses=1,
            length_penalty=0.2,
            max_decoding_length=limit,
        )
        out = [result.hypotheses[0] for result in results]
        for tokens, source in zip(out, flat, strict=True):
            if len(tokens) >= limit:
                log.warning(
                    "a translation reached the %d-token limit and may be cut short: %r",
                    limit,
                    pkg.tokenizer.decode(source)[:80],
                )
        return out

    def _model(self, locale: Locale) -> _Model:
        with self._lock:
            if argos_code(locale) not in self._models:
                self._models[argos_code(locale)] = _load(
                    locale, self.inter_threads, self.intra_threads
                )
            return self._models[argos_code(locale)]


def _decode(pkg: Any, pieces: list[str]) -> str:
    """Exactly argostranslate's post-processing of one paragraph's tokens."""
    value = pkg.tokenizer.decode(pieces)
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix) :]
    return value[1:] if value.startswith(" ") else value


def _load(locale: Locale, inter_threads: int, intra_threads: int) -> _Model:
    import ctranslate2
    from argostranslate import package as argos_package
    from argostranslate import settings
    from argostranslate.sbd import MiniSBDSentencizer

    if not settings.debug:
        # argostranslate logs every sentence split at INFO level.
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    pkg = _find(_installed_packages(), locale)
    if pkg is None:
        raise ModelMissingError(
            f"no Argos model installed for en→{argos_code(locale)}; {INSTALL_HINT}"
        )
    model_dir = Path(pkg.package_path) / "model"
    try:
        translator = ctranslate2.Translator(
            str(model_dir),
            device="cpu",
            inter_threads=inter_threads,
            intra_threads=intra_threads,
            compute_type=settings.compute_type,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelMissingError(
            f"the Argos model for en→{argos_code(locale)} at {model_dir} cannot be loaded ({exc}); "
            f"reinstall it: {INSTALL_HINT}"
        ) from exc
    if not (Path(pkg.package_path) / "minisbd").is_dir():
        log.warning(
            "%s has no sentence splitter of its own; MiniSBD may try to download one",
            pkg.package_path,
        )
    label = f"argos {argos_package.argospm_package_name(pkg)} {pkg.package_version}"
    log.info("loaded %s for %s", label, locale.tag)
    return _Model(pkg, translator, MiniSBDSentencizer(pkg), label)


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
