"""Alert rules through the API against the real test Airflow: bad rules get a 400 naming each
field; a rule is created, listed, muted, snoozed, replaced (its webhook secret kept), sent a
test message that a real loopback receiver gets signed, shown in its history, and deleted,
each change audited; who may write which rule follows ``alerts:write`` and its scope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_adapters.alerts.channels import signature
from tests.support.people import Person, client_as, mint
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
RULES = "/api/orchestrator/alerts/rules"
SECRET = "the-receivers-shared-secret"


def rule(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "flaky retries",
        "selector": {"dag_id": "flaky_retry"},
        "conditions": [{"kind": "run_failed"}, {"kind": "deadline", "at": "07:30"}],
        # A public address, never sent to here: only the test message sends, to the receiver.
        "channels": [{"kind": "webhook", "url": "https://1.1.1.1/airdeck-hook"}],
    }
    return {**body, **overrides}


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.fixture
async def private_ok(make_app: Callable[..., Litestar], person: Person) -> AsyncIterator[Client]:
    """An API whose admin allowed webhooks to private addresses (the loopback receiver)."""
    async with client_as(person, make_app(AIRDECK_ALERTS_ALLOW_PRIVATE_URLS="true")) as client:
        yield client


async def test_bad_rules_get_a_400_naming_each_field(client: Client) -> None:
    bad = rule(
        selector={"dag_id": "no_such_dag"},
        conditions=[{"kind": "deadline", "at": "7:30pm", "timezone": "Mars/Olympus"}],
        channels=[
            {"kind": "webhook", "url": "ftp://hooks.example.com/x"},
            {"kind": "slack", "url": "http://10.1.2.3/services/x"},
            {"kind": "webhook", "url": "http://127.0.0.1:9/x"},
            {"kind": "webhook", "url": "https://hooks.invalid/x"},
        ],
    )
    response = await client.post(RULES, json=bad)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert set(errors) == {
        "selector.dag_id",
        "conditions[0].at",
        "conditions[0].timezone",
        "channels[0].url",
        "channels[1].url",
        "channels[2].url",
        "channels[3].url",
    }
    assert "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS" in errors["channels[2].url"]
    assert "does not resolve" in errors["channels[3].url"]
    bad_cron = rule(conditions=[{"kind": "run_missing", "grace_minutes": -5}])
    assert (await client.post(RULES, json=bad_cron)).status_code == 400
    unknown_kind = rule(conditions=[{"kind": "sometimes"}])
    assert (await client.post(RULES, json=unknown_kind)).status_code == 400
    audit = await client.get("/api/orchestrator/audit", params={"action": "create_alert_rule"})
    assert any(row["outcome"] == "failure" for row in audit.json()["entries"])


async def test_a_rule_from_creation_to_deletion(private_ok: Client, receiver: Receiver) -> None:
    url = receiver.url
    body = rule(channels=[{"kind": "webhook", "url": url, "secret": SECRET}])
    created = await private_ok.post(RULES, json=body)
    assert created.status_code == 201, created.text
    made = created.json()
    rule_id = made["id"]
    assert made["selector"] == {"deployment": "default", "dag_id": "flaky_retry"}
    assert made["channels"] == [{"kind": "webhook", "url": url, "to": None, "signed": True}]
    assert SECRET not in created.text
    listed = (await private_ok.get(RULES)).json()["rules"]
    assert rule_id in [r["id"] for r in listed]

    muted = await private_ok.patch(f"{RULES}/{rule_id}/mute", json={"muted": True})
    assert muted.status_code == 200 and muted.json()["muted"] is True
    until = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    snoozed = await private_ok.patch(f"{RULES}/{rule_id}/snooze", json={"until": until})
    assert snoozed.status_code == 200 and snoozed.json()["snoozed_until"] is not None
    past = await private_ok.patch(
        f"{RULES}/{rule_id}/snooze", json={"until": "2020-01-01T00:00:00Z"}
    )
    assert past.status_code == 400 and "until" in past.json()["errors"]

    # Replaced without the secret: the webhook at the same place and URL keeps it.
    renamed = {**body, "name": "renamed", "channels": [{"kind": "webhook", "url": url}]}
    replaced = await private_ok.put(f"{RULES}/{rule_id}", json=renamed)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["name"] == "renamed" and replaced.json()["channels"][0]["signed"]

    tested = await private_ok.post(f"{RULES}/{rule_id}/test")
    assert tested.status_code == 200, tested.text
    (delivery,) = tested.json()["deliveries"]
    assert (delivery["status"], delivery["response_status"], delivery["response"]) == (
        "sent",
        200,
        "ok",
    )
    (headers, sent) = next(
        (h, b) for h, b in receiver.received if h["X-Airdeck-Delivery"] == delivery["dedup_key"]
    )
    assert headers["X-Airdeck-Signature"] == signature(SECRET, sent)
    history = (await private_ok.get(f"{RULES}/{rule_id}/deliveries")).json()
    assert [d["id"] for d in history["deliveries"]] == [delivery["id"]]

    assert (await private_ok.delete(f"{RULES}/{rule_id}")).status_code == 204
    assert (await private_ok.get(f"{RULES}/{rule_id}")).status_code == 404
    audit = await private_ok.get("/api/orchestrator/audit", params={"limit": 100})
    actions = {
        row["action"]
        for row in audit.json()["entries"]
        if row["outcome"] == "success" and row["dag_id"] == "flaky_retry"
    }
    assert {
        "create_alert_rule",
        "mute_alert_rule",
        "snooze_alert_rule",
        "update_alert_rule",
        "test_alert_rule",
        "delete_alert_rule",
    } <= actions


async def test_who_may_write_which_rule(
    client: Client, api_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    def headers(role: str) -> dict[str, str]:
        name = f"{request.node.name}~{role}"
        return mint(Path(api_env["AIRDECK_DATA_DIR"]), name, role).headers

    viewer, scoped = headers("viewer"), headers("operator@tag=retries")
    refused = await client.post(RULES, json=rule(), headers=viewer)
    assert refused.status_code == 403 and "alerts:write" in refused.json()["detail"]
    mine = await client.post(RULES, json=rule(), headers=scoped)  # flaky_retry is tagged retries
    assert mine.status_code == 201, mine.text
    by_tag = await client.post(RULES, json=rule(selector={"tag": "retries"}), headers=scoped)
    assert by_tag.status_code == 201, by_tag.text
    wider = await client.post(RULES, json=rule(selector={"tag": "etl"}), headers=scoped)
    assert wider.status_code == 403
    other_dag = await client.post(
        RULES, json=rule(selector={"dag_id": "etl_pipeline"}), headers=scoped
    )
    assert other_dag.status_code == 403
    seen = [r["id"] for r in (await client.get(RULES, headers=scoped)).json()["rules"]]
    assert {mine.json()["id"], by_tag.json()["id"]} <= set(seen)
    for made in (mine, by_tag):
        gone = await client.delete(f"{RULES}/{made.json()['id']}", headers=scoped)
        assert gone.status_code == 204
