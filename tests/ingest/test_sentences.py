"""Tests for qa.ingest.sentences: boundaries, news-text quirks, offsets, long sentences."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import qa.ingest.sentences
from qa.ingest.sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARTICLE = SEEDS / "000_f9ca097250a4c633.txt"


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def assert_well_formed(text: str, sentences: list[Sentence]) -> None:
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end  # in order, no overlap
        assert len(sentence.text) <= MAX_SENTENCE_CHARS
        previous_end = sentence.end


def test_doctests() -> None:
    assert doctest.testmod(qa.ingest.sentences).failed == 0


def test_offsets_by_hand() -> None:
    assert split_sentences("  Hi there. Bye!  ") == [
        Sentence(2, 11, "Hi there."),
        Sentence(12, 16, "Bye!"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هل حضرت؟ نعم حضرت.", ["هل حضرت؟", "نعم حضرت."]),
        ("What? Really! Yes.", ["What?", "Really!", "Yes."]),
        ("انتهى الاجتماع۔ ثم غادروا", ["انتهى الاجتماع۔", "ثم غادروا"]),
        ("He paused… Then left.", ["He paused…", "Then left."]),
        ("Wait... what?! No.", ["Wait...", "what?!", "No."]),
        ("line one\nline two", ["line one", "line two"]),
        ("قال.وأضاف انه سيحضر.", ["قال.", "وأضاف انه سيحضر."]),
        ("في عام 2015.وقال", ["في عام 2015.", "وقال"]),
        # A terminal that opens a line belongs to what follows (before: "!" alone, quoted with its neighbour).
        ("It opens at nine.\n\n![map](x.png) shows the way.", ["It opens at nine.", "![map](x.png) shows the way."]),
        ("Talks ended.\n… and then they left.", ["Talks ended.", "… and then they left."]),
    ],
)
def test_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "بلغ النمو 3.5 بالمئة في العام الماضي.",
        "Growth was 3.5 percent last year.",
        "بلغ النمو ٣.٥ بالمئة.",
        "U.S. officials met Mr. Smith and Dr. Jones.",
        "J. Smith wrote it, e.g. the report.",
        "وقال في12 فبراير ان تنظيم( داعش) يتراجع.",
        "قال الوزير، بعد الاجتماع، ان المحادثات ستستمر؛ وأضاف انها مفيدة; ثم غادر.",
        "See example.com/page?id=3 for details.",
        "قال د. محمد ان الوضع مستقر.",
    ],
)
def test_not_boundaries(text: str) -> None:
    assert texts(text) == [text]


def test_closing_quotes_and_brackets_stay_with_sentence() -> None:
    assert texts('قال: "لن نتراجع." ثم غادر.') == ['قال: "لن نتراجع."', "ثم غادر."]
    assert texts("وقال «انتهى الأمر.» وغادر (بسرعة!) ثم عاد.") == [
        "وقال «انتهى الأمر.»",
        "وغادر (بسرعة!)",
        "ثم عاد.",
    ]
    assert texts('He said "stop." Then "go!"') == ['He said "stop."', 'Then "go!"']


def test_long_sentence_is_cut_at_commas() -> None:
    clause = "وقال المتحدث باسم الوزارة ان المحادثات مستمرة"  # 45 characters
    text = "، ".join([clause] * 30) + "."
    sentences = split_sentences(text)
    assert_well_formed(text, sentences)
    assert len(sentences) > 1
    assert all(s.text.endswith("،") for s in sentences[:-1])
    assert all(len(s.text) > MAX_SENTENCE_CHARS // 2 for s in sentences[:-1])


def test_long_sentence_without_punctuation_is_cut_at_spaces() -> None:
    text = " ".join(["كلمة"] * 300)
    sentences = split_sentences(text)
    assert_well_formed(text, sentences)
    assert all(s.text.split() == ["كلمة"] * len(s.text.split()) for s in sentences)
    assert sum(len(s.text.split()) for s in sentences) == 300


def test_long_run_without_any_break_is_cut_hard() -> None:
    text = "x" * 1000
    assert [len(s.text) for s in split_sentences(text)] == [400, 400, 200]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_real_article() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert_well_formed(text, sentences)
    assert len(sentences) > 10
    assert sum(s.text.endswith(".") for s in sentences) > 10
    start = text.index("وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري في سوريا")
    end = text.index(".", start) + 1
    assert Sentence(start, end, text[start:end]) in sentences
    assert any("تنظيم( داعش)." in s.text for s in sentences)


ALPHABET = "ابتثجحسشعقلمنهوي" + "abcXYZ019" + " " * 8 + "\n\t" + ".!?؟۔…،,؛;()«»\"'"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=3000))
def test_property_offsets_order_and_length(text: str) -> None:
    sentences = split_sentences(text)
    assert_well_formed(text, sentences)
    # Nothing but whitespace is ever dropped.
    kept: set[int] = set()
    for s in sentences:
        kept.update(range(s.start, s.end))
    assert all(i in kept for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab ،", min_size=401, max_size=2000))
def test_property_long_unpunctuated_text(text: str) -> None:
    assert_well_formed(text, split_sentences(text))
