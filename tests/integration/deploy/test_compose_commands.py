"""The api, worker and web services of docker-compose.yml start from their own command,
environment and health check, without Docker: the internal hostnames lead to this machine's
PostgreSQL (a throwaway database made by the stack's own init script), Redis and test Airflow,
the ports to free ones, and each service's own health check must pass within a bounded wait."""

from __future__ import annotations

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.compose_file import ROOT, filled_settings, healthcheck_command, rendered

VENV_BIN = Path(sys.executable).parent
"""The project venv: in the images, theirs comes first on PATH the same way."""
PORTS = range(29000, 30000)
_handed_out: set[int] = set()


@dataclass(frozen=True)
class ProductDatabase:
    """The product database and its owner, as the stack's init script made them."""

    name: str
    user: str


def free_port() -> int:
    """A port in 29000-29999 nothing listens on, never the same one twice in a session."""
    for port in random.sample(PORTS, len(PORTS)):
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise AssertionError("no free port in 29000-29999")


def listening_on_every_interface(port: int) -> bool:
    """Whether something listens on ``port`` of every interface (0.0.0.0 or ::), per the
    kernel's socket tables."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port and not address.strip("0"):
                return True
    return False


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="module")
def settings() -> dict[str, str]:
    return filled_settings()


@pytest.fixture(scope="module")
def services(settings: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = rendered(settings, tmp_path_factory.mktemp("compose") / "env")
    found: dict[str, Any] = config["services"]
    return found


@pytest.fixture(scope="module")
def product_database(settings: dict[str, str]) -> Iterator[ProductDatabase]:
    """What deploy/postgres-init.sh creates in the stack, under throwaway names on the local
    server; dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = {
        "AIRFLOW_DB_NAME": f"airflow_compose_{suffix}",
        "AIRFLOW_DB_USER": f"airflow_compose_{suffix}",
        "AIRDECK_DB_NAME": f"airdeck_compose_{suffix}",
        "AIRDECK_DB_USER": f"airdeck_compose_{suffix}",
    }
    created = subprocess.run(
        [str(ROOT / "deploy" / "postgres-init.sh")],
        env={
            "PATH": os.environ["PATH"],
            "PGHOST": "127.0.0.1",
            "POSTGRES_USER": "postgres",
            "AIRFLOW_DB_PASSWORD": settings["AIRFLOW_DB_PASSWORD"],
            "AIRDECK_DB_PASSWORD": settings["AIRDECK_DB_PASSWORD"],
            **names,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        assert created.returncode == 0, created.stderr
        yield ProductDatabase(name=names["AIRDECK_DB_NAME"], user=names["AIRDECK_DB_USER"])
    finally:
        psql(
            f'DROP DATABASE IF EXISTS "{names["AIRDECK_DB_NAME"]}" WITH (FORCE);\n'
            f'DROP DATABASE IF EXISTS "{names["AIRFLOW_DB_NAME"]}" WITH (FORCE);\n'
            f'DROP ROLE IF EXISTS "{names["AIRDECK_DB_USER"]}";\n'
            f'DROP ROLE IF EXISTS "{names["AIRFLOW_DB_USER"]}";\n'
        )


def container_env(environment: dict[str, str]) -> dict[str, str]:
    """What a container of the service sees: the service's environment, the image's PATH (its
    venv first) and a home; nothing else of this process's environment."""
    return {
        "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        # The web's Reflex keeps its files under the home dev/web/install.sh built them in.
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        **environment,
    }


def replace_host(url: str, expected_host: str, netloc: str, path: str | None = None) -> str:
    """``url`` sent to ``netloc`` (and ``path``) instead of the compose network's host."""
    parts = urlsplit(url)
    assert parts.hostname == expected_host, url
    return urlunsplit(parts._replace(netloc=netloc, path=parts.path if path is None else path))


@contextmanager
def running(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[Any]:
    """``command`` in a session of its own for as long as the block runs; stopped after."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def wait_healthy(
    service: dict[str, Any],
    env: dict[str, str],
    process: subprocess.Popen[bytes],
    log: Path,
    seconds: float,
) -> None:
    """Run the service's own health check until it passes; fail if the process exits first or
    ``seconds`` go by."""
    check = healthcheck_command(service)
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{check} never passed: the service exited:\n{log.read_text()[-4000:]}")
        result = subprocess.run(check, env=env, capture_output=True, text=True, timeout=30)
        if result.returncode == 0:
            return
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        time.sleep(1)
    pytest.fail(f"{check} did not pass within {seconds:.0f} s ({last}):\n{log.read_text()[-4000:]}")


def on_this_machine(
    service: dict[str, Any], product_database: ProductDatabase, airflow: Any, data_dir: Path
) -> dict[str, str]:
    """An Airdeck service's environment with the stack's hosts swapped for this machine's
    PostgreSQL (the product database), Redis and test Airflow, and a data dir of its own."""
    environment = dict(service["environment"])
    database = urlsplit(environment["AIRDECK_DATABASE_URL"])
    environment["AIRDECK_DATABASE_URL"] = replace_host(
        environment["AIRDECK_DATABASE_URL"],
        "postgres",
        f"{product_database.user}:{database.password}@127.0.0.1:5432",
        f"/{product_database.name}",
    )
    # The test Redis has no password; the stack's keys get a prefix of their own there.
    environment["AIRDECK_REDIS_URL"] = replace_host(
        environment["AIRDECK_REDIS_URL"], "redis", "127.0.0.1:6379"
    )
    environment["AIRDECK_RATE_LIMIT_PREFIX"] = f"compose-{secrets.token_hex(4)}"
    environment["AIRDECK_AIRFLOW_URL"] = replace_host(
        environment["AIRDECK_AIRFLOW_URL"], "airflow-api", urlsplit(airflow.url).netloc
    )
    environment["AIRDECK_AIRFLOW_USERNAME"] = airflow.username
    environment["AIRDECK_AIRFLOW_PASSWORD"] = airflow.password
    environment["AIRDECK_DATA_DIR"] = str(data_dir)
    return environment


def migrated(services: dict[str, Any], env: dict[str, str], cwd: Path) -> None:
    """The stack's migration step, run to completion with ``env``."""
    result = subprocess.run(
        services["api-migrate"]["command"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_api_service_migrates_starts_and_passes_its_health_check(
    services: dict[str, Any],
    product_database: ProductDatabase,
    airflow: Any,
    tmp_path: Path,
) -> None:
    api, migrate = services["api"], services["api-migrate"]
    assert migrate["environment"] == api["environment"], "migrations run on the API's settings"
    port = free_port()
    environment = on_this_machine(api, product_database, airflow, tmp_path / "data")
    assert environment["AIRDECK_API_PORT"] == "8100"
    environment["AIRDECK_API_PORT"] = str(port)
    env = container_env(environment)
    migrated(services, env, tmp_path)

    log = tmp_path / "api.log"
    with running(api["command"], env, tmp_path, log) as process:
        wait_healthy(api, env, process, log, seconds=120)
        assert listening_on_every_interface(port), "the API must be reachable from other containers"


def test_the_worker_service_starts_and_passes_its_health_check_once_it_cycles(
    services: dict[str, Any],
    product_database: ProductDatabase,
    airflow: Any,
    tmp_path: Path,
) -> None:
    worker = services["worker"]
    env = container_env(on_this_machine(worker, product_database, airflow, tmp_path / "data"))
    migrated(services, env, tmp_path)
    check = healthcheck_command(worker)
    before = subprocess.run(check, env=env, capture_output=True, text=True, timeout=60)
    assert before.returncode != 0, "no worker has cycled yet: the check must not pass"

    log = tmp_path / "worker.log"
    with running(worker["command"], env, tmp_path, log) as process:
        wait_healthy(worker, env, process, log, seconds=120)
        assert process.poll() is None


def test_the_web_service_starts_binds_every_interface_and_passes_its_health_check(
    services: dict[str, Any], tmp_path: Path
) -> None:
    web = services["web"]
    port = free_port()
    environment = dict(web["environment"])
    environment["AIRDECK_API_URL"] = replace_host(
        environment["AIRDECK_API_URL"], "api", f"127.0.0.1:{free_port()}"
    )
    assert environment["AIRDECK_WEB_PORT"] == "3000"
    environment["AIRDECK_WEB_PORT"] = str(port)
    for browser_facing in ("AIRDECK_WEB_URL", "REFLEX_API_URL"):
        environment[browser_facing] = replace_host(
            environment[browser_facing], "localhost", f"localhost:{port}"
        )
    env = container_env(environment)

    log = tmp_path / "web.log"
    # The image's working directory holds what the checkout's root holds (dev/, services/web);
    # the frontend's packages are those dev/web/install.sh installed.
    with running(web["command"], env, ROOT, log) as process:
        wait_healthy(web, env, process, log, seconds=300)
        assert listening_on_every_interface(port), "the published port must lead somewhere"
