"""BM25 and the word statistics over stored term lists."""
import numpy as np

from qa.store.bm25 import LexicalIndex
from qa.text.terms import terms


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


def test_idf_share_weighs_rare_words_and_counts_unknown_ones_as_missing():
    docs = [terms("تركيا تدعو الي عملية برية"), terms("روسيا تدعو مجلس الامن"), terms("روسيا ترفض")]
    lex = LexicalIndex(docs)
    question = terms("تركيا تدعو")
    # "تركيا" is in one chunk, "تدعو" in two: the rare word carries more of the share.
    assert lex.idf_share(question, docs[0]) == 1.0
    assert 0.0 < lex.idf_share(question, docs[1]) < 0.5
    assert lex.idf_share(terms("ماكرون"), docs[0]) == 0.0
    assert 0.0 < lex.idf_share(terms("ماكرون تركيا"), docs[0]) < 0.5  # the unknown word weighs most


def test_present_and_coverage_can_leave_chunks_out():
    lex = LexicalIndex([terms("تركيا تدعو"), terms("روسيا ترفض")])
    question = terms("تركيا روسيا مصر")
    assert lex.present(question) == set(terms("تركيا روسيا"))
    assert lex.present(question, np.array([1])) == set(terms("روسيا"))
    assert lex.coverage(question) == 2 / 3 and lex.coverage(question, np.array([1])) == 1 / 3
    assert lex.coverage(question, np.array([], dtype=np.int64)) == 0.0


def test_concept_share_finds_any_spelling_and_weighs_a_concept_as_its_commonest_term():
    docs = [terms("البرج العالي في المدينة"), terms("بنى المهندس البرج"), terms("المدينة القديمة")]
    lex = LexicalIndex(docs)
    tower, city = frozenset(terms("برج صرح")), frozenset(terms("مدينة"))
    assert lex.concept_share([tower], docs[1]) == 1.0  # "صرح" is unknown, "برج" is enough
    assert lex.concept_share([tower, city], docs[2]) == 0.5  # both in two chunks: equal weights
    assert lex.concept_share([frozenset(), frozenset()], docs[0]) == 0.0  # nothing translated
    assert lex.concept_share([frozenset(terms("ماكرون"))], docs[0]) == 0.0
    # A single-term concept is exactly the word-level share.
    assert lex.concept_share([frozenset([t]) for t in terms("برج قديم")], docs[0]) == lex.idf_share(terms("برج قديم"), docs[0])


def test_concept_coverage_counts_a_concept_once_and_untranslated_words_as_unknown():
    lex = LexicalIndex([terms("بنى المهندسون البرج"), terms("المدينة القديمة")])
    tower, city, nothing = frozenset(terms("برج صرح")), frozenset(terms("مدينة")), frozenset()
    assert lex.concept_coverage([tower, city, nothing]) == 2 / 3
    assert lex.concept_coverage([tower, city], np.array([1])) == 1 / 2
    assert lex.concept_coverage([]) == 0.0
