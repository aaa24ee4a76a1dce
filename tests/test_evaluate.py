"""`qa eval`: SQuAD loading (plumbing) and a real run on three XQuAD articles (real model and index)."""
import json
from collections import Counter

import pytest

import qa.evaluate
from conftest import EVAL_DIR, FakeEmbedder
from qa.answers.abstention import confidence, is_found
from qa.answers.evidence import FEATURES
from qa.ingest.chunking import ChunkSettings
from qa.errors import InvalidArgument
from qa.evaluate import evaluate, load_squad
from helpers import run_cli


def _squad(articles):
    return {"data": [{"title": f"a{i}", "paragraphs": paragraphs} for i, paragraphs in enumerate(articles)]}


def test_load_squad_joins_paragraphs_and_asks_the_parallel_questions(tmp_path):
    contexts = _squad([[{"context": " الفقرة الأولى ", "qas": [{"id": "q1", "question": "سؤال؟",
                                                             "answers": [{"text": "الأولى"}, {"text": "الأولى"}]}]},
                        {"context": "الفقرة الثانية", "qas": [{"id": "q2", "question": "سؤال آخر؟",
                                                             "answers": [{"text": "الثانية"}]}]}]])
    questions = _squad([[{"context": "first", "qas": [{"id": "q1", "question": "A question?", "answers": []}]}]])
    (tmp_path / "ar.json").write_text(json.dumps(contexts), encoding="utf-8")
    (tmp_path / "en.json").write_text(json.dumps(questions), encoding="utf-8")
    articles, items = load_squad(tmp_path / "ar.json", tmp_path / "en.json")
    assert articles == ["الفقرة الأولى\n\nالفقرة الثانية"]
    assert [(q.qid, q.article, q.text, q.answers) for q in items] == [
        ("q1", 0, "A question?", ("الأولى",)),  # asked in English, judged by the Arabic gold answers
        ("q2", 0, "سؤال آخر؟", ("الثانية",)),  # no parallel question: the original is asked
    ]


def test_load_squad_rejects_files_that_are_not_squad(tmp_path):
    (tmp_path / "bad.json").write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(InvalidArgument, match="SQuAD"):
        load_squad(tmp_path / "bad.json")
    with pytest.raises(InvalidArgument, match="cannot read SQuAD-format data: .*missing.json"):
        load_squad(tmp_path / "missing.json")


# Four questions over three one-paragraph articles, each with how the stand-in abstention below treats it.
ARTICLES = ["Apples grow in the orchards of the north.", "Barley is harvested in the south in June.",
            "Cotton is spun in the mills of the east."]
RULES = {  # question -> (its article, when it is refused)
    "Where do apples grow?": (0, "when its article is hidden"),
    "Which fruit grows in orchards?": (0, "never"),  # as if every folder answered it
    "When is barley harvested?": (1, "when its article is hidden or fewer than 3 articles are searched"),
    "Who spins cotton?": (2, "always"),
}


def test_eval_refusal_rates_count_each_question_in_its_folder(tmp_path, monkeypatch):
    """The rates are the shares of the questions refused in each setting, with the folder each setting searches."""
    qas = {a: [] for a in range(len(ARTICLES))}
    for n, (question, (article, _)) in enumerate(RULES.items()):
        qas[article].append({"id": f"q{n}", "question": question, "answers": [{"text": "x"}]})
    (tmp_path / "ar.json").write_text(json.dumps(_squad([[{"context": text, "qas": qas[a]}]
                                                         for a, text in enumerate(ARTICLES)])), encoding="utf-8")
    searched = []

    def refused(sel) -> bool:  # stands in for the abstention model, from what the question could see
        article, rule = RULES[sel.search.query]
        visible = {s.passage.source for s in sel.search.ranked}
        searched.append((sel.search.query, frozenset(visible)))
        hidden = f"article_{article:03d}.txt" not in visible
        return {"never": False, "always": True, "when its article is hidden": hidden,
                "when its article is hidden or fewer than 3 articles are searched": hidden or len(visible) < 3}[rule]

    monkeypatch.setattr(qa.evaluate, "_refused", refused)
    report = evaluate(tmp_path / "ar.json", FakeEmbedder(), work_dir=tmp_path, folder_sizes=(1, 2))
    assert report.questions == 4 and report.chunks == 3
    # The whole index refuses only "always" (1 of 4); with its own article hidden, all but "never" (3 of 4).
    assert (report.answerable_refused, report.unanswerable_refused) == (0.25, 0.75)
    # In folders of 1 or 2 articles with its own, barley's question has fewer than 3 to search too (2 of 4).
    assert report.small_folders == {1: {"answerable_refused": 0.5, "unanswerable_refused": 0.75},
                                    2: {"answerable_refused": 0.5, "unanswerable_refused": 0.75}}
    assert Counter(folder for _, _, folder in report.answerable) == {3: 4, 1: 4, 2: 4}
    assert Counter(folder for _, _, folder in report.unanswerable) == {2: 8, 1: 4}
    assert [article for article, _, folder in report.answerable if folder == 3] == [0, 0, 1, 2]
    # Each question searched: the whole index, without its article, then per size a folder with and one without it.
    cotton = [visible for question, visible in searched if question == "Who spins cotton?"]
    assert [len(visible) for visible in cotton] == [3, 2, 1, 1, 2, 2]
    assert ["article_002.txt" in visible for visible in cotton] == [True, False, True, False, True, False]


def _refused_share(samples: list, folder: int) -> float:
    """The share of the report's per-question evidence, in folders of `folder` articles, that abstention refuses."""
    features = [f for _, f, size in samples if size == folder]
    assert features, folder
    return sum(not is_found(confidence(f), f) for f in features) / len(features)


def _three_articles(tmp_path, *langs):
    """XQuAD's first three articles in each language, as tmp_path/<lang>.json."""
    for lang in langs:
        data = json.loads((EVAL_DIR / "xquad" / f"xquad.{lang}.json").read_text(encoding="utf-8"))
        (tmp_path / f"{lang}.json").write_text(json.dumps({"data": data["data"][:3]}), encoding="utf-8")


@pytest.mark.slow
def test_eval_on_three_xquad_articles_measures_and_reports_evidence(tmp_path, cache_dir):
    _three_articles(tmp_path, "ar", "en")
    done = run_cli("eval", str(tmp_path / "ar.json"), "--questions", str(tmp_path / "en.json"), "--limit", "12",
                   "--json", "--scores", env={"QA_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["questions"] == 12 and report["chunks"] >= 9  # 15 paragraphs, most one chunk each (12)
    assert report["chunking"] == ChunkSettings().recorded()  # chunked as `qa build` would
    # English questions over three Arabic articles: nearly always the right passage in the top 5.
    assert report["recall_at_5"] >= 0.75
    assert report["quote_accuracy"] >= 0.5
    # The rates are the abstention model's verdicts on the evidence the report gives per question:
    # over the whole index (3 articles) and with the question's own article hidden (2).
    assert report["answerable_refused"] == pytest.approx(_refused_share(report["answerable"], 3))
    assert report["unanswerable_refused"] == pytest.approx(_refused_share(report["unanswerable"], 2))
    assert len(report["answerable"]) == len(report["unanswerable"]) == 12
    assert all(set(FEATURES) <= set(features) for _, features, _ in report["answerable"])
    # --limit 12 asks every 105/12th question, not the first 12 (all article 0's): its 74, then 23 and 8.
    assert Counter(article for article, _, _ in report["answerable"]) == {0: 9, 1: 3}
    assert {folder for _, _, folder in report["answerable"]} == {3}  # the whole index: three articles
    assert {folder for _, _, folder in report["unanswerable"]} == {2}  # its own article hidden
    assert report["small_folders"] == {}


@pytest.mark.slow
def test_eval_asks_again_in_small_folders(tmp_path, cache_dir):
    _three_articles(tmp_path, "ar")
    done = run_cli("eval", str(tmp_path / "ar.json"), "--limit", "6", "--small-folders", "1", "--json", "--scores",
                   env={"QA_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # Each question once in the whole index and once in a folder of one article, with and without its own.
    assert set(report["small_folders"]) == {"1"}
    assert report["small_folders"]["1"] == pytest.approx({
        "answerable_refused": _refused_share(report["answerable"], 1),
        "unanswerable_refused": _refused_share(report["unanswerable"], 1)})
    for key in ("answerable", "unanswerable"):
        assert sorted(folder for _, _, folder in report[key]).count(1) == 6 and len(report[key]) == 12
    # Arabic questions against one other article share almost none of its rare words.
    assert report["small_folders"]["1"]["unanswerable_refused"] >= 0.5


def test_eval_rejects_folder_sizes_the_data_cannot_make(tmp_path):
    (tmp_path / "ar.json").write_text(json.dumps(_squad([[{"context": "نص", "qas": []}]] * 3)), encoding="utf-8")
    done = run_cli("eval", str(tmp_path / "ar.json"), "--small-folders", "3")
    assert done.returncode != 0 and "folder sizes [3]" in done.stderr
    done = run_cli("eval", str(tmp_path / "ar.json"), "--small-folders", "one")
    assert done.returncode != 0 and "--small-folders" in done.stderr


def test_eval_sends_found_answers_to_the_local_model_and_counts_grounded_replies(tmp_path, monkeypatch):
    import re

    from fake_llm import fake_llm
    from qa.answers.llm import ChatModel
    from qa.config import LLMSettings

    golds = {0: "north", 1: "June", 2: "east"}
    qas = {a: [] for a in range(len(ARTICLES))}
    for n, (question, (article, _)) in enumerate(RULES.items()):
        qas[article].append({"id": f"q{n}", "question": question, "answers": [{"text": golds[article]}]})
    (tmp_path / "ar.json").write_text(json.dumps(_squad([[{"context": text, "qas": qas[a]}]
                                                         for a, text in enumerate(ARTICLES)])), encoding="utf-8")
    monkeypatch.setattr(qa.evaluate, "_refused", lambda sel: RULES[sel.search.query][1] == "always")

    def reply(messages: list[dict]) -> list[str]:
        """Apples: the passage that says where, cited; barley: a year no passage gives."""
        prompt = messages[-1]["content"]
        if "barley" in prompt.split("Question:")[-1]:
            return ["Barley is harvested in 1999 [1]."]
        n = next(n for n, body in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, re.S)
                 if "Apples" in body)
        return [f"Apples grow in the orchards of the north [{n}]."]

    with fake_llm(reply) as server:
        report = evaluate(tmp_path / "ar.json", FakeEmbedder(), work_dir=tmp_path,
                          chat_model=ChatModel(LLMSettings(server.url, timeout=5)))
        sent = len(server.requests)
    # Three of the four questions are found; cotton's is refused and never sent.
    assert report.generated["asked"] == 3 == sent
    assert report.generated["model"] == "fake-model" and report.generated["failed"] == 0.0
    assert report.generated["grounded"] == pytest.approx(2 / 3) == report.generated["correct"]
