"""The product's own data on DAGs: favorites, metadata and saved run configs. Every write
accepts an ``Idempotency-Key`` header (see ``airdeck_api.services.idempotency``)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.product import (
    ConfigBody,
    ConfigList,
    ConfigPatch,
    FavoriteResult,
    MetadataBody,
    MetadataResult,
    SavedConfig,
)
from airdeck_api.services.configs import ConfigService
from airdeck_api.services.idempotency import Idempotency
from airdeck_api.services.metadata import MetadataService


class FavoriteController(Controller):
    """The caller's starred DAGs."""

    path = "/dags/{dag_id:str}/favorite"
    tags = ["Favorites"]

    @post(
        "/",
        operation_id="addFavorite",
        opt={"permission": "dags:read", "audit": "favorite"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def add(
        self,
        dag_id: FromPath[str],
        metadata: Injected[MetadataService],
        idempotency: Injected[Idempotency],
    ) -> FavoriteResult:
        """Star a DAG."""

        async def add(_: str | None) -> FavoriteResult:
            return FavoriteResult(is_favorite=await metadata.set_favorite(dag_id, True))

        return await idempotency.once(None, FavoriteResult, 200, add)

    @delete(
        "/",
        operation_id="removeFavorite",
        opt={"permission": "dags:read", "audit": "unfavorite"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def remove(
        self,
        dag_id: FromPath[str],
        metadata: Injected[MetadataService],
        idempotency: Injected[Idempotency],
    ) -> FavoriteResult:
        """Unstar a DAG."""

        async def remove(_: str | None) -> FavoriteResult:
            return FavoriteResult(is_favorite=await metadata.set_favorite(dag_id, False))

        return await idempotency.once(None, FavoriteResult, 200, remove)


class MetadataController(Controller):
    """Product metadata of a DAG."""

    path = "/dags/{dag_id:str}/metadata"
    tags = ["Metadata"]

    @patch(
        "/",
        operation_id="updateMetadata",
        opt={"permission": "metadata:write", "audit": "update_metadata"},
        responses=PROBLEM_RESPONSES,
    )
    async def update(
        self,
        dag_id: FromPath[str],
        data: JSONBody[MetadataBody],
        metadata: Injected[MetadataService],
        idempotency: Injected[Idempotency],
    ) -> MetadataResult:
        """Set environment, owner team, custom tags or description (only the fields given)."""

        async def update(_: str | None) -> MetadataResult:
            return await metadata.update(dag_id, data)

        return await idempotency.once(data, MetadataResult, 200, update)


class ConfigController(Controller):
    """Saved run configs of a DAG."""

    path = "/dags/{dag_id:str}/configs"
    tags = ["Saved configs"]

    @get(
        "/",
        operation_id="listConfigs",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def list_configs(
        self, dag_id: FromPath[str], configs: Injected[ConfigService]
    ) -> ConfigList:
        """Your configs and everyone's shared ones."""
        return ConfigList(configs=await configs.visible(dag_id))

    @post(
        "/",
        operation_id="createConfig",
        opt={"permission": "configs:write", "audit": "save_config"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def create(
        self,
        dag_id: FromPath[str],
        data: JSONBody[ConfigBody],
        configs: Injected[ConfigService],
        idempotency: Injected[Idempotency],
    ) -> SavedConfig:
        """Save a conf under a name."""

        async def create(_: str | None) -> SavedConfig:
            return await configs.create(dag_id, data)

        return await idempotency.once(data, SavedConfig, 201, create)

    @patch(
        "/{config_id:uuid}",
        operation_id="updateConfig",
        opt={"permission": "configs:write", "audit": "save_config"},
        responses=PROBLEM_RESPONSES,
    )
    async def update(
        self,
        dag_id: FromPath[str],
        config_id: FromPath[UUID],
        data: JSONBody[ConfigPatch],
        configs: Injected[ConfigService],
        idempotency: Injected[Idempotency],
    ) -> SavedConfig:
        """Rename, change or (un)share one of your configs."""

        async def update(_: str | None) -> SavedConfig:
            return await configs.update(dag_id, config_id, data)

        return await idempotency.once(data, SavedConfig, 200, update)

    @delete(
        "/{config_id:uuid}",
        operation_id="deleteConfig",
        opt={"permission": "configs:write", "audit": "delete_config"},
        responses=PROBLEM_RESPONSES,
        status_code=204,
    )
    async def remove(
        self,
        dag_id: FromPath[str],
        config_id: FromPath[UUID],
        configs: Injected[ConfigService],
        idempotency: Injected[Idempotency],
    ) -> None:
        """Delete one of your configs."""

        async def remove(_: str | None) -> None:
            await configs.delete(dag_id, config_id)

        await idempotency.once(None, type(None), 204, remove)
