"""A webhook receiver on loopback for alert tests: keeps every POST it is sent and answers each
with the next status of ``answers`` (then 200), so a test can make it fail first."""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.ports import free_port


class Receiver(ThreadingHTTPServer):
    """Start it with ``start()``, stop it with ``close()``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.arrived: list[datetime] = []
        """When each request of ``received`` arrived (before its body was read), in order."""
        self.answers: deque[int] = deque()
        super().__init__(("127.0.0.1", free_port()), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def start(self) -> Receiver:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def deliveries(self) -> list[str]:
        """The ``X-Airdeck-Delivery`` key of every request received, in order."""
        return [headers["X-Airdeck-Delivery"] for headers, _ in self.received]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.server.arrived.append(datetime.now(UTC))
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers.items()), body))
        status = self.server.answers.popleft() if self.server.answers else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status < 400 else b"try later")

    def log_message(self, *args: Any) -> None:
        pass
