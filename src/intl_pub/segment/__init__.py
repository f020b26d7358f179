"""HTML <-> translation units: one walker, inline tokens, markup helpers.

The walker's names (``segment.walk``, ``segment.extract``...) are imported on
first use: the walker needs BeautifulSoup, which a run with nothing changed
never loads.
"""

from intl_pub.core.lazy import api_from

__getattr__ = api_from(__name__, "intl_pub.segment.walker")
