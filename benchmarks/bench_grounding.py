"""The grounding check (`qa.answers.grounding`) on faithful and on unfaithful answers, without a model.

How to run (from the repository root; ~1 min, no model, no index):
    .venv/bin/python benchmarks/bench_grounding.py [--limit N]

XQuAD's English and Arabic paragraphs are translations of each other. For
every English question, the sentence of the English paragraph that holds
its English gold answer, cited as [1], stands for what a good model would
write in English from the Arabic paragraph:
  * faithful   – checked against its own Arabic paragraph: the check should
                 pass it (a failure is a false rejection: the user would get
                 the quote instead of a correct answer);
  * unfaithful – checked against the Arabic paragraph of another article:
                 the check should fail it (a pass lets an answer through that
                 the cited passage does not support).
The same sentences over the English paragraphs (own, another article's)
give the same-language figures. Also per reason, how often each kind of
problem was the cause.
"""
from __future__ import annotations

import argparse
import random
import re
from collections import Counter

from common import summary, xquad
from qa.answers.grounding import check

SENTENCE = re.compile(r"[^.!?]+[.!?]")


def cases(limit: int | None) -> list[tuple[str, str, str, str, str]]:
    """(English sentence with the answer, its Arabic paragraph, another article's Arabic paragraph,
    its English paragraph, that other article's English paragraph)."""
    english, arabic = xquad("en"), xquad("ar")
    rng = random.Random(7)
    out = []
    for a, (article_en, article_ar) in enumerate(zip(english, arabic)):
        for p, (para_en, para_ar) in enumerate(zip(article_en["paragraphs"], article_ar["paragraphs"])):
            for qa in para_en["qas"]:
                gold = qa["answers"][0]["text"]
                sentence = next((s.strip() for s in SENTENCE.findall(para_en["context"]) if gold in s), "")
                if not sentence:
                    continue
                b = rng.choice([i for i in range(len(arabic)) if i != a])
                q = rng.randrange(min(len(arabic[b]["paragraphs"]), len(english[b]["paragraphs"])))
                out.append((sentence.rstrip(".!?") + " [1].", para_ar["context"], arabic[b]["paragraphs"][q]["context"],
                            para_en["context"], english[b]["paragraphs"][q]["context"]))
    rng.shuffle(out)
    return out[:limit] if limit else out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    items = cases(args.limit)
    outcomes = {kind: Counter() for kind in ("ar faithful", "ar unfaithful", "en faithful", "en unfaithful")}
    for sentence, own, other, own_en, other_en in items:
        for kind, passage in (("ar faithful", own), ("ar unfaithful", other), ("en faithful", own_en),
                              ("en unfaithful", other_en)):
            result = check(sentence, [passage], "en")
            outcomes[kind][_reason(result.problem) if not result.ok else "passed"] += 1
    n = len(items)
    passed = {kind: counts["passed"] / n for kind, counts in outcomes.items()}
    summary(f"grounding: English answers over Arabic passages: faithful passed {passed['ar faithful']:.3f}, "
            f"unfaithful passed {passed['ar unfaithful']:.3f}; over English passages: faithful "
            f"{passed['en faithful']:.3f}, unfaithful {passed['en unfaithful']:.3f}; {n} sentences")
    for kind, counts in outcomes.items():
        print(f"grounding: {kind} outcomes: " + ", ".join(f"{k} {v / n:.3f}" for k, v in counts.most_common()))


def _reason(problem: str) -> str:
    """The kind of problem, without the word or number: "name not in", "number not in", ..."""
    if problem.startswith("“"):
        return "a name not in the passage"
    if problem.startswith("the number"):
        return "a number not in the passage"
    return problem.split(":")[0]


if __name__ == "__main__":
    main()
