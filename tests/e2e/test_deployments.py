"""Several deployments in a real browser: the shared test Airflow under two ids and one that is
down (tests/support/deployments_file.py). The list shows every deployment's DAGs with their
badges and says which deployment is down; the switcher narrows it to one; a DAG's page wears
its deployment's badge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import USERS, Stack, running_stack, shot, sign_in, web_workdir
from tests.support.deployments_file import write_deployments_file
from tests.support.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def fleet_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("e2e-deployments")
    env = {
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": ",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
        "REFLEX_WEB_WORKDIR": str(web_workdir("deployments")),
        **write_deployments_file(data, airflow),
    }
    with running_stack(airflow, data, env, free_port(), free_port()) as stack:
        yield stack


def test_the_switcher_narrows_the_list_and_badges_name_each_deployment(
    page: Page, fleet_stack: Stack
) -> None:
    sign_in(page, fleet_stack, "ada")
    # Every deployment at first: both live ones' DAGs, and the one that is down named.
    mirror_etl = page.locator(".dag-row[data-deployment='mirror'][data-dag-id='etl_pipeline']")
    expect(page.locator(".dag-row[data-deployment='main']").first).to_be_visible()
    expect(mirror_etl).to_be_visible()
    down = page.locator(".deployment-unavailable[data-deployment='down']")
    expect(down).to_contain_text("Deployment 'down' is unavailable")
    expect(page.locator(".deployment-health[data-deployment='down']")).to_have_attribute(
        "data-status", "down"
    )
    badge = mirror_etl.locator(".deployment-badge")
    expect(badge).to_have_text("staging")
    expect(badge).to_have_css("background-color", "rgb(249, 168, 37)")
    expect(
        page.locator(
            ".dag-row[data-deployment='main'][data-dag-id='etl_pipeline'] .deployment-badge"
        )
    ).to_have_text("production")
    shot(page, "deployments-all")

    page.locator("#deployment-switcher").click()
    page.get_by_role("option", name="Mirror", exact=True).click()
    page.wait_for_url("**/workflows?deployment=mirror")
    expect(page.locator(".dag-row[data-deployment='main']")).to_have_count(0)
    expect(mirror_etl).to_be_visible()
    expect(page.locator(".deployment-unavailable")).to_have_count(0)
    expect(page.locator("#deployment-switcher")).to_have_text("Mirror")
    shot(page, "deployments-mirror")

    mirror_etl.locator(".dag-link").click()
    page.wait_for_url("**/workflows/etl_pipeline?deployment=mirror")
    expect(page.locator("#page-deployment .deployment-badge")).to_have_text("staging")
    # The page read the DAG from the deployment its link named.
    expect(page.locator("#dag-facts")).to_contain_text("At 00:00")
    shot(page, "deployments-dag-page")
