"""A run's Gantt: its task instances and their earlier tries on one time line, computed by the
domain from cached reads (docs/adr/0020)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime

import msgspec

from airdeck_api.services.context import RequestContext
from airdeck_api.services.runs import RunService
from airdeck_domain import caching
from airdeck_domain.errors import InvalidInputError, NotFoundError
from airdeck_domain.gantt import Gantt, gantt, mapped_task_ids
from airdeck_domain.models import DagRun, TaskInstance

TRIES_AT_ONCE = 8
"""Airflow calls for earlier tries a Gantt makes at once (one per retried instance)."""


class _Tries(msgspec.Struct):
    items: list[TaskInstance]


def _now() -> datetime:
    return datetime.now(UTC)


class GanttService:
    """The Gantt of a run, for one deployment; it works on a running run (bars still queued or
    running end at the moment of the answer).

    Costs Airflow what the run page's reads cost, from the same cache entries (the run, then
    its task instances in one batch call, ADR 0027; a finished run's kept until a clear or a
    mark drops them, a live one's for a poll interval), plus, the first time only, one call
    per retried instance shown for its earlier tries (they never change). A warm Gantt of a
    finished run costs Airflow nothing.
    """

    def __init__(self, context: RequestContext, clock: Callable[[], datetime] = _now) -> None:
        self.access = context.access
        self.airflow = context.airflow
        self.cache = context.cache
        self.runs = RunService(context)
        self.clock = clock

    async def gantt(self, dag_id: str, run_id: str, expand: Collection[str] = ()) -> Gantt:
        """The run's Gantt; the mapped tasks named in ``expand`` list their instances.

        Raises ``InvalidInputError`` naming the ``expand`` ids that are not mapped tasks of
        the run.
        """
        await self.access.require("dags:read", dag_id)
        run = await self.runs.get(dag_id, run_id)
        instances = await self.runs.instances(run)
        wanted = set(expand)
        mapped = mapped_task_ids(instances)
        unknown = sorted(wanted.difference(mapped))
        if unknown:
            message = f"Not mapped tasks of run {run_id} in expand: {', '.join(unknown)}. " + (
                f"Its mapped tasks: {', '.join(mapped)}." if mapped else "It has no mapped tasks."
            )
            raise InvalidInputError(message, errors={"expand": message})
        # A collapsed mapped task is drawn from its instances' latest tries only.
        retried = [
            ti
            for ti in instances
            if ti.try_number > 1 and (ti.map_index < 0 or ti.task_id in wanted)
        ]
        earlier = await self._earlier_tries(run, retried)
        return gantt(run, instances, earlier, now=self.clock(), expand=wanted)

    async def _earlier_tries(
        self, run: DagRun, retried: Sequence[TaskInstance]
    ) -> dict[tuple[str, int], list[TaskInstance]]:
        """The tries before the current one of each of ``retried``, by task id and map index:
        the cached ones from the cache, the others from Airflow, ``TRIES_AT_ONCE`` at a time."""
        if not retried:
            return {}
        by_name = {f"{ti.task_id}[{ti.map_index}]": ti for ti in retried}
        name = self.airflow.name
        rules = {
            key: caching.earlier_tries(
                name, run.dag_id, run.run_id, ti.task_id, ti.map_index, ti.try_number
            )
            for key, ti in by_name.items()
        }
        gate = asyncio.Semaphore(TRIES_AT_ONCE)

        async def one(ti: TaskInstance) -> _Tries:
            async with gate:
                try:
                    found = await self.airflow.task_instance_tries(
                        run.dag_id, run.run_id, ti.task_id, ti.map_index
                    )
                except NotFoundError:
                    # An Airflow older than 2.10 has no list of tries: the current one shows.
                    found = []
            return _Tries(items=[t for t in found if t.try_number < ti.try_number])

        async def load(keys: Sequence[str]) -> dict[str, _Tries]:
            found = await asyncio.gather(*(one(by_name[key]) for key in keys))
            return dict(zip(keys, found, strict=True))

        cached = await self.cache.read_many(rules, _Tries, load)
        return {
            (by_name[key].task_id, by_name[key].map_index): entry.items
            for key, entry in cached.items()
        }
