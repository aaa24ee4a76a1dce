"""Hostile input: questions and documents users may throw at `qa`.

Every question gets an answer or a one-line message (never a traceback) from the
Python API (named errors), the CLI (exit 0, or exit 2 with `qa: error: ...`)
and the chat (an error message). Every broken document is skipped with a
warning while the rest is indexed, and nothing in the seeds folder changes.
Plumbing runs with the fake embedder; `slow` tests use the real model and server.
"""
from __future__ import annotations

import ctypes
import hashlib
import html
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

from qa.text.language import language_of
from qa.web.chatformat import LABELS
import qa
import qa.api
import qa.ingest.documents
from conftest import SEED_FILE, FakeEmbedder
from helpers import MARKUP_QUESTION, MARKUP_SOURCE, MARKUP_TEXT, RAW_MARKUP, add_markup_document
from qa.store import index as store
from qa.store.build import build_index
from qa.cli import main

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).resolve().parent / "build_driver.py"
ENGLISH = ("Turkey proposed a ground operation in Syria on Tuesday. Russia asked the Security Council to meet.\n\n"
           "The weather in Paris was mild. Tourists visited the museums.")

QUESTIONS = {
    "100,000 characters": "Who proposed a ground operation? " * 3031,
    "control characters": "Who\x00 proposed\x07 a ground\x1b[31m operation?\x7f\x08",
    "emoji": "🚀🔥 Who proposed 🤔 a ground operation? 👍🏽",
    "only emoji": "🤔🤔🤔",
    "only punctuation": "?!...،؟;:«»",
    "mixed scripts": "من proposed عملية ground operation Турция 土耳其?",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "javascript url": "javascript:alert(document.cookie)//",
    "markdown": "**bold** [x](javascript:alert(1)) ![i](http://evil.example/x.png) `code` # H",
    "chinese": "谁提出了地面行动？",
    "russian": "Кто предложил наземную операцию?",
    "bidi override": "\u202eWho proposed a ground operation?\u202c",
    "long arabic": "من اقترح عملية برية؟ " * 5000,
}
EMPTY = {"empty": "", "whitespace": " \t\n\u00a0\u3000 ", "control only": "\x00\x01\x1b", "zero width": "\u200b\ufeff"}
NOT_ANSWERABLE = ("only emoji", "only punctuation")


def texts_of(seeds: Path) -> dict[str, str]:
    return {p.relative_to(seeds).as_posix(): p.read_text(encoding="utf-8") for p in seeds.rglob("*.txt")}


def assert_well_formed(ans: qa.Answer, texts: dict[str, str], k: int = 5) -> None:
    assert ans.text.strip() and 0 < len(ans.passages) <= k
    for p in ans.passages:
        assert texts[p.source][p.start:p.end] == p.text
    if ans.found:
        assert texts[ans.source][ans.quote_start:ans.quote_end] == ans.quote and ans.quote


# --- questions: Python API and CLI with the fake embedder --------------------------------------------------

@pytest.fixture
def fake_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed article plus an English note indexed with the fake embedder, which the API then uses."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy2(SEED_FILE, seeds / SEED_FILE.name)
    (seeds / "note.txt").write_text(ENGLISH, encoding="utf-8")
    build_index(seeds, tmp_path / "index", FakeEmbedder())
    monkeypatch.setattr(qa.api, "embedder_for", lambda settings: FakeEmbedder())
    return tmp_path / "index"


@pytest.mark.parametrize("name", QUESTIONS)
def test_api_answers_any_question(fake_index: Path, name: str) -> None:
    texts = texts_of(fake_index.parent / "seeds")
    assert_well_formed(qa.answer(QUESTIONS[name], index_dir=fake_index), texts)
    passages = qa.retrieve(QUESTIONS[name], k=3, index_dir=fake_index)
    assert 0 < len(passages) <= 3 and all(texts[p.source][p.start:p.end] == p.text for p in passages)


@pytest.mark.parametrize("name", EMPTY)
def test_api_refuses_empty_questions_with_a_named_error(fake_index: Path, name: str) -> None:
    for call in (qa.answer, qa.retrieve):
        with pytest.raises(qa.InvalidArgument, match="question is empty"):
            call(EMPTY[name], index_dir=fake_index)


@pytest.mark.parametrize("kwargs, named", [
    ({"question": None}, "NoneType"), ({"question": 42}, "int"), ({"question": b"bytes"}, "bytes"),
    ({"question": ["who?"]}, "list"),
    ({"k": 0}, "k=0"), ({"k": -1}, "k=-1"), ({"k": 101}, "k=101"), ({"k": 2.5}, "k=2.5"), ({"k": True}, "k=True"),
    ({"k": "3"}, "k='3'"), ({"k": None}, "k=None"),
    ({"history": 5}, "history"), ({"history": "who?"}, "history"), ({"history": {"role": "user"}}, "history"),
    ({"index_dir": 5}, "index_dir=5"),
])
def test_api_refuses_invalid_arguments_naming_the_value(fake_index: Path, kwargs: dict, named: str) -> None:
    call = {"question": "Who proposed a ground operation?", "index_dir": fake_index, **kwargs}
    with pytest.raises(qa.InvalidArgument, match=named.replace("?", r"\?")):
        qa.answer(**call)
    if "history" not in kwargs:
        with pytest.raises(qa.InvalidArgument, match=named.replace("?", r"\?")):
            qa.retrieve(**call)


@pytest.mark.parametrize("history", [[], [5], [None], [{"role": "user"}], [{"role": "user", "content": 7}],
                                     [{"role": "user", "content": "x" * 100_000}], ({"content": "who"},)])
def test_api_tolerates_odd_history_entries(fake_index: Path, history: list) -> None:
    ans = qa.answer("and when?", history=history, index_dir=fake_index)
    assert_well_formed(ans, texts_of(fake_index.parent / "seeds"))


def cli_result(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", QUESTIONS)
def test_cli_answers_any_question(fake_index: Path, capsys: pytest.CaptureFixture, name: str) -> None:
    code, out, err = cli_result(capsys, "ask", QUESTIONS[name], "--index", str(fake_index))
    assert code == 0 and out.strip() and err == ""


@pytest.mark.parametrize("argv, message", [
    *((["ask", q], "question is empty") for q in EMPTY.values()),
    (["ask", "who?", "--k", "0"], "k=0"),
    (["ask", "who?", "--k", "101"], "k=101"),
])
def test_cli_refuses_bad_questions_in_one_line(fake_index: Path, capsys: pytest.CaptureFixture, argv: list,
                                                message: str) -> None:
    code, out, err = cli_result(capsys, *argv, "--index", str(fake_index))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("qa: error: ") and message in err


def test_cli_question_starting_with_a_dash(fake_index: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = cli_result(capsys, "ask", "--index", str(fake_index), "--", "-1 or more ground operations?")
    assert code == 0 and out.strip()
    # Without "--" it reads as an option: argparse says so (exit 2), no traceback.
    with pytest.raises(SystemExit) as exit_info:
        main(["ask", "--index", str(fake_index), "-x"])
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


# --- questions: real model, real CLI process, real chat server -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", QUESTIONS)
def test_real_model_answers_any_question(seed_index: Path, name: str) -> None:
    ans = qa.answer(QUESTIONS[name], index_dir=seed_index)
    assert_well_formed(ans, texts_of(seed_index.parent / "seeds"))
    # By the script of most letters ("mixed scripts" is mostly Latin), then Latin stop words; English otherwise.
    expected = {"long arabic": "ar", "russian": "ru"}.get(name, "en")
    assert ans.language == expected
    if name in NOT_ANSWERABLE:
        assert not ans.found


@pytest.mark.slow
def test_real_cli_process_with_a_huge_question(seed_index: Path, cache_dir: Path) -> None:
    def ask(question: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa", "ask", question, "--json", "--index", str(seed_index)],
                              cwd=ROOT, env={**os.environ, "QA_CACHE_DIR": str(cache_dir)}, capture_output=True,
                              text=True, timeout=300)

    # 100,000 ASCII characters stay under Linux's 128 KiB limit for one argument.
    done = ask(QUESTIONS["100,000 characters"])
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert '"passages"' in done.stdout
    done = ask(" \t ")
    assert done.returncode == 2 and done.stderr == "qa: error: question is empty\n"


def listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(socket.AF_INET if width == 8 else socket.AF_INET6, raw))
    return found


def other_local_addresses() -> set[str]:
    """IPv4 addresses of this machine's other interfaces (none on a bare container)."""
    try:
        names = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return set()
    return {info[4][0] for info in names} - {"127.0.0.1"}


@pytest.fixture(scope="module")
def chat_corpus(seed_index: Path, real_embedder, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed article and the markup document (the chat shows documents, never the question), indexed."""
    from helpers import copy_corpus

    seeds, index = copy_corpus(seed_index, tmp_path_factory.mktemp("inputs-app"))
    add_markup_document(seeds, index, real_embedder)
    return seeds, index


@pytest.fixture(scope="module")
def chat_server(chat_corpus: tuple[Path, Path], cache_dir: Path):
    from helpers import running_app

    with running_app(*chat_corpus, cache_dir, QA_HOST="") as url:  # QA_HOST unset: the default
        yield url


@pytest.fixture(scope="module")
def chat_client(chat_server: str):
    from gradio_client import Client

    return Client(chat_server, verbose=False)


@pytest.mark.slow
def test_the_chat_listens_on_loopback_only_by_default(chat_server: str) -> None:
    port = int(chat_server.rstrip("/").rsplit(":", 1)[1])
    assert listening_addresses(port) == {"127.0.0.1"}
    for address in other_local_addresses():
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, port), timeout=2).close()


@pytest.mark.slow
@pytest.mark.parametrize("name", [*QUESTIONS, *EMPTY])
def test_chat_answers_any_question_or_says_why_not(chat_client, chat_corpus: tuple[Path, Path], name: str) -> None:
    question = QUESTIONS.get(name, EMPTY.get(name))
    messages = chat_client.predict(question, api_name="/chat")
    assert messages and all(m["role"] == "assistant" and isinstance(m["content"], str) for m in messages)
    contents = [m["content"] for m in messages]
    if name in EMPTY:
        assert len(messages) == 1 and 'class="qa-error"' in contents[0] and "question is empty" in contents[0]
    else:
        assert len(messages) == 2 and ("qa-quote" in contents[0] or "qa-notfound" in contents[0])
        # The sources: the default k=5 passages, or all the index has, under a title in the answer's language.
        shown_passages = min(5, len(store.load(chat_corpus[1]).chunks))
        assert contents[1].count('class="qa-passage') == shown_passages
        title = LABELS[language_of(question)]["sources"]  # "Sources", "المصادر", "Источники"...
        assert messages[1]["metadata"]["title"] == f"{title} ({shown_passages})"
    shown = "".join(contents)
    assert not any(tag in shown for tag in RAW_MARKUP), contents
    if name == "html":  # the question shares the markup document's words: its passage is shown, as text
        assert MARKUP_SOURCE in html.unescape(shown), contents
        assert all(markup in html.unescape(shown) for markup in MARKUP_TEXT), contents
    assert "Traceback" not in shown


@pytest.mark.slow
def test_chat_shows_markup_quoted_from_a_document_as_text(chat_client) -> None:
    answer, sources = chat_client.predict(MARKUP_QUESTION, api_name="/chat")
    assert "qa-quote" in answer["content"] and MARKUP_SOURCE in html.unescape(answer["content"]), answer
    for message in (answer, sources):  # the quote, and the cited passage with the quote highlighted
        assert all(markup in html.unescape(message["content"]) for markup in MARKUP_TEXT), message  # as text
        assert not any(tag in message["content"] for tag in RAW_MARKUP), message  # not as markup


@pytest.mark.slow
def test_chat_error_naming_a_bad_value_shows_it_as_text(chat_client) -> None:
    (message,) = chat_client.predict("Who proposed a ground operation?", None, "<img src=x onerror=alert(2)>",
                                     api_name="/chat")
    assert 'class="qa-error"' in message["content"] and "must be an integer" in message["content"], message
    assert "k='<img src=x onerror=alert(2)>'" in html.unescape(message["content"]), message  # the value, as text
    assert "<img" not in message["content"], message


# --- documents --------------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict:
    """Bytes, mtime and mode of everything under `folder`, without following links or opening FIFOs."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[path] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[path] = (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns, info.st_mode)
            else:
                found[path] = (info.st_mtime_ns, info.st_mode)
    found[folder] = folder.stat().st_mtime_ns
    return found


def hostile_seeds(seeds: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A seeds folder with every kind of broken file; returns (indexed text by source, skip reason by source)."""
    seeds.mkdir()
    indexed = {"good.txt": ENGLISH, "notes.md": "# Notes\n\nتركيا دعت الي عملية برية."}
    for name, text in indexed.items():
        (seeds / name).write_text(text, encoding="utf-8")
    latin1 = "Le café du marché a fermé. Les élèves ont manifesté.\n"
    (seeds / "latin1.txt").write_bytes(latin1.encode("latin-1"))  # not UTF-8; Windows-1252 reads it exactly
    indexed["latin1.txt"] = latin1
    deep = seeds.joinpath(*(f"level{n}" for n in range(50)))
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("A document fifty folders down.", encoding="utf-8")
    indexed[(deep / "deep.txt").relative_to(seeds).as_posix()] = "A document fifty folders down."
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "blank.md").write_bytes(b" \r\n\t\n")
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (seeds / "controls.txt").write_bytes(bytes(range(1, 32)) * 64)
    (seeds / "bad-bom.txt").write_bytes(b"\xef\xbb\xbfvalid start \xff\xfe\xfd invalid")
    (seeds / "bad-utf16.txt").write_bytes(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")
    with (seeds / "huge.txt").open("wb") as fh:  # 50 MB of real text, over the 20 MB limit
        line = b"Fifty megabytes of text that nobody should have to embed at once.\n"
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (seeds / "loop").mkdir()
    os.symlink("..", seeds / "loop" / "up")  # a folder link to its parent: never entered
    os.symlink("cycle-b.txt", seeds / "cycle-a.txt")
    os.symlink("cycle-a.txt", seeds / "cycle-b.txt")
    os.symlink("/dev/zero", seeds / "zero.txt")
    os.mkfifo(seeds / "pipe.txt")
    (seeds / "report.pdf").write_bytes(b"%PDF-1.4")
    (seeds / ".hidden.txt").write_text("never read", encoding="utf-8")
    skipped = {
        "empty.txt": "empty file", "blank.md": "empty file", "image.txt": "binary content",
        "controls.txt": "binary content", "bad-bom.txt": "not valid utf-8-sig after its byte-order mark",
        "bad-utf16.txt": "not valid utf-16-le after its byte-order mark", "huge.txt": "larger than 20 MB limit",
        "cycle-a.txt": "cannot read (too many levels of symbolic links)",
        "cycle-b.txt": "cannot read (too many levels of symbolic links)",
        "zero.txt": "not a regular file", "pipe.txt": "not a regular file", "report.pdf": "not a valid PDF",
    }
    return indexed, skipped


def warnings_of(stderr: str) -> dict[str, str]:
    found = {}
    for line in stderr.splitlines():
        assert line.startswith("warning: skipped "), line
        source, reason = line[len("warning: skipped "):].split(": ", 1)
        found[source] = reason
    return found


def assert_indexed(index: Path, indexed: dict[str, str]) -> None:
    stored = store.load(index)
    assert {d.source for d in stored.manifest.documents} == set(indexed)
    for chunk in stored.chunks:
        assert indexed[chunk.source][chunk.start:chunk.end] == chunk.text


def test_broken_documents_are_skipped_with_a_warning_and_the_rest_indexed(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    indexed, skipped = hostile_seeds(seeds)
    before = snapshot(seeds)
    done = subprocess.run([sys.executable, str(DRIVER), "build", "--seeds", str(seeds), "--index", str(index)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert warnings_of(done.stderr) == skipped
    assert f": {len(indexed)} added," in done.stdout
    assert_indexed(index, indexed)
    assert {d.source: d.encoding for d in store.load(index).manifest.documents}["latin1.txt"] == "cp1252"
    assert snapshot(seeds) == before


def _drop_read_override() -> None:
    """In the child: give up root's permission to read anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: lost for good at exec
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_files_and_folders_are_skipped(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    (seeds / "locked").mkdir(parents=True)
    (seeds / "open.txt").write_text("Readable by everyone.", encoding="utf-8")
    (seeds / "secret.txt").write_text("Readable by nobody.", encoding="utf-8")
    (seeds / "locked" / "inside.txt").write_text("In a folder nobody may list.", encoding="utf-8")
    before = snapshot(seeds)
    os.chmod(seeds / "secret.txt", 0)
    os.chmod(seeds / "locked", 0)
    try:
        # Root reads through chmod 0: the child drops that power before exec (a real permission error).
        preexec = _drop_read_override if os.geteuid() == 0 else None
        try:
            done = subprocess.run([sys.executable, str(DRIVER), "build", "--seeds", str(seeds), "--index", str(index)],
                                  cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=preexec)
        except subprocess.SubprocessError as exc:
            pytest.skip(f"cannot run a build without root's read override here: {exc}")
    finally:
        os.chmod(seeds / "secret.txt", 0o644)
        os.chmod(seeds / "locked", 0o755)
    assert done.returncode == 0, done.stderr
    assert warnings_of(done.stderr) == {"secret.txt": "permission denied", "locked": "permission denied"}
    assert_indexed(index, {"open.txt": "Readable by everyone."})
    assert snapshot(seeds) == before


def test_a_file_rewritten_between_reading_and_hashing_is_indexed_as_read(tmp_path: Path, monkeypatch) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    old, new = "Turkey proposed a ground operation.", "Turkey now rejects any ground operation."
    (seeds / "a.txt").write_text(old, encoding="utf-8")
    (seeds / "b.txt").write_text(ENGLISH, encoding="utf-8")

    def sha256(data: bytes):
        if data == old.encode():
            (seeds / "a.txt").write_text(new, encoding="utf-8")  # an editor saves right after the read
        return hashlib.sha256(data)

    monkeypatch.setattr(qa.ingest.documents, "hashlib", types.SimpleNamespace(sha256=sha256))
    build_index(seeds, index, FakeEmbedder())
    entry = {d.source: d for d in store.load(index).manifest.documents}["a.txt"]
    assert entry.sha256 == hashlib.sha256(old.encode()).hexdigest()  # the hash of what was indexed
    assert_indexed(index, {"a.txt": old, "b.txt": ENGLISH})
    monkeypatch.undo()
    report = build_index(seeds, index, FakeEmbedder())
    assert (report.updated, report.unchanged) == (1, 1)
    assert_indexed(index, {"a.txt": new, "b.txt": ENGLISH})


def test_a_file_growing_during_builds_is_indexed_as_one_consistent_version(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / "b.txt").write_text(ENGLISH, encoding="utf-8")
    log = seeds / "live.txt"
    log.write_text("Live report.\n", encoding="utf-8")
    stop = threading.Event()

    def append() -> None:
        for n in range(1, 2001):  # bounded: re-chunking a file that grows without end only gets slower
            with log.open("a", encoding="ascii") as fh:
                fh.write(f"Update {n}: the talks continue in Geneva.\n")
            if stop.wait(0.001):
                return

    writer = threading.Thread(target=append)
    writer.start()
    try:
        versions = []
        for _ in range(15):
            report = build_index(seeds, index, FakeEmbedder())
            assert report.skipped == ()
            stored = store.load(index)
            versions.append((stored, {d.source: d for d in stored.manifest.documents}["live.txt"]))
    finally:
        stop.set()
        writer.join()
    final = log.read_bytes()
    for stored, entry in versions:
        # What was indexed is exactly one earlier state of the file: a prefix, hashed as read.
        assert hashlib.sha256(final[:entry.size]).hexdigest() == entry.sha256
        text = final[:entry.size].decode("ascii")
        assert all(text[c.start:c.end] == c.text for c in stored.chunks if c.source == "live.txt")
    assert len({entry.sha256 for _, entry in versions}) > 1
    report = build_index(seeds, index, FakeEmbedder())
    assert report.updated == 1
    entry = {d.source: d for d in store.load(index).manifest.documents}["live.txt"]
    assert entry.sha256 == hashlib.sha256(final).hexdigest()
