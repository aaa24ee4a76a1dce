"""Hand-written question sets: the seed's questions (seed alone, and among 1,000 real news articles) and
short natural questions over XQuAD's Arabic articles. Quote accuracy and refusals per language.

How to run (repository root; the archive index takes a while the first time, then is reused):
    .venv/bin/python benchmarks/eval_questions.py [--only seed,archive,natural] [--work /tmp/qa-evalsets]
        [--json OUT.json]
Data: benchmarks/data/seed_questions.json, benchmarks/data/natural_questions.json;
../shared/eval/news-archive/saudinewsnet-1000.jsonl (evaluation only: written into the work folder,
never into the repository); ../shared/eval/xquad/xquad.ar.json (CC BY-SA 4.0, Artetxe et al. 2020).
--json writes every outcome with its evidence features (the calibration input).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import apply_offline_env, load_settings  # noqa: E402

apply_offline_env()

from qa.api import embedder_for  # noqa: E402
from qa.evalsets import ask, load_set, summary  # noqa: E402
from qa.evaluate import load_squad  # noqa: E402
from qa.search.fusion import Retriever  # noqa: E402
from qa.store.build import build_index  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
EVAL = ROOT.parent / "shared" / "eval"
SEED = ROOT / "seeds" / "000_f9ca097250a4c633.txt"


def index_folder(folder: Path, documents: dict[str, str], embedder) -> Retriever:
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        path = seeds / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    report = build_index(seeds, folder / "index", embedder)
    print(f"  index {folder.name}: {len(documents)} documents, {report.chunks} chunks, {report.added} embedded "
          f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Retriever(embedder, folder / "index")


def archive_documents() -> dict[str, str]:
    docs = {}
    with (EVAL / "news-archive" / "saudinewsnet-1000.jsonl").open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            article = json.loads(line)
            docs[f"archive_{n:04d}.txt"] = f"{article['title'].strip()}\n\n{article['content'].strip()}\n"
    return docs


def _print(name: str, table: dict) -> None:
    print(f"\n{name}")
    print("| language | quoted right | answerable refused | unanswerable refused |")
    print("|---|---|---|---|")
    for lang in sorted(table, key=lambda x: (x == "all", x)):
        row = table[lang]
        print(f"| {lang} | {row['right']}/{row['answerable']} | {row['answerable_refused']}/{row['answerable']} "
              f"| {row['unanswerable_refused']}/{row['unanswerable']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="seed,archive,natural")
    parser.add_argument("--work", default="/tmp/qa-evalsets", help="index folders (reused between runs)")
    parser.add_argument("--json", default="", help="write every outcome with its features here")
    args = parser.parse_args()
    only = set(args.only.split(","))
    work = Path(args.work)
    embedder = embedder_for(load_settings())
    seed_text = SEED.read_text(encoding="utf-8")
    results = {}
    if only & {"seed", "archive"}:
        seed_set = load_set(DATA / "seed_questions.json")
        if "seed" in only:
            retriever = index_folder(work / "seed", {SEED.name: seed_text}, embedder)
            results["seed"] = ask(retriever, seed_set, [SEED.name])
        if "archive" in only:
            retriever = index_folder(work / "archive", {SEED.name: seed_text, **archive_documents()}, embedder)
            results["archive"] = ask(retriever, seed_set, [SEED.name])
    if "natural" in only:
        articles, _ = load_squad(EVAL / "xquad" / "xquad.ar.json")
        names = [f"article_{a:03d}.txt" for a in range(len(articles))]
        retriever = index_folder(work / "xquad", dict(zip(names, articles)), embedder)
        results["natural"] = ask(retriever, load_set(DATA / "natural_questions.json"), names, hide_own=True,
                                 alone=True)
    for name, outcomes in results.items():
        _print(name, summary(outcomes))
    if args.json:
        Path(args.json).write_text(json.dumps({name: [asdict(o) for o in outcomes] for name, outcomes in results.items()},
                                              ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
