"""Where the right passage ranks when the documents are an archive: the candidate pool's share.

Two question sets among the same large folder (the seed, XQuAD's 48 Arabic
articles and the 1,000 news articles of ../shared/eval/news-archive, about
3,300 chunks): the seed's questions (benchmarks/data/seed_questions.json) and
the natural questions over XQuAD's articles (natural_questions.json). For each
candidate pool (chunks dense search and each BM25 signal bring before the
fused re-scoring), it prints the seed questions whose seed chunk ranks first,
the seed questions quoted right and answered, and per language of the natural
questions R@1 and the quote right (answered or refused). It changes nothing in
qa/: the pool is bound to the retriever's search for each run.

How to run (repository root; the folder's index is reused between runs):
    .venv/bin/python benchmarks/archive_ranks.py [--pools 50,100,200] [--work /tmp/qa-archive-ranks]
Evaluation data only: written into the work folder, never into the repository.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_questions import DATA, EVAL, SEED, archive_documents, index_folder  # noqa: E402

from qa.answers import answering  # noqa: E402
from qa.answers.evidence import EVIDENCE_PASSAGES  # noqa: E402
from qa.api import embedder_for  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.evalsets import load_set  # noqa: E402
from qa.evaluate import contains_answer, load_squad  # noqa: E402


def _source(sel: answering.Selection) -> str:
    return sel.search.ranked[sel.rank].passage.source if sel.rank >= 0 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", default="50,100,200")
    parser.add_argument("--work", default="/tmp/qa-archive-ranks")
    args = parser.parse_args()
    articles, _ = load_squad(EVAL / "xquad" / "xquad.ar.json")
    names = [f"xquad_{a:03d}.txt" for a in range(len(articles))]
    documents = {SEED.name: SEED.read_text(encoding="utf-8"), **archive_documents(), **dict(zip(names, articles))}
    retriever = index_folder(Path(args.work), documents, embedder_for(load_settings()))
    seed_questions = [q for q in load_set(DATA / "seed_questions.json") if q.answers]
    natural = [q for q in load_set(DATA / "natural_questions.json") if q.answers]
    print("| pool | seed first | seed quoted right and answered | natural R@1 / quote right (answered or not), per language |")
    print("|---|---|---|---|")
    search_with = retriever.run
    for pool in (int(p) for p in args.pools.split(",")):
        if pool < EVIDENCE_PASSAGES:
            parser.error(f"--pools {pool}: a pool under the {EVIDENCE_PASSAGES} passages answers are chosen from is widened to them")

        def with_pool(question: str, k: int = 5, candidates: int = 0, exclude: frozenset[str] = frozenset(),
                      pool: int = pool):
            return search_with(question, k, pool, exclude)  # `candidates` replaced by this run's pool

        retriever.run = with_pool  # what answering.select calls
        first = right = 0
        ranks = []
        shown = min(pool, 100)  # a k above the pool widens it; 100 is the most passages a search returns
        for q in seed_questions:
            search = retriever.run(q.text, k=shown)
            rank = next((n for n, s in enumerate(search.ranked) if s.passage.source == SEED.name), -1)
            ranks.append(f"{q.qid}:{rank}")
            first += rank == 0
            sel = answering.select(retriever, q.text)
            right += sel.found and _source(sel) == SEED.name and contains_answer(sel.quote, q.answers)
        print(f"  pool {pool}, the seed's rank per question (-1: not in the first {shown}): {' '.join(ranks)}",
              file=sys.stderr)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for q in natural:
            own = names[q.article]
            sel = answering.select(retriever, q.text)
            top = sel.search.ranked[0].passage if sel.search.ranked else None
            for key in (q.language, "all"):
                row = counts[key]
                row[0] += 1
                row[1] += top is not None and top.source == own and contains_answer(top.text, q.answers)
                row[2] += _source(sel) == own and contains_answer(sel.quote, q.answers)
        cells = ", ".join(f"{lang} {r1 / n:.3f} / {quote / n:.3f}" for lang, (n, r1, quote) in sorted(counts.items()))
        print(f"| {pool} | {first}/{len(seed_questions)} | {right}/{len(seed_questions)} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
