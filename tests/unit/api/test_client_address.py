"""Whose address a request carries: X-Forwarded-For is believed only from trusted proxies,
read from the right; IPv6 addresses count by their /64."""

from __future__ import annotations

import pytest

from airdeck_api.client_address import TrustedProxies, address_bucket, parse_networks

WEB = TrustedProxies(parse_networks("127.0.0.1, ::1, 10.0.0.0/8"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # Not a trusted peer: whatever it claims, it is the client.
        ("198.51.100.9", ["203.0.113.5"], "198.51.100.9"),
        # The web forwards the browser's address.
        ("127.0.0.1", ["203.0.113.5"], "203.0.113.5"),
        # The right-most untrusted hop wins; what the client wrote before it is not believed.
        ("127.0.0.1", ["6.6.6.6, 203.0.113.5, 10.1.2.3"], "203.0.113.5"),
        ("127.0.0.1", ["6.6.6.6", "203.0.113.5", "10.1.2.3"], "203.0.113.5"),
        # Every hop trusted: the left-most is the client.
        ("127.0.0.1", ["10.0.0.7, 10.0.0.8"], "10.0.0.7"),
        # A hop that is no address stops the walk at the last proxy seen.
        ("127.0.0.1", ["203.0.113.5, not-an-ip"], "127.0.0.1"),
        ("127.0.0.1", ["nonsense, 10.0.0.7"], "10.0.0.7"),
        ("::1", ["2001:db8::5"], "2001:db8::5"),
        ("::ffff:127.0.0.1", ["203.0.113.5"], "203.0.113.5"),
        ("testclient", ["203.0.113.5"], "testclient"),
    ],
)
def test_client_of(peer: str, forwarded: list[str], client: str) -> None:
    assert WEB.client_of(peer, forwarded) == client


def test_no_trusted_proxy_believes_nobody() -> None:
    assert TrustedProxies(()).client_of("127.0.0.1", ["203.0.113.5"]) == "127.0.0.1"


def test_address_buckets() -> None:
    assert address_bucket("203.0.113.5") == "203.0.113.5"
    assert address_bucket("2001:db8:a:b:1:2:3:4") == "2001:db8:a:b::/64"
    assert address_bucket("2001:db8:a:b::ffff") == address_bucket("2001:db8:a:b:1::")
    assert address_bucket("2001:db8:a:c::1") != address_bucket("2001:db8:a:b::1")
    assert address_bucket("::ffff:203.0.113.5") == "203.0.113.5"
    assert address_bucket("testclient") == "testclient"


def test_bad_networks_are_named() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33'"):
        parse_networks("127.0.0.1, 10.0.0.0/33")
    assert [str(n) for n in parse_networks(" 10.1.2.3/8 ,::1")] == ["10.0.0.0/8", "::1/128"]
