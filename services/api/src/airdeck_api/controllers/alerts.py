"""``/alerts/rules``: alert rules (README, "Alerts"): list, read, create, replace, delete,
mute, snooze, send a test message, each rule's delivery history, and a preview of how often a
rule would have fired. Reads need ``dags:read``
on what the rule watches, changes ``alerts:write``; every change is audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_api.alerts.history import RuleHistory
from airdeck_api.controllers.paging import Limit, Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.ratelimit import RATE_LIMIT_OPT
from airdeck_api.schemas.alerts import (
    DeliveryPage,
    MuteBody,
    RuleBody,
    RulePage,
    RulePreview,
    RuleView,
    SnoozeBody,
    TestMessages,
)
from airdeck_api.services.alerts import AlertService
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.fleet import addressed_deployment
from airdeck_api.services.idempotency import Idempotency
from airdeck_api.settings import Settings
from airdeck_domain.rbac import Principal, visible_deployments


def provide_alerts(
    state: State,
    request: Request[Any, Any, Any],
    db_session: Injected[AsyncSession],
    principal: Injected[Principal],
    actor: Injected[Actor],
    audit: Injected[AuditTrail],
) -> AlertService:
    """Alert rules for the caller; ``?deployment=`` names the deployment a DAG selector
    without one is pinned to."""
    settings: Settings = state.settings
    named = request.query_params.get("deployment")
    return AlertService(
        session=db_session,
        sessions=state.sessions,
        principal=principal,
        actor=actor,
        audit=audit,
        client_of=state.deployments.get,
        deployments=visible_deployments(principal, [p.id for p in state.profiles]),
        default_deployment=addressed_deployment(principal, named, state.profiles),
        settings=settings.alerts,
    )


def provide_history(state: State, db_session: Injected[AsyncSession]) -> RuleHistory:
    """The Airflow history a rule's preview replays, read through the shared cache."""
    return RuleHistory(state.deployments.get, state.cache, db_session)


class AlertController(Controller):
    """Alert rules and their deliveries."""

    path = "/alerts/rules"
    tags = ["Alerts"]
    dependencies = {"alerts": Provide(provide_alerts, sync_to_thread=False)}

    @get(
        "/",
        operation_id="listAlertRules",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def list_rules(
        self, alerts: Injected[AlertService], page: Page = 1, limit: Limit = 50
    ) -> RulePage:
        """The rules the caller may see, oldest first."""
        return await alerts.page(page=page, limit=limit)

    @post(
        "/",
        operation_id="createAlertRule",
        opt={"permission": "alerts:write", "audit": "create_alert_rule"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def create(
        self,
        data: JSONBody[RuleBody],
        alerts: Injected[AlertService],
        idempotency: Injected[Idempotency],
    ) -> RuleView:
        """Create a rule. 400 with ``errors`` per field for a bad selector, condition or
        channel: an unknown DAG or deployment, a bad HH:MM or time zone, a webhook URL that is
        not http(s) or points at a private address (unless AIRDECK_ALERTS_ALLOW_PRIVATE_URLS)."""

        async def create(_: str | None) -> RuleView:
            return await alerts.create(data)

        return await idempotency.once(data, RuleView, 201, create)

    @post(
        "/preview",
        operation_id="previewAlertRule",
        # A form previews as it is typed in, and a preview changes nothing: a read's budget.
        opt={"permission": "alerts:write", RATE_LIMIT_OPT: "reads"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
        dependencies={"history": Provide(provide_history, sync_to_thread=False)},
    )
    async def preview(
        self,
        data: JSONBody[RuleBody],
        alerts: Injected[AlertService],
        history: Injected[RuleHistory],
    ) -> RulePreview:
        """How often a rule (the body ``POST /alerts/rules`` takes, checked the same way, with
        the same 400s) would have fired in the last 30 days, and for what: its conditions
        replayed over the Airflow history of the DAGs it covers. A condition history cannot
        tell about (an Airflow component's health) is named in ``not_replayed``; with no other
        condition, ``fired`` is null. Nothing is stored."""
        spec = await alerts.previewable(data)
        return await history.preview(spec, alerts.deployments)

    @get(
        "/{rule_id:uuid}",
        operation_id="getAlertRule",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_rule(self, rule_id: FromPath[UUID], alerts: Injected[AlertService]) -> RuleView:
        """One rule."""
        return await alerts.get(rule_id)

    @put(
        "/{rule_id:uuid}",
        operation_id="replaceAlertRule",
        opt={"permission": "alerts:write", "audit": "update_alert_rule"},
        responses=PROBLEM_RESPONSES,
    )
    async def replace(
        self, rule_id: FromPath[UUID], data: JSONBody[RuleBody], alerts: Injected[AlertService]
    ) -> RuleView:
        """Replace a rule's definition, checked as a new one is."""
        return await alerts.replace(rule_id, data)

    @delete(
        "/{rule_id:uuid}",
        operation_id="deleteAlertRule",
        opt={"permission": "alerts:write", "audit": "delete_alert_rule"},
        responses=PROBLEM_RESPONSES,
        status_code=204,
    )
    async def delete_rule(self, rule_id: FromPath[UUID], alerts: Injected[AlertService]) -> None:
        """Delete a rule; its history stays."""
        await alerts.delete(rule_id)

    @patch(
        "/{rule_id:uuid}/mute",
        operation_id="muteAlertRule",
        opt={"permission": "alerts:write", "audit": "mute_alert_rule"},
        responses=PROBLEM_RESPONSES,
    )
    async def mute(
        self, rule_id: FromPath[UUID], data: JSONBody[MuteBody], alerts: Injected[AlertService]
    ) -> RuleView:
        """Mute or unmute a rule."""
        return await alerts.mute(rule_id, data.muted)

    @patch(
        "/{rule_id:uuid}/snooze",
        operation_id="snoozeAlertRule",
        opt={"permission": "alerts:write", "audit": "snooze_alert_rule"},
        responses=PROBLEM_RESPONSES,
    )
    async def snooze(
        self, rule_id: FromPath[UUID], data: JSONBody[SnoozeBody], alerts: Injected[AlertService]
    ) -> RuleView:
        """Snooze a rule until a time, or end its snooze."""
        return await alerts.snooze(rule_id, data.until)

    @post(
        "/{rule_id:uuid}/test",
        operation_id="testAlertRule",
        opt={"permission": "alerts:write", "audit": "test_alert_rule"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def test_message(
        self, rule_id: FromPath[UUID], alerts: Injected[AlertService]
    ) -> TestMessages:
        """Send a test message to every channel of the rule now; each answer is in the
        result and the rule's delivery history."""
        return await alerts.test(rule_id)

    @get(
        "/{rule_id:uuid}/deliveries",
        operation_id="listAlertDeliveries",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def deliveries(
        self,
        rule_id: FromPath[UUID],
        alerts: Injected[AlertService],
        page: Page = 1,
        limit: Limit = 50,
    ) -> DeliveryPage:
        """The rule's deliveries, newest first, with their status and the channel's answer."""
        return await alerts.deliveries(rule_id, page=page, limit=limit)
