"""Run use cases: runs of a DAG, a run's task summaries and its state-overlaid graph."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import msgspec

from airdeck_adapters.db.services import TriggeredRunService
from airdeck_api.schemas.runs import RunSnapshot
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagCatalog, collapsed_view
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

CONF_LOOKUPS_AT_ONCE = 8
"""Airflow calls a conf search makes at once (one per run of the page)."""


class _Instances(msgspec.Struct):
    items: list[TaskInstance]
    run_ended: datetime | None = None
    """The end of the run they were read for: a run cleared elsewhere ends again later."""


class RunService:
    """What the API shows of runs and their tasks, for one deployment.

    A finished run, its task instances and its mapped-instance pages are cached until a clear
    or a mark through Airdeck drops them (``forget``); a live run's for a poll interval, shared
    by all who watch it. Pages of a DAG's runs are re-read every few seconds (the scheduler
    adds runs without Airdeck) and dropped at once by a trigger, a clear or a mark.
    """

    def __init__(self, context: RequestContext) -> None:
        self.airflow = context.airflow
        self.cache = context.cache
        self.catalog = DagCatalog(context.airflow, context.cache)
        self.access = context.access
        self.session = context.session

    async def page(
        self,
        dag_id: str,
        *,
        conf: Mapping[str, str] | None = None,
        page: int,
        limit: int,
        states: tuple[str, ...],
    ) -> RunPage:
        """One page of a DAG's runs the caller may read, newest first; with ``conf``, only the
        runs started through Airdeck with that conf (see ``_page_by_conf``)."""
        await self.access.require("dags:read", dag_id)
        if conf:
            return await self._page_by_conf(dag_id, conf, page=page, limit=limit, states=states)
        return await self.cached_page(dag_id, page=page, limit=limit, states=states)

    async def cached_page(
        self, dag_id: str, *, page: int, limit: int, states: tuple[str, ...] = ()
    ) -> RunPage:
        """One page of a DAG's runs, newest first, from the shared cache (``caching.runs_page``);
        the caller has checked the DAG may be read."""
        offset = (page - 1) * limit
        name = self.airflow.name
        generation = await self.cache.generation(caching.runs_generation(name, dag_id))
        rule = caching.runs_page(name, dag_id, generation, (offset, limit, *sorted(states)))

        async def load() -> RunPage:
            runs, total = await self.airflow.list_runs(
                dag_id, offset=offset, limit=limit, states=states
            )
            return RunPage(items=runs, total=total, page=page, limit=limit)

        return await self.cache.read(rule, RunPage, load)

    async def _page_by_conf(
        self,
        dag_id: str,
        conf: Mapping[str, str],
        *,
        page: int,
        limit: int,
        states: tuple[str, ...],
    ) -> RunPage:
        """Runs started through Airdeck whose conf matches, newest first: the product DB pages
        the matches (``total`` counts them all), then only the page's runs are read from
        Airflow, at most ``CONF_LOOKUPS_AT_ONCE`` at a time. Runs since deleted in Airflow, and
        with ``states`` the runs in other states, are left out of the page."""
        run_ids, total = await TriggeredRunService(session=self.session).run_ids_by_conf(
            self.airflow.name, dag_id, dict(conf), offset=(page - 1) * limit, limit=limit
        )
        gate = asyncio.Semaphore(CONF_LOOKUPS_AT_ONCE)

        async def lookup(run_id: str) -> DagRun | None:
            async with gate:
                try:
                    return await self.airflow.get_run(dag_id, run_id)
                except NotFoundError:
                    return None

        found = await asyncio.gather(*(lookup(r) for r in run_ids))
        runs = [r for r in found if r is not None and (not states or r.state in states)]
        return RunPage(items=runs, total=total, page=page, limit=limit)

    async def detail(self, dag_id: str, run_id: str) -> DagRun:
        """One run of a DAG the caller may read (see ``get``)."""
        await self.access.require("dags:read", dag_id)
        return await self.get(dag_id, run_id)

    async def get(self, dag_id: str, run_id: str) -> DagRun:
        """One run (cached as ``caching.run_ttl`` allows for its state)."""

        async def load() -> DagRun:
            return await self.airflow.get_run(dag_id, run_id)

        rule = caching.run(self.airflow.name, dag_id, run_id)
        return await self.cache.read(
            rule, DagRun, load, stale_ok=False, ttl_for=lambda run: caching.run_ttl(run.state)
        )

    async def instances(self, run: DagRun) -> list[TaskInstance]:
        """Every task instance of a run (cached as ``caching.run_ttl`` allows for its state)."""
        rule = caching.task_instances(self.airflow.name, run.dag_id, run.run_id, run.state)

        async def load() -> _Instances:
            items = await self.airflow.task_instances(run.dag_id, run.run_id)
            return _Instances(items=items, run_ended=run.end_date)

        cached = await self.cache.read(rule, _Instances, load, stale_ok=False)
        if cached.run_ended != run.end_date:
            await self.cache.forget(rule.key or "")
            cached = await self.cache.read(rule, _Instances, load, stale_ok=False)
        return cached.items

    async def instances_of(self, runs: Sequence[DagRun]) -> dict[str, list[TaskInstance]]:
        """Every task instance of each of ``runs`` (of one DAG), by run id: the cached ones
        from the cache (the entries ``instances`` reads and keeps), all the others from one
        batched Airflow read. A run that ended again since its entry was kept (cleared outside
        Airdeck) is read again."""
        if not runs:
            return {}
        by_id = {run.run_id: run for run in runs}
        dag_id = runs[0].dag_id
        name = self.airflow.name

        def rules(run_ids: Iterable[str]) -> dict[str, caching.CacheRule]:
            return {
                run_id: caching.task_instances(name, dag_id, run_id, by_id[run_id].state)
                for run_id in run_ids
            }

        async def load(run_ids: Sequence[str]) -> dict[str, _Instances]:
            found = await self.airflow.task_instances_of_runs(dag_id, run_ids)
            return {
                run_id: _Instances(items=found.get(run_id, []), run_ended=by_id[run_id].end_date)
                for run_id in run_ids
            }

        cached = await self.cache.read_many(rules(by_id), _Instances, load)
        outdated = rules(r for r, entry in cached.items() if entry.run_ended != by_id[r].end_date)
        if outdated:
            await self.cache.forget(*(rule.key or "" for rule in outdated.values()))
            cached.update(await self.cache.read_many(outdated, _Instances, load))
        return {run_id: entry.items for run_id, entry in cached.items()}

    async def summaries(self, dag_id: str, run_id: str) -> list[TaskSummary]:
        """One entry per task of the run, mapped tasks aggregated, in execution order."""
        await self.access.require("dags:read", dag_id)
        run = await self.get(dag_id, run_id)
        instances, tasks = await asyncio.gather(self.instances(run), self.catalog.tasks(dag_id))
        return summarize(instances, tasks)

    async def graph(self, dag_id: str, run_id: str, collapsed: Iterable[str] = ()) -> Graph:
        """The DAG's laid-out graph with this run's states on its nodes; each ``collapsed``
        task group is one node carrying its members' aggregate state and counts."""
        await self.access.require("dags:read", dag_id)
        run = await self.get(dag_id, run_id)
        structure, instances, tasks = await asyncio.gather(
            self.catalog.structure(dag_id), self.instances(run), self.catalog.tasks(dag_id)
        )
        return collapsed_view(overlay(structure, summarize(instances, tasks)), collapsed)

    async def snapshot(
        self, dag_id: str, run_id: str, collapsed: Iterable[str] = ()
    ) -> RunSnapshot:
        """The run, its state-overlaid graph (as ``graph``) and its task summaries (as
        ``summaries``), from one read each of the run, its instances and its tasks."""
        await self.access.require("dags:read", dag_id)
        run = await self.get(dag_id, run_id)
        structure, instances, tasks = await asyncio.gather(
            self.catalog.structure(dag_id), self.instances(run), self.catalog.tasks(dag_id)
        )
        summaries = summarize(instances, tasks)
        graph = collapsed_view(overlay(structure, summaries), collapsed)
        return RunSnapshot(run=run, graph=graph, tasks=summaries)

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
        """One page of a mapped task's instances, cached while its instances are still to run
        for a poll interval, and once they have all finished until a clear or a mark of the run
        drops it (``caching.instances_ttl``): a cold page costs one Airflow call."""
        await self.access.require("dags:read", dag_id)
        offset = (page - 1) * limit
        name = self.airflow.name
        generation = await self.cache.generation(caching.run_generation(name, dag_id, run_id))
        rule = caching.mapped_page(
            name, dag_id, run_id, generation, (task_id, offset, limit, *sorted(states))
        )

        async def load() -> TaskInstancePage:
            items, total = await self.airflow.mapped_instances(
                dag_id, run_id, task_id, offset=offset, limit=limit, states=states
            )
            return TaskInstancePage(items=items, total=total, page=page, limit=limit)

        return await self.cache.read(
            rule,
            TaskInstancePage,
            load,
            stale_ok=False,
            ttl_for=lambda found: caching.instances_ttl(ti.state for ti in found.items),
        )
