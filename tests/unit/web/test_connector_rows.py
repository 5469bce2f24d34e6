"""The Connectors page's rows and connector form: a connector as the list shows it, the form's
body (decoded by the API's own body type) and its round trip through a stored connector,
secrets kept, removed or missing, what the form itself refuses, the API's errors placed under
fields and rows, and the test call's table."""

from __future__ import annotations

from typing import Any

import msgspec

from airdeck_api.schemas.connectors import ConnectorBody
from airdeck_web.connector_rows import (
    FORM_DEFAULTS,
    connector_body,
    connector_row,
    empty_pair,
    field_rows,
    form_of,
    pairs_of,
    placed_errors,
    preview_cells,
    preview_line,
    secret_rows,
)
from airdeck_web.models import FieldRow, PairRow

STORED: dict[str, Any] = {
    "id": "c-1",
    "deployment": "default",
    "slug": "people",
    "dag_id": "connector_people",
    "name": "People",
    "description": None,
    "source": {
        "url": "http://127.0.0.1:28190/people",
        "method": "GET",
        "params": {"per_page": "10"},
        "headers": {"X-Token": "{{ secrets.token }}"},
        "body": None,
        "timeout_seconds": 10.0,
        "expected_status": [200, 203],
        "pagination": {
            "kind": "page_number",
            "param": "page",
            "start": 1,
            "size_param": None,
            "size": 10,
            "max_pages": 100,
        },
    },
    "mapping": [
        {"path": "data[*].id", "column": "id", "type": "int", "default": None},
        {"path": "data[*].active", "column": "active", "type": "bool", "default": False},
    ],
    "destination": {
        "table": "people",
        "kind": "product",
        "conn_id": None,
        "schema": None,
        "mode": "upsert",
        "key": ["id"],
    },
    "table": "connector_people",
    "schedule": {
        "cron": "30 6 * * *",
        "timezone": "Asia/Tokyo",
        "catchup": True,
        "retries": 1,
        "retry_delay_seconds": 120,
    },
    "tags": ["crm"],
    "secrets": ["token"],
    "version": 3,
    "paused": True,
    "pending": True,
    "airflow": {"state": "pending", "version": 2, "message": "pending in Airflow: v3 comes"},
}


def edited_body(stored: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    source = stored["source"]
    return connector_body(
        form_of(stored),
        pairs_of(source["params"]),
        pairs_of(source["headers"]),
        field_rows(stored["mapping"]),
        secret_rows(stored["secrets"]),
        stored,
    )


def test_a_connector_row_says_where_its_dag_stands_with_its_last_runs() -> None:
    row = connector_row(STORED, [{"run_id": "manual__1", "state": "success"}, {"run_id": "x"}])
    assert row["schedule"] == "30 6 * * * (Asia/Tokyo)"
    assert row["source"] == "GET http://127.0.0.1:28190/people · page numbers"
    assert row["destination"] == "product DB connector_people · upsert on id"
    assert row["href"] == "/workflows/connector_people?deployment=default"
    assert row["paused"] and row["status"] == "pending" and row["in_airflow"]
    assert [r["state"] for r in row["runs"]] == ["success", "none"]
    fresh = {**STORED, "airflow": {"state": "pending", "version": None, "message": "m"}}
    assert not connector_row(fresh)["in_airflow"]
    elsewhere = {
        **STORED,
        "source": {"url": "https://api.example.com/x", "method": "POST"},
        "destination": {"table": "t", "kind": "postgres", "conn_id": "wh", "schema": "raw"},
        "table": "t",
    }
    assert connector_row(elsewhere)["source"] == "POST https://api.example.com/x"
    assert connector_row(elsewhere)["destination"] == "Postgres wh: raw.t · append"


def test_a_stored_connector_round_trips_through_the_form() -> None:
    body, problems = edited_body(STORED)
    assert problems == {}
    decoded = msgspec.convert(body, ConnectorBody)
    assert decoded.source == msgspec.convert(STORED["source"], type(decoded.source))
    assert decoded.mapping == [
        msgspec.convert(f, type(decoded.mapping[0])) for f in STORED["mapping"]
    ]
    assert decoded.destination.key == ["id"] and decoded.destination.mode == "upsert"
    # The schedule's settings the form has no field for are kept.
    assert msgspec.to_builtins(decoded.schedule) == STORED["schedule"]
    assert decoded.tags == ["crm"] and decoded.slug == "people" and decoded.paused
    # A stored secret left blank keeps its value: it is not sent.
    assert decoded.secrets == {}


def test_a_new_connector_from_the_defaults_is_a_body_the_api_decodes() -> None:
    form = {
        **FORM_DEFAULTS,
        "name": "People",
        "source.url": "https://api.example.com/people",
        "source.pagination.kind": "cursor",
        "source.pagination.cursor_path": "next",
        "source.pagination.param": "after",
        "destination.table": "people",
        "destination.kind": "postgres",
        "destination.conn_id": "warehouse",
        "destination.key": "id",
    }
    secret = PairRow(name="token", value="s3cr3t", error="", stored=False)
    field = FieldRow(path="data[*].n", column="n", type="float", default="1.5", error="")
    body, problems = connector_body(form, [empty_pair()], [], [field], [secret])
    assert problems == {}
    decoded = msgspec.convert(body, ConnectorBody)
    assert msgspec.to_builtins(decoded.source.pagination) == {
        "kind": "cursor",
        "cursor_path": "next",
        "param": "after",
        "max_pages": 100,
    }
    assert decoded.source.params == {} and decoded.source.body is None
    assert decoded.mapping[0].default == 1.5
    # The key is for upsert only: append sends none.
    assert decoded.destination.key == [] and decoded.destination.conn_id == "warehouse"
    assert decoded.secrets == {"token": "s3cr3t"} and decoded.slug is None
    assert decoded.schedule.cron == "@daily" and not decoded.paused


def test_a_removed_secret_is_sent_as_null_and_a_new_one_needs_a_value() -> None:
    source = STORED["source"]
    body, problems = connector_body(
        form_of(STORED),
        pairs_of(source["params"]),
        pairs_of(source["headers"]),
        field_rows(STORED["mapping"]),
        [PairRow(name="other", value="", error="", stored=False)],
        STORED,
    )
    assert body["secrets"] == {"token": None}
    assert problems == {"secrets": "'other' needs a value"}


def test_the_form_refuses_what_it_can_tell_is_wrong() -> None:
    form = {
        **FORM_DEFAULTS,
        "source.timeout_seconds": "soon",
        "schedule.retries": "1.5",
        "source.expected_status": "200, ok",
    }
    twice = [
        PairRow(name="a", value="1", error="", stored=False),
        PairRow(name="a", value="2", error="", stored=False),
    ]
    field = FieldRow(path="x", column="x", type="int", default="many", error="")
    _, problems = connector_body(form, twice, [], [field], [])
    assert problems == {
        "source.timeout_seconds": "must be a number",
        "schedule.retries": "must be a whole number",
        "source.expected_status": "HTTP statuses separated by commas, e.g. 200",
        "source.params.a": "'a' is given twice",
        "mapping[0].default": "'many' is not a whole number",
    }


def test_the_apis_errors_go_under_their_fields_and_rows() -> None:
    headers = [PairRow(name="X Token", value="v", error="old", stored=False)]
    mapping = field_rows(STORED["mapping"])
    fields, params, placed_headers, placed_mapping, others = placed_errors(
        {
            "source.url": "has credentials",
            "source.headers.X Token": "is not a header name",
            "mapping[1].path": "does not parse",
            "mapping[1].column": "collides",
            "secrets": "missing: token",
            "mapping[7].path": "beyond the rows",
            "surprise": "what",
        },
        [],
        headers,
        mapping,
    )
    assert fields == {"source.url": "has credentials", "secrets": "missing: token"}
    assert params == []
    assert placed_headers[0]["error"] == "is not a header name"
    assert placed_mapping[0]["error"] == ""
    assert placed_mapping[1]["error"] == "path: does not parse; column: collides"
    assert others == ["mapping[7].path: beyond the rows", "surprise: what"]


def test_the_test_calls_table_and_line() -> None:
    preview = {
        "ok": True,
        "pages": 3,
        "columns": ["id", "score", "active", "nickname", "tags"],
        "rows": [{"id": 1, "score": 1.5, "active": True, "nickname": None, "tags": ["a"]}],
    }
    assert preview_cells(preview) == (
        ["id", "score", "active", "nickname", "tags"],
        [["1", "1.5", "true", "", '["a"]']],
    )
    assert preview_line(preview).startswith("1 row from 3 pages")
    failed = {"ok": False, "error": "page 1 answered 503, expected 200"}
    assert preview_line(failed) == "The test call failed: page 1 answered 503, expected 200"
    assert preview_cells(failed) == ([], [])
