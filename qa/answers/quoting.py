"""Which sentence(s) of the top passages to quote.

A sentence scores by its dense and sparse similarity to the question, its word
overlap with it, the score of its passage and, when the question asks for a
number or a time, whether it could give one (`text.answer_type`: a small
bonus that decides between near ties). The quote is that sentence. A
neighbour joins it only from the same paragraph, within QUOTE_MAX_CHARS
characters, and only when it belongs to the answer: the pair's first sentence
is a fragment (a line cut mid-sentence, as PDFs and hard-wrapped text have), or
the neighbour shares the question's content words, names or translated
words, or it is by itself at least as similar to the question as the chosen
sentence (which won on shared words: "He added: we need ten days" after "De
Mistura said in an interview"), or the question is in another script than
the passage, where there are no words to share and the similarities that
chose the sentence are close calls. docs/quality.md measures the rule
against always joining. A heading (a line without sentence punctuation,
`ingest.sentences.ends_sentence`, standing as its own paragraph: a title, a
byline) is the quote only when no sentence is there.
This module does not decide whether to answer.
"""
from __future__ import annotations

import math
import re

import numpy as np

from ..ingest.sentences import ends_sentence
from ..search.loaded import LoadedIndex
from ..search.results import Search
from ..text.answer_type import AnswerType, can_answer
from ..text.language import is_function_word, language_of
from ..text.names import document_keys
from ..text.terms import terms

QUOTE_MAX_CHARS = 400
OVERLAP_WEIGHT = 0.3
QUOTE_PASSAGES = 3  # sentences are picked from the best few passages only
TYPE_WEIGHT = 0.02  # breaks near ties only: docs/quality.md has the scan
_WORD = re.compile(r"\w+", re.UNICODE)


def best_quote(idx: LoadedIndex, search: Search, pair: bool, kind: AnswerType) -> tuple[int, list[int]]:
    """(rank of the passage, unit rows of the quote) for the best sentence, with a neighbour where it belongs.

    `kind`: what the user's own question asks for, as in `evidence.evidence`.
    """
    # Name keys and translated words count as words: across scripts they are the only words
    # a sentence can share with the question.
    qset = set(search.terms) | set(search.names) | set().union(*search.translations)
    # What a neighbour must share to join: the question's content words ("the" and "في" say nothing,
    # nor the "s" of "Russia's" or the "l" of "l'armée"; "UN" and "9" do).
    language = language_of(search.query)
    content = ({t for w in _WORD.findall(search.query) if not is_function_word(w, language) for t in terms(w)
                if len(t) > 1} | set(search.names) | set().union(*search.translations))
    words = _words_and_keys if search.names else terms  # keys only cost time when asked for
    arabic_question = language == "ar"
    best: tuple[float, int, list[int]] = (-math.inf, -1, [])
    heading: tuple[float, int, list[int]] = (-math.inf, -1, [])
    for rank, item in enumerate(search.ranked[:QUOTE_PASSAGES]):
        rows = idx.units_of(item.row)
        if not len(rows):
            continue
        dense, sparse = idx.unit_scores(search.vectors, rows)
        unit_words = [set(words(idx.unit_text(j))) for j in rows]
        shared = np.array([len(qset & w) for w in unit_words])
        similar = dense + sparse
        own = similar + OVERLAP_WEIGHT * shared / max(1, len(qset))
        typed = [kind == "any" or can_answer(idx.unit_text(j), kind) for j in rows]
        bonus = TYPE_WEIGHT if kind != "any" else 0.0
        for i, j in enumerate(rows):
            score = float(own[i]) + item.dense
            if _is_heading(idx, rows, i):
                if score > heading[0]:
                    heading = (score, rank, [j])
                continue
            if score + bonus <= best[0]:
                continue
            chosen = [j]
            if pair:
                # Across scripts a sentence shares no words with the question and the similarities that
                # chose it are close calls: the better neighbour of the paragraph stays in view.
                across = arabic_question != (language_of(idx.unit_text(j)) == "ar")
                joining = [(own[n], n) for n in (i - 1, i + 1)
                           if 0 <= n < len(rows)
                           and _belongs(idx, rows, i, n, across or bool(content & unit_words[n]), similar)]
                if joining:
                    chosen = sorted([j, rows[max(joining)[1]]])
            # The quote as shown earns the bonus: the figure is often in the neighbour that joins.
            score += bonus * any(typed[int(np.searchsorted(rows, c))] for c in chosen)
            if score > best[0]:
                best = (score, rank, chosen)
    return (best[1], best[2]) if best[1] >= 0 else (heading[1], heading[2])


def _belongs(idx: LoadedIndex, rows: np.ndarray, i: int, n: int, related: bool, similar: np.ndarray) -> bool:
    """Does unit rows[n], next to the chosen rows[i], belong in the quote (see the module docstring)?"""
    first, second = min(i, n), max(i, n)
    if idx.unit_end[rows[second]] - idx.unit_start[rows[first]] > QUOTE_MAX_CHARS:
        return False
    if _paragraph_break(_between(idx, rows[first], rows[second])) or _is_heading(idx, rows, n):
        return False
    fragment = not ends_sentence(idx.unit_text(rows[first]))
    return fragment or related or similar[n] >= similar[i]


def _between(idx: LoadedIndex, a: int, b: int) -> str:
    """The text between units a and b, a before b in one chunk."""
    chunk = idx.chunks[int(idx.unit_chunk[a])]
    return chunk.text[int(idx.unit_end[a]) - chunk.start:int(idx.unit_start[b]) - chunk.start]


def _paragraph_break(gap: str) -> bool:
    return gap.count("\n") >= 2


def _is_heading(idx: LoadedIndex, rows: np.ndarray, i: int) -> bool:
    """A line without sentence punctuation with a paragraph break (or its chunk's edge) on both sides."""
    if ends_sentence(idx.unit_text(rows[i])):
        return False
    chunk = idx.chunks[int(idx.unit_chunk[rows[i]])]
    start, end = int(idx.unit_start[rows[i]]) - chunk.start, int(idx.unit_end[rows[i]]) - chunk.start
    # A chunk's edge counts as a break: the chunker starts chunks at headings (`ingest.chunking`) and
    # otherwise at sentence or clause ends, so an unpunctuated line there is a heading, not a fragment.
    before = _between(idx, rows[i - 1], rows[i]) if i > 0 else (chunk.text[:start] or "\n\n")
    after = _between(idx, rows[i], rows[i + 1]) if i + 1 < len(rows) else (chunk.text[end:] or "\n\n")
    return _paragraph_break(before) and _paragraph_break(after)


def _words_and_keys(text: str) -> list[str]:
    return terms(text) + document_keys(text)
