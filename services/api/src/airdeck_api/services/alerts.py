"""Alert rules for one caller: list, read, create, replace, delete, mute, snooze, send a test
message, and the delivery history. Every change is audited; a rule is written only when the
caller holds ``alerts:write`` on everything its selector can match."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.alerts.channels import Channels
from airdeck_adapters.db.alert_services import AlertDeliveryService, AlertRuleService
from airdeck_adapters.db.models import AlertDelivery, AlertRuleRow
from airdeck_api.alerts.delivery import Deliveries, rule_of
from airdeck_api.schemas.alerts import (
    DeliveryPage,
    DeliveryView,
    RuleBody,
    RulePage,
    RuleView,
    TestMessages,
    channel_view,
)
from airdeck_api.services.access import DagAccess
from airdeck_api.services.audit import Actor, AuditTrail, OutOfScopeError
from airdeck_api.services.ports import AirflowPort
from airdeck_api.services.product import ProductData
from airdeck_api.settings import AlertSettings
from airdeck_domain.alerts.messages import test_event
from airdeck_domain.alerts.rules import (
    AlertRule,
    Channel,
    Email,
    RuleSpec,
    Selector,
    Webhook,
    is_local_address,
    rule_errors,
)
from airdeck_domain.errors import ForbiddenError, InvalidInputError, NotFoundError
from airdeck_domain.merging import ALL_DEPLOYMENTS
from airdeck_domain.rbac import Principal, permissions_of, scoped_permissions_of

MAX_SNOOZE = timedelta(days=30)
RESOLVE_TIMEOUT = 5.0


class AlertService:
    """Alert rules and deliveries, as one caller may see and change them."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        sessions: async_sessionmaker[AsyncSession],
        principal: Principal,
        actor: Actor,
        audit: AuditTrail,
        client_of: Callable[[str], AirflowPort],
        deployments: Sequence[str],
        default_deployment: str,
        settings: AlertSettings,
    ) -> None:
        self.session = session
        self.sessions = sessions
        self.principal = principal
        self.actor = actor
        self.audit = audit
        self.client_of = client_of
        self.deployments = list(deployments)
        self.default_deployment = default_deployment
        self.settings = settings
        self.rules = AlertRuleService(session=session)

    # -- reading ----------------------------------------------------------------------------

    async def page(self, *, page: int, limit: int) -> RulePage:
        """The rules the caller may see (those it could write, or whose DAG it may read),
        oldest first."""
        rows = [row for row in await self.rules.every() if await self._may("dags:read", row)]
        chosen = rows[(page - 1) * limit : page * limit]
        return RulePage(
            items=[view(row) for row in chosen], total=len(rows), page=page, limit=limit
        )

    async def get(self, rule_id: UUID) -> RuleView:
        """One rule (404 for one the caller may not see, as for one that does not exist)."""
        return view(await self._visible(rule_id))

    async def deliveries(self, rule_id: UUID, *, page: int, limit: int) -> DeliveryPage:
        """A rule's deliveries, newest first."""
        await self._visible(rule_id)
        rows, total = await AlertDeliveryService(session=self.session).history(
            rule_id=rule_id, offset=(page - 1) * limit, limit=limit
        )
        return DeliveryPage(
            items=[delivery_view(row) for row in rows], total=total, page=page, limit=limit
        )

    # -- changing ---------------------------------------------------------------------------

    async def create(self, body: RuleBody) -> RuleView:
        """Store a new rule once it passed every check (400 with ``errors`` per field)."""
        spec = await self._checked(body, "create_alert_rule", previous=None)
        row = AlertRuleRow(
            name=spec.name,
            definition=msgspec.to_builtins(spec),
            deployment=spec.selector.deployment,
            dag_id=spec.selector.dag_id,
            created_by=self.actor.user_id,
        )
        async with self._action("create_alert_rule", spec.selector, {"name": spec.name}) as out:
            row = await self.rules.create(row, auto_commit=True)
            out.details = {"rule_id": str(row.id)}
        return view(row)

    async def replace(self, rule_id: UUID, body: RuleBody) -> RuleView:
        """Replace a rule's definition (its mute and snooze stay)."""
        row = await self._writable(rule_id, "update_alert_rule")
        spec = await self._checked(body, "update_alert_rule", previous=rule_of(row).spec)
        details = {"rule_id": str(rule_id), "name": spec.name}
        async with self._action("update_alert_rule", spec.selector, details):
            row.name = spec.name
            row.definition = msgspec.to_builtins(spec)
            row.deployment = spec.selector.deployment
            row.dag_id = spec.selector.dag_id
            row = await self.rules.update(row, auto_commit=True)
        return view(row)

    async def delete(self, rule_id: UUID) -> None:
        """Delete a rule; its deliveries stay in the history (those not yet sent are dropped)."""
        row = await self._writable(rule_id, "delete_alert_rule")
        selector = rule_of(row).spec.selector
        async with self._action("delete_alert_rule", selector, {"rule_id": str(rule_id)}):
            await self.rules.delete(rule_id, auto_commit=True)

    async def mute(self, rule_id: UUID, muted: bool) -> RuleView:
        """Mute or unmute a rule."""
        row = await self._writable(rule_id, "mute_alert_rule")
        selector = rule_of(row).spec.selector
        details = {"rule_id": str(rule_id), "muted": muted}
        async with self._action("mute_alert_rule", selector, details):
            row.muted = muted
            row = await self.rules.update(row, auto_commit=True)
        return view(row)

    async def snooze(self, rule_id: UUID, until: datetime | None) -> RuleView:
        """Snooze a rule until ``until`` (None: end the snooze)."""
        row = await self._writable(rule_id, "snooze_alert_rule")
        if until is not None:
            now = datetime.now(UTC)
            problem = None
            if until.tzinfo is None or until.utcoffset() is None:
                problem = "needs a time zone offset (e.g. 2026-01-01T08:00:00Z)"
            elif until <= now:
                problem = "must be in the future"
            elif until > now + MAX_SNOOZE:
                problem = "must be at most 30 days ahead"
            if problem:
                raise InvalidInputError(f"until {problem}", errors={"until": problem})
        selector = rule_of(row).spec.selector
        details = {"rule_id": str(rule_id), "until": until.isoformat() if until else None}
        async with self._action("snooze_alert_rule", selector, details):
            row.snoozed_until = until
            row = await self.rules.update(row, auto_commit=True)
        return view(row)

    async def test(self, rule_id: UUID) -> TestMessages:
        """Send a test message to every channel of the rule now, each recorded in its history
        with what the channel answered (tried once: a failure is final, not retried later)."""
        row = await self._writable(rule_id, "test_alert_rule")
        rule = rule_of(row)
        event = test_event(
            rule.id,
            rule.spec.name,
            rule.spec.selector.deployment or self.default_deployment,
            datetime.now(UTC),
        )
        channels = Channels(smtp=self.settings.smtp, attempts=1)
        deliveries = Deliveries(self.sessions, channels, max_attempts=1)
        try:
            async with self._action("test_alert_rule", rule.spec.selector, {"rule_id": rule.id}):
                stored = await deliveries.record([event], {rule.id: rule}, firing=False)
                settled = [await deliveries.send(r, rule) for r in stored]
        finally:
            await channels.aclose()
        return TestMessages(deliveries=[delivery_view(r) for r in settled])

    # -- checks -----------------------------------------------------------------------------

    async def previewable(self, body: RuleBody) -> RuleSpec:
        """The rule a preview replays, checked as a new one is (403 without ``alerts:write`` on
        what it watches, 400 with ``errors`` per field); nothing is audited, as a preview
        changes nothing."""
        spec = self._spec(body, previous=None)
        if not await self._may_write(spec.selector):
            raise ForbiddenError(_missing_write(spec.selector))
        errors = await self._errors(spec)
        if errors:
            raise InvalidInputError(_invalid(errors), errors=errors)
        return spec

    def _spec(self, body: RuleBody, previous: RuleSpec | None) -> RuleSpec:
        """The rule as it would be stored: a DAG selector pinned to a deployment, the secrets
        of unchanged webhooks kept."""
        selector = body.selector
        if selector.dag_id and selector.deployment is None:
            selector = msgspec.structs.replace(selector, deployment=self.default_deployment)
        channels = _keep_secrets(body.channels, previous.channels if previous else [])
        return RuleSpec(
            name=body.name, selector=selector, conditions=body.conditions, channels=channels
        )

    async def _errors(self, spec: RuleSpec) -> dict[str, str]:
        errors = rule_errors(spec, allow_private=self.settings.allow_private_urls)
        errors.update(await self._lookup_errors(spec))
        return errors

    async def _checked(self, body: RuleBody, action: str, previous: RuleSpec | None) -> RuleSpec:
        """The rule as it will be stored (see ``_spec``), once the caller may write it and it
        passed every check; a failed check is audited."""
        spec = self._spec(body, previous)
        selector = spec.selector
        async with self.audit.refusals(self.actor, action, *_where(selector)):
            if not await self._may_write(selector):
                raise ForbiddenError(_missing_write(selector))
        errors = await self._errors(spec)
        if errors:
            message = _invalid(errors)
            await self.audit.record(
                self.actor,
                action,
                *_where(selector),
                details={"name": body.name, "errors": errors},
                outcome="failure",
                status=400,
                reason=message,
            )
            raise InvalidInputError(message, errors=errors)
        return spec

    async def _lookup_errors(self, spec: RuleSpec) -> dict[str, str]:
        """What only a lookup can tell: an unknown deployment or DAG, a host name resolving
        to a private address (unless those are allowed)."""
        errors: dict[str, str] = {}
        selector = spec.selector
        if selector.deployment is not None and selector.deployment not in self.deployments:
            errors["selector.deployment"] = (
                f"unknown deployment '{selector.deployment}' (known: {', '.join(self.deployments)})"
            )
        elif selector.dag_id and selector.deployment:
            try:
                await self._access(selector.deployment).require(
                    "dags:read", selector.dag_id, must_exist=True
                )
            except NotFoundError:
                errors["selector.dag_id"] = (
                    f"no DAG '{selector.dag_id}' in deployment '{selector.deployment}'"
                )
        if not self.settings.allow_private_urls:
            for index, channel in enumerate(spec.channels):
                if not isinstance(channel, Email):
                    problem = await _resolves_locally(channel.url)
                    if problem:
                        errors.setdefault(f"channels[{index}].url", problem)
        return errors

    def _access(self, deployment: str) -> DagAccess:
        return DagAccess(
            self.principal, self.client_of(deployment), ProductData(self.session, deployment)
        )

    async def _may_write(self, selector: Selector) -> bool:
        return await self._may_on("alerts:write", selector)

    async def _may(self, permission: str, row: AlertRuleRow) -> bool:
        return await self._may_on(permission, rule_of(row).spec.selector)

    async def _may_on(self, permission: str, selector: Selector) -> bool:
        """Whether the caller holds ``permission`` on every DAG ``selector`` can match: through
        its role, a grant the selector lies within, or, for one DAG, on that DAG."""
        if permission in permissions_of(self.principal.role):
            return True
        if any(
            permission in scoped_permissions_of(grant.role) and selector.within(grant)
            for grant in self.principal.grants
        ):
            return True
        if selector.dag_id and selector.deployment in self.deployments:
            try:
                await self._access(selector.deployment).require(
                    permission, selector.dag_id, must_exist=True
                )
            except (ForbiddenError, OutOfScopeError, NotFoundError):
                return False
            return True
        return False

    async def _visible(self, rule_id: UUID) -> AlertRuleRow:
        row = await self.rules.get_one_or_none(id=rule_id)
        if row is None or not await self._may("dags:read", row):
            raise NotFoundError(f"No alert rule '{rule_id}'")
        return row

    async def _writable(self, rule_id: UUID, action: str) -> AlertRuleRow:
        row = await self._visible(rule_id)
        selector = rule_of(row).spec.selector
        async with self.audit.refusals(self.actor, action, *_where(selector)):
            if not await self._may_write(selector):
                raise ForbiddenError(_missing_write(selector))
        return row

    def _action(self, action: str, selector: Selector, details: dict[str, Any]) -> Any:
        return self.audit.action(self.actor, action, *_where(selector), details=details)


def _missing_write(selector: Selector) -> str:
    return f"Missing permission 'alerts:write' on every DAG of {selector.describe()}"


def _invalid(errors: dict[str, str]) -> str:
    return "The alert rule is invalid: " + "; ".join(f"{k} {v}" for k, v in errors.items())


def _where(selector: Selector) -> tuple[str, str | None]:
    """The deployment and DAG an audit row of a rule names (``*``: every deployment)."""
    return selector.deployment or ALL_DEPLOYMENTS, selector.dag_id


def _keep_secrets(channels: Sequence[Channel], before: Sequence[Channel]) -> list[Channel]:
    kept: list[Channel] = []
    for index, channel in enumerate(channels):
        old = before[index] if index < len(before) else None
        if (
            isinstance(channel, Webhook)
            and channel.secret is None
            and isinstance(old, Webhook)
            and old.url == channel.url
        ):
            channel = msgspec.structs.replace(channel, secret=old.secret)
        kept.append(channel)
    return kept


async def _resolves_locally(url: str) -> str | None:
    """Why a URL's host name is refused once resolved (a private address, or no address at
    all), or None; an IP literal was already judged by ``url_problem``."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(
            loop.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT
        )
    except (OSError, TimeoutError, ValueError):  # ValueError: a name IDNA cannot encode
        return f"host '{host}' does not resolve, so nothing could be delivered there"
    if any(is_local_address(str(info[4][0])) for info in found):
        return (
            f"host '{host}' resolves to a private or local address; an admin may allow those "
            "with AIRDECK_ALERTS_ALLOW_PRIVATE_URLS=true"
        )
    return None


def view(row: AlertRuleRow) -> RuleView:
    """A stored rule as answers show it (secrets left out)."""
    rule: AlertRule = rule_of(row)
    return RuleView(
        id=str(row.id),
        name=row.name,
        selector=rule.spec.selector,
        conditions=list(rule.spec.conditions),
        channels=[channel_view(channel) for channel in rule.spec.channels],
        muted=row.muted,
        snoozed_until=row.snoozed_until,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_fired_at=row.last_fired_at,
    )


def delivery_view(row: AlertDelivery) -> DeliveryView:
    """One delivery as the history shows it."""
    return DeliveryView(
        id=str(row.id),
        rule_id=str(row.rule_id),
        dedup_key=row.dedup_key,
        kind=row.kind,
        channel_index=row.channel_index,
        channel_kind=row.channel_kind,
        deployment=row.deployment,
        dag_id=row.dag_id,
        run_id=row.run_id,
        summary=row.summary,
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        last_attempt_at=row.last_attempt_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        response_status=row.response_status,
        response=row.response,
    )
