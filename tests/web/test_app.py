"""The chat served by a real Gradio server on loopback, driven through gradio_client."""
from __future__ import annotations

import html
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ASKED_IN_ENGLISH, copy_corpus, has_turkish_ground, running_app

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
@pytest.mark.parametrize("question", [ASKED_IN_ENGLISH, "من اقترح عملية برية؟"])
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
def test_markup_in_a_document_reaches_the_chat_as_escaped_text(real_embedder, cache_dir: Path, tmp_path: Path):
    """The chat quotes documents, so their markup is what it must escape (the question is never echoed)."""
    from qa.config import Settings
    from qa.store.build import build_index
    from qa.web import app

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "note.md").write_text("The harbour museum opens at nine <script>alert(1)</script> every morning.\n\n"
                                   "![map](http://127.0.0.2/map.png) shows the way.\n", encoding="utf-8")
    build_index(seeds, tmp_path / "index", real_embedder)
    settings = Settings(seeds_dir=seeds, index_dir=tmp_path / "index", cache_dir=cache_dir)
    *_, (answer, sources) = app.chat_turn("When does the harbour museum open?", [], 2, settings)
    assert "qa-quote" in answer["content"] and "&lt;script&gt;" in answer["content"], answer
    assert "&lt;script&gt;" in sources["content"] and "&#91;map&#93;&#40;http&#58;" in sources["content"]
    assert all("<script>" not in m["content"] and "![map]" not in m["content"] for m in (answer, sources))


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


def _event_for(config: dict, elem_id: str) -> int:
    """The id of the event a click on the component with `elem_id` triggers."""
    (component,) = [c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id]
    (event,) = [d["id"] for d in config["dependencies"] if [component, "click"] in d["targets"]]
    return event


@pytest.mark.slow
def test_login_is_required_when_qa_auth_is_set(seed_index: Path, cache_dir: Path, tmp_path: Path):
    import httpx
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    seeds, index = copy_corpus(seed_index, tmp_path)
    with running_app(seeds, index, cache_dir, QA_AUTH="reporter:s3cret") as url:
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):  # Gradio answers a wrong password with 400
            Client(url, auth=("reporter", "wrong"), verbose=False)
        answer, _ = Client(url, auth=("reporter", "s3cret"), verbose=False).predict("من اقترح عملية برية؟",
                                                                                     api_name="/chat")
        assert has_turkish_ground(answer["content"])

        # The page's own events (add, remove), hidden from the API listing, are not reachable without the login.
        with httpx.Client(base_url=url, timeout=30) as user, httpx.Client(base_url=url, timeout=30) as stranger:
            assert user.post("login", data={"username": "reporter", "password": "s3cret"}).is_success
            config = user.get("config").json()
            private = [d["id"] for d in config["dependencies"] if d.get("api_visibility") == "private"]
            assert _event_for(config, "qa-add") in private and _event_for(config, "qa-remove-yes") in private
            for fn_index in private:
                body = {"data": [None], "fn_index": fn_index, "session_hash": "stranger"}
                assert stranger.post("gradio_api/queue/join", json=body).status_code == 401
                assert stranger.post("gradio_api/run/predict", json=body).status_code == 401
            assert stranger.get("config").status_code == 401
            # The same call with the login reaches the handler: the 401s above are the login, not a bad request.
            reply = user.post("gradio_api/run/predict", json={"data": [None], "fn_index": _event_for(config, "qa-remove"),
                                                            "session_hash": "user"})
            assert reply.status_code == 200 and "Pick a document to remove first" in reply.text, reply.text


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
    demo = build_ui(Settings(index_dir=tmp_path, seeds_dir=tmp_path / "seeds"))  # before: a KeyError from the manifest
    (status,) = [c for c in demo.config["components"] if c.get("props", {}).get("elem_id") == "qa-status"]
    assert "rebuild it with" in status["props"]["value"]


def _handler(demo, name: str):
    (fn,) = [f.fn for f in demo.fns.values() if f.name == name]
    return fn


@pytest.mark.slow
def test_an_add_that_cannot_update_the_index_keeps_neither_file_nor_half_index(seed_index: Path, cache_dir: Path,
                                                                                 tmp_path: Path):
    """The index folder on a disk that turned read-only: the upload is taken back, the old index still answers."""
    from helpers import remount_readonly, small_tmpfs
    from qa import api
    from qa.config import Settings
    from qa.web.app import build_ui

    seeds, _ = copy_corpus(seed_index, tmp_path)
    with small_tmpfs(tmp_path / "disk", "64m") as disk:
        index = disk / "index"
        shutil.copytree(seed_index, index)
        before = sorted(p.name for p in seeds.iterdir())
        settings = Settings(seeds_dir=seeds, index_dir=index, cache_dir=cache_dir)
        upload = tmp_path / "zephyria.txt"
        upload.write_text("The Zephyria harbour festival is held every year on 3 March.", encoding="utf-8")
        add = _handler(build_ui(settings), "add_documents")
        remount_readonly(disk)
        steps = list(add([str(upload)], progress=lambda *a, **k: None))
        assert "answers come from the previous one" in steps[0][0]  # what the status line says meanwhile
        status, rows, _, log, _ = steps[-1]
        log = html.unescape(log)
        assert "Nothing was added: the index could not be updated (cannot write the index in" in log, log
        assert "read-only file system" in log.lower() and "Traceback" not in log
        # The upload was saved, the build refused, the upload taken back: seeds/ is as it was.
        assert sorted(p.name for p in seeds.iterdir()) == before
        assert [r[0] for r in rows] == [SEED_NAME]
        ans = api.answer(ASKED_IN_ENGLISH, index_dir=index, model=settings.model)
        assert ans.found and has_turkish_ground(ans.quote)


@pytest.mark.slow
def test_a_file_dropped_into_seeds_is_answered_without_a_restart(seed_index: Path, cache_dir: Path, tmp_path: Path):
    from gradio_client import Client

    seeds, index = copy_corpus(seed_index, tmp_path)
    question = "When is the Zephyria harbour festival held?"
    with running_app(seeds, index, cache_dir) as url:
        client = Client(url, verbose=False)
        assert "3 March" not in client.predict(question, api_name="/chat")[0]["content"]
        (seeds / "zephyria.txt").write_text("The Zephyria harbour festival is held every year on 3 March.",
                                            encoding="utf-8")
        deadline, answer = time.monotonic() + 90, ""
        while time.monotonic() < deadline and "3 March" not in answer:
            time.sleep(1)
            answer = client.predict(question, api_name="/chat")[0]["content"]
        assert "3 March" in answer and "zephyria.txt" in answer, answer
        (seeds / "zephyria.txt").unlink()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "3 March" in answer:
            time.sleep(1)
            answer = client.predict(question, api_name="/chat")[0]["content"]
        assert "3 March" not in answer
