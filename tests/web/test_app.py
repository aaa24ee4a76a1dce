"""The chat served by a real Gradio server on loopback, driven through gradio_client."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import copy_corpus, has_turkish_ground, running_app

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180
SEED_NAME = "000_f9ca097250a4c633.txt"




@pytest.fixture(scope="module")
def server(seed_index: Path, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    seeds, index = copy_corpus(seed_index, tmp_path_factory.mktemp("app"))
    with running_app(seeds, index, cache_dir) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str):
    from gradio_client import Client

    return Client(server, verbose=False)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Who proposed a ground operation?", "من اقترح عملية برية؟"])
def test_chat_answers_the_headline_question_with_quote_and_sources(client, question):
    answer, sources = client.predict(question, api_name="/chat")
    assert has_turkish_ground(answer["content"]), answer
    assert SEED_NAME in answer["content"] and "qa-cite" in answer["content"]
    title, count = sources["metadata"]["title"].rsplit(" ", 1)
    assert title == ("المصادر" if question.startswith("من") else "Sources")
    assert count == f"({sources['content'].count('qa-passage')})"
    assert "<mark>" in sources["content"] and SEED_NAME in sources["content"]


@pytest.mark.slow
def test_follow_up_question_uses_the_history(client):
    first = "من اقترح عملية برية؟"
    answer, _ = client.predict(first, api_name="/chat")
    history = [{"role": "user", "content": first}, answer]
    follow_up = "ومتى؟"  # "and when?": answerable only with the previous turn
    with_history = client.predict(follow_up, history, api_name="/chat")[0]["content"]
    alone = client.predict(follow_up, api_name="/chat")[0]["content"]
    assert "qa-quote" in with_history and has_turkish_ground(with_history), with_history
    assert with_history != alone


@pytest.mark.slow
def test_passages_shown_follow_k(client):
    _, sources = client.predict("من اقترح عملية برية؟", None, 2, api_name="/chat")
    assert sources["content"].count('class="qa-passage') == 2
    assert sources["metadata"]["title"].endswith("(2)")


@pytest.mark.slow
def test_bad_input_becomes_a_one_line_message(client):
    (message,) = client.predict("   ", api_name="/chat")
    assert "qa-error" in message["content"] and "empty" in message["content"]
    (message,) = client.predict("Who?", None, 0, api_name="/chat")
    assert "qa-error" in message["content"] and "k=0" in message["content"]


@pytest.mark.slow
def test_chat_escapes_markup_in_questions(client):
    messages = client.predict("<script>alert(1)</script> chocolate cake recipe?", api_name="/chat")
    assert all("<script>" not in m["content"] for m in messages)


@pytest.mark.slow
def test_only_the_chat_endpoint_is_public(client):
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/chat"]


@pytest.mark.slow
def test_chat_turn_streams_searching_before_the_answer(seed_index: Path, cache_dir: Path):
    from qa.web import app
    from qa.config import Settings

    settings = Settings(index_dir=seed_index, cache_dir=cache_dir)
    steps = list(app.chat_turn("من اقترح عملية برية؟", [], 3, settings))
    assert len(steps) == 2
    assert "qa-searching" in steps[0][0]["content"]
    assert "qa-quote" in steps[1][0]["content"] and steps[1][1]["metadata"]["title"] == "المصادر (3)"


@pytest.mark.slow
def test_login_is_required_when_qa_auth_is_set(seed_index: Path, cache_dir: Path, tmp_path: Path):
    from gradio_client import Client

    seeds, index = copy_corpus(seed_index, tmp_path)
    with running_app(seeds, index, cache_dir, QA_AUTH="reporter:s3cret") as url:
        with pytest.raises(Exception):
            Client(url, verbose=False)
        with pytest.raises(Exception):
            Client(url, auth=("reporter", "wrong"), verbose=False)
        answer, _ = Client(url, auth=("reporter", "s3cret"), verbose=False).predict("من اقترح عملية برية؟",
                                                                                     api_name="/chat")
        assert has_turkish_ground(answer["content"])


def test_the_documents_panel_shows_why_an_index_cannot_be_used(tmp_path: Path):
    """Before, a manifest of another format made the page's load event fail; now the status line says why."""
    from qa.config import Settings
    from qa.web.app import panel_state

    gen = tmp_path / "gen-000001"
    gen.mkdir()
    (gen / "manifest.json").write_text('{"format": 1}', encoding="utf-8")
    (tmp_path / "CURRENT").write_text("gen-000001", encoding="utf-8")
    status, rows, choices = panel_state(Settings(index_dir=tmp_path))
    assert "rebuild it with" in status and "qa-status" in status and rows == [] and choices == []
    status, rows, choices = panel_state(Settings(index_dir=tmp_path / "nothing"))
    assert "No index yet" in status and rows == [] and choices == []


def test_the_page_builds_over_an_index_it_cannot_use(tmp_path: Path):
    from qa.config import Settings
    from qa.web.app import build_ui

    gen = tmp_path / "gen-000001"
    gen.mkdir()
    (gen / "manifest.json").write_text('{"format": 1}', encoding="utf-8")
    (tmp_path / "CURRENT").write_text("gen-000001", encoding="utf-8")
    assert build_ui(Settings(index_dir=tmp_path, seeds_dir=tmp_path / "seeds")) is not None  # before: a KeyError from the manifest
