"""What a connector is: its source (the HTTP call and its pagination), its mapping (fields
picked from the answer, typed), its destination table and its schedule; and the spec the DAG
factory reads, which adds what Airdeck decided (the DAG id, the spec's version, where each
secret lives in Airflow, the hosts an admin allowed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Method = Literal["GET", "POST"]
FieldType = Literal["string", "int", "float", "bool", "timestamp"]
WriteMode = Literal["append", "upsert"]
DestinationKind = Literal["product", "postgres"]

CONNECTOR_TAG = "airdeck-connector"
"""The tag every connector DAG carries."""
DAG_PREFIX = "connector_"
TABLE_PREFIX = "connector_"
"""Tables Airdeck creates in its own DB are named ``connector_<table>``, apart from its own."""
SYSTEM_COLUMN_PREFIX = "_airdeck"
RUN_ID_COLUMN = "_airdeck_run_id"
LOADED_AT_COLUMN = "_airdeck_loaded_at"
"""Columns every table in the product DB has besides the mapped ones: the run that loaded a row
and when."""
SECRET_VARIABLE_PREFIX = "airdeck_connector_secret__"
"""Airflow Variables holding connector secrets; "secret" in the key makes Airflow mask them."""


class NoPages(msgspec.Struct, frozen=True, kw_only=True, tag="none", tag_field="kind"):
    """One call, one page."""


class PageNumber(msgspec.Struct, frozen=True, kw_only=True, tag="page_number", tag_field="kind"):
    """Pages numbered from ``start`` in the query parameter ``param`` (with ``size`` rows each
    in ``size_param`` when given); the last page is one with no rows, or fewer than ``size``."""

    param: str = "page"
    start: int = 1
    size_param: str | None = None
    size: int | None = None
    max_pages: int = 100


class Cursor(msgspec.Struct, frozen=True, kw_only=True, tag="cursor", tag_field="kind"):
    """The next page's cursor is read from each answer at ``cursor_path`` and sent in the query
    parameter ``param``; no cursor (missing, null or empty) ends the pages."""

    cursor_path: str
    param: str = "cursor"
    max_pages: int = 100


class LinkHeader(msgspec.Struct, frozen=True, kw_only=True, tag="link_header", tag_field="kind"):
    """The next page is the ``rel="next"`` target of each answer's ``Link`` header (RFC 8288),
    on the same origin as the source."""

    max_pages: int = 100


Pagination = NoPages | PageNumber | Cursor | LinkHeader


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """The HTTP call. Query parameter values, header values and the body template may hold
    ``{{ secrets.NAME }}`` placeholders, filled at run time from Airflow."""

    url: str
    method: Method = "GET"
    params: dict[str, str] = msgspec.field(default_factory=dict)
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    body: str | None = None
    timeout_seconds: float = 30.0
    expected_status: list[int] = msgspec.field(default_factory=lambda: [200])
    pagination: Pagination = msgspec.field(default_factory=NoPages)


class FieldMap(msgspec.Struct, frozen=True, kw_only=True):
    """One column: the value at ``path`` in each row, as ``type``; ``default`` when the answer
    has none there (without a default, a missing value fails the run)."""

    path: str
    column: str
    type: FieldType = "string"
    default: str | int | float | bool | None = None


class Destination(msgspec.Struct, frozen=True, kw_only=True):
    """Where rows go: ``product``, a table Airdeck creates and migrates in its own DB
    (``connector_<table>``); or ``postgres``, a table reached through the Airflow connection
    ``conn_id`` (created there if missing). ``upsert`` replaces the rows whose ``key`` columns
    match; ``append`` adds every row."""

    table: str
    kind: DestinationKind = "product"
    conn_id: str | None = None
    db_schema: str | None = msgspec.field(default=None, name="schema")
    mode: WriteMode = "append"
    key: list[str] = msgspec.field(default_factory=list)


class Schedule(msgspec.Struct, frozen=True, kw_only=True):
    """When the DAG runs: ``cron`` in ``timezone``; missed intervals are not caught up unless
    ``catchup``; a failed task is retried ``retries`` times, waiting from
    ``retry_delay_seconds`` with exponential backoff."""

    cron: str
    timezone: str = "UTC"
    catchup: bool = False
    retries: int = 2
    retry_delay_seconds: int = 60


class Definition(msgspec.Struct, frozen=True, kw_only=True):
    """What a person defines (secret values apart: they go to Airflow, never here)."""

    name: Annotated[str, msgspec.Meta(max_length=128)]
    source: Source
    mapping: list[FieldMap]
    destination: Destination
    schedule: Schedule
    description: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)


class ConnectorSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What the DAG factory builds one DAG from. ``version`` grows with every change of the
    definition, so each change is one new DAG version in Airflow. ``secrets`` maps each secret
    name to the Airflow Variable holding its value; ``conn_id`` is the Airflow connection of
    the destination database; ``allowed_hosts`` the admin's allow-list of private hosts."""

    connector_id: str
    slug: str
    version: int
    deployment: str
    definition: Definition
    conn_id: str
    table: str
    paused_upon_creation: bool = False
    secrets: dict[str, str] = msgspec.field(default_factory=dict)
    allowed_hosts: list[str] = msgspec.field(default_factory=list)
    max_response_bytes: int = 50 * 1024 * 1024
    created_at: datetime | None = None
    """When the connector was created: where a catch-up starts."""

    @property
    def dag_id(self) -> str:
        """The connector's DAG."""
        return dag_id_of(self.slug)


def dag_id_of(slug: str) -> str:
    """The DAG id of a connector: ``connector_<slug>``."""
    return DAG_PREFIX + slug


def table_of(destination: Destination) -> str:
    """The table rows go to: ``connector_<table>`` in the product DB, the table as given
    elsewhere."""
    return TABLE_PREFIX + destination.table if destination.kind == "product" else destination.table


def secret_variable(slug: str, name: str) -> str:
    """The Airflow Variable holding secret ``name`` of connector ``slug``."""
    return f"{SECRET_VARIABLE_PREFIX}{slug}__{name}"


def describe(spec: ConnectorSpec) -> str:
    """The DAG's description: the person's text, then the connector and spec version that
    ``spec_version_of`` reads back from Airflow."""
    text = spec.definition.description or spec.definition.name
    return f"{text} (Airdeck connector, spec v{spec.version})"


def spec_version_of(description: str | None) -> int | None:
    """The spec version a DAG description written by ``describe`` names, or None."""
    if not description or not description.endswith(")"):
        return None
    _, found, rest = description.rpartition("(Airdeck connector, spec v")
    if not found:
        return None
    number = rest[:-1]
    return int(number) if number.isdigit() else None
