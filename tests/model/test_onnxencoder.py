"""The ONNX Runtime question encoder: exact against the torch fp32 model (int8: close), no sentence-transformers."""
from pathlib import Path

import numpy as np
import pytest
import torch

from qa.model.prepare import ensure_converted
from qa.model.embedding import Embedder
from qa.model.onnxencoder import INT8_GRAPH, META, OnnxEncoder, ensure_exported, ensure_quantized

TEXTS = ["query: من اقترح عملية برية؟", "Who proposed a ground operation in Syria, and when?", "x",
         "passage: " + "تنظيم( داعش) في12 فبراير " * 30]


@pytest.fixture(scope="module")
def fp32_folder(cache_dir: Path) -> Path:
    return ensure_converted(cache_dir)


@pytest.fixture(scope="module")
def encoder(fp32_folder: Path) -> OnnxEncoder:
    return OnnxEncoder(ensure_exported(fp32_folder))


@pytest.fixture(scope="module")
def torch_model(fp32_folder: Path):
    from transformers import AutoTokenizer, BertModel

    model = BertModel.from_pretrained(str(fp32_folder), add_pooling_layer=False).eval()
    return model, AutoTokenizer.from_pretrained(str(fp32_folder))


@pytest.mark.parametrize("batch", [TEXTS[:1], TEXTS[:2], TEXTS])
def test_states_match_the_torch_fp32_model(encoder, torch_model, batch):
    model, tokenizer = torch_model
    reference = tokenizer(batch, padding=True, return_tensors="pt")
    rows = [encoder.token_ids(t) for t in batch]
    assert rows == [ids[:int(m.sum())] for ids, m in zip(reference["input_ids"].tolist(), reference["attention_mask"])]
    states = encoder.states(rows)
    with torch.inference_mode():
        expected = model(**reference).last_hidden_state.numpy()
    assert [s.shape for s in states] == [(len(r), model.config.hidden_size) for r in rows]
    for row, got in enumerate(states):
        assert np.abs(got - expected[row, :len(got)]).max() < 1e-4


def test_export_happens_once(fp32_folder, encoder):
    folder = ensure_exported(fp32_folder)
    stamp = (folder / META).stat().st_mtime_ns
    assert ensure_exported(fp32_folder) == folder and (folder / META).stat().st_mtime_ns == stamp
    assert not list(folder.parent.glob(".tmp-*"))


def test_questions_need_no_sentence_transformers_model(cache_dir, real_embedder):
    """A server answers through ONNX Runtime; the torch model loads only when documents are embedded."""
    embedder = Embedder(cache_dir=cache_dir)
    vectors = embedder.encode_query("Who proposed a ground operation?")
    embedder.background()  # cached by the real embedder's first use
    assert embedder._model is None
    assert vectors.dense.shape == (real_embedder.dimension,) and vectors.sparse is not None


@pytest.mark.parametrize("text", ["Who proposed a ground operation?", "من اقترح عملية برية؟"])
def test_question_vectors_equal_the_torch_fp32_path(cache_dir, text):
    embedder = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="fp32")
    fast, reference = embedder.encode_query(text), embedder._torch_query_pass(text)
    assert float(fast.dense @ reference.dense) > 0.99999
    assert float((fast.sparse @ reference.sparse.T).toarray()[0, 0]) > 0.999


def test_questions_fall_back_to_torch_when_the_export_fails(cache_dir, monkeypatch):
    """A cache where the export cannot be written still answers, with one warning."""
    import qa.model.onnxencoder

    question = "Who proposed a ground operation?"
    fast = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="fp32").encode_query(question)

    def read_only(model_dir):
        raise PermissionError(f"[Errno 13] Permission denied: '{model_dir}-onnx1'")

    monkeypatch.setattr(qa.model.onnxencoder, "ensure_exported", read_only)
    embedder = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="fp32")
    with pytest.warns(RuntimeWarning, match="Permission denied"):
        vectors = embedder.encode_query(question)
    assert embedder._model is not None and embedder._onnx is None  # answered by sentence-transformers
    assert float(vectors.dense @ fast.dense) > 0.99999


QUESTIONS = ["Who proposed a ground operation?", "من اقترح عملية برية؟", "Qui a proposé une opération terrestre ?",
             "Как называется столица Турции?", "What did Russia ask the Security Council to do on Thursday?"]


@pytest.mark.parametrize("text", QUESTIONS)
def test_int8_question_vectors_stay_close_to_fp32(cache_dir, text):
    """On request: int8 weights. Close, not equal; `qa eval` measures what that costs (docs/quality.md)."""
    assert not Embedder(cache_dir=cache_dir, precision="fp32").question_int8  # not the default
    int8 = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="int8")
    assert int8.question_int8 and int8.query_encoder_name == "int8"
    fast = int8.encode_query(text)
    reference = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="fp32").encode_query(text)
    assert 0.98 < float(fast.dense @ reference.dense) < 0.99999
    top = set(reference.sparse.indices[np.argsort(reference.sparse.data)[-5:]])
    assert len(top & set(fast.sparse.indices)) >= 4  # the strongest latent terms survive


def test_the_int8_graph_is_written_once_and_whole(fp32_folder, tmp_path):
    import shutil

    shutil.copyfile(ensure_exported(fp32_folder) / "encoder.onnx", tmp_path / "encoder.onnx")
    graph = ensure_quantized(tmp_path)
    assert graph == tmp_path / INT8_GRAPH and graph.exists()
    stamp = graph.stat().st_mtime_ns
    assert ensure_quantized(tmp_path).stat().st_mtime_ns == stamp  # made once
    assert not list(tmp_path.glob(".*.partial"))
    assert graph.stat().st_size < (tmp_path / "encoder.onnx").stat().st_size / 2  # int8 weights: a quarter


def test_without_the_int8_graph_questions_run_in_fp32_through_onnx(cache_dir, monkeypatch):
    import qa.model.onnxencoder

    def read_only(folder):
        raise PermissionError(f"[Errno 13] Permission denied: '{folder}'")

    monkeypatch.setattr(qa.model.onnxencoder, "ensure_quantized", read_only)
    embedder = Embedder(cache_dir=cache_dir, precision="fp32", question_precision="int8")
    with pytest.warns(RuntimeWarning, match="int8 question graph unavailable"):
        assert embedder.query_encoder_name == "fp32"  # what runs, not what was asked for
    assert embedder._onnx is not None and embedder._onnx.graph == "encoder.onnx"  # ONNX Runtime, not torch
