"""The Alerts page's rows and rule form: a rule and a delivery as the tables show them, the
form's body and its round trip through a stored rule, the API's errors placed under fields,
and the preview's line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airdeck_web.alert_rows import (
    FORM_DEFAULTS,
    delivery_row,
    firing_rows,
    form_of,
    kept_channels,
    kept_conditions,
    placed_errors,
    preview_line,
    rule_body,
    rule_row,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STORED: dict[str, Any] = {
    "id": "r-1",
    "name": "ETL watch",
    "selector": {"deployment": "default", "dag_id": "etl"},
    "conditions": [
        {"kind": "run_duration", "above_seconds": 3600.0, "median_runs": 20, "min_history": 3},
        {"kind": "run_failed"},
    ],
    "channels": [
        {"kind": "webhook", "url": "https://hooks.example.com/a", "to": None, "signed": True},
        {"kind": "email", "url": None, "to": ["oncall@example.com"], "signed": False},
    ],
    "muted": False,
    "snoozed_until": "2026-03-10T13:00:00Z",
    "last_fired_at": "2026-03-09T08:00:00+00:00",
}


def test_a_rule_row_says_what_it_watches_when_it_fires_and_its_status() -> None:
    row = rule_row(STORED, NOW)
    assert row["watches"] == "deployment default · dag_id etl"
    assert row["when"] == "a run took over 3600 s or a run failed"
    assert row["where"] == (
        "webhook https://hooks.example.com/a (signed), email oncall@example.com"
    )
    assert (row["status"], row["snoozed"], row["snoozed_until"]) == (
        "snoozed",
        True,
        "2026-03-10 13:00:00 UTC",
    )
    assert row["last_fired_exact"] == "2026-03-09 08:00:00 UTC"
    assert rule_row({**STORED, "snoozed_until": "2026-03-10T11:00:00Z"}, NOW)["status"] == "active"
    assert rule_row({**STORED, "muted": True}, NOW)["status"] == "muted"


def test_a_delivery_row_shows_the_channels_answer() -> None:
    row = delivery_row(
        {
            "id": "d",
            "status": "sent",
            "response_status": 200,
            "response": "ok",
            "kind": "test",
            "channel_kind": "webhook",
            "summary": "Test message",
            "attempts": 1,
            "created_at": "2026-03-10T11:59:00Z",
            "sent_at": "2026-03-10T11:59:01Z",
        }
    )
    assert (row["status"], row["code"], row["response"], row["when"]) == (
        "sent",
        "200",
        "ok",
        "2026-03-10T11:59:01Z",
    )
    unanswered = delivery_row({"id": "d", "status": "pending", "created_at": "x"})
    assert (unanswered["code"], unanswered["when"]) == ("", "x")


def test_a_stored_rule_round_trips_through_the_form_keeping_what_it_does_not_show() -> None:
    form = form_of(STORED)
    assert (form["condition"], form["above_seconds"], form["url"], form["secret"]) == (
        "run_duration",
        "3600",
        "https://hooks.example.com/a",
        "",
    )
    body, problems = rule_body(form, kept_conditions(STORED), kept_channels(STORED))
    assert problems == {}
    assert body == {
        "name": "ETL watch",
        "selector": {"deployment": "default", "dag_id": "etl"},
        "conditions": [
            {"kind": "run_duration", "above_seconds": 3600.0, "median_runs": 20, "min_history": 3},
            {"kind": "run_failed"},
        ],
        # No secret sent: the API keeps the webhook's own for the same place and URL.
        "channels": [
            {"kind": "webhook", "url": "https://hooks.example.com/a"},
            {"kind": "email", "to": ["oncall@example.com"]},
        ],
    }


def test_the_form_sends_only_its_conditions_fields_and_refuses_non_numbers() -> None:
    form = {
        **FORM_DEFAULTS,
        "name": " n ",
        "tag": "etl",
        "condition": "component_unhealthy",
        "for_seconds": "ten",
        "channel": "email",
        "to": "a@example.com, b@example.com,",
        "url": "ignored",
    }
    body, problems = rule_body(form)
    assert problems == {"for_seconds": "must be a number"}
    assert body["name"] == "n" and body["selector"] == {"tag": "etl"}
    # "any" component is no component: the API reads a missing one as any.
    assert body["conditions"] == [{"kind": "component_unhealthy"}]
    assert body["channels"] == [{"kind": "email", "to": ["a@example.com", "b@example.com"]}]
    secret = rule_body({**FORM_DEFAULTS, "url": "https://h.example.com", "secret": "s" * 16})[0]
    assert secret["channels"] == [
        {"kind": "webhook", "url": "https://h.example.com", "secret": "s" * 16}
    ]


def test_the_apis_errors_land_under_their_fields() -> None:
    placed, others = placed_errors(
        {
            "name": "must not be blank",
            "selector": "set at least one",
            "selector.dag_id": "no DAG 'x'",
            "conditions[0].at": "must be HH:MM",
            "conditions[0]": "needs above_seconds",
            "channels[0].url": "points at a private address",
            "conditions[1].timezone": "unknown time zone",
        }
    )
    assert placed == {
        "name": "must not be blank",
        "selector": "set at least one",
        "dag_id": "no DAG 'x'",
        "at": "must be HH:MM",
        "conditions": "needs above_seconds",
        "url": "points at a private address",
    }
    assert others == ["conditions[1].timezone: unknown time zone"]


def test_the_preview_line_says_how_often_or_why_not() -> None:
    firing = {"at": "2026-03-09T08:00:00Z", "dag_id": "etl", "run_id": "r", "reason": "failed"}
    shown = {"days": 30, "fired": 3, "dags": 1, "firings": [firing] * 7, "not_replayed": []}
    assert preview_line(shown) == "Would have fired 3 times in the last 30 days, watching 1 DAG."
    assert len(firing_rows(shown)) == 5
    assert firing_rows(shown)[0]["at_exact"] == "2026-03-09 08:00:00 UTC"
    once = {**shown, "fired": 1, "dags": 4, "truncated": True}
    assert preview_line(once) == (
        "Would have fired once in the last 30 days (at least: there was more history than was "
        "read), watching 4 DAGs."
    )
    health = {"reason": "Airflow keeps no history of its components' health"}
    assert preview_line({**shown, "fired": None, "not_replayed": [health]}) == (
        "Cannot be previewed: Airflow keeps no history of its components' health"
    )
