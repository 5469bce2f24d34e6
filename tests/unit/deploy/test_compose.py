"""docker-compose.yml stays a valid Compose file (parsed by docker-compose; no engine needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
SECRETS = (
    "POSTGRES_PASSWORD",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "AIRDECK_AIRFLOW_PASSWORD",
)


def test_compose_file_parses_and_keeps_airflow_private() -> None:
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is installed by dev/system-packages.sh"
    env = {**os.environ, **dict.fromkeys(SECRETS, "test-only")}
    result = subprocess.run(
        [compose, "-f", str(ROOT / "docker-compose.yml"), "config"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"postgres", "redis", "airflow-api", "airflow-scheduler", "api", "web"} <= set(services)
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"api", "web"}, "only Airdeck is published; Airflow stays internal"


def test_compose_refuses_to_start_without_secrets() -> None:
    compose = shutil.which("docker-compose")
    assert compose
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    result = subprocess.run(
        [compose, "-f", str(ROOT / "docker-compose.yml"), "config"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr
