"""How to reach one Airflow deployment."""

from __future__ import annotations

from typing import Literal

import msgspec

ApiVersion = Literal["v1", "v2"]


class DeploymentConfig(msgspec.Struct, kw_only=True, frozen=True):
    """One Airflow deployment Airdeck talks to.

    ``name`` is the deployment's id in Airdeck (``?deployment=<name>``). ``api_version`` "v2"
    is Airflow 3 (``/api/v2`` with a JWT from ``/auth/token``); "v1" is Airflow 2 (``/api/v1``
    with basic auth). ``timeout`` bounds every request, in seconds; ``max_in_flight`` bounds how
    many requests one API process has open to it at once. ``display_name``, ``environment``
    and ``color`` (``#rrggbb``) are how people see it: the name shown, an environment label
    and the colour of its badge.
    """

    name: str
    url: str
    username: str
    password: str = msgspec.field(default="")
    api_version: ApiVersion = "v2"
    timeout: float = 10.0
    max_connections: int = 20
    max_in_flight: int = 8
    display_name: str = ""
    environment: str | None = None
    color: str | None = None

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return (
            f"DeploymentConfig(name={self.name!r}, url={self.url!r}, "
            f"api_version={self.api_version!r})"
        )
