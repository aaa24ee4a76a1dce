"""What the page's markup says about its article (qa/ingest/readers/html/metadata.py and `read`'s fallbacks)."""
from __future__ import annotations

import pytest
from html_pages import COMMITTED, FIXTURES, assert_meta, fixture_set


@pytest.mark.parametrize("page", COMMITTED)
def test_fixture_metadata(page: str) -> None:
    extracted, _, _, meta = fixture_set(FIXTURES, page)
    assert_meta(extracted, meta)
