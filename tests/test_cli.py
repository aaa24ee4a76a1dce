"""CLI: one-line errors with exit code 2, and real commands end to end."""
import json
from pathlib import Path

import pytest

from helpers import run_cli
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
