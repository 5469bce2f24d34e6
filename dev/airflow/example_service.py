"""The small HTTP service the `service_pipeline` example DAG calls, one endpoint per stage.

Usage: python dev/airflow/example_service.py PORT   (dev/airflow/start.sh runs it beside Airflow)
POST /stages/<stage> with {"run_id": ..., "input": ...} answers {"stage", "run_id", "records", ...};
GET /health answers {"status": "ok"}. Standard library only, so any Python runs it.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STAGES = ("ingestion", "miner", "analyzer", "writer", "report")


def answer(stage: str, request: dict[str, Any]) -> dict[str, Any]:
    """What a stage returns: its own record count, derived from the previous stage's."""
    previous = request.get("input") or {}
    records = int(previous.get("records", 100)) if isinstance(previous, dict) else 100
    return {
        "stage": stage,
        "run_id": request.get("run_id"),
        "records": records if stage != "miner" else records * 3,
        "from": previous.get("stage") if isinstance(previous, dict) else None,
    }


class Handler(BaseHTTPRequestHandler):
    """Routes the two endpoints; anything else is a 404 with a JSON message."""

    def do_GET(self) -> None:
        if self.path == "/health":
            self.send_json(HTTPStatus.OK, {"status": "ok"})
        else:
            self.send_json(HTTPStatus.NOT_FOUND, {"detail": f"no route {self.path}"})

    def do_POST(self) -> None:
        prefix, _, stage = self.path.rpartition("/")
        if prefix != "/stages" or stage not in STAGES:
            self.send_json(HTTPStatus.NOT_FOUND, {"detail": f"no stage at {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self.send_json(HTTPStatus.BAD_REQUEST, {"detail": "body is not JSON"})
            return
        self.send_json(HTTPStatus.OK, answer(stage, request))

    def send_json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8090
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"example service on http://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
