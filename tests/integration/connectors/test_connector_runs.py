"""A connector run's steps against the example service's real paginated API on loopback and
real databases: every kind of pagination, the SSRF check on resolved addresses (and the call
pinned to the address checked), the size limit; loads appended or upserted on SQLite and
PostgreSQL, in one transaction that leaves nothing behind when a row is refused; the spec files
the DAG factory reads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from airdeck_adapters.connectors import runs
from airdeck_adapters.connectors.fetch import ExtractError, Fetcher
from airdeck_adapters.connectors.specs import read_specs, remove_spec, write_spec
from airdeck_adapters.connectors.tables import LoadError, ensure_table, load
from airdeck_domain.connectors.mapping import map_pages
from airdeck_domain.connectors.spec import (
    ConnectorSpec,
    Cursor,
    Definition,
    Destination,
    FieldMap,
    LinkHeader,
    PageNumber,
    Pagination,
    Schedule,
    Source,
    table_of,
)
from tests.support.databases import temporary_database

pytestmark = pytest.mark.integration
FIELDS = [
    FieldMap(path="data[*].id", column="id", type="int"),
    FieldMap(path="data[*].user.email", column="email"),
    FieldMap(path="data[*].joined", column="joined", type="timestamp"),
]


def source(example_url: str, pagination: Pagination, **params: str) -> Source:
    return Source(
        url=f"{example_url}/people",
        params={"per_page": "10", **params},
        pagination=pagination,
        timeout_seconds=10,
    )


def pages(src: Source, *, allow: Sequence[str] = ("127.0.0.1",), **options: Any) -> list[Any]:
    fetcher = Fetcher(src, FIELDS, {}, allow_list=allow, **options)
    try:
        return fetcher.pages()
    finally:
        fetcher.close()


@pytest.mark.parametrize(
    "pagination",
    [
        PageNumber(size=10),
        Cursor(cursor_path="next_cursor"),
        LinkHeader(),
    ],
    ids=["page_number", "cursor", "link_header"],
)
def test_every_kind_of_pagination_reads_every_page(
    example_url: str, pagination: Pagination
) -> None:
    read = pages(source(example_url, pagination))
    assert [page["page"] for page in read] == [1, 2, 3]
    assert [row["id"] for row in map_pages(FIELDS, read)] == list(range(1, 26))


def test_max_pages_stops_early(example_url: str) -> None:
    assert len(pages(source(example_url, LinkHeader(max_pages=2)))) == 2


def test_a_name_resolving_to_a_private_address_is_refused_after_resolution(
    example_url: str,
) -> None:
    port = example_url.rsplit(":", 1)[1]
    src = Source(url=f"http://people.test:{port}/people")
    with pytest.raises(ExtractError, match=r"'people.test' resolves to 127.0.0.1"):
        pages(src, allow=(), resolver=lambda host, port: ["127.0.0.1"])
    with pytest.raises(ExtractError, match=r"resolves to 169.254.169.254"):
        pages(src, allow=(), resolver=lambda host, port: ["93.184.216.34", "169.254.169.254"])


def test_the_call_goes_to_the_address_checked(example_url: str) -> None:
    # people.test resolves nowhere but through this resolver: the answer proves the call
    # went to the address the check passed, not to a second lookup.
    port = example_url.rsplit(":", 1)[1]
    src = Source(url=f"http://people.test:{port}/people", params={"per_page": "5"})
    read = pages(src, allow=("127.0.0.1",), resolver=lambda host, port: ["127.0.0.1"])
    assert len(read[0]["data"]) == 5


def test_an_oversized_answer_fails(example_url: str) -> None:
    with pytest.raises(ExtractError, match="more than 100 bytes"):
        pages(source(example_url, PageNumber(size=10)), max_bytes=100)


def spec_for(destination: Destination, fields: Sequence[FieldMap] = FIELDS) -> ConnectorSpec:
    definition = Definition(
        name="people",
        source=Source(url="http://127.0.0.1/people"),
        mapping=list(fields),
        destination=destination,
        schedule=Schedule(cron="@daily"),
    )
    return ConnectorSpec(
        connector_id="c",
        slug="people",
        version=1,
        deployment="default",
        definition=definition,
        conn_id="db",
        table=table_of(destination),
    )


ROWS = [{"id": n, "email": f"p{n}@x", "joined": "2025-01-01T00:00:00Z"} for n in (1, 2, 3)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with temporary_database(request.param, tmp_path) as url:
        yield url


async def written(url: str, spec: ConnectorSpec, batches: Sequence[Sequence[Any]]) -> list[Any]:
    """Load each batch in a transaction of its own (as runs do), then read the table back."""
    engine = create_async_engine(url)
    try:
        for batch in batches:

            def write(connection: sa.Connection, rows: Sequence[Any] = batch) -> None:
                ensure_table(connection, spec)
                load(connection, spec, rows, "run-1")

            async with engine.begin() as connection:
                await connection.run_sync(write)
        async with engine.connect() as connection:
            table = sa.table(spec.table, sa.column("id"), sa.column("email"))
            result = await connection.execute(sa.select(table).order_by(sa.text("id")))
            return [tuple(row) for row in result]
    finally:
        await engine.dispose()


async def test_upserts_replace_rows_by_key_and_appends_add_them(database: str) -> None:
    upsert = spec_for(Destination(table="people", mode="upsert", key=["id"]))
    changed = [{**ROWS[0], "email": "new@x"}, {**ROWS[1]}]
    assert await written(database, upsert, [ROWS, changed]) == [
        (1, "new@x"),
        (2, "p2@x"),
        (3, "p3@x"),
    ]
    append = spec_for(Destination(table="log", mode="append"))
    assert len(await written(database, append, [ROWS, ROWS])) == 6


async def test_a_refused_row_leaves_nothing_of_its_run(database: str) -> None:
    spec = spec_for(Destination(table="people", mode="append"))
    # The last row's id is past a BIGINT: the database refuses it after taking the others.
    bad = [*ROWS, {"id": 2**70, "email": "x", "joined": None}]
    assert await written(database, spec, [[]]) == []  # the table, as Airdeck makes it
    with pytest.raises(LoadError, match="connector_people refused the rows"):
        await written(database, spec, [bad])
    engine = create_async_engine(database)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(sa.text('SELECT count(*) FROM "connector_people"'))
    finally:
        await engine.dispose()
    assert count == 0


async def test_new_fields_become_new_columns(database: str) -> None:
    spec = spec_for(Destination(table="people"))
    await written(database, spec, [ROWS])
    wider = spec_for(Destination(table="people"), [*FIELDS, FieldMap(path="data[*].x", column="x")])
    engine = create_async_engine(database)
    try:
        async with engine.begin() as connection:
            done = await connection.run_sync(lambda c: ensure_table(c, wider))
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in sa.inspect(c).get_columns("connector_people")}
            )
    finally:
        await engine.dispose()
    assert done == ["added column x"]
    assert {"id", "email", "joined", "x", "_airdeck_run_id", "_airdeck_loaded_at"} <= columns


def test_a_run_hands_its_data_on_through_its_stage(example_url: str, tmp_path: Path) -> None:
    spec = msgspec.structs.replace(
        spec_for(Destination(table="people", mode="upsert", key=["id"])),
        allowed_hosts=["127.0.0.1"],
    )
    spec = msgspec.structs.replace(
        spec,
        definition=msgspec.structs.replace(
            spec.definition, source=source(example_url, PageNumber(size=10))
        ),
    )
    stage = runs.stage_of(tmp_path / "runs", spec.dag_id, "manual__2025-01-01T00:00:00+00:00")
    assert runs.attempt(stage, "extract", lambda: runs.extract(stage, spec, {}, log=print)) == 3
    assert runs.map_rows(stage, spec) == 25
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'product.db'}")
    try:
        assert runs.load_rows(stage, spec, engine, "manual__1") == 25
    finally:
        engine.dispose()
    assert runs.outcome(stage) == runs.Outcome(loaded=25)
    assert not stage.exists() and not stage.parent.exists()


def test_a_failed_step_is_what_the_outcome_tells(tmp_path: Path) -> None:
    stage = tmp_path / "run"

    def broken() -> int:
        raise ExtractError("GET http://x/ (page 2) answered 503, expected 200")

    with pytest.raises(ExtractError):
        runs.attempt(stage, "extract", broken)
    with pytest.raises(runs.MissingStageError, match="clear the run from its first task"):
        runs.attempt(stage, "map", lambda: runs.map_rows(stage, spec_for(Destination(table="t"))))
    result = runs.outcome(stage)
    assert result.failure is not None and result.failure.step == "map"
    assert runs.outcome(tmp_path / "never").failure is not None


def test_spec_files_are_written_read_and_removed(tmp_path: Path) -> None:
    spec = spec_for(Destination(table="people"))
    path = write_spec(tmp_path, spec)
    assert path.name == "default--people.json" and oct(path.stat().st_mode)[-3:] == "644"
    (tmp_path / "other--x.json").write_text("{not json")
    found, problems = read_specs(tmp_path, "default")
    assert found == [spec] and problems == {}
    assert set(read_specs(tmp_path)[1]) == {"other--x.json"}
    assert remove_spec(tmp_path, "default", "people") and not path.exists()
    assert not remove_spec(tmp_path, "default", "people")
    assert read_specs(tmp_path / "missing") == ([], {})


def test_asyncio_is_not_needed_by_the_steps() -> None:
    # The steps run inside Airflow's tasks, which have no event loop.
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
