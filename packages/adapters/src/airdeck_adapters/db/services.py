"""advanced-alchemy services over the product tables (each with its repository nested)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import String, cast, func, or_, select

from airdeck_adapters.db.models import (
    AuditLog,
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
        rows = await self.list(
            PipelineMetadata.deployment == deployment, PipelineMetadata.dag_id.in_(ids)
        )
        return {row.dag_id: row for row in rows}

    async def all_for(self, deployment: str) -> dict[str, PipelineMetadata]:
        """Every metadata row of a deployment, by DAG id."""
        rows = await self.list(PipelineMetadata.deployment == deployment)
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
        rows = await self.list(
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
        rows = await self.list(
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
        self, deployment: str, dag_id: str, conf: dict[str, str]
    ) -> list[str]:
        """Run ids (newest first) whose conf has every ``key`` equal to ``value`` (compared as
        text, so ``days=7`` matches the number 7)."""
        query = select(TriggeredRun.run_id).where(
            TriggeredRun.deployment == deployment, TriggeredRun.dag_id == dag_id
        )
        for key, value in conf.items():
            query = query.where(cast(TriggeredRun.conf[key].as_string(), String) == value)
        query = query.order_by(TriggeredRun.created_at.desc())
        return list((await self.repository.session.execute(query)).scalars())


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
    ) -> tuple[list[AuditLog], int]:
        """A page of rows, newest first, and how many match."""
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
        session = self.repository.session
        total = await session.scalar(select(func.count()).select_from(AuditLog).where(*filters))
        rows = await session.scalars(
            select(AuditLog)
            .where(*filters)
            .order_by(AuditLog.timestamp.desc(), AuditLog.id)
            .offset(offset)
            .limit(limit)
        )
        return list(rows), int(total or 0)

    async def complete(
        self,
        row_id: UUID,
        *,
        outcome: str,
        status_code: int | None,
        reason: str | None,
        details: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> None:
        """Record how a pending action ended."""
        row = await self.get(row_id)
        row.outcome = outcome
        row.status_code = status_code
        row.reason = reason
        if details:
            row.details = {**row.details, **details}
        if run_id:
            row.run_id = run_id
        await self.update(row, auto_commit=True)
