"""Normalization and index terms."""
import doctest

from qa.text import terms as terms_module
from qa.text.terms import normalize, stem


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


def test_doctests():
    assert doctest.testmod(terms_module).failed == 0
