"""Airdeck's connector DAG factory (ADR 0026): one DAG per no-code API connector, built from the
spec files Airdeck's API writes into ``AIRDECK_CONNECTORS_DIR``:

    extract → map → load → notify

``extract`` reads every page of the source over httpx (each address checked after DNS
resolution, secrets read from Airflow Variables), ``map`` picks and types the fields, ``load``
writes the rows in one transaction, and ``notify`` writes the outcome into the run's log: a
failed run fails there too, which the alert rules watching the DAG report. Rows pass from task
to task through files in ``AIRDECK_CONNECTORS_STAGING`` (a folder every worker shares), never
through XCom. ``AIRDECK_CONNECTORS_DEPLOYMENT``, when set, keeps the specs of that deployment.

Without ``AIRDECK_CONNECTORS_DIR`` this file defines no DAG and imports nothing of Airdeck's,
so an Airflow not set up for connectors (or an Airflow 2) parses it cleanly.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airdeck_domain.connectors.spec import ConnectorSpec

log = logging.getLogger(__name__)

SPECS_DIR = os.environ.get("AIRDECK_CONNECTORS_DIR", "")
STAGING = Path(
    os.environ.get("AIRDECK_CONNECTORS_STAGING")
    or Path(tempfile.gettempdir()) / "airdeck-connector-runs"
)
DEPLOYMENT = os.environ.get("AIRDECK_CONNECTORS_DEPLOYMENT") or None
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
"""Where a spec without a creation time starts its schedule."""
MAX_RETRY_DELAY = timedelta(hours=1)


def build_dag(spec: ConnectorSpec) -> Any:
    """The DAG of one connector."""
    # Imported here, not at the top: see the module's docstring.
    import sqlalchemy as sa
    from airflow.sdk import (
        DAG,
        BaseHook,
        CronTriggerTimetable,
        TriggerRule,
        Variable,
        get_current_context,
        task,
    )
    from airflow.sdk.exceptions import AirflowFailException
    from airflow.sdk.log import mask_secret

    from airdeck_adapters.connectors import runs
    from airdeck_adapters.connectors.tables import database_url
    from airdeck_domain.connectors.spec import CONNECTOR_TAG, describe

    definition = spec.definition
    schedule = definition.schedule

    def here() -> tuple[Path, str]:
        run_id: str = get_current_context()["run_id"]
        return runs.stage_of(STAGING, spec.dag_id, run_id), run_id

    def secrets() -> dict[str, str]:
        values = {}
        for name, key in spec.secrets.items():
            value = Variable.get(key)
            mask_secret(value)
            values[name] = value
        return values

    def engine() -> sa.Engine:
        connection = BaseHook.get_connection(spec.conn_id)
        if connection.password:
            mask_secret(connection.password)
        url = database_url(
            connection.conn_type or "",
            host=connection.host,
            login=connection.login,
            password=connection.password,
            port=connection.port,
            schema=connection.schema,
        )
        return sa.create_engine(url)

    with DAG(
        dag_id=spec.dag_id,
        dag_display_name=definition.name,
        description=describe(spec),
        doc_md=f"Airdeck connector **{definition.name}**: {definition.source.method} "
        f"{definition.source.url} → `{spec.table}` ({definition.destination.mode}). "
        "Defined in Airdeck; edit it there, not here.",
        schedule=CronTriggerTimetable(schedule.cron, timezone=schedule.timezone),
        start_date=spec.created_at or EPOCH,
        catchup=schedule.catchup,
        max_active_runs=1,
        is_paused_upon_creation=spec.paused_upon_creation,
        tags=[CONNECTOR_TAG, *definition.tags],
        default_args={
            "owner": "airdeck",
            "retries": schedule.retries,
            "retry_delay": timedelta(seconds=schedule.retry_delay_seconds),
            "retry_exponential_backoff": True,
            "max_retry_delay": MAX_RETRY_DELAY,
        },
    ) as dag:

        @task(task_id="extract")
        def extract() -> None:
            stage, _ = here()
            pages = runs.attempt(
                stage,
                "extract",
                lambda: runs.extract(stage, spec, secrets(), log=log.info),
            )
            log.info("read %d page(s) from %s", pages, definition.source.url)

        @task(task_id="map")
        def map_rows() -> None:
            stage, _ = here()
            rows = runs.attempt(stage, "map", lambda: runs.map_rows(stage, spec))
            log.info("mapped %d row(s)", rows)

        @task(task_id="load")
        def load() -> None:
            stage, run_id = here()

            def write() -> int:
                database = engine()
                try:
                    return runs.load_rows(stage, spec, database, run_id)
                finally:
                    database.dispose()

            written = runs.attempt(stage, "load", write)
            log.info("loaded %d row(s) into %s in one transaction", written, spec.table)

        @task(task_id="notify", trigger_rule=TriggerRule.ALL_DONE)
        def notify() -> None:
            stage, _ = here()
            result = runs.outcome(stage)
            if result.failure is not None:
                message = (
                    f"connector '{definition.name}' failed in {result.failure.step}: "
                    f"{result.failure.message}. Nothing of this run was loaded."
                )
                log.error("%s Alert rules watching %s report it.", message, spec.dag_id)
                raise AirflowFailException(message)
            log.info(
                "connector '%s' loaded %s row(s) into %s",
                definition.name,
                result.loaded,
                spec.table,
            )

        extract() >> map_rows() >> load() >> notify()
    return dag


def build_dags(directory: Path) -> dict[str, Any]:
    """One DAG per readable spec in ``directory``, by DAG id (a spec that cannot be read or
    built is logged and left out)."""
    from airdeck_adapters.connectors.specs import read_specs

    specs, problems = read_specs(directory, DEPLOYMENT)
    for name, problem in problems.items():
        log.error("connector spec %s cannot be read: %s", name, problem)
    dags = {}
    for spec in specs:
        # One connector Airflow refuses must not take every other connector's DAG with it.
        try:
            dags[spec.dag_id] = build_dag(spec)
        except Exception:
            log.exception("connector %s (spec v%d) gives no DAG", spec.slug, spec.version)
    return dags


if SPECS_DIR:
    globals().update(build_dags(Path(SPECS_DIR)))
