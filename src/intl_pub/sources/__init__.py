"""Pull: feeds, pages and folders fetched, decoded, extracted and sanitized.

The package's names are imported on first use: the stored form of a post
(``sources.from_document``, ``sources.stored_date``...) from
:mod:`intl_pub.sources.stored`, the rest (``sources.read_source``...) from the
reader, which loads feedparser, the fetcher and the extractors: a run with
nothing changed needs neither, and publishing a changed post only the first.
"""

from typing import Any

from intl_pub.core.lazy import api_from

_stored = api_from(__name__, "intl_pub.sources.stored")
_reader = api_from(__name__, "intl_pub.sources.reader")


def __getattr__(name: str) -> Any:
    try:
        return _stored(name)
    except AttributeError:
        return _reader(name)
