"""The public Python API: `build_index`, `retrieve`, `answer`.

Thin functions over the core: they resolve settings (arguments first, then
QA_* environment variables, then defaults) and share one embedder and one
retriever per (model, index) across calls and threads. No logic of their own.
"""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .answers import answering, generation
from .answers.followup import previous_question
from .answers.llm import ChatModel
from .store import build
from .ingest.chunking import ChunkSettings
from .config import LLMSettings, Settings, load_settings
from .model.embedding import Embedder, get_embedder
from .errors import InvalidArgument
from .search.fusion import Retriever
from .search.question import validate_k, validate_question
from .search.results import Passage

_retrievers: dict[tuple[str, str, str], Retriever] = {}
_chat_models: dict[LLMSettings, ChatModel] = {}
_lock = threading.Lock()


def _settings(**overrides: object) -> Settings:
    return load_settings().with_overrides(**overrides)


def embedder_for(settings: Settings) -> Embedder:
    return get_embedder(settings.model, settings.cache_dir, settings.precision, settings.isa_cap, settings.device,
                        settings.question_precision)


def _key(settings: Settings) -> tuple[str, str, str]:
    return settings.model, str(settings.cache_dir), str(Path(settings.index_dir).resolve())


def retriever_for(settings: Settings) -> Retriever:
    key = _key(settings)
    with _lock:
        if key not in _retrievers:
            _retrievers[key] = Retriever(embedder_for(settings), settings.index_dir)
        return _retrievers[key]


def build_index(seeds_dir: str | Path | None = None, index_dir: str | Path | None = None,
                model: str | None = None, chunking: ChunkSettings | None = None,
                progress: build.Progress | None = None, allow_empty: bool = False) -> build.BuildReport:
    """Bring the index up to date with the seeds folder (incremental, atomic)."""
    settings = _settings(seeds_dir=seeds_dir, index_dir=index_dir, model=model)
    report = build.build_index(settings.seeds_dir, settings.index_dir, embedder_for(settings), chunking, progress,
                               allow_empty=allow_empty)
    with _lock:
        serving = _retrievers.get(_key(settings))
    if serving is not None:
        try:
            serving.refresh()  # questions after this call are answered from what it built
        except Exception:  # noqa: BLE001 - the build stands; the next question loads the generation and reports it
            pass
    return report


def retrieve(question: str, k: int = 5, index_dir: str | Path | None = None,
             model: str | None = None) -> list[Passage]:
    """The k best passages for `question`, best first."""
    settings = _settings(index_dir=index_dir, model=model)
    return [s.passage for s in retriever_for(settings).search(question, k=validate_k(k))]


def chat_model_for(settings: Settings) -> ChatModel | None:
    """The configured local model (QA_LLM_URL), one per setting; None when none is configured."""
    if settings.llm is None:
        return None
    with _lock:
        if settings.llm not in _chat_models:
            _chat_models[settings.llm] = ChatModel(settings.llm)
        return _chat_models[settings.llm]


def answer(question: str, history: Sequence[dict] | None = None, index_dir: str | Path | None = None,
           model: str | None = None, k: int = 5, generate: bool | None = None) -> answering.Answer:
    """The sentence that answers `question` with its passages, or found=False.

    With a local model configured (QA_LLM_URL; `generate` defaults to whether one is),
    a found answer also carries `generated`: the model's checked answer, or why it is not shown.
    """
    *_, last = answer_stream(question, history, index_dir, model, k, generate)
    return last


def answer_stream(question: str, history: Sequence[dict] | None = None, index_dir: str | Path | None = None,
                  model: str | None = None, k: int = 5, generate: bool | None = None) -> Iterator[answering.Answer]:
    """The extractive answer first; then, when generating, the same answer with each draft and the final check."""
    settings = _settings(index_dir=index_dir, model=model)
    if generate and settings.llm is None:
        raise InvalidArgument("generate=True needs a local model: set QA_LLM_URL (README, \"Fluent answers\")")
    history = _validate_history(history)
    ans = answering.answer(retriever_for(settings), question, history=history, k=validate_k(k))
    yield ans
    chat_model = chat_model_for(settings) if generate is not False else None
    if chat_model is None or not ans.found:
        return  # "not found" comes from retrieval; the model is never asked to fill the gap
    asked = validate_question(question)
    previous = (previous_question(history) or "") if ans.query.strip() != asked else ""
    for drafted in generation.stream(chat_model, asked, ans.passages, ans.quote, ans.citation, ans.language,
                                     previous):
        yield dataclasses.replace(ans, generated=drafted)


def _validate_history(history: object) -> Sequence[dict] | None:
    """A list of messages or None; entries that are not user messages are passed over later."""
    if history is not None and (isinstance(history, (str, bytes)) or not isinstance(history, Sequence)):
        raise InvalidArgument(f"history must be a list of messages, not {type(history).__name__}")
    return history  # type: ignore[return-value]
