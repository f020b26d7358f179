"""``intl-pub init``: a new work folder for one's own blog (as ``hugo new site``, ``mkdocs new``).

It writes what a run needs before its first pull and nothing it would write
itself: the settings file (the given values, the other settings commented),
content/, and translations/ with the site's own words -- site.pot, and per
locale site.po from the reviewed catalog intl-pub ships for it, if any.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intl_pub.core.config import SETTINGS_FILE, Settings, load_settings, starter_settings
from intl_pub.core.errors import ConfigError
from intl_pub.core.locales import parse_locales
from intl_pub.publish import interface
from intl_pub.publish import site as publish
from intl_pub.workdir.store import Store


@dataclass(frozen=True)
class Created:
    """What ``init`` made, for the command to print."""

    settings: Settings
    written: list[str]
    """Files written, relative to the work folder."""
    shipped: list[str]
    """Locale tags whose interface words intl-pub ships reviewed."""


def init_workdir(
    folder: Path,
    sources: Sequence[str] = (),
    title: str = "Blog",
    base_url: str = "http://localhost:8000/",
    locales: str = "es,zh-Hans,ru",
    engine: str = "argos",
) -> Created:
    """Create a work folder in ``folder`` (made if missing).

    Refuses a folder that has a settings file already: that one is someone's
    configuration. A source that is a path on disk is written relative to the
    folder, so the folder can move with it.
    """
    folder = folder.resolve()
    settings_path = folder / SETTINGS_FILE
    if settings_path.exists():
        raise ConfigError(
            f"{settings_path} exists already: this folder is a work folder. Run the "
            "commands there, or give `intl-pub init` another folder"
        )
    tags = [loc.tag for loc in parse_locales(locales)]  # an unknown language stops here
    text = starter_settings(
        title, base_url, [_source(s, folder) for s in sources], tags, engine
    )
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(folder)
    with store.batch():
        store.write(settings_path, text.encode("utf-8"))
        store.content_dir.mkdir(exist_ok=True)
    settings = load_settings(folder, env={})  # what was written reads back
    with store.batch():
        for locale in settings.locales:
            interface.install(store, settings, locale, warn=False)
    written = [SETTINGS_FILE, store.rel(store.ui_template_path())]
    written += [store.rel(store.ui_catalog_path(loc)) for loc in settings.locales]
    shipped = [loc.tag for loc in settings.locales if publish.shipped_ui_catalog(loc)]
    return Created(settings, written, shipped)


def _source(source: str, folder: Path) -> str:
    """A URL as it is; a path that exists, relative to the new work folder."""
    if "://" in source or not Path(source).exists():
        return source
    return Path(os.path.relpath(Path(source).resolve(), folder)).as_posix()
