"""Images as the reader sees them, not as the page's HTML first names them.

Lazy-loading pages put a placeholder in ``src`` (a tiny GIF, a ``data:`` URI,
``lazy_placeholder.gif``) and the real image in ``data-src``, ``data-lazy-src``,
``data-original``, ``data-srcset`` or a ``<noscript>`` twin that a script swaps in.
Extraction runs without scripts, so the swap is done here, on the page, before
readability and trafilatura read it: the real image is the one published. Images that
are still placeholders afterwards, and tracking pixels (1x1), are dropped.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
            "data-hi-res-src", "data-full-src", "data-orig-file", "data-actualsrc",
            "data-echo", "data-img-src", "data-image")
LAZY_SRCSET = ("data-srcset", "data-lazy-srcset", "data-original-set")
_PLACEHOLDER = re.compile(
    r"placeholder|^blank\.|spacer|^transparent\.|^pixel\.(?:gif|png)|1x1|^gr[ae]y\.gif|"
    r"^loading\.|lazy",
    re.I,
)
"""File names of stand-ins (``lazy_placeholder.gif``, ``spacer.gif``, ``blank.png``)."""


def resolve(soup: BeautifulSoup) -> None:
    """Point every image at its real picture, in place; drop placeholders and pixels."""
    found: dict[str, list[Tag]] = {"noscript": [], "source": [], "img": []}
    for element in soup.descendants:  # one walk (find_all builds a filter per call)
        if isinstance(element, Tag) and element.name in found:
            found[element.name].append(element)
    for noscript in found["noscript"]:
        _noscript_twin(noscript)
    for source in found["source"]:
        lazy = next((source.get(a) for a in LAZY_SRCSET if source.get(a)), None)
        if isinstance(lazy, str) and lazy.strip():
            source["srcset"] = lazy.strip()
    twins = [i for n in found["noscript"] for i in n.find_all("img") if isinstance(i, Tag)]
    for img in found["img"] + [t for t in twins if t.parent is not None]:
        if vars(img).get("_decomposed") or img.parent is None:
            continue
        _resolve_img(img)
        if is_placeholder(img) or is_pixel(img):
            img.decompose()


def _resolve_img(img: Tag) -> None:
    """The lazy attributes win: a page names there the picture its script loads."""
    lazy = next((str(img[a]).strip() for a in LAZY_SRC if str(img.get(a) or "").strip()), "")
    lazy_set = next((str(img[a]).strip() for a in LAZY_SRCSET if str(img.get(a) or "").strip()),
                    "")
    if lazy and not lazy.startswith("data:"):
        img["src"] = lazy
    if lazy_set:
        img["srcset"] = lazy_set
    src = str(img.get("src") or "").strip()
    if (not src or _placeholder_url(src)) and img.get("srcset"):
        best = largest(str(img["srcset"]))
        if best:
            img["src"] = best


def largest(srcset: str) -> str:
    """The widest candidate of a ``srcset`` (``a.jpg 300w, b.jpg 1024w`` -> ``b.jpg``)."""
    best, width = "", -1.0
    for part in srcset.split(","):
        bits = part.split()
        if not bits or bits[0].startswith("data:"):
            continue
        size = 1.0
        if len(bits) > 1 and (m := re.fullmatch(r"(\d+(?:\.\d+)?)([wx])", bits[1])):
            size = float(m.group(1))
        if size > width:
            best, width = bits[0], size
    return best


def _noscript_twin(noscript: Tag) -> None:
    """``<img data-src=…><noscript><img src=…></noscript>``: the twin replaces the lazy
    image; a ``<noscript>`` image with no twin outside takes the ``<noscript>``'s place."""
    inner = noscript.find("img")
    if not isinstance(inner, Tag) or not str(inner.get("src") or "").strip():
        return
    twin = noscript.find_previous_sibling()
    if isinstance(twin, Tag) and twin.name != "img":
        found = twin.find("img") if twin.name in ("span", "a", "div", "picture") else None
        twin = found if isinstance(found, Tag) and not found.find_next_sibling() else None
    if isinstance(twin, Tag) and twin.name == "img":
        if not str(twin.get("alt") or "").strip() and inner.get("alt"):
            twin["alt"] = inner["alt"]
        src = str(twin.get("src") or "").strip()
        if not src or _placeholder_url(src) or any(twin.get(a) for a in LAZY_SRC):
            twin["src"] = inner["src"]
            for attr in ("srcset", "width", "height"):
                if inner.get(attr):
                    twin[attr] = inner[attr]
        noscript.decompose()
        return
    noscript.replace_with(inner.extract())


def _placeholder_url(src: str) -> bool:
    name = src.split("?")[0].rsplit("/", 1)[-1]
    return src.startswith("data:") or bool(_PLACEHOLDER.search(name))


def is_placeholder(img: Tag) -> bool:
    """No picture at all, or still the lazy-loading stand-in."""
    src = str(img.get("src") or "").strip()
    return not src or _placeholder_url(src)


def is_pixel(img: Tag) -> bool:
    """A tracking pixel: 1x1 (or 0) by its attributes or its style."""
    sizes = []
    for attr in ("width", "height"):
        value = re.match(r"\s*(\d+)", str(img.get(attr) or ""))
        sizes.append(int(value.group(1)) if value else None)
    style = str(img.get("style") or "")
    for attr in ("width", "height"):
        if m := re.search(rf"(?<![-\w]){attr}\s*:\s*(\d+)px", style):
            sizes.append(int(m.group(1)))
    known = [s for s in sizes if s is not None]
    return bool(known) and all(s <= 2 for s in known) and len(known) >= 2
