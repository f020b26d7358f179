"""``intl-pub status --html FILE``: review progress at a glance, for the team (never deployed).

Pure: plain records in, one self-contained HTML page out (inline CSS, no
script, no external resource, so it can be mailed or opened from disk).
Per locale and post, the shares of blocks that are reviewed, machine
translated, stale (a review withdrawn because the English changed) and held
back (risky and unreviewed, shown in English) are drawn as stacked bars; every
bar has its figures beside it as text, so colour is never the only cue and a
screen reader reads the numbers (the bar itself is hidden from it). Below,
the top of the review queue, with what changed since review as ``<del>`` and
``<ins>``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import babel
import jinja2
from markupsafe import Markup

from intl_pub.core.locales import cldr
from intl_pub.review.queue import QueueItem, diff_parts

STATES = ("reviewed", "machine", "stale", "held_back", "source")
"""The states a block of a localized page is in, in the bars' order."""
LABELS = {
    "reviewed": "reviewed",
    "machine": "machine",
    "stale": "stale",
    "held_back": "held back",
    "source": "English",
}


@dataclass(frozen=True)
class PostProgress:
    """How far review is for one post in one locale, in blocks (translatable units)."""

    locale: str
    """BCP 47 tag (``zh-Hans``)."""
    post: str
    """The post's slug."""
    reviewed: int = 0
    """Reviewed and current: published as the translator wrote it."""
    machine: int = 0
    """Unreviewed machine translation, published marked as such."""
    stale: int = 0
    """A review whose English changed since: withdrawn until reviewed again."""
    held_back: int = 0
    """Risky (a dose, a negation, ...) and unreviewed: published in English."""
    source: int = 0
    """Shown in English for another reason (not translated yet, failed QA)."""
    title: str = ""
    """The English title, shown beside the slug when given."""

    @property
    def total(self) -> int:
        return sum(self.count_of(state) for state in STATES)

    def count_of(self, state: str) -> int:
        """The number of blocks in ``state`` (one of :data:`STATES`)."""
        return int(getattr(self, state))

    def share(self, state: str) -> float:
        """The share of the post's blocks in ``state`` (0 for an empty post)."""
        return self.count_of(state) / self.total if self.total else 0.0


@dataclass(frozen=True)
class LocaleProgress:
    """The sum over a locale's posts, for the locale's own bar."""

    locale: str
    posts: tuple[PostProgress, ...]

    def count_of(self, state: str) -> int:
        return sum(p.count_of(state) for p in self.posts)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.posts)

    def share(self, state: str) -> float:
        return self.count_of(state) / self.total if self.total else 0.0


def by_locale(progress: Sequence[PostProgress]) -> list[LocaleProgress]:
    """Group per-post records by locale, keeping the order in which locales first appear."""
    order = list(dict.fromkeys(p.locale for p in progress))
    return [
        LocaleProgress(tag, tuple(sorted((p for p in progress if p.locale == tag),
                                         key=lambda p: p.post)))
        for tag in order
    ]


def render(
    progress: Sequence[PostProgress],
    queue: Sequence[QueueItem],
    *,
    generated: datetime,
    title: str = "Translation review",
    limit: int = 25,
) -> str:
    """The whole page; ``queue`` is :func:`intl_pub.review_queue.build`'s, of which the first
    ``limit`` are shown; ``generated`` is printed (pass the run's time: the page is pure)."""
    return _template().render(
        title=title,
        generated=generated,
        locales=by_locale(progress),
        queue=list(queue[: max(limit, 0)]),
        waiting=len(queue),
        states=STATES,
        labels=LABELS,
        percent=_percent,
        language_name=_language_name,
        diff=diff_parts,
    )


def _percent(share: float) -> str:
    """Whole percent, but never 0 % or 100 % for a share that is not exactly that.

    A no-break space keeps the figure and its sign on one line.
    """
    value = round(share * 100)
    if value == 0 and share > 0:
        return "<1\u00a0%"
    if value == 100 and share < 1:
        return ">99\u00a0%"
    return f"{value}\u00a0%"


def _language_name(tag: str) -> str:
    try:
        return cldr(tag).get_display_name("en") or tag
    except (ValueError, babel.UnknownLocaleError):
        return tag


_CSS = """
:root { --reviewed: #1a7f37; --machine: #9a6700; --stale: #cf222e;
  --held_back: #8250df; --source: #6e7781; --line: #d0d7de; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 72rem; }
h1 { font-size: 1.6rem; margin-bottom: 0; } h2 { margin-top: 2rem; }
.meta { color: GrayText; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid var(--line); }
th[scope=col] { font-size: .85rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: flex; height: .9rem; min-width: 8rem; border: 1px solid var(--line);
  border-radius: 3px; overflow: hidden; margin: .2rem 0; }
.bar span { display: block; height: 100%; }
.reviewed { background: var(--reviewed); } .machine { background: var(--machine); }
.stale { background: var(--stale); } .held_back { background: var(--held_back); }
.source { background: var(--source); }
.machine, .held_back { background-image: repeating-linear-gradient(45deg, transparent 0,
  transparent 3px, rgba(255, 255, 255, .35) 3px, rgba(255, 255, 255, .35) 6px); }
.figures { font-size: .85rem; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.legend span { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.1rem;
  margin-right: .3rem; border-radius: 2px; }
tr.total th, tr.total td { font-weight: bold; }
del { background: #ffebe9; color: #82071e; } ins { background: #dafbe1; color: #055d20; }
code { font-size: .85rem; overflow-wrap: anywhere; }
.table { overflow-x: auto; }
@media (max-width: 40rem) { .hide-narrow { display: none; } }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p class="meta">Generated <time datetime="{{ generated.isoformat() }}">
{{- generated.strftime("%Y-%m-%d %H:%M %Z").strip() }}</time>.
{{ waiting }} entr{{ "y" if waiting == 1 else "ies" }} awaiting review.</p>
<p class="figures">Key (every bar has its figures written beside it):</p>
<ul class="legend">
{%- for state in states %}
<li><span class="{{ state }}" aria-hidden="true"></span>{{ labels[state] }}</li>
{%- endfor %}
</ul>
</header>
<main>
{%- macro bar(row) %}
<div class="bar" aria-hidden="true">
{%- for state in states if row.count_of(state) %}
<span class="{{ state }}" style="width: {{ '%.2f' % (row.share(state) * 100) }}%"></span>
{%- endfor %}
</div>
<div class="figures">
{%- for state in states if row.count_of(state) %}
{{ row.count_of(state) }} {{ labels[state] }} ({{ percent(row.share(state)) }})
{%- if not loop.last %} · {% endif %}
{%- else %}no blocks{% endfor %}
</div>
{%- endmacro %}
<section aria-labelledby="progress">
<h2 id="progress">Progress per language and post</h2>
{%- for loc in locales %}
<h3 id="locale-{{ loc.locale }}">{{ language_name(loc.locale) }} <code>{{ loc.locale }}</code></h3>
<div class="table">
<table>
<caption class="figures">Blocks of each post in {{ language_name(loc.locale) }}, by state</caption>
<thead><tr><th scope="col">Post</th><th scope="col">Blocks</th>
{%- for state in states %}<th scope="col" class="hide-narrow">{{ labels[state] }}</th>{% endfor -%}
<th scope="col">Shares</th></tr></thead>
<tbody>
{%- for post in loc.posts %}
<tr><th scope="row">{% if post.title %}{{ post.title }}<br>{% endif -%}
<code>{{ post.post }}</code></th>
<td class="num">{{ post.total }}</td>
{%- for state in states %}<td class="num hide-narrow">{{ post.count_of(state) }}</td>{% endfor %}
<td>{{ bar(post) }}</td></tr>
{%- endfor %}
<tr class="total"><th scope="row">All posts</th><td class="num">{{ loc.total }}</td>
{%- for state in states %}<td class="num hide-narrow">{{ loc.count_of(state) }}</td>{% endfor %}
<td>{{ bar(loc) }}</td></tr>
</tbody>
</table>
</div>
{%- else %}
<p>No catalogs yet.</p>
{%- endfor %}
</section>
<section aria-labelledby="queue">
<h2 id="queue">Review first</h2>
{%- if queue %}
<p>The {{ queue|length }} most urgent of {{ waiting }}: risk first (doses, negation, phone numbers,
dates, critical terms), then reviews whose English changed, then low machine confidence, then
newer posts. Open the catalog at the line shown.</p>
<div class="table">
<table>
<thead><tr><th scope="col">Priority</th><th scope="col">Why</th><th scope="col">Where</th>
<th scope="col">English</th></tr></thead>
<tbody>
{%- for item in queue %}
<tr><td class="num">{{ item.priority }}</td>
<td>{{ item.reasons|join(", ") if item.reasons else "machine translation" }}</td>
<td><code>{{ item.where }}</code><br>{{ item.entry.locale }} · {{ item.entry.post }}</td>
<td>{% if item.entry.stale -%}
{%- for op, space, text in diff(item.entry.reviewed_english, item.entry.msgid) -%}
{{ space }}{% if op == "-" %}<del>{{ text }}</del>{% elif op == "+" %}<ins>{{ text }}</ins>
{%- else %}{{ text }}{% endif %}
{%- endfor %}
{%- else %}{{ item.entry.msgid }}{% endif %}</td></tr>
{%- endfor %}
</tbody>
</table>
</div>
{%- else %}
<p>Nothing is waiting for review.</p>
{%- endif %}
</section>
</main>
</body>
</html>
"""


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env.from_string(_PAGE, globals={"css": Markup(_CSS.strip())})
