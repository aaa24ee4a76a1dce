"""The package as users install it: a wheel in a fresh venv serves the chat from outside any checkout."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT, copy_corpus, has_turkish_ground, running_app


def _fresh_venv_with_the_wheel(tmp_path: Path) -> Path:
    """A new venv holding the qa wheel built from this checkout; the heavy dependencies are this environment's."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, cwd=tmp_path, timeout=600)
    (wheel,) = wheels.glob("qa-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=600)
    python = venv / "bin" / "python"
    purelib = subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      text=True).strip()
    # torch, gradio and the rest come from the test environment's site-packages, read after the venv's own:
    # a plain path line, so that environment's editable install of qa is not seen.
    Path(purelib, "qa-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   timeout=600)
    return venv


@pytest.mark.slow
def test_qa_serve_answers_from_a_wheel_installed_in_a_fresh_venv(tmp_path, seed_index, cache_dir):
    venv = _fresh_venv_with_the_wheel(tmp_path)
    elsewhere = tmp_path / "elsewhere"  # no checkout, no app.py, no qa folder here
    elsewhere.mkdir()
    where = subprocess.check_output([str(venv / "bin" / "python"), "-c",
                                     "import qa, qa.web.app, qa.answers.abstention as a; a.models(); print(qa.__file__)"],
                                    cwd=elsewhere, text=True).strip()
    assert Path(where).is_relative_to(venv), where  # the installed copy, package data included
    seeds, index = copy_corpus(seed_index, tmp_path / "corpus")
    # The dictionary `make` unpacked into this environment (a fresh venv has none of its own; without it the
    # English question gets weaker evidence, docs/quality.md).
    dictionary = str(Path(sys.prefix) / "share" / "dictd")
    with running_app(seeds, index, cache_dir, command=[str(venv / "bin" / "qa"), "serve"], cwd=elsewhere,
                     QA_DICTIONARY_DIR=dictionary) as url:
        with urllib.request.urlopen(url, timeout=60) as page:
            assert page.status == 200 and b"gradio" in page.read().lower()
        from gradio_client import Client

        answer, _ = Client(url, verbose=False).predict("What did Turkey call for in Syria?", api_name="/chat")
        assert has_turkish_ground(answer["content"]), answer
