"""What the Airflow adapter tells whoever watches it: each call it made and each service-account
token it fetched. The API implements ``AirflowObserver`` with its metrics; the adapter knows
nothing of them, and without an observer it reports to ``NO_OBSERVER``, which does nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AirflowCall:
    """One HTTP exchange with Airflow. ``endpoint`` is the path template
    (``/api/v2/dags/{dag_id}/details``), never the path with its values; ``status`` is the HTTP
    status (``"200"``), or ``"timeout"``, ``"error"`` (no answer) or ``"cancelled"``."""

    deployment: str
    method: str
    endpoint: str
    status: str
    seconds: float


class AirflowObserver(Protocol):
    """Told about each Airflow call as it ends; must not raise or block (it runs inline)."""

    def call_finished(self, call: AirflowCall) -> None:
        """One call ended, answered or not."""
        ...

    def token_refreshed(self, deployment: str, succeeded: bool) -> None:
        """A service-account token was fetched (or fetching one failed)."""
        ...


class NoObserver:
    """Watches nothing: the default."""

    def call_finished(self, call: AirflowCall) -> None:
        """Ignore the call."""

    def token_refreshed(self, deployment: str, succeeded: bool) -> None:
        """Ignore the refresh."""


NO_OBSERVER: AirflowObserver = NoObserver()
