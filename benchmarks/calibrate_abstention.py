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
The thresholds follow one rule: the probability below which
TARGET_ANSWERABLE_REFUSED of the answerable questions fall, computed per kind
of evidence (`answering.evidence_kind`: shared words, names or translated
words across scripts, nothing): weaker evidence needs a lower bar for the
same share of refused answerable questions. The "none" bar qa ships is not
the rule's (answering.py says why); both are reported.
Not a benchmark of speed: it lives here because it is a measurement script.
"""
from __future__ import annotations

import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, ".")
from qa.answering import FEATURES, THRESHOLDS, evidence_kind  # noqa: E402

TARGET_ANSWERABLE_REFUSED = 0.08


def load(paths: list[str]):
    rows = []
    for lang_id, path in enumerate(paths):
        data = json.load(open(path, encoding="utf-8"))
        for label, key in ((1, "answerable"), (0, "unanswerable")):
            for article, feats in data[key]:
                rows.append((lang_id, article, label, [feats[name] for name in FEATURES], evidence_kind(feats)))
    lang = np.array([r[0] for r in rows])
    article = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    x = np.array([r[3] for r in rows], dtype=np.float64)
    kind = np.array([r[4] for r in rows])
    return lang, article, y, x, kind


def thresholds(prob: np.ndarray, y: np.ndarray, kind: np.ndarray) -> dict[str, float]:
    """Per evidence kind, the probability bar refusing TARGET_ANSWERABLE_REFUSED of its answerable questions."""
    bars = {}
    for name in THRESHOLDS:
        answerable = prob[(y == 1) & (kind == name)]
        bars[name] = float(np.quantile(answerable, TARGET_ANSWERABLE_REFUSED)) if len(answerable) else THRESHOLDS[name]
    return bars


def report(model, x, y, lang, kind, bars, names):
    prob = model.predict_proba(x)[:, 1]
    refused = prob < np.array([bars[k] for k in kind])
    for lang_id, name in enumerate(names):
        m = lang == lang_id
        shares = ", ".join(f"{k} {np.mean(kind[m] == k):.0%}" for k in THRESHOLDS)
        print(f"  {name}: answerable refused {np.mean(refused[m & (y == 1)]):.3f}, "
              f"unanswerable refused {np.mean(refused[m & (y == 0)]):.3f} (evidence: {shares})")


def _rounded(bars: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in bars.items()}


def main(paths: list[str]) -> None:
    lang, article, y, x, kind = load(paths)
    names = [p.rsplit("/", 1)[-1] for p in paths]
    train = article % 2 == 0
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x[train], y[train])
    bars = thresholds(model.predict_proba(x[train])[:, 1], y[train], kind[train])
    print(f"fitted on even articles, thresholds {_rounded(bars)}; held-out odd articles:")
    report(model, x[~train], y[~train], lang[~train], kind[~train], bars, names)
    shipped = {**bars, "none": THRESHOLDS["none"]}
    print(f"the same, with the \"none\" bar qa ships ({THRESHOLDS['none']}, see answering.py):")
    report(model, x[~train], y[~train], lang[~train], kind[~train], shipped, names)
    full = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    full_bars = thresholds(full.predict_proba(x)[:, 1], y, kind)
    print("refitted on all articles, with the shipped \"none\" bar:")
    report(full, x, y, lang, kind, {**full_bars, "none": THRESHOLDS["none"]}, names)
    print("COEFFICIENTS =", tuple(round(float(c), 3) for c in full.coef_[0]))
    print("INTERCEPT =", round(float(full.intercept_[0]), 3))
    print("THRESHOLDS (8% rule) =", _rounded(full_bars))


if __name__ == "__main__":
    main(sys.argv[1:])
