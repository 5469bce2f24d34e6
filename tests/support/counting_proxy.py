"""A loopback HTTP reverse proxy that records every request it forwards, so tests and the
benchmark can count the calls Airdeck makes to a real Airflow."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from typing import Any

import httpx
import uvicorn

# Hop-by-hop headers, and those httpx no longer matches once it has decoded the body.
_DROPPED = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"transfer-encoding",
        b"content-length",
        b"content-encoding",
        b"host",
    }
)


class CountingProxy:
    """Forwards ``http://127.0.0.1:<port>`` to ``target`` and records ``(method, path)`` of
    each request. ``start()`` serves from a thread with its own event loop; ``close()`` stops."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self._lock = threading.Lock()
        self._calls: list[tuple[str, str]] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self._http: httpx.AsyncClient | None = None
        config = uvicorn.Config(self, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        for _ in range(100):
            if self._server.started:
                return
            threading.Event().wait(0.05)
        raise RuntimeError("the counting proxy did not start")

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def calls(self) -> list[tuple[str, str]]:
        """Every forwarded ``(method, path?query)`` so far, in order."""
        with self._lock:
            return list(self._calls)

    def api_calls(self) -> list[tuple[str, str]]:
        """The REST API calls among them (sign-in excluded)."""
        return [c for c in self.calls() if c[1].startswith(("/api/v1/", "/api/v2/"))]

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter(self.api_calls())

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        target = raw_path.decode() + (("?" + query.decode()) if query else "")
        with self._lock:
            self._calls.append((scope["method"], target))
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.target, timeout=120)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _DROPPED]
        try:
            response = await self._http.request(
                scope["method"], target, headers=headers, content=body
            )
        except httpx.HTTPError:
            await send({"type": "http.response.start", "status": 502, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [(k, v) for k, v in response.headers.raw if k.lower() not in _DROPPED],
            }
        )
        await send({"type": "http.response.body", "body": response.content})
