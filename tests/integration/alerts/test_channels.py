"""Channels against a real loopback receiver and a real SMTP server: a passing failure (503)
is retried with the same delivery key until it is taken, a refusal (400) is not retried, Slack
gets an incoming-webhook payload, an unreachable SMTP server is a passing failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from airdeck_adapters.alerts.channels import (
    Channels,
    DeliveryError,
    PassingDeliveryError,
    SmtpConfig,
)
from airdeck_domain.alerts.evaluation import AlertEvent
from airdeck_domain.alerts.rules import Email, Slack, Webhook
from tests.support.ports import free_port
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration
EVENT = AlertEvent(
    key="k" * 64,
    rule_id="r",
    rule_name="Nightly",
    kind="run_failed",
    deployment="default",
    summary="Run r1 of etl failed",
    occurred_at=datetime(2026, 3, 10, 12, tzinfo=UTC),
    dag_id="etl",
    run_id="r1",
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


async def test_a_passing_failure_is_retried_with_the_same_key(receiver: Receiver) -> None:
    receiver.answers.extend([503, 429])
    channels = Channels(attempts=3, wait_initial=0.01)
    try:
        sent = await channels.send(Webhook(url=receiver.url), EVENT, "d1")
    finally:
        await channels.aclose()
    assert sent.status_code == 200
    assert receiver.deliveries() == ["d1", "d1", "d1"]


async def test_a_refusal_is_not_retried(receiver: Receiver) -> None:
    receiver.answers.append(400)
    channels = Channels(attempts=3, wait_initial=0.01)
    try:
        with pytest.raises(DeliveryError) as refused:
            await channels.send(Webhook(url=receiver.url), EVENT, "d2")
    finally:
        await channels.aclose()
    assert not isinstance(refused.value, PassingDeliveryError)
    assert refused.value.status_code == 400 and receiver.deliveries() == ["d2"]


async def test_slack_gets_an_incoming_webhook_payload(receiver: Receiver) -> None:
    channels = Channels()
    try:
        await channels.send(Slack(url=receiver.url), EVENT, "d3")
    finally:
        await channels.aclose()
    ((headers, body),) = receiver.received
    payload = json.loads(body)
    assert payload["text"] == "[airdeck] Nightly: Run r1 of etl failed"
    assert [block["type"] for block in payload["blocks"]] == ["section", "section", "context"]
    assert "X-Airdeck-Signature" not in headers


async def test_an_smtp_server_that_is_down_is_a_passing_failure() -> None:
    channels = Channels(smtp=SmtpConfig(host="127.0.0.1", port=free_port()), attempts=1)
    try:
        with pytest.raises(PassingDeliveryError):
            await channels.send(Email(to=["oncall@example.com"]), EVENT, "d4")
    finally:
        await channels.aclose()
