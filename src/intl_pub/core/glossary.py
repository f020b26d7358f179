"""The glossary: ``translations/glossary.toml``, read and checked once per run.

Translators own the file (it sits beside their catalogs); its terms steer the
engine (do not translate, required translations) and the verifier (critical
terms), and its digest is part of what every step's manifest records.
"""

from __future__ import annotations

import hashlib
import tomllib

from intl_pub.core.config import Settings
from intl_pub.core.errors import ConfigError
from intl_pub.core.locales import parse_locales
from intl_pub.core.model import Glossary

GLOSSARY_FILE = "glossary.toml"


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
