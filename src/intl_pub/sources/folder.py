"""A folder source: the HTML files that are its posts.

Its own module, light to import: every pull lists the folder and skips the
files unchanged since the last pull without loading the feed and page readers.
"""

from __future__ import annotations

import os
from pathlib import Path

from intl_pub.core.errors import SourceError


def page_files(folder: Path) -> list[Path]:
    """The posts of a folder source: its .html and .htm files, in name order."""
    try:
        with os.scandir(folder) as entries:  # (names, sorted as strings: cheaper than Paths)
            names = sorted(e.name for e in entries if e.name.endswith((".html", ".htm")))
    except OSError as exc:  # gone since it was named, or not readable by this user
        raise SourceError(
            f"{folder}: cannot list this folder ({exc.strerror or exc}); check that it exists"
            " and that this user may read it"
        ) from exc
    names.sort(key=lambda name: not name.endswith(".html"))  # the .html files, then .htm
    files = [folder / name for name in names]
    if not files:
        raise SourceError(f"{folder}: no .html files in this folder")
    return files
