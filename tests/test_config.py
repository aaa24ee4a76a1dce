"""Settings: serving beyond this machine needs a login (or an explicit opt-in)."""
import re
import subprocess
import sys

import pytest

from helpers import ROOT
from qa.config import Settings, check_serving, is_loopback, load_settings
from qa.errors import InvalidArgument


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False),
])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_a_network_host_without_a_login_is_refused_with_what_to_set():
    with pytest.raises(InvalidArgument, match="QA_AUTH=user:password"):
        check_serving(Settings(host="0.0.0.0"))
    check_serving(Settings(host="0.0.0.0", auth=("reporter", "s3cret")))
    check_serving(Settings(host="0.0.0.0", allow_open=True))
    check_serving(Settings())  # 127.0.0.1


def test_qa_allow_open_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("QA_ALLOW_OPEN", "1")
    assert load_settings().allow_open
    monkeypatch.setenv("QA_ALLOW_OPEN", "yes please")
    assert not load_settings().allow_open  # only "1" opts in


def test_the_launcher_refuses_an_open_host_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "QA_HOST": "0.0.0.0", "QA_INDEX_DIR": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done
    lines = [line for line in done.stderr.splitlines() if line.strip() and "Warning" not in line]
    assert lines == [lines[0]] and lines[0].startswith("qa: error: host 0.0.0.0") and "QA_AUTH" in lines[0]


def test_a_local_model_is_off_unless_its_url_is_set(monkeypatch):
    for name in ("QA_LLM_URL", "QA_LLM_MODEL", "QA_LLM_API_KEY", "QA_LLM_TIMEOUT", "QA_LLM_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings().llm is None
    monkeypatch.setenv("QA_LLM_URL", "http://127.0.0.1:11434/v1/")
    monkeypatch.setenv("QA_LLM_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("QA_LLM_TIMEOUT", "12.5")
    llm = load_settings().llm
    assert (llm.url, llm.model, llm.api_key, llm.timeout, llm.concurrency) == (
        "http://127.0.0.1:11434/v1", "qwen2.5:7b", "", 12.5, 2)


def test_a_model_server_beyond_the_private_network_needs_an_opt_in(monkeypatch):
    monkeypatch.delenv("QA_LLM_REMOTE", raising=False)
    for url in ("http://192.168.1.20:11434/v1", "http://[::1]:8080/v1", "http://localhost:8080/v1"):
        monkeypatch.setenv("QA_LLM_URL", url)
        assert load_settings().llm.url == url
    for url in ("https://api.example.org/v1", "http://8.8.8.8/v1"):
        monkeypatch.setenv("QA_LLM_URL", url)
        with pytest.raises(InvalidArgument, match="QA_LLM_REMOTE=1"):
            load_settings()
    monkeypatch.setenv("QA_LLM_REMOTE", "1")
    assert load_settings().llm.url == "http://8.8.8.8/v1"


@pytest.mark.parametrize("name, value, message", [
    ("QA_LLM_URL", "127.0.0.1:8080", "must be an http(s) base URL"),
    ("QA_LLM_URL", "ftp://127.0.0.1/v1", "must be an http(s) base URL"),
    ("QA_LLM_TIMEOUT", "soon", "is not a number"),
    ("QA_LLM_TIMEOUT", "0", "outside 0.5..600"),
    ("QA_LLM_TIMEOUT", "nan", "outside 0.5..600"),
    ("QA_LLM_CONCURRENCY", "0", "outside 1..64"),
])
def test_a_bad_local_model_setting_is_named(monkeypatch, name, value, message):
    monkeypatch.setenv("QA_LLM_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv(name, value)
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        load_settings()
