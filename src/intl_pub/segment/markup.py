"""A BeautifulSoup tree written back as HTML: bs4's own output, at five times its speed.

``str(tag)`` and ``tag.decode_contents()`` build a formatter call, an event
and a few string concatenations per node; a 100,000-paragraph post is written
out several times a run (the stored body, every language's page), at ~1.5 s
each. :func:`inner` and :func:`outer` write exactly what bs4 writes with its
default ``"minimal"`` formatter (``tests/test_markup.py`` compares them on real
pages and random markup): attributes sorted, ``& < >`` escaped outside
``<script>``/``<style>``, ``"`` or ``'`` around a value as bs4 picks, void
elements as ``<br/>``, comments and doctypes as read, a ``<meta charset>``
written as UTF-8. An XML tree is left to bs4.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import AttributeValueWithCharsetSubstitution, PreformattedString, Tag

_RAW_TEXT = frozenset({"script", "style"})
"""bs4's HTML formatters' ``cdata_containing_tags``: their text is written as it is."""


def inner(tag: Tag) -> str:
    """``tag.decode_contents()``: the element's content as HTML."""
    if isinstance(tag, BeautifulSoup) and tag.is_xml:
        return tag.decode_contents()
    out: list[str] = []
    _write(tag, out)
    return "".join(out)


def outer(tag: Tag) -> str:
    """``str(tag)``: the element with its content (a whole document for a soup)."""
    if isinstance(tag, BeautifulSoup):
        return tag.decode() if tag.is_xml else inner(tag)
    if tag.hidden:
        return inner(tag)
    if not tag.contents and tag.can_be_empty_element:
        return _start(tag, "/>")
    return _start(tag, ">") + inner(tag) + _end(tag)


def _write(root: Tag, out: list[str]) -> None:
    """Append the HTML of ``root``'s content to ``out``, without recursion (a deep tree is
    as safe as a flat one)."""
    stack = [iter(root.contents)]
    parents = [root]
    closers: list[str] = []
    while stack:
        for node in stack[-1]:
            if isinstance(node, Tag):
                if not node.contents and node.can_be_empty_element:
                    if not node.hidden:
                        out.append(_start(node, "/>"))
                    continue
                if not node.hidden:
                    out.append(_start(node, ">"))
                closers.append("" if node.hidden else _end(node))
                stack.append(iter(node.contents))
                parents.append(node)
                break
            if isinstance(node, PreformattedString):  # comment, doctype, CDATA...: as read
                out.append(node.PREFIX + node + node.SUFFIX)
            elif parents[-1].name in _RAW_TEXT:
                out.append(str(node))
            else:
                out.append(_escape(node))
        else:
            stack.pop()
            parents.pop()
            if stack:
                out.append(closers.pop())


def _escape(text: str) -> str:
    """bs4's ``EntitySubstitution.substitute_xml``."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _name(tag: Tag) -> str:
    return f"{tag.prefix}:{tag.name}" if tag.prefix else tag.name


def _end(tag: Tag) -> str:
    return f"</{_name(tag)}>"


def _start(tag: Tag, close: str) -> str:
    """An opening tag as bs4's ``Tag._format_tag`` writes it."""
    if not tag.attrs:
        return f"<{_name(tag)}{close}"
    parts = ["<", _name(tag)]
    for key, value in sorted(tag.attrs.items()):
        if value is None:
            parts += [" ", str(key)]
            continue
        if isinstance(value, (list, tuple)):
            value = " ".join(value)
        elif not isinstance(value, str):
            value = str(value)
        elif isinstance(value, AttributeValueWithCharsetSubstitution):
            value = value.substitute_encoding("utf-8")
        value = _escape(value)
        quote = '"'
        if '"' in value:
            if "'" in value:
                value = value.replace('"', "&quot;")
            else:
                quote = "'"
        parts += [" ", str(key), "=", quote, value, quote]
    parts.append(close)
    return "".join(parts)
