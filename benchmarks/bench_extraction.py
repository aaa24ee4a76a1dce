"""Extraction quality per format and producer: CER and source lines present, on the committed fixtures.

How to run (repository root): .venv/bin/python benchmarks/bench_extraction.py [--json]
Fixtures live in tests/fixtures/<format>/, each file beside its source text:
`<name>.txt` (or, for variants such as `<name>.cp1256.html`, the text of
`<name>`; for a feed, `<name>.<ext>.<n>.txt` per item). Files without a
source text (hostile or scanned cases) are left out. Each file is read as the
builder reads it: through the reader's child process (`readers/sandbox.py`).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ingest" / "readers"))

from extraction import cer, lines_present  # noqa: E402
from qa.errors import UnreadableDocument  # noqa: E402
from qa.ingest.documents import is_supported  # noqa: E402
from qa.ingest.readers.sandbox import ReaderProcess  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def sources(path: Path) -> list[Path]:
    """The source texts of `path`, one per part ([] when it has none)."""
    items = sorted(path.parent.glob(f"{path.name}.*.txt"), key=lambda p: int(p.name.split(".")[-2]))
    if items:
        return items
    for candidate in (path.with_suffix(".txt"), path.parent / f"{path.name.split('.')[0]}.txt"):
        if candidate.exists() and candidate != path:
            return [candidate]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with ReaderProcess() as readers:
        for path in sorted(FIXTURES.glob("*/*")):
            texts = sources(path)
            if path.suffix in (".txt", ".py") or not is_supported(path.suffix) or not texts:
                continue
            started = time.perf_counter()
            try:
                parts = readers.extract(path.suffix.lower(), path.read_bytes(), path.name)
            except UnreadableDocument as error:
                rows.append({"format": path.parent.name, "file": path.name, "error": str(error)})
                continue
            seconds = time.perf_counter() - started
            extracted = [p.text for p in parts]
            wanted = [t.read_text(encoding="utf-8") for t in texts]
            pairs = list(zip(extracted, wanted)) if len(extracted) == len(wanted) else [("\n\n".join(extracted),
                                                                                           "\n\n".join(wanted))]
            rows.append({"format": path.parent.name, "file": path.name, "parts": len(parts),
                         "cer": max(cer(a, b) for a, b in pairs),
                         "lines": min(lines_present(a, b) for a, b in pairs), "seconds": seconds})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print("| format | fixture | parts | CER (worst part) | source lines present | seconds |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        if "error" in row:
            print(f"| {row['format']} | {row['file']} | – | unreadable: {row['error']} | – | – |")
        else:
            print(f"| {row['format']} | {row['file']} | {row['parts']} | {row['cer']:.4f} | {row['lines']:.0%} "
                  f"| {row['seconds']:.2f} |")
    worst = max((r["cer"] for r in rows if "cer" in r), default=0.0)
    print(f"\nfixtures {len(rows)}, unreadable {sum('error' in r for r in rows)}, worst CER {worst:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
