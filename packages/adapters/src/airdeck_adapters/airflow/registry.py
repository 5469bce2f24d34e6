"""The Airflow deployments Airdeck talks to, by name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from airdeck_adapters.airflow.client import AirflowClient
from airdeck_adapters.airflow.config import DeploymentConfig
from airdeck_adapters.airflow.observer import NO_OBSERVER, AirflowObserver
from airdeck_domain.errors import NotFoundError


class Deployments:
    """One client per configured deployment; the first one is the default. Every client reports
    its calls to ``observer``."""

    def __init__(
        self, configs: Iterable[DeploymentConfig], *, observer: AirflowObserver = NO_OBSERVER
    ) -> None:
        self._clients = {c.name: AirflowClient(c, observer=observer) for c in configs}
        if not self._clients:
            raise ValueError("at least one Airflow deployment must be configured")
        self.default = next(iter(self._clients))

    def get(self, name: str | None = None) -> AirflowClient:
        """The client of ``name`` (the default deployment when None)."""
        key = name or self.default
        try:
            return self._clients[key]
        except KeyError:
            known = ", ".join(self._clients)
            raise NotFoundError(f"Unknown deployment '{key}'. Known deployments: {known}") from None

    def __iter__(self) -> Iterator[AirflowClient]:
        return iter(self._clients.values())

    async def aclose(self) -> None:
        """Close every client's connections."""
        for client in self._clients.values():
            await client.aclose()
