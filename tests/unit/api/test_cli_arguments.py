"""The ``airdeck`` command line: what it accepts, what it refuses (exit 2, with a sentence and
no traceback), and what ``serve`` does with ``--workers``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from airdeck_api.cli import main, serving
from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.metrics import MULTIPROCESS_ENV


@pytest.fixture
def api_env(tmp_path: Path) -> dict[str, str]:
    """A valid API configuration (CliRunner puts it in the environment, then restores it)."""
    return {
        "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:9",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
        "AIRDECK_DATA_DIR": str(tmp_path),
        "AIRDECK_API_WORKERS": "1",
        "AIRDECK_REDIS_URL": "",
    }


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``uvicorn.run`` would have been asked to serve, instead of serving it."""
    calls: list[dict[str, Any]] = []

    def run(app: Any, **options: Any) -> None:
        calls.append({"app": app, **options, "env_workers": os.environ["AIRDECK_API_WORKERS"]})

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(serving, "create_app", lambda settings: ("the app for", settings))
    # Recorded by monkeypatch, so the metrics folder serve exports for its workers is undone.
    monkeypatch.setenv(MULTIPROCESS_ENV, "")
    monkeypatch.delenv(MULTIPROCESS_ENV)
    return calls


def test_airdeck_alone_shows_its_commands_and_exit_codes() -> None:
    result = CliRunner().invoke(main, [], prog_name="airdeck")
    assert result.exit_code == 0, result.output
    for command in ("serve", "db", "token", "dags", "runs", "logs", "health"):
        assert f"  {command} " in result.output
    assert "Exit codes:" in result.output
    assert "3  the API refused the request" in result.output


def test_airdeck_api_alone_serves_as_it_always_did(
    api_env: dict[str, str], served: list[dict[str, Any]]
) -> None:
    result = CliRunner(env=api_env).invoke(main, [], prog_name="airdeck-api")
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    assert (served[0]["host"], served[0]["port"]) == ("127.0.0.1", 8100)


def test_workers_override_the_environment_for_every_worker(
    api_env: dict[str, str], served: list[dict[str, Any]]
) -> None:
    result = CliRunner(env=api_env).invoke(main, ["serve", "--workers", "3"], prog_name="airdeck")
    assert result.exit_code == 0, result.output
    (call,) = served
    # Workers import the app by name and read the environment again, so it must say 3 too.
    assert (call["app"], call["factory"], call["workers"]) == (serving.APP_FACTORY, True, 3)
    assert call["env_workers"] == "3"
    assert os.environ[MULTIPROCESS_ENV], "the workers share their metrics through files"
    assert "without AIRDECK_REDIS_URL" in result.stderr


def test_one_worker_serves_the_app_in_process(
    api_env: dict[str, str], served: list[dict[str, Any]]
) -> None:
    result = CliRunner(env={**api_env, "AIRDECK_API_WORKERS": "4"}).invoke(
        main, ["serve", "--workers", "1"], prog_name="airdeck"
    )
    assert result.exit_code == 0, result.output
    (call,) = served
    kind, settings = call["app"]
    assert kind == "the app for" and settings.http.workers == 1
    assert "workers" not in call


@pytest.mark.parametrize("workers", ["0", "-1", "many"])
def test_workers_must_be_a_positive_number(
    workers: str, api_env: dict[str, str], served: list[dict[str, Any]]
) -> None:
    result = CliRunner(env=api_env).invoke(main, ["serve", "--workers", workers])
    assert result.exit_code == ExitCode.USAGE
    assert "--workers" in result.stderr
    assert served == []


def test_an_invalid_configuration_lists_every_problem(
    api_env: dict[str, str], served: list[dict[str, Any]]
) -> None:
    env = {**api_env, "AIRDECK_AIRFLOW_URL": "", "AIRDECK_API_PORT": "http"}
    result = CliRunner(env=env).invoke(main, ["serve"])
    assert result.exit_code == ExitCode.USAGE
    assert "AIRDECK_AIRFLOW_URL" in result.stderr and "AIRDECK_API_PORT" in result.stderr
    assert "Traceback" not in result.output
    assert served == []


@pytest.mark.parametrize(
    ("conf", "says"),
    [
        ("{days: 3}", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "must be a JSON object, not list"),
        ('"text"', "must be a JSON object, not str"),
    ],
)
def test_a_conf_that_is_not_a_json_object_is_refused_before_any_call(conf: str, says: str) -> None:
    # Nothing listens on this port: a call would exit 4, not 2.
    result = CliRunner().invoke(
        main, ["runs", "trigger", "etl_pipeline", "--conf", conf, "--api-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert says in result.stderr and "--conf" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["logs", "dag", "run", "task", "--try", "0"],
        ["logs", "dag", "run"],
        ["logs", "dag", "run", "task", "--map-index", "-2"],
        ["runs", "list", "dag", "--limit", "51"],
        ["dags", "list", "--limit", "0"],
        ["dags", "list", "--page", "0"],
        ["token"],
        ["launch"],
    ],
)
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    result = CliRunner().invoke(main, [*arguments, "--api-url", "http://127.0.0.1:9"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output


def test_client_commands_read_the_api_url_and_token_from_the_environment() -> None:
    result = CliRunner().invoke(main, ["dags", "list", "--help"])
    assert "AIRDECK_API_URL" in result.output and "AIRDECK_TOKEN" in result.output
    assert "http://127.0.0.1:8100" in result.output


def test_the_package_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "airdeck_api.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "version" in completed.stdout
