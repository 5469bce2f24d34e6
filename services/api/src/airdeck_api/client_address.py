"""The caller's address: the direct peer, or, when the peer is a trusted proxy (the web UI, a
load balancer), the right-most untrusted address of ``X-Forwarded-For``; and the bucket an
address counts in for rate limits (an IPv6 host by its /64, which one subscriber usually holds).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
IPV6_BUCKET_PREFIX = 64


def parse_networks(spec: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1, ::1"`` → networks (an address is a one-host network);
    ValueError names the first entry that is neither."""
    networks: list[Network] = []
    for entry in (e.strip() for e in spec.split(",") if e.strip()):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """Which peers may say, in ``X-Forwarded-For``, whom they forward for."""

    def __init__(self, networks: Iterable[Network | str]) -> None:
        self.networks = tuple(ipaddress.ip_network(n, strict=False) for n in networks)

    def trusts(self, address: Address) -> bool:
        """Whether ``address`` is one of the configured proxies."""
        return any(address in network for network in self.networks)

    def client_of(self, peer: str, forwarded_for: Iterable[str]) -> str:
        """The client behind ``peer``: the peer itself unless it is trusted; else the hops of
        ``X-Forwarded-For`` from the right, skipping trusted proxies. A hop that is not an
        address stops the walk at the last proxy seen: a proxy we trust never writes one, so
        whatever is left of it was written by someone we do not trust."""
        current = _address(peer)
        if current is None or not self.trusts(current):
            return peer
        hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break
            current = address
            if not self.trusts(address):
                break
        return str(current)


def address_bucket(address: str) -> str:
    """What an address is counted as for rate limits: itself, or its /64 for IPv6."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_BUCKET_PREFIX), strict=False))
    return str(parsed) if parsed is not None else address


def client_address_middleware(proxies: TrustedProxies) -> type:
    """An ASGI middleware factory that puts the resolved client address in ``scope["client"]``
    (as uvicorn's proxy-headers middleware does), so rate limits and the audit log see the
    person, not the proxy. uvicorn's own is not used: it passes on hops that are not
    addresses, which would land in the audit log."""

    class ClientAddressMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            if client and proxies.networks and scope["type"] in ("http", "websocket"):
                forwarded = [
                    value.decode("latin-1")
                    for name, value in scope["headers"]
                    if name == b"x-forwarded-for"
                ]
                if forwarded:
                    host = proxies.client_of(client[0], forwarded)
                    scope["client"] = (host, client[1] if host == client[0] else 0)
            await self.app(scope, receive, send)

    return ClientAddressMiddleware
