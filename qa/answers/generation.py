"""A fluent answer in the asker's language, written by a local model from the top passages, checked.

Optional (QA_LLM_URL): the extractive answer is always made first and stays
beside the generated one. The model is asked only when retrieval found an
answer; "not found" never reaches it. Its reply streams in as drafts
(`final=False`) that hold only the complete sentences that already pass the
check (`grounding`), never unchecked text; then the whole reply is checked:
only a grounded reply is shown as the answer; otherwise, and when the server
is slow, dead or busy, the extractive answer stands with one line saying why.
When the quote's language differs from the question's, the model also
translates the quote, within the same deadline; the translation is kept only
when its numbers and names are the quote's. This module renders nothing.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .grounding import Grounding, check, complete_sentences, numbers, sentences, unsupported
from .llm import ChatModel, LLMUnavailable
from ..text.language import language_of
from .prompts import LANGUAGE_NAMES, answer_messages, translate_messages

# The model reads the passages the chat shows first, and the quoted one wherever it ranks.
GENERATION_PASSAGES = 5


@dataclass(frozen=True)
class Generated:
    text: str  # the checked reply (a draft: its checked complete sentences so far; "" when none)
    model: str = ""
    final: bool = False  # False while tokens are still arriving: a draft, not yet checked
    grounded: bool = False  # passed the check; only then is `text` shown as the answer
    citations: tuple[int, ...] = ()  # passage numbers cited (1-based, as the sources are numbered)
    note: str = ""  # one line when the extractive answer stands: why
    failed: bool = False  # the server gave no (complete) reply, as opposed to a reply that failed the check
    translation: str = ""  # the quote in the question's language, by the model ("" when not needed or not kept)
    received: int = 0  # characters of the reply received so far (a draft's progress)
    seconds: float = 0.0


def passages_for(passages: tuple, citation: int) -> tuple:
    """The passages the model reads: the first GENERATION_PASSAGES, extended to the quoted one."""
    return passages[:max(GENERATION_PASSAGES, citation)]


def stream(model: ChatModel, question: str, passages: tuple, quote: str, citation: int,
           language: str, previous: str = "", translate: bool = True) -> Iterator[Generated]:
    """Checked drafts as the reply arrives, then a final `Generated` (grounded, or with its note); for a
    grounded reply over a quote in another language, one more final with the quote's translation."""
    began = time.monotonic()
    deadline = began + model.settings.timeout
    language = language if language in LANGUAGE_NAMES else "en"
    shown = passages_for(passages, citation)
    texts = [p.text for p in shown]
    reply, checked, tried = "", "", ""
    try:
        for piece in model.stream(answer_messages(question, shown, language, previous), deadline=deadline):
            reply += piece
            done = complete_sentences(reply)
            if done != tried:  # checked once per new sentence, not per token
                tried = done
                if _passes(done, texts, language):
                    checked = done
            yield Generated(checked, model.name, received=len(reply))
    except LLMUnavailable as exc:
        yield Generated("", model.name, final=True, note=str(exc), failed=True, received=len(reply),
                        seconds=time.monotonic() - began)
        return
    try:
        verdict = check(reply, texts, language)
    except Exception:  # noqa: BLE001 - a reply the check cannot read is a reply that is not shown
        verdict = Grounding(False, (), "the model's answer could not be checked")
    if not verdict.ok:
        yield Generated("", model.name, final=True, citations=verdict.citations, note=verdict.problem,
                        received=len(reply), seconds=time.monotonic() - began)
        return
    answer = Generated(reply.strip(), model.name, final=True, grounded=True, citations=verdict.citations,
                       received=len(reply), seconds=time.monotonic() - began)
    yield answer
    if translate and quote and language_of(quote) != language:
        translation = _translation(model, quote, language, deadline)
        if translation:
            yield dataclasses.replace(answer, translation=translation, seconds=time.monotonic() - began)


def _passes(text: str, texts: list[str], language: str) -> bool:
    try:
        return check(text, texts, language).ok
    except Exception:  # noqa: BLE001 - unreadable so far: shown only if the whole reply passes at the end
        return False


def _translation(model: ChatModel, quote: str, language: str, deadline: float) -> str:
    """The quote in `language`, or "" when the model fails or the translation adds or drops a number or name."""
    try:
        text = model.complete(translate_messages(quote, language), deadline=deadline).strip()
    except LLMUnavailable:
        return ""
    try:
        kept = bool(text) and numbers(text) == numbers(quote) and not any(
            unsupported(sentence, [quote], language) for sentence in sentences(text))
    except Exception:  # noqa: BLE001 - a translation the check cannot read is not shown
        kept = False
    return text if kept else ""
