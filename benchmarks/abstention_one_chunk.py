"""Abstention in folders of one chunk: one XQuAD paragraph per folder.

How to run (about two minutes on 2 cores):
    QA_CACHE_DIR=/tmp/qacache python benchmarks/abstention_one_chunk.py [--work /tmp/qa-one-chunk]

Each Arabic XQuAD paragraph is indexed as its own document (240 documents,
most of them one chunk). Every question is asked, in Arabic and in English
(XQuAD's parallel question), in a folder holding only its own paragraph
(answerable) and in a folder holding only a random paragraph of another
article (unanswerable; seeded, the same draw every run). `qa eval`'s folders
always hold several chunks, so this is the check of the model qa uses when
there is nothing for the best passage to stand out from (answering.py).
Like calibrate_abstention.py a quality measurement, not a speed benchmark.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from common import ROOT, xquad

sys.path.insert(0, str(ROOT))
from qa.answers import answering  # noqa: E402
from qa.api import embedder_for  # noqa: E402
from qa.store.build import build_index  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.search.fusion import Retriever  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default=None, help="folder for the paragraph index (default: a temporary one)")
    args = parser.parse_args()
    embedder = embedder_for(load_settings())
    arabic, english = xquad("ar"), xquad("en")
    asked_in_english = {q["id"]: q["question"] for a in english for p in a["paragraphs"] for q in p["qas"]}
    paragraphs = [(a, f"p_{a:02d}_{i}.txt", para) for a, article in enumerate(arabic)
                  for i, para in enumerate(article["paragraphs"])]
    with tempfile.TemporaryDirectory(prefix="qa-one-chunk-") as tmp:
        root = Path(args.work) if args.work else Path(tmp)
        seeds, index_dir = root / "seeds", root / "index"
        seeds.mkdir(parents=True, exist_ok=True)
        for _, name, para in paragraphs:
            (seeds / name).write_text(para["context"], encoding="utf-8")
        report = build_index(seeds, index_dir, embedder)
        print(f"{len(paragraphs)} paragraphs, {report.chunks} chunks", file=sys.stderr)
        retriever = Retriever(embedder, index_dir)
        names = frozenset(name for _, name, _ in paragraphs)
        rng = random.Random(3)
        refused = {(lang, tag): [] for lang in ("ar", "en") for tag in ("answerable", "unanswerable")}
        alone = 0
        for a, name, para in paragraphs:
            for qa in para["qas"]:
                other = rng.choice([n for b, n, _ in paragraphs if b != a])
                for lang, text in (("ar", qa["question"]), ("en", asked_in_english[qa["id"]])):
                    for tag, kept in (("answerable", name), ("unanswerable", other)):
                        sel = answering.select(retriever, text, exclude=names - {kept})
                        alone += sel.features.get("compared", 1.0) < 1
                        refused[lang, tag].append(sel.rank < 0 or not answering.is_found(sel.confidence, sel.features))
    total = sum(len(v) for v in refused.values())
    print(f"{alone / total:.0%} of the folders searched had one chunk", file=sys.stderr)
    for lang in ("ar", "en"):
        una, ans = refused[lang, "unanswerable"], refused[lang, "answerable"]
        print(f"one-paragraph folders, {lang} questions: unanswerable refused {sum(una) / len(una):.3f}, "
              f"answerable refused {sum(ans) / len(ans):.3f} ({len(ans)} questions)")


if __name__ == "__main__":
    main()
