"""The table a connector loads: its columns from the mapping (plus, in the product DB, the run
that loaded each row and when), created when missing and given the columns new fields add;
and one run's rows loaded in the caller's transaction, appended or upserted on the key."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

from airdeck_domain.connectors.mapping import Row, coerce
from airdeck_domain.connectors.spec import (
    LOADED_AT_COLUMN,
    RUN_ID_COLUMN,
    ConnectorSpec,
    FieldType,
)

TYPES: dict[FieldType, Any] = {
    "string": sa.Text,
    "int": sa.BigInteger,
    "float": sa.Float,
    "bool": sa.Boolean,
    "timestamp": lambda: sa.DateTime(timezone=True),
}


class LoadError(Exception):
    """The destination refused the rows; nothing of the run was written."""


def _key_index_name(table: str, key: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join([table, *key]).encode()).hexdigest()[:20]
    return f"ux_connector_{digest}"


def table_for(spec: ConnectorSpec, metadata: sa.MetaData | None = None) -> sa.Table:
    """The destination table as SQLAlchemy sees it."""
    definition = spec.definition
    destination = definition.destination
    columns: list[sa.Column[Any]] = [
        sa.Column(field.column, TYPES[field.type]()) for field in definition.mapping
    ]
    if destination.kind == "product":
        columns += [
            sa.Column(RUN_ID_COLUMN, sa.String(250)),
            sa.Column(LOADED_AT_COLUMN, sa.DateTime(timezone=True)),
        ]
    table = sa.Table(spec.table, metadata or sa.MetaData(), *columns, schema=destination.db_schema)
    if destination.mode == "upsert":
        sa.Index(
            _key_index_name(spec.table, destination.key),
            *(table.c[column] for column in destination.key),
            unique=True,
        )
    return table


def ensure_table(
    connection: sa.Connection, spec: ConnectorSpec, *, migrate: bool = True
) -> list[str]:
    """Create the table when missing, else (with ``migrate``) add the columns and the key
    index it lacks; what was done, in words. A column already there keeps its type."""
    table = table_for(spec)
    inspector = sa.inspect(connection)
    if not inspector.has_table(table.name, schema=table.schema):
        table.create(connection)
        return [f"created table {table.name}"]
    done: list[str] = []
    if not migrate:
        return done
    present = {column["name"] for column in inspector.get_columns(table.name, table.schema)}
    preparer = connection.dialect.identifier_preparer
    for column in table.columns:
        if column.name in present:
            continue
        kind = column.type.compile(dialect=connection.dialect)
        connection.execute(
            sa.text(
                f"ALTER TABLE {preparer.format_table(table)} "
                f"ADD COLUMN {preparer.quote(column.name)} {kind}"
            )
        )
        done.append(f"added column {column.name}")
    indexes = {index["name"] for index in inspector.get_indexes(table.name, table.schema)}
    for index in table.indexes:
        if index.name not in indexes:
            index.create(connection)
            done.append(f"added unique index on {', '.join(c.name for c in index.columns)}")
    return done


def _typed(spec: ConnectorSpec, rows: Sequence[Row], run_id: str) -> list[Row]:
    """Rows as the table takes them: timestamps that travelled as text read back, and in
    the product DB the run's id and load time."""
    fields = spec.definition.mapping
    product = spec.definition.destination.kind == "product"
    now = datetime.now(UTC)
    typed: list[Row] = []
    for row in rows:
        values = {field.column: coerce(row.get(field.column), field.type) for field in fields}
        if product:
            values[RUN_ID_COLUMN] = run_id
            values[LOADED_AT_COLUMN] = now
        typed.append(values)
    return typed


def load(connection: sa.Connection, spec: ConnectorSpec, rows: Sequence[Row], run_id: str) -> int:
    """Write one run's rows in the caller's transaction (so a failure leaves none written);
    how many were written. ``upsert`` keeps the last of several rows sharing a key."""
    destination = spec.definition.destination
    table = table_for(spec)
    typed = _typed(spec, rows, run_id)
    if not typed:
        return 0
    try:
        if destination.mode == "append":
            connection.execute(table.insert(), typed)
            return len(typed)
        unique = list({tuple(row[k] for k in destination.key): row for row in typed}.values())
        dialect = connection.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        if dialect not in ("postgresql", "sqlite"):
            raise LoadError(f"upsert is not supported on {dialect}")
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c[k] for k in destination.key],
            set_={
                c.name: statement.excluded[c.name]
                for c in table.columns
                if c.name not in destination.key
            },
        )
        connection.execute(statement, unique)
        return len(unique)
    except (sa.exc.SQLAlchemyError, OverflowError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise LoadError(f"{table.name} refused the rows: {reason}") from None


def database_url(
    conn_type: str,
    *,
    host: str | None,
    login: str | None = None,
    password: str | None = None,
    port: int | None = None,
    schema: str | None = None,
) -> URL:
    """The SQLAlchemy URL (synchronous drivers) of an Airflow connection's fields."""
    if conn_type == "sqlite":
        return URL.create("sqlite", database=host)
    if conn_type in ("postgres", "postgresql"):
        return URL.create(
            "postgresql+psycopg2",
            username=login,
            password=password,
            host=host,
            port=port,
            database=schema,
        )
    raise ValueError(f"connection type '{conn_type}' is not a database a connector loads into")


def connection_fields(url: str) -> dict[str, Any]:
    """The Airflow connection fields of the product DB's URL (``database_url`` reads them
    back): SQLite's file as the host, PostgreSQL's database as the schema."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {"conn_type": "sqlite", "host": parsed.database}
    if backend == "postgresql":
        return {
            "conn_type": "postgres",
            "host": parsed.host,
            "port": parsed.port,
            "login": parsed.username,
            "password": parsed.password,
            "schema": parsed.database,
        }
    raise ValueError(f"a product DB on {backend} cannot take connector rows")
