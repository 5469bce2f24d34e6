"""Bodies and results of the connector routes. Secret values are write-only: they go to
Airflow and answers name them only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from airdeck_api.schemas.strict import Strict
from airdeck_domain.connectors.spec import (
    Definition,
    Destination,
    FieldMap,
    Schedule,
    Source,
)
from airdeck_domain.models import Page

AirflowState = Literal["pending", "present", "unknown"]


class ConnectorBody(Strict):
    """``POST /connectors`` (and ``/connectors/preview``) and ``PUT /connectors/{id}``: what to
    call, which fields to keep, where to load them and when. ``secrets`` maps a name used as
    ``{{ secrets.NAME }}`` to its value (stored in Airflow, never in Airdeck); on a ``PUT`` a
    secret left out keeps its value and one set to null is removed. ``slug`` (default: from
    the name) names the DAG, ``connector_<slug>``, and cannot change; ``paused`` creates the
    connector paused."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    source: Source
    mapping: list[FieldMap]
    destination: Destination
    schedule: Schedule
    description: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    secrets: dict[str, str | None] = msgspec.field(default_factory=dict)
    slug: str | None = None
    paused: bool = False

    def definition(self) -> Definition:
        """The definition the body describes (secret values apart)."""
        return Definition(
            name=self.name,
            description=self.description,
            source=self.source,
            mapping=self.mapping,
            destination=self.destination,
            schedule=self.schedule,
            tags=self.tags,
        )


class PauseBody(Strict):
    """``PATCH /connectors/{id}/pause``: a paused connector's DAG runs on no schedule."""

    paused: bool


class AirflowView(msgspec.Struct, kw_only=True):
    """Where the connector's DAG stands in Airflow: ``pending`` until the DAG processor has
    built the connector's latest spec version (``version`` is the one Airflow has, None when it
    has no DAG yet), ``present`` once it has, ``unknown`` when Airflow could not be asked."""

    state: AirflowState
    version: int | None = None
    is_paused: bool | None = None
    next_run: datetime | None = None
    message: str


class ConnectorView(msgspec.Struct, kw_only=True):
    """A connector as answers show it; ``pending`` is true until its DAG (at this version)
    exists in Airflow."""

    id: str
    deployment: str
    slug: str
    dag_id: str
    name: str
    description: str | None
    source: Source
    mapping: list[FieldMap]
    destination: Destination
    table: str
    schedule: Schedule
    tags: list[str]
    secrets: list[str]
    version: int
    paused: bool
    pending: bool
    airflow: AirflowView
    created_by: str
    updated_by: str
    created_at: datetime
    updated_at: datetime


class ConnectorPage(Page[ConnectorView], kw_only=True, rename={"items": "connectors"}):
    """One page of the connectors the caller may see, oldest first."""

    items: list[ConnectorView]


class PreviewView(msgspec.Struct, kw_only=True):
    """A live test call: the first rows the mapping makes of the first pages (``ok``), or why
    the call or the mapping failed (``error``), as a run would fail."""

    ok: bool
    pages: int = 0
    columns: list[str] = msgspec.field(default_factory=list)
    rows: list[dict[str, Any]] = msgspec.field(default_factory=list)
    error: str | None = None
