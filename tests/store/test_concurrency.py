"""Concurrency: builds are serialized by the index lock, and queries during rebuilds see one
consistent index (plumbing, with the fake embedder)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from qa.store import index as store
from qa.store.build import build_index
from qa.errors import IndexIncompatible
from qa.search.fusion import Retriever
from test_crash_safety import DRIVER, Driver, reference, state

WORDS = ("turkey syria ground operation russia council security weather paris museum election vote army "
         "border talks").split()


def versions(n_docs: int = 8) -> list[dict[str, str]]:
    """Two versions of the same documents, different in every document."""
    result = []
    for seed in (1, 2):
        rng = random.Random(seed)
        result.append({f"doc{i}.txt": ". ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))
                                                 for _ in range(rng.randint(20, 60))) + "."
                       for i in range(n_docs)})
    return result


def write(seeds: Path, docs: dict[str, str]) -> None:
    seeds.mkdir(exist_ok=True)
    for name, text in docs.items():
        (seeds / name).write_text(text, encoding="utf-8")


def test_builds_in_separate_processes_take_turns(tmp_path: Path) -> None:
    seeds, index, trace, log = tmp_path / "seeds", tmp_path / "index", tmp_path / "trace", tmp_path / "log"
    write(seeds, versions()[0])
    proc = subprocess.Popen([sys.executable, str(DRIVER), "--serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout and "ready" in json.loads(proc.stdout.readline())
        run = {"argv": ["build", "--seeds", str(seeds), "--index", str(index)], "log": str(log),
               "delay": 0.02, "trace": str(trace)}
        results = Driver(proc).run(run, run, run)
    finally:
        assert proc.stdin
        proc.stdin.close()
        proc.wait(timeout=30)
    assert [r["returncode"] for r in results] == [0, 0, 0], log.read_text()
    events = [line.split() for line in trace.read_text().splitlines()]
    assert [e[0] for e in events] == ["enter", "exit"] * 3  # never two holders at once
    assert all(events[i][1] == events[i + 1][1] for i in range(0, 6, 2))
    assert state(store.load(index)) == reference(seeds, tmp_path / "scratch")
    outputs = log.read_text()
    assert outputs.count(": 8 added") == 1 and outputs.count(": 0 added") == 2  # the first did the work


class CountingEmbedder(FakeEmbedder):
    """Records how many builds embed at the same moment."""

    active = 0
    most = 0
    guard = threading.Lock()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.model_name = name

    def encode_passages(self, texts: list[str]):
        with self.guard:
            CountingEmbedder.active += 1
            CountingEmbedder.most = max(CountingEmbedder.most, CountingEmbedder.active)
        try:
            time.sleep(0.05)
            return super().encode_passages(texts)
        finally:
            with self.guard:
                CountingEmbedder.active -= 1


def test_builds_in_threads_take_turns(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    write(seeds, versions()[0])
    # Another model name each: every build must re-embed everything, none can reuse the last one's work.
    embedders = [CountingEmbedder(f"fake-{n}") for n in range(4)]
    errors: list[BaseException] = []

    def build(embedder: CountingEmbedder) -> None:
        try:
            build_index(seeds, index, embedder)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(e,)) for e in embedders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and CountingEmbedder.most == 1
    assert all(e.embedded for e in embedders)
    loaded = store.load(index)
    assert loaded.manifest.model in {e.model_name for e in embedders}
    assert len(loaded.chunks) == len(loaded.chunk_vectors) == sum(d.chunks for d in loaded.manifest.documents)


def test_queries_during_rebuilds_see_one_consistent_version(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    docs = versions()
    write(seeds, docs[0])
    build_index(seeds, index, FakeEmbedder())
    stop = threading.Event()
    failures: list[str] = []
    counts = {"builds": 0, "queries": 0}

    def rebuild() -> None:
        v = 0
        while not stop.is_set():
            v ^= 1
            write(seeds, docs[v])
            build_index(seeds, index, FakeEmbedder())
            counts["builds"] += 1

    def query(seed: int) -> None:
        rng = random.Random(seed)
        retriever = Retriever(FakeEmbedder(), index)
        while not stop.is_set():
            question = " ".join(rng.choice(WORDS) for _ in range(4))
            try:
                passages = [s.passage for s in retriever.search(question, k=5)]
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(f"{question!r}: {type(exc).__name__}: {exc}")
                continue
            # Every passage is the text at its offsets in one version, the same version for all of them.
            if not passages or not any(all(d[p.source][p.start:p.end] == p.text for p in passages) for d in docs):
                failures.append(f"{question!r}: passages from no single version")
            counts["queries"] += 1

    threads = [threading.Thread(target=rebuild)] + [threading.Thread(target=query, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    time.sleep(6)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert counts["builds"] >= 5 and counts["queries"] >= 50, counts


def test_a_generation_collected_during_a_read_is_replaced_by_the_live_one(tmp_path: Path, monkeypatch) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    docs = versions()
    write(seeds, docs[0])
    build_index(seeds, index, FakeEmbedder())
    real_read = store._read_jsonl
    raced = []

    def read_while_two_builds_finish(path: Path):
        if not raced:
            raced.append(path.parent.name)
            for version in (docs[1], docs[0] | {"extra.txt": "a third version"}):
                write(seeds, version)
                build_index(seeds, index, FakeEmbedder())  # the second one collects the generation being read
        return real_read(path)

    monkeypatch.setattr(store, "_read_jsonl", read_while_two_builds_finish)
    loaded = store.load(index)
    assert raced == ["gen-000001"] and not (index / "gen-000001").exists()
    assert loaded.path.name == "gen-000003" and "extra.txt" in {d.source for d in loaded.manifest.documents}


def test_a_damaged_live_generation_is_still_reported(tmp_path: Path) -> None:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    write(seeds, versions()[0])
    build_index(seeds, index, FakeEmbedder())
    (store.current_generation(index) / "chunks.jsonl").unlink()
    with pytest.raises(IndexIncompatible, match="damaged or incomplete"):
        store.load(index)
