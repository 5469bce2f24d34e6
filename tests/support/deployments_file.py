"""A deployments file for tests: the shared test Airflow under two ids, and a third deployment
on a closed loopback port, which is down for good."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

CREDENTIALS = {
    "username_env": "AIRDECK_TEST_AIRFLOW_USERNAME",
    "password_env": "AIRDECK_TEST_AIRFLOW_PASSWORD",
}
DEPLOYMENTS = ("main", "mirror", "down")
"""Their ids, in the file's (and so the API's) order; ``main`` is the default."""
_held: list[socket.socket] = []


def closed_port() -> int:
    """A loopback port that refuses every connection for the rest of the session: bound, so
    no server can take it, and never listening."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    _held.append(held)
    return int(held.getsockname()[1])


def write_deployments_file(folder: Path, airflow: Any) -> dict[str, str]:
    """Write ``deployments.toml`` into ``folder``: ``main`` (production, red) and ``mirror``
    (staging, amber) both at the test ``airflow``, ``down`` at a loopback port nothing listens
    on. Returns the variables an API needs to use it (the file and the credentials it names),
    with the single-deployment ones blanked, since the file lists every deployment."""
    path = folder / "deployments.toml"
    credentials = "\n".join(f'{key} = "{name}"' for key, name in CREDENTIALS.items())
    path.write_text(
        f"""\
[deployments.main]
name = "Main"
url = "{airflow.url}"
{credentials}
environment = "production"
color = "#c62828"

[deployments.mirror]
name = "Mirror"
url = "{airflow.url}"
{credentials}
environment = "staging"
color = "#f9a825"

[deployments.down]
name = "Down"
url = "http://127.0.0.1:{closed_port()}"
{credentials}
environment = "dev"
color = "#1565c0"
timeout = 5
"""
    )
    return {
        "AIRDECK_DEPLOYMENTS_FILE": str(path),
        CREDENTIALS["username_env"]: airflow.username,
        CREDENTIALS["password_env"]: airflow.password,
        "AIRDECK_AIRFLOW_URL": "",
        "AIRDECK_AIRFLOW_USERNAME": "",
        "AIRDECK_AIRFLOW_PASSWORD": "",
    }
