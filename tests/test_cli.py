"""CLI: one-line errors with exit code 2, and real commands end to end."""
import json
import re
from pathlib import Path

import pytest

from helpers import ASKED_IN_ENGLISH, run_cli
from qa import api
from qa.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _one_line_error(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip() and "Warning" not in line]
    assert len(lines) == 1 and lines[0].startswith("qa: error:"), err
    assert "Traceback" not in err


def test_missing_seeds_folder(tmp_path, capsys):
    assert main(["build", "--seeds", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "nope" in err


def test_empty_seeds_folder(tmp_path, capsys):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "broken.txt").write_bytes(b"\x00\xff\x00\xfe" * 10)
    assert main(["build", "--seeds", str(tmp_path / "seeds"), "--index", str(tmp_path / "i")]) == 2
    err = capsys.readouterr().err
    assert "no readable" in err and "Traceback" not in err


def test_ask_without_index(tmp_path, capsys):
    assert main(["ask", "Who?", "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "qa build" in err


def test_invalid_k_and_empty_question(tmp_path, capsys):
    assert main(["ask", "Who?", "--k", "0", "--index", str(tmp_path)]) == 2
    assert "k=0" in capsys.readouterr().err


def test_bad_environment_value_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QA_PORT", "not-a-port")
    assert main(["ask", "Who?", "--index", str(tmp_path)]) == 2
    _one_line_error(capsys.readouterr().err)


@pytest.mark.slow
def test_build_and_ask_json_end_to_end(tmp_path, cache_dir):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "000_f9ca097250a4c633.txt").write_bytes((ROOT / "seeds" / "000_f9ca097250a4c633.txt").read_bytes())
    (seeds / "notes.pdf").write_bytes(b"%PDF-1.4")
    env = {"QA_CACHE_DIR": str(cache_dir)}
    built = run_cli("build", "--seeds", str(seeds), "--index", str(tmp_path / "index"), env=env)
    assert built.returncode == 0, built.stderr
    assert "1 added" in built.stdout and "warning: skipped notes.pdf" in built.stderr
    again = run_cli("build", "--seeds", str(seeds), "--index", str(tmp_path / "index"), env=env)
    assert "1 unchanged" in again.stdout and "0 texts embedded" in again.stdout
    asked = run_cli("ask", "من اقترح عملية برية؟", "--json", "--index", str(tmp_path / "index"), env=env)
    assert asked.returncode == 0, asked.stderr
    data = json.loads(asked.stdout)
    assert data["found"] and data["passages"] and "تركي" in data["quote"]
    assert data["passages"][0]["source"] == "000_f9ca097250a4c633.txt"


def test_an_index_path_that_is_a_file_is_one_line_not_a_traceback(tmp_path, capsys):
    """OS errors from the index folder become IndexWriteFailed / IndexNotFound (before: tracebacks)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Turkey proposed a ground operation.", encoding="utf-8")
    not_a_folder = tmp_path / "index"
    not_a_folder.write_text("a file where the index folder should be", encoding="utf-8")
    assert main(["build", "--seeds", str(seeds), "--index", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "cannot write the index in" in err and str(not_a_folder) in err
    assert main(["ask", "anything", "--index", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "no index in" in err
    assert not_a_folder.read_text(encoding="utf-8").startswith("a file")  # left as it was


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zephyria festival set for March</title>
<meta property="og:title" content="Zephyria festival set for March"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Zephyria festival set for March</h1><p class="byline">By Lina Haddad</p>
<p>The Zephyria harbour festival is held every year on 3 March, the town council said on Monday.</p>
<p>Fishermen decorate their boats with paper lanterns and sail past the old lighthouse at dusk, a tradition
that goes back more than a century, according to the local historical society.</p></article>
<footer>Copyright 2015 Zephyria Daily. All rights reserved.</footer></body></html>"""


@pytest.mark.slow
def test_add_fetches_a_page_by_url_saves_it_and_answers_from_it(tmp_path, cache_dir, capsys, monkeypatch):
    """`qa add URL` against a web server of the test's own on 127.0.0.1 (no other address is contacted)."""
    from helpers import http_server

    site, seeds, index = tmp_path / "site", tmp_path / "seeds", tmp_path / "index"
    (site / "news").mkdir(parents=True)
    (site / "news" / "festival.html").write_text(PAGE, encoding="utf-8")
    seeds.mkdir()
    with http_server(site) as base:
        # Loopback is refused unless allowed: anyone asking the chat could make it read internal pages.
        assert main(["add", f"{base}news/festival.html", "--seeds", str(seeds), "--index", str(index)]) == 2
        err = capsys.readouterr().err
        _one_line_error(err)
        assert "127.0.0.1 is an address on this machine or a private network" in err and "QA_FETCH_LOCAL=1" in err
        assert list(seeds.iterdir()) == []
        monkeypatch.setenv("QA_FETCH_LOCAL", "1")
        assert main(["add", f"{base}news/festival.html", "--seeds", str(seeds), "--index", str(index)]) == 0
        assert (seeds / "festival.html").read_text(encoding="utf-8") == PAGE  # saved as the page itself
        assert main(["add", f"{base}news/missing.html", "--seeds", str(seeds), "--index", str(index)]) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "answered 404" in err
    ans = api.answer("When is the Zephyria harbour festival held?", index_dir=index)
    assert ans.found and "3 March" in ans.quote and ans.source == "festival.html"
    assert ans.passages[0].title == "Zephyria festival set for March"


@pytest.mark.slow
def test_ask_prints_the_local_models_checked_answer_then_the_quote(seed_index, cache_dir):
    from fake_llm import HEADLINE_TRANSLATION, fake_llm, headline_reply

    with fake_llm(headline_reply) as server:
        env = {"QA_CACHE_DIR": str(cache_dir), "QA_LLM_URL": server.url}
        asked = run_cli("ask", ASKED_IN_ENGLISH, "--index", str(seed_index), env=env)
        quoted = run_cli("ask", ASKED_IN_ENGLISH, "--index", str(seed_index), "--no-generate",
                         env=env)
    assert asked.returncode == 0, asked.stderr
    first = asked.stdout.splitlines()[0]
    assert re.fullmatch(r"Turkey called for a ground operation \[\d\]\.", first), asked.stdout
    assert "(fake-model, checked against the passages it cites)" in asked.stdout
    assert f"Translation of the quote (fake-model): {HEADLINE_TRANSLATION}" in asked.stdout
    assert "000_f9ca097250a4c633.txt" in asked.stdout
    assert len(server.requests) == 2  # the answer and the translation; --no-generate asked nothing
    assert "fake-model" not in quoted.stdout and quoted.returncode == 0
