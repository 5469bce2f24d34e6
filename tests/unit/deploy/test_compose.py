"""docker-compose.yml, deploy/Dockerfile and .dockerignore keep the production stack's promises:
checked on the file as docker-compose renders it with .env.example's settings (no engine)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.compose_file import (
    COMPOSE_FILE,
    ROOT,
    example_settings,
    filled_settings,
    render,
    rendered,
    required_secrets,
)

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
AIRFLOW_SERVICES = (
    "airflow-init",
    "airflow-api",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-flower",
)
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|_KEY|TOKEN|LOCAL_USERS|_AUTH)$")
REFERENCE = re.compile(r"(?<!\$)\$\{[A-Z0-9_]+(?::?\?[^}]*|:?-)?\}")
"""``${NAME}``, ``${NAME:?message}`` or ``${NAME:-}``: from .env, with no default written here."""


@pytest.fixture(scope="module")
def settings() -> dict[str, str]:
    return filled_settings()


@pytest.fixture(scope="module")
def config(settings: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return rendered(settings, tmp_path_factory.mktemp("compose") / "env")


@pytest.fixture(scope="module")
def services(config: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = config["services"]
    return found


def one_shot(service: dict[str, Any]) -> bool:
    """A service that runs to completion (a migration) rather than serving."""
    return service.get("restart") == "no"


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """A service's mounts as docker-compose renders them (``source:target:mode``): target →
    source."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = source
    return found


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed YAML value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """deploy/Dockerfile's instructions per stage name: (INSTRUCTION, arguments)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            current = stages.setdefault(arguments.split()[-1], [])
        current.append((instruction.upper(), " ".join(arguments.split())))
    return stages


def build_context(root: Path) -> set[str]:
    """The files docker-compose would send to the engine from ``root``: its own .dockerignore
    matcher (docker-py, which the docker-compose package runs on), asked through its Python."""
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is installed by dev/system-packages.sh"
    interpreter = Path(compose).read_text().splitlines()[0].removeprefix("#!")
    listing = subprocess.run(
        [
            *interpreter.split(),
            "-c",
            "import json, sys\n"
            "from docker.utils.build import exclude_paths\n"
            "patterns = open(sys.argv[1] + '/.dockerignore').read().splitlines()\n"
            "print(json.dumps(sorted(exclude_paths(sys.argv[1], patterns))))",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {p for p in json.loads(listing.stdout) if (root / p).is_file()}


# ---- the file parses, Airflow stays private ----------------------------------------------------


def test_compose_file_parses_and_keeps_airflow_private(services: dict[str, Any]) -> None:
    assert {"postgres", "redis", "airflow-api", "airflow-scheduler", "api", "web"} <= set(services)
    default = {name: s for name, s in services.items() if not s.get("profiles")}
    published = {name for name, service in default.items() if service.get("ports")}
    assert published == {"api", "web"}, "only Airdeck is published; Airflow stays internal"
    for name, service in services.items():
        if service.get("profiles") and service.get("ports"):
            # An opt-in dashboard (Flower) may listen on the host's loopback, nowhere else.
            assert all(str(p).startswith("127.0.0.1:") for p in service["ports"]), name


def test_compose_refuses_to_start_without_each_secret(
    settings: dict[str, str], tmp_path: Path
) -> None:
    secrets = required_secrets()
    assert {
        "POSTGRES_PASSWORD",
        "AIRFLOW_DB_PASSWORD",
        "AIRDECK_DB_PASSWORD",
        "REDIS_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_API_SECRET_KEY",
        "AIRDECK_AIRFLOW_PASSWORD",
    } <= secrets

    def without(name: str) -> subprocess.CompletedProcess[str]:
        return render({k: v for k, v in settings.items() if k != name}, tmp_path / name)

    with ThreadPoolExecutor(4) as pool:
        results = dict(zip(sorted(secrets), pool.map(without, sorted(secrets)), strict=True))
    for name, result in results.items():
        assert result.returncode != 0, f"compose ran without {name}"
        assert name in result.stderr


def test_every_variable_is_documented_in_env_example() -> None:
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", COMPOSE_FILE.read_text()))
    documented = example_settings()
    assert used == set(documented), "docker-compose.yml and .env.example name the same variables"
    assert all(documented[name] == "" for name in required_secrets()), (
        "no secret has a value anyone could copy from .env.example"
    )


def test_env_is_ignored_and_its_example_is_not() -> None:
    def ignored(path: str) -> bool:
        check = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        return check.returncode == 0

    assert ignored(".env")
    assert not ignored(".env.example")


# ---- secrets ---------------------------------------------------------------------------------


def test_no_secret_is_written_in_the_file() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    for name, service in raw["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable):
                assert REFERENCE.fullmatch(str(value)), f"{name}: {variable} must be a ${{VAR}}"
    for text in strings(raw):
        bare = REFERENCE.sub("", text)
        assert not re.search(r"://[^/\s@:]*:[^@\s/]+@", bare), f"a password in {text!r}"
    # A password given on a command line (Redis's) is a reference too.
    redis = raw["services"]["redis"]["command"]
    assert REFERENCE.fullmatch(redis[redis.index("--requirepass") + 1])


def test_every_secret_reaches_a_service(config: dict[str, Any], settings: dict[str, str]) -> None:
    everything = "\n".join(strings(config))
    for name in required_secrets() | {"AIRDECK_LOCAL_USERS"}:
        assert settings[name] in everything, f"{name} is set in .env but used nowhere"


def test_services_get_only_the_secrets_they_need(
    services: dict[str, Any], settings: dict[str, str]
) -> None:
    def carries(service: str, secret: str) -> bool:
        return settings[secret] in "\n".join(strings(services[service].get("environment", {})))

    assert not carries("web", "AIRDECK_DB_PASSWORD")
    assert not carries("web", "AIRDECK_AIRFLOW_PASSWORD")
    assert not carries("api", "AIRFLOW_DB_PASSWORD")
    assert not carries("api", "AIRFLOW_JWT_SECRET")
    assert not carries("api", "POSTGRES_PASSWORD")
    assert not carries("airflow-worker", "AIRDECK_DB_PASSWORD")
    # The service account's password goes to the init step that writes Airflow's file, no further.
    assert carries("airflow-init", "AIRDECK_AIRFLOW_PASSWORD")
    assert not carries("airflow-api", "AIRDECK_AIRFLOW_PASSWORD")


# ---- health and start order -------------------------------------------------------------------


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    for name, service in services.items():
        if not one_shot(service):
            test = service.get("healthcheck", {}).get("test")
            assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"


def test_every_dependency_waits_for_a_condition(services: dict[str, Any]) -> None:
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on without conditions"
        for dependency, how in depends_on.items():
            expected = (
                "service_completed_successfully"
                if one_shot(services[dependency])
                else "service_healthy"
            )
            assert how.get("condition") == expected, f"{name} → {dependency}"


def test_migrations_run_before_their_servers(services: dict[str, Any]) -> None:
    assert services["api-migrate"]["command"] == ["airdeck", "db", "upgrade"]
    assert "api-migrate" in services["api"]["depends_on"]
    for name in AIRFLOW_SERVICES:
        if name != "airflow-init":
            assert "airflow-init" in services[name]["depends_on"], name


# ---- Airflow on Celery -------------------------------------------------------------------------


def test_airflow_runs_celery_workers_on_a_redis_broker(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        service = services[name]
        assert service["image"] == "apache/airflow:3.3.2-python3.11", name
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        broker = urlsplit(env["AIRFLOW__CELERY__BROKER_URL"])
        assert (broker.scheme, broker.hostname) == ("redis", "redis"), name
        assert urlsplit(env["AIRFLOW__CELERY__RESULT_BACKEND"]).hostname == "postgres"
    worker = services["airflow-worker"]
    assert worker["command"] == ["celery", "worker"]
    # `--scale airflow-worker=N` needs replicas without a fixed name or host port.
    assert "container_name" not in worker and "ports" not in worker
    assert services["airflow-flower"]["profiles"] == ["flower"]
    # Celery's queues and Airdeck's cache share the server, not a database.
    broker_db = urlsplit(worker["environment"]["AIRFLOW__CELERY__BROKER_URL"]).path
    cache_db = urlsplit(services["api"]["environment"]["AIRDECK_REDIS_URL"]).path
    assert broker_db != cache_db
    policy = services["redis"]["command"]
    assert policy[policy.index("--maxmemory-policy") + 1] == "volatile-lru", (
        "evicting keys without a lifetime would drop Celery's queued tasks"
    )


def test_airflow_keys_and_logs_are_shared(
    services: dict[str, Any], settings: dict[str, str]
) -> None:
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__FERNET_KEY"] == settings["AIRFLOW_FERNET_KEY"], name
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == settings["AIRFLOW_JWT_SECRET"], name

    # Workers and the triggerer write task logs; the api-server reads them from the same volume.
    logs = mounts(services["airflow-api"])["/opt/airflow/logs"]
    assert not logs.startswith("/"), "a named volume, not one host's folder"
    for name in ("airflow-worker", "airflow-triggerer", "airflow-scheduler"):
        assert mounts(services[name])["/opt/airflow/logs"] == logs, name
    dags = mounts(services["airflow-worker"])["/opt/airflow/dags"]
    assert Path(dags) == ROOT / "examples" / "dags"


def test_the_service_account_has_the_least_role_and_short_tokens(
    services: dict[str, Any],
) -> None:
    airflow = services["airflow-api"]["environment"]
    username = services["api"]["environment"]["AIRDECK_AIRFLOW_USERNAME"]
    # "op": the least role that writes the Variables holding connector secrets (ADR 0026).
    assert airflow["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == f"{username}:op"
    assert airflow["AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME"] == "300"
    assert airflow["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"].startswith(
        "/opt/airflow/auth/"
    )
    # Written at every start from .env by the init step, into a volume the api-server reads.
    init = services["airflow-init"]
    assert "passwords.json" in " ".join(init["command"])
    assert mounts(init)["/opt/airflow/auth"] == mounts(services["airflow-api"])["/opt/airflow/auth"]
    assert not (ROOT / "deploy" / "airflow-passwords.example.json").exists()


def test_the_example_service_runs_inside(services: dict[str, Any]) -> None:
    example = services["example-service"]
    assert "ports" not in example
    url = urlsplit(services["airflow-worker"]["environment"]["AIRDECK_EXAMPLE_SERVICE_URL"])
    assert url.hostname == "example-service"
    assert f'("0.0.0.0", {url.port})' in " ".join(example["command"])


# ---- Airdeck -----------------------------------------------------------------------------------


def test_the_product_db_has_its_own_user_and_database(
    services: dict[str, Any], settings: dict[str, str]
) -> None:
    airflow = urlsplit(
        services["airflow-api"]["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    )
    product = urlsplit(services["api"]["environment"]["AIRDECK_DATABASE_URL"])
    assert product.scheme == "postgresql+asyncpg" and product.hostname == "postgres"
    assert product.username not in (airflow.username, "postgres")
    assert product.path != airflow.path
    assert product.password == settings["AIRDECK_DB_PASSWORD"]
    assert airflow.password == settings["AIRFLOW_DB_PASSWORD"]
    init_script = ROOT / "deploy" / "postgres-init.sh"
    initdb = [
        s for t, s in mounts(services["postgres"]).items() if "/docker-entrypoint-initdb.d/" in t
    ]
    assert [Path(source) for source in initdb] == [init_script]
    assert init_script.stat().st_mode & 0o111, "the postgres image runs it only when executable"


def test_the_api_scales_with_workers_sharing_redis(services: dict[str, Any]) -> None:
    env = services["api"]["environment"]
    assert int(env["AIRDECK_API_WORKERS"]) > 1
    assert urlsplit(env["AIRDECK_REDIS_URL"]).hostname == "redis"
    assert env["AIRDECK_API_HOST"] == "0.0.0.0"
    assert services["api"]["command"] == ["airdeck", "serve"]


def test_the_alert_worker_runs_on_the_apis_image_and_settings(services: dict[str, Any]) -> None:
    worker, api = services["worker"], services["api"]
    assert worker["command"] == ["airdeck", "worker"]
    assert (worker["image"], worker["build"]) == (api["image"], api["build"])
    assert worker["environment"] == api["environment"]
    # Its heartbeat goes to the data volume, which its health check reads.
    assert mounts(worker) == mounts(api)
    assert worker["healthcheck"]["test"] == ["CMD", "airdeck", "worker", "--check"]
    assert {"api-migrate", "postgres", "airflow-api"} <= set(worker["depends_on"])
    # Nothing published, no fixed name: a second replica would start (and be safe).
    assert "ports" not in worker and "container_name" not in worker
    assert worker["restart"] == "unless-stopped"


def test_the_web_binds_every_interface_in_compose_and_loopback_by_default(
    services: dict[str, Any],
) -> None:
    web = services["web"]
    assert web["environment"]["AIRDECK_WEB_HOST"] == "0.0.0.0"
    assert web["ports"][0]["target"] == int(web["environment"]["AIRDECK_WEB_PORT"])
    # The API believes forwarded addresses from the web's fixed address alone.
    address = web["networks"]["internal"]["ipv4_address"]
    assert services["api"]["environment"]["AIRDECK_TRUSTED_PROXIES"] == address
    default = subprocess.run(
        ["bash", "-c", 'ROOT="$0"; source "$0/dev/web/env.sh"; echo "$AIRDECK_WEB_HOST"', ROOT],
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert default.stdout.strip() == "127.0.0.1"
    assert '--backend-host "$AIRDECK_WEB_HOST"' in (ROOT / "dev" / "web" / "run.sh").read_text()


# ---- images ------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["api", "web"])
def test_each_image_is_a_runtime_image(target: str, services: dict[str, Any]) -> None:
    stages = dockerfile_stages()
    instructions = stages[target]
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as a non-root user"
    checks = [args for instruction, args in instructions if instruction == "HEALTHCHECK"]
    assert checks, f"the {target} image has no HEALTHCHECK"
    command = json.loads(checks[-1][checks[-1].index("CMD ") + 4 :])
    assert command == services[target]["healthcheck"]["test"][1:], (
        "the image and docker-compose.yml check health the same way"
    )
    assert services[target]["build"]["target"] == target
    for stage in stages.values():
        for instruction, args in stage:
            if instruction == "RUN" and "pip install" in args:
                words = shlex.split(args)
                assert "-c" in words and "constraints.txt" in words, args
                assert not {"-e", "--editable"} & set(words), args
                assert "[dev]" not in args, args
            assert "dev/install.sh" not in args, "dev/install.sh installs the dev extras"
            assert not re.search(r"\bcurl\b|\bwget\b", args), "downloads only through pip and npm"


def test_bun_in_the_image_is_the_version_dev_installs() -> None:
    (wanted,) = re.findall(r"bun@([0-9.]+)", (ROOT / "dev" / "web" / "install.sh").read_text())
    assert f"ARG BUN_VERSION={wanted}" in DOCKERFILE.read_text()


def test_dockerignore_lets_in_what_the_images_copy_and_nothing_local(tmp_path: Path) -> None:
    sources = {
        source
        for stage in dockerfile_stages().values()
        for instruction, args in stage
        if instruction == "COPY" and "--from=" not in args
        for source in re.sub(r"--chown=\S+ ", "", args).split()[:-1]
    }
    # A tree standing for a checkout: what the images copy, and what a checkout accumulates.
    inside = {
        "constraints.txt",
        "packages/domain/pyproject.toml",
        "packages/domain/src/airdeck_domain/__init__.py",
        "packages/adapters/src/airdeck_adapters/db/migrations/script.py.mako",
        "services/api/src/airdeck_api/app.py",
        "services/web/pyproject.toml",
        "services/web/rxconfig.py",
        "services/web/airdeck_web/airdeck_web.py",
        "services/web/reflex.lock/bun.lock",
        "dev/lib.sh",
        "dev/web/install.sh",
        "dev/web/run.sh",
    }
    outside = {
        ".airdeck/venv/bin/python",
        ".airdeck/data/signing-key.pem",
        ".airdeck/demo-users",
        ".airdeck/airflow/secrets.env",
        ".airdeck/airflow/passwords.json",
        ".env",
        ".env.production",
        ".git/config",
        "services/web/.web/env.json",
        "services/web/.web/node_modules/react/index.js",
        "services/web/.tools/node_modules/.bin/bun",
        "services/web/.states/state.pkl",
        "services/api/src/airdeck_api/__pycache__/app.cpython-311.pyc",
        "services/api/src/airdeck_api.egg-info/PKG-INFO",
        "packages/domain/build/lib/airdeck_domain/__init__.py",
        "packages/adapters/.env",
        "tests/unit/test_x.py",
        "artifacts/junit.xml",
        "node_modules/x/index.js",
        "examples/dags/etl_pipeline.py",
        "dev/airflow/env.sh",
    }
    for path in inside | outside:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x")
    (tmp_path / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    context = build_context(tmp_path)
    assert inside <= context, f"left out: {sorted(inside - context)}"
    assert not outside & context, f"let in: {sorted(outside & context)}"
    for source in sources:
        assert any(p == source or p.startswith(source.rstrip("/") + "/") for p in context), source


# ---- the Makefile on a fresh clone -------------------------------------------------------------


def test_make_web_and_api_prepare_what_they_run() -> None:
    def planned(verb: str) -> str:
        dry = subprocess.run(
            ["make", "--dry-run", verb], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return dry.stdout

    web = planned("web")
    assert web.index("dev/web/install.sh") < web.index("dev/web/run.sh")
    assert "dev/api.sh" in planned("api")
    script = (ROOT / "dev/api.sh").read_text()
    assert script.index("cli db upgrade") < script.index("cli serve"), "it migrates, then serves"
    assert "dev/api.sh db upgrade" in planned("db-upgrade")


def test_connector_specs_reach_the_airflow_parts_that_build_and_run_them(
    services: dict[str, Any],
) -> None:
    api = services["api"]
    written = mounts(api)[api["environment"]["AIRDECK_CONNECTORS_DIR"]]
    assert not written.startswith("/"), "a named volume, not one host's folder"
    for name in ("airflow-dag-processor", "airflow-worker"):
        service = services[name]
        environment = service["environment"]
        assert mounts(service)[environment["AIRDECK_CONNECTORS_DIR"]] == written, name
        # The factory imports Airdeck's connector code from the checkout.
        sources = [mounts(service)[path] for path in environment["PYTHONPATH"].split(":")]
        expected = [ROOT / "packages" / "domain" / "src", ROOT / "packages" / "adapters" / "src"]
        assert [Path(source) for source in sources] == expected, name
    staging = mounts(services["airflow-worker"])["/opt/airdeck/connector-runs"]
    assert not staging.startswith("/"), "one volume every worker shares"
