"""The alert worker's heartbeat: when a recorded cycle is recent enough to call the worker
healthy, how the file is written and read, and ``airdeck worker --check`` on top of it (its
clock is the real one, so the heartbeats written here are dated from it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from airdeck_api.alerts.heartbeat import (
    MIN_WINDOW,
    Heartbeat,
    beat,
    heartbeat_path,
    last_beat,
    unhealthy_reason,
    window,
)
from airdeck_api.cli import main

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def finished(seconds_ago: float, interval: float = 10.0) -> Heartbeat:
    return Heartbeat(finished_at=NOW - timedelta(seconds=seconds_ago), interval=interval, pid=42)


def test_the_window_is_three_intervals_and_thirty_seconds_at_least() -> None:
    assert window(10) == timedelta(seconds=30)
    assert window(60) == timedelta(minutes=3)
    assert window(1) == MIN_WINDOW == timedelta(seconds=30)


@pytest.mark.parametrize("seconds_ago", [0, 5, 29.9, 30])
def test_a_cycle_finished_within_the_window_is_healthy(seconds_ago: float) -> None:
    assert unhealthy_reason(finished(seconds_ago), NOW) is None


def test_a_cycle_older_than_the_window_is_not_and_says_why() -> None:
    reason = unhealthy_reason(finished(30.5), NOW)
    assert reason is not None
    assert "pid 42" in reason and "over 30 s" in reason and "see its log" in reason


def test_the_window_follows_the_interval_the_worker_runs_at() -> None:
    assert unhealthy_reason(finished(170, interval=60), NOW) is None
    assert unhealthy_reason(finished(181, interval=60), NOW) is not None


def test_no_heartbeat_is_unhealthy() -> None:
    reason = unhealthy_reason(None, NOW)
    assert reason is not None and "AIRDECK_DATA_DIR" in reason


def test_a_heartbeat_from_the_future_vouches_only_within_the_window() -> None:
    assert unhealthy_reason(finished(-5), NOW) is None
    assert unhealthy_reason(finished(-120), NOW) is not None


def test_a_heartbeat_is_written_whole_and_read_back(tmp_path: Path) -> None:
    path = heartbeat_path(tmp_path, "worker-host")
    assert last_beat(path) is None
    beat(path, finished(0))
    beat(path, finished(1))
    assert last_beat(path) == finished(1)
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no partial file is left"


def test_each_host_has_a_heartbeat_of_its_own(tmp_path: Path) -> None:
    assert heartbeat_path(tmp_path, "a") != heartbeat_path(tmp_path, "b")
    assert heartbeat_path(tmp_path).parent == heartbeat_path(tmp_path, "a").parent


def test_an_unreadable_heartbeat_counts_as_none(tmp_path: Path) -> None:
    path = tmp_path / "worker.json"
    path.write_text('{"finished_at": "yesterday"')
    assert last_beat(path) is None


def test_a_heartbeat_that_cannot_be_written_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "heartbeats").write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="airdeck.alerts"):
        beat(heartbeat_path(tmp_path), finished(0))
    assert "could not record its heartbeat" in caplog.text


def check(data_dir: Path) -> Result:
    env = {
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
        "AIRDECK_DATA_DIR": str(data_dir),
    }
    return CliRunner(env=env).invoke(main, ["worker", "--check"], prog_name="airdeck")


def test_worker_check_exits_0_on_a_fresh_heartbeat_and_1_otherwise(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.exit_code == 1
    assert "unhealthy: no heartbeat" in result.stderr

    path = heartbeat_path(tmp_path)
    now = datetime.now(UTC)
    beat(path, Heartbeat(finished_at=now, interval=10, pid=7))
    result = check(tmp_path)
    assert result.exit_code == 0, result.output
    assert "healthy: the worker (pid 7)" in result.stdout

    beat(path, Heartbeat(finished_at=now - timedelta(minutes=5), interval=10, pid=7))
    result = check(tmp_path)
    assert result.exit_code == 1
    assert "stuck, stopped or its cycles fail" in result.stderr


def test_worker_check_and_once_do_not_go_together() -> None:
    result = CliRunner().invoke(main, ["worker", "--check", "--once"], prog_name="airdeck")
    assert result.exit_code == 2 and "give one" in result.output
