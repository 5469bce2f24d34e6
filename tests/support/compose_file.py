"""docker-compose.yml as docker-compose itself renders it (no Docker engine needed), with the
settings of .env.example and a made-up value for every secret the file requires."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
REQUIRED = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+):\?")
"""``${NAME:?message}``: a variable compose refuses to run without."""


def example_settings() -> dict[str, str]:
    """The variables .env.example documents, with the values it gives them."""
    settings: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value
    return settings


def required_secrets() -> set[str]:
    """The variables docker-compose.yml refuses to run without."""
    return set(REQUIRED.findall(COMPOSE_FILE.read_text()))


def filled_settings() -> dict[str, str]:
    """.env.example with a fresh, recognisable value for each required secret, and local users
    in the format the API accepts."""
    settings = example_settings()
    for name in required_secrets():
        settings[name] = f"{name.lower().replace('_', '-')}-{secrets.token_hex(8)}"
    settings["AIRDECK_LOCAL_USERS"] = f"ops:{secrets.token_urlsafe(12)}:admin"
    return settings


def render(settings: dict[str, str], env_file: Path) -> subprocess.CompletedProcess[str]:
    """``docker-compose config`` on docker-compose.yml with exactly ``settings`` (written to
    ``env_file``): nothing from the caller's environment or a developer's own .env."""
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is installed by dev/system-packages.sh"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    return subprocess.run(
        [compose, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def rendered(settings: dict[str, str], env_file: Path) -> dict[str, Any]:
    """The compose configuration with ``settings``, parsed."""
    result = render(settings, env_file)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def healthcheck_command(service: dict[str, Any]) -> list[str]:
    """A service's health check as the argv a container would run (``CMD-SHELL`` through sh,
    compose's ``$$`` escapes undone)."""
    test: list[str] = service["healthcheck"]["test"]
    if test[0] == "CMD-SHELL":
        return ["sh", "-c", test[1].replace("$$", "$")]
    assert test[0] == "CMD", test
    return test[1:]
