"""Every problem of a connector definition, by field path, so a 400 can list them all: an
invalid cron or time zone, a URL with credentials or on a refused host, header names that
are not tokens, an oversized body, a mapping path that does not parse, columns that
collide, an upsert without a key, a secret used but never given."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from croniter import croniter

from airdeck_domain.alerts.rules import url_problem, zone_problem
from airdeck_domain.connectors.addresses import host_refusal
from airdeck_domain.connectors.paths import PathError, parse, render
from airdeck_domain.connectors.spec import (
    SYSTEM_COLUMN_PREFIX,
    Cursor,
    Definition,
    Destination,
    NoPages,
    PageNumber,
    Schedule,
    Source,
)
from airdeck_domain.connectors.templates import PLACEHOLDER, SECRET_NAME, secret_names

TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
"""An HTTP header name: an RFC 7230 token."""
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TABLE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
CONN_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,250}$")
MAX_BODY_BYTES = 64 * 1024
MAX_HEADERS = 50
MAX_PARAMS = 50
MAX_FIELDS = 100
MAX_PAGES = 1000
MAX_TIMEOUT = 300.0
MAX_TAGS = 20
MAX_RETRIES = 10
MAX_RETRY_DELAY = 3600
FRAMING_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
"""Headers the HTTP client sets itself; one given by hand could smuggle a second request."""
CRON_PRESETS = frozenset({"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"})


def slug_of(name: str) -> str:
    """A slug made from a connector's name: lower case, runs of anything but letters and
    digits as one ``_`` (empty when the name has no letter or digit)."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:63]
    return f"c_{slug}"[:63] if slug[:1].isdigit() else slug


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a connector, or None."""
    if not SLUG.match(slug):
        return (
            f"'{slug}' must start with a letter and hold only lower-case letters, digits and _ "
            "(at most 63)"
        )
    return None


def cron_problem(cron: str) -> str | None:
    """Why ``cron`` is no schedule Airflow runs, or None: five cron fields or a preset such as
    ``@daily``."""
    text = cron.strip()
    if text.startswith("@"):
        if text not in CRON_PRESETS:
            return f"unknown preset '{text}' (use one of {', '.join(sorted(CRON_PRESETS))})"
        return None
    if len(text.split()) != 5 or not croniter.is_valid(text):
        return (
            f"'{cron}' is not a cron expression: give five fields (minute hour day month "
            "weekday), e.g. '*/15 * * * *'"
        )
    return None


def _url_errors(url: str, allow_list: Sequence[str]) -> str | None:
    # The webhooks' checks first: a URL, http(s), a host, no credentials in it.
    problem = url_problem(url, allow_private=True)
    if problem:
        return problem
    parts = urlsplit(url)
    if PLACEHOLDER.search(url):
        return "must not hold secrets: use them in query parameters or headers"
    if parts.fragment:
        return "must not have a #fragment"
    return host_refusal(parts.hostname or "", allow_list)


def _source_errors(source: Source, allow_list: Sequence[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = _url_errors(source.url, allow_list)
    if problem:
        errors["source.url"] = problem
    if len(source.headers) > MAX_HEADERS:
        errors["source.headers"] = f"at most {MAX_HEADERS} headers"
    for name, value in source.headers.items():
        where = f"source.headers.{name}"
        if not TOKEN.match(name):
            errors[where] = (
                f"'{name}' is not a header name: use letters, digits and !#$%&'*+-.^_`|~ only "
                "(RFC 7230 token)"
            )
        elif name.lower() in FRAMING_HEADERS:
            errors[where] = f"'{name}' is set by the HTTP client, not by hand"
        elif any(c in value for c in "\r\n\0"):
            errors[where] = "a header value must not hold line breaks or NUL"
        elif len(value) > 8192:
            errors[where] = "a header value is at most 8192 characters"
    if len(source.params) > MAX_PARAMS:
        errors["source.params"] = f"at most {MAX_PARAMS} query parameters"
    for name, value in source.params.items():
        if not name or len(name) > 128:
            errors[f"source.params.{name}"] = "a parameter name is 1 to 128 characters"
        elif len(value) > 2048:
            errors[f"source.params.{name}"] = "a parameter value is at most 2048 characters"
    if source.body is not None:
        size = len(source.body.encode())
        if source.method == "GET":
            errors["source.body"] = "a GET sends no body: use POST, or query parameters"
        elif size > MAX_BODY_BYTES:
            errors["source.body"] = f"is {size} bytes, above the limit of {MAX_BODY_BYTES}"
    if not 1 <= source.timeout_seconds <= MAX_TIMEOUT:
        errors["source.timeout_seconds"] = f"must be from 1 to {MAX_TIMEOUT:g} seconds"
    if not source.expected_status:
        errors["source.expected_status"] = "needs at least one status, e.g. [200]"
    elif any(not 100 <= status <= 599 for status in source.expected_status):
        errors["source.expected_status"] = "every status must be from 100 to 599"
    errors.update(_pagination_errors(source))
    return errors


def _pagination_errors(source: Source) -> dict[str, str]:
    pages = source.pagination
    where = "source.pagination"
    if isinstance(pages, NoPages):
        return {}
    errors: dict[str, str] = {}
    if not 1 <= pages.max_pages <= MAX_PAGES:
        errors[f"{where}.max_pages"] = f"must be from 1 to {MAX_PAGES}"
    if isinstance(pages, PageNumber):
        if not pages.param:
            errors[f"{where}.param"] = "names the page number's query parameter"
        elif pages.param in source.params:
            errors[f"{where}.param"] = f"'{pages.param}' is also a fixed query parameter"
        if pages.start < 0:
            errors[f"{where}.start"] = "must not be negative"
        if pages.size is not None and pages.size < 1:
            errors[f"{where}.size"] = "must be at least 1"
        if pages.size_param is not None and pages.size is None:
            errors[f"{where}.size"] = "is needed with size_param"
    elif isinstance(pages, Cursor):
        if not pages.param:
            errors[f"{where}.param"] = "names the cursor's query parameter"
        elif pages.param in source.params:
            errors[f"{where}.param"] = f"'{pages.param}' is also a fixed query parameter"
        try:
            if parse(pages.cursor_path).rows is not None:
                errors[f"{where}.cursor_path"] = "points at one value: no [*]"
        except PathError as exc:
            errors[f"{where}.cursor_path"] = f"'{pages.cursor_path}' {exc}"
    return errors


def _mapping_errors(definition: Definition) -> dict[str, str]:
    mapping = definition.mapping
    if not mapping:
        return {"mapping": "needs at least one field"}
    if len(mapping) > MAX_FIELDS:
        return {"mapping": f"at most {MAX_FIELDS} fields"}
    errors: dict[str, str] = {}
    rows: tuple[str, int] | None = None
    columns: dict[str, int] = {}
    for index, field in enumerate(mapping):
        where = f"mapping[{index}]"
        try:
            path = parse(field.path)
        except PathError as exc:
            errors[f"{where}.path"] = f"'{field.path}' {exc}"
        else:
            prefix = "(the whole answer)" if path.rows is None else render(path.rows) + "[*]"
            if rows is None:
                rows = (prefix, index)
            elif rows[0] != prefix:
                errors[f"{where}.path"] = (
                    f"takes its rows from {prefix} but mapping[{rows[1]}] from {rows[0]}: "
                    "every field picks from the same rows"
                )
        column = field.column
        if not IDENTIFIER.match(column):
            errors[f"{where}.column"] = (
                f"'{column}' must be lower-case letters, digits and _ (at most 63), not "
                "starting with a digit"
            )
        elif column.startswith(SYSTEM_COLUMN_PREFIX):
            errors[f"{where}.column"] = f"'{column}' collides with Airdeck's own columns"
        elif column in columns:
            errors[f"{where}.column"] = (
                f"'{column}' collides with mapping[{columns[column]}].column: each column once"
            )
        else:
            columns[column] = index
    return errors


def _destination_errors(destination: Destination, columns: Iterable[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    where = "destination"
    if not TABLE.match(destination.table):
        errors[f"{where}.table"] = (
            f"'{destination.table}' must start with a letter and hold only lower-case letters, "
            "digits and _ (at most 50)"
        )
    if destination.kind == "postgres":
        if not destination.conn_id or not CONN_ID.match(destination.conn_id):
            errors[f"{where}.conn_id"] = "names the Airflow connection of the Postgres database"
        if destination.db_schema is not None and not IDENTIFIER.match(destination.db_schema):
            errors[f"{where}.schema"] = f"'{destination.db_schema}' is not a schema name"
    else:
        if destination.conn_id is not None:
            errors[f"{where}.conn_id"] = "is for kind 'postgres' (the product DB needs none)"
        if destination.db_schema is not None:
            errors[f"{where}.schema"] = "is for kind 'postgres'"
    known = set(columns)
    if destination.mode == "upsert":
        if not destination.key:
            errors[f"{where}.key"] = "upsert needs the key columns that identify a row"
        unknown = [column for column in destination.key if column not in known]
        if unknown:
            errors[f"{where}.key"] = f"not mapped columns: {', '.join(unknown)}"
        elif len(set(destination.key)) != len(destination.key):
            errors[f"{where}.key"] = "names a column twice"
    elif destination.key:
        errors[f"{where}.key"] = "is for mode 'upsert' only"
    return errors


def _schedule_errors(schedule: Schedule) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = cron_problem(schedule.cron)
    if problem:
        errors["schedule.cron"] = problem
    problem = zone_problem(schedule.timezone)
    if problem:
        errors["schedule.timezone"] = problem
    if not 0 <= schedule.retries <= MAX_RETRIES:
        errors["schedule.retries"] = f"must be from 0 to {MAX_RETRIES}"
    if not 1 <= schedule.retry_delay_seconds <= MAX_RETRY_DELAY:
        errors["schedule.retry_delay_seconds"] = f"must be from 1 to {MAX_RETRY_DELAY}"
    return errors


def definition_errors(
    definition: Definition,
    *,
    secrets: Iterable[str] = (),
    allow_list: Sequence[str] = (),
) -> dict[str, str]:
    """What is wrong with a definition, by field path (empty when it may be stored).
    ``secrets`` are the secret names the connector has (stored or given now); ``allow_list``
    the admin's allowed hosts. Whether names resolve to allowed addresses is checked where
    they can be resolved."""
    errors: dict[str, str] = {}
    if not definition.name.strip():
        errors["name"] = "must not be blank"
    if len(definition.tags) > MAX_TAGS:
        errors["tags"] = f"at most {MAX_TAGS}"
    elif any(not tag.strip() or len(tag) > 100 for tag in definition.tags):
        errors["tags"] = "every tag is 1 to 100 characters"
    errors.update(_source_errors(definition.source, allow_list))
    errors.update(_mapping_errors(definition))
    columns = [field.column for field in definition.mapping]
    errors.update(_destination_errors(definition.destination, columns))
    errors.update(_schedule_errors(definition.schedule))
    known = set(secrets)
    for name in sorted(known):
        if not SECRET_NAME.match(name):
            errors[f"secrets.{name}"] = (
                "a secret name is lower-case letters, digits and _, starting with a letter"
            )
    source = definition.source
    used = secret_names([*source.params.values(), *source.headers.values(), source.body])
    missing = sorted(used - known)
    if missing:
        errors["secrets"] = f"used but never given: {', '.join(missing)}"
    return errors
