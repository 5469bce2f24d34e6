"""Airflow 2's log answers brought to Airflow 3's events: the shapes a real 2.11 sends (the
integration suite reads them from one), the token forms it sends only now and then, and the
last lines its task runner writes after the try has ended."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import respx

from airdeck_adapters.airflow import AirflowClient, DeploymentConfig, v1_logs
from airdeck_domain.models import TaskInstance

BASE = "http://airflow.test:8080"
INSTANCE = f"{BASE}/api/v1/dags/d/dagRuns/r/taskInstances/t"


def token(metadata: dict[str, object], *, compressed: bool = False) -> str:
    """A continuation token as Airflow 2 signs one (itsdangerous: payload, dot, signature)."""
    raw = json.dumps(metadata, separators=(",", ":")).encode()
    if compressed:
        raw = zlib.compress(raw)
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return ("." if compressed else "") + payload + ".c2lnbmF0dXJl"


def test_lines_become_events_with_level_time_and_source() -> None:
    text = (
        " INFO - ::group::Log message source details\n"
        "*** Found local files:\n"
        "[2026-12-02T09:59:46.846+0000] {report.py:58} WARNING - slow: 3 s\n"
        "Traceback (most recent call last):"
    )
    assert v1_logs.events(repr([("host", text)])) == [
        {"event": "::group::Log message source details", "level": "info"},
        {"event": "*** Found local files:"},
        {
            "event": "slow: 3 s",
            "level": "warning",
            "timestamp": "2026-12-02T09:59:46.846+0000",
            "logger": "report.py:58",
        },
        {"event": "Traceback (most recent call last):"},
    ]


def test_a_continued_answer_drops_the_newline_that_ended_the_last_line() -> None:
    content = repr([("host", "\n[2026-12-02T10:00:00.000+0000] {t.py:1} INFO - tick 2")])
    assert [e["event"] for e in v1_logs.events(content, continued=True)] == ["tick 2"]
    assert [e["event"] for e in v1_logs.events(content)] == ["", "tick 2"]


def test_content_that_is_not_host_pairs_is_read_as_text() -> None:
    assert v1_logs.events("plain text\nsecond") == [{"event": "plain text"}, {"event": "second"}]


def test_the_token_says_whether_the_log_ended() -> None:
    assert v1_logs.finished(token({"end_of_log": True, "log_pos": 2772}))
    assert not v1_logs.finished(token({"end_of_log": False, "log_pos": 10}))
    assert v1_logs.finished(
        token({"end_of_log": True, "log_pos": 9, "x": "y" * 80}, compressed=True)
    )


def test_an_unreadable_token_counts_as_unfinished() -> None:
    assert not v1_logs.finished("not a token")
    assert not v1_logs.finished("%%%.sig")
    assert not v1_logs.finished(token({"log_pos": 3}))


NOW = datetime(2026, 12, 3, 18, 50, tzinfo=UTC)


def ended(seconds_ago: float | None, *, try_number: int = 1) -> TaskInstance:
    end = None if seconds_ago is None else NOW - timedelta(seconds=seconds_ago)
    return TaskInstance(task_id="t", state="success", try_number=try_number, end_date=end)


def test_a_try_settles_some_seconds_after_it_ended() -> None:
    assert not v1_logs.settled(ended(1), 1, now=NOW)
    assert not v1_logs.settled(ended(9.9), 1, now=NOW)
    assert v1_logs.settled(ended(10), 1, now=NOW)


def test_an_earlier_try_or_one_that_never_ran_has_settled() -> None:
    assert v1_logs.settled(ended(1, try_number=2), 1, now=NOW)
    assert v1_logs.settled(ended(None), 1, now=NOW)


@pytest.mark.parametrize(("seconds_ago", "kept"), [(1, True), (60, False)])
@respx.mock
async def test_a_finished_log_stays_open_until_its_try_has_settled(
    seconds_ago: float, kept: bool
) -> None:
    end_of_log = token({"end_of_log": True, "log_pos": 40})
    respx.get(f"{INSTANCE}/logs/1").respond(
        200,
        json={
            "content": repr([("host", "[t] {x.py:1} INFO - done")]),
            "continuation_token": end_of_log,
        },
    )
    end = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    respx.get(INSTANCE).respond(
        200, json={"task_id": "t", "state": "success", "try_number": 1, "end_date": end.isoformat()}
    )
    client = AirflowClient(
        DeploymentConfig(name="d", url=BASE, username="svc", password="pw", api_version="v1")
    )
    page = await client.get_log("d", "r", "t", try_number=1)
    assert [event["event"] for event in page.events] == ["done"]
    assert page.continuation_token == (end_of_log if kept else None)
