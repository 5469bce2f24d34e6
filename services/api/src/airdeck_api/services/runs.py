"""Run use cases: runs of a DAG, a run's task summaries and its state-overlaid graph."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.airflow import AirflowClient
from airdeck_adapters.cache import CacheStore
from airdeck_adapters.db.services import TriggeredRunService
from airdeck_api.services.cached import read_through
from airdeck_api.services.dags import DagService, collapsed_view
from airdeck_domain import caching
from airdeck_domain.errors import NotFoundError
from airdeck_domain.mapped import summarize
from airdeck_domain.models import (
    DagRun,
    Graph,
    RunPage,
    TaskInstance,
    TaskInstancePage,
    TaskSummary,
)
from airdeck_domain.overlay import overlay


class _Instances(msgspec.Struct):
    items: list[TaskInstance]


class RunService:
    """What the API shows of runs and their tasks, for one deployment."""

    def __init__(self, airflow: AirflowClient, cache: CacheStore) -> None:
        self.airflow = airflow
        self.cache = cache

    async def page(self, dag_id: str, *, page: int, limit: int, states: tuple[str, ...]) -> RunPage:
        """One page of a DAG's runs, newest first."""
        runs, total = await self.airflow.list_runs(
            dag_id, offset=(page - 1) * limit, limit=limit, states=states
        )
        return RunPage(runs=runs, total=total, page=page, limit=limit)

    async def page_by_conf(
        self,
        dag_id: str,
        conf: dict[str, str],
        session: AsyncSession,
        *,
        page: int,
        limit: int,
        states: tuple[str, ...],
    ) -> RunPage:
        """Runs started through Airdeck whose conf matches, newest first. Runs since deleted
        in Airflow are skipped."""
        run_ids = await TriggeredRunService(session=session).run_ids_by_conf(
            self.airflow.name, dag_id, conf
        )
        found = await asyncio.gather(
            *(self.airflow.get_run(dag_id, r) for r in run_ids), return_exceptions=True
        )
        for item in found:
            if isinstance(item, BaseException) and not isinstance(item, NotFoundError):
                raise item
        runs = [r for r in found if isinstance(r, DagRun) and (not states or r.state in states)]
        start = (page - 1) * limit
        return RunPage(runs=runs[start : start + limit], total=len(runs), page=page, limit=limit)

    async def get(self, dag_id: str, run_id: str) -> DagRun:
        """One run."""
        return await self.airflow.get_run(dag_id, run_id)

    async def instances(self, run: DagRun) -> list[TaskInstance]:
        """Every task instance of a run; a finished run's are cached, a running one's never."""
        policy = caching.task_instances(
            self.airflow.name, run.dag_id, run.run_id, run.state, run.end_date
        )

        async def load() -> _Instances:
            return _Instances(items=await self.airflow.task_instances(run.dag_id, run.run_id))

        return (await read_through(self.cache, policy.key, policy.ttl, _Instances, load)).items

    async def summaries(self, dag_id: str, run_id: str) -> list[TaskSummary]:
        """One entry per task of the run, mapped tasks aggregated, in execution order."""
        run = await self.get(dag_id, run_id)
        instances, tasks = await asyncio.gather(
            self.instances(run), self.airflow.list_tasks(dag_id)
        )
        return summarize(instances, tasks)

    async def graph(
        self, dag_id: str, run_id: str, dags: DagService, collapsed: Iterable[str] = ()
    ) -> Graph:
        """The DAG's laid-out graph with this run's states on its nodes; each ``collapsed``
        task group is one node carrying its members' aggregate state and counts."""
        run = await self.get(dag_id, run_id)
        structure, instances, tasks = await asyncio.gather(
            dags.structure(dag_id), self.instances(run), self.airflow.list_tasks(dag_id)
        )
        return collapsed_view(overlay(structure, summarize(instances, tasks)), collapsed)

    async def mapped(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        page: int,
        limit: int,
        states: tuple[str, ...],
    ) -> TaskInstancePage:
        """One page of a mapped task's instances."""
        items, total = await self.airflow.mapped_instances(
            dag_id, run_id, task_id, offset=(page - 1) * limit, limit=limit, states=states
        )
        return TaskInstancePage(instances=items, total=total, page=page, limit=limit)
