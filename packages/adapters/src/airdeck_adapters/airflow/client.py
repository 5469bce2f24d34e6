"""The async HTTP client for one Airflow deployment.

One pooled ``httpx.AsyncClient`` per deployment; every response is decoded into msgspec structs
and translated into domain models; every failure becomes a domain error that names the
deployment but never its URL or credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import msgspec

from airdeck_adapters.airflow import hitl, translate, v1_logs
from airdeck_adapters.airflow.calls import Endpoint, observed_request, send_request_id
from airdeck_adapters.airflow.config import DeploymentConfig
from airdeck_adapters.airflow.dialect import Dialect, dialect_for
from airdeck_adapters.airflow.failures import error_for
from airdeck_adapters.airflow.hitl import (
    PENDING_FILTERS,
    WireHitlDetail,
    WireHitlDetailCollection,
)
from airdeck_adapters.airflow.observer import NO_OBSERVER, AirflowObserver
from airdeck_adapters.airflow.token import TokenManager
from airdeck_adapters.airflow.wire import (
    WireBackfill,
    WireBackfillCollection,
    WireClearedInstances,
    WireComponent,
    WireDag,
    WireDagCollection,
    WireDagDetail,
    WireDagRun,
    WireDagRunCollection,
    WireDagSource,
    WireDagsWithLatestRuns,
    WireDagVersionCollection,
    WireHealth,
    WireLog,
    WirePlannedRuns,
    WireRunStates,
    WireTaskCollection,
    WireTaskInstance,
    WireTaskInstanceCollection,
    WireVersion,
)
from airdeck_domain.backfills import Backfill, PlannedRun, ReprocessBehavior
from airdeck_domain.errors import InvalidInputError, NotFoundError, UnavailableError
from airdeck_domain.models import (
    ComponentReport,
    Dag,
    DagDetail,
    DagRun,
    DagSort,
    DagVersion,
    LastRun,
    LogPage,
    Task,
    TaskInstance,
)
from airdeck_domain.required_actions import ActionState, RequiredAction
from airdeck_domain.versions import DagSource

T = TypeVar("T")
Params = list[tuple[str, str | int | float | bool | None]]

AIRFLOW_PAGE_LIMIT = 100
"""Airflow caps ``limit`` at 100 by default (``[api] maximum_page_limit``)."""
BATCH_PAGE_LIMIT = 5000
"""How many task instances a batch list (``POST …/taskInstances/list``) is asked for at once.
Airflow 2 and 3 cap only the ``limit`` query parameter, not this body's ``page_limit``: a
2,100-instance run is one call, not 22 (0.5 to 0.8 s instead of 2.2 to 2.8 s against the bench
Airflow). A server that does cap it is read in pages of the size it served."""
RUN_STATES = ("queued", "running", "success", "failed")
"""Every state an Airflow 3 DAG run can be in."""
TASK_INSTANCE = "dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"


def last_run_of(run: DagRun) -> LastRun:
    """What a list shows of a DAG's newest run."""
    return LastRun(
        run_id=run.run_id,
        state=run.state,
        start_date=run.start_date,
        end_date=run.end_date,
        logical_date=run.logical_date,
    )


class AirflowClient:
    """Typed access to one Airflow deployment's REST API. Every call is reported to
    ``observer`` and carries the id of the request it is made for (``request_id``)."""

    def __init__(
        self,
        config: DeploymentConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        observer: AirflowObserver = NO_OBSERVER,
    ) -> None:
        self.config = config
        self.name = config.name
        self._observer = observer
        self.dialect: Dialect = dialect_for(config.api_version)
        # The bound on concurrent Airflow calls from this process: callers queue here rather
        # than pile onto an Airflow that is already busy.
        self._in_flight = asyncio.Semaphore(config.max_in_flight)
        auth = (
            None if self.dialect.uses_token else httpx.BasicAuth(config.username, config.password)
        )
        self._http = httpx.AsyncClient(
            base_url=config.url.rstrip("/"),
            timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 5.0)),
            limits=httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            ),
            auth=auth,
            transport=transport,
            headers={"Accept": "application/json"},
            event_hooks={"request": [send_request_id]},
        )
        self.tokens = TokenManager(
            self._http,
            deployment=config.name,
            username=config.username,
            password=config.password,
            observer=observer,
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._http.aclose()

    # -- transport -----------------------------------------------------------------------------

    def _unavailable(self, exc: httpx.HTTPError) -> UnavailableError:
        if isinstance(exc, httpx.TimeoutException):
            reason = f"timed out after {self.config.timeout:g} s"
        else:
            reason = f"is unreachable ({type(exc).__name__})"
        return UnavailableError(f"Airflow deployment '{self.name}' {reason}", deployment=self.name)

    async def _send(
        self,
        method: str,
        endpoint: Endpoint,
        *,
        params: Params | None = None,
        json: Any = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        token = await self.tokens.get() if authenticated and self.dialect.uses_token else None
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {token}"} if token else None
            try:
                async with self._in_flight:
                    response = await observed_request(
                        self._http,
                        self._observer,
                        self.name,
                        method,
                        endpoint,
                        params=params,
                        json=json,
                        headers=headers,
                    )
            except httpx.HTTPError as exc:
                raise self._unavailable(exc) from exc
            if response.status_code == 401 and token and attempt == 1:
                # The token may have been revoked or the server restarted with a new key:
                # fetch a fresh one and retry exactly once.
                self.tokens.invalidate(token)
                token = await self.tokens.get()
                continue
            if response.is_success:
                return response
            raise error_for(response, self.name)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _call(
        self,
        method: str,
        endpoint: Endpoint,
        type_: type[T],
        *,
        params: Params | None = None,
        json: Any = None,
        authenticated: bool = True,
    ) -> T:
        response = await self._send(
            method, endpoint, params=params, json=json, authenticated=authenticated
        )
        try:
            return msgspec.json.decode(response.content, type=type_)
        except msgspec.DecodeError as exc:
            raise UnavailableError(
                f"Airflow deployment '{self.name}' returned an unreadable response",
                deployment=self.name,
            ) from exc

    def _path(self, template: str, **values: str | int) -> Endpoint:
        """``template`` under this API's base path (``dags/{dag_id}`` → ``/api/v2/dags/…``)."""
        return Endpoint.of(f"{self.dialect.base_path}/{template}", **values)

    # -- DAGs -----------------------------------------------------------------------------------

    async def list_dags(
        self,
        *,
        offset: int = 0,
        limit: int = 25,
        search: str | None = None,
        tags: Sequence[str] = (),
        owners: Sequence[str] = (),
        paused: bool | None = None,
        sort: DagSort = "dag_id",
    ) -> tuple[list[Dag], int]:
        """One page of DAGs in ``sort`` order, and the number of all matches.

        InvalidInputError when this deployment's Airflow cannot sort that way.
        """
        if owners and not self.dialect.filters_owners:
            matching = await self._every_dag_of(
                owners, search=search, tags=tags, paused=paused, sort=sort
            )
            return matching[offset : offset + limit], len(matching)
        params: Params = [
            ("offset", offset),
            ("limit", limit),
            ("order_by", self._dag_order(sort)),
            *self.dialect.dag_list_params,
        ]
        if search:
            params.append(("dag_id_pattern", search))
        params += [("tags", tag) for tag in tags]
        params += [("owners", owner) for owner in owners]
        if paused is not None:
            params.append(("paused", str(paused).lower()))
        page = await self._call("GET", self._path("dags"), WireDagCollection, params=params)
        return [translate.dag(d, self.name) for d in page.dags], page.total_entries

    async def every_dag(
        self,
        *,
        search: str | None = None,
        owners: Sequence[str] = (),
        paused: bool | None = None,
        sort: DagSort = "dag_id",
    ) -> list[Dag]:
        """Every DAG matching the filters, in ``sort`` order: the first page says how many
        there are, then the rest are read at once, each page as large as Airflow allows."""
        if owners and not self.dialect.filters_owners:
            return await self._every_dag_of(
                owners, search=search, tags=(), paused=paused, sort=sort
            )
        return await self._every_dag(
            search=search, tags=(), owners=owners, paused=paused, sort=sort
        )

    async def _every_dag(
        self,
        *,
        search: str | None,
        tags: Sequence[str],
        owners: Sequence[str],
        paused: bool | None,
        sort: DagSort,
    ) -> list[Dag]:
        first, total = await self.list_dags(
            limit=AIRFLOW_PAGE_LIMIT,
            search=search,
            tags=tags,
            owners=owners,
            paused=paused,
            sort=sort,
        )
        rest = await asyncio.gather(
            *(
                self.list_dags(
                    offset=offset,
                    limit=AIRFLOW_PAGE_LIMIT,
                    search=search,
                    tags=tags,
                    owners=owners,
                    paused=paused,
                    sort=sort,
                )
                for offset in range(AIRFLOW_PAGE_LIMIT, total, AIRFLOW_PAGE_LIMIT)
            )
        )
        return first + [dag for page, _ in rest for dag in page]

    async def _every_dag_of(
        self,
        owners: Sequence[str],
        *,
        search: str | None,
        tags: Sequence[str],
        paused: bool | None,
        sort: DagSort,
    ) -> list[Dag]:
        """Every DAG of any of ``owners`` matching the other filters, filtered here for an
        Airflow whose DAG list has no owner filter (Airflow 2): Airflow pages and sorts by the
        other filters, this keeps the owners' DAGs in that order. An owner matches as Airflow
        3's filter does: case-insensitively, anywhere in one of the DAG's owner names."""
        wanted = [owner.lower() for owner in owners]
        every = await self._every_dag(search=search, tags=tags, owners=(), paused=paused, sort=sort)
        return [
            dag
            for dag in every
            if any(part in owner.lower() for owner in dag.owners for part in wanted)
        ]

    def _dag_order(self, sort: DagSort) -> str:
        descending, field = sort.startswith("-"), sort.removeprefix("-")
        airflow_field = self.dialect.dag_order_fields.get(field)
        if airflow_field is None:
            raise InvalidInputError(
                f"deployment {self.name!r} cannot sort DAGs by {field}; sort by one of: "
                + ", ".join(sorted(self.dialect.dag_order_fields)),
                errors={"sort": "not supported by this deployment"},
            )
        # Airflow breaks ties by primary key, so pages stay disjoint under any order.
        return ("-" if descending else "") + airflow_field

    async def get_dag(self, dag_id: str) -> DagDetail:
        """A DAG's detail: params, doc, latest version."""
        detail = self._call(
            "GET", self._path("dags/{dag_id}/details", dag_id=dag_id), WireDagDetail
        )
        if self.dialect.detail_has_owners:
            return translate.dag_detail(await detail, self.name)
        wire, listed = await asyncio.gather(
            detail, self._call("GET", self._path("dags/{dag_id}", dag_id=dag_id), WireDag)
        )
        return translate.dag_detail(msgspec.structs.replace(wire, owners=listed.owners), self.name)

    async def set_paused(self, dag_id: str, is_paused: bool) -> Dag:
        """Pause or unpause a DAG; returns it as Airflow now has it."""
        wire = await self._call(
            "PATCH",
            self._path("dags/{dag_id}", dag_id=dag_id),
            WireDag,
            params=[("update_mask", "is_paused")],
            json={"is_paused": is_paused},
        )
        return translate.dag(wire, self.name)

    async def delete_dag(self, dag_id: str) -> None:
        """Delete a DAG and its history from Airflow (it comes back if its file still
        defines it)."""
        await self._send("DELETE", self._path("dags/{dag_id}", dag_id=dag_id))

    # -- connections and variables (connector secrets) ------------------------------------------

    async def put_variable(self, key: str, value: str, description: str | None = None) -> None:
        """Create or replace a Variable (the service account needs Airflow's "op" role)."""
        body = {"key": key, "value": value, "description": description}
        try:
            await self._send("PATCH", self._path("variables/{key}", key=key), json=body)
        except NotFoundError:
            await self._send("POST", self._path("variables"), json=body)

    async def delete_variable(self, key: str) -> None:
        """Delete a Variable; one already gone is fine."""
        with contextlib.suppress(NotFoundError):
            await self._send("DELETE", self._path("variables/{key}", key=key))

    async def put_connection(self, conn_id: str, fields: dict[str, Any]) -> None:
        """Create or replace a connection from its fields (``conn_type``, ``host``, ``login``,
        ``password``, ``port``, ``schema``, ``extra``)."""
        body = {"connection_id": conn_id, **fields}
        try:
            await self._send(
                "PATCH", self._path("connections/{conn_id}", conn_id=conn_id), json=body
            )
        except NotFoundError:
            await self._send("POST", self._path("connections"), json=body)

    async def connection_exists(self, conn_id: str) -> bool:
        """Whether Airflow has a connection of that id."""
        try:
            await self._send("GET", self._path("connections/{conn_id}", conn_id=conn_id))
        except NotFoundError:
            return False
        return True

    # -- runs -----------------------------------------------------------------------------------

    async def list_runs(
        self,
        dag_id: str,
        *,
        offset: int = 0,
        limit: int = 20,
        states: Sequence[str] = (),
    ) -> tuple[list[DagRun], int]:
        """One page of a DAG's runs, newest first, and the number of all matches. A page
        larger than Airflow's query-parameter cap (``AIRFLOW_PAGE_LIMIT``) is read through
        the batch list, whose page size Airflow does not cap (ADR 0027)."""
        if limit > AIRFLOW_PAGE_LIMIT:
            return await self._runs_batch(dag_id, offset=offset, limit=limit, states=states)
        params: Params = [
            ("offset", offset),
            ("limit", limit),
            ("order_by", self.dialect.runs_order),
        ]
        params += [("state", state) for state in states]
        page = await self._call(
            "GET",
            self._path("dags/{dag_id}/dagRuns", dag_id=dag_id),
            WireDagRunCollection,
            params=params,
        )
        return [translate.dag_run(r, self.name) for r in page.dag_runs], page.total_entries

    async def _runs_batch(
        self, dag_id: str, *, offset: int, limit: int, states: Sequence[str]
    ) -> tuple[list[DagRun], int]:
        """``list_runs`` through ``POST …/dags/~/dagRuns/list``: one call while Airflow serves
        the whole page at once, else the rest in parts of the size it served, concurrently."""
        endpoint = self._path("dags/~/dagRuns/list")
        only = {"states": list(states)} if states else {}

        async def part(start: int, size: int) -> WireDagRunCollection:
            body = {
                "dag_ids": [dag_id],
                "order_by": self.dialect.runs_order,
                "page_offset": start,
                "page_limit": size,
                **only,
            }
            return await self._call("POST", endpoint, WireDagRunCollection, json=body)

        first = await part(offset, limit)
        served = len(first.dag_runs)
        end = min(offset + limit, first.total_entries)
        starts = range(offset + served, end, served) if served else range(0)
        rest = await asyncio.gather(*(part(start, min(served, end - start)) for start in starts))
        wires = [w for page in (first, *rest) for w in page.dag_runs]
        return [translate.dag_run(w, self.name) for w in wires], first.total_entries

    async def latest_runs(self, dag_ids: Sequence[str]) -> dict[str, LastRun | None]:
        """The newest run of each DAG (None for one that never ran), in one call.

        Airflow 3 lists DAGs with their latest run in one call (the one its own UI uses). Where
        that call is missing, the newest runs of all these DAGs are read together, newest first,
        keeping the first of each; only when such a page is full before every DAG showed up
        (some DAG ran 100+ times since another's last run) is another call made, for the DAGs
        still missing.
        """
        wanted = list(dict.fromkeys(dag_ids))
        if not wanted:
            return {}
        if self.dialect.latest_runs_path is not None:
            try:
                return await self._latest_runs_at_once(
                    Endpoint.of(self.dialect.latest_runs_path), wanted
                )
            except (NotFoundError, InvalidInputError):
                pass  # This Airflow has no such call (or reads it differently): batch instead.
        return await self._latest_runs_batched(wanted)

    async def _latest_runs_at_once(
        self, endpoint: Endpoint, dag_ids: list[str]
    ) -> dict[str, LastRun | None]:
        params: Params = [("dag_runs_limit", 1), ("limit", len(dag_ids)), ("offset", 0)]
        params += [("dag_ids", dag_id) for dag_id in dag_ids]
        page = await self._call("GET", endpoint, WireDagsWithLatestRuns, params=params)
        latest: dict[str, LastRun | None] = dict.fromkeys(dag_ids)
        for dag in page.dags:
            if dag.dag_id in latest and dag.latest_dag_runs:
                newest = dag.latest_dag_runs[0]
                latest[dag.dag_id] = LastRun(
                    run_id=newest.run_id,
                    state=newest.state,
                    start_date=newest.start_date,
                    end_date=newest.end_date,
                    logical_date=newest.logical_date,
                )
        return latest

    async def _latest_runs_batched(self, dag_ids: list[str]) -> dict[str, LastRun | None]:
        latest: dict[str, LastRun | None] = {}
        wanted = dag_ids
        while wanted:
            page = await self._call(
                "POST",
                self._path("dags/~/dagRuns/list"),
                WireDagRunCollection,
                json={
                    "dag_ids": wanted,
                    "order_by": self.dialect.runs_order,
                    "page_limit": AIRFLOW_PAGE_LIMIT,
                },
            )
            for wire in page.dag_runs:
                if wire.dag_id in wanted and wire.dag_id not in latest:
                    latest[wire.dag_id] = last_run_of(translate.dag_run(wire, self.name))
            seen_all = len(page.dag_runs) >= page.total_entries or not page.dag_runs
            wanted = [d for d in wanted if d not in latest]
            if seen_all:
                latest.update(dict.fromkeys(wanted))
                break
        return latest

    async def runs_started_between(
        self, start: datetime, end: datetime, *, most: int = 2000, dag_ids: Sequence[str] = ()
    ) -> tuple[list[DagRun], bool]:
        """Every DAG's runs (only ``dag_ids``' when given) started in ``[start, end]``, oldest
        first, at most ``most`` of them, and whether more were left out. One call per 100 runs
        (Airflow's batch list, which both API versions read with the same body); the later
        pages are read together."""
        only = {"dag_ids": list(dag_ids)} if dag_ids else {}

        async def part(offset: int) -> WireDagRunCollection:
            return await self._call(
                "POST",
                self._path("dags/~/dagRuns/list"),
                WireDagRunCollection,
                json={
                    "start_date_gte": start.isoformat(),
                    "start_date_lte": end.isoformat(),
                    "order_by": "start_date",
                    "page_offset": offset,
                    "page_limit": AIRFLOW_PAGE_LIMIT,
                    **only,
                },
            )

        first = await part(0)
        total = min(first.total_entries, most)
        offsets = range(AIRFLOW_PAGE_LIMIT, total, AIRFLOW_PAGE_LIMIT)
        rest = await asyncio.gather(*(part(offset) for offset in offsets))
        wires = [*first.dag_runs, *(w for page in rest for w in page.dag_runs)][:most]
        return [translate.dag_run(w, self.name) for w in wires], first.total_entries > most

    async def get_run(self, dag_id: str, run_id: str) -> DagRun:
        """One run."""
        wire = await self._call(
            "GET",
            self._path("dags/{dag_id}/dagRuns/{run_id}", dag_id=dag_id, run_id=run_id),
            WireDagRun,
        )
        return translate.dag_run(wire, self.name)

    async def trigger(
        self,
        dag_id: str,
        *,
        conf: dict[str, Any],
        note: str | None = None,
        run_id: str | None = None,
    ) -> DagRun:
        """Start a run now; conf must already be validated by the caller."""
        wire = await self._call(
            "POST",
            self._path("dags/{dag_id}/dagRuns", dag_id=dag_id),
            WireDagRun,
            json=self.dialect.trigger_body(conf, note, run_id),
        )
        return translate.dag_run(wire, self.name)

    # -- tasks ----------------------------------------------------------------------------------

    async def list_tasks(self, dag_id: str) -> list[Task]:
        """The tasks of a DAG's latest structure."""
        page = await self._call(
            "GET", self._path("dags/{dag_id}/tasks", dag_id=dag_id), WireTaskCollection
        )
        return [translate.task(t) for t in page.tasks if t.task_id]

    async def _instance_batches(self, body: dict[str, Any]) -> list[WireTaskInstance]:
        """Every task instance the batch list's filters in ``body`` select: one call while
        Airflow serves ``BATCH_PAGE_LIMIT`` at once, else the rest in pages of the size it
        served, concurrently. Each instance is kept once: Airflow 2 orders the list by
        nothing, so the pages of a run that changes while they are read may overlap."""
        endpoint = self._path("dags/~/dagRuns/~/taskInstances/list")

        async def part(offset: int, size: int) -> WireTaskInstanceCollection:
            page = {**body, "page_offset": offset, "page_limit": size}
            return await self._call("POST", endpoint, WireTaskInstanceCollection, json=page)

        first = await part(0, BATCH_PAGE_LIMIT)
        served = len(first.task_instances)
        offsets = range(served, first.total_entries, served) if served else range(0)
        rest = await asyncio.gather(*(part(offset, served) for offset in offsets))
        items: dict[tuple[str | None, str, int], WireTaskInstance] = {}
        for page in (first, *rest):
            for wire in page.task_instances:
                items.setdefault((wire.dag_run_id, wire.task_id, wire.map_index), wire)
        return list(items.values())

    async def task_instances(self, dag_id: str, run_id: str) -> list[TaskInstance]:
        """Every task instance of a run, mapped ones included, in map index order: one
        Airflow call however many there are (see ``BATCH_PAGE_LIMIT``)."""
        return (await self.task_instances_of_runs(dag_id, [run_id]))[run_id]

    async def task_instances_of_runs(
        self, dag_id: str, run_ids: Sequence[str]
    ) -> dict[str, list[TaskInstance]]:
        """Every task instance of each of a DAG's ``run_ids``, by run id and in map index
        order, read together through the batched list (``POST …/dags/~/dagRuns/~/
        taskInstances/list``, in Airflow 2 and 3): one call while Airflow serves them at once
        (see ``BATCH_PAGE_LIMIT``)."""
        wanted = list(dict.fromkeys(run_ids))
        found: dict[str, list[TaskInstance]] = {run_id: [] for run_id in wanted}
        if not wanted:
            return found
        wires = await self._instance_batches({"dag_ids": [dag_id], "dag_run_ids": wanted})
        for wire in sorted(wires, key=lambda w: w.map_index):
            if wire.dag_run_id in found:
                found[wire.dag_run_id].append(translate.task_instance(wire))
        return found

    async def mapped_instances(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        offset: int = 0,
        limit: int = 50,
        states: Sequence[str] = (),
    ) -> tuple[list[TaskInstance], int]:
        """One page of a mapped task's instances ordered by map index, and their number. A page
        larger than Airflow serves at once is read in Airflow-sized parts, concurrently."""
        endpoint = self._path(
            "dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/listMapped",
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
        )

        async def part(start: int, size: int) -> WireTaskInstanceCollection:
            params: Params = [("offset", start), ("limit", size)]
            if self.dialect.instance_order:
                params.append(("order_by", self.dialect.instance_order))
            params += [("state", state) for state in states]
            return await self._call("GET", endpoint, WireTaskInstanceCollection, params=params)

        first = await part(offset, min(limit, AIRFLOW_PAGE_LIMIT))
        end = min(offset + limit, first.total_entries)
        rest = await asyncio.gather(
            *(
                part(start, min(AIRFLOW_PAGE_LIMIT, end - start))
                for start in range(offset + AIRFLOW_PAGE_LIMIT, end, AIRFLOW_PAGE_LIMIT)
            )
        )
        wires = [w for page in (first, *rest) for w in page.task_instances]
        return [translate.task_instance(w) for w in wires], first.total_entries

    async def task_instance(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> TaskInstance:
        """One task instance (a mapped one by its index)."""
        template = TASK_INSTANCE + ("/{map_index}" if map_index >= 0 else "")
        endpoint = self._path(
            template, dag_id=dag_id, run_id=run_id, task_id=task_id, map_index=map_index
        )
        wire = await self._call("GET", endpoint, WireTaskInstance)
        return translate.task_instance(wire)

    async def task_instance_tries(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> list[TaskInstance]:
        """Every try of a task instance Airflow keeps (``…/tries``, Airflow 2.10+ and 3): the
        earlier ones from its history and the current one, each as the instance was then."""
        template = TASK_INSTANCE + ("/{map_index}" if map_index >= 0 else "") + "/tries"
        endpoint = self._path(
            template, dag_id=dag_id, run_id=run_id, task_id=task_id, map_index=map_index
        )
        page = await self._call(
            "GET", endpoint, WireTaskInstanceCollection, params=[("limit", AIRFLOW_PAGE_LIMIT)]
        )
        return [translate.task_instance(w) for w in page.task_instances]

    async def clear(
        self,
        dag_id: str,
        run_id: str,
        task_ids: Sequence[str | tuple[str, int]],
        *,
        include_downstream: bool = False,
        include_upstream: bool = False,
        only_failed: bool = False,
        dry_run: bool = False,
    ) -> list[TaskInstance]:
        """Clear task instances so the scheduler runs them again.

        Returns the instances cleared (or, with ``dry_run``, those that would be). Airflow 2
        answers references (ids only; every instance of a mapped task under index -1).
        InvalidInputError, before any call, for single mapped instances on an Airflow that
        clears a mapped task only whole (Airflow 2).
        """
        if not self.dialect.clears_map_indexes and any(isinstance(t, tuple) for t in task_ids):
            raise InvalidInputError(
                f"deployment {self.name!r} (Airflow 2) clears all of a mapped task's instances "
                "together: omit map_indexes",
                errors={"map_indexes": "not supported by this deployment"},
            )
        body = {
            "dry_run": dry_run,
            "dag_run_id": run_id,
            "task_ids": [list(t) if isinstance(t, tuple) else t for t in task_ids],
            "include_downstream": include_downstream,
            "include_upstream": include_upstream,
            "only_failed": only_failed,
            "reset_dag_runs": True,
        }
        page = await self._call(
            "POST",
            self._path("dags/{dag_id}/clearTaskInstances", dag_id=dag_id),
            WireClearedInstances,
            json=body,
        )
        return [translate.task_instance(w) for w in page.task_instances]

    async def set_task_state(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        state: str,
        map_index: int = -1,
        include_downstream: bool = False,
        include_upstream: bool = False,
        dry_run: bool = False,
    ) -> list[TaskInstance]:
        """Mark a task instance success, failed or skipped; returns the instances Airflow
        changed (with ``dry_run``, those it would change, as they are now)."""
        if self.dialect.marks_by_reference:
            mark = self._mark_by_reference_dry_run if dry_run else self._mark_by_reference
            return await mark(
                dag_id,
                run_id,
                task_id,
                state=state,
                map_index=map_index,
                include_downstream=include_downstream,
                include_upstream=include_upstream,
            )
        template = self.dialect.mark_path(TASK_INSTANCE, map_index)
        endpoint = self._path(
            template + ("/dry_run" if dry_run else ""),
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            map_index=map_index,
        )
        page = await self._call(
            "PATCH",
            endpoint,
            WireTaskInstanceCollection,
            json={
                "new_state": state,
                "include_downstream": include_downstream,
                "include_upstream": include_upstream,
            },
        )
        return [translate.task_instance(w) for w in page.task_instances]

    async def _mark_by_reference_dry_run(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        state: str,
        map_index: int,
        include_downstream: bool,
        include_upstream: bool,
    ) -> list[TaskInstance]:
        """Airflow 2's dry run of a mark. One instance alone: that instance, read as it is (a
        mark of it changes it and nothing else). With upstream or downstream:
        ``updateTaskInstancesState`` told ``dry_run``, which lists references (ids only)."""
        if not (include_downstream or include_upstream):
            return [await self.task_instance(dag_id, run_id, task_id, map_index)]
        changed = await self._update_task_instances_state(
            dag_id,
            run_id,
            task_id,
            state=state,
            map_index=map_index,
            include_downstream=include_downstream,
            include_upstream=include_upstream,
            dry_run=True,
        )
        return [translate.task_instance(w) for w in changed]

    async def _mark_by_reference(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        state: str,
        map_index: int,
        include_downstream: bool,
        include_upstream: bool,
    ) -> list[TaskInstance]:
        """Airflow 2's marks, both a dry run unless ``dry_run`` is sent false. One instance: its
        own PATCH, whose answer is not read: the spec promises one reference, but 2.11 answers
        ``{}`` once it really changed something (it dumps the list it changed as one). With
        upstream or downstream: ``updateTaskInstancesState``, which answers a list of
        references (ids only) but cannot name a map index. Each instance is given the state
        just set."""
        if not (include_downstream or include_upstream):
            endpoint = self._path(
                self.dialect.mark_path(TASK_INSTANCE, map_index),
                dag_id=dag_id,
                run_id=run_id,
                task_id=task_id,
                map_index=map_index,
            )
            await self._send("PATCH", endpoint, json={"dry_run": False, "new_state": state})
            changed = [WireTaskInstance(task_id=task_id, dag_run_id=run_id, map_index=map_index)]
        else:
            changed = await self._update_task_instances_state(
                dag_id,
                run_id,
                task_id,
                state=state,
                map_index=map_index,
                include_downstream=include_downstream,
                include_upstream=include_upstream,
                dry_run=False,
            )
        return [translate.task_instance(msgspec.structs.replace(w, state=state)) for w in changed]

    async def _update_task_instances_state(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        state: str,
        map_index: int,
        include_downstream: bool,
        include_upstream: bool,
        dry_run: bool,
    ) -> list[WireTaskInstance]:
        """Airflow 2's ``updateTaskInstancesState``: a task with its upstream or downstream
        tasks (references, ids only), which cannot name a map index (400 when one is given)."""
        if map_index >= 0:
            raise InvalidInputError(
                f"deployment {self.name!r} (Airflow 2) cannot mark one mapped instance with its "
                "upstream or downstream tasks: mark the instance alone, or the whole task",
                errors={"map_index": "not supported with include_upstream/include_downstream"},
            )
        page = await self._call(
            "POST",
            self._path("dags/{dag_id}/updateTaskInstancesState", dag_id=dag_id),
            WireClearedInstances,
            json={
                "dry_run": dry_run,
                "task_id": task_id,
                "dag_run_id": run_id,
                "include_upstream": include_upstream,
                "include_downstream": include_downstream,
                "include_future": False,
                "include_past": False,
                "new_state": state,
            },
        )
        return page.task_instances

    # -- whole runs ----------------------------------------------------------------------------

    async def set_run_state(self, dag_id: str, run_id: str, state: str) -> DagRun:
        """Mark a whole run success or failed (Airflow sets its unfinished task instances
        along); returns the run as Airflow now has it."""
        return await self._patch_run(dag_id, run_id, "state", {"state": state})

    async def set_run_note(self, dag_id: str, run_id: str, note: str | None) -> DagRun:
        """Set (or, with None, remove) a run's note; returns the run as Airflow now has it (a
        removed note is None, also where Airflow keeps it as an empty one)."""
        sent = "" if note is None and not self.dialect.notes_nullable else note
        run = await self._patch_run(dag_id, run_id, "note", {"note": sent})
        return run if run.note else msgspec.structs.replace(run, note=None)

    async def _patch_run(
        self, dag_id: str, run_id: str, field: str, body: dict[str, Any]
    ) -> DagRun:
        suffix, params = self.dialect.run_patch(field)
        wire = await self._call(
            "PATCH",
            self._path("dags/{dag_id}/dagRuns/{run_id}" + suffix, dag_id=dag_id, run_id=run_id),
            WireDagRun,
            params=list(params),
            json=body,
        )
        return translate.dag_run(wire, self.name)

    async def clear_run(
        self, dag_id: str, run_id: str, *, only_failed: bool = False, dry_run: bool = False
    ) -> list[TaskInstance]:
        """Clear every task instance of a run (only the failed ones with ``only_failed``) so
        the run goes again; returns the instances cleared, or with ``dry_run`` those that would
        be. Through ``clearTaskInstances`` naming the run and no task, which both API versions
        answer with the instances (Airflow 3's ``…/dagRuns/{run}/clear`` answers the run
        instead once it really cleared)."""
        body = {
            "dry_run": dry_run,
            "dag_run_id": run_id,
            "only_failed": only_failed,
            "reset_dag_runs": True,
        }
        page = await self._call(
            "POST",
            self._path("dags/{dag_id}/clearTaskInstances", dag_id=dag_id),
            WireClearedInstances,
            json=body,
        )
        return [translate.task_instance(w) for w in page.task_instances]

    # -- backfills and DAG versions (Airflow 3) ---------------------------------------------------

    def require_feature(self, feature: str) -> None:
        """InvalidInputError (400), before any call, when this deployment's Airflow has no
        ``feature`` at all."""
        why = self.dialect.missing_features.get(feature)
        if why is not None:
            raise InvalidInputError(
                f"deployment {self.name!r} cannot do this: {why}",
                errors={"deployment": f"{feature.replace('_', ' ')} not supported"},
                deployment=self.name,
            )

    def _backfill_body(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: ReprocessBehavior,
        max_active_runs: int,
        run_backwards: bool,
        conf: dict[str, Any],
    ) -> dict[str, Any]:
        return {
            "dag_id": dag_id,
            "from_date": from_date.isoformat(),
            "to_date": to_date.isoformat(),
            "run_backwards": run_backwards,
            "dag_run_conf": conf,
            "reprocess_behavior": reprocess_behavior,
            "max_active_runs": max_active_runs,
        }

    async def plan_backfill(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: ReprocessBehavior = "none",
        max_active_runs: int = 10,
        run_backwards: bool = False,
        conf: dict[str, Any] | None = None,
    ) -> list[PlannedRun]:
        """The runs a backfill of ``[from_date, to_date]`` would create (Airflow's dry run);
        nothing is created."""
        self.require_feature("backfills")
        page = await self._call(
            "POST",
            self._path("backfills/dry_run"),
            WirePlannedRuns,
            json=self._backfill_body(
                dag_id,
                from_date,
                to_date,
                reprocess_behavior=reprocess_behavior,
                max_active_runs=max_active_runs,
                run_backwards=run_backwards,
                conf=conf or {},
            ),
        )
        return [
            PlannedRun(logical_date=w.logical_date, partition_key=w.partition_key)
            for w in page.backfills
        ]

    async def create_backfill(
        self,
        dag_id: str,
        from_date: datetime,
        to_date: datetime,
        *,
        reprocess_behavior: ReprocessBehavior = "none",
        max_active_runs: int = 10,
        run_backwards: bool = False,
        conf: dict[str, Any] | None = None,
    ) -> Backfill:
        """Start a backfill of ``[from_date, to_date]``; ``conf`` must already be validated.
        ConflictError when the DAG has a backfill running already."""
        self.require_feature("backfills")
        wire = await self._call(
            "POST",
            self._path("backfills"),
            WireBackfill,
            json=self._backfill_body(
                dag_id,
                from_date,
                to_date,
                reprocess_behavior=reprocess_behavior,
                max_active_runs=max_active_runs,
                run_backwards=run_backwards,
                conf=conf or {},
            ),
        )
        return translate.backfill(wire, self.name)

    async def list_backfills(
        self, dag_id: str, *, offset: int = 0, limit: int = 20, newest_first: bool = False
    ) -> tuple[list[Backfill], int]:
        """One page of a DAG's backfills, oldest first (or newest first), and how many it has."""
        self.require_feature("backfills")
        order = "-id" if newest_first else "id"
        page = await self._call(
            "GET",
            self._path("backfills"),
            WireBackfillCollection,
            params=[("dag_id", dag_id), ("offset", offset), ("limit", limit), ("order_by", order)],
        )
        return [translate.backfill(w, self.name) for w in page.backfills], page.total_entries

    async def backfill_run_states(
        self, dag_id: str, from_date: datetime, to_date: datetime
    ) -> dict[str, int]:
        """How many of the DAG's backfill runs due in ``[from_date, to_date]`` are in each
        state: one read when they fit a page, else a count per state."""
        self.require_feature("backfills")
        endpoint = self._path("dags/{dag_id}/dagRuns", dag_id=dag_id)
        base: Params = [
            ("run_type", "backfill"),
            ("logical_date_gte", from_date.isoformat()),
            ("logical_date_lte", to_date.isoformat()),
        ]

        async def read(extra: Params, limit: int) -> WireRunStates:
            return await self._call(
                "GET", endpoint, WireRunStates, params=[*base, *extra, ("limit", limit)]
            )

        first = await read([], AIRFLOW_PAGE_LIMIT)
        if len(first.dag_runs) >= first.total_entries:
            return dict(Counter(run.state or "none" for run in first.dag_runs))
        pages = await asyncio.gather(*(read([("state", s)], 0) for s in RUN_STATES))
        return {state: page.total_entries for state, page in zip(RUN_STATES, pages, strict=True)}

    async def get_backfill(self, backfill_id: int) -> Backfill:
        """One backfill, by its id."""
        self.require_feature("backfills")
        wire = await self._call(
            "GET", self._path("backfills/{backfill_id}", backfill_id=backfill_id), WireBackfill
        )
        return translate.backfill(wire, self.name)

    async def change_backfill(self, backfill_id: int, change: str) -> Backfill:
        """``pause``, ``unpause`` or ``cancel`` a backfill; returns it as Airflow now has it
        (ConflictError for one that already completed)."""
        self.require_feature("backfills")
        wire = await self._call(
            "PUT",
            self._path("backfills/{backfill_id}/" + change, backfill_id=backfill_id),
            WireBackfill,
        )
        return translate.backfill(wire, self.name)

    async def dag_versions(
        self, dag_id: str, *, offset: int = 0, limit: int = 100
    ) -> tuple[list[DagVersion], int]:
        """One page of a DAG's versions, oldest first, and how many it has."""
        self.require_feature("dag_versions")
        page = await self._call(
            "GET",
            self._path("dags/{dag_id}/dagVersions", dag_id=dag_id),
            WireDagVersionCollection,
            params=[("offset", offset), ("limit", limit), ("order_by", "version_number")],
        )
        return [translate.dag_version(w) for w in page.dag_versions], page.total_entries

    async def dag_source(self, dag_id: str, version_number: int) -> DagSource:
        """The code of one version of a DAG (NotFoundError for a version it never had)."""
        self.require_feature("dag_versions")
        wire = await self._call(
            "GET",
            self._path("dagSources/{dag_id}", dag_id=dag_id),
            WireDagSource,
            params=[("version_number", version_number)],
        )
        return DagSource(
            dag_id=wire.dag_id,
            version_number=wire.version_number or version_number,
            content=wire.content or "",
        )

    # -- required actions: human-in-the-loop tasks (Airflow 3.1+) ------------------------------

    def _hitl_path(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> Endpoint:
        return self._path(
            "dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}/hitlDetails",
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            map_index=map_index,
        )

    async def required_actions(
        self,
        *,
        dag_id: str | None = None,
        state: ActionState = "pending",
        offset: int = 0,
        limit: int = AIRFLOW_PAGE_LIMIT,
    ) -> tuple[list[RequiredAction], int]:
        """One page of the human-in-the-loop requests of every DAG (or of ``dag_id``), oldest
        first: those still waiting (``pending``), those answered, or ``all``; and how many
        match. Every DAG's come from one call: Airflow reads them across DAGs (``~``)."""
        self.require_feature("required_actions")
        params: Params = [("offset", offset), ("limit", limit), ("order_by", "created_at")]
        if state == "pending":
            params += PENDING_FILTERS
        elif state == "responded":
            params.append(("response_received", "true"))
        page = await self._call(
            "GET",
            self._path("dags/{dag_id}/dagRuns/~/hitlDetails", dag_id=dag_id or "~"),
            WireHitlDetailCollection,
            params=params,
        )
        return [hitl.required_action(w, self.name) for w in page.hitl_details], page.total_entries

    async def every_required_action(
        self, *, dag_id: str | None = None, state: ActionState = "pending"
    ) -> list[RequiredAction]:
        """Every request ``required_actions`` matches: the first page says how many there
        are, the rest are read at once, each page as large as Airflow allows."""
        first, total = await self.required_actions(dag_id=dag_id, state=state)
        rest = await asyncio.gather(
            *(
                self.required_actions(dag_id=dag_id, state=state, offset=offset)
                for offset in range(AIRFLOW_PAGE_LIMIT, total, AIRFLOW_PAGE_LIMIT)
            )
        )
        return [*first, *(action for page, _ in rest for action in page)]

    async def required_action(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> RequiredAction:
        """The human-in-the-loop request of one task instance (NotFoundError when the instance
        does not exist or asks nobody anything)."""
        self.require_feature("required_actions")
        wire = await self._call(
            "GET", self._hitl_path(dag_id, run_id, task_id, map_index), WireHitlDetail
        )
        return hitl.required_action(wire, self.name)

    async def respond(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        map_index: int,
        *,
        chosen_options: Sequence[str],
        params_input: dict[str, Any],
    ) -> None:
        """Answer a request; the task resumes with the answer. ConflictError when it was
        answered already; InvalidInputError for options it does not offer."""
        self.require_feature("required_actions")
        await self._send(
            "PATCH",
            self._hitl_path(dag_id, run_id, task_id, map_index),
            json={"chosen_options": list(chosen_options), "params_input": params_input},
        )

    # -- logs and health ------------------------------------------------------------------------

    async def get_log(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        try_number: int,
        map_index: int = -1,
        continuation_token: str | None = None,
    ) -> LogPage:
        """The log lines after ``continuation_token`` (all of them without one).

        The returned token asks for only what comes next; it is None once the log is complete.
        Airflow 2's answer (one string, and a token even at the end) is brought to Airflow 3's.
        """
        params: Params = [("map_index", map_index)]
        if continuation_token:
            params.append(("token", continuation_token))
        wire = await self._call(
            "GET",
            self._path(
                TASK_INSTANCE + "/logs/{try_number}",
                dag_id=dag_id,
                run_id=run_id,
                task_id=task_id,
                try_number=try_number,
            ),
            WireLog,
            params=params,
        )
        if isinstance(wire.content, str):
            token = wire.continuation_token
            if token is not None and v1_logs.finished(token):
                # Airflow 2 says "end of log" as soon as the try is no longer running, but its
                # task runner writes the last lines (return code, follow-on scheduling) after
                # that: the token is kept, so they are read, until the try has settled.
                instance = await self.task_instance(dag_id, run_id, task_id, map_index)
                if v1_logs.settled(instance, try_number, now=datetime.now(UTC)):
                    token = None
            return LogPage(
                events=list(v1_logs.events(wire.content, continued=bool(continuation_token))),
                continuation_token=token,
            )
        return LogPage(events=wire.content, continuation_token=wire.continuation_token)

    async def version(self) -> str:
        """The Airflow version the deployment runs (``3.1.2``), from its ``/version``."""
        wire = await self._call("GET", self._path("version"), WireVersion, authenticated=False)
        return wire.version

    async def health(self) -> dict[str, ComponentReport]:
        """The deployment's own report per component: scheduler, db, dag_processor, triggerer."""
        wire = await self._call(
            "GET", Endpoint.of(self.dialect.health_path), WireHealth, authenticated=False
        )

        def report(status: str | None, heartbeat: datetime | None) -> ComponentReport:
            return ComponentReport(status=status, heartbeat=heartbeat)

        scheduler, processor, triggerer = wire.scheduler, wire.dag_processor, wire.triggerer
        if (
            self.dialect.scheduler_parses_dags
            and scheduler
            and (processor is None or processor.status is None)
        ):
            processor = WireComponent(
                status=scheduler.status,
                latest_dag_processor_heartbeat=scheduler.latest_scheduler_heartbeat,
            )
        return {
            "db": report(wire.metadatabase.status if wire.metadatabase else None, None),
            "scheduler": report(
                scheduler.status if scheduler else None,
                scheduler.latest_scheduler_heartbeat if scheduler else None,
            ),
            "dag_processor": report(
                processor.status if processor else None,
                processor.latest_dag_processor_heartbeat if processor else None,
            ),
            "triggerer": report(
                triggerer.status if triggerer else None,
                triggerer.latest_triggerer_heartbeat if triggerer else None,
            ),
        }
