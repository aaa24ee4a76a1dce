"""Visual to logical order: each paragraph's lines through python-bidi in its base direction.

Brackets at right-to-left levels are mirrored or not, whichever balances them (producers
differ), and a producer that draws Arabic from left to right in logical order is told
apart by how its words look. Finding the paragraphs is `paragraphs`'s.
"""
from __future__ import annotations

import re

from .paragraphs import Paragraph, paragraph_rtl

_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_LEADING_PUNCT = re.compile(r"^[\s\"'“”»«]*[.,،;؛:!?؟](?!\.)")  # not an ellipsis


_FAMILIES = ("()", "[]", "{}", "«»", "‹›")
_FAMILY_OF = {ch: pair for pair in _FAMILIES for ch in pair}


def _reorder(visual: str, rtl: bool) -> list[tuple[str, bool]]:
    """The logical order of one visual line with base direction `rtl`: each character with
    whether it sits at a right-to-left level (where a bracket may be mirrored).

    python-bidi's steps without its last one (L4, mirroring), which is left to `_render`:
    producers differ on it (see `_brackets`).
    """
    from bidi import algorithm as uba

    try:
        storage = uba.get_empty_storage()
        storage["base_level"] = 1 if rtl else 0
        storage["base_dir"] = "R" if rtl else "L"
        uba.get_embedding_levels(visual, storage)
        uba.explicit_embed_and_overrides(storage, False)
        uba.resolve_weak_types(storage, False)
        uba.resolve_neutral_types(storage, False)
        uba.resolve_implicit_levels(storage, False)
        uba.reorder_resolved_levels(storage, False)
        return [(c["ch"], bool(c["level"] % 2)) for c in storage["chars"]]
    except (AttributeError, KeyError, TypeError):  # another python-bidi: its public function
        return [(ch, False) for ch in uba.get_display(visual, base_dir="R" if rtl else "L")]


def _render(chars: list[tuple[str, bool]], mirror: dict[str, bool]) -> str:
    """The characters, each mirrored glyph at a right-to-left level mapped to its mirror
    (brackets only for the families `mirror` says so of)."""
    from bidi.mirror import MIRRORED

    out = []
    for ch, odd in chars:
        if odd and ch in MIRRORED and mirror.get(_FAMILY_OF.get(ch, ""), True):
            ch = MIRRORED[ch]
        out.append(ch)
    return "".join(out)


def _bracket_errors(text: str, pair: str) -> int:
    """Closing brackets with nothing open and opening ones never closed, of one family."""
    errors = depth = 0
    for ch in text:
        if ch == pair[0]:
            depth += 1
        elif ch == pair[1]:
            if depth:
                depth -= 1
            else:
                errors += 1
    return errors + depth


def _choose(texts_with: list[str], texts_without: list[str], pair: str) -> bool | None:
    """Mirror the family or not: whichever leaves fewer unbalanced brackets; None on a tie."""
    with_ = sum(_bracket_errors(t, pair) for t in texts_with)
    without = sum(_bracket_errors(t, pair) for t in texts_without)
    return None if with_ == without else with_ < without


def _brackets(lines: list[list[list[tuple[str, bool]]]]) -> list[list[str]]:
    """Each paragraph's lines as text, brackets at right-to-left levels mirrored or not.

    A producer maps a bracket drawn mirrored (an opening bracket of Arabic text, drawn
    as ")") either to the character typed, "(" (then the bidi algorithm's mirroring must
    not be applied) or to the glyph's look, ")" (then it must). Chromium does the one
    with one font and the other with another; fpdf2 one for () and the other for «».
    So each family of brackets is decided in each paragraph by which choice balances
    them; where that is a tie, on each line; where that is a tie too, for the document
    (and by the standard, mirroring, when the document cannot tell either).
    """
    on = {pair: True for pair in _FAMILIES}
    off = {pair: False for pair in _FAMILIES}
    rendered = {
        flag: [[_render(chars, on if flag else off) for chars in para] for para in lines]
        for flag in (True, False)
    }
    document = {}
    for pair in _FAMILIES:
        verdict = _choose([" ".join(para) for para in rendered[True]], [" ".join(para) for para in rendered[False]], pair)
        document[pair] = True if verdict is None else verdict
    out = []
    for n, para in enumerate(lines):
        paragraph = {
            pair: _choose([" ".join(rendered[True][n])], [" ".join(rendered[False][n])], pair) for pair in _FAMILIES
        }
        texts = []
        for m, chars in enumerate(para):
            if not any(ch in _FAMILY_OF for ch, _ in chars):
                texts.append(rendered[True][n][m])
                continue
            choice = {}
            for pair in _FAMILIES:
                verdict = paragraph[pair]
                if verdict is None:
                    verdict = _choose([rendered[True][n][m]], [rendered[False][n][m]], pair)
                choice[pair] = document[pair] if verdict is None else verdict
            texts.append(_render(chars, choice))
        out.append(texts)
    return out


def _punct_errors(lines: list[str]) -> int:
    """Lines that start with a full stop or comma: the mark of a wrong base direction."""
    return sum(1 for line in lines if _LEADING_PUNCT.match(line))


def to_logical(paragraphs: list[Paragraph]) -> None:
    # Each paragraph's direction: the base direction under which no line starts with a full stop.
    reordered = []
    for para in paragraphs:
        by_dir = {rtl: [_reorder(line.visual, rtl) for line in para.lines] for rtl in (True, False)}
        standard = {pair: True for pair in _FAMILIES}
        para.rtl = paragraph_rtl(
            para,
            _punct_errors([_render(chars, standard) for chars in by_dir[True]]),
            _punct_errors([_render(chars, standard) for chars in by_dir[False]]),
        )
        reordered.append(by_dir[para.rtl])
    chosen = _brackets(reordered)
    # Producers that draw Arabic from left to right in logical order (no bidi) leave the
    # visual order already logical; the reading whose Arabic words look like Arabic wins.
    drawn = [[line.drawn for line in para.lines] for para in paragraphs]
    flat = lambda texts: [t for lines in texts for t in lines]
    if _arabic_score(flat(drawn)) > _arabic_score(flat(chosen)) + 2:
        chosen = drawn
        for para in paragraphs:  # the bidi reading's directions mean nothing then: the letters'
            para.rtl = sum(line.rtl_glyphs for line in para.lines) > sum(line.ltr_glyphs for line in para.lines)
    for para, lines in zip(paragraphs, chosen):
        para.texts = lines


def _arabic_score(texts: list[str]) -> int:
    """How much the texts look like Arabic in logical order (words start with ال, end with ة/ى)."""
    score = 0
    for text in texts:
        for word in _ARABIC_WORD.findall(text):
            if len(word) < 2:
                continue
            if word.startswith("ال") and len(word) > 3:
                score += 1
            if word.endswith("لا") and len(word) > 3:
                score -= 1
            if word[-1] in "ةى":
                score += 1
            if word[0] in "ةى":
                score -= 1
    return score
