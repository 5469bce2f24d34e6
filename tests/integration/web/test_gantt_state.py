"""The run page's Gantt tab, its handlers run as Reflex runs them against the real API in
process and the real test Airflow: opening it reads the Gantt, the watch then polls the Gantt
instead of the snapshot (one call a round either way), a mapped task expands a page of
instances at a time, and leaving the tab reads the snapshot again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from airdeck_web.gantt_rows import INSTANCES_PER_PAGE
from airdeck_web.states.gantt import GanttState
from airdeck_web.states.run import RunState
from tests.integration.api.conftest import MAPPED_RUN_ID
from tests.integration.web.test_states import fire, in_process_api, signed_in, state_of
from tests.support.airflow_runs import ensure_run
from tests.support.people import Person

pytestmark = pytest.mark.integration


async def test_the_gantt_tab_reads_and_polls_the_gantt_and_expands_a_mapped_task(
    make_app: Callable[..., Litestar], airflow: Any, person: Person
) -> None:
    ensure_run(airflow, "mapped_fanout", MAPPED_RUN_ID, {})
    async with in_process_api(make_app) as api:
        state = signed_in(
            state_of(
                GanttState,
                "/workflows/[dag_id]/runs/[run_id]",
                dag_id="mapped_fanout",
                run_id=MAPPED_RUN_ID,
            ),
            person,
        )
        await fire(RunState.load, state)
        assert await fire(GanttState.follow_load, state) is None, "a finished run: no watch"
        assert state._polled().path[-1] == "snapshot"

        await fire(RunState.show_tab, state, "gantt")
        mark = len(api.calls)
        await fire(GanttState.follow_tab, state, "gantt")
        assert state.gantt_error == ""
        assert [r["task_id"] for r in state.gantt_rows][:2] == ["make_items", "process"]
        process = next(r for r in state.gantt_rows if r["task_id"] == "process")
        assert (process["kind"], process["counts"], process["expanded"]) == (
            "mapped",
            "[120]",
            False,
        )
        assert state.gantt_head["live"] is False and state.gantt_domain[1] > 0

        # The watch asks for the Gantt now; a finished run's Gantt has not changed: a 304.
        polled = state._polled()
        assert polled.path[-1] == "gantt" and polled.etag
        async with state.api() as client:
            answer, etag = await client.orchestrator_if_changed(
                polled.etag, *polled.path, params=polled.params
            )
        assert answer is None
        assert state._show_polled(answer, etag) is False

        await fire(GanttState.toggle_mapped, state, "process")
        rows = state.gantt_rows
        assert state._polled().params == {"expand": "process"}
        instances = [r for r in rows if r["kind"] == "instance"]
        assert [r["map_index"] for r in instances] == list(range(INSTANCES_PER_PAGE))
        (pager,) = [r for r in rows if r["kind"] == "pager"]
        assert pager["has_next"] and not pager["has_previous"]
        await fire(GanttState.turn_page, state, "process", 1)
        assert [r["map_index"] for r in state.gantt_rows if r["kind"] == "instance"] == list(
            range(INSTANCES_PER_PAGE, 120)
        )

        await fire(GanttState.set_gantt_as_table, state, True)
        assert len(state.gantt_table) == len(state.gantt_rows) - 1  # one try each; no pager
        await fire(GanttState.set_zoom, state, [25, 50])
        span = float(state._gantt["span"])
        assert state.gantt_domain == pytest.approx([span / 4, span / 2], abs=0.1)  # tenths

        gantt_calls = [path for path, _ in api.calls[mark:]]
        assert all("/gantt" in path for path in gantt_calls), gantt_calls

        mark = len(api.calls)
        await fire(RunState.show_tab, state, "graph")
        await fire(GanttState.follow_tab, state, "graph")
        (snapshot,) = api.calls[mark:]
        assert snapshot[0].endswith("/snapshot")
        assert state._polled().path[-1] == "snapshot"
