"""One text normalization and the index terms made from it.

`normalize` is used for documents, queries and answer matching alike, so that
"أحمد"/"احمد", "مدرسة"/"مدرسه", "٢٠١٦"/"2016" and "Turkey"/"turkey" meet.
`terms` adds light Arabic affix stripping (measured in docs/quality.md).
This module only analyses text; BM25 over the terms is `store/bm25.py`.

>>> normalize("أَعلنت الوزارةُ ٢٠١٦")
'اعلنت الوزاره 2016'
>>> terms("والحكومة التركية")
['حكوم', 'ترك']
"""
from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_CHAR_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ک": "ك",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
})
_TOKEN = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile("[\u0600-\u06ff]")
# Light stemming in the spirit of Larkey's light10: longest first, keep >= 2 letters.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "ية", "يه", "ه", "ي")


def normalize(text: str) -> str:
    """Canonical form for matching: NFKC, no diacritics/tatweel, unified letters and digits, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    # NFKC again: removing a mark can bring a letter and a combining mark together.
    return unicodedata.normalize("NFKC", text.translate(_CHAR_MAP).casefold())


def stem(token: str) -> str:
    if not _ARABIC.match(token):
        return token
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            token = token[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            break
    return token


def terms(text: str) -> list[str]:
    """Index terms of `text`: normalized word tokens, Arabic ones light-stemmed."""
    return [stem(tok) for tok in _TOKEN.findall(normalize(text))]
