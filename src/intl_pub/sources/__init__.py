"""Pull: feeds, pages and folders fetched, decoded, extracted and sanitized.

The reader's names (``sources.read_source``, ``sources.from_document``...) are
imported on first use: the reader loads feedparser, BeautifulSoup and the
extractors, which a run with nothing changed never needs.
"""

from intl_pub.core.lazy import api_from

__getattr__ = api_from(__name__, "intl_pub.sources.reader")
