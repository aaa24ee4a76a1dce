"""What the answer says in the asker's language: the language guess and the fixed messages.

Only the words; HTML and chat rendering are `qa.web.chatformat`'s.

>>> language_of("من اقترح عملية برية؟")
'ar'
>>> language_of("Who proposed a ground operation?")
'en'
"""
from __future__ import annotations

import re

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

MESSAGES = {
    "en": {"not_found": "I could not find an answer to this in the documents. The closest passages are listed below.",
           "source": "Source"},
    "ar": {"not_found": "لم أجد إجابة عن هذا السؤال في المستندات. أقرب المقاطع مدرجة أدناه.",
           "source": "المصدر"},
}


def language_of(text: str) -> str:
    """'ar' when most letters are Arabic, else 'en' (the fallback for messages)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    arabic = sum(1 for ch in letters if _ARABIC_LETTER.match(ch))
    return "ar" if arabic / len(letters) >= 0.5 else "en"
