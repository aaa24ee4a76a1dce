"""Answers end to end with the real model: the headline question, refusals, one-chunk folders, English over Arabic."""
import pytest

from conftest import EVAL_DIR
from helpers import ASKED_IN_ENGLISH, has_turkish_ground
from qa.answers.answering import answer, select
from qa.search import translation
from qa.search.fusion import Retriever


@pytest.mark.slow
@pytest.mark.parametrize("question", ["من اقترح عملية برية؟", ASKED_IN_ENGLISH, "Qui a proposé une opération terrestre ?"])
def test_headline_answer_quotes_a_turkish_ground_operation_sentence(seed_index, real_embedder, question):
    ans = answer(Retriever(real_embedder, seed_index), question)
    assert ans.found, ans
    assert has_turkish_ground(ans.quote), ans.quote
    assert ans.quote in ans.passages[ans.citation - 1].text
    assert f"[{ans.citation}]" in ans.text and "000_f9ca097250a4c633.txt" in ans.text
    assert len(ans.quote) <= 400


@pytest.mark.slow
def test_the_english_headline_finds_turkeys_sentence_first_whatever_the_verdict(seed_index, real_embedder):
    """"Who proposed a ground operation?" has the weakest evidence of answerable questions (docs/quality.md):
    the bar follows the calibration rule, not this question, so only what it retrieves and quotes is fixed."""
    retriever = Retriever(real_embedder, seed_index)
    sel = select(retriever, "Who proposed a ground operation?")
    assert sel.rank == 0 and has_turkish_ground(sel.quote), sel.quote
    ans = answer(retriever, "Who proposed a ground operation?")
    assert has_turkish_ground(ans.passages[0].text)
    assert ans.quote == (sel.quote if ans.found else "")


@pytest.mark.slow
def test_question_the_article_does_not_answer_is_refused_in_its_language(seed_index, real_embedder):
    retriever = Retriever(real_embedder, seed_index)
    en = answer(retriever, "What is the recipe for chocolate cake?")
    assert not en.found and en.quote == "" and "could not find" in en.text and en.passages
    ar = answer(retriever, "ما هي وصفة كعكة الشوكولاتة؟")
    assert not ar.found and "لم أجد" in ar.text


@pytest.mark.slow
@pytest.mark.parametrize("question", ["What did Putin say?", "ماذا قال ماكرون عن سوريا؟"])
def test_question_about_someone_the_article_never_names_is_refused(seed_index, real_embedder, question):
    # The article quotes Russian and Turkish officials, never Putin or Macron: answering with
    # someone else's statement would be wrong. Before the chunk gap (docs/quality.md) both were answered.
    assert not answer(Retriever(real_embedder, seed_index), question).found


@pytest.mark.slow
def test_one_chunk_folder_answers_what_it_holds_and_refuses_the_rest(tmp_path, real_embedder):
    from qa.store.build import build_index

    from conftest import SEED_FILE

    (tmp_path / "seeds").mkdir()
    # The article's first two sentences: Russia will call the Security Council, Turkey raised a ground operation.
    first_two = ".".join(SEED_FILE.read_text(encoding="utf-8").split(".")[:2]) + "."
    (tmp_path / "seeds" / "short.txt").write_text(first_two, encoding="utf-8")
    assert build_index(tmp_path / "seeds", tmp_path / "index", real_embedder).chunks == 1
    retriever = Retriever(real_embedder, tmp_path / "index")
    for question in ("What will Russia ask the Security Council?", "ماذا ستطلب روسيا من مجلس الأمن؟"):
        assert answer(retriever, question).found, question
    for question in ("What is the recipe for chocolate cake?", "ما هي عاصمة فرنسا؟"):
        assert not answer(retriever, question).found, question


@pytest.fixture(scope="module")
def xquad_english(tmp_path_factory, real_embedder):
    """Twelve Arabic XQuAD articles indexed; English questions of one of them and of an article left out."""
    from qa.store.build import build_index
    from qa.evaluate import load_squad

    articles, items = load_squad(EVAL_DIR / "xquad" / "xquad.ar.json", EVAL_DIR / "xquad" / "xquad.en.json")
    base = tmp_path_factory.mktemp("xquad-12")
    (base / "seeds").mkdir()
    for a in range(12):
        (base / "seeds" / f"article_{a:02d}.txt").write_text(articles[a], encoding="utf-8")
    build_index(base / "seeds", base / "index", real_embedder)
    asked = [it.text for it in items if it.article == 1][:24]
    left_out = [it.text for it in items if it.article == 13][:24]
    return Retriever(real_embedder, base / "index"), asked, left_out


@pytest.mark.slow
def test_english_questions_are_refused_when_their_article_is_missing_with_or_without_the_dictionary(
        xquad_english, monkeypatch):
    """The dictionary (translation.py) is optional: without it English evidence is weaker, never a licence to
    answer questions about an article the folder does not hold."""
    retriever, asked, left_out = xquad_english
    with_dictionary = [answer(retriever, q).found for q in left_out]
    assert sum(answer(retriever, q).found for q in asked) >= 20  # their article is indexed
    monkeypatch.setattr(translation, "_loaded", {translation.DICTIONARY: None})
    translation.translations.cache_clear()
    try:
        without = [answer(retriever, q).found for q in left_out]
        asked_without = sum(answer(retriever, q).found for q in asked)
    finally:
        translation.translations.cache_clear()
    # At most a third answered: English questions about a hidden article are refused about 0.7 of the time
    # in qa eval's whole index (docs/quality.md), so a third allows a 24-question sample's spread, not more.
    most = len(left_out) // 3
    assert sum(with_dictionary) <= most and sum(without) <= most, (with_dictionary, without)
    assert asked_without >= 18


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who said that Turkey would intervene?", "ما هو موقف روسيا؟"])
def test_a_new_question_after_a_conversation_is_not_answered_from_the_previous_topic(seed_index, real_embedder,
                                                                                      question):
    """Before, a question holding "that" or هو was searched only glued to the previous question."""
    retriever = Retriever(real_embedder, seed_index)
    history = [{"role": "user", "content": "What is the recipe for chocolate cake?"},
               {"role": "assistant", "content": "not found"}]
    alone, after = answer(retriever, question), answer(retriever, question, history=history)
    assert alone.found and after.found and after.quote == alone.quote


@pytest.mark.slow
def test_a_follow_up_that_needs_its_context_gets_it(seed_index, real_embedder):
    retriever = Retriever(real_embedder, seed_index)
    history = [{"role": "user", "content": "من اقترح عملية برية؟"}, {"role": "assistant", "content": "..."}]
    with_context = answer(retriever, "ومتى؟", history=history)
    assert with_context.found and has_turkish_ground(with_context.quote)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who proposed a ground operation?", "What did Putin say?",
                                      "ماذا ستطلب روسيا من مجلس الأمن؟", "What is the recipe for chocolate cake?"])
def test_the_verdict_and_quote_do_not_depend_on_how_many_passages_are_shown(seed_index, real_embedder, question):
    """Before, evidence maxima ran over max(k, 10) passages and the pool grew with k: k=20 could flip it."""
    retriever = Retriever(real_embedder, seed_index)
    answers = [answer(retriever, question, k=k) for k in (1, 3, 5, 10, 20)]
    assert len({(a.found, round(a.confidence, 6), a.quote) for a in answers}) == 1, [(a.found, a.confidence)
                                                                                     for a in answers]
    chunks = len(retriever.index().chunks)
    assert [len(a.passages) for a in answers] == [min(max(k, a.citation) if a.found else k, chunks)
                                                 for a, k in zip(answers, (1, 3, 5, 10, 20))]


@pytest.mark.slow
def test_answering_questions_never_imports_torch(seed_index, real_embedder, cache_dir):
    """A chat server's start-up would pay seconds for torch: questions go through ONNX Runtime and numpy,
    the document model (torch) loads only when documents are embedded."""
    import subprocess
    import sys

    from qa.model.device import cpu_only_torch

    if not cpu_only_torch():
        pytest.skip("a CUDA build of torch is asked whether it sees a GPU")
    script = ("import sys; from qa import api; from qa.web import app\n"
              "a = api.answer('Who proposed a ground operation?')\n"
              "print(a.passages[0].source, sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
              " if m in sys.modules))")
    env = {"QA_INDEX_DIR": str(seed_index), "QA_CACHE_DIR": str(cache_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["000_f9ca097250a4c633.txt", "[]"], done.stdout


@pytest.mark.slow
def test_a_follow_up_asks_for_what_its_own_words_ask(seed_index, real_embedder, monkeypatch):
    """After "When…?", "Who…?" asks for anyone: searched with the previous question, it is still not typed
    as a time question (no time bonus for the quote, no "time missing" evidence)."""
    from qa.answers import answering as module

    given = []  # (searched text, kind) as the quote and the evidence receive them
    real_quote, real_evidence = module.best_quote, module.evidence

    def quote_spy(idx, search, pair=True, kind=None):
        given.append(("quote", search.query, kind))
        return real_quote(idx, search, pair, kind)

    def evidence_spy(idx, embedder, search, quote="", kind=None):
        given.append(("evidence", search.query, kind))
        return real_evidence(idx, embedder, search, quote, kind)

    monkeypatch.setattr(module, "best_quote", quote_spy)
    monkeypatch.setattr(module, "evidence", evidence_spy)
    history = [{"role": "user", "content": "When did the consultations begin?"}]
    select(Retriever(real_embedder, seed_index), "Who proposed a ground operation?", history)
    with_context = [(what, kind) for what, query, kind in given if "When" in query]
    assert sorted(with_context) == [("evidence", "any"), ("quote", "any")], given
