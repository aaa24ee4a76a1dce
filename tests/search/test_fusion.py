"""Retrieval: plumbing with the fake embedder, behaviour with the real model and seed article."""
import threading
from pathlib import Path

import pytest

from helpers import has_turkish_ground
from qa.store.build import build_index
from qa.errors import IndexIncompatible
from qa.search.fusion import Retriever, Weights
from qa.store import index as store

def _built(tmp_path: Path, embedder, documents: dict[str, str]) -> None:
    """Add `documents` (name -> text) to tmp_path/seeds and bring tmp_path/index up to date."""
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    for name, text in documents.items():
        (seeds / name).write_text(text, encoding="utf-8")
    build_index(seeds, tmp_path / "index", embedder)


def test_fake_retrieval_ranks_by_words_and_swaps_in_new_builds(tmp_path: Path, fake_embedder):
    _built(tmp_path, fake_embedder, {"a.txt": "Turkey proposed a ground operation.", "b.txt": "Paris weather is mild."})
    retriever = Retriever(fake_embedder, tmp_path / "index")
    assert retriever.search("ground operation", k=1)[0].passage.source == "a.txt"
    first_gen = retriever.index().generation
    _built(tmp_path, fake_embedder, {"c.txt": "Elections were held in Egypt."})
    retriever.refresh()
    hit = retriever.search("elections Egypt", k=1)[0]
    assert hit.passage.source == "c.txt" and retriever.index().generation != first_gen
    assert [h.passage.source for h in retriever.search("ground", k=3, exclude=frozenset({"a.txt"}))] \
        and all(h.passage.source != "a.txt" for h in retriever.search("ground", k=3, exclude=frozenset({"a.txt"})))


class GatedLoad:
    """store.load that, for generations after the first, waits until the test opens the gate."""

    def __init__(self, fail: bool = False) -> None:
        self.real = store.load
        self.gate = threading.Event()
        self.fail = fail
        self.waited: list[str] = []
        self.entered = threading.Event()

    def __call__(self, index_dir, *args, **kwargs):
        gen = store.current_generation(Path(index_dir))
        if gen is not None and gen.name != "gen-000001":
            self.waited.append(gen.name)
            self.entered.set()
            assert self.gate.wait(30), "the test never opened the gate"
            if self.fail:
                raise IndexIncompatible(f"{gen.name} is damaged")
        return self.real(index_dir, *args, **kwargs)


def test_questions_during_a_swap_are_answered_from_the_served_generation(tmp_path: Path, fake_embedder, monkeypatch):
    """Before, the first question after an outside build loaded the new generation under the lock: every
    question waited for it. Now they are answered from the old one while it loads, then from the new one."""
    _built(tmp_path, fake_embedder, {"a.txt": "Turkey proposed a ground operation."})
    retriever = Retriever(fake_embedder, tmp_path / "index")
    assert retriever.search("ground operation", k=1)[0].passage.source == "a.txt"
    load = GatedLoad()
    monkeypatch.setattr(store, "load", load)
    _built(tmp_path, fake_embedder, {"c.txt": "Elections were held in Egypt."})
    # The gate is shut: these calls return only because they do not wait for the load.
    assert {h.passage.source for h in retriever.search("elections Egypt", k=3)} == {"a.txt"}
    assert load.entered.wait(30)
    for _ in range(3):
        assert {h.passage.source for h in retriever.search("elections Egypt", k=3)} == {"a.txt"}
    assert load.waited == ["gen-000002"]  # one load for all the questions
    load.gate.set()
    retriever._loader.join(timeout=30)
    assert retriever.search("elections Egypt", k=1)[0].passage.source == "c.txt"


def test_a_new_generation_that_fails_to_load_is_reported_on_the_next_question(tmp_path: Path, fake_embedder,
                                                                               monkeypatch):
    _built(tmp_path, fake_embedder, {"a.txt": "Turkey proposed a ground operation."})
    retriever = Retriever(fake_embedder, tmp_path / "index")
    retriever.search("ground operation", k=1)
    load = GatedLoad(fail=True)
    monkeypatch.setattr(store, "load", load)
    _built(tmp_path, fake_embedder, {"c.txt": "Elections were held in Egypt."})
    assert retriever.search("elections Egypt", k=1)[0].passage.source == "a.txt"
    load.gate.set()
    retriever._loader.join(timeout=30)
    with pytest.raises(IndexIncompatible, match="gen-000002 is damaged"):
        retriever.search("elections Egypt", k=1)


def test_a_latin_script_name_finds_its_arabic_spelling(tmp_path: Path, fake_embedder):
    _built(tmp_path, fake_embedder, {"a.txt": "قال بوتين في موسكو إن روسيا ترفض", "b.txt": "أعلن أردوغان أن تركيا مستعدة"})
    # The fake embedder's hashed words give arbitrary cross-script similarities: let names decide.
    retriever = Retriever(fake_embedder, tmp_path / "index", Weights(names=5.0))
    for question, source in [("What did Erdogan announce?", "b.txt"), ("What did Putin say in Moscow?", "a.txt")]:
        search = retriever.run(question, k=2)
        assert search.ranked[0].passage.source == source and search.ranked[0].names == 1.0
        assert search.name_coverage == 1.0
    unnamed = retriever.run("what did he announce?", k=2)
    assert unnamed.names == () and all(h.names == 0.0 for h in unnamed.ranked)
    off = Retriever(fake_embedder, tmp_path / "index", Weights(names=0.0)).run("What did Erdogan announce?", k=2)
    assert off.ranked[0].passage.score < retriever.run("What did Erdogan announce?", k=2).ranked[0].passage.score


def test_english_words_find_their_arabic_translation(tmp_path: Path, fake_embedder):
    """With the real dictionary (make installs it): BM25 over the translated words ranks across scripts."""
    _built(tmp_path, fake_embedder, {"a.txt": "بنى المهندسون البرج الجديد في المدينة",
                                     "b.txt": "ارتفعت أسعار القمح بعد موسم الحصاد"})
    retriever = Retriever(fake_embedder, tmp_path / "index", Weights(translation=5.0))
    search = retriever.run("When was the tower built?", k=2)
    assert search.translation_coverage > 0 and search.ranked[0].passage.source == "a.txt"
    assert search.ranked[0].translation == 1.0 and search.ranked[1].translation == 0.0
    assert retriever.run("متى بني البرج؟", k=2).translations == ()  # Arabic questions need no translation
    off = Retriever(fake_embedder, tmp_path / "index", Weights(translation=0.0)).run("When was the tower built?", k=2)
    assert all(h.passage.score < search.ranked[0].passage.score for h in off.ranked)


@pytest.mark.slow
def test_an_english_question_naming_a_city_quotes_the_arabic_sentence_with_it(seed_index, real_embedder):
    from qa.answers.answering import answer

    reply = answer(Retriever(real_embedder, seed_index), "What does Russia accuse Ankara of?")
    assert reply.found and "انقرة" in reply.quote, reply.quote


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who proposed a ground operation?", "من اقترح عملية برية؟"])
def test_headline_question_finds_a_turkish_ground_operation_sentence(seed_index, real_embedder, question):
    hits = Retriever(real_embedder, seed_index).search(question, k=3)
    assert any(has_turkish_ground(h.passage.text) for h in hits), [h.passage.text[:80] for h in hits]
    assert hits == sorted(hits, key=lambda h: -h.passage.score)
