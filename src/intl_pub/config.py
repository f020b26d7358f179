"""Settings: read once from ``intl-pub.toml`` and the environment, then passed down.

Precedence, lowest first: built-in defaults, the settings file in the work
folder, ``INTL_PUB_*`` environment variables, command-line options (applied
by the caller through :func:`dataclasses.replace`).
"""

from __future__ import annotations

import hashlib
import os
import re
import string
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from intl_pub.errors import ConfigError
from intl_pub.locales import DEFAULT_TARGETS, parse_locales
from intl_pub.model import Glossary, Locale
from intl_pub.risk import RiskSettings

SETTINGS_FILE = "intl-pub.toml"
GLOSSARY_FILE = "glossary.toml"


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
    source_tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``[sources."URL_OR_PATH"]`` tables: content_selector, exclude_selectors, trusted."""
    risk: RiskSettings = field(default_factory=RiskSettings)
    """``[risk]``: what makes a unit risky to publish unreviewed (see intl_pub.risk)."""
    held_back_locales: frozenset[str] = frozenset()
    """Locale tags whose risky units are published unreviewed (``[site.locales.ru]
    hold_risky = false``); every other locale shows them in English until reviewed."""
    feedback_url: str = ""
    """``[site] feedback_url``: where readers report a translation problem; a template with
    ``{lang}``, ``{slug}``, ``{block}``, ``{url}`` (empty: no report links)."""

    def holds_risky(self, locale: Locale) -> bool:
        """True when ``locale`` publishes a risky unit only once it is reviewed (the default)."""
        return locale.tag not in self.held_back_locales

    def for_source(self, source: str) -> SourceSettings:
        """How ``source`` (as named in settings or on the command line) is read."""
        wanted = resolve_source(self, source)
        table = next(
            (t for key, t in self.source_tables.items() if resolve_source(self, key) == wanted), {}
        )
        return SourceSettings(
            allowed_hosts=self.allowed_hosts,
            fetch_deadline_seconds=self.fetch_deadline_seconds,
            **table,
        )

    def threshold(self, locale: Locale, kind: str) -> float:
        """The locale's ``publish`` or ``index`` threshold (share of reviewed blocks)."""
        default = self.min_reviewed_to_publish if kind == "publish" else self.min_reviewed_to_index
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


def load_glossary(settings: Settings) -> Glossary:
    """Read translations/glossary.toml (an empty glossary when there is none).

    ``do_not_translate = [...]`` at the top; one table per locale mapping
    English terms to their required translation::

        do_not_translate = ["MyNorthbridge", "WHO"]
        critical = ["amoxicillin", "paracetamol"]   # risky wherever they occur
        [es]
        "flu vaccine" = "vacuna contra la gripe"
    """
    path = settings.translations_dir / GLOSSARY_FILE
    if not path.exists():
        return Glossary()
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}; fix the glossary file") from exc
    keep = data.pop("do_not_translate", [])
    if not isinstance(keep, list) or not all(isinstance(t, str) and t.strip() for t in keep):
        raise ConfigError(f"{path}: do_not_translate must be a list of non-empty strings")
    critical = data.pop("critical", [])
    if not isinstance(critical, list) or not all(
        isinstance(t, str) and t.strip() for t in critical
    ):
        raise ConfigError(f"{path}: critical must be a list of non-empty strings (drug names)")
    terms: dict[str, dict[str, str]] = {}
    for tag, table in data.items():
        try:
            (locale,) = parse_locales([tag])
        except ConfigError as exc:
            raise ConfigError(f"{path}: [{tag}]: {exc}") from exc
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in table.items()
        ):
            raise ConfigError(f"{path}: [{tag}] must map English terms to translations (strings)")
        terms[locale.tag] = dict(table)
    version = hashlib.sha256(raw).hexdigest()[:12]
    return Glossary(tuple(keep), terms, version, tuple(t.strip() for t in critical))


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
        },
        "pipeline": {
            "sources",
            "locales",
            "engine",
            "lock_wait_seconds",
            "allowed_hosts",
            "fetch_deadline_seconds",
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
                values["held_back_locales"] = _unheld(path, value)
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
            if key == "hold_risky":
                continue  # see _unheld
            if key not in {"min_reviewed_to_index", "min_reviewed_to_publish"}:
                raise ConfigError(
                    f"{path}: unknown key {key!r} in [site.locales.{tag}]; expected "
                    "min_reviewed_to_index, min_reviewed_to_publish or hold_risky"
                )
            kind = key.removeprefix("min_reviewed_to_")
            result.setdefault(locale.tag, {})[kind] = _coerce(path, key, number)
    return result


def _unheld(path: Path, value: dict[str, Any]) -> frozenset[str]:
    """``[site.locales.ru] hold_risky = false`` -> ``{"ru"}``: risky units go out unreviewed."""
    unheld = set()
    for tag, table in value.items():
        hold = table.get("hold_risky", True) if isinstance(table, dict) else True
        if not isinstance(hold, bool):
            raise ConfigError(f"{path}: [site.locales.{tag}] hold_risky must be true or false")
        if not hold:
            (locale,) = parse_locales([tag])
            unheld.add(locale.tag)
    return frozenset(unheld)


def _source_tables(path: Path, value: Any) -> dict[str, dict[str, Any]]:
    """``[sources."https://host/feed.xml"] content_selector = "main .post"`` -> per-source keys."""
    known = {"content_selector", "exclude_selectors", "trusted"}
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
