"""The localized site: the publishing policy, pages, listings, reader notes."""

from intl_pub.publish.listings import *  # noqa: F403  (the package's public API)
from intl_pub.publish.site import *  # noqa: F403
