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
Not a benchmark of speed: it lives here because it is a measurement script.
"""
from __future__ import annotations

import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, ".")
from qa.answering import FEATURES  # noqa: E402

TARGET_ANSWERABLE_REFUSED = 0.08


def load(paths: list[str]):
    rows = []
    for lang_id, path in enumerate(paths):
        data = json.load(open(path, encoding="utf-8"))
        for label, key in ((1, "answerable"), (0, "unanswerable")):
            for article, feats in data[key]:
                rows.append((lang_id, article, label, [feats[name] for name in FEATURES]))
    lang = np.array([r[0] for r in rows])
    article = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    x = np.array([r[3] for r in rows], dtype=np.float64)
    return lang, article, y, x


def report(model, x, y, lang, threshold, names):
    prob = model.predict_proba(x)[:, 1]
    for lang_id, name in enumerate(names):
        m = lang == lang_id
        ans, unans = prob[m & (y == 1)], prob[m & (y == 0)]
        print(f"  {name}: answerable refused {np.mean(ans < threshold):.3f}, "
              f"unanswerable refused {np.mean(unans < threshold):.3f}")


def main(paths: list[str]) -> None:
    lang, article, y, x = load(paths)
    names = [p.rsplit("/", 1)[-1] for p in paths]
    train = article % 2 == 0
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x[train], y[train])
    prob = model.predict_proba(x[train])[:, 1]
    threshold = float(np.quantile(prob[y[train] == 1], TARGET_ANSWERABLE_REFUSED))
    print(f"fitted on even articles, threshold {threshold:.3f}; held-out odd articles:")
    report(model, x[~train], y[~train], lang[~train], threshold, names)
    full = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    prob = full.predict_proba(x)[:, 1]
    full_threshold = float(np.quantile(prob[y == 1], TARGET_ANSWERABLE_REFUSED))
    print("refitted on all articles:")
    report(full, x, y, lang, full_threshold, names)
    print("COEFFICIENTS =", tuple(round(float(c), 3) for c in full.coef_[0]))
    print("INTERCEPT =", round(float(full.intercept_[0]), 3))
    print("FOUND_THRESHOLD =", round(full_threshold, 3))


if __name__ == "__main__":
    main(sys.argv[1:])
