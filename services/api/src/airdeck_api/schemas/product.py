"""Bodies and results of the product's own data: favorites, metadata and saved configs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from airdeck_api.schemas.strict import Strict


class FavoriteResult(msgspec.Struct):
    is_favorite: bool


Label = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[\w .:/-]+$")]


class MetadataBody(Strict):
    """``PATCH /dags/{dag_id}/metadata``: only the fields given change; null clears one."""

    environment: Label | msgspec.UnsetType | None = msgspec.UNSET
    owner_team: Label | msgspec.UnsetType | None = msgspec.UNSET
    custom_tags: Annotated[list[Label], msgspec.Meta(max_length=50)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    description: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )


class MetadataResult(msgspec.Struct):
    updated: bool
    dag_id: str
    environment: str | None
    owner_team: str | None
    custom_tags: list[str]
    description: str | None


ConfigName = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class ConfigBody(Strict):
    """``POST /dags/{dag_id}/configs``."""

    name: ConfigName
    conf: dict[str, Any]
    shared: bool = False


class ConfigPatch(Strict):
    """``PATCH /dags/{dag_id}/configs/{config_id}``."""

    name: ConfigName | msgspec.UnsetType = msgspec.UNSET
    conf: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    shared: bool | msgspec.UnsetType = msgspec.UNSET


class SavedConfig(msgspec.Struct):
    id: UUID
    dag_id: str
    name: str
    conf: dict[str, Any]
    created_by: str
    shared: bool
    created_at: datetime
    updated_at: datetime


class ConfigList(msgspec.Struct):
    configs: list[SavedConfig]
