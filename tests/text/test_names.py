import doctest

import numpy as np
import pytest

from qa.text import names
from qa.store.bm25 import LexicalIndex
from qa.text.terms import normalize, terms
from qa.text.names import KEY_PREFIX, arabic_key, document_keys, latin_key, question_keys


@pytest.mark.parametrize("latin, arabic", [
    ("Erdogan", "أردوغان"), ("Putin", "بوتين"), ("Turkey", "تركيا"), ("Denver", "دنفر"),
    ("Broncos", "برونكوس"), ("Moscow", "موسكو"), ("Ankara", "أنقرة"), ("Carolina", "كارولينا"),
    ("Victoria", "فيكتوريا"), ("Jacksonville", "جاكسونفيل"), ("Panthers", "بانثرز"),
])
def test_a_transliterated_name_gets_the_same_key_in_both_scripts(latin, arabic):
    assert latin_key(latin) == arabic_key(normalize(arabic))


@pytest.mark.parametrize("question, arabic", [
    ("Welches Amt hat Bogdanow?", "بوغدانوف"),  # German w is v
    ("¿A qué nivel son las consultas según Zajárova?", "زخاروفا"),  # Spanish j is kh
    ("Что сказал Богданов?", "بوغدانوف"),  # Cyrillic
    ("Что сказала Захарова?", "زخاروفا"),
    ("Bu haberi Cumhuriyet mi yazdı?", "جمهوريت"),  # Turkish c is j
    ("Who did Lavrov meet?", "لافروف"),
])
def test_a_name_is_keyed_as_the_question_language_spells_it(question, arabic):
    key = KEY_PREFIX + arabic_key(normalize(arabic))
    assert question_keys(question, known_keys={key}) == [key]  # the documents hold the name


def test_a_german_noun_is_a_name_only_when_the_documents_know_it():
    """German capitalizes every noun: "Bodenoffensive" is no name, and no missing name either."""
    assert question_keys("Wer schlug eine Bodenoffensive vor?") == []
    bogdanov = KEY_PREFIX + arabic_key(normalize("بوغدانوف"))
    assert question_keys("Welches Amt hat Bogdanow?", known_keys={bogdanov}) == [bogdanov]
    assert question_keys("Who did Bogdanov meet?") == [bogdanov]  # elsewhere a capital marks a name, known or not


def test_a_foreign_name_keeps_the_spelling_the_documents_know():
    johnson = KEY_PREFIX + arabic_key(normalize("جونسون"))
    assert question_keys("¿Qué dijo Boris Johnson?") == ["~brs", "~knsn"]  # Spanish j, nothing known
    assert question_keys("¿Qué dijo Boris Johnson?", known_keys={johnson}) == ["~brs", johnson]
    assert question_keys("¿A qué nivel según Zajárova?", known_keys={"~skrf", "~sgrf"}) == ["~skrf"]


def test_english_keeps_its_own_letters():
    assert latin_key("Wales") != latin_key("Wales", "de") and latin_key("Jackson") == "gksn"
    assert latin_key("Jackson", "es") == "ksn"


def test_article_prefix_is_dropped_but_short_words_keep_theirs():
    assert arabic_key("الكرملين") == arabic_key("كرملين") == latin_key("Kremlin")
    assert arabic_key("الان") == "ln"  # "ال" stays when fewer than three letters would be left
    assert arabic_key("اوي") == ""  # nothing but weak letters
    assert arabic_key("abc") == ""  # not Arabic script: no key


def test_question_keys_come_from_capitalized_words_after_the_first():
    assert question_keys("Who did Erdogan meet in Ankara?") == ["~rdgn", "~nkr"]
    assert question_keys("Who proposed a ground operation?") == []  # no names
    assert question_keys("Erdogan?") == []  # the first word is skipped: usually a question word
    assert question_keys("Where is Ur?") == []  # keys under three consonants collide too often
    assert question_keys("من اقترح عملية برية؟") == []
    # Documents that spell a name in Latin letters match it as a word already.
    assert question_keys("Who did Erdogan meet in Ankara?", vocabulary={"erdogan"}) == ["~nkr"]


def test_document_keys_are_marked_and_skip_latin_words():
    keys = document_keys("التقى أردوغان بوتين in Moscow")
    assert keys == ["~rdgn", "~btn"]
    assert all(k.startswith(KEY_PREFIX) for k in keys)
    assert not any(t.startswith(KEY_PREFIX) for t in terms("rdgn تركيا 2016 ~x"))  # words never look like keys


def test_bm25_over_keys_finds_the_arabic_chunk_for_an_english_name():
    chunks = ["أعلن أردوغان أن تركيا مستعدة", "قال بوتين في موسكو إن روسيا ترفض", "الطقس معتدل في المدينة"]
    index = LexicalIndex([document_keys(c) for c in chunks])
    assert int(np.argmax(index.scores(question_keys("What did Putin say in Moscow?")))) == 1
    assert int(np.argmax(index.scores(question_keys("What did Erdogan announce?")))) == 0
    assert index.coverage(question_keys("What did Macron say?")) == 0.0


def test_doctests():
    assert doctest.testmod(names).failed == 0
