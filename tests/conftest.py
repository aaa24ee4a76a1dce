"""Shared fixtures: a deterministic fake embedder for plumbing tests, and the
real model + real seed article for behaviour tests (session-scoped: loaded once)."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.config import apply_offline_env

apply_offline_env()

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_f9ca097250a4c633.txt"
def _eval_dir() -> Path:
    """XQuAD dev data: QA_EVAL_DIR, else ../shared/eval beside the checkout, else /work/shared/eval."""
    override = os.environ.get("QA_EVAL_DIR")
    candidates = [Path(override)] if override else []
    candidates += [ROOT.parent / "shared" / "eval", Path("/work/shared/eval")]
    return next((c for c in candidates if (c / "xquad").is_dir()), candidates[0])


EVAL_DIR = _eval_dir()


class FakeEmbedder:
    """Bag-of-words hashed into 64 dims: same words -> similar vectors, exactly reproducible."""

    model_name = "fake-bow"
    dimension = 64

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            v[h % self.dimension] += 1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, 64), np.float32)

    def encode_units(self, texts: list[str]):
        return self.encode_passages(texts), None

    has_sparse = False

    def background(self):
        return self.encode_passages(["weather report", "football match", "cake recipe"]), None

    def encode_query(self, text: str):
        from qa.model.embedding import QueryVectors

        return QueryVectors(self._vec(text), None)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model cache users get (QA_CACHE_DIR or ~/.cache/qa): `make test` prepares it once."""
    from qa.config import load_settings

    return load_settings().cache_dir


@pytest.fixture(scope="session")
def real_embedder(cache_dir: Path):
    from qa.model.embedding import get_embedder

    return get_embedder("multilingual-e5-small", cache_dir).warm_up()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """The real seed article indexed with the real model (built once per session)."""
    from qa.store.build import build_index

    base = tmp_path_factory.mktemp("seed-index")
    seeds = base / "seeds"
    seeds.mkdir()
    shutil.copy2(SEED_FILE, seeds / SEED_FILE.name)
    build_index(seeds, base / "index", real_embedder)
    return base / "index"


@pytest.fixture(autouse=True)
def no_local_model_of_the_developers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A QA_LLM_URL exported by whoever runs the tests must not receive their passages; tests that want a
    model server set it themselves."""
    for name in [n for n in os.environ if n.startswith("QA_LLM_")]:
        monkeypatch.delenv(name)
