"""Post identities: which slug each post was given, decided once and never reassigned."""

from __future__ import annotations

from datetime import datetime

from intl_pub.workdir.identity import key as identity_key
from intl_pub.workdir.identity import migrate as migrate_identities

RESERVED_SLUGS = frozenset({"site", "templates", "glossary", "assets"})
"""Names a post may not take: they would collide with the work folder's own files."""


class Identities:
    """identity -> slug: chosen once, recorded, never given to another post.

    Identities are compared in :func:`intl_pub.workdir.identity.key`'s form (a link's
    trivial variants are one post); one recorded in an older form is migrated
    as it is read, so every post keeps its slug.
    """

    def __init__(self, slugs: dict[str, str]) -> None:
        self.slugs = migrate_identities(slugs)
        self.taken = set(slugs.values())

    def __bool__(self) -> bool:
        return bool(self.slugs)

    def slug_for(self, identity: str, natural: str, published: datetime) -> str:
        """The post's slug: the one it was first given; a new post never takes another's.

        A new post whose natural slug is taken gets ``<slug>-<year>``, else
        ``<slug>-2``, ``<slug>-3``, ...
        """
        identity = identity_key(identity)
        known = self.slugs.get(identity)
        if known is not None:
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
        self.slugs[identity] = slug
        self.taken.add(slug)
        return slug
