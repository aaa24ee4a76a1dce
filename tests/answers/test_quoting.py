"""Which sentences are quoted (plumbing with the fake embedder)."""

def test_a_quote_never_glues_a_sentence_of_the_next_paragraph(tmp_path, fake_embedder):
    """Before, the better neighbour was joined whenever both fit in 400 characters, across a blank line too."""
    from qa.answers.quoting import best_quote
    from qa.search.fusion import Retriever
    from qa.store.build import build_index

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("The harbour festival is held on 3 March.\n\n"
                                 "The festival committee met in May to plan the harbour lights.", encoding="utf-8")
    build_index(seeds, tmp_path / "index", fake_embedder)
    retriever = Retriever(fake_embedder, tmp_path / "index")
    search = retriever.run("When is the harbour festival held?", k=3)
    idx = search.index
    rank, rows = best_quote(idx, search)
    quoted = [idx.unit_text(int(j)) for j in rows]
    assert quoted == ["The harbour festival is held on 3 March."], quoted
