"""Answer or say "not found": a logistic model over the evidence features, with one bar per kind of evidence.

The models (features, coefficients, intercept, bars, and what they were fitted
on) are data: `abstention.json`, written by benchmarks/calibrate_abstention.py.
What a question shares with the documents decides how strong its evidence can
be, so each kind has its own bar: "words" (the documents hold some of the
question's words), "across" (none, but they hold its Latin-script names or,
translated, at least half of its English content words: with fewer, a miss is
as likely the one-sense dictionary's as the documents'), "none" (another
script and nothing to go on but similarity; shared words count only when the best
passage is in the question's script). A folder of one chunk has
nothing for its passage to stand out from: the model fitted without chunk_gap
judges it. This module weighs evidence; computing it is `evidence.py`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .evidence import FEATURES

MODEL_FILE = Path(__file__).with_name("abstention.json")
KINDS = ("words", "across", "none")
TRANSLATED_MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class AbstentionModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    thresholds: dict[str, float]

    def __post_init__(self) -> None:
        unknown = [name for name in self.features if name not in FEATURES]
        if unknown or len(self.coefficients) != len(self.features) or set(self.thresholds) != set(KINDS):
            raise ValueError(f"abstention model does not match the evidence features: {unknown or self.features}")

    def probability(self, features: dict[str, float]) -> float:
        logit = self.intercept + sum(c * features[name] for c, name in zip(self.coefficients, self.features))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


@cache
def models(path: Path = MODEL_FILE) -> dict[str, AbstentionModel]:
    """The fitted models by name ("default", "alone"), read once."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: AbstentionModel(tuple(m["features"]), tuple(float(c) for c in m["coefficients"]),
                                  float(m["intercept"]), {k: float(v) for k, v in m["thresholds"].items()})
            for name, m in data["models"].items()}


def evidence_kind(features: dict[str, float]) -> str:
    """"words", "across" or "none": what the question shares with the documents (see the module docstring).

    A question without words (emoji, punctuation) has no other script to excuse weak
    evidence: it is judged as "words". Words the documents share with the question count
    only when the best passage is in the question's script: a French question whose words
    an English story holds is still answered, if at all, from an Arabic passage.
    """
    if features.get("question_terms", 0.0) == 0:
        return "words"
    if features.get("coverage", 0.0) > 0 and features.get("same_script", 1.0) > 0:
        return "words"
    named = features.get("names_found", 0.0) + features.get("names_missing", 0.0) > 0
    if named or features.get("translation_coverage", 0.0) >= TRANSLATED_MIN_COVERAGE:
        return "across"
    return "none"


def model_for(features: dict[str, float]) -> AbstentionModel:
    """The model that judges this search: without chunk_gap when it compares with nothing (one chunk)."""
    return models()["alone" if features.get("compared", 1.0) < 1 else "default"]


def confidence(features: dict[str, float]) -> float:
    """The calibrated probability that the documents answer the question."""
    return model_for(features).probability(features)


def is_found(confidence: float, features: dict[str, float]) -> bool:
    return confidence >= model_for(features).thresholds[evidence_kind(features)]


def found_threshold() -> float:
    """What `qa eval` reports as its threshold: the bar for questions that share words with the documents."""
    return models()["default"].thresholds["words"]
