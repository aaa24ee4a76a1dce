"""`qa eval`: SQuAD loading (plumbing) and a real run on three XQuAD articles (real model and index)."""
import json

import pytest

from conftest import EVAL_DIR
from qa.answers.evidence import FEATURES
from qa.ingest.chunking import ChunkSettings
from qa.errors import InvalidArgument
from qa.evaluate import load_squad
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
    with pytest.raises(InvalidArgument):
        load_squad(tmp_path / "missing.json")


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
    assert report["chunking"] == ChunkSettings().as_dict()  # chunked as `qa build` would
    # English questions over three Arabic articles: nearly always the right passage in the top 5.
    assert report["recall_at_1"] <= report["recall_at_5"] and report["recall_at_5"] >= 0.75
    assert report["quote_accuracy"] >= 0.5
    assert 0.0 <= report["answerable_refused"] <= 1.0 and 0.0 <= report["unanswerable_refused"] <= 1.0
    assert len(report["answerable"]) == len(report["unanswerable"]) == 12
    assert all(set(FEATURES) <= set(features) for _, features, _ in report["answerable"])
    assert {article for article, _, _ in report["answerable"]} <= {0, 1, 2}
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
    assert {"answerable_refused", "unanswerable_refused"} == set(report["small_folders"]["1"])
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
