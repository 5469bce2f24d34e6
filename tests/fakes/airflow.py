"""``FakeAirflow``: one Airflow deployment kept in memory, behind the services' ``AirflowPort``.

It answers as Airflow 3 does where the services can tell (paging, filters, sort order, newest
run first, ``NotFoundError`` for what it does not hold, a run id of its own when none is given)
and records what it was asked to do (``triggered``, ``paused``, ``cleared``, ``marked``), so a
test can say that something reached Airflow, or that it never did. Failures are Airflow's
normal weather: ``down()`` makes every call raise as an unreachable deployment's do, ``refuse``
makes one method raise before it does anything, ``lose_answer`` makes a write happen and its
answer be lost (a timeout after Airflow acted), and ``before_call`` lets a test look at the
world just as a call reaches Airflow. The real-Airflow integration tests stay the judge of
the real client; this fake is for the service layer's own rules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec

from airdeck_adapters.airflow.client import last_run_of
from airdeck_domain.errors import DomainError, NotFoundError, UnavailableError
from airdeck_domain.models import (
    ComponentReport,
    Dag,
    DagDetail,
    DagRun,
    DagSort,
    LastRun,
    LogPage,
    Task,
    TaskInstance,
)
from airdeck_domain.required_actions import ActionState, RequiredAction

T = TypeVar("T")
_NEVER = datetime.min.replace(tzinfo=UTC)
_SORT_KEYS: dict[str, Callable[[Dag, LastRun | None], tuple[Any, ...]]] = {
    "dag_id": lambda dag, last: (dag.dag_id,),
    "next_run": lambda dag, last: (dag.next_run is None, dag.next_run or _NEVER, dag.dag_id),
    "last_run": lambda dag, last: (
        last is None or last.start_date is None,
        (last.start_date if last else None) or _NEVER,
        dag.dag_id,
    ),
    "last_run_state": lambda dag, last: (
        last is None,
        (last.state if last else None) or "",
        dag.dag_id,
    ),
}


@dataclass
class Triggered:
    """One trigger that reached the fake."""

    dag_id: str
    run_id: str
    conf: dict[str, Any]
    note: str | None


@dataclass
class FakeAirflow:
    """An Airflow deployment named ``name`` holding ``dags`` (by id), their ``runs`` (by DAG id,
    in any order), ``tasks`` and ``instances`` (by DAG id and run id) and ``logs`` (by DAG, run,
    task, try and map index). Calls are counted in ``calls`` by method name."""

    name: str = "default"
    dags: dict[str, DagDetail] = field(default_factory=dict)
    runs: dict[str, list[DagRun]] = field(default_factory=dict)
    tasks: dict[str, list[Task]] = field(default_factory=dict)
    instances: dict[tuple[str, str], list[TaskInstance]] = field(default_factory=dict)
    tries: dict[tuple[str, str, str, int], list[TaskInstance]] = field(default_factory=dict)
    """Earlier tries by DAG, run, task and map index (the current one is the instance)."""
    logs: dict[tuple[str, str, str, int, int], list[str]] = field(default_factory=dict)
    components: dict[str, ComponentReport] = field(default_factory=dict)
    airflow_version: str = "3.1.0"
    fail_with: DomainError | None = None
    refuse: dict[str, DomainError] = field(default_factory=dict)
    lose_answer: dict[str, DomainError] = field(default_factory=dict)
    before_call: Callable[[str], Awaitable[None]] | None = None
    calls: dict[str, int] = field(default_factory=dict)
    triggered: list[Triggered] = field(default_factory=list)
    paused: list[tuple[str, bool]] = field(default_factory=list)
    cleared: list[tuple[str, str, list[str | tuple[str, int]]]] = field(default_factory=list)
    marked: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    required: dict[tuple[str, str, str, int], RequiredAction] = field(default_factory=dict)
    """Human-in-the-loop requests by DAG, run, task and map index; a response answers one."""

    def add_dag(self, dag_id: str, **fields: Any) -> DagDetail:
        """Put a DAG in the deployment (fields as ``DagDetail`` takes them)."""
        dag = DagDetail(dag_id=dag_id, display_name=dag_id, deployment=self.name, **fields)
        self.dags[dag_id] = dag
        return dag

    def add_run(self, dag_id: str, run_id: str, **fields: Any) -> DagRun:
        """Put a run of ``dag_id`` in the deployment (fields as ``DagRun`` takes them)."""
        run = DagRun(run_id=run_id, dag_id=dag_id, deployment=self.name, **fields)
        self.runs.setdefault(dag_id, []).append(run)
        return run

    def down(self) -> None:
        """From now on every call fails as an unreachable deployment's do."""
        self.fail_with = UnavailableError(
            f"Airflow deployment '{self.name}' is unreachable: ConnectError",
            deployment=self.name,
        )

    # -- what the services call ----------------------------------------------------------------

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
        await self._enter("list_dags")
        matching = self._sorted(self._matching(search, tags, owners, paused), sort)
        return [self._listed(d) for d in matching[offset : offset + limit]], len(matching)

    async def every_dag(
        self,
        *,
        search: str | None = None,
        owners: Sequence[str] = (),
        paused: bool | None = None,
        sort: DagSort = "dag_id",
    ) -> list[Dag]:
        await self._enter("every_dag")
        return [
            self._listed(d) for d in self._sorted(self._matching(search, (), owners, paused), sort)
        ]

    async def get_dag(self, dag_id: str) -> DagDetail:
        await self._enter("get_dag")
        return self._dag(dag_id)

    async def set_paused(self, dag_id: str, is_paused: bool) -> Dag:
        await self._enter("set_paused")
        dag = msgspec.structs.replace(self._dag(dag_id), is_paused=is_paused)
        self.dags[dag_id] = dag
        self.paused.append((dag_id, is_paused))
        return self._answer("set_paused", self._listed(dag))

    async def list_runs(
        self,
        dag_id: str,
        *,
        offset: int = 0,
        limit: int = 20,
        states: Sequence[str] = (),
    ) -> tuple[list[DagRun], int]:
        await self._enter("list_runs")
        self._dag(dag_id)
        runs = [r for r in self._newest_first(dag_id) if not states or r.state in states]
        return runs[offset : offset + limit], len(runs)

    async def latest_runs(self, dag_ids: Sequence[str]) -> dict[str, LastRun | None]:
        await self._enter("latest_runs")
        return {dag_id: self._last_run(dag_id) for dag_id in dict.fromkeys(dag_ids)}

    async def get_run(self, dag_id: str, run_id: str) -> DagRun:
        await self._enter("get_run")
        return self._run(dag_id, run_id)

    async def trigger(
        self,
        dag_id: str,
        *,
        conf: dict[str, Any],
        note: str | None = None,
        run_id: str | None = None,
    ) -> DagRun:
        await self._enter("trigger")
        self._dag(dag_id)
        now = datetime.now(UTC)
        run_id = run_id or f"manual__{now.isoformat()}"
        self.triggered.append(Triggered(dag_id=dag_id, run_id=run_id, conf=conf, note=note))
        run = self.add_run(
            dag_id,
            run_id,
            state="queued",
            run_type="manual",
            conf=conf,
            note=note,
            queued_at=now,
            run_after=now,
        )
        return self._answer("trigger", run)

    async def list_tasks(self, dag_id: str) -> list[Task]:
        await self._enter("list_tasks")
        self._dag(dag_id)
        return list(self.tasks.get(dag_id, []))

    async def task_instances(self, dag_id: str, run_id: str) -> list[TaskInstance]:
        await self._enter("task_instances")
        self._run(dag_id, run_id)
        return list(self.instances.get((dag_id, run_id), []))

    async def task_instances_of_runs(
        self, dag_id: str, run_ids: Sequence[str]
    ) -> dict[str, list[TaskInstance]]:
        await self._enter("task_instances_of_runs")
        self._dag(dag_id)
        return {run_id: list(self.instances.get((dag_id, run_id), [])) for run_id in run_ids}

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
        await self._enter("mapped_instances")
        self._run(dag_id, run_id)
        mapped = sorted(
            (
                ti
                for ti in self.instances.get((dag_id, run_id), [])
                if ti.task_id == task_id
                and ti.map_index >= 0
                and (not states or ti.state in states)
            ),
            key=lambda ti: ti.map_index,
        )
        return mapped[offset : offset + limit], len(mapped)

    async def task_instance(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> TaskInstance:
        await self._enter("task_instance")
        return self._instance(dag_id, run_id, task_id, map_index)

    async def task_instance_tries(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> list[TaskInstance]:
        await self._enter("task_instance_tries")
        current = self._instance(dag_id, run_id, task_id, map_index)
        return [*self.tries.get((dag_id, run_id, task_id, map_index), []), current]

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
        await self._enter("clear")
        self._run(dag_id, run_id)
        wanted = {t if isinstance(t, str) else t[0] for t in task_ids}
        hit = [
            ti
            for ti in self.instances.get((dag_id, run_id), [])
            if ti.task_id in wanted
            and (not only_failed or ti.state in ("failed", "upstream_failed"))
        ]
        if dry_run:
            return hit
        self.cleared.append((dag_id, run_id, list(task_ids)))
        return self._answer("clear", hit)

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
    ) -> list[TaskInstance]:
        await self._enter("set_task_state")
        instance = self._instance(dag_id, run_id, task_id, map_index)
        changed = msgspec.structs.replace(instance, state=state)
        kept = self.instances[(dag_id, run_id)]
        kept[kept.index(instance)] = changed
        self.marked.append((dag_id, run_id, task_id, state, map_index))
        return self._answer("set_task_state", [changed])

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
        await self._enter("get_log")
        lines = self.logs.get((dag_id, run_id, task_id, try_number, map_index))
        if lines is None:
            raise NotFoundError(f"No log of try {try_number} of {task_id}", deployment=self.name)
        start = int(continuation_token or 0)
        return LogPage(events=list(lines[start:]), continuation_token=None)

    async def health(self) -> dict[str, ComponentReport]:
        await self._enter("health")
        return dict(self.components)

    async def version(self) -> str:
        await self._enter("version")
        return self.airflow_version

    async def every_required_action(
        self, *, dag_id: str | None = None, state: ActionState = "pending"
    ) -> list[RequiredAction]:
        await self._enter("every_required_action")
        wanted = {"pending": (False,), "responded": (True,), "all": (False, True)}[state]
        return [
            a
            for a in sorted(self.required.values(), key=lambda a: a.created_at or _NEVER)
            if (dag_id is None or a.dag_id == dag_id) and a.response_received in wanted
        ]

    async def required_action(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> RequiredAction:
        await self._enter("required_action")
        found = self.required.get((dag_id, run_id, task_id, map_index))
        if found is None:
            raise NotFoundError("no such hitl detail", deployment=self.name)
        return found

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
        await self._enter("respond")
        key = (dag_id, run_id, task_id, map_index)
        self.required[key] = msgspec.structs.replace(
            self.required[key],
            response_received=True,
            chosen_options=list(chosen_options),
            params_input=params_input,
            waiting=False,
        )
        self._answer("respond", None)

    # -- inside --------------------------------------------------------------------------------

    async def _enter(self, method: str) -> None:
        self.calls[method] = self.calls.get(method, 0) + 1
        if self.before_call is not None:
            await self.before_call(method)
        failure = self.fail_with or self.refuse.get(method)
        if failure is not None:
            raise failure

    def _answer(self, method: str, value: T) -> T:
        lost = self.lose_answer.get(method)
        if lost is not None:
            raise lost
        return value

    def _run(self, dag_id: str, run_id: str) -> DagRun:
        for run in self.runs.get(dag_id, []):
            if run.run_id == run_id:
                return run
        raise NotFoundError(
            f"The DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found",
            deployment=self.name,
        )

    def _instance(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> TaskInstance:
        self._run(dag_id, run_id)
        for ti in self.instances.get((dag_id, run_id), []):
            if ti.task_id == task_id and ti.map_index == map_index:
                return ti
        raise NotFoundError(
            f"Task instance {task_id} (map index {map_index}) of run {run_id} not found",
            deployment=self.name,
        )

    def _dag(self, dag_id: str) -> DagDetail:
        dag = self.dags.get(dag_id)
        if dag is None:
            raise NotFoundError(
                f"The DAG with dag_id: `{dag_id}` was not found", deployment=self.name
            )
        return dag

    def _matching(
        self,
        search: str | None,
        tags: Sequence[str],
        owners: Sequence[str],
        paused: bool | None,
    ) -> list[DagDetail]:
        # As Airflow's dag_id_pattern: a case-insensitive substring; tags and owners: any of.
        return [
            dag
            for dag in self.dags.values()
            if (not search or search.lower() in dag.dag_id.lower())
            and (not tags or set(tags) & set(dag.tags))
            and (not owners or set(owners) & set(dag.owners))
            and (paused is None or dag.is_paused == paused)
        ]

    def _sorted(self, dags: list[DagDetail], sort: DagSort) -> list[DagDetail]:
        key = _SORT_KEYS[sort.removeprefix("-")]
        return sorted(
            dags,
            key=lambda dag: key(dag, self._last_run(dag.dag_id)),
            reverse=sort.startswith("-"),
        )

    def _newest_first(self, dag_id: str) -> list[DagRun]:
        return sorted(
            self.runs.get(dag_id, []),
            key=lambda r: r.run_after or r.logical_date or r.queued_at or _NEVER,
            reverse=True,
        )

    def _last_run(self, dag_id: str) -> LastRun | None:
        runs = self._newest_first(dag_id)
        if not runs:
            return None
        return last_run_of(runs[0])

    def _listed(self, dag: DagDetail) -> Dag:
        # A list holds plain DAGs: the detail-only fields stay behind, as in Airflow's list.
        fields = {f: getattr(dag, f) for f in Dag.__struct_fields__}
        return Dag(**fields)


class FakeDeployments:
    """The deployments Airdeck talks to, as fakes; the first one is the default."""

    def __init__(self, *deployments: FakeAirflow) -> None:
        self._by_name = {d.name: d for d in deployments}

    def get(self, name: str | None = None) -> FakeAirflow:
        key = name or next(iter(self._by_name))
        try:
            return self._by_name[key]
        except KeyError:
            known = ", ".join(self._by_name)
            raise NotFoundError(f"Unknown deployment '{key}'. Known deployments: {known}") from None

    def __iter__(self) -> Iterator[FakeAirflow]:
        return iter(self._by_name.values())
