"""The ETag helpers of the conditional-GET middleware (the middleware itself is tested against
the real API in tests/integration/api/test_http_caching.py)."""

from __future__ import annotations

from airdeck_api.http_cache import CACHE_CONTROL, _with_cache_headers, etag_of, none_match


def test_the_etag_is_strong_quoted_and_follows_the_body() -> None:
    tag = etag_of(b'{"a":1}')
    assert tag.startswith(b'"') and tag.endswith(b'"') and not tag.startswith(b"W/")
    assert tag == etag_of(b'{"a":1}')
    assert tag != etag_of(b'{"a":2}')


def test_if_none_match_compares_weakly_and_reads_lists() -> None:
    tag = etag_of(b"body")
    assert none_match(tag, tag)
    assert none_match(b"W/" + tag, tag)
    assert none_match(b'"x", ' + tag, tag)
    assert none_match(b"*", tag)
    assert not none_match(b'"x"', tag)
    assert not none_match(None, tag)
    assert not none_match(tag[:-2] + b'"', tag)


def test_cache_headers_keep_a_route_s_own_cache_control_and_merge_vary() -> None:
    tag = etag_of(b"body")
    added = dict(_with_cache_headers([(b"content-type", b"application/json")], tag))
    assert added[b"etag"] == tag
    assert added[b"cache-control"] == CACHE_CONTROL
    assert added[b"vary"] == b"Authorization"
    own = _with_cache_headers([(b"cache-control", b"no-store"), (b"vary", b"Origin")], tag)
    assert (b"cache-control", b"no-store") in own
    assert [v for n, v in own if n == b"vary"] == [b"Origin, Authorization"]
    assert [n for n, _ in own].count(b"cache-control") == 1
