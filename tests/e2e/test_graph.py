"""The run graph and the DAG structure drawn with React Flow, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support.airflow_runs import ensure_run, task_instances

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "grouped_pipeline"
RUN_ID = "manual__grouped+airdeck"
GROUPS = ("extract", "transform", "transform.clean")
SCALE = re.compile(r"scale\(([0-9.]+)\)")


@pytest.fixture(scope="module")
def grouped_tasks(airflow: Any) -> list[str]:
    """The task ids of a finished grouped_pipeline run."""
    assert ensure_run(airflow, DAG_ID, RUN_ID) == "success"
    return sorted(ti["task_id"] for ti in task_instances(airflow, DAG_ID, RUN_ID))


def open_run_graph(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{RUN_ID.replace('+', '%2B')}")
    page.wait_for_selector("#graph .react-flow__node")


def viewport_scale(page: Page) -> float:
    style = page.locator("#graph .react-flow__viewport").get_attribute("style") or ""
    found = SCALE.search(style)
    assert found, f"no scale in the viewport's style: {style!r}"
    return float(found.group(1))


def wait_for_scale(page: Page, compare: str, than: float) -> None:
    """Wait until the viewport's scale is bigger (or smaller) than ``than``."""
    page.wait_for_function(
        """([compare, than]) => {
            const style = document.querySelector('#graph .react-flow__viewport').style.transform;
            const found = style.match(/scale\\(([0-9.]+)\\)/);
            if (!found) return false;
            const scale = parseFloat(found[1]);
            return compare === 'bigger' ? scale > than : scale < than;
        }""",
        arg=[compare, than],
    )


def test_run_graph_draws_every_task_with_minimap(
    page: Page, stack: Stack, grouped_tasks: list[str]
) -> None:
    open_run_graph(page, stack)
    nodes = page.locator("#graph .react-flow__node")
    expect(nodes).to_have_count(len(grouped_tasks) + len(GROUPS))
    expect(page.locator("#graph .react-flow__node:has(.graph-node)")).to_have_count(
        len(grouped_tasks)
    )
    for task_id in grouped_tasks:
        node = page.locator(f".graph-node[data-task-id='{task_id}']")
        expect(node).to_have_attribute("data-state", "success")
        expect(node).to_contain_text("success")
    for group in GROUPS:
        expect(page.locator(f".graph-group[data-group-id='{group}']")).to_be_visible()
    expect(page.locator("#graph .react-flow__edge")).to_have_count(5)
    minimap = page.locator("#graph .react-flow__minimap")
    expect(minimap).to_be_visible()
    expect(minimap.locator(".react-flow__minimap-node")).to_have_count(
        len(grouped_tasks) + len(GROUPS)
    )
    shot(page, "react-flow-run-graph")
    # The flow follows the app's colour mode, which follows the system's.
    page.emulate_media(color_scheme="dark")
    expect(page.locator("#graph .react-flow.dark")).to_be_visible()
    shot(page, "react-flow-run-graph-dark")


def test_zoom_controls_change_the_viewport(
    page: Page, stack: Stack, grouped_tasks: list[str]
) -> None:
    open_run_graph(page, stack)
    expect(page.locator("#graph .react-flow__controls")).to_be_visible()
    fitted = viewport_scale(page)
    page.click("#graph .react-flow__controls-zoomin")
    wait_for_scale(page, "bigger", fitted)
    zoomed_in = viewport_scale(page)
    page.click("#graph .react-flow__controls-zoomout")
    page.click("#graph .react-flow__controls-zoomout")
    wait_for_scale(page, "smaller", zoomed_in)
    assert viewport_scale(page) < zoomed_in


def test_a_group_collapses_to_one_node_and_expands_back(
    page: Page, stack: Stack, grouped_tasks: list[str]
) -> None:
    open_run_graph(page, stack)
    nodes = page.locator("#graph .react-flow__node")
    expect(nodes).to_have_count(len(grouped_tasks) + len(GROUPS))
    page.click(".graph-group[data-group-id='transform'] .graph-group-toggle")
    folded = page.locator(".graph-node.graph-collapsed[data-group-id='transform']")
    expect(folded).to_have_attribute("data-state", "success")
    expect(folded).to_contain_text("3 tasks")
    expect(folded).to_contain_text("success:3")
    inside = [t for t in grouped_tasks if t.startswith("transform.")]
    assert len(inside) == 3
    # extract.orders, extract.customers and load stay; the extract box stays.
    expect(nodes).to_have_count(len(grouped_tasks) - len(inside) + 2)
    for task_id in inside:
        expect(page.locator(f".graph-node[data-task-id='{task_id}']")).to_have_count(0)
    expect(page.locator("#graph .react-flow__edge")).to_have_count(3)
    shot(page, "react-flow-collapsed-group")
    folded.locator(".graph-group-toggle").click()
    expect(nodes).to_have_count(len(grouped_tasks) + len(GROUPS))
    expect(page.locator(".graph-node[data-task-id='transform.clean.dedupe']")).to_be_visible()
    expect(folded).to_have_count(0)


def test_clicking_a_task_node_opens_the_drawer(
    page: Page, stack: Stack, grouped_tasks: list[str]
) -> None:
    open_run_graph(page, stack)
    page.click(".graph-node[data-task-id='transform.enrich']")
    expect(page.locator("#drawer-title")).to_have_text("transform.enrich")


def test_dag_structure_graph_collapses_groups(
    page: Page, stack: Stack, grouped_tasks: list[str]
) -> None:
    sign_in(page, stack, "vera")
    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    page.get_by_role("tab", name="Graph").click()
    tasks = page.locator("#graph .graph-node")
    expect(tasks).to_have_count(len(grouped_tasks))
    expect(tasks.first).to_have_attribute("data-state", "none")
    expect(page.locator("#graph .react-flow__minimap")).to_be_visible()
    page.click(".graph-group[data-group-id='extract'] .graph-group-toggle")
    expect(page.locator(".graph-node.graph-collapsed[data-group-id='extract']")).to_contain_text(
        "2 tasks"
    )
    expect(tasks).to_have_count(len(grouped_tasks) - 1)
    shot(page, "react-flow-structure")
