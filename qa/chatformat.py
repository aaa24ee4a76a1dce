"""Rendering answers for the chat: escaped HTML fragments, per-paragraph direction.

Everything that comes from documents or users is HTML-escaped here, so the
chat shows text, never markup. Each paragraph carries `dir="auto"`, so Arabic
and English lines each take their own direction. This module does not talk to
Gradio and does not retrieve; `app.py` wires it up.
"""
from __future__ import annotations

import html
from pathlib import PurePosixPath

from .answering import Answer
from .retrieval import Passage

SEARCHING = "searching…"


def para(text: str, cls: str = "") -> str:
    """One escaped paragraph that picks its own direction (Arabic RTL, English LTR)."""
    klass = f' class="{cls}"' if cls else ""
    body = html.escape(text).replace("\n", "<br>")
    return f'<p dir="auto"{klass}>{body}</p>'


def highlight(passage: Passage, start: int, end: int) -> str:
    """The passage text, escaped, with document offsets [start, end) wrapped in <mark>."""
    a = max(0, min(len(passage.text), start - passage.start))
    b = max(a, min(len(passage.text), end - passage.start))
    if start < 0 or a == b:
        return html.escape(passage.text)
    t = passage.text
    return f"{html.escape(t[:a])}<mark>{html.escape(t[a:b])}</mark>{html.escape(t[b:])}"


def position(passage: Passage) -> str:
    return f"chars {passage.start}–{passage.end}"


def answer_html(ans: Answer) -> str:
    """The main chat message: the quote with its citation and source, or the not-found note."""
    if not ans.found:
        return para(ans.text, "qa-notfound")
    label = "المصدر" if ans.language == "ar" else "Source"
    name = PurePosixPath(ans.source).name
    return (f'<blockquote dir="auto" class="qa-quote">{html.escape(ans.quote)} '
            f'<a class="qa-cite" href="#qa-src-{ans.citation}">[{ans.citation}]</a></blockquote>'
            f'<p dir="auto" class="qa-source">{label}: <code>{html.escape(name)}</code>, '
            f'{position(ans.passages[ans.citation - 1])}</p>')


def sources_html(ans: Answer, shown: int | None = None) -> str:
    """The collapsible sources message: every passage with file, position, score; the quote highlighted."""
    items = []
    for n, p in enumerate(ans.passages[:shown] if shown else ans.passages, 1):
        body = highlight(p, ans.quote_start, ans.quote_end) if ans.found and n == ans.citation else html.escape(p.text)
        items.append(
            f'<div class="qa-passage" id="qa-src-{n}"><p class="qa-meta" dir="ltr">[{n}] '
            f'<code>{html.escape(p.source)}</code> · {position(p)} · score {p.score:.3f}</p>'
            f'<p dir="auto" class="qa-text">{body}</p></div>')
    return "".join(items)
