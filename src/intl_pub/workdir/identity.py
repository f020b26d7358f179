"""A post's identity, in the form two pulls compare it: the same post is the same key.

A feed entry is known by its guid or Atom id, else by its link. A link that
changes trivially between pulls (``http`` -> ``https``, a trailing slash, a
``#fragment``, an upper-case host, ``:443``, ``?utm_source=…``) still names the
same post, so a URL identity is compared in a normal form:

* RFC 3986 §6.2.2, syntax-based: scheme and host in lower case (the host also
  as IDNA, without a trailing dot), percent-escapes of unreserved characters
  decoded and the others in upper case, ``.`` and ``..`` segments removed;
* §6.2.3, scheme-based: the scheme's default port dropped, an empty path is ``/``;
* equivalences the RFC leaves to the application, as every feed reader makes
  them: ``http`` and ``https`` are one, the fragment (a place in the page) and a
  trailing slash do not count, and tracking parameters (``utm_*``, ``fbclid``,
  ``gclid``...) are dropped.

Anything that is not an http(s) URL (``urn:uuid:…``, ``tag:…``, a file) is its
own key. No library fitted: ``rfc3986``'s normalize() keeps default ports and
``%7E`` and drops an IDN host; ``courlan`` (already installed with trafilatura)
keeps fragments and ``..`` segments.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

TRACKING = re.compile(
    r"utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl",
    re.IGNORECASE,
)
"""Query parameters that say where a reader came from, not which page they read."""
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SEGMENT_SAFE = "!$&'()*+,;=:@"
"""RFC 3986 sub-delims, ':' and '@': allowed unescaped in a path segment (pchar)."""
_QUERY_SAFE = "!$'()*,;:@/?"
"""What may stay unescaped in a query name or value ('&', '=' and '+' are escaped)."""


def key(identity: str) -> str:
    """The form in which identities are compared: an http(s) URL normalized, others as they are."""
    try:
        parts = urlsplit(identity.strip())
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: no URL to normalize
        return identity
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return identity
    host = _host(parts.hostname)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    user = parts.netloc.rpartition("@")[0]
    authority = f"{user}@{host}" if user else host
    return f"https://{authority}{_path(parts.path)}{_query(parts.query)}"


def migrate(slugs: dict[str, str]) -> dict[str, str]:
    """identity -> slug as an older version recorded it, keyed by :func:`key`.

    Variants of one URL recorded as different posts (before links were
    normalized) become one: the slug of the variant already in normal form
    wins, else the shortest (the first a post was given). The others stay
    under their old keys, which no lookup finds, so their slugs are never
    given to another post.
    """
    grouped: dict[str, list[tuple[str, str]]] = {}
    for old, slug in slugs.items():
        grouped.setdefault(key(old), []).append((old, slug))
    out: dict[str, str] = {}
    for new, variants in grouped.items():
        variants.sort(key=lambda v: (v[0] != new, len(v[1]), v[1]))
        out[new] = variants[0][1]
        for old, slug in variants[1:]:
            if slug != out[new]:
                out[old] = slug
    return out


def _host(host: str) -> str:
    host = host.rstrip(".")
    if ":" in host:  # an IPv6 literal (urlsplit took the brackets off)
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _path(path: str) -> str:
    segments = [_escape(segment, _SEGMENT_SAFE) for segment in path.split("/")]
    normal = _remove_dot_segments("/".join(segments))
    normal = normal.rstrip("/")
    return normal or "/"


def _query(query: str) -> str:
    kept = []
    for raw in query.split("&"):
        name, sep, value = raw.partition("=")
        if not raw or TRACKING.fullmatch(unquote(name)):
            continue
        kept.append(_query_escape(name) + sep + _query_escape(value))
    return "?" + "&".join(kept) if kept else ""


def _query_escape(text: str) -> str:
    """As :func:`_escape`, keeping '+' (a space in a form) apart from '%2B' (a plus)."""
    return "+".join(_escape(piece, _QUERY_SAFE) for piece in text.split("+"))


def _escape(text: str, safe: str) -> str:
    """Percent-escapes in one normal form: unreserved characters plain, others %XX (upper)."""
    return quote(unquote(text), safe=safe)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4."""
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if out:
                out.pop()
        elif path == "/..":
            path = "/"
            if out:
                out.pop()
        elif path in {".", ".."}:
            path = ""
        else:
            start = 1 if path.startswith("/") else 0
            end = path.find("/", start)
            end = len(path) if end < 0 else end
            out.append(path[:end])
            path = path[end:]
    return "".join(out)
