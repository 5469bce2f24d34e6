"""The small HTTP service the `service_pipeline` example DAG calls, one endpoint per stage.

Usage: python dev/airflow/example_service.py PORT   (dev/airflow/start.sh runs it beside Airflow)
POST /stages/<stage> with {"run_id": ..., "input": ...} answers {"stage", "run_id", "records", ...};
GET /health answers {"status": "ok"}. Standard library only, so any Python runs it.

GET /people is a paginated JSON API for connectors (ADR 0026): ``?page=N&per_page=M`` (page
numbers from 1), or ``?cursor=C`` (each answer's ``next_cursor``), each answer ``{"data": [...],
"page", "next_cursor"}`` with a ``Link: <...>; rel="next"`` header while pages remain. It can
fail on purpose: ``?fail=500`` (a 503), ``fail=json`` (not JSON), ``fail=drift`` (``data`` an
object), ``fail=slow`` (answers after 5 s), each from page ``fail_page`` on (default 1).
"""

from __future__ import annotations

import json
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

STAGES = ("ingestion", "miner", "analyzer", "writer", "report")
PEOPLE = [
    {
        "id": n,
        "user": {"email": f"person{n}@example.com", "name": f"Person {n}"},
        "score": round(n * 1.5, 1),
        "active": n % 3 != 0,
        "joined": f"2025-01-{n:02d}T08:00:00Z",
    }
    for n in range(1, 26)
]
"""The 25 people ``/people`` pages through."""


def people_page(query: dict[str, str]) -> tuple[HTTPStatus, Any, str | None]:
    """The status, JSON body (None: not JSON) and ``Link`` header of one ``/people`` page."""
    per_page = max(1, min(int(query.get("per_page", "10")), 100))
    page = int(query["cursor"] or "1") if "cursor" in query else int(query.get("page", "1"))
    fail = query.get("fail")
    if fail and page >= int(query.get("fail_page", "1")):
        if fail == "500":
            return HTTPStatus.SERVICE_UNAVAILABLE, {"detail": "the people service is down"}, None
        if fail == "json":
            return HTTPStatus.OK, None, None
        if fail == "drift":
            return HTTPStatus.OK, {"data": {"people": PEOPLE[:1]}, "page": page}, None
        if fail == "slow":
            time.sleep(5)
    rows = PEOPLE[(page - 1) * per_page : page * per_page]
    more = page * per_page < len(PEOPLE)
    link = None
    if more:
        following = {k: v for k, v in query.items() if k != "cursor"}
        link = f'</people?{urlencode({**following, "page": page + 1})}>; rel="next"'
    body = {"data": rows, "page": page, "next_cursor": str(page + 1) if more else None}
    return HTTPStatus.OK, body, link


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
        parts = urlsplit(self.path)
        if parts.path == "/health":
            self.send_json(HTTPStatus.OK, {"status": "ok"})
        elif parts.path == "/people":
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            try:
                status, body, link = people_page(query)
            except ValueError:
                self.send_json(HTTPStatus.BAD_REQUEST, {"detail": "page numbers are integers"})
                return
            self.send_json(status, body, link=link)
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

    def send_json(self, status: HTTPStatus, body: Any, *, link: str | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b"{not json"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if link:
            self.send_header("Link", link)
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
