import numpy as np

from qa.lexical import LexicalIndex, normalize, stem, terms


def test_normalize_unifies_arabic_letter_forms_digits_and_case():
    assert normalize("أحمد إلى آخر") == normalize("احمد الي اخر")
    assert normalize("مدرسة") == "مدرسه"
    assert normalize("٢٠١٦ ۲۰۱۶") == "2016 2016"
    assert normalize("Turkey") == "turkey"
    assert normalize("عَرَبِيّ") == "عربي"
    assert normalize("كـــتاب") == "كتاب"


def test_normalize_is_idempotent():
    for text in ["أَعلنت الوزارةُ ٢٠١٦", "Ünïcödé ﷲ", "تنظيم( داعش)", ""]:
        assert normalize(normalize(text)) == normalize(text)


def test_stem_strips_common_affixes_but_keeps_short_words():
    assert stem("والحكومة".replace("ة", "ه")) == "حكوم"
    assert stem("في") == "في"
    assert stem("turkey") == "turkey"


def test_bm25_ranks_the_matching_document_first_in_several_scripts():
    docs = ["تركيا تدعو الي عملية برية في سوريا", "روسيا تطلب اجتماع مجلس الامن",
            "The weather in Paris is mild", "Le gouvernement français a démissionné"]
    lex = LexicalIndex([terms(d) for d in docs])
    assert int(np.argmax(lex.scores(terms("عمليه بريه")))) == 0
    assert int(np.argmax(lex.scores(terms("مجلس الأمن")))) == 1
    assert int(np.argmax(lex.scores(terms("weather Paris")))) == 2
    assert int(np.argmax(lex.scores(terms("gouvernement")))) == 3


def test_coverage_is_zero_for_a_question_in_another_script():
    lex = LexicalIndex([terms("تركيا تدعو الي عملية برية في سوريا")])
    assert lex.coverage(terms("Who proposed a ground operation?")) == 0.0
    assert lex.coverage(terms("عملية برية")) == 1.0
    assert not lex.scores(terms("nothing matches")).any()


def test_empty_index_scores_nothing():
    lex = LexicalIndex([])
    assert lex.scores(["x"]).shape == (0,)
