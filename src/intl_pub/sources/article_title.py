"""What a page's title says once: the byline, the site's name and echoes taken off.

:func:`intl_pub.sources.article.strip_site_name` takes the site's name off; this module holds
what comes around it: a Medium-style ``| by Author`` tail, a title written twice
(``Minecraft 1.8 - The Bountiful Update - Minecraft 1.8 - The Bountiful Update``), and
the test that a candidate is nothing but the site's name (``V8``), which is no title.
"""

from __future__ import annotations

import re

_BYLINE_TAIL = re.compile(r"\s+[|\-–—·•✩★]\s+by\s+\S.*$", re.I)


def cut_byline(title: str) -> str:
    """``"Deploying apps | by Jane Doe | Medium"`` -> ``"Deploying apps"``."""
    return _BYLINE_TAIL.sub("", title).strip() or title


def once(title: str, separators: re.Pattern[str]) -> str:
    """A title whose parts repeat (``A - B - A - B``, ``A | A``) said once."""
    while (shorter := _halve(title, separators)) != title:
        title = shorter
    return title


def _halve(title: str, separators: re.Pattern[str]) -> str:
    parts = [p.strip() for p in separators.split(title) if p and p.strip()]
    keys = [_key(p) for p in parts]
    n = len(parts)
    if n >= 2 and n % 2 == 0 and keys[: n // 2] == keys[n // 2 :]:
        # the first half as written, separators included
        cut, seen = 0, 0
        for match in separators.finditer(title):
            seen += 1
            if seen == n // 2:
                cut = match.start()
                break
        return title[:cut].strip() if cut else parts[0]
    whole = _key(title)
    half = len(whole) // 2
    if whole and len(whole) % 2 == 0 and whole[:half] == whole[half:]:
        return parts[0] if parts else title
    return title


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()
