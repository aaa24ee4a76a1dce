"""Command line: `qa build | add | ask | serve | eval | prepare-model`.

Each command parses its arguments, makes one library call and prints the
result. Domain errors become one line on stderr and exit code 2; nothing here
retrieves, scores or formats answers beyond printing them.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .config import apply_offline_env, load_settings
from .errors import InvalidArgument, QAError

if TYPE_CHECKING:
    from .ingest.chunking import ChunkSettings


def _cmd_build(args: argparse.Namespace) -> int:
    from .api import build_index

    report = build_index(seeds_dir=args.seeds, index_dir=args.index, model=args.model)
    for skip in report.skipped:
        print(f"warning: skipped {skip.source}: {skip.reason}", file=sys.stderr)
    for note in report.warnings:
        print(f"warning: indexed {note.source} with {note.reason}", file=sys.stderr)
    print(f"index {report.index_path}: {report.added} added, {report.updated} updated, "
          f"{report.removed} removed, {report.unchanged} unchanged; {report.chunks} chunks, "
          f"{report.embedded} texts embedded in {report.seconds:.1f} s")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from .ingest.fetch import fetch
    from .web import library

    settings = load_settings().with_overrides(seeds_dir=args.seeds, index_dir=args.index)
    pages = [fetch(url, allow_local=settings.fetch_local) for url in args.urls]
    report = library.save_uploads(settings.seeds_dir, [library.Upload(p.name, p.data) for p in pages],
                                  library.known_contents(settings.index_dir))
    for rejected in report.rejected:
        print(f"warning: not added {rejected.name}: {rejected.reason}", file=sys.stderr)
    for name in report.saved:
        print(f"saved {settings.seeds_dir / name}")
    if not report.saved:
        return 2 if report.rejected else 0
    return 0 if args.no_build else _cmd_build(argparse.Namespace(seeds=args.seeds, index=args.index, model=args.model))


def _cmd_ask(args: argparse.Namespace) -> int:
    from .api import answer

    ans = answer(args.question, index_dir=args.index, model=args.model, k=args.k,
                 generate=False if args.no_generate else None)
    if args.json:
        data = asdict(ans)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    g = ans.generated
    if g is not None and g.grounded:
        print(f"{g.text}\n({g.model or 'the language model'}, checked against the passages it cites)\n")
    elif g is not None:
        what = "did not answer" if g.failed else "wrote an answer that was not shown"
        print(f"note: {g.model or 'the language model'} {what}: {g.note}", file=sys.stderr)
    print(ans.text)
    if g is not None and g.translation:
        print(f"Translation of the quote ({g.model}): {g.translation}")
    for n, p in enumerate(ans.passages, 1):
        print(f"\n[{n}] {p.source} {p.start}-{p.end} (score {p.score:.3f})\n{p.text}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .web.app import main as serve

    serve(host=args.host, port=args.port)
    return 0


def _chunking(args: argparse.Namespace) -> "ChunkSettings":
    from .ingest.chunking import ChunkSettings  # imports langchain: only for the commands that chunk

    overrides = {name: value for name, value in (("max_tokens", args.max_tokens), ("overlap_tokens", args.overlap))
                 if value is not None}
    return ChunkSettings(**overrides)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InvalidArgument(f"--small-folders takes a comma list of article counts, not {text!r}") from None


def _cmd_eval(args: argparse.Namespace) -> int:
    from .api import chat_model_for, embedder_for
    from .evaluate import evaluate

    settings = load_settings().with_overrides(model=args.model)
    if args.generate and settings.llm is None:
        raise InvalidArgument("--generate needs a local model: set QA_LLM_URL")
    without = frozenset(w.strip() for w in args.without.split(",") if w.strip()) if args.without else frozenset()
    report = evaluate(Path(args.contexts), embedder_for(settings), Path(args.questions) if args.questions else None,
                      k=args.k, limit=args.limit, without=without, chunking=_chunking(args),
                      folder_sizes=_sizes(args.small_folders),
                      chat_model=chat_model_for(settings) if args.generate else None)
    if args.json:
        print(json.dumps(report.to_json(with_scores=args.scores), indent=2))
        return 0
    print(f"questions            {report.questions}")
    print(f"passage R@1          {report.recall_at_1:.3f}")
    print(f"passage R@5          {report.recall_at_5:.3f}")
    print(f"passage MRR@10       {report.mrr_at_10:.3f}")
    print(f"quote accuracy       {report.quote_accuracy:.3f}")
    print(f"answered correctly   {report.answered_correctly:.3f}")
    print(f"unanswerable refused {report.unanswerable_refused:.3f}")
    print(f"answerable refused   {report.answerable_refused:.3f}")
    for size, refused in report.small_folders.items():
        print(f"in {size}-article folders: unanswerable refused {refused['unanswerable_refused']:.3f}, "
              f"answerable refused {refused['answerable_refused']:.3f}")
    if report.generated:
        g = report.generated
        print(f"generated ({g['model']}): {g['asked']} found answers sent, grounded {g['grounded']:.3f}, "
              f"no reply {g['failed']:.3f}, grounded with the answer {g['correct']:.3f}")
    print(f"latency p50/p95 ms   {report.latency_p50_ms:.1f} / {report.latency_p95_ms:.1f}")
    print(f"index build s        {report.build_seconds:.1f}")
    print(f"chunks               {report.chunks} ({report.chunking['max_tokens']} tokens, "
          f"{report.chunking['overlap_tokens']} overlap)")
    return 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    from .api import embedder_for

    settings = load_settings().with_overrides(model=args.model)
    embedder = embedder_for(settings).warm_up()
    embedder.background()  # cached beside the model, so a server's first answer does not embed them
    where = "documents on the GPU" if embedder.device != "cpu" else (
        f"documents in {'bf16' if embedder.bf16 else 'fp32'} ({embedder.precision.reason})")
    if embedder.query_encoder_name:
        where += f"; questions in {embedder.query_encoder_name}"
    print(f"model {settings.model} ready (dimension {embedder.dimension}; {where})")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Question answering over a folder of news documents.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build or update the index from the seeds folder")
    b.add_argument("--seeds", default=None, help="seeds folder (default: seeds, or QA_SEEDS_DIR)")
    b.add_argument("--index", default=None, help="index folder (default: index, or QA_INDEX_DIR)")
    b.add_argument("--model", default=None, help="sentence-transformers model (default: multilingual-e5-small)")
    b.set_defaults(func=_cmd_build)
    d = sub.add_parser("add", help="fetch web pages (or PDFs, feeds) by URL into the seeds folder, then update the index")
    d.add_argument("urls", nargs="+", metavar="URL")
    d.add_argument("--seeds", default=None)
    d.add_argument("--index", default=None)
    d.add_argument("--model", default=None)
    d.add_argument("--no-build", action="store_true", help="only save the pages into the seeds folder")
    d.set_defaults(func=_cmd_add)
    a = sub.add_parser("ask", help="answer a question from the index")
    a.add_argument("question")
    a.add_argument("--k", type=int, default=5, help="passages to return (1-100)")
    a.add_argument("--index", default=None)
    a.add_argument("--model", default=None)
    a.add_argument("--json", action="store_true", help="print the answer and its passages as JSON")
    a.add_argument("--no-generate", action="store_true", help="quote only, even with a local model (QA_LLM_URL) set")
    a.set_defaults(func=_cmd_ask)
    s = sub.add_parser("serve", help="serve the web chat")
    s.add_argument("--host", default=None, help="default 127.0.0.1 (or QA_HOST)")
    s.add_argument("--port", type=int, default=None, help="default 7860 (or QA_PORT)")
    s.set_defaults(func=_cmd_serve)
    e = sub.add_parser("eval", help="measure retrieval and answers on SQuAD-format data")
    e.add_argument("contexts", help="SQuAD-format JSON whose contexts are indexed")
    e.add_argument("--questions", default=None, help="parallel SQuAD JSON whose questions (same ids) are asked")
    e.add_argument("--k", type=int, default=5)
    e.add_argument("--limit", type=int, default=None, help="evaluate a spread sample of N questions")
    e.add_argument("--model", default=None)
    e.add_argument("--json", action="store_true")
    e.add_argument("--scores", action="store_true", help="with --json: include per-question evidence features")
    e.add_argument("--without", default="", help="ablation: comma list of sentence,sparse,lexical,names,translation,pair to switch off")
    e.add_argument("--max-tokens", type=int, default=None, help="chunk size in model tokens (default as `qa build`)")
    e.add_argument("--overlap", type=int, default=None, help="chunk overlap in model tokens (default as `qa build`)")
    e.add_argument("--small-folders", default="", metavar="SIZES",
                   help="also ask every question in folders of this many articles, e.g. 1,4 (abstention only)")
    e.add_argument("--generate", action="store_true",
                   help="also send found answers to the local model (QA_LLM_URL) and report how many are grounded")
    e.set_defaults(func=_cmd_eval)
    m = sub.add_parser("prepare-model", help="convert/load the embedding model into the cache")
    m.add_argument("--model", default=None)
    m.set_defaults(func=_cmd_prepare)
    return p


def main(argv: list[str] | None = None) -> int:
    apply_offline_env()
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
