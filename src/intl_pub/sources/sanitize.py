"""What a stored post may contain: blog markup, nothing a browser would execute (nh3).

Sources are untrusted. At pull time every body goes through nh3 (Rust's
ammonia) with the allow-list below, so content/ -- and so every published
language -- never holds ``<script>``, ``on*`` handlers, ``javascript:`` URLs,
``<base>``, ``<meta http-equiv=refresh>``, ``<iframe>``, ``<form>``, styles or
classes. Kept: text structure (headings, paragraphs, lists, quotes, tables,
figures, code), inline emphasis, links (http, https, mailto, tel, relative) and
images with their alt text, and the attributes translation relies on
(``lang``, ``dir``, ``title``, ``translate``, class ``notranslate``,
``data-l10n-context``). A source marked ``trusted = true`` is stored as sent.
"""

from __future__ import annotations

import re

import nh3
from bs4 import BeautifulSoup, Tag

from intl_pub.core.errors import SourceError
from intl_pub.segment import markup
from intl_pub.segment.tokens import strip_xml_forbidden

MAX_NESTING = 200
"""Deepest element nesting a stored post may have (the segmenter reads 256 levels, and the
stored document wraps the body in three more)."""

TAGS = frozenset(
    "a abbr address aside b bdi bdo blockquote br caption cite code col colgroup dd "
    "del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img "
    "ins kbd li mark ol p picture pre q rp rt ruby s samp section small source span strong "
    "sub summary sup table tbody td tfoot th thead time tr u ul var wbr".split()
)
CLEAN_CONTENT = frozenset(
    "script style iframe frame frameset object embed applet form button select textarea "
    "noscript template svg math canvas audio video dialog".split()
)
"""Dropped with everything inside them."""
GENERIC = frozenset({"lang", "dir", "title", "translate", "data-l10n-context", "aria-label"})
ATTRIBUTES = {
    "*": set(GENERIC),
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "alt", "width", "height"},
    "source": {"srcset", "type", "media"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
_EMPTY_CLASS = re.compile(r'(<[a-zA-Z][^<>]*?)\s+class=""')
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean(html: str, trusted: bool = False, where: str = "post") -> str:
    """``html`` as a stored post holds it: only what a blog post may contain, read back
    exactly as ``sources.from_document`` will read it (so a stored post round-trips).

    Characters XML 1.0 forbids are dropped in any case, ``trusted`` or not. Raises
    SourceError past MAX_NESTING. The body is parsed once, for the depth and the form.
    """
    text = strip_xml_forbidden(html)
    if not trusted:
        text = nh3.clean(
            text,
            tags=set(TAGS),
            clean_content_tags=set(CLEAN_CONTENT),
            attributes={k: set(v) for k, v in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel=None,
            strip_comments=True,
            allowed_classes={tag: {"notranslate"} for tag in TAGS},  # nh3 has no "*" here
        )
        text = _EMPTY_CLASS.sub(r"\1", text)  # what nh3 leaves of a class it emptied
    stored = BeautifulSoup(f"<article>\n{text.strip()}\n</article>", "html.parser").article
    if stored is None:
        return text.strip() + "\n"
    depth = _depth(stored)
    if depth > MAX_NESTING:
        raise SourceError(
            f"{where}: markup nested {depth} elements deep; at most {MAX_NESTING} levels are "
            "read (a page built to exhaust the segmenter, or a broken one)"
        )
    return markup.inner(stored).strip() + "\n"


def _depth(article: Tag) -> int:
    """The deepest element nesting inside ``article``, counted without recursion."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(article, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in element.children if isinstance(c, Tag))
    return deepest
