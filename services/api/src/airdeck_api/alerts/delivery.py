"""Recording and sending deliveries. A delivery row is committed ``pending`` under its dedup
key before anything is sent, marked ``sending`` (one more attempt) right before the message
leaves, and settled after: so an event is never lost (a row left ``pending`` or ``sending`` by
a worker that died is sent by the next one, once its lease ran out) and is sent at most once
more than it was taken (every copy carries the same key for the receiver to drop)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.alerts.channels import Channels, DeliveryError, PassingDeliveryError
from airdeck_adapters.db.alert_services import (
    DROPPED,
    FAILED,
    PENDING,
    SENT,
    AlertDeliveryService,
    AlertRuleService,
)
from airdeck_adapters.db.models import AlertDelivery, AlertRuleRow
from airdeck_domain.alerts.evaluation import AlertEvent, dedup_key
from airdeck_domain.alerts.rules import AlertRule, RuleSpec

logger = logging.getLogger("airdeck.alerts")
Clock = Callable[[], datetime]
MAX_BACKOFF = timedelta(minutes=15)


def utc_now() -> datetime:
    return datetime.now(UTC)


def rule_of(row: AlertRuleRow) -> AlertRule:
    """The domain rule a row stores."""
    return AlertRule(
        id=str(row.id),
        spec=msgspec.convert(row.definition, RuleSpec),
        muted=row.muted,
        snoozed_until=row.snoozed_until,
    )


def delivery_key(event_key: str, channel_index: int) -> str:
    """The dedup key of an event's message to one channel of its rule."""
    return dedup_key(event_key, "channel", channel_index)


def rows_for(event: AlertEvent, rule: AlertRule, now: datetime) -> list[AlertDelivery]:
    """One ``pending`` delivery row per channel of the rule."""
    return [
        AlertDelivery(
            dedup_key=delivery_key(event.key, index),
            event_key=event.key,
            rule_id=UUID(rule.id),
            channel_index=index,
            channel_kind=type(channel).__name__.lower(),
            kind=str(event.kind),
            deployment=event.deployment,
            dag_id=event.dag_id,
            run_id=event.run_id,
            summary=event.summary,
            event=msgspec.to_builtins(event),
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
        )
        for index, channel in enumerate(rule.spec.channels)
    ]


class Deliveries:
    """Records events as deliveries and sends the due ones, in sessions of its own."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Channels,
        *,
        max_attempts: int = 6,
        lease: timedelta = timedelta(minutes=2),
        retry_after: timedelta = timedelta(seconds=10),
        clock: Clock = utc_now,
    ) -> None:
        self.sessions = sessions
        self.channels = channels
        self.max_attempts = max_attempts
        self.lease = lease
        self.retry_after = retry_after
        self.clock = clock

    async def record(
        self, events: Iterable[AlertEvent], rules: Mapping[str, AlertRule], *, firing: bool = True
    ) -> list[AlertDelivery]:
        """Store a pending delivery per event and channel whose key is new; returns those.
        ``firing`` notes the rules as fired (a test message does not)."""
        now = self.clock()
        rows = [
            row for e in events if e.rule_id in rules for row in rows_for(e, rules[e.rule_id], now)
        ]
        async with self.sessions() as session:
            stored = await AlertDeliveryService(session=session).record(rows)
            if firing:
                fired = sorted({row.rule_id for row in stored})
                await AlertRuleService(session=session).fired(fired, now)
        return stored

    async def send_due(
        self, rules: Mapping[str, AlertRule], *, limit: int = 200
    ) -> list[AlertDelivery]:
        """Send every delivery now due (new ones, retries whose backoff ran out, and those a
        dead worker left ``sending`` past their lease); returns them as settled."""
        async with self.sessions() as session:
            service = AlertDeliveryService(session=session)
            await service.drop_orphans([UUID(rule_id) for rule_id in rules], self.clock())
            due = await service.due(self.clock(), limit=limit)
        return [await self.send(row, rules.get(str(row.rule_id))) for row in due]

    async def send(self, row: AlertDelivery, rule: AlertRule | None) -> AlertDelivery:
        """One attempt at one delivery, settled in the DB (a row another worker took first is
        returned as it was)."""
        now = self.clock()
        async with self.sessions() as session:
            service = AlertDeliveryService(session=session)
            if rule is None or row.channel_index >= len(rule.spec.channels):
                await service.settle(row.id, status=DROPPED, response="its rule or channel is gone")
                return await service.get(row.id)
            # The lease: a row 'sending' is due again only once a worker that died had time to
            # finish, so a live worker's attempt is never doubled by another's.
            if not await service.start_attempt(row, now, lease_until=now + self.lease):
                return row
        channel = rule.spec.channels[row.channel_index]
        event = msgspec.convert(row.event, AlertEvent)
        attempt = row.attempts + 1
        values: dict[str, object]
        try:
            sent = await self.channels.send(channel, event, row.dedup_key)
        except DeliveryError as exc:
            spent = attempt >= self.max_attempts or not isinstance(exc, PassingDeliveryError)
            logger.warning(
                "alert delivery %s failed (attempt %d): %s", row.id, attempt, exc.message
            )
            values = {
                "status": FAILED if spent else PENDING,
                "response_status": exc.status_code,
                "response": exc.message,
                "next_attempt_at": now + min(self.retry_after * 2 ** (attempt - 1), MAX_BACKOFF),
            }
        else:
            values = {
                "status": SENT,
                "sent_at": self.clock(),
                "response_status": sent.status_code,
                "response": sent.response,
            }
        async with self.sessions() as session:
            service = AlertDeliveryService(session=session)
            await service.settle(row.id, updated_at=self.clock(), **values)
            return await service.get(row.id)


async def load_rules(sessions: async_sessionmaker[AsyncSession]) -> dict[str, AlertRule]:
    """Every stored rule, by id."""
    async with sessions() as session:
        rows: Sequence[AlertRuleRow] = await AlertRuleService(session=session).every()
    return {str(row.id): rule_of(row) for row in rows}
