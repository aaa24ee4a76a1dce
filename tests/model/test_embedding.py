"""The embedder: precision settings and what bf16 weights change (real model)."""
import numpy as np
import pytest

from qa.model.embedding import Embedder
from qa.errors import InvalidArgument
from qa.model.sparse import normalize_rows


def test_unknown_precision_is_refused():
    with pytest.raises(InvalidArgument, match="precision"):
        Embedder(precision="int4")


def test_qa_precision_setting_is_validated(monkeypatch):
    from qa.config import load_settings

    monkeypatch.setenv("QA_PRECISION", "fp32")
    assert load_settings().precision == "fp32"
    monkeypatch.setenv("QA_PRECISION", "fp8")
    with pytest.raises(InvalidArgument, match="QA_PRECISION"):
        load_settings()


def test_fp32_precision_never_uses_bf16(cache_dir):
    embedder = Embedder(cache_dir=cache_dir, precision="fp32")
    assert not embedder.bf16 and not embedder.bf16_weights


@pytest.mark.parametrize("text", ["Who proposed a ground operation?", "تقدمت تركيا بمقترح عملية برية في سوريا."])
def test_bf16_weights_keep_sentence_vectors_close_to_fp32(cache_dir, real_embedder, text):
    """Where the CPU has bf16 the default stores weights in bf16 (documents); vectors must stay ~identical."""
    fp32_dense, fp32_sparse = Embedder(cache_dir=cache_dir, precision="fp32").encode_units([text])
    dense, sparse = real_embedder.encode_units([text])
    assert float(fp32_dense[0] @ dense[0]) > 0.999
    if fp32_sparse is not None:
        # Top-k choices over 16k latent features flip on small differences; qa eval moves by
        # <= 0.005 all the same (docs/benchmarks.md).
        cosine = (normalize_rows(fp32_sparse) @ normalize_rows(sparse).T).toarray()[0, 0]
        assert cosine > 0.95


def test_background_vectors_are_cached_beside_the_model(cache_dir, real_embedder, monkeypatch):
    """A new process (here: a new embedder) reads them instead of embedding 100 sentences again."""
    dense, sparse = real_embedder.background()
    fresh = Embedder(cache_dir=cache_dir)

    def embed_again(texts):
        raise AssertionError("background sentences embedded again")

    monkeypatch.setattr(fresh, "encode_units", embed_again)
    cached_dense, cached_sparse = fresh.background()
    assert np.array_equal(cached_dense, dense)
    assert sparse is None or (cached_sparse != sparse).nnz == 0
