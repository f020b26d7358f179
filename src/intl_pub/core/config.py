"""Settings: read once from ``intl-pub.toml`` and the environment, then passed down.

Precedence, lowest first: built-in defaults, the settings file in the work
folder, ``INTL_PUB_*`` environment variables, command-line options (applied
by the caller through :func:`dataclasses.replace`).

This module is the only reader of ``os.environ`` in intl-pub: the work
folder's settings (:class:`Settings`) and the process's own knobs
(:class:`Environment`: MT device and threads, worker processes, build time),
which a Dask worker or a worker process reads in its own environment.
"""

from __future__ import annotations

import json
import os
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from intl_pub.core.errors import ConfigError
from intl_pub.core.locales import DEFAULT_TARGETS, parse_locales
from intl_pub.core.model import Locale
from intl_pub.core.risk_settings import RiskSettings

SETTINGS_FILE = "intl-pub.toml"
GATES = ("verify", "hold", "open")
"""What the publishing gate lets through unreviewed (``[site] gate``, per locale too):
``verify`` machine translation that passes QA and verification against the English (numbers,
units, dates, phones, negation, names) at the engine's confidence threshold; ``hold`` only what
is not risky (a dose, a negation... waits for review); ``open`` whatever passes QA."""
ENVIRONMENT = (
    "INTL_PUB_ENGINE", "INTL_PUB_LOCALES", "INTL_PUB_BASE_URL",  # settings (Settings)
    "INTL_PUB_DEVICE", "INTL_PUB_COMPUTE_TYPE", "ARGOS_COMPUTE_TYPE",  # this process (Environment)
    "INTL_PUB_INTER_THREADS", "INTL_PUB_INTRA_THREADS", "INTL_PUB_WORKERS",
    "INTL_PUB_PARALLEL_MIN_WORK", "INTL_PUB_CACHE_DIR", "XDG_CACHE_HOME", "HOME",
    "SOURCE_DATE_EPOCH",
)
"""Every variable intl-pub reads (the flows add INTL_PUB_TASK_RUNNER and INTL_PUB_ROOT)."""
DEFAULT_RETRIES = {"pull": 2, "translate": 1}
"""Retries only where a retry can help: the network (pull) and the engine (translate)."""
STEP_ACTIONS = ("pull", "extract", "translate", "publish")


@dataclass(frozen=True)
class SourceSettings:
    """How one source is read: ``[pipeline]`` network rules and its ``[sources."…"]`` table."""

    content_selector: str = ""
    """CSS selector of the article on this source's pages; empty: extraction guesses."""
    exclude_selectors: tuple[str, ...] = ()
    """CSS selectors of parts to drop before extraction (share bars, related posts)."""
    trusted: bool = False
    """Store this source's markup as sent, unsanitized (scripts included): opt-in only."""
    allowed_hosts: tuple[str, ...] = ()
    """Hosts a source may lead to even when they resolve to internal addresses."""
    fetch_deadline_seconds: float = 60.0
    """Total time one fetch may take, besides the per-read timeout."""
    source_language: str = "en"
    """The language the source's pages are written in; a page in another is not pulled."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved to absolute paths."""

    workdir: Path
    """The folder that holds content/, translations/ and site/."""
    sources: tuple[str, ...] = ()
    """Feed URLs or files, post URLs, or folders of HTML files."""
    locales: tuple[Locale, ...] = field(default_factory=lambda: parse_locales(DEFAULT_TARGETS))
    """Target locales, in the order they are shown to readers."""
    engine: str = "argos"
    """Machine-translation engine name (see intl_pub.mt)."""
    site_title: str = "Blog"
    """The blog's name, shown on index pages and in feeds (translated in site.po)."""
    site_tagline: str = ""
    """A line under the name in the header and the feeds' subtitle (translated in site.po)."""
    base_url: str = "http://localhost:8000/"
    """Absolute URL the site is served from; ends with a slash."""
    min_reviewed_to_index: float = 0.0
    """Share of reviewed blocks below which a page gets ``noindex`` (0 = always index)."""
    min_reviewed_to_publish: float = 0.0
    """Share of reviewed blocks below which a translated page is not published at all."""
    locale_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per-locale overrides: ``{"ru": {"index": 0.5, "publish": 0.0}}``."""
    lock_wait_seconds: float = 0.0
    mt_device: str | None = None
    """``[mt] device``: auto, cpu or cuda (None: INTL_PUB_DEVICE, else auto)."""
    mt_compute_type: str | None = None
    """``[mt] compute_type``: CTranslate2's compute type (None: the environment, else auto)."""
    mt_inter_threads: int | None = None
    mt_intra_threads: int | None = None
    token_budget: int = 4096
    """``[mt] token_budget``: tokens per machine-translation shard (a task on a worker)."""
    """How long a run waits for another run's lock before failing (0 = fail at once)."""
    allowed_hosts: tuple[str, ...] = ()
    """``[pipeline] allowed_hosts``: internal hosts a source may lead to (see SOURCES.md)."""
    fetch_deadline_seconds: float = 60.0
    """``[pipeline] fetch_deadline_seconds``: total time one fetch may take."""
    retries: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RETRIES))
    """``[pipeline] retries``: how often a failed step is tried again, per step (pull,
    extract, translate: its shards, publish); only where a retry can help, by default."""
    retry_delay_seconds: tuple[float, ...] = (2.0, 10.0)
    """``[pipeline] retry_delay_seconds``: the wait before each retry (the last repeats)."""
    source_language: str = "en"
    """``[pipeline] source_language``: what the sources are written in (a page in another
    language is reported, not translated); a ``[sources."…"]`` table may say otherwise."""
    source_tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``[sources."URL_OR_PATH"]`` tables: content_selector, exclude_selectors, trusted."""
    risk: RiskSettings = field(default_factory=RiskSettings)
    """``[risk]``: what makes a unit risky to publish unreviewed (see intl_pub.risk)."""
    gate: str = "verify"
    """``[site] gate``: what the publishing gate lets through unreviewed (see GATES)."""
    locale_gates: dict[str, str] = field(default_factory=dict)
    """Per-locale gates: ``[site.locales.ru] gate = "hold"`` (``hold_risky = true`` is
    ``hold``, ``hold_risky = false`` is ``open``, as before 0.2)."""
    min_confidence: float = 0.0
    """``[site] min_confidence``: machine translation the engine was less sure of than this
    (``#. mt: … · confidence 0.31``) waits for review; per locale in ``[site.locales.<l>]``."""
    feedback_url: str = ""
    """``[site] feedback_url``: where readers report a translation problem; a template with
    ``{lang}``, ``{slug}``, ``{block}``, ``{url}`` (empty: no report links)."""

    def gate_for(self, locale: Locale) -> str:
        """The locale's publishing gate: ``verify``, ``hold`` or ``open``."""
        return self.locale_gates.get(locale.tag, self.gate)

    def holds_risky(self, locale: Locale) -> bool:
        """True when ``locale`` publishes a risky unit only once it is reviewed (``hold``)."""
        return self.gate_for(locale) == "hold"

    def for_source(self, source: str) -> SourceSettings:
        """How ``source`` (as named in settings or on the command line) is read."""
        wanted = resolve_source(self, source)
        table = next(
            (t for key, t in self.source_tables.items() if resolve_source(self, key) == wanted), {}
        )
        return SourceSettings(**{
            "allowed_hosts": self.allowed_hosts,
            "fetch_deadline_seconds": self.fetch_deadline_seconds,
            "source_language": self.source_language,
            **table,
        })

    def threshold(self, locale: Locale, kind: str) -> float:
        """The locale's ``publish`` or ``index`` threshold (share of reviewed blocks), or its
        ``confidence`` threshold (the engine's confidence machine translation needs)."""
        defaults = {
            "publish": self.min_reviewed_to_publish,
            "index": self.min_reviewed_to_index,
            "confidence": self.min_confidence,
        }
        default = defaults[kind]
        return self.locale_thresholds.get(locale.tag, {}).get(kind, default)

    @property
    def content_dir(self) -> Path:
        return self.workdir / "content"

    @property
    def translations_dir(self) -> Path:
        return self.workdir / "translations"

    @property
    def site_dir(self) -> Path:
        return self.workdir / "site"


def load_settings(workdir: Path | str = ".", env: dict[str, str] | None = None) -> Settings:
    """Read the settings file in ``workdir`` (if any) and ``INTL_PUB_*`` variables."""
    env = dict(os.environ if env is None else env)
    root = Path(workdir).resolve()
    values: dict[str, Any] = {}
    path = root / SETTINGS_FILE
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}; fix the file or remove it") from exc
        values.update(_from_file(path, data))
    if "INTL_PUB_ENGINE" in env:
        values["engine"] = env["INTL_PUB_ENGINE"]
    if "INTL_PUB_LOCALES" in env:
        values["locales"] = parse_locales(env["INTL_PUB_LOCALES"])
    if "INTL_PUB_BASE_URL" in env:
        values["base_url"] = env["INTL_PUB_BASE_URL"]
    if "base_url" in values:
        named = "INTL_PUB_BASE_URL" if "INTL_PUB_BASE_URL" in env else f"{path}: [site] base_url"
        _check_base_url(named, values["base_url"])
    settings = Settings(workdir=root, **values)
    if not settings.base_url.endswith("/"):
        settings = replace(settings, base_url=settings.base_url + "/")
    return settings


STARTER_SETTINGS = """\
# intl-pub settings for this work folder, written by `intl-pub init`. Every key is optional;
# the command line (--source, --locales, --engine) and INTL_PUB_ENGINE, INTL_PUB_LOCALES,
# INTL_PUB_BASE_URL override them. intl-pub's README lists every setting.

[site]
title = {title}   # the blog's name: translated in translations/<l>/site.po
# tagline = "A line under the title"   # translated there too
base_url = {base_url}   # where site/ is served from: canonical links, feeds, sitemap
# min_reviewed_to_publish = 0.0   # share of reviewed blocks a translated page needs
# min_reviewed_to_index = 0.0     # below it: <meta name="robots" content="noindex">
# feedback_url = "https://example.org/report?lang={{lang}}&post={{slug}}&block={{block}}&page={{url}}"

[pipeline]
sources = {sources}   # feeds (URL or file), post URLs, folders of HTML files
locales = {locales}   # any language Argos translates into: fr, de, pt-BR, ar, ja...
engine = {engine}   # argos (`intl-pub models install` first) | pseudo (no model: to try things)
# allowed_hosts = []   # private hosts a feed may link to (docs/SOURCES.md)

# [sources."https://blog.example/feed.xml"]   # where the article is on a source's pages
# content_selector = "div.post-body"
# exclude_selectors = [".share", ".related"]

# [mt]   # where the engine runs (docs/MT.md)
# device = "auto"   # auto | cpu | cuda
"""
"""The settings file ``intl-pub init`` writes: the values it was given, the rest commented."""


def starter_settings(
    title: str, base_url: str, sources: Sequence[str], locales: Sequence[str], engine: str
) -> str:
    """:data:`STARTER_SETTINGS` with these values, as TOML."""
    return STARTER_SETTINGS.format(
        title=_toml(title),
        base_url=_toml(base_url),
        sources=_toml(list(sources)),
        locales=_toml(list(locales)),
        engine=_toml(engine),
    )


def _toml(value: str | list[str]) -> str:
    """A TOML string or array of strings: JSON's escapes are TOML's, but for DEL, which
    JSON leaves as it is and TOML refuses in a string."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def settings_line(settings: Settings, section: str, key: str) -> int:
    """The line of ``key = ...`` in ``[section]`` of the settings file, 0 when not there
    (what a catalog's ``#:`` reference to a setting, such as the site's title, names)."""
    path = settings.workdir / SETTINGS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    current = ""
    for number, line in enumerate(lines, 1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
        elif current == section and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 0


@dataclass(frozen=True)
class Environment:
    """The process's own knobs, from its environment (each machine or worker says what it has).

    Unlike :class:`Settings`, these belong to the process, not to the work
    folder: a Dask worker resolves the MT device and threads in its own
    environment, and a worker process gets its parent's.
    """

    device: str | None = None
    """``INTL_PUB_DEVICE``: where the MT engine runs (auto, cpu, cuda)."""
    compute_type: str | None = None
    """``INTL_PUB_COMPUTE_TYPE``, else argostranslate's ``ARGOS_COMPUTE_TYPE``."""
    inter_threads: str | None = None
    """``INTL_PUB_INTER_THREADS``, as written (the engine checks it is a whole number)."""
    intra_threads: str | None = None
    """``INTL_PUB_INTRA_THREADS``, as written."""
    workers: int | None = None
    """``INTL_PUB_WORKERS``: the most worker processes a step may use (1: none)."""
    parallel_min_work: int | None = None
    """``INTL_PUB_PARALLEL_MIN_WORK``: characters of input from which a step's jobs go to
    worker processes (default: intl_pub.pipeline.parallel.MIN_WORK; 0 for tests)."""
    source_date_epoch: str | None = None
    """``SOURCE_DATE_EPOCH``: the build time written into catalogs (reproducible builds)."""
    malloc: Mapping[str, str] = field(default_factory=dict)
    """glibc's allocator variables (``MALLOC_*``, ``GLIBC_TUNABLES``): see intl_pub.mt.allocator."""
    cache_dir: str | None = None
    """Where tables derived from installed packages are kept between runs
    (:mod:`intl_pub.core.derived`): ``INTL_PUB_CACHE_DIR``, else ``$XDG_CACHE_HOME/intl-pub``,
    else ``~/.cache/intl-pub``; ``INTL_PUB_CACHE_DIR=off``: none kept."""


def environment(env: Mapping[str, str] | None = None) -> Environment:
    """The process's knobs, read now from ``env`` (default: this process's environment)."""
    env = os.environ if env is None else env
    cap, least = env.get("INTL_PUB_WORKERS", ""), env.get("INTL_PUB_PARALLEL_MIN_WORK", "")
    return Environment(
        device=env.get("INTL_PUB_DEVICE") or None,
        compute_type=env.get("INTL_PUB_COMPUTE_TYPE") or env.get("ARGOS_COMPUTE_TYPE") or None,
        inter_threads=env.get("INTL_PUB_INTER_THREADS"),
        intra_threads=env.get("INTL_PUB_INTRA_THREADS"),
        workers=int(cap) if cap.isdigit() and int(cap) > 0 else None,
        parallel_min_work=int(least) if least.isdigit() else None,
        source_date_epoch=env.get("SOURCE_DATE_EPOCH"),
        malloc={
            k: v for k, v in env.items() if k.startswith("MALLOC_") or k == "GLIBC_TUNABLES"
        },
        cache_dir=_cache_dir(env),
    )


def _cache_dir(env: Mapping[str, str]) -> str | None:
    chosen = env.get("INTL_PUB_CACHE_DIR", "")
    if chosen.lower() in ("off", "none", "0"):
        return None
    if chosen:
        return chosen
    base = env.get("XDG_CACHE_HOME") or (
        str(Path(env["HOME"]) / ".cache") if env.get("HOME") else ""
    )
    return str(Path(base) / "intl-pub") if base else None


def environ_snapshot() -> dict[str, str]:
    """The whole environment as it is now, for a worker process to run with (the fork
    server keeps the one it was started with)."""
    return dict(os.environ)


def resolve_source(settings: Settings, source: str) -> str:
    """Make a relative file source absolute against the work folder; URLs pass through."""
    if "://" in source:
        return source
    return str((settings.workdir / source).resolve())


def _from_file(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    known = {
        "site": {
            "title",
            "tagline",
            "base_url",
            "min_reviewed_to_index",
            "min_reviewed_to_publish",
            "locales",
            "feedback_url",
            "gate",
            "min_confidence",
        },
        "pipeline": {
            "sources",
            "locales",
            "engine",
            "lock_wait_seconds",
            "allowed_hosts",
            "fetch_deadline_seconds",
            "retries",
            "retry_delay_seconds",
            "source_language",
        },
        "mt": {"device", "compute_type", "inter_threads", "intra_threads", "token_budget"},
    }
    values: dict[str, Any] = {}
    if "sources" in data:
        values["source_tables"] = _source_tables(path, data.pop("sources"))
    if "risk" in data:
        values["risk"] = RiskSettings.from_table(data.pop("risk"), f"{path}: [risk]")
    for section, keys in data.items():
        if section not in known or not isinstance(keys, dict):
            raise ConfigError(
                f"{path}: unknown section [{section}]; expected [site], [pipeline], [mt], "
                '[sources."..."] or [risk]'
            )
        for key, value in keys.items():
            if key not in known[section]:
                raise ConfigError(
                    f"{path}: unknown key {key!r} in [{section}]; expected one of "
                    + ", ".join(sorted(known[section]))
                )
            if (section, key) == ("site", "locales"):
                values["locale_thresholds"] = _thresholds(path, value)
                values["locale_gates"] = _gates(path, value)
                continue
            if key in {"retries", "retry_delay_seconds"}:
                values[key] = _retry_value(path, key, value)
                continue
            if section == "mt":
                values[f"mt_{key}" if key != "token_budget" else key] = _mt_value(path, key, value)
                continue
            name = f"site_{key}" if section == "site" and key in {"title", "tagline"} else key
            values[name] = _coerce(path, name, value)
    return values


def _mt_value(path: Path, key: str, value: Any) -> Any:
    """``[mt]``: where and how the engine runs (see docs/MT.md)."""
    if key in {"device", "compute_type"}:
        if not isinstance(value, str) or not value:
            raise ConfigError(f'{path}: [mt] {key} must be a string, e.g. "auto"')
        if key == "device" and value not in {"auto", "cpu", "cuda"}:
            raise ConfigError(f"{path}: [mt] device must be auto, cpu or cuda (not {value!r})")
        return value
    if not isinstance(value, int) or isinstance(value, bool) or value < (key == "token_budget"):
        raise ConfigError(
            f"{path}: [mt] {key} must be a whole number of at least {int(key == 'token_budget')}"
        )
    return value


def _retry_value(path: Path, key: str, value: Any) -> Any:
    """``retries = {pull = 2}`` (steps not named keep their default) and
    ``retry_delay_seconds = 10`` or ``[2, 10]``."""
    if key == "retry_delay_seconds":
        delays = value if isinstance(value, list) else [value]
        if not delays or not all(
            isinstance(d, (int, float)) and not isinstance(d, bool) and d >= 0 for d in delays
        ):
            raise ConfigError(
                f"{path}: retry_delay_seconds must be a number of seconds or a list of them"
            )
        return tuple(float(d) for d in delays)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: retries must be a table, e.g. retries = {{ pull = 2 }}")
    retries = dict(DEFAULT_RETRIES)
    for step, count in value.items():
        if step not in STEP_ACTIONS:
            raise ConfigError(
                f"{path}: retries: unknown step {step!r}; expected " + ", ".join(STEP_ACTIONS)
            )
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ConfigError(f"{path}: retries.{step} must be a whole number of at least 0")
        retries[step] = count
    return retries


def _coerce(path: Path, name: str, value: Any) -> Any:
    if name == "locales":
        return parse_locales(value)
    if name in {"sources", "allowed_hosts", "exclude_selectors"}:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {name} must be a list of strings")
        return tuple(v.lower() for v in value) if name == "allowed_hosts" else tuple(value)
    if name == "trusted":
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: trusted must be true or false")
        return value
    if name == "fetch_deadline_seconds":
        if not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{path}: fetch_deadline_seconds must be a positive number")
        return float(value)
    if name == "gate":
        if value not in GATES:
            raise ConfigError(f"{path}: gate must be one of {', '.join(GATES)} (not {value!r})")
        return value
    if name == "min_confidence":
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(f"{path}: min_confidence must be a number from 0 to 1")
        return float(value)
    if name in {"min_reviewed_to_index", "min_reviewed_to_publish", "lock_wait_seconds"}:
        if not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{path}: {name} must be a non-negative number")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{path}: {name} must be a string")
    if name == "feedback_url":
        _check_feedback_url(path, value)
    return value


def _check_base_url(named: str, value: str) -> None:
    """An absolute http(s) URL with a host: it goes into canonical links, hreflang
    alternates, feeds and the sitemap, where ``javascript:…`` or a bare path would be
    published as it is."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError as exc:
        raise ConfigError(
            f"{named}: {value!r} is not a URL ({exc}); give the site's address, "
            'e.g. "https://news.example.org/"'
        ) from exc
    bad = re.search(r"[\s\x00-\x1f\x7f<>\"']", value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or bad:
        raise ConfigError(
            f"{named}: {value!r} is not an http(s) URL with a host; give the site's address, "
            'e.g. "https://news.example.org/"'
        )
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ConfigError(
            f"{named}: {value!r} has a ?query or #fragment, which page paths cannot follow; "
            'give the address of the site\'s folder, e.g. "https://news.example.org/"'
        )


def _check_feedback_url(path: Path, value: str) -> None:
    """Only {lang}, {slug}, {block} and {url} may be filled in (a typo fails here, not later)."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as exc:
        raise ConfigError(f"{path}: feedback_url {value!r}: {exc}") from exc
    unknown = sorted(names - {"lang", "slug", "block", "url"})
    if unknown:
        raise ConfigError(
            f"{path}: feedback_url: unknown placeholder(s) {', '.join(unknown)}; "
            "use {lang}, {slug}, {block}, {url}"
        )


def _thresholds(path: Path, value: Any) -> dict[str, dict[str, float]]:
    """``[site.locales.ru] min_reviewed_to_index = 0.5`` -> ``{"ru": {"index": 0.5}}``."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [site.locales] must hold one table per locale")
    result: dict[str, dict[str, float]] = {}
    for tag, table in value.items():
        (locale,) = parse_locales([tag])
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [site.locales.{tag}] must be a table")
        for key, number in table.items():
            if key in {"hold_risky", "gate"}:
                continue  # see _gates
            if key not in {"min_reviewed_to_index", "min_reviewed_to_publish", "min_confidence"}:
                raise ConfigError(
                    f"{path}: unknown key {key!r} in [site.locales.{tag}]; expected "
                    "min_reviewed_to_index, min_reviewed_to_publish, min_confidence or gate"
                )
            kind = key.removeprefix("min_reviewed_to_").removeprefix("min_")
            result.setdefault(locale.tag, {})[kind] = _coerce(path, key, number)
    return result


def _gates(path: Path, value: dict[str, Any]) -> dict[str, str]:
    """``[site.locales.ru] gate = "hold"`` -> ``{"ru": "hold"}``; the older ``hold_risky =
    true/false`` says ``hold``/``open``."""
    gates = {}
    for tag, table in value.items():
        if not isinstance(table, dict):
            continue
        hold = table.get("hold_risky")
        if hold is not None and not isinstance(hold, bool):
            raise ConfigError(f"{path}: [site.locales.{tag}] hold_risky must be true or false")
        gate = table.get("gate", None if hold is None else ("hold" if hold else "open"))
        if gate is not None:
            (locale,) = parse_locales([tag])
            gates[locale.tag] = _coerce(path, "gate", gate)
    return gates


def _source_tables(path: Path, value: Any) -> dict[str, dict[str, Any]]:
    """``[sources."https://host/feed.xml"] content_selector = "main .post"`` -> per-source keys."""
    known = {"content_selector", "exclude_selectors", "trusted", "source_language"}
    if not isinstance(value, dict) or not all(isinstance(t, dict) for t in value.values()):
        raise ConfigError(f'{path}: [sources."URL_OR_PATH"] must hold one table per source')
    tables: dict[str, dict[str, Any]] = {}
    for source, table in value.items():
        for key, setting in table.items():
            if key not in known:
                raise ConfigError(
                    f'{path}: unknown key {key!r} in [sources."{source}"]; expected one of '
                    + ", ".join(sorted(known))
                )
            tables.setdefault(source, {})[key] = _coerce(path, key, setting)
    return tables
