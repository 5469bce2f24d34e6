"""The DAG page's Versions tab and the run page's version line, their handlers run as Reflex
runs them against the real API in process and the real test Airflow, on a DAG whose file
changed once (two versions, a run on each)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar

from airdeck_web.states.dag import DagState
from airdeck_web.states.run import RunState
from airdeck_web.states.versions import VersionsState
from tests.integration.web.test_states import fire, in_process_api, signed_in, state_of
from tests.support.changing_dag import ChangedDag, dag_changed_once
from tests.support.people import Person

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def changed(airflow: Any) -> Iterator[ChangedDag]:
    with dag_changed_once(airflow) as dag:
        yield dag


async def test_the_versions_tab_shows_the_history_the_code_and_a_diff(
    make_app: Callable[..., Litestar], person: Person, changed: ChangedDag
) -> None:
    async with in_process_api(make_app) as api:
        state = signed_in(
            state_of(VersionsState, "/workflows/[dag_id]", dag_id=changed.dag_id), person
        )
        await fire(DagState.load, state)
        mark = len(api.calls)
        await fire(VersionsState.follow_load, state)
        assert api.since(mark, "/versions") == [], "the tab is closed: nothing read"

        await fire(DagState.set_tab, state, "versions")
        await fire(VersionsState.follow_tab, state, "versions")
        assert state.versions_error == ""
        assert [(r["number"], r["bundle_name"]) for r in state.history] == [
            ("2", "dags-folder"),
            ("1", "dags-folder"),
        ]
        # It opens on the latest code and on what the latest version changed.
        assert (state.code_version, state.code) == ("2", changed.second_source)
        assert (state.diff_from, state.diff_to) == ("1", "2")
        added = [line["text"][1:] for line in state.diff_lines if line["kind"] == "added"]
        assert added == list(changed.added)
        assert not [line for line in state.diff_lines if line["kind"] == "removed"]
        assert state.diff_text == f"{len(changed.added)} lines added, 0 removed"

        await fire(VersionsState.show_code, state, "1")
        assert state.code == changed.first_source
        await fire(VersionsState.set_diff_from, state, "2")
        assert (state.diff_lines, state.diff_text) == ([], "The code is the same.")
        await fire(VersionsState.set_diff_to, state, "1")
        removed = [line["text"][1:] for line in state.diff_lines if line["kind"] == "removed"]
        assert removed == list(changed.added)

        # Loading the page again keeps the versions chosen for the same DAG.
        await fire(DagState.load, state)
        await fire(VersionsState.follow_load, state)
        assert (state.code_version, state.diff_from, state.diff_to) == ("1", "2", "1")


async def test_a_run_page_says_which_version_and_bundle_the_run_used(
    make_app: Callable[..., Litestar], person: Person, changed: ChangedDag
) -> None:
    async with in_process_api(make_app):
        for run_id, number in ((changed.first_run, 1), (changed.second_run, 2)):
            state = signed_in(
                state_of(
                    RunState,
                    "/workflows/[dag_id]/runs/[run_id]",
                    dag_id=changed.dag_id,
                    run_id=run_id,
                ),
                person,
            )
            await fire(RunState.load, state)
            assert state.error == ""
            assert state.version_text == f"version {number} · bundle dags-folder"
