"""Fit the abstention models of qa/answers/abstention.py from `qa eval` evidence and write them to its data file.

How to run (each eval takes a few minutes on 2 cores; scikit-learn: pip install -e '.[calibrate]'):
    qa eval ../shared/eval/xquad/xquad.ar.json --small-folders 1,4 --json --scores > /tmp/ev_ar.json
    qa eval ../shared/eval/xquad/xquad.ar.json --questions ../shared/eval/xquad/xquad.en.json \
        --small-folders 1,4 --json --scores > /tmp/ev_en.json
    python benchmarks/eval_questions.py --only natural --json /tmp/natural.json
    python benchmarks/calibrate_abstention.py /tmp/ev_ar.json /tmp/ev_en.json --natural /tmp/natural.json \
        [--write qa/answers/abstention.json]

Each question contributes its evidence features answerable (its article
indexed) and unanswerable (its article hidden), in the whole index and in each
small folder the eval simulated: users' folders range from one document to
thousands, and evidence such as how far the best passage stands out depends
on what else is in the folder. A logistic regression is fitted on
even-numbered articles and reported on odd ones (no article is in both), then
refitted on everything; `--write` stores both models (the one with chunk_gap
and the one without it, for folders of one chunk) with what they were fitted
on in qa/answers/abstention.json, which qa reads at run time.
The thresholds follow one rule: the probability below which
TARGET_ANSWERABLE_REFUSED of the answerable questions of the whole index fall
(the `qa eval` protocol), computed per kind of evidence
(`abstention.evidence_kind`: shared words, names or translated words across
scripts, nothing): weaker evidence needs a lower bar for the same share of
refused answerable questions. `--natural` adds the short natural questions of
benchmarks/eval_questions.py (seven languages), so the bars also hold for
questions as people ask them, not only XQuAD's paraphrases.
Not a benchmark of speed: it lives here because it is a measurement script.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, ".")
from qa.answers.abstention import MODEL_FILE, evidence_kind, models  # noqa: E402
from qa.answers.evidence import FEATURES as EVIDENCE_FEATURES  # noqa: E402

try:
    from sklearn.linear_model import LogisticRegression
except ImportError:
    sys.exit("calibrate_abstention.py needs scikit-learn: pip install -e '.[calibrate]'")

FEATURES = EVIDENCE_FEATURES
ALONE_FEATURES = tuple(name for name in FEATURES if name != "chunk_gap")
THRESHOLDS = models()["default"].thresholds
ALONE_THRESHOLDS = models()["alone"].thresholds

TARGET_ANSWERABLE_REFUSED = 0.08


def load(paths: list[str], natural: str | None = None):
    """Arrays over all samples: language index, article, label, features, evidence kind, folder.

    `natural`: benchmarks/eval_questions.py --json output; its "natural" outcomes (short questions in seven
    languages over the same articles, answerable, with their article hidden, and about nothing) join
    as one more "language", in the whole index. Questions about no article are split by id.
    """
    rows = []
    if natural:
        for n, o in enumerate(json.load(open(natural, encoding="utf-8"))["natural"]):
            article = o["article"] if o["article"] is not None else sum(map(ord, o["qid"]))
            rows.append((len(paths), article, int(o["answerable"]), [o["features"][name] for name in FEATURES],
                         evidence_kind(o["features"]), "1" if o["features"].get("folder") == 1.0 else "all"))
    for lang_id, path in enumerate(paths):
        data = json.load(open(path, encoding="utf-8"))
        whole = max(folder for _, _, folder in data["answerable"])
        for label, key in ((1, "answerable"), (0, "unanswerable")):
            for article, feats, folder in data[key]:
                # The whole index is one folder size whether or not the question's article is in it.
                size = "all" if folder >= whole - 1 else str(folder)
                rows.append((lang_id, article, label, [feats[name] for name in FEATURES], evidence_kind(feats), size))
    columns = list(zip(*rows))
    lang, article, y, x, kind, folder = (np.array(c) for c in columns)
    return lang, article, y, x.astype(np.float64), kind, folder


def thresholds(prob: np.ndarray, y: np.ndarray, kind: np.ndarray, whole: np.ndarray,
               shipped: dict[str, float] = THRESHOLDS) -> dict[str, float]:
    """Per evidence kind, the bar refusing TARGET_ANSWERABLE_REFUSED of its answerable questions (whole index)."""
    bars = {}
    for name in shipped:
        answerable = prob[(y == 1) & (kind == name) & whole]
        bars[name] = float(np.quantile(answerable, TARGET_ANSWERABLE_REFUSED)) if len(answerable) else shipped[name]
    return bars


def report(model, x, y, lang, kind, folder, bars, names):
    prob = model.predict_proba(x)[:, 1]
    refused = prob < np.array([bars[k] for k in kind])
    for lang_id, name in enumerate(names):
        for size in ["all"] + sorted({f for f in folder if f != "all"}, key=int):
            m = (lang == lang_id) & (folder == size)
            if not m.any():
                continue
            shares = ", ".join(f"{k} {np.mean(kind[m & (y == 0)] == k):.0%}" for k in THRESHOLDS)
            where = "whole index" if size == "all" else f"{size}-article folders"
            print(f"  {name}, {where}: answerable refused {np.mean(refused[m & (y == 1)]):.3f}, "
                  f"unanswerable refused {np.mean(refused[m & (y == 0)]):.3f} (unanswerable evidence: {shares})")


def _rounded(bars: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in bars.items()}


def _model_json(model, features: tuple[str, ...], bars: dict[str, float]) -> dict:
    return {"features": list(features), "coefficients": [round(float(c), 3) for c in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 3), "thresholds": _rounded(bars)}


def _shown(path: Path) -> str:
    """`path` relative to the working directory (the repository) when under it, else its name."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return path.name


def main(paths: list[str], natural: str | None, write: Path | None) -> None:
    lang, article, y, x, kind, folder = load(paths, natural)
    names = [p.rsplit("/", 1)[-1] for p in paths] + (["natural questions"] if natural else [])
    whole = folder == "all"
    train = article % 2 == 0
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x[train], y[train])
    bars = thresholds(model.predict_proba(x[train])[:, 1], y[train], kind[train], whole[train])
    held = ~train
    print(f"fitted on even articles, thresholds {_rounded(bars)}; held-out odd articles:")
    report(model, x[held], y[held], lang[held], kind[held], folder[held], bars, names)
    full = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    full_bars = thresholds(full.predict_proba(x)[:, 1], y, kind, whole)
    print("refitted on all articles:")
    report(full, x, y, lang, kind, folder, full_bars, names)
    print("default model:", _model_json(full, FEATURES, full_bars), "(8% rule bars)")
    # The model for folders of one chunk, where chunk_gap compares with nothing (abstention.py):
    # the same questions without that feature. qa eval's folders all have several chunks, so
    # it is reported held out on them, not in the one-chunk folders it serves.
    alone = [FEATURES.index(name) for name in ALONE_FEATURES]
    xa = x[:, alone]
    held_model = LogisticRegression(C=1.0, max_iter=5000).fit(xa[train], y[train])
    held_bars = thresholds(held_model.predict_proba(xa[train])[:, 1], y[train], kind[train], whole[train],
                           ALONE_THRESHOLDS)
    print("without chunk_gap (for one-chunk folders), fitted on even articles:")
    report(held_model, xa[held], y[held], lang[held], kind[held], folder[held], held_bars, names)
    alone_model = LogisticRegression(C=1.0, max_iter=5000).fit(xa, y)
    alone_bars = thresholds(alone_model.predict_proba(xa)[:, 1], y, kind, whole, ALONE_THRESHOLDS)
    print("alone model:", _model_json(alone_model, ALONE_FEATURES, alone_bars), "(8% rule bars)")
    if write is None:
        return
    data = {
        "about": "Logistic abstention models read by qa/answers/abstention.py; written by "
                 "benchmarks/calibrate_abstention.py, not by hand.",
        "fitted": {
            "data": "XQuAD (Artetxe et al. 2020, CC BY-SA 4.0): " + ", ".join(names) + "; every question answerable "
                    "and with its own article hidden (every statistic over the visible documents only), in the whole "
                    "index and in the small folders qa eval simulated" + ("; benchmarks/data/natural_questions.json: "
                    "short questions in seven languages over the same articles, answerable, hidden, and about "
                    "nothing" if natural else ""),
            "date": datetime.date.today().isoformat(),
            # File names only: where the evals were written on the calibrating machine says nothing.
            "command": "python benchmarks/calibrate_abstention.py " + " ".join(Path(p).name for p in paths)
                       + (f" --natural {Path(natural).name}" if natural else "")
                       + f" --write {_shown(write)}",
            "bars": f"per evidence kind, the probability below which {TARGET_ANSWERABLE_REFUSED:.0%} of its "
                    "answerable questions in the whole index fall (one rule for every kind; no bar is set by hand)",
            "provenance": "both models and every bar are this command's output on the data above, unedited",
        },
        "models": {
            "default": _model_json(full, FEATURES, full_bars),
            "alone": _model_json(alone_model, ALONE_FEATURES, alone_bars),
        },
    }
    write.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {write}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("evals", nargs="+", help="qa eval --json --scores outputs, one per direction")
    parser.add_argument("--natural", default=None, help="benchmarks/eval_questions.py --json output (its natural set)")
    parser.add_argument("--write", type=Path, nargs="?", const=MODEL_FILE, default=None,
                        help=f"write the models to this file (default when given bare: {MODEL_FILE})")
    args = parser.parse_args()
    main(args.evals, args.natural, args.write)
