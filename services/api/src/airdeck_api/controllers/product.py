"""The product's own data on DAGs: favorites, metadata and saved run configs."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath

from airdeck_api.controllers.schemas import (
    ConfigBody,
    ConfigList,
    ConfigPatch,
    FavoriteResult,
    MetadataBody,
    MetadataResult,
    SavedConfig,
)
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services.configs import ConfigService
from airdeck_api.services.metadata import MetadataService


class FavoriteController(Controller):
    """The caller's starred DAGs."""

    path = "/dags/{dag_id:str}/favorite"
    tags = ["Favorites"]

    @post(
        "/",
        operation_id="addFavorite",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def add(
        self, dag_id: FromPath[str], metadata: Injected[MetadataService]
    ) -> FavoriteResult:
        """Star a DAG."""
        return FavoriteResult(is_favorite=await metadata.set_favorite(dag_id, True))

    @delete(
        "/",
        operation_id="removeFavorite",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def remove(
        self, dag_id: FromPath[str], metadata: Injected[MetadataService]
    ) -> FavoriteResult:
        """Unstar a DAG."""
        return FavoriteResult(is_favorite=await metadata.set_favorite(dag_id, False))


class MetadataController(Controller):
    """Product metadata of a DAG."""

    path = "/dags/{dag_id:str}/metadata"
    tags = ["Metadata"]

    @patch(
        "/",
        operation_id="updateMetadata",
        opt={"permission": "metadata:write"},
        responses=PROBLEM_RESPONSES,
    )
    async def update(
        self, dag_id: FromPath[str], data: MetadataBody, metadata: Injected[MetadataService]
    ) -> MetadataResult:
        """Set environment, owner team, custom tags or description (only the fields given)."""
        return await metadata.update(dag_id, data)


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
        opt={"permission": "configs:write"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def create(
        self, dag_id: FromPath[str], data: ConfigBody, configs: Injected[ConfigService]
    ) -> SavedConfig:
        """Save a conf under a name."""
        return await configs.create(dag_id, data)

    @patch(
        "/{config_id:uuid}",
        operation_id="updateConfig",
        opt={"permission": "configs:write"},
        responses=PROBLEM_RESPONSES,
    )
    async def update(
        self,
        dag_id: FromPath[str],
        config_id: FromPath[UUID],
        data: ConfigPatch,
        configs: Injected[ConfigService],
    ) -> SavedConfig:
        """Rename, change or (un)share one of your configs."""
        return await configs.update(dag_id, config_id, data)

    @delete(
        "/{config_id:uuid}",
        operation_id="deleteConfig",
        opt={"permission": "configs:write"},
        responses=PROBLEM_RESPONSES,
        status_code=204,
    )
    async def remove(
        self, dag_id: FromPath[str], config_id: FromPath[UUID], configs: Injected[ConfigService]
    ) -> None:
        """Delete one of your configs."""
        await configs.delete(dag_id, config_id)
