"""Rendering for the chat page: escaped HTML fragments, per-paragraph direction.

Everything that comes from documents or users is HTML-escaped here, so the
page shows text, never markup. Each paragraph carries `dir="auto"`, so Arabic
and English lines each take their own direction; file names and number
ranges sit in `<bdi>` so they keep their order inside a line of the other
script. Messages are plain dicts in Gradio's messages format. This module
does not import Gradio, retrieve or touch files; `app.py` wires it up.

>>> para("مرحبا\\n\\nhello")
'<p dir="auto">مرحبا</p><p dir="auto">hello</p>'
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import PurePosixPath

from ..answers.answering import Answer
from ..answers.messages import MESSAGES, certainty
from ..text.language import language_of
from .library import IndexedDocument, Rejected, Status
from ..search.results import Passage

LABELS = {
    "en": {"searching": "searching…", "source": "Source", "sources": "Sources", "chars": "chars",
           "score": "score", "comma": ",", "page": "p.",
           "glosses": "Word glosses from a dictionary, not a translation",
           "spelled": "not in the dictionary: spelled in Latin letters"},
    "ar": {"searching": "جارٍ البحث…", "source": "المصدر", "sources": "المصادر", "chars": "الأحرف",
           "score": "الدرجة", "comma": "،", "page": "ص",
           "glosses": "معاني الكلمات من قاموس، وليست ترجمة",
           "spelled": "ليست في القاموس: مكتوبة بحروف لاتينية"},
    "fr": {"searching": "recherche…", "source": "Source", "sources": "Sources", "chars": "caractères",
           "score": "score", "comma": ",", "page": "p.",
           "glosses": "Sens des mots d'après un dictionnaire, pas une traduction",
           "spelled": "absent du dictionnaire : transcrit en lettres latines"},
    "es": {"searching": "buscando…", "source": "Fuente", "sources": "Fuentes", "chars": "caracteres",
           "score": "puntuación", "comma": ",", "page": "p.",
           "glosses": "Significado de las palabras según un diccionario, no una traducción",
           "spelled": "no está en el diccionario: transcrito en letras latinas"},
    "de": {"searching": "suche…", "source": "Quelle", "sources": "Quellen", "chars": "Zeichen",
           "score": "Wert", "comma": ",", "page": "S.",
           "glosses": "Wortbedeutungen aus einem Wörterbuch, keine Übersetzung",
           "spelled": "nicht im Wörterbuch: in lateinischen Buchstaben"},
    "ru": {"searching": "поиск…", "source": "Источник", "sources": "Источники", "chars": "символы",
           "score": "оценка", "comma": ",", "page": "с.",
           "glosses": "Значения слов по словарю, не перевод",
           "spelled": "нет в словаре: латиницей"},
    "tr": {"searching": "aranıyor…", "source": "Kaynak", "sources": "Kaynaklar", "chars": "karakterler",
           "score": "puan", "comma": ",", "page": "s.",
           "glosses": "Sözlükten kelime anlamları, çeviri değildir",
           "spelled": "sözlükte yok: Latin harfleriyle"},
}
SEARCHING = LABELS["en"]["searching"]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_NEWLINE = re.compile(r"\r\n?|\n")
# The chat renders its messages as Markdown around the HTML: HTML's own escapes, and the
# characters Markdown gives a meaning to as numeric references, which display as themselves.
_LITERAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                          **{c: f"&#{ord(c)};" for c in "\\`*[]()!#|~$:"}})


def literal(text: str) -> str:
    """`text` as HTML that shows it verbatim in a Markdown-rendering chat, line breaks kept as <br>.

    No raw newline survives, so no Markdown block (heading, table, image) can start inside.

    >>> literal("![x](http://h/p.png)\\n# T")
    '&#33;&#91;x&#93;&#40;http&#58;//h/p.png&#41;<br>&#35; T'
    """
    return _NEWLINE.sub("<br>", text.translate(_LITERAL))


def para(text: str, cls: str = "") -> str:
    """Escaped paragraphs (split at blank lines), each picking its own direction."""
    klass = f' class="{cls}"' if cls else ""
    parts = [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()] or [""]
    return "".join(f'<p dir="auto"{klass}>{literal(p.strip())}</p>' for p in parts)


def bdi(text: str, direction: str = "") -> str:
    """Text isolated from its surroundings: `1911–2303` stays in order inside Arabic."""
    attr = f' dir="{direction}"' if direction else ""
    return f"<bdi{attr}>{literal(text)}</bdi>"


def highlight(passage: Passage, start: int, end: int) -> str:
    """The passage text, escaped, with document offsets [start, end) wrapped in <mark>."""
    a = max(0, min(len(passage.text), start - passage.start))
    b = max(a, min(len(passage.text), end - passage.start))
    if start < 0 or a == b:
        return literal(passage.text)
    t = passage.text
    return f"{literal(t[:a])}<mark>{literal(t[a:b])}</mark>{literal(t[b:])}"


def position(passage: Passage, lang: str = "en") -> str:
    return span(passage.start, passage.end, lang)


def span(start: int, end: int, lang: str = "en") -> str:
    return f"{LABELS[lang]['chars']} {bdi(f'{start}–{end}', 'ltr')}"


def user_message(text: str) -> dict:
    """The user's turn as displayed: escaped, so `<img onerror=…>` shows as text."""
    return {"role": "user", "content": para(text, "qa-user")}


def searching_message(question: str) -> dict:
    return {"role": "assistant", "content": para(LABELS[language_of(question)]["searching"], "qa-searching")}


def error_message(text: str) -> dict:
    return {"role": "assistant", "content": para(text, "qa-error")}


def described(passage: Passage, page: int, lang: str) -> str:
    """What a reader needs to find the document: title, author or outlet, date, page; "" when unknown."""
    labels = LABELS[lang]
    parts = [bdi(passage.title) if passage.title else "", bdi(passage.author) if passage.author else "",
             bdi(passage.published[:10], "ltr") if passage.published else "",
             f"{labels['page']} {bdi(str(page), 'ltr')}" if page else ""]
    return f"{labels['comma']} ".join(part for part in parts if part)


def certainty_label(ans: Answer) -> str:
    """"Answer", "Possible answer — check the source" or "Not found", in the answer's language."""
    kind = certainty(ans.found, ans.confidence)
    return f'<p dir="auto" class="qa-label qa-{kind}">{literal(MESSAGES[ans.language][kind])}</p>'


def answer_html(ans: Answer) -> str:
    """The main chat message: how sure, the model's checked answer when there is one, the quote and its source."""
    if not ans.found:
        return certainty_label(ans) + para(ans.text, "qa-notfound")
    labels = LABELS[ans.language]
    name = PurePosixPath(ans.source).name
    cited = ans.passages[ans.citation - 1] if 0 < ans.citation <= len(ans.passages) else None
    about = described(cited, ans.page, ans.language) if cited is not None else ""
    quote = (f'<blockquote dir="auto" class="qa-quote">{literal(ans.quote)} '
             f'<span class="qa-cite">[{ans.citation}]</span></blockquote>')
    source = (f'<p dir="auto" class="qa-source">{labels["source"]}: {about + labels["comma"] + " " if about else ""}'
              f'<code>{bdi(name)}</code>{labels["comma"]} {span(ans.quote_start, ans.quote_end, ans.language)}</p>')
    return certainty_label(ans) + generated_html(ans, quote) + glosses_html(ans) + source + generation_note(ans)


def generated_html(ans: Answer, quote: str) -> str:
    """The model's text around the quote: a draft while it streams, the answer once checked, else nothing."""
    g = ans.generated
    if g is None or (g.final and not g.grounded):
        return quote
    words = MESSAGES[ans.language]
    model = g.model or words["llm"]
    if not g.final:  # only sentences that already passed the check; the rest is still arriving
        return (f'<p dir="auto" class="qa-llm-meta">{literal(words["writing"].format(model=model))}</p>'
                f'<p dir="auto" class="qa-draft">{literal(g.text)}</p>' + quote)
    translation = (f'<p dir="auto" class="qa-translation"><span class="qa-llm-meta">'
                   f'{literal(words["translation"].format(model=model))}:</span> {literal(g.translation)}</p>'
                   if g.translation else "")
    return (f'<div class="qa-generated"><p dir="auto" class="qa-answer-text">{literal(g.text)}</p>'
            f'<p dir="auto" class="qa-llm-meta">{literal(words["written"].format(model=model))}</p></div>'
            + quote + translation)


def glosses_html(ans: Answer) -> str:
    """The quote's words glossed in English, each beside its Arabic word; none when the model translated it."""
    if not ans.glosses or (ans.generated is not None and ans.generated.translation):
        return ""
    labels = LABELS[ans.language]
    words = " · ".join(
        f'<span class="qa-gloss qa-spelled" title="{html.escape(labels["spelled"])}">{bdi(g.word, "rtl")} '
        f'<i>{literal(g.gloss)}</i></span>' if g.transliterated else
        f'<span class="qa-gloss">{bdi(g.word, "rtl")} {literal(g.gloss)}</span>' for g in ans.glosses)
    return (f'<p dir="ltr" class="qa-glosses"><span class="qa-llm-meta">{literal(labels["glosses"])}:</span> '
            f'{words}</p>')


def generation_note(ans: Answer) -> str:
    """One line when the model was asked and its answer is not shown: it failed, or it failed the check."""
    g = ans.generated
    if g is None or not g.final or g.grounded:
        return ""
    words = MESSAGES[ans.language]
    key = "llm_failed" if g.failed else "llm_rejected"
    return para(words[key].format(model=g.model or words["llm"], why=g.note), "qa-llm-note")


def sources_html(ans: Answer) -> str:
    """Every passage under what a reader knows it by (title, date, page, file); the quote highlighted.

    The fused score stays out of the label (it is no probability); it is the element's tooltip.
    """
    items = []
    for n, p in enumerate(ans.passages, 1):
        cited = ans.found and n == ans.citation
        body = highlight(p, ans.quote_start, ans.quote_end) if cited else literal(p.text)
        klass = "qa-passage qa-cited" if cited else "qa-passage"
        about = described(p, ans.page if cited else p.page, ans.language)
        about = f"{about} · " if about else ""
        items.append(
            f'<div class="{klass}" title="{LABELS[ans.language]["score"]} {p.score:.3f}">'
            f'<p class="qa-meta" dir="auto">[{n}] {about}<code>{bdi(p.source)}</code></p>'
            f'<p dir="auto" class="qa-text">{body}</p></div>')
    return "".join(items)


def answer_messages(ans: Answer) -> list[dict]:
    """The answer, then its sources as a collapsible message (Gradio's metadata title)."""
    title = f"{LABELS[ans.language]['sources']} ({len(ans.passages)})"
    messages = [{"role": "assistant", "content": answer_html(ans)}]
    if ans.passages:
        messages.append({"role": "assistant", "content": sources_html(ans),
                         "metadata": {"title": title, "status": "done"}})
    return messages


def when(iso: str) -> str:
    """'2024-05-01T12:03:09+00:00' -> '2024-05-01 12:03 UTC' (unparsable input comes back as is)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    offset = moment.utcoffset()
    zone = "" if offset is None else "UTC" if not offset else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


def status_line(status: Status | None) -> str:
    if status is None:
        return para("No index yet: add a document in the Documents tab.", "qa-status")
    docs = "document" if status.documents == 1 else "documents"
    return (f'<p class="qa-status" dir="ltr">Model <code>{html.escape(status.model)}</code> · '
            f"{status.documents} {docs} · {status.chunks} chunks · built {when(status.built_at)}</p>")


def document_rows(documents: Sequence[IndexedDocument]) -> list[list]:
    """Rows for the documents table: name, title, format, date published, chunks, date added."""
    return [[d.source, d.title, d.kind, d.published[:10], d.chunks, when(d.added)] for d in documents]


def change_summary(saved: Sequence[str] = (), rejected: Sequence[Rejected] = (), removed: str = "",
                   note: str = "") -> str:
    """One line per outcome of an upload or removal, as escaped paragraphs."""
    lines = [f"Added {', '.join(saved)}." if saved else "",
             *(f"Skipped {r.name}: {r.reason}." for r in rejected),
             f"Removed {removed}." if removed else "", note]
    return "".join(para(line) for line in lines if line)
