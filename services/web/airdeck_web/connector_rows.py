"""What the Connectors page shows of the API's connectors, and the connector form: its fields
as text, its rows (query parameters, headers, secrets, mapping), the body they make for
``POST /connectors`` (and its test call), the API's per-field errors placed under the fields
and rows, and the test call's first rows as table cells."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from airdeck_web.models import ConnectorRow, FieldRow, PairRow, RunBadge

METHODS = ("GET", "POST")
PAGINATIONS = ("none", "page_number", "cursor", "link_header")
PAGINATION_LABELS = {
    "none": "No pagination (one call)",
    "page_number": "Page numbers",
    "cursor": "Cursor read from each answer",
    "link_header": "Link header (rel=next)",
}
FIELD_TYPES = ("string", "int", "float", "bool", "timestamp")
DESTINATIONS = ("product", "postgres")
MODES = ("append", "upsert")
FORM_DEFAULTS = {
    "name": "",
    "slug": "",
    "description": "",
    "tags": "",
    "source.method": "GET",
    "source.url": "",
    "source.body": "",
    "source.timeout_seconds": "30",
    "source.expected_status": "200",
    "source.pagination.kind": "none",
    "source.pagination.param": "page",
    "source.pagination.start": "1",
    "source.pagination.size_param": "",
    "source.pagination.size": "",
    "source.pagination.cursor_path": "",
    "source.pagination.max_pages": "100",
    "destination.kind": "product",
    "destination.table": "",
    "destination.conn_id": "",
    "destination.schema": "",
    "destination.mode": "append",
    "destination.key": "",
    "schedule.cron": "@daily",
    "schedule.timezone": "UTC",
    "schedule.retries": "2",
    "paused": "false",
}
"""Every scalar field of the form, as the text its input holds, keyed by the API's path of
it (so the API's error for ``source.url`` shows under the field ``source.url``)."""
PAGE_FIELDS = {
    "none": (),
    "page_number": ("param", "start", "size_param", "size", "max_pages"),
    "cursor": ("cursor_path", "param", "max_pages"),
    "link_header": ("max_pages",),
}
"""The pagination fields each kind sends."""
NUMBERS: dict[str, type[int] | type[float]] = {
    "source.timeout_seconds": float,
    "source.pagination.start": int,
    "source.pagination.size": int,
    "source.pagination.max_pages": int,
    "schedule.retries": int,
}
ROW_ERROR = re.compile(r"^mapping\[(\d+)\]\.(\w+)$")
PAIR_ERROR = re.compile(r"^source\.(params|headers)\.(.+)$")
GROUPS = ("source.params", "source.headers", "mapping", "secrets", "source.pagination")
"""Errors about a whole group of fields, shown under the group."""


def empty_pair() -> PairRow:
    """A blank name/value row."""
    return PairRow(name="", value="", error="", stored=False)


def empty_field() -> FieldRow:
    """A blank mapping row: a string column."""
    return FieldRow(path="", column="", type="string", default="", error="")


def connector_row(
    connector: Mapping[str, Any], runs: Sequence[Mapping[str, Any]] = ()
) -> ConnectorRow:
    """A connector of the API as the list shows it, with its DAG's last ``runs`` (newest
    first)."""
    airflow = connector.get("airflow") or {}
    state = str(airflow.get("state") or "unknown")
    schedule = connector.get("schedule") or {}
    return ConnectorRow(
        id=str(connector["id"]),
        name=str(connector["name"]),
        dag_id=str(connector["dag_id"]),
        href=f"/workflows/{quote(str(connector['dag_id']), safe='')}"
        f"?deployment={quote(str(connector.get('deployment') or 'default'), safe='')}",
        schedule=f"{schedule.get('cron', '')} ({schedule.get('timezone', 'UTC')})",
        source=source_text(connector.get("source") or {}),
        destination=destination_text(connector),
        paused=bool(connector.get("paused")),
        status=state,
        in_airflow=airflow.get("version") is not None,
        message=str(airflow.get("message") or ""),
        version=int(connector.get("version") or 0),
        runs=[
            RunBadge(run_id=str(r.get("run_id") or ""), state=str(r.get("state") or "none"))
            for r in runs
        ],
    )


def source_text(source: Mapping[str, Any]) -> str:
    """``GET https://api.example.com/people · page numbers``."""
    kind = str((source.get("pagination") or {}).get("kind") or "none")
    pages = "" if kind == "none" else f" · {PAGINATION_LABELS.get(kind, kind).lower()}"
    return f"{source.get('method') or 'GET'} {source.get('url', '')}{pages}"


def destination_text(connector: Mapping[str, Any]) -> str:
    """``product DB connector_people · upsert on id`` or ``Postgres warehouse: raw.people ·
    append``."""
    destination = connector.get("destination") or {}
    table = str(connector.get("table") or destination.get("table") or "")
    if destination.get("kind") == "postgres":
        schema = destination.get("schema")
        where = f"Postgres {destination.get('conn_id')}: {schema + '.' if schema else ''}{table}"
    else:
        where = f"product DB {table}"
    mode = str(destination.get("mode") or "append")
    keys = destination.get("key") or []
    return f"{where} · {mode}" + (f" on {', '.join(keys)}" if mode == "upsert" else "")


def form_of(connector: Mapping[str, Any]) -> dict[str, str]:
    """The form's scalar fields for editing a stored connector."""
    form = dict(FORM_DEFAULTS)
    source = connector.get("source") or {}
    pages = source.get("pagination") or {}
    destination = connector.get("destination") or {}
    schedule = connector.get("schedule") or {}
    form.update(
        {
            "name": str(connector.get("name") or ""),
            "slug": str(connector.get("slug") or ""),
            "description": str(connector.get("description") or ""),
            "tags": ", ".join(connector.get("tags") or []),
            "source.method": str(source.get("method") or "GET"),
            "source.url": str(source.get("url") or ""),
            "source.body": str(source.get("body") or ""),
            "source.timeout_seconds": f"{float(source.get('timeout_seconds') or 30):g}",
            "source.expected_status": ", ".join(
                str(s) for s in source.get("expected_status") or [200]
            ),
            "source.pagination.kind": str(pages.get("kind") or "none"),
            "destination.kind": str(destination.get("kind") or "product"),
            "destination.table": str(destination.get("table") or ""),
            "destination.conn_id": str(destination.get("conn_id") or ""),
            "destination.schema": str(destination.get("schema") or ""),
            "destination.mode": str(destination.get("mode") or "append"),
            "destination.key": ", ".join(destination.get("key") or []),
            "schedule.cron": str(schedule.get("cron") or ""),
            "schedule.timezone": str(schedule.get("timezone") or "UTC"),
            "schedule.retries": str(schedule.get("retries", 2)),
            "paused": "true" if connector.get("paused") else "false",
        }
    )
    for name in PAGE_FIELDS.get(form["source.pagination.kind"], ()):
        value = pages.get(name)
        if value is not None:
            form[f"source.pagination.{name}"] = str(value)
    return form


def pairs_of(values: Mapping[str, Any]) -> list[PairRow]:
    """Name/value rows of a stored connector's query parameters or headers."""
    return [PairRow(name=k, value=str(v), error="", stored=False) for k, v in values.items()]


def secret_rows(names: Sequence[str]) -> list[PairRow]:
    """A stored connector's secrets: their names, values unknown (left blank, they keep the
    value Airflow has)."""
    return [PairRow(name=n, value="", error="", stored=True) for n in names]


def field_rows(mapping: Sequence[Mapping[str, Any]]) -> list[FieldRow]:
    """The mapping rows of a stored connector."""
    return [
        FieldRow(
            path=str(f.get("path") or ""),
            column=str(f.get("column") or ""),
            type=str(f.get("type") or "string"),
            default="" if f.get("default") is None else _text(f["default"]),
            error="",
        )
        for f in mapping
    ]


def connector_body(
    form: Mapping[str, str],
    params: Sequence[PairRow],
    headers: Sequence[PairRow],
    mapping: Sequence[FieldRow],
    secrets: Sequence[PairRow],
    stored: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The body the form makes for ``POST /connectors`` (or ``PUT`` of the ``stored``
    connector, whose secrets missing from ``secrets`` are removed and whose schedule settings
    the form has no field for are kept), and what the form itself can tell is wrong, by the
    API's path of the field: a number that is none, a default of the wrong type, a name given
    twice. The API checks the rest."""
    problems: dict[str, str] = {}
    numbers: dict[str, int | float] = {}
    for key, kind in NUMBERS.items():
        text = form.get(key, "").strip()
        if not text:
            continue
        try:
            numbers[key] = kind(text)
        except ValueError:
            problems[key] = "must be a whole number" if kind is int else "must be a number"
    statuses: list[int] = []
    for part in form.get("source.expected_status", "").replace(" ", ",").split(","):
        if part.strip():
            if part.strip().isdigit():
                statuses.append(int(part))
            else:
                problems["source.expected_status"] = "HTTP statuses separated by commas, e.g. 200"
    source: dict[str, Any] = {
        "url": form.get("source.url", "").strip(),
        "method": form.get("source.method") or "GET",
        "params": _pairs(params, "source.params", problems),
        "headers": _pairs(headers, "source.headers", problems),
        "body": form.get("source.body") or None,
        "expected_status": statuses or [200],
        "pagination": _pagination(form, numbers),
    }
    if "source.timeout_seconds" in numbers:
        source["timeout_seconds"] = numbers["source.timeout_seconds"]
    stored_schedule = dict((stored or {}).get("schedule") or {})
    schedule = {
        **stored_schedule,
        "cron": form.get("schedule.cron", "").strip(),
        "timezone": form.get("schedule.timezone", "").strip() or "UTC",
    }
    if "schedule.retries" in numbers:
        schedule["retries"] = numbers["schedule.retries"]
    body: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "description": form.get("description", "").strip() or None,
        "tags": _listed(form.get("tags", "")),
        "source": source,
        "mapping": [_field(i, f, problems) for i, f in enumerate(mapping)],
        "destination": _destination(form),
        "schedule": schedule,
        "secrets": _secrets(secrets, stored, problems),
        "paused": form.get("paused") == "true",
    }
    slug = str((stored or {}).get("slug") or form.get("slug", "").strip())
    if slug:
        body["slug"] = slug
    return body, problems


def _pagination(form: Mapping[str, str], numbers: Mapping[str, int | float]) -> dict[str, Any]:
    kind = form.get("source.pagination.kind") or "none"
    pages: dict[str, Any] = {"kind": kind}
    for name in PAGE_FIELDS.get(kind, ()):
        key = f"source.pagination.{name}"
        if key in numbers:
            pages[name] = numbers[key]
        elif key not in NUMBERS and (text := form.get(key, "").strip()):
            pages[name] = text
    return pages


def _destination(form: Mapping[str, str]) -> dict[str, Any]:
    kind = form.get("destination.kind") or "product"
    mode = form.get("destination.mode") or "append"
    destination: dict[str, Any] = {
        "table": form.get("destination.table", "").strip(),
        "kind": kind,
        "mode": mode,
        "key": _listed(form.get("destination.key", "")) if mode == "upsert" else [],
    }
    if kind == "postgres":
        destination["conn_id"] = form.get("destination.conn_id", "").strip() or None
        destination["schema"] = form.get("destination.schema", "").strip() or None
    return destination


def _pairs(rows: Sequence[PairRow], where: str, problems: dict[str, str]) -> dict[str, str]:
    """Rows as a dict; a blank row is skipped, a name given twice is a problem of its own."""
    pairs: dict[str, str] = {}
    for row in rows:
        name = row["name"].strip()
        if not name and not row["value"]:
            continue
        if name in pairs:
            problems[f"{where}.{name}"] = f"'{name}' is given twice"
        pairs[name] = row["value"]
    return pairs


def _field(index: int, row: FieldRow, problems: dict[str, str]) -> dict[str, Any]:
    field: dict[str, Any] = {
        "path": row["path"].strip(),
        "column": row["column"].strip(),
        "type": row["type"] or "string",
    }
    text = row["default"]
    if text == "":
        return field
    try:
        field["default"] = _typed(text.strip(), field["type"])
    except ValueError as exc:
        problems[f"mapping[{index}].default"] = str(exc)
    return field


def _typed(text: str, kind: str) -> str | int | float | bool:
    """A default typed as its column (timestamps and strings stay text)."""
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a whole number") from None
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
    if kind == "bool":
        if text.lower() not in {"true", "false"}:
            raise ValueError(f"'{text}' is not true or false")
        return text.lower() == "true"
    return text


def _secrets(
    rows: Sequence[PairRow], stored: Mapping[str, Any] | None, problems: dict[str, str]
) -> dict[str, str | None]:
    """Secrets typed in; a stored one left blank keeps its value (it is left out), and one
    whose row was removed is removed (null)."""
    secrets: dict[str, str | None] = {}
    for row in rows:
        name = row["name"].strip()
        if not name:
            continue
        if name in secrets:
            problems["secrets"] = f"'{name}' is given twice"
        if row["value"]:
            secrets[name] = row["value"]
        elif not row["stored"]:
            problems["secrets"] = f"'{name}' needs a value"
    kept = {r["name"].strip() for r in rows}
    for name in (stored or {}).get("secrets") or []:
        if name not in kept:
            secrets[name] = None
    return secrets


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def placed_errors(
    errors: Mapping[str, str],
    params: Sequence[PairRow],
    headers: Sequence[PairRow],
    mapping: Sequence[FieldRow],
) -> tuple[dict[str, str], list[PairRow], list[PairRow], list[FieldRow], list[str]]:
    """The API's errors by path placed: under the form's fields (``source.url``), on the rows
    they name (``mapping[2].column``, ``source.headers.X Token``), under a group
    (``secrets``); and those no field shows, as ``path: message``. The rows come back with
    their ``error`` set (and cleared where the API said nothing)."""
    fields: dict[str, str] = {}
    others: list[str] = []
    placed_params = [_cleared_pair(r) for r in params]
    placed_headers = [_cleared_pair(r) for r in headers]
    placed_mapping = [
        FieldRow(path=r["path"], column=r["column"], type=r["type"], default=r["default"], error="")
        for r in mapping
    ]
    for path, message in errors.items():
        if (found := ROW_ERROR.match(path)) and int(found.group(1)) < len(placed_mapping):
            row = placed_mapping[int(found.group(1))]
            row["error"] = _joined(row["error"], f"{found.group(2)}: {message}")
        elif found := PAIR_ERROR.match(path):
            rows = placed_params if found.group(1) == "params" else placed_headers
            named = [r for r in rows if r["name"].strip() == found.group(2)]
            if named:
                named[0]["error"] = _joined(named[0]["error"], message)
            else:
                others.append(f"{path}: {message}")
        elif path in FORM_DEFAULTS or path in GROUPS:
            fields[path] = message
        else:
            others.append(f"{path}: {message}")
    return fields, placed_params, placed_headers, placed_mapping, others


def _cleared_pair(row: PairRow) -> PairRow:
    return PairRow(name=row["name"], value=row["value"], error="", stored=row["stored"])


def preview_cells(preview: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A test call's columns and its rows as the table's text cells (null as empty)."""
    columns = [str(c) for c in preview.get("columns") or []]
    rows = [[_text(row.get(c)) for c in columns] for row in preview.get("rows") or []]
    return columns, rows


def preview_line(preview: Mapping[str, Any]) -> str:
    """``20 rows from 3 pages (the first rows a run would load)`` or why a run would fail."""
    if not preview.get("ok"):
        return f"The test call failed: {preview.get('error') or 'no reason given'}"
    rows, pages = len(preview.get("rows") or []), int(preview.get("pages") or 0)
    return (
        f"{rows} row{'' if rows == 1 else 's'} from {pages} page{'' if pages == 1 else 's'}: "
        "the first rows a run would load."
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _joined(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
