"""Pull: feeds, pages and folders fetched, decoded, extracted and sanitized."""

from intl_pub.sources.reader import *  # noqa: F403  (the package's public API)
