"""Time to the first rows, in one Debian Chromium: Airdeck's web UI vs Airflow 3's own UI, for
the DAG list and for a mapped run's graph. Each side is signed in first (Airdeck's form;
Airflow's at ``/auth/login``), then each page is loaded afresh three times and the time from
navigation to the first row (or graph node) on screen is taken; the median is reported."""

from __future__ import annotations

import math
import os
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.airflow_runs import AirflowLogin
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
LOADS = 3
AIRDECK_ROW = ".dag-row"
AIRDECK_NODE = "#graph .react-flow__node"
# Airflow 3.3's UI: the DAG list shows cards (or a table); the run's graph is React Flow like
# Airdeck's.
AIRFLOW_ROW = "[data-testid='dag-card'], [data-testid='table-list'] tbody tr"
AIRFLOW_NODE = ".react-flow__node"
AIRFLOW_GRAPH_BUTTON = "button[aria-label^='Show Graph']"


@dataclass(frozen=True)
class FirstRows:
    """Medians in milliseconds; ``dags`` is how many DAGs the list had."""

    dags: int
    airdeck_list: float
    airflow_list: float
    airdeck_graph: float
    airflow_graph: float


@contextmanager
def running_web(api: str) -> Iterator[str]:
    """Airdeck's web UI (dev/web/run.sh, production build) against ``api``; its URL."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="airdeck-bench-web-")) / "web.log"
    env = {**os.environ, "AIRDECK_API_URL": api, "AIRDECK_WEB_PORT": str(port)}
    web = subprocess.Popen(
        [str(ROOT / "dev" / "web" / "run.sh")],
        env=env,
        start_new_session=True,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if web.poll() is not None:
                raise SystemExit(f"the web UI exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(url + "/", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            raise SystemExit(f"the web UI did not start:\n{log.read_text()[-3000:]}")
        yield url
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(30)


def median_load(page: Page, url: str, selector: str) -> float:
    """Median milliseconds from ``goto(url)`` to ``selector`` visible, over ``LOADS`` loads;
    infinity when one load shows nothing within two minutes."""
    samples = []
    for _ in range(LOADS):
        page.goto("about:blank")
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        try:
            page.wait_for_selector(selector, state="visible", timeout=120_000)
        except PlaywrightTimeoutError:
            return math.inf  # nothing within two minutes: reported as such, not averaged in
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def signed_in(context: BrowserContext, sign_in: Callable[[Page], None]) -> Page:
    page = context.new_page()
    page.set_default_timeout(120_000)
    sign_in(page)
    return page


def first_rows(
    api: str, airflow: AirflowLogin, user: str, password: str, dag_id: str, run_id: str
) -> FirstRows:
    """Time both UIs on the DAG list and on ``run_id``'s graph."""
    run = f"/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"
    dags = httpx.get(
        api + "/api/orchestrator/dags",
        params={"limit": 1},
        headers={"Authorization": "Bearer " + _token(api, user, password)},
        timeout=60,
    ).json()["total"]

    def airdeck_sign_in(web: str) -> Callable[[Page], None]:
        def sign_in(page: Page) -> None:
            page.goto(web + "/")
            page.fill("#username", user)
            page.fill("#password", password)
            page.click("#sign-in")
            page.wait_for_url("**/workflows")
            page.wait_for_selector(AIRDECK_ROW)

        return sign_in

    def airflow_sign_in(page: Page) -> None:
        page.goto(airflow.url + "/auth/login")
        page.fill("input[name='username']", airflow.username)
        page.fill("input[name='password']", airflow.password)
        page.click("button[type='submit']")
        page.wait_for_url(lambda u: "/auth/login" not in u)

    with running_web(api) as web, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            theirs = signed_in(
                browser.new_context(viewport={"width": 1440, "height": 900}), airflow_sign_in
            )
            # Airflow opens a run on its grid; choose the graph once, as a person would (the
            # choice sticks for the later loads).
            theirs.goto(airflow.url + "/dags" + run)
            theirs.click(AIRFLOW_GRAPH_BUTTON)
            theirs.wait_for_selector(AIRFLOW_NODE)
            ours = signed_in(
                browser.new_context(viewport={"width": 1440, "height": 900}), airdeck_sign_in(web)
            )
            airdeck_list = median_load(ours, web + "/workflows", AIRDECK_ROW)
            airflow_list = median_load(theirs, airflow.url + "/dags", AIRFLOW_ROW)
            airdeck_graph = median_load(ours, web + "/workflows" + run, AIRDECK_NODE)
            airflow_graph = median_load(theirs, airflow.url + "/dags" + run, AIRFLOW_NODE)
        finally:
            browser.close()
    return FirstRows(dags, airdeck_list, airflow_list, airdeck_graph, airflow_graph)


def _token(api: str, user: str, password: str) -> str:
    response = httpx.post(api + "/api/auth/token", json={"username": user, "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])
