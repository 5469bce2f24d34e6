"""The alert tables' services on SQLite and PostgreSQL: a dedup key is recorded once, one
attempt at a delivery is taken by one worker only, due rows come back (a ``sending`` one only
after its lease), orphans are dropped, a cursor moves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.alert_services import AlertCursorService, AlertDeliveryService
from airdeck_adapters.db.models import AlertDelivery

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def delivery(key: str, rule_id: uuid.UUID) -> AlertDelivery:
    return AlertDelivery(
        dedup_key=key,
        event_key="e" * 64,
        rule_id=rule_id,
        channel_index=0,
        channel_kind="webhook",
        kind="run_failed",
        deployment="default",
        dag_id="etl",
        run_id="r1",
        summary="Run r1 of etl failed",
        event={"key": "e"},
        status="pending",
        attempts=0,
        next_attempt_at=NOW,
    )


async def test_deliveries_record_once_and_are_taken_once(session: AsyncSession) -> None:
    service = AlertDeliveryService(session=session)
    rule_id = uuid.uuid4()
    first = await service.record([delivery("a" * 64, rule_id), delivery("b" * 64, rule_id)])
    again = await service.record([delivery("a" * 64, rule_id), delivery("c" * 64, rule_id)])
    assert [r.dedup_key for r in first] == ["a" * 64, "b" * 64]
    assert [r.dedup_key for r in again] == ["c" * 64]

    due = await service.due(NOW, limit=10)
    assert len(due) == 3
    row = due[0]
    lease = NOW + timedelta(minutes=2)
    assert await service.start_attempt(row, NOW, lease_until=lease)
    assert not await service.start_attempt(row, NOW, lease_until=lease)  # a second worker
    assert row.id not in {r.id for r in await service.due(NOW, limit=10)}
    assert row.id in {r.id for r in await service.due(lease, limit=10)}

    assert await service.drop_orphans([], NOW) == 3
    assert await service.due(lease, limit=10) == []
    rows, total = await service.history(rule_id=rule_id, offset=0, limit=10)
    assert total == 3 and {r.status for r in rows} == {"dropped"}


async def test_a_cursor_moves(session: AsyncSession) -> None:
    cursors = AlertCursorService(session=session)
    assert await cursors.of("default") is None
    await cursors.advance("default", NOW, {})
    await cursors.advance("default", NOW + timedelta(seconds=10), {"scheduler": NOW.isoformat()})
    cursor = await cursors.of("default")
    assert cursor is not None and cursor.read_until == NOW + timedelta(seconds=10)
    assert cursor.unhealthy_since == {"scheduler": NOW.isoformat()}
