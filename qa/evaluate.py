"""`qa eval`: retrieval and answer quality on SQuAD-format data (e.g. XQuAD).

Each article becomes one document in a temporary seeds folder, indexed with
the normal build. Every question is answered twice: against the full index
(answerable) and with its own article hidden (unanswerable, the
"index without its own article" protocol of ../shared/eval/README.md). A
passage or quote is correct when, after `text.terms.normalize`, it contains a
gold answer of the contexts file. This module computes and returns figures;
printing is the CLI's job.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
import random
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .answers import abstention, answering, generation
from .answers.llm import ChatModel
from .text.language import language_of
from .store.build import build_index
from .ingest.chunking import ChunkSettings
from .model.embedding import Embedder
from .errors import InvalidArgument
from .text.terms import normalize
from .search.fusion import Retriever, Weights


@dataclass(frozen=True)
class Question:
    qid: str
    article: int
    text: str
    answers: tuple[str, ...]
    asked_answers: tuple[str, ...] = ()  # the gold answers in the question's own language (parallel file)


@dataclass(frozen=True)
class EvalReport:
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    quote_accuracy: float
    answered_correctly: float  # found and the quote holds the answer
    unanswerable_refused: float
    answerable_refused: float
    latency_p50_ms: float
    latency_p95_ms: float
    build_seconds: float
    threshold: float
    # Unit counts and sizes: recall@k depends on how finely the documents are cut.
    chunks: int = 0
    chunking: dict = field(default_factory=dict)
    # Abstention in small folders (`folder_sizes`): size -> {"answerable_refused", "unanswerable_refused"}.
    small_folders: dict = field(default_factory=dict)
    # With a local model (`chat_model`): found answers sent to it, and the shares of them that
    # were grounded, that failed (no reply in time), and grounded and holding a gold answer.
    generated: dict = field(default_factory=dict)
    # Per question (article, evidence features, articles in the folder) with and without its
    # article, in the whole index and in each small folder, for calibration.
    answerable: tuple[tuple[int, dict, int], ...] = field(default=(), repr=False)
    unanswerable: tuple[tuple[int, dict, int], ...] = field(default=(), repr=False)

    def to_json(self, with_scores: bool = False) -> dict:
        data = asdict(self)
        if not with_scores:
            data.pop("answerable")
            data.pop("unanswerable")
        return data


def load_squad(contexts: Path, questions: Path | None = None) -> tuple[list[str], list[Question]]:
    """Articles (paragraphs joined by blank lines) and questions with gold answers."""
    try:
        data = json.loads(Path(contexts).read_text(encoding="utf-8"))["data"]
        asked, asked_golds = {}, {}
        if questions is not None:
            for article in json.loads(Path(questions).read_text(encoding="utf-8"))["data"]:
                for para in article["paragraphs"]:
                    asked.update({qa["id"]: qa["question"] for qa in para["qas"]})
                    asked_golds.update({qa["id"]: tuple(dict.fromkeys(a["text"] for a in qa.get("answers", ())))
                                        for qa in para["qas"]})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidArgument(f"cannot read SQuAD-format data: {exc}") from exc
    articles, items = [], []
    for a, article in enumerate(data):
        articles.append("\n\n".join(p["context"].strip() for p in article["paragraphs"]))
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                golds = tuple(dict.fromkeys(ans["text"] for ans in qa["answers"]))
                items.append(Question(qa["id"], a, asked.get(qa["id"], qa["question"]), golds,
                                      asked_golds.get(qa["id"], golds)))
    return articles, items


def contains_answer(text: str, golds: Sequence[str]) -> bool:
    """Does `text` hold one of the gold answers, both normalized?"""
    norm = normalize(text)
    return any(normalize(g).strip() and normalize(g).strip() in norm for g in golds)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


ABLATIONS = ("sentence", "sparse", "lexical", "names", "translation", "pair")


def evaluate(contexts: Path, embedder: Embedder, questions: Path | None = None, k: int = 5,
             limit: int | None = None, work_dir: Path | None = None,
             without: frozenset[str] = frozenset(), chunking: ChunkSettings | None = None,
             folder_sizes: tuple[int, ...] = (), chat_model: ChatModel | None = None) -> EvalReport:
    """Figures for one configuration; `without` switches off signals (see ABLATIONS) for ablations.

    `folder_sizes` asks every question again in small folders of that many
    articles, with and without its own (the others drawn at random, seeded by
    the question id): a user's folder is often a handful of documents, where
    what "stands out" and which words are known differ from a 48-article index.
    `chat_model` also sends every found answer to a local model and checks its reply
    (`generated`): the grounding rate of generated answers on this data.
    """
    unknown = set(without) - set(ABLATIONS)
    if unknown:
        raise InvalidArgument(f"unknown ablation {sorted(unknown)}; choose from {', '.join(ABLATIONS)}")
    weights = Weights(**{name: 0.0 for name in without if name != "pair"})
    chunking = chunking or ChunkSettings()
    pair = "pair" not in without
    articles, items = load_squad(contexts, questions)
    bad_sizes = [size for size in folder_sizes if not 1 <= size < len(articles)]
    if bad_sizes:
        raise InvalidArgument(f"folder sizes {bad_sizes} must be between 1 and {len(articles) - 1} (articles - 1)")
    if limit:
        # Spread a limited run over all articles rather than the first few.
        picks = sorted({i * len(items) // limit for i in range(min(limit, len(items)))})
        items = [items[i] for i in picks]
    with tempfile.TemporaryDirectory(prefix="qa-eval-", dir=work_dir) as tmp:
        seeds, index_dir = Path(tmp) / "seeds", Path(tmp) / "index"
        seeds.mkdir()
        names = []
        for a, text in enumerate(articles):
            name = f"article_{a:03d}.txt"
            (seeds / name).write_text(text, encoding="utf-8")
            names.append(name)
        report = build_index(seeds, index_dir, embedder, chunking)
        retriever = Retriever(embedder, index_dir, weights)
        retriever.search("warm up", k=1)

        r1 = r5 = mrr = quote_ok = answered_ok = refused_ans = refused_unans = 0.0
        latencies = []
        answerable, unanswerable = [], []
        small = {size: [0, 0] for size in folder_sizes}  # refused answerable, refused unanswerable
        drafted = [0, 0, 0, 0]  # asked, grounded, failed, grounded with a gold answer
        for item in items:
            t0 = time.perf_counter()
            sel = answering.select(retriever, item.text, k=max(k, 10), pair=pair)
            latencies.append((time.perf_counter() - t0) * 1000)
            hits = [contains_answer(s.passage.text, item.answers) for s in sel.search.ranked[:10]]
            r1 += any(hits[:1])
            r5 += any(hits[:5])
            mrr += next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
            good_quote = contains_answer(sel.quote, item.answers)
            quote_ok += good_quote
            answerable.append((item.article, sel.features, len(articles)))
            found = not _refused(sel)
            answered_ok += found and good_quote
            refused_ans += not found
            if chat_model is not None and found:
                _generate(chat_model, item, sel, drafted)
            hidden = answering.select(retriever, item.text, k=k, exclude=frozenset({names[item.article]}), pair=pair)
            unanswerable.append((item.article, hidden.features, len(articles) - 1))
            refused_unans += _refused(hidden)
            for size in folder_sizes:
                rng = random.Random(f"{item.qid}:{size}")
                others = rng.sample([a for a in range(len(articles)) if a != item.article], size)
                for folder, samples, slot in (([item.article, *others[:size - 1]], answerable, 0),
                                              (others, unanswerable, 1)):
                    outside = frozenset(names) - {names[a] for a in folder}
                    asked = answering.select(retriever, item.text, k=k, exclude=outside, pair=pair)
                    samples.append((item.article, asked.features, size))
                    small[size][slot] += _refused(asked)
    n = max(1, len(items))
    return EvalReport(
        questions=len(items), recall_at_1=r1 / n, recall_at_5=r5 / n, mrr_at_10=mrr / n,
        quote_accuracy=quote_ok / n, answered_correctly=answered_ok / n,
        unanswerable_refused=refused_unans / n, answerable_refused=refused_ans / n,
        latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p95_ms=_pct(latencies, 0.95), build_seconds=report.seconds,
        threshold=abstention.found_threshold(), chunks=report.chunks,
        chunking=chunking.recorded(),
        small_folders={size: {"answerable_refused": a / n, "unanswerable_refused": u / n}
                       for size, (a, u) in small.items()},
        answerable=tuple(answerable), unanswerable=tuple(unanswerable),
        generated=({"model": chat_model.name, "asked": drafted[0], "grounded": drafted[1] / max(1, drafted[0]),
                    "failed": drafted[2] / max(1, drafted[0]), "correct": drafted[3] / max(1, drafted[0])}
                   if chat_model is not None else {}))


def _generate(chat_model: ChatModel, item: Question, sel: answering.Selection, counts: list[int]) -> None:
    passages = tuple(s.passage for s in sel.search.ranked)
    *_, final = generation.stream(chat_model, item.text, passages, sel.quote, sel.rank + 1, language_of(item.text),
                                 translate=False)
    counts[0] += 1
    counts[1] += final.grounded
    counts[2] += final.failed
    counts[3] += final.grounded and contains_answer(final.text, item.asked_answers or item.answers)


def _refused(sel: answering.Selection) -> bool:
    return not sel.found
