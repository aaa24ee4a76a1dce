"""Sentence splitting with character offsets, for Arabic and Latin news text.

Job: cut text into sentences after `.`, `!`, `?`, `؟`, `۔` and `…` and at
line breaks, keeping closing quotes and brackets with the sentence, and
returning offsets so that `text[s.start:s.end] == s.text`. Sentences longer
than `MAX_SENTENCE_CHARS` are cut at a comma, semicolon or space.

Left out on purpose: no language models, no dependencies beyond `re`, no
normalization; commas and semicolons (`،`, `,`, `؛`, `;`) never end a
sentence by themselves. Quirks of scraped news text are tolerated: a missing
space after a full stop ("قال.وأضاف") is still a boundary, while decimals
("3.5"), initials ("J. Smith", "U.S.") and titles ("Dr.") are not.

>>> [s.text for s in split_sentences("قال.وأضاف: نعم؟ Mr. Smith paid 3.5 dollars.")]
['قال.', 'وأضاف: نعم؟', 'Mr. Smith paid 3.5 dollars.']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 400
_TERMINAL_RUN = re.compile(r"[.!?؟۔…]+|\n")
# Only taken when they touch the punctuation: a quote after a space opens the next sentence.
_CLOSERS = frozenset("\"'”’»›)]}")
# After a terminal with no space: domain names, URLs, decimals continue the sentence.
_CONTINUES = re.compile(r"[a-z0-9/=&_%\-]")
_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof St Jr Sr Gen Col Lt Sgt Capt Cmdr Gov Sen Rep Rev Hon Pres "
    "Inc Ltd Co Corp No Nos Fig Vol Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "Mt Ft vs cf approx".split()
)
_SOFT_BREAKS = "،,؛;"
# A line that ends like this is text; one that does not may be a heading (`ends_sentence`).
_ENDS_SENTENCE = re.compile(r"[.!?؟۔…:;؛]['\"”’»›)\]]*\s*$")


def ends_sentence(text: str) -> bool:
    """Does `text` end with sentence punctuation, a colon or a semicolon (closing quotes or brackets after)?

    A line that does not is a title, a byline or a fragment: chunking joins headings to the text after them
    and quoting never quotes one alone.
    """
    return bool(_ENDS_SENTENCE.search(text))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _word_before(text: str, position: int) -> str:
    start = position
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:position]


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Does the terminal run `text[start:end]` end a sentence?"""
    following = text[end:end + 1]
    if following and _CONTINUES.match(following):
        return False
    if text[start:end] == ".":
        if following.isdigit() and text[start - 1:start].isdigit():
            return False  # a decimal in any script's digits
        word = _word_before(text, start)
        if len(word) == 1 or word in _ABBREVIATIONS:
            return False  # an initial or a title
    return True


def _extend_closers(text: str, end: int) -> int:
    while end < len(text) and text[end] in _CLOSERS:
        end += 1
    return end


def _cut_point(text: str, start: int, end: int) -> int:
    """Where to end the first piece of the overlong span `text[start:end]`."""
    limit = start + MAX_SENTENCE_CHARS
    window = text[start:limit]
    half = MAX_SENTENCE_CHARS // 2
    soft = max(window.rfind(ch) for ch in _SOFT_BREAKS)
    if soft >= half:
        return start + soft + 1  # the comma stays with the first piece
    space = max((i for i, ch in enumerate(window) if ch.isspace()), default=-1)
    if space > 0:
        return start + space
    return limit  # no break at all in 400 characters: cut hard


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append `text[start:end]` stripped, cut to MAX_SENTENCE_CHARS pieces."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            return
        if end - start <= MAX_SENTENCE_CHARS:
            out.append(Sentence(start, end, text[start:end]))
            return
        cut = _cut_point(text, start, end)
        _emit(text, start, cut, out)
        start = cut


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` in order, each stripped, with offsets into `text`."""
    sentences: list[Sentence] = []
    start = 0
    for match in _TERMINAL_RUN.finditer(text):
        if match.group() == "\n":
            _emit(text, start, match.start(), sentences)
            start = match.end()
        elif text[start:match.start()].strip() and _is_boundary(text, match.start(), match.end()):
            # A terminal that opens a line ("![image]", "… and then") starts a sentence, it ends none.
            end = _extend_closers(text, match.end())
            _emit(text, start, end, sentences)
            start = end
    _emit(text, start, len(text), sentences)
    return sentences
