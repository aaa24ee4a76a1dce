"""English word glosses of Arabic quotes from Debian's FreeDict Arabic–English (installed by `make dictionary`)."""
from __future__ import annotations

import pytest

from qa.answers import glosses as module
from qa.answers.glosses import Gloss, forms, glossary, glosses

QUOTE = "أعلنت وزارة الخارجية الروسية أمس في بيان ان روسيا ستدعو إلي اجتماع لمجلس الأمن"


@pytest.fixture(scope="module")
def book():
    found = glossary()
    assert found is not None, "run `make dictionary` (Debian's dict-freedict-ara-eng)"
    return found


def test_content_words_get_their_dictionary_senses(book) -> None:
    shown = {g.word: g for g in glosses(QUOTE, "en")}
    assert shown["روسيا"].gloss == "Russia" and shown["وزارة"].gloss == "Ministry"
    assert shown["أمس"].gloss == "Yesterday" and "Assembly" in shown["لمجلس"].gloss  # the prefix ل- is stripped
    assert "في" not in shown and "ان" not in shown  # function words are not glossed
    assert not any(g.transliterated for g in shown.values() if g.word in ("روسيا", "وزارة"))


def test_a_word_the_dictionary_lacks_is_spelled_not_guessed(book) -> None:
    (spelled,) = [g for g in glosses("قال زيلينسكي", "en") if g.word == "زيلينسكي"]
    assert spelled == Gloss("زيلينسكي", "zylynsky", transliterated=True)


def test_no_glosses_for_an_arabic_question_or_without_the_dictionary(book, monkeypatch) -> None:
    assert glosses(QUOTE, "ar") == ()
    monkeypatch.setattr(module, "glossary", lambda: None)
    assert glosses(QUOTE, "en") == ()


def test_forms_tried_prefix_suffix_article() -> None:
    assert forms("لمجلس")[:2] == ["لمجلس", "مجلس"]
    assert "القوات" in forms("لقوات")


def test_arabic_punctuation_and_digits_are_not_words(book) -> None:
    words = [g.word for g in glosses("دعت تركيا، وسوريا؟ في ٢٠١٦", "en")]
    assert "تركيا" in words and "وسوريا" in words
    assert not any(ch in "".join(words) for ch in "،؟٢٠١٦")


def test_a_name_the_question_spells_is_shown_as_spelled_not_read_as_stem_and_suffix(book) -> None:
    quote = "وقال الرئيس الفرنسي ماكرون إن القوات التركية ستنسحب"
    unasked = {g.word: g for g in glosses(quote, "en", "What did the French president say?")}
    assert unasked["ماكرون"].gloss != "Macron"  # read as ماكر + ون ("foxy") without the question's help
    shown = {g.word: g for g in glosses(quote, "en", "What did Macron say about the troops?")}
    assert shown["ماكرون"] == Gloss("ماكرون", "Macron", transliterated=True)
    assert shown["القوات"].gloss == unasked["القوات"].gloss and not shown["القوات"].transliterated
    assert forms("ماكرون", guess=False) == ["ماكرون"]
    german = {g.word: g for g in glosses("قال بوغدانوف", "de", "Was hat Bogdanow gesagt?")}
    assert german["بوغدانوف"].gloss == "Bogdanow"  # keyed as German spells it (w is v)
    assert glosses("يبدون مستعدين", "en", "What did Biden say?")[0].gloss != "Biden"  # "bdn": three classes
    turkish = {g.word: g for g in glosses(quote, "tr", "Fransa Cumhurbaşkanı Macron ne dedi?")}
    assert turkish["ماكرون"].gloss == "Macron"  # a French name keeps its own spelling in a Turkish question
