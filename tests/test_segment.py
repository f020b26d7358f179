"""Round trips in the style of translate-toolkit's test_html2po: extract, fill, rebuild, compare."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from strategies import documents, shape

from intl_pub import segment
from intl_pub.mt.pseudo import pseudo
from intl_pub.segment import Rendering

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Clinic   news</title>
<meta name="description" content="Our new clinic.">
<meta property="og:title" content="The clinic">
<style>p { color: red }</style>
<script>var x = "not text";</script>
</head>
<body>
<nav><a href="/">Home</a></nav>
<article>
<h1>The <em>new</em> clinic</h1>
<p>Read the <a href="/r.pdf" class="doc">full
   report</a> from the <abbr title="World Health Organization">WHO</abbr>.<br>
Call <code>111</code> now.</p>
<ul><li>One item <ul><li>Nested</li></ul> tail text</li></ul>
<p translate="no">Do not touch</p>
<p class="notranslate">Nor this</p>
<pre>code   here</pre>
<figure><img src="a.png" alt="A nurse"><figcaption>A nurse&nbsp;at work.</figcaption></figure>
<p>12.5 % — 2026</p>
<!-- a comment -->
<table><tr><th>Site</th><td>Open &amp; free</td></tr></table>
<dl><dt>Final</dt><dd>Checked by your doctor.</dd></dl>
<p>Read the <a href="/r.pdf" class="doc">full report</a> again.</p>
</article></body></html>"""


def units(html: str) -> list[tuple[str, str]]:
    return [(u.note, u.msgid) for u in segment.extract(html)]


def test_extract_keeps_sentences_whole_and_markup_as_tokens() -> None:
    assert units(PAGE) == [
        ("title", "Clinic news"),
        ("meta@content", "Our new clinic."),
        ("meta@content", "The clinic"),
        ("a", "Home"),
        ("h1", "The <1>new</1> clinic"),
        ("p", "Read the <1>full report</1> from the <2>WHO</2>.<3/> Call <4>111</4> now."),
        ("abbr@title", "World Health Organization"),
        ("li", "One item"),
        ("li", "Nested"),
        ("li", "tail text"),
        ("img@alt", "A nurse"),
        ("figcaption", "A nurse\xa0at work."),
        ("th", "Site"),
        ("td", "Open & free"),
        ("dt", "Final"),
        ("dd", "Checked by your doctor."),
        ("p", "Read the <1>full report</1> again."),
    ]


def test_locations_point_at_the_source_lines() -> None:
    lines = {u.msgid: u.line for u in segment.extract(PAGE)}
    assert lines["Clinic news"] == 3
    assert lines["The <1>new</1> clinic"] == 12
    assert lines["A nurse"] == 20


def test_identity_round_trip_gives_back_the_document() -> None:
    assert segment.apply(PAGE, lambda unit: None) == str(BeautifulSoup(PAGE, "html.parser"))


def test_applying_the_msgids_keeps_every_element_and_attribute() -> None:
    rebuilt = segment.apply(PAGE, lambda unit: Rendering(unit.msgid))
    assert shape(rebuilt) == shape(PAGE)
    assert units(rebuilt) == units(PAGE)


def test_translation_with_reordered_tokens_restores_attributes_by_number() -> None:
    found = {
        "Read the <1>full report</1> from the <2>WHO</2>.<3/> Call <4>111</4> now.": "Lea el <1>informe</1> de la <2>OMS</2>.<3/> Llame al <4>999</4> ya.",
        "The <1>new</1> clinic": "La clínica <1>nueva</1>",
        "World Health Organization": "Organización Mundial de la Salud",
    }
    rebuilt = segment.apply(PAGE, lambda u: Rendering(found[u.msgid]) if u.msgid in found else None)
    soup = BeautifulSoup(rebuilt, "html.parser")
    p = soup.find_all("p")[0]
    assert str(p) == (
        '<p>Lea el <a class="doc" href="/r.pdf">informe</a> de la '
        '<abbr title="Organización Mundial de la Salud">OMS</abbr>.<br/> '
        "Llame al <code>111</code> ya.</p>"
    )
    assert str(soup.h1) == "<h1>La clínica <em>nueva</em></h1>"


def test_markup_in_a_translation_is_text_never_elements() -> None:
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script> <1>ok</1>'
    rebuilt = segment.apply(
        "<p>Hello <b>world</b></p>",
        lambda u: Rendering(evil.replace("<1>ok</1>", "<1>mundo</1>")),
    )
    soup = BeautifulSoup(rebuilt, "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["p", "b"]
    assert "alert(1)" in soup.p.get_text()


def test_a_translation_with_broken_tokens_is_refused_and_marked_english() -> None:
    rebuilt = segment.apply(
        "<p>Hello <b>world</b></p>", lambda u: Rendering("Hola mundo", {"data-mt": ""})
    )
    assert rebuilt == '<p lang="en">Hello <b>world</b></p>'


def test_marks_go_on_the_block_or_a_span_around_a_partial_run() -> None:
    rebuilt = segment.apply(
        "<li>One <ul><li>Two</li></ul></li>", lambda u: Rendering(None, {"lang": "en"})
    )
    assert rebuilt == '<li><span lang="en">One </span><ul><li lang="en">Two</li></ul></li>'


def test_text_without_words_is_not_a_unit() -> None:
    assert units("<p>12.5 %</p><p>https://who.int/x</p><td>—</td><p><code>x()</code></p>") == []


def test_data_l10n_context_becomes_msgctxt() -> None:
    [unit] = segment.extract('<button data-l10n-context="verb">Close</button>')
    assert (unit.msgid, unit.context) == ("Close", "verb")


# --- properties ------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_pseudo_translation_keeps_every_inline_element_and_attribute(html: str) -> None:
    rebuilt = segment.apply(html, lambda unit: Rendering(pseudo(unit.msgid)))
    assert shape(rebuilt) == shape(html)


def test_text_that_looks_like_a_token_is_escaped_and_comes_back_as_written() -> None:
    html = "<p>Type &lt;1&gt;here&lt;/1&gt; then <b>save</b> &lt;2/&gt;.</p>"
    [unit] = segment.extract(html)
    assert unit.msgid == "Type <1/>here<2/> then <3>save</3> <4/>."
    translated = segment.apply(html, lambda u: Rendering("Escribe <1/>aquí<2/> y <3>guarda</3> <4/>."))
    assert translated == "<p>Escribe &lt;1&gt;aquí&lt;/1&gt; y <b>guarda</b> &lt;2/&gt;.</p>"
    assert segment.apply(html, lambda u: None) == html
    # The literal text is a void token: a translation may not turn it into markup.
    broken = segment.apply(html, lambda u: Rendering("<1>aquí</1><2/><3>x</3><4/>"))
    assert "<p lang=\"en\">" in broken and "&lt;1&gt;here" in broken


def test_token_looking_code_is_shown_disarmed_and_published_as_in_the_source() -> None:
    html = "<p>Use <code>&lt;1&gt;</code> in templates.</p>"
    [unit] = segment.extract(html)
    assert unit.msgid == "Use <1>‹1›</1> in templates."
    assert segment.apply(html, lambda u: Rendering("Usa <1>‹1›</1> en plantillas.")) == (
        "<p>Usa <code>&lt;1&gt;</code> en plantillas.</p>")


def test_a_page_a_thousand_divs_deep_is_refused_with_a_clear_error() -> None:
    deep = "<div>" * 1000 + "<p>Deep text.</p>" + "</div>" * 1000
    with pytest.raises(segment.TooDeep, match=r"nested 1001 deep .* at most 256 levels"):
        segment.extract(deep)
    at_limit = "<div>" * (segment.MAX_DEPTH - 2) + "<p>Deep <b>text</b>.</p>" + "</div>" * (segment.MAX_DEPTH - 2)
    assert [u.msgid for u in segment.extract(at_limit)] == ["Deep <1>text</1>."]
    assert segment.apply(at_limit, lambda u: None) == at_limit
