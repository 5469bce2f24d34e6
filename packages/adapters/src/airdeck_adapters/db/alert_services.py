"""advanced-alchemy services over the alert tables: rules, deliveries and the worker's cursors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.exceptions import DuplicateKeyError
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select, update

from airdeck_adapters.db.models import AlertCursor, AlertDelivery, AlertRuleRow
from airdeck_domain.alerts.rules import Selector

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
DROPPED = "dropped"
DUE = (PENDING, SENDING)
"""A delivery still to be sent: never tried, or tried by a worker that died before it wrote
down how the attempt went."""


class AlertRuleService(SQLAlchemyAsyncRepositoryService[AlertRuleRow]):
    """Alert rules."""

    class Repo(SQLAlchemyAsyncRepository[AlertRuleRow]):
        model_type = AlertRuleRow

    repository_type = Repo

    async def every(self) -> list[AlertRuleRow]:
        """Every rule, oldest first."""
        rows = await self.get_many(order_by=[(AlertRuleRow.created_at, False)])
        return list(rows)

    async def selectors(self) -> list[Selector]:
        """What every rule watches (its selector alone, the table's one column read)."""
        result = await self.repository.session.execute(select(AlertRuleRow.definition))
        return [
            msgspec.convert(definition["selector"], Selector) for definition in result.scalars()
        ]

    async def fired(self, rule_ids: Sequence[UUID], when: datetime) -> None:
        """Note that these rules fired at ``when``."""
        if not rule_ids:
            return
        await self.repository.session.execute(
            update(AlertRuleRow)
            .where(AlertRuleRow.id.in_(list(rule_ids)))
            .values(last_fired_at=when)
        )
        await self.repository.session.commit()


class AlertDeliveryService(SQLAlchemyAsyncRepositoryService[AlertDelivery]):
    """Deliveries of alert events: recorded before they are sent, settled after."""

    class Repo(SQLAlchemyAsyncRepository[AlertDelivery]):
        model_type = AlertDelivery

    repository_type = Repo

    async def record(self, rows: Sequence[AlertDelivery]) -> list[AlertDelivery]:
        """Store the deliveries whose dedup key is new, ``pending``; returns those stored. A
        key already present (the same event seen again, by this worker or another) is left
        as it is."""
        keys = [row.dedup_key for row in rows]
        if not keys:
            return []
        known = set(
            (
                await self.repository.session.execute(
                    select(AlertDelivery.dedup_key).where(AlertDelivery.dedup_key.in_(keys))
                )
            ).scalars()
        )
        stored = []
        for row in rows:
            if row.dedup_key in known:
                continue
            try:
                stored.append(await self.create(row, auto_commit=True))
            except DuplicateKeyError:
                # Another worker recorded it between our read and this write.
                await self.repository.session.rollback()
            known.add(row.dedup_key)
        return stored

    async def due(self, now: datetime, *, limit: int) -> list[AlertDelivery]:
        """The deliveries to send now, oldest first."""
        rows = await self.get_many(
            AlertDelivery.status.in_(DUE),
            AlertDelivery.next_attempt_at <= now,
            LimitOffset(limit=limit, offset=0),
            order_by=[(AlertDelivery.created_at, False)],
        )
        return list(rows)

    async def start_attempt(
        self, row: AlertDelivery, now: datetime, *, lease_until: datetime
    ) -> bool:
        """Mark one attempt at ``row`` under way (``sending``, one more attempt, due again at
        ``lease_until`` should its worker die), committed before the message leaves. False
        when another worker took it first."""
        result = await self.repository.session.execute(
            update(AlertDelivery)
            .where(
                AlertDelivery.id == row.id,
                AlertDelivery.attempts == row.attempts,
                AlertDelivery.status.in_(DUE),
            )
            .values(
                status=SENDING,
                attempts=row.attempts + 1,
                last_attempt_at=now,
                next_attempt_at=lease_until,
                updated_at=now,
            )
            # ``row`` stays as it was read: it is the caller's view of the attempt it takes.
            .execution_options(synchronize_session=False)
        )
        await self.repository.session.commit()
        return bool(getattr(result, "rowcount", 0))

    async def settle(self, row_id: UUID, **values: Any) -> None:
        """Write down how an attempt went (``status``, ``response``… as given)."""
        await self.repository.session.execute(
            update(AlertDelivery).where(AlertDelivery.id == row_id).values(**values)
        )
        await self.repository.session.commit()

    async def drop_orphans(self, rule_ids: Sequence[UUID], now: datetime) -> int:
        """Mark ``dropped`` the due deliveries whose rule is not among ``rule_ids``."""
        orphaned: list[Any] = [AlertDelivery.status.in_(DUE)]
        if rule_ids:
            orphaned.append(AlertDelivery.rule_id.not_in(list(rule_ids)))
        result = await self.repository.session.execute(
            update(AlertDelivery)
            .where(*orphaned)
            .values(status=DROPPED, response="its rule was deleted", updated_at=now)
        )
        await self.repository.session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def history(
        self, *, rule_id: UUID | None, offset: int, limit: int
    ) -> tuple[list[AlertDelivery], int]:
        """A page of deliveries (of one rule, or every one), newest first, and how many."""
        filters: list[Any] = [] if rule_id is None else [AlertDelivery.rule_id == rule_id]
        rows, total = await self.get_many_and_count(
            *filters,
            LimitOffset(limit=limit, offset=offset),
            order_by=[(AlertDelivery.created_at, True), (AlertDelivery.id, False)],
        )
        return list(rows), total


class AlertCursorService(SQLAlchemyAsyncRepositoryService[AlertCursor]):
    """The alert worker's place in each deployment."""

    class Repo(SQLAlchemyAsyncRepository[AlertCursor]):
        model_type = AlertCursor

    repository_type = Repo

    async def of(self, deployment: str) -> AlertCursor | None:
        """The deployment's cursor, None before the worker first read it."""
        return await self.get_one_or_none(AlertCursor.deployment == deployment)

    async def advance(
        self, deployment: str, read_until: datetime | None, unhealthy_since: dict[str, str]
    ) -> None:
        """Store how far the worker has read (None: not yet) and the components it found
        unhealthy, with since when."""
        existing = await self.of(deployment)
        if existing is None:
            await self.create(
                AlertCursor(
                    deployment=deployment,
                    read_until=read_until,
                    unhealthy_since=unhealthy_since,
                ),
                auto_commit=True,
            )
            return
        existing.read_until = read_until
        existing.unhealthy_since = unhealthy_since
        await self.update(existing, auto_commit=True)
