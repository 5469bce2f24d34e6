"""Tailing a running task's log: each call with the returned cursor brings only new lines."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from collections.abc import Callable
from itertools import cycle
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_domain.polling import BACKOFF_SECONDS
from tests.support.airflow_runs import client as support_client
from tests.support.airflow_runs import ensure_run, run_path, trigger_run, wait_for_task_state
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
OWN_RUN = "manual__cursor+own:01"
OTHER_RUN = "manual__cursor+other:01"
TAIL_PACE = BACKOFF_SECONDS["logs"][0]
"""The web's quickest tail (3 s): one person tailing a log within their 30 log reads a minute."""
KEY_READERS = 5
"""People the key test's reads take turns as: it reads every 0.5 s to end fetches inside the
key, up to 120 reads a minute, which is 24 each of a person's default 30 log reads a minute."""


async def test_tail_returns_only_new_lines_then_completes(client: Client, airflow: Any) -> None:
    run_id = f"manual__tail+{uuid4().hex[:8]}:00"
    trigger_run(airflow, "slow_logger", run_id=run_id, conf={"seconds": 12})
    await asyncio.to_thread(
        wait_for_task_state, airflow, "slow_logger", run_id, "tick", {"running"}
    )
    url = f"/api/orchestrator/dags/slow_logger/runs/{run_id.replace('+', '%2B')}/tasks/tick/logs"

    chunks: list[list[str]] = []
    cursor: str | None = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        params = {"cursor": cursor} if cursor else {}
        response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        chunk = response.json()
        assert chunk["content"] == "\n".join(line["text"] for line in chunk["lines"])
        chunks.append([line["text"] for line in chunk["lines"]])
        cursor = chunk["cursor"]
        if chunk["is_complete"]:
            break
        await asyncio.sleep(TAIL_PACE)
    else:
        pytest.fail("the log never completed")

    non_empty = [c for c in chunks if c]
    assert len(non_empty) >= 3, f"expected the log to arrive in several pieces, got {chunks}"
    tailed = [line for c in chunks for line in c]
    full = (await client.get(url)).json()
    assert full["is_complete"] is True
    assert tailed == [line["text"] for line in full["lines"]], "pieces add up to the whole log"
    ticks = [line for line in tailed if "tick" in line.lower()]
    assert len(ticks) >= 12

    again = (await client.get(url, params={"cursor": cursor})).json()
    assert again["lines"] == [] and again["is_complete"] is True


async def test_bad_cursor_is_400(client: Client) -> None:
    response = await client.get(
        "/api/orchestrator/dags/slow_logger/runs/x/tasks/tick/logs", params={"cursor": "%%%"}
    )
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def raw_log_lines(airflow: Any, dag_id: str, run_id: str, task_id: str) -> list[str]:
    """The log's lines straight from Airflow (what Airdeck must redact)."""
    response = support_client(airflow).get(
        f"{run_path(dag_id, run_id)}/taskInstances/{task_id}/logs/1",
        headers={"Accept": "application/json"},
    )
    response.raise_for_status()
    content = response.json()["content"]
    events = content if isinstance(content, list) else content.splitlines()
    return [
        line
        for event in events
        for line in (event if isinstance(event, str) else str(event.get("event", ""))).splitlines()
    ]


def stdout_key_open(lines: list[str]) -> bool:
    """Whether the key the task prints line by line has begun and not yet ended."""
    begins = sum("-----BEGIN PRIVATE KEY-----" in line for line in lines)
    ends = sum("-----END PRIVATE KEY-----" in line for line in lines)
    return begins > ends


def leaky_url(run_id: str) -> str:
    return f"/api/orchestrator/dags/leaky_logger/runs/{quote(run_id, safe='')}/tasks/leak/logs"


async def test_private_key_split_between_fetches_never_leaks(
    client: Client, airflow: Any, people: Callable[[int], list[Person]]
) -> None:
    """The task prints a PEM key one line every 1.5 s; reading every 0.5 s (as several people
    taking turns), some fetches end inside the key. Neither a piece nor the whole log may show
    any line of it."""
    run_id = f"manual__keytail+{uuid4().hex[:8]}:00"
    trigger_run(airflow, "leaky_logger", run_id=run_id, conf={"key_line_pause": 1.5})
    await asyncio.to_thread(
        wait_for_task_state, airflow, "leaky_logger", run_id, "leak", {"running"}
    )
    url = leaky_url(run_id)
    readers = cycle(people(KEY_READERS))
    chunks: list[list[str]] = []
    fetched_inside_key = 0
    cursor: str | None = None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        before = await asyncio.to_thread(raw_log_lines, airflow, "leaky_logger", run_id, "leak")
        response = await client.get(
            url, params={"cursor": cursor} if cursor else {}, headers=next(readers).headers
        )
        assert response.status_code == 200, response.text
        after = await asyncio.to_thread(raw_log_lines, airflow, "leaky_logger", run_id, "leak")
        # The key was open in Airflow's log both before and after this fetch: it ended inside.
        fetched_inside_key += stdout_key_open(before) and stdout_key_open(after)
        chunk = response.json()
        chunks.append([line["text"] for line in chunk["lines"]])
        cursor = chunk["cursor"]
        if chunk["is_complete"]:
            break
        await asyncio.sleep(0.5)
    else:
        pytest.fail("the log never completed")

    raw = await asyncio.to_thread(raw_log_lines, airflow, "leaky_logger", run_id, "leak")
    body = [line for line in raw if re.fullmatch(r"[A-Za-z0-9+/=]{64}", line)]
    assert len(body) >= 10, "the task printed the key (twice) in Airflow's own log"
    assert fetched_inside_key >= 1, f"no fetch ended inside the key: {chunks}"
    tailed = [line for c in chunks for line in c]
    full = (await client.get(url)).json()
    assert tailed == [line["text"] for line in full["lines"]], "pieces add up to the whole log"
    for shown in (tailed, [line["text"] for line in full["lines"]]):
        assert not [line for line in shown if "PRIVATE KEY" in line]
        assert not [line for line in shown for part in body if part[:24] in line]
    assert "deploy key written" in tailed


async def test_cursor_works_only_on_its_own_log(
    client: Client, airflow: Any, make_app: Callable[..., Litestar], person: Person
) -> None:
    for run_id in (OWN_RUN, OTHER_RUN):
        assert ensure_run(airflow, "leaky_logger", run_id) == "success"
    own = await client.get(leaky_url(OWN_RUN))
    assert own.status_code == 200, own.text
    cursor = own.json()["cursor"]
    assert (await client.get(leaky_url(OWN_RUN), params={"cursor": cursor})).status_code == 200

    elsewhere = await client.get(leaky_url(OTHER_RUN), params={"cursor": cursor})
    assert elsewhere.status_code == 400, elsewhere.text
    assert "another task log" in elsewhere.json()["detail"]
    other_map_index = await client.get(
        leaky_url(OWN_RUN), params={"cursor": cursor, "map_index": 0}
    )
    assert other_map_index.status_code == 400, other_map_index.text
    other_try = await client.get(leaky_url(OWN_RUN), params={"cursor": cursor, "try_number": 2})
    assert other_try.status_code == 400, other_try.text
    assert "try 1" in other_try.json()["detail"]

    # Another API process on the same data folder accepts the cursor for the same log, and
    # refuses it for the same log of another deployment (here: the same Airflow, named twice).
    mirror = json.dumps(
        [
            {
                "name": "mirror",
                "url": airflow.url,
                "username": airflow.username,
                "password_env": "AIRDECK_TEST_MIRROR_PASSWORD",
            }
        ]
    )
    app = make_app(
        AIRDECK_AIRFLOW_DEPLOYMENTS=mirror, AIRDECK_TEST_MIRROR_PASSWORD=airflow.password
    )
    async with client_as(person, app) as second:
        same = await second.get(leaky_url(OWN_RUN), params={"cursor": cursor})
        assert same.status_code == 200, same.text
        other_deployment = await second.get(
            leaky_url(OWN_RUN), params={"cursor": cursor, "deployment": "mirror"}
        )
        assert other_deployment.status_code == 400, other_deployment.text
        assert "another task log" in other_deployment.json()["detail"]


async def test_hand_made_or_altered_cursor_is_refused(client: Client, airflow: Any) -> None:
    assert ensure_run(airflow, "leaky_logger", OWN_RUN) == "success"
    url = leaky_url(OWN_RUN)
    # What the old, unsigned cursors were: base64 of {"token": null, "lines": 0}.
    hand_made = base64.urlsafe_b64encode(b'{"token":null,"lines":0}').decode().rstrip("=")
    response = await client.get(url, params={"cursor": hand_made})
    assert response.status_code == 400, response.text
    assert "not one this API issued" in response.json()["detail"]

    issued = (await client.get(url)).json()["cursor"]
    payload, mac = issued.split(".")
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    state.update(done=False, token=None, lines=0)
    altered = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    response = await client.get(url, params={"cursor": f"{altered}.{mac}"})
    assert response.status_code == 400, response.text
    assert "not one this API issued" in response.json()["detail"]
