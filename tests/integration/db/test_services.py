"""The product DB services on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from advanced_alchemy.exceptions import DuplicateKeyError
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.models import AuditLog, SavedRunConfig, TriggeredRun, UserFavorite
from airdeck_adapters.db.services import (
    AuditLogService,
    FavoriteService,
    IdempotencyKeyService,
    PipelineMetadataService,
    SavedRunConfigService,
    TriggeredRunService,
)

pytestmark = pytest.mark.integration


async def test_favorites_are_idempotent_and_unique(session: AsyncSession) -> None:
    favorites = FavoriteService(session=session)
    await favorites.set("d", "ann", "etl", True)
    await favorites.set("d", "ann", "etl", True)
    await favorites.set("d", "ann", "ml", True)
    await favorites.set("other", "ann", "x", True)
    assert await favorites.dag_ids("d", "ann") == {"etl", "ml"}
    await favorites.set("d", "ann", "ml", False)
    await favorites.set("d", "ann", "ml", False)
    assert await favorites.dag_ids("d", "ann") == {"etl"}
    with pytest.raises(DuplicateKeyError):
        await favorites.create(
            UserFavorite(deployment="d", user_id="ann", dag_id="etl"), auto_commit=True
        )


async def test_metadata_upsert_changes_only_given_fields(session: AsyncSession) -> None:
    metadata = PipelineMetadataService(session=session)
    await metadata.upsert_for("d", "etl", {"environment": "prod", "custom_tags": ["gold"]})
    row = await metadata.upsert_for("d", "etl", {"owner_team": "finance"})
    assert (row.environment, row.owner_team, row.custom_tags) == ("prod", "finance", ["gold"])
    assert set(await metadata.for_dags("d", ["etl", "nope"])) == {"etl"}
    assert await metadata.for_dags("other", ["etl"]) == {}


async def test_saved_configs_visibility(session: AsyncSession) -> None:
    configs = SavedRunConfigService(session=session)
    for name, owner, shared in [
        ("mine", "ann", False),
        ("team", "bob", True),
        ("bobs", "bob", False),
    ]:
        await configs.create(
            SavedRunConfig(
                deployment="d",
                dag_id="etl",
                name=name,
                conf={"n": 1},
                created_by=owner,
                shared=shared,
            ),
            auto_commit=True,
        )
    assert [c.name for c in await configs.visible("d", "etl", "ann")] == ["mine", "team"]
    assert [c.name for c in await configs.visible("d", "etl", "bob")] == ["bobs", "team"]


async def test_runs_found_by_conf_as_text(session: AsyncSession) -> None:
    runs = TriggeredRunService(session=session)
    rows = [
        ("r1", {"region": "eu", "days": 7}),
        ("r2", {"region": "us", "days": 7}),
        ("r3", {"region": "eu", "days": 30, "nested": {"a": 1}}),
    ]
    for run_id, conf in rows:
        await runs.create(
            TriggeredRun(deployment="d", dag_id="rep", run_id=run_id, user_id="ann", conf=conf),
            auto_commit=True,
        )

    async def ids(conf: dict[str, str], offset: int = 0, limit: int = 50) -> tuple[list[str], int]:
        return await runs.run_ids_by_conf("d", "rep", conf, offset=offset, limit=limit)

    assert sorted((await ids({"region": "eu"}))[0]) == ["r1", "r3"]
    assert sorted((await ids({"days": "7"}))[0]) == ["r1", "r2"]
    assert await ids({"region": "eu", "days": "30"}) == (["r3"], 1)
    assert await ids({"region": "apac"}) == ([], 0)
    assert await runs.run_ids_by_conf("d", "other", {"region": "eu"}, offset=0, limit=5) == ([], 0)
    # Paged in the DB: the count covers every match, the page holds only its ids.
    page, total = await ids({}, offset=1, limit=1)
    assert total == 3 and len(page) == 1
    await runs.remember(
        TriggeredRun(deployment="d", dag_id="rep", run_id="r1", user_id="bob", conf={})
    )
    assert (await ids({}))[1] == 3, "remembering a run twice is a no-op"


async def test_audit_search_filters_and_pages(session: AsyncSession) -> None:
    audit = AuditLogService(session=session)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(25):
        await audit.create(
            AuditLog(
                timestamp=t0 + timedelta(minutes=i),
                user_id="ann" if i % 2 else "bob",
                deployment="d",
                dag_id="etl" if i < 20 else "ml",
                action="trigger_run",
                details={"i": i},
                outcome="failure" if i % 5 == 0 else "success",
                status_code=200,
            ),
            auto_commit=True,
        )
    rows, total = await audit.search(offset=0, limit=10)
    assert total == 25 and len(rows) == 10
    assert rows[0].details == {"i": 24}, "newest first"
    _, total = await audit.search(offset=0, limit=50, user_id="ann", dag_id="etl")
    assert total == 10
    _, total = await audit.search(offset=0, limit=50, outcome="failure")
    assert total == 5
    rows, total = await audit.search(
        offset=0, limit=50, since=t0 + timedelta(minutes=10), until=t0 + timedelta(minutes=12)
    )
    assert [r.details["i"] for r in rows] == [11, 10]
    done = rows[0]
    assert not await audit.complete(done.id, outcome="failure", status_code=503, reason="late")
    assert (await audit.get(done.id)).outcome == "success", "a completed row stays as it was"
    pending = await audit.create(
        AuditLog(
            timestamp=t0,
            user_id="ann",
            deployment="d",
            dag_id="etl",
            action="trigger_run",
            details={"i": 99},
            outcome="pending",
        ),
        auto_commit=True,
    )
    assert [r.id for r in await audit.pending(before=t0 + timedelta(seconds=1), limit=10)] == [
        pending.id
    ]
    assert await audit.pending(before=t0, limit=10) == [], "younger rows may still be in flight"
    assert await audit.complete(
        pending.id, outcome="failure", status_code=503, reason="down", details={"x": 1}
    )
    assert not await audit.complete(pending.id, outcome="success", status_code=200, reason=None)
    again = await audit.get(pending.id)
    assert (again.outcome, again.status_code, again.reason, again.details) == (
        "failure",
        503,
        "down",
        {"i": 99, "x": 1},
    )


async def test_audit_search_within_a_scope(session: AsyncSession) -> None:
    audit = AuditLogService(session=session)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for deployment, dag_id in [("d", "etl"), ("d", "ml"), ("e", "etl"), ("d", None)]:
        await audit.create(
            AuditLog(
                timestamp=t0,
                user_id="ann",
                deployment=deployment,
                dag_id=dag_id,
                action="trigger_run",
                outcome="success",
            ),
            auto_commit=True,
        )
    _, everything = await audit.search(offset=0, limit=10)
    assert everything == 4
    rows, total = await audit.search(offset=0, limit=10, scope={"d": ["etl"], "e": []})
    assert total == 1 and (rows[0].deployment, rows[0].dag_id) == ("d", "etl")
    assert await audit.search(offset=0, limit=10, scope={}) == ([], 0)


async def test_idempotency_keys_claim_replay_and_mismatch(session: AsyncSession) -> None:
    keys = IdempotencyKeyService(session=session)
    day, lease = timedelta(days=1), timedelta(minutes=2)
    verdict, row = await keys.claim("ann", "k1", "f1", run_id="r1", retention=day, lease=lease)
    assert (verdict, row.run_id) == ("new", "r1")
    assert (await keys.claim("ann", "k1", "f1", run_id="r2", retention=day, lease=lease))[
        0
    ] == "busy"
    assert (await keys.claim("ann", "k1", "f2", run_id="r2", retention=day, lease=lease))[
        0
    ] == "mismatch"
    assert (await keys.claim("bob", "k1", "f2", run_id="r3", retention=day, lease=lease))[
        0
    ] == "new", "keys are per user"
    await keys.release(row.id)
    verdict, retried = await keys.claim("ann", "k1", "f1", run_id="r9", retention=day, lease=lease)
    assert (verdict, retried.run_id) == ("retry", "r1"), "a retry reuses the reserved run id"
    await keys.finish(row.id, 201, {"run_id": "r1"})
    verdict, done = await keys.claim("ann", "k1", "f1", run_id="r9", retention=day, lease=lease)
    assert (verdict, done.status_code, done.response) == ("replay", 201, {"run_id": "r1"})
    verdict, _ = await keys.claim("ann", "k1", "f1", run_id="r9", retention=-day, lease=lease)
    assert verdict == "new", "an expired key is forgotten"
    assert await keys.purge(datetime.now(UTC) + day) == 2
