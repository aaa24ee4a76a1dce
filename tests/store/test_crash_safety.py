"""Crash safety: `qa build` killed with SIGKILL at random points never leaves a broken index.

Builds run through the real CLI with the fake embedder in children of
`build_driver.py` (a fork server, so that a kill lands inside the build, not in
`import torch`); every file write of a save is slowed down so that kills also
land between its steps. The documents change before every build. After each
kill the index must load and equal exactly the state before the build or the
state a clean build of the current documents gives.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import FakeEmbedder
from qa.store import index as store
from qa.store.build import build_index
from qa.search.fusion import Retriever

DRIVER = Path(__file__).resolve().parents[1] / "build_driver.py"
KILLS = 40
TIME_BUDGET = 120.0  # seconds for the kill loop (about 20 s on 2 idle cores)
WORDS = ("turkey syria ground operation russia council security weather paris museum election vote army "
         "border talks تركيا سوريا عملية برية روسيا مجلس الأمن انتخابات").split()


class Driver:
    """A running build_driver.py fork server."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc

    def run(self, *runs: dict) -> list[dict]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"runs": list(runs)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "build driver exited"
        return json.loads(line)["results"]


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    proc = subprocess.Popen([sys.executable, str(DRIVER), "--serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout and "ready" in json.loads(proc.stdout.readline())
        yield Driver(proc)
    finally:
        assert proc.stdin
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def text(rng: random.Random) -> str:
    sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))) + "."
                 for _ in range(rng.randint(3, 40))]
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def mutate(seeds: Path, rng: random.Random, serial: int) -> None:
    """Change a few documents, add one, sometimes delete one: every build has work to do."""
    docs = sorted(seeds.rglob("*.txt"))
    for path in rng.sample(docs, k=min(len(docs), rng.randint(1, 3))):
        path.write_text(text(rng), encoding="utf-8")
    folder = seeds / rng.choice(["", "sub", "sub/deeper"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"new-{serial}.txt").write_text(text(rng), encoding="utf-8")
    if len(docs) > 10 and rng.random() < 0.5:
        rng.choice(docs).unlink()


def state(stored: store.StoredIndex) -> tuple:
    """Everything a build decides, without times and generation numbers."""
    docs = tuple((d.source, d.sha256, d.size, d.encoding, d.chunks) for d in stored.manifest.documents)
    return (docs, stored.chunks, stored.units, stored.chunk_vectors.tobytes(), stored.unit_vectors.tobytes(),
            stored.manifest.model, tuple(sorted(stored.manifest.chunking.items())))


def reference(seeds: Path, scratch: Path) -> tuple:
    """The state a clean build of the documents as they are now gives."""
    shutil.rmtree(scratch, ignore_errors=True)
    build_index(seeds, scratch, FakeEmbedder())
    return state(store.load(scratch))


def snapshot(folder: Path) -> dict:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_at_random_points_leaves_the_previous_or_the_new_index(driver: Driver, tmp_path: Path) -> None:
    rng = random.Random(20261129)
    seeds, index, scratch, log = tmp_path / "seeds", tmp_path / "index", tmp_path / "scratch", tmp_path / "build.log"
    seeds.mkdir()
    for n in range(30):
        (seeds / f"doc-{n:02d}.txt").write_text(text(rng), encoding="utf-8")
    argv = ["build", "--seeds", str(seeds), "--index", str(index)]
    delay = 0.01

    (first,) = driver.run({"argv": argv, "log": str(log), "delay": delay})
    assert first["returncode"] == 0, log.read_text()
    # One uninterrupted build with documents changed: how long a build takes, to spread the kills over it.
    mutate(seeds, rng, 0)
    (timed,) = driver.run({"argv": argv, "log": str(log), "delay": delay})
    assert timed["returncode"] == 0, log.read_text()
    duration = timed["seconds"]

    outcomes = {"previous": 0, "new": 0}
    kills = runs = 0
    started = time.monotonic()
    while kills < KILLS:
        assert time.monotonic() - started < TIME_BUDGET, f"only {kills} kills in {TIME_BUDGET} s"
        runs += 1
        previous = state(store.load(index))
        mutate(seeds, rng, runs)
        new = reference(seeds, scratch)
        assert new != previous
        before = snapshot(seeds)
        (result,) = driver.run({"argv": argv, "log": str(log), "delay": delay,
                                "kill_after": rng.uniform(0, 1.1 * duration)})
        kills += result["returncode"] == -9
        assert result["returncode"] in (0, -9), log.read_text()[-2000:]

        loaded = store.load(index)
        now = state(loaded)
        assert now in (previous, new), f"run {runs}: the index is neither the previous nor the new state"
        outcomes["previous" if now == previous else "new"] += 1
        if result["returncode"] == 0:
            assert now == new
        assert Retriever(FakeEmbedder(), index).search("ground operation", k=3)
        assert snapshot(seeds) == before, "a build modified the seeds folder"

    # Kills landed both before and after the switch to the new generation.
    assert outcomes["previous"] >= 3 and outcomes["new"] >= 3, outcomes
    # A clean build afterwards reaches the new state and clears what the killed builds left behind.
    mutate(seeds, rng, runs + 1)
    (final,) = driver.run({"argv": argv, "log": str(log)})
    assert final["returncode"] == 0, log.read_text()[-2000:]
    assert state(store.load(index)) == reference(seeds, scratch)
    leftovers = sorted(p.name for p in index.iterdir() if p.name.startswith((".tmp", ".CURRENT")))
    assert leftovers == []
    assert len(list(index.glob("gen-*"))) <= 2
    print(f"\n{runs} builds, {kills} killed, outcomes {outcomes}, build {duration:.2f} s")


def test_a_build_killed_while_holding_the_lock_does_not_block_the_next(driver: Driver, tmp_path: Path) -> None:
    seeds, index, log = tmp_path / "seeds", tmp_path / "index", tmp_path / "build.log"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Turkey proposed a ground operation in Syria.", encoding="utf-8")
    argv = ["build", "--seeds", str(seeds), "--index", str(index)]
    # Slow enough that the kill lands while the first build holds the lock.
    (killed,) = driver.run({"argv": argv, "log": str(log), "delay": 1.0, "kill_after": 0.5})
    assert killed["returncode"] == -9
    with store.build_lock(index, wait=False):  # the kernel released the dead build's flock
        pass
    (done,) = driver.run({"argv": argv, "log": str(log)})
    assert done["returncode"] == 0, log.read_text()
    assert [d.source for d in store.load(index).manifest.documents] == ["a.txt"]
    assert np.isfinite(store.load(index).chunk_vectors).all()
