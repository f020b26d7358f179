"""Post identities: which slug each post was given, decided once and never reassigned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from intl_pub.workdir.identity import key as identity_key
from intl_pub.workdir.identity import migrate as migrate_identities

RESERVED_SLUGS = frozenset({"site", "templates", "glossary", "assets"})
"""Names a post may not take: they would collide with the work folder's own files."""


class Identities:
    """identity -> slug: chosen once, recorded, never given to another post.

    Identities are compared in :func:`intl_pub.workdir.identity.key`'s form (a link's
    trivial variants are one post); one recorded in an older form is migrated
    as it is read, so every post keeps its slug.

    A post is also known by its link (``links``): a feed that moves from RSS
    ``guid`` to Atom ``id``, or the same post arriving from a second source (a
    folder of pages, a post URL), gives a new identity with the link of a post
    already here, and that post keeps its slug and its reviews. A link is no
    alias when it cannot name one post: the site's root, a link several posts
    share, or the link of a post whose own identity is in the same pull (two
    entries, two posts) -- unless the new identity is that link itself or a page
    file naming it as its own URL (the same post from a second source).
    """

    def __init__(
        self, slugs: dict[str, str], links: dict[str, str] | None = None, recorded: bool = False
    ) -> None:
        """``recorded``: ``slugs`` as the state database holds them, already in key form
        (migrated when imported), so not normalized again."""
        self.slugs = slugs if recorded else migrate_identities(slugs)
        self.taken = set(slugs.values())
        self.links: dict[str, str] = dict(links or {})
        """link (in key form) -> slug; "" for a link more than one post has."""
        self.present: set[str] = set()
        """The identities (key form) of this pull's posts (see :meth:`pulling`)."""
        self._present_slugs: set[str] = set()
        """The slugs of :attr:`present` identities: a link of one is no alias (a set, not a
        scan of every slug per new identity: a feed that moves 100,000 posts to new ids)."""

    def pulling(self, identities: Iterable[str]) -> None:
        """The identities of every post this pull read, before their slugs are asked for."""
        self.present = {identity_key(i) for i in identities}
        self._present_slugs = {self.slugs[i] for i in self.present if i in self.slugs}

    def __bool__(self) -> bool:
        return bool(self.slugs)

    def slug_for(
        self, identity: str, natural: str, published: datetime, link: str = ""
    ) -> str:
        """The post's slug: the one it was first given; a new post never takes another's.

        A new identity whose ``link`` is a known post's is that post. A new post
        whose natural slug is taken gets ``<slug>-<year>``, else ``<slug>-2``, ...
        """
        identity = identity_key(identity)
        link = identity_key(link or (identity if _is_page(identity) else ""))
        link = link if _is_page(link) else ""
        known = self.slugs.get(identity)
        if known is None and link and self.links.get(link) and self._alias(identity, link):
            known = self._assign(identity, self.links[link])
        if known is not None:
            self._link(link, known)
            return known
        natural = natural if natural not in RESERVED_SLUGS else f"{natural}-post"
        candidates = [natural]
        if published.year > 1970:
            candidates.append(f"{natural}-{published.year}")
        slug = next((c for c in candidates if c not in self.taken), None)
        number = 2
        while slug is None:
            if f"{natural}-{number}" not in self.taken:
                slug = f"{natural}-{number}"
            number += 1
        self._assign(identity, slug)
        self.taken.add(slug)
        self._link(link, slug)
        return slug

    def _assign(self, identity: str, slug: str) -> str:
        self.slugs[identity] = slug
        if identity in self.present:
            self._present_slugs.add(slug)
        return slug

    def _alias(self, identity: str, link: str) -> bool:
        """May the post whose link is ``link`` take this new identity? (Not when its own
        identity came in this same pull: then they are two posts.)"""
        if identity == link or identity.startswith("file:"):
            return True  # a page known by its URL, or a page file naming its own URL
        return self.links[link] not in self._present_slugs

    def _link(self, link: str, slug: str) -> None:
        if link and self.links.setdefault(link, slug) != slug:
            self.links[link] = ""  # two posts with one link: it names neither


def _is_page(link: str) -> bool:
    """An http(s) link below the site's root (the root names a site, not a post)."""
    parts = urlsplit(link)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and parts.path not in {"", "/"}
