"""Fit the abstention model of qa/answering.py from `qa eval` evidence.

How to run (each eval takes a few minutes on 2 cores):
    qa eval ../shared/eval/xquad/xquad.ar.json --json --scores > /tmp/ev_ar.json
    qa eval ../shared/eval/xquad/xquad.ar.json --questions ../shared/eval/xquad/xquad.en.json \
        --json --scores > /tmp/ev_en.json
    python benchmarks/calibrate_abstention.py /tmp/ev_ar.json /tmp/ev_en.json

Each question contributes its evidence features twice: answerable (its article
indexed) and unanswerable (its article hidden). A logistic regression is fitted
on even-numbered articles and reported on odd ones (no article is in both), then
refitted on everything; paste the printed constants into qa/answering.py.
Both thresholds follow one rule: the probability below which
TARGET_ANSWERABLE_REFUSED of the answerable questions fall, once over
questions that share words with the documents (FOUND_THRESHOLD) and once over
questions in another script (CROSS_SCRIPT_THRESHOLD, `answering.is_found`):
cross-script evidence is weaker, so the same share of refused answerable
questions needs a lower bar there.
Not a benchmark of speed: it lives here because it is a measurement script.
"""
from __future__ import annotations

import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, ".")
from qa.answering import CROSS_SCRIPT_THRESHOLD, FEATURES, is_cross_script  # noqa: E402

TARGET_ANSWERABLE_REFUSED = 0.08


def load(paths: list[str]):
    rows = []
    for lang_id, path in enumerate(paths):
        data = json.load(open(path, encoding="utf-8"))
        for label, key in ((1, "answerable"), (0, "unanswerable")):
            for article, feats in data[key]:
                rows.append((lang_id, article, label, [feats[name] for name in FEATURES], is_cross_script(feats)))
    lang = np.array([r[0] for r in rows])
    article = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    x = np.array([r[3] for r in rows], dtype=np.float64)
    cross = np.array([r[4] for r in rows])
    return lang, article, y, x, cross


def thresholds(prob: np.ndarray, y: np.ndarray, cross: np.ndarray) -> tuple[float, float]:
    """(same-script, cross-script) probability bars refusing TARGET_ANSWERABLE_REFUSED of answerable ones."""
    same = float(np.quantile(prob[(y == 1) & ~cross], TARGET_ANSWERABLE_REFUSED))
    other = float(np.quantile(prob[(y == 1) & cross], TARGET_ANSWERABLE_REFUSED)) if (cross & (y == 1)).any() else same
    return same, other


def report(model, x, y, lang, cross, bars, names):
    prob = model.predict_proba(x)[:, 1]
    refused = prob < np.where(cross, bars[1], bars[0])
    for lang_id, name in enumerate(names):
        m = lang == lang_id
        print(f"  {name}: answerable refused {np.mean(refused[m & (y == 1)]):.3f}, "
              f"unanswerable refused {np.mean(refused[m & (y == 0)]):.3f} "
              f"({np.mean(cross[m]):.0%} of its questions in another script)")


def main(paths: list[str]) -> None:
    lang, article, y, x, cross = load(paths)
    names = [p.rsplit("/", 1)[-1] for p in paths]
    train = article % 2 == 0
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x[train], y[train])
    bars = thresholds(model.predict_proba(x[train])[:, 1], y[train], cross[train])
    print(f"fitted on even articles, thresholds {bars[0]:.3f} / cross-script {bars[1]:.3f}; held-out odd articles:")
    report(model, x[~train], y[~train], lang[~train], cross[~train], bars, names)
    shipped = (bars[0], CROSS_SCRIPT_THRESHOLD)
    print(f"the same, with the cross-script bar qa ships ({CROSS_SCRIPT_THRESHOLD}, see answering.py):")
    report(model, x[~train], y[~train], lang[~train], cross[~train], shipped, names)
    full = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    full_bars = thresholds(full.predict_proba(x)[:, 1], y, cross)
    print("refitted on all articles:")
    report(full, x, y, lang, cross, full_bars, names)
    print("COEFFICIENTS =", tuple(round(float(c), 3) for c in full.coef_[0]))
    print("INTERCEPT =", round(float(full.intercept_[0]), 3))
    print("FOUND_THRESHOLD =", round(full_bars[0], 3))
    print("CROSS_SCRIPT_THRESHOLD =", round(full_bars[1], 3))


if __name__ == "__main__":
    main(sys.argv[1:])
