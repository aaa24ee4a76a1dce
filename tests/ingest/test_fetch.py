"""Fetching by URL: names for the fetched bytes, and which addresses may be fetched (no network used here)."""
import doctest

import pytest

import qa.ingest.fetch
from qa.errors import InvalidArgument
from qa.ingest.fetch import check_address


def test_doctests():
    assert doctest.testmod(qa.ingest.fetch).failed == 0


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://169.254.169.254/latest/meta-data",
                                 "http://10.1.2.3/", "http://192.168.0.1/", "http://[::1]/", "http://0.0.0.0/"])
def test_local_and_private_addresses_are_refused_unless_allowed(url):
    with pytest.raises(InvalidArgument, match="private network.*QA_FETCH_LOCAL=1"):
        check_address(url, allow_local=False)
    check_address(url, allow_local=True)


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "http://"])
def test_only_http_addresses_are_fetched(url):
    with pytest.raises(InvalidArgument, match="not an http"):
        check_address(url, allow_local=True)


def test_a_public_address_passes():
    check_address("http://93.184.216.34/", allow_local=False)  # an IP literal: no name lookup


@pytest.mark.parametrize("url", ["http://example.com:abc/", "http://example.com:99999/", "http://[x"])
def test_a_malformed_address_is_one_line(url):
    """Before, a port that was no number escaped as a ValueError traceback."""
    with pytest.raises(InvalidArgument, match="not a valid address"):
        check_address(url, allow_local=False)
