"""The abstention model: loaded from its data file, one bar per kind of evidence, a model for one-chunk folders."""
import json

import pytest

from qa.answers.abstention import MODEL_FILE, AbstentionModel, confidence, evidence_kind, is_found, models
from qa.answers.evidence import FEATURES

THRESHOLDS = models()["default"].thresholds


def test_the_models_come_from_the_data_file_with_what_they_were_fitted_on():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert {"data", "date", "command"} <= set(data["fitted"])
    assert set(models()) == {"default", "alone"}
    assert models()["default"].features == FEATURES
    assert models()["default"].intercept == data["models"]["default"]["intercept"]


def test_a_model_that_does_not_match_the_features_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown_feature"):
        AbstentionModel(("unknown_feature",), (1.0,), 0.0, {"words": 0.5, "across": 0.3, "none": 0.1})
    with pytest.raises(ValueError, match=r"does not match the evidence features: \('coverage',\)"):
        AbstentionModel(("coverage",), (1.0, 2.0), 0.0, {"words": 0.5, "across": 0.3, "none": 0.1})
    with pytest.raises(ValueError, match="does not match the evidence features"):
        AbstentionModel(("coverage",), (1.0,), 0.0, {"words": 0.5, "across": 0.3})  # a kind without its bar


def test_probability_is_the_logistic_of_the_weighted_features():
    model = AbstentionModel(("coverage", "chunk_gap"), (2.0, -1.0), 0.5, {"words": 0.5, "across": 0.3, "none": 0.1})
    # logit = 0.5 + 2 * 0.25 - 1 * 1.0 = 0: probability one half
    assert model.probability({"coverage": 0.25, "chunk_gap": 1.0}) == pytest.approx(0.5)
    assert model.probability({"coverage": 1000.0, "chunk_gap": 0.0}) == pytest.approx(1.0)


def test_each_kind_of_evidence_has_its_bar():
    assert len(models()["default"].coefficients) == len(FEATURES)
    english = {"coverage": 0.0, "question_terms": 4.0, "names_found": 0.0, "names_missing": 0.0,
               "translation_coverage": 0.0}
    named = {**english, "names_found": 0.6, "names_missing": 0.4}
    translated = {**english, "translation_coverage": 0.5}
    assert evidence_kind(english) == "none"
    assert evidence_kind(named) == evidence_kind(translated) == "across"
    assert evidence_kind({**english, "translation_coverage": 0.25}) == "none"  # too few words translated
    assert evidence_kind({**english, "coverage": 0.5}) == "words"
    assert evidence_kind({**english, "question_terms": 0.0}) == "words"  # "?!" has no script to excuse it
    # Each search is judged by its own kind's bar, whatever the order of the bars.
    for features in (english, named, translated, {**english, "coverage": 0.5}):
        bar = THRESHOLDS[evidence_kind(features)]
        assert is_found(bar, features) and not is_found(bar - 1e-6, features)


def test_no_bar_is_set_by_hand():
    """Every bar is the calibration script's rule applied to its data: the command that wrote the file has no
    override (there was one: a "none" bar chosen so that one question passed)."""
    fitted = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["fitted"]
    assert "--none-bar" not in fitted["command"] and "calibrate_abstention.py" in fitted["command"]
    assert "no bar is set by hand" in fitted["bars"]


def test_a_folder_of_one_chunk_is_judged_by_the_model_without_the_gap():
    assert len(models()["alone"].coefficients) == len(models()["alone"].features) == len(FEATURES) - 1 and "chunk_gap" not in models()["alone"].features
    features = {**dict.fromkeys(FEATURES, 0.3), "coverage": 1.0, "question_terms": 3.0}
    several = confidence({**features, "compared": 4.0})
    # With several chunks the gap counts; alone it is 0 and must not count as "stands out by nothing".
    assert confidence({**features, "compared": 4.0, "chunk_gap": 0.0}) < several
    alone = confidence({**features, "compared": 0.0, "chunk_gap": 0.0})
    assert alone == confidence({**features, "compared": 0.0, "chunk_gap": 5.0}) != several
