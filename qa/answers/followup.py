"""Follow-up questions: does a question lean on the conversation, and what to search instead.

Looks at the question's words and the previous user turn only. The pattern
only breaks ties: `answering.select` searches both readings, the question
alone and with its context, and keeps the better-evidenced one.

>>> is_follow_up("and who opposed it?")
True
>>> contextual_query("when?", [{"role": "user", "content": "Who proposed it?"}])
'Who proposed it? when?'
"""
from __future__ import annotations

import re
from collections.abc import Sequence

_FOLLOW_UP_START = re.compile(
    r"^(and|but|what about|how about|so|then|also)\b|^(ماذا عن|ثم)\b"
    r"|^[وف](متى|من|ما|ماذا|كيف|أين|اين|لماذا|هل|كم|أي|اي)\b",
    re.IGNORECASE)
# Words that point back into the conversation. Not هو/هي/هم: Arabic uses them as a copula
# ("ما هو موقف الاتحاد الأوروبي؟" is a first question).
_ANAPHORA = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|him|her|ذلك|هذا|هذه|تلك|هؤلاء)\b",
                       re.IGNORECASE)


def previous_question(history: Sequence[dict] | None) -> str | None:
    """The last non-empty user message of a Gradio-style history, if any."""
    if not history:
        return None
    previous = [m.get("content") for m in history if isinstance(m, dict) and m.get("role") == "user"]
    previous = [p.strip() for p in previous if isinstance(p, str) and p.strip()]
    return previous[-1] if previous else None


def is_follow_up(question: str) -> bool:
    """Does the question lean on the conversation ("and who opposed it?", "متى حدث ذلك؟")?"""
    return bool(_FOLLOW_UP_START.match(question.strip()) or _ANAPHORA.search(question))


def contextual_query(question: str, history: Sequence[dict] | None) -> str:
    """The question prefixed by the previous user turn (for retrieval of follow-ups)."""
    previous = previous_question(history)
    return f"{previous} {question}" if previous else question
