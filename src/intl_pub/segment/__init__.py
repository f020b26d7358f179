"""HTML <-> translation units: one walker, inline tokens, markup helpers."""

from intl_pub.segment.walker import *  # noqa: F403  (the package's public API)
