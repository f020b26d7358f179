"""Gettext catalogs, the only polib user: entries and their state, merge, memories, GNU files."""

from intl_pub.catalog.catalog import *  # noqa: F403  (the package's public API)
