"""The metrics module: one page in the Prometheus text format, shared by worker processes once
``prepare_multiprocess`` has run in their parent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from airdeck_api import metrics
from airdeck_api.metrics import MULTIPROCESS_ENV, prepare_multiprocess
from airdeck_api.settings import HttpSettings, Settings

BASE = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}
WORKER = """
import sys
from airdeck_api import metrics
metrics.request_answered("GET", "/livez", 200, 0.004)
metrics.AIRFLOW_UP.labels("mp").set(float(sys.argv[1]))
if sys.argv[2] == "show":
    sys.stdout.write(metrics.exposition().decode())
"""


def settings(workers: int) -> Settings:
    base = Settings.from_env(BASE)
    return Settings(airflow=base.airflow, storage=base.storage, http=HttpSettings(workers=workers))


@pytest.fixture
def no_multiprocess_dir(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    # Recorded by monkeypatch, so whatever prepare_multiprocess sets is undone afterwards.
    monkeypatch.setenv(MULTIPROCESS_ENV, "")
    monkeypatch.delenv(MULTIPROCESS_ENV)
    return monkeypatch


def test_one_process_keeps_its_metrics_in_memory(no_multiprocess_dir: pytest.MonkeyPatch) -> None:
    assert prepare_multiprocess(settings(1)) is None
    assert MULTIPROCESS_ENV not in os.environ


def test_several_workers_get_a_fresh_shared_folder(no_multiprocess_dir: pytest.MonkeyPatch) -> None:
    folder = prepare_multiprocess(settings(3))
    assert folder is not None and folder.is_dir() and not any(folder.iterdir())
    assert os.environ[MULTIPROCESS_ENV] == str(folder)


def test_an_operators_folder_is_emptied_of_a_previous_run(
    no_multiprocess_dir: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chosen = tmp_path / "prom"
    chosen.mkdir()
    (chosen / "counter_123.db").write_bytes(b"old")
    (chosen / "README").write_text("kept")
    no_multiprocess_dir.setenv(MULTIPROCESS_ENV, str(chosen))
    assert prepare_multiprocess(settings(1)) == chosen
    assert sorted(p.name for p in chosen.iterdir()) == ["README"]


def test_worker_processes_are_added_up_and_gauges_keep_the_latest(tmp_path: Path) -> None:
    env = {**os.environ, MULTIPROCESS_ENV: str(tmp_path)}

    def worker(up: str, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", WORKER, up, then],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    worker("1", "quiet")
    page = worker("0", "show")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(page)
        for s in family.samples
    }
    route = (("method", "GET"), ("route", "/livez"), ("status", "200"))
    assert samples[("airdeck_http_requests_total", route)] == 2
    assert samples[("airdeck_http_request_duration_seconds_count", route)] == 2
    # "mostrecent": the second process's check, not a sum or one series per process.
    assert samples[("airdeck_airflow_up", (("deployment", "mp"),))] == 0


def test_the_page_is_prometheus_text() -> None:
    metrics.rate_limited("reads")
    page = metrics.exposition().decode()
    names = {family.name for family in text_string_to_metric_families(page)}
    assert {"airdeck_rate_limit_rejections", "airdeck_http_requests"} <= names
    assert metrics.CONTENT_TYPE.startswith("text/plain; version=")
