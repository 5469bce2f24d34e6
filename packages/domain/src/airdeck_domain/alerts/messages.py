"""What each channel carries for an event: the generic webhook's JSON body, a Slack-compatible
incoming-webhook payload, and an email's subject and text. Every message names its delivery's
dedup key, so a receiver can drop the copy a crashed worker may send again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airdeck_domain.alerts.evaluation import AlertEvent, dedup_key

TEST_KIND = "test"
"""The kind of the event a "send a test message" request delivers."""


def test_event(rule_id: str, rule_name: str, deployment: str, now: datetime) -> AlertEvent:
    """The event a test message carries: unique per request (its key hashes ``now``)."""
    return AlertEvent(
        key=dedup_key(rule_id, TEST_KIND, now.isoformat()),
        rule_id=rule_id,
        rule_name=rule_name,
        kind=TEST_KIND,
        deployment=deployment,
        summary=f"Test message of alert rule '{rule_name}': delivery works",
        occurred_at=now,
    )


def headline(event: AlertEvent) -> str:
    """One line: ``[airdeck] <rule>: <what happened>``."""
    return f"[airdeck] {event.rule_name}: {event.summary}"


def webhook_body(event: AlertEvent, delivery_key: str) -> dict[str, Any]:
    """The generic webhook's JSON body."""
    return {
        "delivery": delivery_key,
        "event": event.key,
        "rule": {"id": event.rule_id, "name": event.rule_name},
        "kind": event.kind,
        "deployment": event.deployment,
        "dag_id": event.dag_id,
        "run_id": event.run_id,
        "task_id": event.task_id,
        "summary": event.summary,
        "occurred_at": event.occurred_at.isoformat(),
    }


def slack_body(event: AlertEvent, delivery_key: str) -> dict[str, Any]:
    """A Slack incoming-webhook payload: ``text`` (also what notifications show) and blocks."""
    facts = [
        f"*{name}:* {value}"
        for name, value in (
            ("Deployment", event.deployment),
            ("DAG", event.dag_id),
            ("Run", event.run_id),
            ("Task", event.task_id),
            ("When", event.occurred_at.isoformat()),
        )
        if value
    ]
    return {
        "text": headline(event),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline(event)}*"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(facts)}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"delivery {delivery_key}"}],
            },
        ],
    }


def email_text(event: AlertEvent, delivery_key: str) -> str:
    """An email's plain-text body."""
    lines = [event.summary, ""]
    lines += [
        f"{name}: {value}"
        for name, value in (
            ("Rule", event.rule_name),
            ("Deployment", event.deployment),
            ("DAG", event.dag_id),
            ("Run", event.run_id),
            ("Task", event.task_id),
            ("When", event.occurred_at.isoformat()),
            ("Delivery", delivery_key),
        )
        if value
    ]
    return "\n".join(lines) + "\n"
