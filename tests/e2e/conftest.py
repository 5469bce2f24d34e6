"""The whole stack for browser tests: the test Airflow, a real API process (local sign-in, a
migrated SQLite product DB, the default rate limits), the Reflex web UI, and Debian's Chromium
driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from airdeck_adapters.db import migrate
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
USERS = {
    "vera": ("vera-pw", "viewer"),
    "otto": ("otto-pw", "operator"),
    "ada": ("ada-pw", "admin"),
    "wes": ("wes-pw", "operator"),
    "ida": ("ida-pw", "admin"),
    "cleo": ("cleo-pw", "admin"),
    "gus": ("gus-pw", "operator"),
    "rita": ("rita-pw", "operator"),
    "remy": ("remy-pw", "admin"),
}
"""Each person has their own rate limits: ``wes`` only watches a live log for ten minutes,
``ida`` only manages saved configs and metadata, ``cleo`` only previews and clears (each dry
run is a write), ``remy`` only takes a run's actions (previews too) and ``gus`` only starts
the Gantt's running run: bursts of writes of their own, within the default limit of 10 a
minute."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Stack:
    api: str
    web: str
    api_log: Path
    """The API process's output, its access log included."""


def web_workdir(suffix: str) -> Path:
    """A build folder of its own for a second live stack, beside the one the local-mode stack
    uses: the built front end holds its port, so two live stacks must never share one."""
    shared = Path(os.environ.get("REFLEX_WEB_WORKDIR") or ".web")
    if not shared.is_absolute():
        shared = ROOT / "services" / "web" / shared
    return shared.with_name(f"{shared.name}-{suffix}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "runs_last: a long browser test, run after every other test collected"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long browser tests go last, so the rest of the suite reports first. `make test` runs
    the clock-bound ones (marker `beside`) in a second process instead, beside the rest."""
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)


def _wait(url: str, seconds: float, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_stack(
    airflow: Any, data: Path, env: Mapping[str, str], api_port: int, web_port: int
) -> Iterator[Stack]:
    """An API process and the web UI on the given ports, against the test Airflow and a
    migrated SQLite product DB in ``data``, configured by ``env`` on top of the shared settings
    (sign-in mode and users come from ``env``), for as long as the block runs."""
    database_url = f"sqlite+aiosqlite:///{data / 'airdeck.db'}"
    # Alembic runs its own event loop; Playwright may already hold this thread's.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(migrate.upgrade, database_url).result()
    full_env = {
        **os.environ,
        "AIRDECK_AIRFLOW_URL": airflow.url,
        "AIRDECK_AIRFLOW_USERNAME": airflow.username,
        "AIRDECK_AIRFLOW_PASSWORD": airflow.password,
        "AIRDECK_DATA_DIR": str(data),
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_API_PORT": str(api_port),
        "AIRDECK_API_URL": f"http://127.0.0.1:{api_port}",
        "AIRDECK_WEB_PORT": str(web_port),
        "AIRDECK_WEB_ORIGINS": f"http://127.0.0.1:{web_port}",
        # The web forwards each browser's address; the API believes it only from loopback.
        "AIRDECK_TRUSTED_PROXIES": "127.0.0.1,::1",
        **env,
    }
    api_log, web_log = data / "api.log", data / "web.log"
    api = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "serve"],
        env=full_env,
        stdout=api_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    web = subprocess.Popen(
        [str(ROOT / "dev" / "web" / "run.sh")],
        env=full_env,
        start_new_session=True,
        stdout=web_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(f"http://127.0.0.1:{api_port}/api/auth/jwks.json", 60, api, api_log)
        _wait(f"http://127.0.0.1:{web_port}/", 300, web, web_log)
        yield Stack(
            api=f"http://127.0.0.1:{api_port}", web=f"http://127.0.0.1:{web_port}", api_log=api_log
        )
    finally:
        api.terminate()
        # The web may have exited already (a failed start): its error is what the test shows.
        with suppress(ProcessLookupError):
            os.killpg(web.pid, 15)
        api.wait(10)
        web.wait(20)


@pytest.fixture(scope="session")
def stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    local_sign_in = {
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": ",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
    }
    data = tmp_path_factory.mktemp("e2e")
    with running_stack(airflow, data, local_sign_in, free_port(), free_port()) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM), "Debian's chromium is needed (dev/browser.sh installs it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def sign_in(page: Page, stack: Stack, user: str) -> None:
    """Sign in through the form and land on the workflows list."""
    page.goto(stack.web + "/")
    page.fill("#username", user)
    page.fill("#password", USERS[user][0])
    page.click("#sign-in")
    page.wait_for_url("**/workflows")
    page.wait_for_selector(".dag-row")


def requests_since(log: Path, offset: int) -> list[tuple[str, str, int]]:
    """(method, path and query, status) of each request the API logged after byte ``offset``
    of its ``log``."""
    with log.open("rb") as api_log:
        api_log.seek(offset)
        text = api_log.read().decode(errors="replace")
    done = []
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("logger") == "airdeck.access":
            query = f"?{entry['query']}" if entry.get("query") else ""
            done.append((entry["method"], entry["path"] + query, int(entry["status"])))
    return done


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def api_token(stack: Stack, user: str) -> dict[str, str]:
    response = httpx.post(
        f"{stack.api}/api/auth/token",
        json={"username": user, "password": USERS[user][0]},
        timeout=30,
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
