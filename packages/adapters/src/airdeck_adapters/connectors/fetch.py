"""The HTTP calls of a connector run: every page its pagination leads to, each request sent
only to an address that passed the SSRF check after DNS resolution (and pinned to it, so a
second lookup cannot swap it), within the source's timeout, its answer of an expected status,
within a size limit, and JSON."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from airdeck_domain.connectors.addresses import address_refusal
from airdeck_domain.connectors.mapping import Mapping as RowMapping
from airdeck_domain.connectors.pagination import (
    PageRequest,
    PaginationError,
    first_request,
    next_request,
)
from airdeck_domain.connectors.spec import FieldMap, Source
from airdeck_domain.connectors.templates import fill

Resolver = Callable[[str, int], Sequence[str]]
Log = Callable[[str], None]
SNIPPET = 300
"""How much of an unexpected answer a failure message quotes."""


class ExtractError(Exception):
    """The source could not be read; the message says which call failed and how, never a
    secret's value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (ExtractError when it resolves to none)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ExtractError(f"host '{host}' does not resolve ({exc})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _display(url: httpx.URL) -> str:
    """The URL without its query (which may hold secrets) for messages."""
    return str(url.copy_with(query=None, fragment=None))


def _pinned(
    url: httpx.URL, allow_list: Sequence[str], resolver: Resolver
) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """``url`` with its host replaced by a checked address, the ``Host`` header and the TLS
    server name that keep the call addressed to the host."""
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        ipaddress.ip_address(host)
        addresses: Sequence[str] = [host]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise ExtractError(f"host '{host}' resolves to no address")
    for address in addresses:
        refusal = address_refusal(host, address, allow_list)
        if refusal:
            raise ExtractError(f"{_display(url)} refused: {refusal}")
    if addresses[0] == host:
        return url, {}, {}
    netloc = host if url.port is None else f"{host}:{url.port}"
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    return url.copy_with(host=addresses[0]), {"Host": netloc}, extensions


class Fetcher:
    """Reads every page of a source. ``secrets`` fill the placeholders; ``allow_list`` is the
    admin's allowed private hosts; ``max_bytes`` bounds each answer."""

    def __init__(
        self,
        source: Source,
        fields: Sequence[FieldMap],
        secrets: Mapping[str, str],
        *,
        allow_list: Sequence[str] = (),
        max_bytes: int = 50 * 1024 * 1024,
        resolver: Resolver = resolve,
        transport: httpx.BaseTransport | None = None,
        log: Log = lambda _: None,
    ) -> None:
        self.source = source
        self.rows = RowMapping(fields)
        self.secrets = dict(secrets)
        self.allow_list = list(allow_list)
        self.max_bytes = max_bytes
        self.resolver = resolver
        self.log = log
        self._client = httpx.Client(
            timeout=httpx.Timeout(source.timeout_seconds),
            follow_redirects=False,
            transport=transport,
            # No proxy from the environment: the address checked is the address called.
            trust_env=False,
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def pages(self, *, limit: int | None = None) -> list[Any]:
        """Every page's JSON document, in order (the first ``limit`` pages at most)."""
        documents: list[Any] = []
        request: PageRequest | None = first_request(self.source)
        while request is not None:
            document, next_link = self._call(request)
            documents.append(document)
            if limit is not None and len(documents) >= limit:
                break
            try:
                request = next_request(
                    self.source, request, document, self.rows.count(document), next_link
                )
            except PaginationError as exc:
                raise ExtractError(str(exc)) from None
        return documents

    def _call(self, request: PageRequest) -> tuple[Any, str | None]:
        source = self.source
        params = {name: fill(value, self.secrets) for name, value in request.params.items()}
        headers = {name: fill(value, self.secrets) for name, value in source.headers.items()}
        body = fill(source.body, self.secrets).encode() if source.body is not None else None
        try:
            url = httpx.URL(request.url).copy_merge_params(params)
        except httpx.InvalidURL as exc:
            raise ExtractError(f"page {request.number}: not a URL ({exc})") from None
        target, host_header, extensions = _pinned(url, self.allow_list, self.resolver)
        shown = f"{source.method} {_display(url)} (page {request.number})"
        if body is not None and not any(n.lower() == "content-type" for n in headers):
            headers["Content-Type"] = "application/json"
        try:
            with self._client.stream(
                source.method,
                target,
                headers={**headers, **host_header},
                content=body,
                extensions=extensions,
            ) as response:
                content = self._read(response, shown)
        except httpx.TimeoutException:
            raise ExtractError(
                f"{shown} did not answer within {source.timeout_seconds:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise ExtractError(f"{shown} failed: {type(exc).__name__}: {exc}") from None
        if response.status_code not in source.expected_status:
            expected = ", ".join(str(s) for s in source.expected_status)
            snippet = content[:SNIPPET].decode(errors="replace")
            raise ExtractError(
                f"{shown} answered {response.status_code}, expected {expected}: {snippet}"
            )
        try:
            document = json.loads(content)
        except ValueError as exc:
            snippet = content[:SNIPPET].decode(errors="replace")
            raise ExtractError(f"{shown} answered invalid JSON ({exc}): {snippet}") from None
        self.log(f"{shown} answered {response.status_code}, {len(content)} bytes")
        next_link = response.links.get("next", {}).get("url")
        return document, next_link

    def _read(self, response: httpx.Response, shown: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise ExtractError(f"{shown} answered more than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
