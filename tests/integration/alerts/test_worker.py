"""The alert worker against the real test Airflow, a real loopback webhook receiver and a real
SMTP server (aiosmtpd): a real failed task is delivered within one cycle, once; a worker
killed between the send and its bookkeeping delivers the same message (same key) once more
and never again; a real long run and a missed deadline fire."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.airflow import DeploymentConfig, Deployments
from airdeck_adapters.alerts.channels import Channels, Sent, SmtpConfig, signature
from airdeck_adapters.db import migrate
from airdeck_adapters.db.alert_services import AlertDeliveryService, AlertRuleService
from airdeck_adapters.db.engine import create_engine
from airdeck_adapters.db.models import AlertRuleRow
from airdeck_api.alerts.delivery import Deliveries
from airdeck_api.alerts.worker import AlertWorker
from airdeck_domain.alerts.evaluation import AlertEvent
from airdeck_domain.alerts.rules import (
    Channel,
    ComponentUnhealthy,
    Condition,
    Deadline,
    Email,
    RuleSpec,
    RunDuration,
    Selector,
    TaskFailed,
    Webhook,
)
from tests.support.airflow_runs import ensure_run, trigger_run, wait_for_run
from tests.support.mailbox import Mailbox
from tests.support.ports import free_port
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration
SECRET = "a-webhook-secret-of-some-length"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
async def deployments(airflow: Any) -> AsyncIterator[Deployments]:
    config = DeploymentConfig(
        name="default", url=airflow.url, username=airflow.username, password=airflow.password
    )
    fleet = Deployments([config])
    yield fleet
    await fleet.aclose()


async def add_rule(
    sessions: async_sessionmaker[AsyncSession],
    selector: Selector,
    conditions: list[Condition],
    channels: list[Channel],
) -> str:
    spec = RuleSpec(
        name=f"rule {uuid.uuid4().hex[:6]}",
        selector=selector,
        conditions=conditions,
        channels=channels,
    )
    async with sessions() as session:
        row = await AlertRuleService(session=session).create(
            AlertRuleRow(
                name=spec.name,
                definition=msgspec.to_builtins(spec),
                deployment=selector.deployment,
                dag_id=selector.dag_id,
                created_by="test",
            ),
            auto_commit=True,
        )
    return str(row.id)


async def deliveries_of(sessions: async_sessionmaker[AsyncSession], rule_id: str) -> list[Any]:
    async with sessions() as session:
        rows, _ = await AlertDeliveryService(session=session).history(
            rule_id=uuid.UUID(rule_id), offset=0, limit=100
        )
    return rows


def worker(
    sessions: async_sessionmaker[AsyncSession],
    deployments: Deployments,
    channels: Channels,
    clock: Any = None,
) -> AlertWorker:
    now = clock or (lambda: datetime.now(UTC))
    deliveries = Deliveries(sessions, channels, lease=timedelta(minutes=2), clock=now)
    return AlertWorker(sessions, deployments, deliveries, lookback=timedelta(minutes=15), clock=now)


async def test_a_real_task_failure_reaches_the_webhook_and_the_mailbox_once(
    airflow: Any,
    sessions: async_sessionmaker[AsyncSession],
    deployments: Deployments,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, smtp_port = mailbox
    run_id = f"alerts__{uuid.uuid4().hex[:8]}"
    # count=8: `process` instance 7 fails (it has no retries); the run goes on to succeed.
    trigger_run(airflow, "mapped_fanout", run_id=run_id, conf={"count": 8})
    await asyncio.to_thread(wait_for_run, airflow, "mapped_fanout", run_id)
    rule_id = await add_rule(
        sessions,
        Selector(dag_id="mapped_fanout"),
        [TaskFailed(), RunDuration(above_seconds=1)],
        [Webhook(url=receiver.url, secret=SECRET), Email(to=["oncall@example.com"])],
    )
    channels = Channels(smtp=SmtpConfig(host="127.0.0.1", port=smtp_port))
    try:
        report = await worker(sessions, deployments, channels).cycle()
        again = await worker(sessions, deployments, channels).cycle()
    finally:
        await channels.aclose()
    rows = [row for row in await deliveries_of(sessions, rule_id) if row.run_id == run_id]
    kinds = sorted({(row.kind, row.channel_kind) for row in rows})
    assert kinds == [
        ("run_duration", "email"),
        ("run_duration", "webhook"),
        ("task_failed", "email"),
        ("task_failed", "webhook"),
    ]
    assert {row.status for row in rows} == {"sent"} and {row.attempts for row in rows} == {1}
    assert report.sent >= 4 and again.recorded == 0
    mine = {row.dedup_key for row in rows if row.channel_kind == "webhook"}
    posts = [(h, b) for h, b in receiver.received if h["X-Airdeck-Delivery"] in mine]
    assert len(posts) == 2
    for headers, body in posts:
        assert headers["X-Airdeck-Signature"] == signature(SECRET, body)
    failure = next(json.loads(b) for _, b in posts if json.loads(b)["kind"] == "task_failed")
    assert (failure["dag_id"], failure["run_id"], failure["task_id"]) == (
        "mapped_fanout",
        run_id,
        "process",
    )
    emails = {row.dedup_key for row in rows if row.channel_kind == "email"}
    received_ids = {
        str(message_from_bytes(message)["Message-ID"]).strip().strip("<>").split("@")[0]
        for message in box.messages
    }
    assert emails <= received_ids


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing after it runs."""


class DiesAfterSending(Channels):
    async def send(self, channel: Channel, event: AlertEvent, delivery_key: str) -> Sent:
        await super().send(channel, event, delivery_key)
        raise WorkerKilled


async def test_a_worker_killed_between_send_and_bookkeeping_delivers_once_more_at_most(
    airflow: Any,
    sessions: async_sessionmaker[AsyncSession],
    deployments: Deployments,
    receiver: Receiver,
) -> None:
    rule_id = await add_rule(
        sessions,
        Selector(dag_id="flaky_retry"),
        [RunDuration(above_seconds=0.001)],
        [Webhook(url=receiver.url)],
    )
    run_id = trigger_run(airflow, "flaky_retry")
    await asyncio.to_thread(wait_for_run, airflow, "flaky_retry", run_id)
    dying = DiesAfterSending()
    with pytest.raises(WorkerKilled):
        await worker(sessions, deployments, dying).cycle()
    await dying.aclose()
    (cut,) = [r for r in await deliveries_of(sessions, rule_id) if r.status == "sending"]
    assert cut.attempts == 1 and receiver.deliveries().count(cut.dedup_key) == 1

    # The restarted worker, once the dead one's lease ran out, sends it again with its key.
    later = lambda: datetime.now(UTC) + timedelta(minutes=3)  # noqa: E731
    channels = Channels()
    try:
        await worker(sessions, deployments, channels, clock=later).cycle()
        await worker(sessions, deployments, channels, clock=later).cycle()
    finally:
        await channels.aclose()
    rows = await deliveries_of(sessions, rule_id)
    assert run_id in {row.run_id for row in rows}
    assert {row.status for row in rows} == {"sent"}
    for row in rows:
        copies = receiver.deliveries().count(row.dedup_key)
        assert (row.attempts, copies) == ((2, 2) if row.id == cut.id else (1, 1))


async def test_a_missed_deadline_of_a_real_scheduled_dag_fires(
    airflow: Any,
    sessions: async_sessionmaker[AsyncSession],
    deployments: Deployments,
    receiver: Receiver,
) -> None:
    # The daily etl_pipeline, unpaused (as the calendar tests leave it): nothing can have
    # succeeded by 00:00 of today, so a deadline at 00:00 is missed today, whatever ran.
    ensure_run(airflow, "etl_pipeline", "manual__alerts+deadline", {})
    rule_id = await add_rule(
        sessions,
        Selector(dag_id="etl_pipeline"),
        [Deadline(at="00:00", timezone="UTC")],
        [Webhook(url=receiver.url)],
    )
    channels = Channels()
    try:
        await worker(sessions, deployments, channels).cycle()
    finally:
        await channels.aclose()
    (row,) = await deliveries_of(sessions, rule_id)
    assert (row.kind, row.dag_id, row.status) == ("deadline", "etl_pipeline", "sent")
    assert datetime.now(UTC).date().isoformat() in row.summary


async def test_an_unreachable_deployment_fires_once_it_was_down_long_enough(
    sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # Nothing listens on this port: the deployment is really down, not faked.
    down = DeploymentConfig(
        name="down", url=f"http://127.0.0.1:{free_port()}", username="u", timeout=2.0
    )
    fleet = Deployments([down])
    patient = await add_rule(
        sessions,
        Selector(deployment="down"),
        [ComponentUnhealthy(for_seconds=3600)],
        [Webhook(url=receiver.url)],
    )
    prompt = await add_rule(
        sessions,
        Selector(deployment="down"),
        [ComponentUnhealthy(for_seconds=0)],
        [Webhook(url=receiver.url)],
    )
    channels = Channels()
    try:
        first = await worker(sessions, fleet, channels).cycle()
        later = lambda: datetime.now(UTC) + timedelta(minutes=61)  # noqa: E731
        await worker(sessions, fleet, channels, clock=later).cycle()
    finally:
        await channels.aclose()
        await fleet.aclose()
    assert first.unreadable == ["down"]
    (now_row,) = await deliveries_of(sessions, prompt)
    (late_row,) = await deliveries_of(sessions, patient)
    assert (now_row.kind, now_row.status) == ("component_unhealthy", "sent")
    # The outage began at the first cycle: an hour later the patient rule fires for it too.
    assert late_row.status == "sent" and "deployment of deployment down" in late_row.summary
