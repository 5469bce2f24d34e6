"""One connector run, task by task, handing its data on through files in a staging folder of
its own (never XCom: the answers may hold personal data, and the metadata DB keeps XCom for
good). ``extract`` writes the pages, ``map_rows`` the rows, ``load_rows`` loads them in one
transaction, and ``outcome`` says how the run went and removes the folder. Each step runs in
``attempt``, which writes why it failed into the folder, so ``outcome`` can tell the run's log."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import sqlalchemy as sa

from airdeck_adapters.connectors.fetch import Fetcher, Log
from airdeck_adapters.connectors.tables import ensure_table, load
from airdeck_domain.connectors.mapping import Row, map_pages
from airdeck_domain.connectors.spec import ConnectorSpec

PAGES = "pages.json"
ROWS = "rows.json"
LOADED = "loaded.json"
FAILURE = "failure.json"
T = TypeVar("T")


class Failure(msgspec.Struct, frozen=True, kw_only=True):
    """Why a step failed."""

    step: str
    message: str


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """How a run went: the rows it loaded, or the failure that stopped it."""

    loaded: int | None = None
    failure: Failure | None = None


class MissingStageError(Exception):
    """A step found nothing from the step before it."""


def stage_of(root: Path, dag_id: str, run_id: str) -> Path:
    """The staging folder of one run."""
    safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", run_id)
    return root / dag_id / safe


def _write(stage: Path, name: str, value: Any) -> None:
    stage.mkdir(parents=True, exist_ok=True)
    temporary = stage / f".{name}.tmp"
    temporary.write_bytes(msgspec.json.encode(value))
    temporary.replace(stage / name)


def _read(stage: Path, name: str, step: str) -> bytes:
    try:
        return (stage / name).read_bytes()
    except FileNotFoundError:
        raise MissingStageError(
            f"{step} found no {name} in {stage}: clear the run from its first task, or point "
            "AIRDECK_CONNECTORS_STAGING at a folder every worker shares"
        ) from None


def attempt(stage: Path, step: str, work: Callable[[], T]) -> T:
    """Run one try of ``step``: why it failed is noted for ``outcome`` before the error goes
    on (to Airflow, which retries it); a try that succeeds clears what an earlier one noted."""
    (stage / FAILURE).unlink(missing_ok=True)
    try:
        return work()
    except Exception as exc:
        _write(stage, FAILURE, Failure(step=step, message=getattr(exc, "message", str(exc))))
        raise


def extract(
    stage: Path, spec: ConnectorSpec, secrets: dict[str, str], *, log: Log, **fetcher: Any
) -> int:
    """Read every page of the source into the stage; how many pages."""
    definition = spec.definition
    reader = Fetcher(
        definition.source,
        definition.mapping,
        secrets,
        allow_list=spec.allowed_hosts,
        max_bytes=spec.max_response_bytes,
        log=log,
        **fetcher,
    )
    try:
        pages = reader.pages()
    finally:
        reader.close()
    _write(stage, PAGES, pages)
    return len(pages)


def map_rows(stage: Path, spec: ConnectorSpec) -> int:
    """Map the staged pages into rows; how many."""
    pages = msgspec.json.decode(_read(stage, PAGES, "map"))
    rows = map_pages(spec.definition.mapping, pages)
    _write(stage, ROWS, rows)
    return len(rows)


def load_rows(stage: Path, spec: ConnectorSpec, engine: sa.Engine, run_id: str) -> int:
    """Load the staged rows in one transaction; how many. The table is made first where it is
    missing, and brought up to the mapping where Airdeck owns it (the product DB); a table of
    another database keeps the columns it has."""
    rows: list[Row] = msgspec.json.decode(_read(stage, ROWS, "load"))
    owned = spec.definition.destination.kind == "product"
    with engine.begin() as connection:
        ensure_table(connection, spec, migrate=owned)
        written = load(connection, spec, rows, run_id)
    _write(stage, LOADED, written)
    return written


def outcome(stage: Path) -> Outcome:
    """How the run went, then its staging folder removed."""
    try:
        if (stage / FAILURE).exists():
            failure = msgspec.json.decode((stage / FAILURE).read_bytes(), type=Failure)
            return Outcome(failure=failure)
        if (stage / LOADED).exists():
            return Outcome(loaded=msgspec.json.decode((stage / LOADED).read_bytes(), type=int))
        return Outcome(
            failure=Failure(
                step="unknown",
                message="a step of this run failed without saying why; see its task's log",
            )
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        # The DAG's folder goes with its last run's (another run may still be using it).
        with contextlib.suppress(OSError):
            stage.parent.rmdir()
