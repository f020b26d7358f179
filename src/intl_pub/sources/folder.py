"""A folder source: the HTML files that are its posts.

Its own module, light to import: every pull lists the folder and skips the
files unchanged since the last pull without loading the feed and page readers.
"""

from __future__ import annotations

from pathlib import Path

from intl_pub.core.errors import SourceError


def page_files(folder: Path) -> list[Path]:
    """The posts of a folder source: its .html and .htm files, in name order."""
    files = sorted(folder.glob("*.html")) + sorted(folder.glob("*.htm"))
    if not files:
        raise SourceError(f"{folder}: no .html files in this folder")
    return files
