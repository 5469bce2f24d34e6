"""A log line's ANSI colours as safe HTML: every piece of text escaped, colours as inline styles."""

from __future__ import annotations

from html import escape

from airdeck_domain.logs import segments


def ansi_html(text: str) -> str:
    """``text`` with its ANSI SGR codes turned into ``<span style=…>`` (nothing else survives)."""
    if "\x1b" not in text:
        # No escape code, nothing to parse: most log lines.
        return escape(text)
    parts = []
    for seg in segments(text):
        styles = []
        if seg.color:
            styles.append(f"color:{seg.color}")
        if seg.background:
            styles.append(f"background:{seg.background}")
        if seg.bold:
            styles.append("font-weight:bold")
        if seg.italic:
            styles.append("font-style:italic")
        if seg.underline:
            styles.append("text-decoration:underline")
        body = escape(seg.text)
        parts.append(f'<span style="{";".join(styles)}">{body}</span>' if styles else body)
    return "".join(parts)
