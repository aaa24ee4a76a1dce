"""What the HTML reader's tests share: the fixtures (tests/fixtures/html), their generator, the seed page.

make_fixtures.py regenerates the fixtures and says what each is.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

from qa.ingest.readers import html as reader
from qa.ingest.readers.base import Extracted

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "html"


def _load_make_fixtures():
    spec = importlib.util.spec_from_file_location("make_html_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make_fixtures = _load_make_fixtures()

# Every page beside its txt, boilerplate and meta files.
COMMITTED = sorted(path.name[: -len(".html")] for path in FIXTURES.glob("*.html"))


def read_one(data: bytes, name: str = "page.html") -> Extracted:
    parts = reader.read(data, name)
    assert len(parts) == 1
    return parts[0]


def seed_page(**changes) -> str:
    """The seed article's page (as make_fixtures writes it), with Article fields replaced."""
    return make_fixtures.page_html(dataclasses.replace(make_fixtures.seed_article(), **changes))


SEED_TXT = (FIXTURES / "ar_seed.txt").read_text(encoding="utf-8")


def fixture_set(folder: Path, page: str) -> tuple[Extracted, str, list[str], dict]:
    """(what the reader makes of `page`, its source text, its boilerplate lines, its metadata) in `folder`."""
    extracted = read_one((folder / f"{page}.html").read_bytes(), f"{page}.html")
    source = (folder / f"{page}.txt").read_text(encoding="utf-8")
    boilerplate = [line for line in (folder / f"{page}.boilerplate.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    meta = json.loads((folder / f"{page}.meta.json").read_text(encoding="utf-8"))
    return extracted, source, boilerplate, meta


def assert_meta(extracted: Extracted, meta: dict) -> None:
    """The metadata read is the page's `.meta.json`, field by field."""
    got = extracted.meta
    assert (got.title, got.published, got.author, got.url, got.language) == (
        meta["title"],
        meta["published"],
        meta["author"],
        meta["url"],
        meta["language"],
    )
