"""Conditional GETs against the real API and the real Airflow 3: ETag, If-None-Match -> 304,
Cache-Control and Vary; a change in Airflow gives a new ETag."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


async def test_every_read_route_has_an_etag_and_revalidates_to_304(
    client: Client, mapped_run: str
) -> None:
    run = ("dags", "mapped_fanout", "runs", mapped_run)
    for url in (
        path("dags"),
        path("dags", "etl_pipeline"),
        path("dags", "grouped_pipeline", "structure"),
        path("dags", "mapped_fanout", "runs"),
        path(*run),
        path(*run, "tasks"),
        path(*run, "graph"),
        path(*run, "snapshot"),
        path(*run, "gantt"),
        path(*run, "tasks", "process", "mapped"),
    ):
        first = await client.get(url)
        assert first.status_code == 200, (url, first.text)
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) > 8, (url, etag)
        assert first.headers["cache-control"] == "private, no-cache", url
        assert "Authorization" in first.headers["vary"], url
        again = await client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, (url, again.status_code)
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "private, no-cache"
        assert "content-type" not in again.headers


async def test_if_none_match_lists_and_weak_tags_match(client: Client) -> None:
    url = path("dags", "etl_pipeline")
    etag = (await client.get(url)).headers["etag"]
    listed = await client.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert listed.status_code == 304
    stale = await client.get(url, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200
    assert stale.headers["etag"] == etag
    assert stale.json()["dag"]["dag_id"] == "etl_pipeline"


async def test_a_change_in_airflow_gives_200_with_a_new_etag(client: Client) -> None:
    url = path("dags", "grouped_pipeline")
    pause = path("dags", "grouped_pipeline", "pause")
    before = await client.get(url)
    assert before.status_code == 200, before.text
    was_paused = before.json()["dag"]["is_paused"]
    try:
        flipped = await client.patch(pause, json={"is_paused": not was_paused})
        assert flipped.status_code == 200, flipped.text
        after = await client.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200, after.text
        assert after.json()["dag"]["is_paused"] is (not was_paused)
        assert after.headers["etag"] != before.headers["etag"]
        unchanged = await client.get(url, headers={"If-None-Match": after.headers["etag"]})
        assert unchanged.status_code == 304
    finally:
        restored = await client.patch(pause, json={"is_paused": was_paused})
        assert restored.status_code == 200, restored.text


async def test_errors_and_writes_carry_no_etag_and_are_not_stored(client: Client) -> None:
    missing = await client.get(path("dags", "no_such_dag_anywhere"))
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"
    bad = await client.patch(path("dags", "grouped_pipeline", "pause"), json={"nope": 1})
    assert bad.status_code == 400
    assert "etag" not in bad.headers
    assert bad.headers["cache-control"] == "no-store"
