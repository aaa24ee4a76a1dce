"""A fluent answer in the asker's language, written by a local model from the top passages, checked.

Optional (QA_LLM_URL): the extractive answer is always made first and stays
beside the generated one. The model is asked only when retrieval found an
answer; "not found" never reaches it. Its reply streams in as drafts
(`final=False`), then is checked (`grounding`): only a grounded reply is shown
as the answer; otherwise, and when the server is slow, dead or busy, the
extractive answer stands with one line saying why. When the quote's language
differs from the question's, the model also translates the quote, and the
translation keeps the quote's numbers or is dropped. This module renders nothing.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from .grounding import check, numbers
from .llm import ChatModel, LLMUnavailable
from .messages import language_of
from .prompts import LANGUAGE_NAMES, answer_messages, translate_messages

# The model reads the passages the chat shows first, and the quoted one wherever it ranks.
GENERATION_PASSAGES = 5


@dataclass(frozen=True)
class Generated:
    text: str  # the model's reply so far ("" when it gave none)
    model: str = ""
    final: bool = False  # False while tokens are still arriving: a draft, not yet checked
    grounded: bool = False  # passed the check; only then is `text` shown as the answer
    citations: tuple[int, ...] = ()  # passage numbers cited (1-based, as the sources are numbered)
    note: str = ""  # one line when the extractive answer stands: why
    failed: bool = False  # the server gave no (complete) reply, as opposed to a reply that failed the check
    translation: str = ""  # the quote in the question's language, by the model ("" when not needed or not kept)
    seconds: float = 0.0


def passages_for(passages: tuple, citation: int) -> tuple:
    """The passages the model reads: the first GENERATION_PASSAGES, extended to the quoted one."""
    return passages[:max(GENERATION_PASSAGES, citation)]


def stream(model: ChatModel, question: str, passages: tuple, quote: str, citation: int,
           language: str, previous: str = "") -> Iterator[Generated]:
    """Drafts as the reply arrives, then one final `Generated` (grounded, or with its note)."""
    began = time.monotonic()
    language = language if language in LANGUAGE_NAMES else "en"
    shown = passages_for(passages, citation)
    text = ""
    try:
        for piece in model.stream(answer_messages(question, shown, language, previous)):
            text += piece
            yield Generated(text, model.name)
    except LLMUnavailable as exc:
        yield Generated(text, model.name, final=True, note=str(exc), failed=True,
                        seconds=time.monotonic() - began)
        return
    verdict = check(text, [p.text for p in shown], language, question)
    if not verdict.ok:
        yield Generated(text, model.name, final=True, citations=verdict.citations, note=verdict.problem,
                        seconds=time.monotonic() - began)
        return
    yield Generated(text.strip(), model.name, final=True, grounded=True, citations=verdict.citations,
                    translation=_translation(model, quote, language), seconds=time.monotonic() - began)


def _translation(model: ChatModel, quote: str, language: str) -> str:
    """The quote in `language`, or "" when it is already in it, the model fails, or numbers change."""
    if not quote or language_of(quote) == language:
        return ""
    try:
        text = model.complete(translate_messages(quote, language)).strip()
    except LLMUnavailable:
        return ""
    return text if text and numbers(text) == numbers(quote) else ""
