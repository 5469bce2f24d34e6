"""The Airflow deployments the user may see: the switcher's choice, each one's badge and health.

Which deployment a page asks comes from its URL, so a link says it: the DAG list shows
``/workflows?deployment=<id>`` (or ``*``, every deployment), and a DAG's page
``/workflows/<dag_id>?deployment=<id>``. The DAG and run pages go on asking that deployment
(``AuthState.deployment``) as the reader moves between them, since their links do not repeat it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.deployment_rows import badge, choices, health_line, settled_choice
from airdeck_web.models import DeploymentBadge, HealthLine
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event


class DeploymentsState(AuthState):
    """``GET /deployments`` as the screens show it, and the deployment the DAG list shows."""

    summaries: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    """The API's answer, one entry per deployment."""
    lines: rx.Field[list[HealthLine]] = rx.field(default_factory=list)
    """Each deployment's badge and health, as the dashboard lists them."""
    choice: rx.Field[str] = rx.field("")
    """What the DAG list shows: a deployment's id, ``*`` for all ("" before the first load)."""
    deployments_error: rx.Field[str] = rx.field("")

    @rx.var
    def switcher_choices(self) -> list[list[str]]:
        return choices(self.summaries)

    @rx.var
    def knows_current(self) -> bool:
        """Whether the deployment the DAG and run pages address is one of those read."""
        return any(s["id"] == self.deployment for s in self.summaries)

    @rx.var
    def current_badge(self) -> DeploymentBadge:
        """The badge of the deployment the DAG and run pages address (a neutral one naming it
        until it is among those read, which pages do not show: see ``knows_current``)."""
        summary = next((s for s in self.summaries if s["id"] == self.deployment), None)
        return badge(summary or {"id": self.deployment})

    def _show_deployments(self, body: dict[str, Any]) -> None:
        self.summaries = list(body.get("deployments", []))
        self.lines = [health_line(s) for s in self.summaries]
        self.deployments_error = ""

    async def _load_deployments(self) -> None:
        """Read the deployments; on failure say why, keeping what was read before."""
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "deployments")
        except ApiError as exc:
            self.deployments_error = exc.detail
            return
        self._show_deployments(body)

    def _ids(self) -> list[str]:
        return [str(s["id"]) for s in self.summaries]

    def _settle(self, asked: str) -> None:
        """Choose what the list shows (``settled_choice``): a single deployment chosen is also
        the one the DAG pages address."""
        self.choice = settled_choice(asked, self.choice, self._ids())
        if self.choice in self._ids():
            self.deployment = self.choice
        self._address_a_known_deployment()

    def _address_a_known_deployment(self) -> None:
        """Address the default deployment (else the first) while none the user sees is."""
        ids = self._ids()
        if ids and self.deployment not in ids:
            default = next((str(s["id"]) for s in self.summaries if s.get("default")), ids[0])
            self.deployment = default

    def _asked(self) -> str:
        return str(self.router.page.params.get("deployment") or "")

    @event
    async def follow_url(self) -> None:
        """On a DAG or run page: address the deployment its URL names (else the one addressed
        so far), reading the deployments once if not yet read. A name the user may not see is
        asked all the same, so the page says the API's "unknown deployment"."""
        if not self.summaries:
            await self._load_deployments()
        self.choice = settled_choice("", self.choice, self._ids())
        if asked := self._asked():
            self.deployment = asked
        else:
            self._address_a_known_deployment()

    @event
    async def choose(self, value: str) -> Any:
        """The switcher: show the DAG list of the deployment chosen (``*``: of all)."""
        return rx.redirect(f"/workflows?deployment={quote(value, safe='*')}")
