"""Connectors through the API, short of a run: bad definitions get a 400 naming each field,
private hosts are refused unless an admin allowed them, the live test call previews the first
rows (or says why a run would fail), secrets go to Airflow and nowhere else, and who may write
a connector follows ``connectors:write`` and its scope."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from tests.integration.connectors.conftest import (
    CONNECTORS,
    Client,
    people_connector,
    unique,
)
from tests.support.airflow_runs import client as airflow_client
from tests.support.databases import sqlite_files_hold
from tests.support.people import Person, client_as, mint
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


async def test_bad_connectors_get_a_400_naming_each_field(client: Client, example_url: str) -> None:
    body = people_connector(
        example_url,
        unique("bad"),
        source={
            "url": "https://user:pw@api.example.com/people",
            "method": "POST",
            "headers": {"X Token": "v", "X-Ok": "{{ secrets.missing }}"},
            "body": "x" * (64 * 1024 + 1),
        },
        mapping=[
            {"path": "data[*].id", "column": "id", "type": "int"},
            {"path": "data[*]..email", "column": "email"},
            {"path": "data[*].mail", "column": "id"},
        ],
        schedule={"cron": "every minute", "timezone": "Mars/Olympus"},
    )
    response = await client.post(CONNECTORS, json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert set(errors) == {
        "source.url",
        "source.headers.X Token",
        "source.body",
        "mapping[1].path",
        "mapping[2].column",
        "schedule.cron",
        "schedule.timezone",
        "secrets",
    }
    assert "credentials" in errors["source.url"]
    assert "RFC 7230" in errors["source.headers.X Token"]
    assert "above the limit" in errors["source.body"]
    assert "collides" in errors["mapping[2].column"]
    assert "missing" in errors["secrets"]
    # Nothing was stored.
    listed = await client.get(CONNECTORS)
    assert body["slug"] not in {c["slug"] for c in listed.json()["connectors"]}


async def test_unknown_fields_and_kinds_are_refused(client: Client, example_url: str) -> None:
    body = people_connector(example_url, unique("odd"))
    assert (await client.post(CONNECTORS, json={**body, "surprise": 1})).status_code == 400
    paged = {**body["source"], "pagination": {"kind": "sometimes"}}
    assert (await client.post(CONNECTORS, json={**body, "source": paged})).status_code == 400


async def test_private_hosts_need_the_admins_allow_list(
    make_app: Callable[..., Litestar], person: Any, example_url: str, connector_env: dict[str, str]
) -> None:
    strict = {**connector_env, "AIRDECK_CONNECTORS_ALLOWED_HOSTS": ""}
    async with client_as(person, make_app(**strict)) as client:
        body = people_connector(example_url, unique("private"))
        response = await client.post(CONNECTORS, json=body)
        assert response.status_code == 400, response.text
        assert "AIRDECK_CONNECTORS_ALLOWED_HOSTS" in response.json()["errors"]["source.url"]
        named = {**body["source"], "url": "http://localhost:9/people"}
        refused = await client.post(f"{CONNECTORS}/preview", json={**body, "source": named})
        assert refused.status_code == 400
        assert "local or private" in refused.json()["errors"]["source.url"]


async def test_the_preview_maps_the_first_rows_of_a_live_call(
    client: Client, example_url: str
) -> None:
    response = await client.post(
        f"{CONNECTORS}/preview", json=people_connector(example_url, unique("preview"))
    )
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["ok"] is True and preview["pages"] == 3
    assert preview["columns"] == ["id", "email", "score", "active", "joined", "nickname"]
    assert len(preview["rows"]) == 20
    assert preview["rows"][0] == {
        "id": 1,
        "email": "person1@example.com",
        "score": 1.5,
        "active": True,
        "joined": "2025-01-01T08:00:00Z",
        "nickname": "none",
    }


@pytest.mark.parametrize(
    ("fail", "words"),
    [("500", "answered 503, expected 200"), ("json", "invalid JSON"), ("drift", "a list of rows")],
)
async def test_the_preview_says_why_a_run_would_fail(
    client: Client, example_url: str, fail: str, words: str
) -> None:
    body = people_connector(example_url, unique("failing"))
    body["source"]["params"] = {"per_page": "10", "fail": fail}
    response = await client.post(f"{CONNECTORS}/preview", json=body)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["ok"] is False and words in preview["error"], preview
    assert "s3cr3t" not in response.text


async def test_a_timeout_fails_the_preview_with_the_limit_in_its_message(
    client: Client, example_url: str
) -> None:
    body = people_connector(example_url, unique("slow"))
    body["source"]["params"] = {"per_page": "10", "fail": "slow"}
    body["source"]["timeout_seconds"] = 1
    preview = (await client.post(f"{CONNECTORS}/preview", json=body)).json()
    assert preview["ok"] is False and "did not answer within 1 s" in preview["error"]


async def test_secrets_go_to_airflow_only(
    client: Client, example_url: str, airflow: Any, spec_files: Path, api_env: dict[str, str]
) -> None:
    slug = unique("secretive")
    created = await client.post(CONNECTORS, json=people_connector(example_url, slug))
    assert created.status_code == 201, created.text
    connector = created.json()
    assert connector["secrets"] == ["token"] and "s3cr3t" not in created.text
    key = f"airdeck_connector_secret__{slug}__token"
    variable = airflow_client(airflow).get(f"/variables/{key}")
    assert variable.status_code == 200, variable.text
    spec = await asyncio.to_thread((spec_files / f"default--{slug}.json").read_text)
    assert key in spec and "s3cr3t" not in spec
    database_file = Path(api_env["AIRDECK_DATABASE_URL"].split("///", 1)[1])
    assert not await asyncio.to_thread(sqlite_files_hold, database_file, b"s3cr3t-connector-token")
    # A PUT without the secret keeps it; null removes it (and a header using it is refused).
    body = people_connector(example_url, slug)
    del body["secrets"]
    kept = await client.put(f"{CONNECTORS}/{connector['id']}", json=body)
    assert kept.status_code == 200 and kept.json()["secrets"] == ["token"]
    dropped = await client.put(
        f"{CONNECTORS}/{connector['id']}", json={**body, "secrets": {"token": None}}
    )
    assert dropped.status_code == 400 and "token" in dropped.json()["errors"]["secrets"]
    deleted = await client.delete(f"{CONNECTORS}/{connector['id']}")
    assert deleted.status_code == 204
    assert airflow_client(airflow).get(f"/variables/{key}").status_code == 404
    assert not (spec_files / f"default--{slug}.json").exists()


async def test_a_delete_airflow_cannot_take_keeps_the_connector_until_it_can(
    client: Client,
    make_app: Callable[..., Litestar],
    connector_env: dict[str, str],
    person: Person,
    example_url: str,
    airflow: Any,
    spec_files: Path,
) -> None:
    slug = unique("kept")
    created = await client.post(CONNECTORS, json=people_connector(example_url, slug))
    assert created.status_code == 201, created.text
    connector = created.json()
    key = f"airdeck_connector_secret__{slug}__token"
    spec = spec_files / f"default--{slug}.json"
    # The same API, but its Airflow is unreachable: nothing is deleted, and it says why.
    offline = make_app(**connector_env, AIRDECK_AIRFLOW_URL=f"http://127.0.0.1:{free_port()}")
    async with client_as(person, offline) as unreachable:
        refused = await unreachable.delete(f"{CONNECTORS}/{connector['id']}")
    assert refused.status_code == 503, refused.text
    assert "Airflow" in refused.json()["detail"]
    assert spec.exists()
    kept = await client.get(f"{CONNECTORS}/{connector['id']}")
    assert kept.status_code == 200 and kept.json()["version"] == 1
    assert airflow_client(airflow).get(f"/variables/{key}").status_code == 200
    # Once Airflow answers, deleting again finishes the job.
    deleted = await client.delete(f"{CONNECTORS}/{connector['id']}")
    assert deleted.status_code == 204, deleted.text
    assert airflow_client(airflow).get(f"/variables/{key}").status_code == 404
    assert not spec.exists()
    assert (await client.get(f"{CONNECTORS}/{connector['id']}")).status_code == 404


async def test_a_taken_slug_and_a_changed_slug_are_refused(
    client: Client, example_url: str
) -> None:
    slug = unique("twice")
    first = await client.post(CONNECTORS, json=people_connector(example_url, slug))
    assert first.status_code == 201, first.text
    again = await client.post(CONNECTORS, json=people_connector(example_url, slug))
    assert again.status_code == 400 and "taken" in again.json()["errors"]["slug"]
    renamed = people_connector(example_url, unique("other"))
    moved = await client.put(f"{CONNECTORS}/{first.json()['id']}", json=renamed)
    assert moved.status_code == 400 and "cannot change" in moved.json()["errors"]["slug"]


async def test_who_may_write_connectors(
    make_app: Callable[..., Litestar],
    connector_env: dict[str, str],
    api_env: dict[str, str],
    example_url: str,
    request: pytest.FixtureRequest,
) -> None:
    data_dir = Path(api_env["AIRDECK_DATA_DIR"])
    app = make_app(**connector_env)
    viewer = mint(data_dir, f"{request.node.name}~viewer", "viewer")
    scoped = mint(data_dir, f"{request.node.name}~fin", "operator@tag=finance")
    async with client_as(viewer, app) as client:
        assert (await client.get(CONNECTORS)).status_code == 200
        refused = await client.post(
            CONNECTORS, json=people_connector(example_url, unique("viewer"))
        )
        assert refused.status_code == 403 and "connectors:write" in refused.json()["detail"]
    async with client_as(scoped, app) as client:
        outside = await client.post(
            CONNECTORS, json=people_connector(example_url, unique("untagged"))
        )
        assert outside.status_code == 403, outside.text
        inside = await client.post(
            CONNECTORS, json=people_connector(example_url, unique("fin"), tags=["finance"])
        )
        assert inside.status_code == 201, inside.text
        connector = inside.json()
        retagged = {**people_connector(example_url, connector["slug"]), "tags": []}
        moved_out = await client.put(f"{CONNECTORS}/{connector['id']}", json=retagged)
        assert moved_out.status_code == 403
        assert (await client.delete(f"{CONNECTORS}/{connector['id']}")).status_code == 204
