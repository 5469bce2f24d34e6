"""advanced-alchemy services over the product tables (each with its repository nested)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from advanced_alchemy.exceptions import DuplicateKeyError
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import String, and_, cast, delete, false, or_, update
from sqlalchemy.orm import load_only

from airdeck_adapters.db.models import (
    AuditLog,
    IdempotencyKey,
    PipelineMetadata,
    SavedRunConfig,
    TriggeredRun,
    UserFavorite,
)


class PipelineMetadataService(SQLAlchemyAsyncRepositoryService[PipelineMetadata]):
    """Product metadata of DAGs."""

    class Repo(SQLAlchemyAsyncRepository[PipelineMetadata]):
        model_type = PipelineMetadata

    repository_type = Repo

    async def for_dags(
        self, deployment: str, dag_ids: Iterable[str]
    ) -> dict[str, PipelineMetadata]:
        """The metadata rows of these DAGs, by DAG id (DAGs without one are absent)."""
        ids = list(dag_ids)
        if not ids:
            return {}
        rows = await self.get_many(
            PipelineMetadata.deployment == deployment, PipelineMetadata.dag_id.in_(ids)
        )
        return {row.dag_id: row for row in rows}

    async def upsert_for(
        self, deployment: str, dag_id: str, changes: dict[str, Any]
    ) -> PipelineMetadata:
        """Create or update the DAG's metadata with ``changes`` (only the keys given)."""
        existing = await self.get_one_or_none(
            PipelineMetadata.deployment == deployment, PipelineMetadata.dag_id == dag_id
        )
        if existing is None:
            return await self.create(
                PipelineMetadata(
                    deployment=deployment, dag_id=dag_id, **{"custom_tags": [], **changes}
                ),
                auto_commit=True,
            )
        for key, value in changes.items():
            setattr(existing, key, value)
        return await self.update(existing, auto_commit=True)


class FavoriteService(SQLAlchemyAsyncRepositoryService[UserFavorite]):
    """Users' starred DAGs."""

    class Repo(SQLAlchemyAsyncRepository[UserFavorite]):
        model_type = UserFavorite

    repository_type = Repo

    async def dag_ids(self, deployment: str, user_id: str) -> set[str]:
        """The DAGs this user starred."""
        rows = await self.get_many(
            UserFavorite.deployment == deployment, UserFavorite.user_id == user_id
        )
        return {row.dag_id for row in rows}

    async def set(self, deployment: str, user_id: str, dag_id: str, favorite: bool) -> None:
        """Star or unstar a DAG (idempotent)."""
        existing = await self.get_one_or_none(
            UserFavorite.deployment == deployment,
            UserFavorite.user_id == user_id,
            UserFavorite.dag_id == dag_id,
        )
        if favorite and existing is None:
            await self.create(
                UserFavorite(deployment=deployment, user_id=user_id, dag_id=dag_id),
                auto_commit=True,
            )
        elif not favorite and existing is not None:
            await self.delete(existing.id, auto_commit=True)


class SavedRunConfigService(SQLAlchemyAsyncRepositoryService[SavedRunConfig]):
    """Named confs for triggering DAGs."""

    class Repo(SQLAlchemyAsyncRepository[SavedRunConfig]):
        model_type = SavedRunConfig

    repository_type = Repo

    async def visible(self, deployment: str, dag_id: str, user_id: str) -> Sequence[SavedRunConfig]:
        """The user's own configs and everyone's shared ones, by name."""
        rows = await self.get_many(
            SavedRunConfig.deployment == deployment,
            SavedRunConfig.dag_id == dag_id,
            or_(SavedRunConfig.created_by == user_id, SavedRunConfig.shared.is_(True)),
        )
        return sorted(rows, key=lambda r: (r.name, r.created_by))


class TriggeredRunService(SQLAlchemyAsyncRepositoryService[TriggeredRun]):
    """Runs started through Airdeck, searchable by conf."""

    class Repo(SQLAlchemyAsyncRepository[TriggeredRun]):
        model_type = TriggeredRun

    repository_type = Repo

    async def run_ids_by_conf(
        self, deployment: str, dag_id: str, conf: dict[str, str], *, offset: int, limit: int
    ) -> tuple[list[str], int]:
        """One page of run ids (newest first) whose conf has every ``key`` equal to ``value``
        (compared as text, so ``days=7`` matches the number 7), and how many match in all.
        Only the ids are loaded, never the confs."""
        filters: list[Any] = [TriggeredRun.deployment == deployment, TriggeredRun.dag_id == dag_id]
        filters += [
            cast(TriggeredRun.conf[key].as_string(), String) == value for key, value in conf.items()
        ]
        rows, total = await self.get_many_and_count(
            *filters,
            LimitOffset(limit=limit, offset=offset),
            order_by=[(TriggeredRun.created_at, True), (TriggeredRun.run_id, False)],
            load=[load_only(TriggeredRun.run_id, TriggeredRun.created_at)],
        )
        return [row.run_id for row in rows], total

    async def remember(self, row: TriggeredRun) -> None:
        """Record a triggered run once (a second record of the same run is a no-op, so the
        request and the reconciler may both write it)."""
        exists = await self.exists(
            TriggeredRun.deployment == row.deployment,
            TriggeredRun.dag_id == row.dag_id,
            TriggeredRun.run_id == row.run_id,
        )
        if exists:
            return
        try:
            await self.create(row, auto_commit=True)
        except DuplicateKeyError:
            await self.repository.session.rollback()


class AuditLogService(SQLAlchemyAsyncRepositoryService[AuditLog]):
    """The audit trail."""

    class Repo(SQLAlchemyAsyncRepository[AuditLog]):
        model_type = AuditLog

    repository_type = Repo

    async def search(
        self,
        *,
        offset: int,
        limit: int,
        user_id: str | None = None,
        action: str | None = None,
        dag_id: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        scope: Mapping[str, Collection[str]] | None = None,
    ) -> tuple[list[AuditLog], int]:
        """A page of rows, newest first, and how many match. ``scope`` (deployment -> DAG ids)
        limits the rows to those DAGs; None means every row."""
        filters: list[Any] = []
        if user_id:
            filters.append(AuditLog.user_id == user_id)
        if action:
            filters.append(AuditLog.action == action)
        if dag_id:
            filters.append(AuditLog.dag_id == dag_id)
        if outcome:
            filters.append(AuditLog.outcome == outcome)
        if since:
            filters.append(AuditLog.timestamp >= since)
        if until:
            filters.append(AuditLog.timestamp < until)
        if scope is not None:
            filters.append(
                or_(
                    false(),
                    *(
                        and_(AuditLog.deployment == deployment, AuditLog.dag_id.in_(list(dag_ids)))
                        for deployment, dag_ids in scope.items()
                        if dag_ids
                    ),
                )
            )
        rows, total = await self.get_many_and_count(
            *filters,
            LimitOffset(limit=limit, offset=offset),
            order_by=[(AuditLog.timestamp, True), (AuditLog.id, False)],
        )
        return list(rows), total

    async def pending(self, *, before: datetime, limit: int) -> list[AuditLog]:
        """The oldest rows still ``pending`` that were written before ``before``."""
        rows = await self.get_many(
            AuditLog.outcome == "pending",
            AuditLog.timestamp < before,
            LimitOffset(limit=limit, offset=0),
            order_by=[(AuditLog.timestamp, False)],
        )
        return list(rows)

    async def complete(
        self,
        row_id: UUID,
        *,
        outcome: str,
        status_code: int | None,
        reason: str | None,
        details: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> bool:
        """Record how a pending action ended (``details`` merged into the row's). Only a row
        still ``pending`` changes: False when it was already completed, so the request and
        several reconcilers can race without overwriting one another."""
        row = await self.get_one_or_none(id=row_id)
        if row is None or row.outcome != "pending":
            return False
        values: dict[str, Any] = {
            "outcome": outcome,
            "status_code": status_code,
            "reason": reason,
            "details": {**row.details, **(details or {})},
            "updated_at": datetime.now(UTC),
        }
        if run_id:
            values["run_id"] = run_id
        result = await self.repository.session.execute(
            update(AuditLog)
            .where(AuditLog.id == row_id, AuditLog.outcome == "pending")
            .values(**values)
        )
        await self.repository.session.commit()
        return bool(getattr(result, "rowcount", 0))


Verdict = Literal["new", "retry", "replay", "busy", "mismatch"]
"""What a claimed key means for the request holding it: run it (``new``, or ``retry`` after a
failed or abandoned attempt), answer the stored response (``replay``), or refuse it because
another request holds it (``busy``) or it was used for another request (``mismatch``)."""


class IdempotencyKeyService(SQLAlchemyAsyncRepositoryService[IdempotencyKey]):
    """Clients' ``Idempotency-Key``s and the answers they were given."""

    class Repo(SQLAlchemyAsyncRepository[IdempotencyKey]):
        model_type = IdempotencyKey

    repository_type = Repo

    async def _current(self, user_id: str, key: str) -> IdempotencyKey | None:
        return await self.get_one_or_none(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
        )

    async def claim(
        self,
        user_id: str,
        key: str,
        fingerprint: str,
        *,
        run_id: str,
        retention: timedelta,
        lease: timedelta,
    ) -> tuple[Verdict, IdempotencyKey]:
        """Take ``key`` for a request (``fingerprint`` identifies its method, path and body).

        A key older than ``retention`` is forgotten and taken anew. A ``pending`` key whose
        holder has not finished within ``lease`` counts as abandoned and may be taken over."""
        now = datetime.now(UTC)
        existing = await self._current(user_id, key)
        if existing is not None and existing.created_at < now - retention:
            await self.delete(existing.id, auto_commit=True)
            existing = None
        if existing is None:
            row = IdempotencyKey(
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                state="pending",
                attempt=1,
                run_id=run_id,
            )
            try:
                return "new", await self.create(row, auto_commit=True)
            except DuplicateKeyError:
                # Another request took the same key at the same moment: judge against theirs.
                await self.repository.session.rollback()
                existing = await self._current(user_id, key)
                if existing is None:
                    raise
        if existing.fingerprint != fingerprint:
            return "mismatch", existing
        if existing.state == "done":
            return "replay", existing
        if existing.state == "pending" and existing.updated_at > now - lease:
            return "busy", existing
        taken = await self.repository.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == existing.id, IdempotencyKey.attempt == existing.attempt)
            .values(state="pending", attempt=existing.attempt + 1, updated_at=now)
        )
        await self.repository.session.commit()
        if not getattr(taken, "rowcount", 0):
            return "busy", existing
        return "retry", existing

    async def finish(self, row_id: UUID, status_code: int, response: Any) -> None:
        """Store the answer a key's request was given; later requests with the key replay it."""
        await self._set(row_id, state="done", status_code=status_code, response=response)

    async def release(self, row_id: UUID) -> None:
        """Mark a key's attempt failed, so a retry runs the request again."""
        await self._set(row_id, state="failed")

    async def _set(self, row_id: UUID, **values: Any) -> None:
        await self.repository.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == row_id)
            .values(updated_at=datetime.now(UTC), **values)
        )
        await self.repository.session.commit()

    async def purge(self, older_than: datetime) -> int:
        """Forget keys created before ``older_than``; returns how many."""
        result = await self.repository.session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < older_than)
        )
        await self.repository.session.commit()
        return int(getattr(result, "rowcount", 0) or 0)
