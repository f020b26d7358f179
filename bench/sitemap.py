"""The sitemap of a big site: how long rendering it takes (it is rendered whenever a page
comes, goes, changes whether it is indexed, or a post's date changes).

    .venv/bin/python bench/sitemap.py [--posts 10000]

Synthetic page records (no post is parsed: publishing renders the sitemap from the
manifest), the shipped template, 4 languages.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from intl_pub import publish
from intl_pub.core.config import Settings
from intl_pub.core.locales import ENGLISH
from intl_pub.core.model import Post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(workdir=Path("/nonexistent"))
    env = publish.Environment(settings, Path("/nonexistent/templates"))
    languages = [ENGLISH, *settings.locales]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    pages = [
        publish.Page(post, loc, post.title, {}, "", "")
        for i in range(args.posts)
        for post in [Post(f"post-{i}", f"Title {i}", "", start + timedelta(hours=i))]
        for loc in languages
    ]
    by_post: dict[str, dict[str, publish.Page]] = {}
    for page in pages:
        by_post.setdefault(page.post.slug, {})[page.lang] = page
    times = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        files = dict(env._sitemaps(pages, by_post, languages))  # (rendered as read)
        times.append(time.perf_counter() - began)
    best = min(times)
    size = sum(len(text) for text in files.values())
    print(f"{args.posts:,} posts x {len(languages)} languages: {len(pages):,} URLs in "
          f"{len(files)} file(s), {size / 1e6:.1f} MB; best of {args.repeat}: {best:.2f} s "
          f"({1e6 * best / len(pages):.0f} µs a URL)")


if __name__ == "__main__":
    main()
