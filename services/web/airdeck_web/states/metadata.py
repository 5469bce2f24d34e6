"""The DAG page's metadata editor: what admins set of a DAG in Airdeck (environment, owning
team, custom tags and the product's description)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.models import MetadataChange
from airdeck_web.states.dag import DagState
from airdeck_web.states.event import event


class MetadataState(DagState):
    """The metadata form of the Details tab of /workflows/[dag_id]."""

    metadata_message: rx.Field[str] = rx.field("")

    @rx.var
    def custom_tags_text(self) -> str:
        return ", ".join(self.dag.get("custom_tags", []))

    @event
    async def save_metadata(self, form: dict[str, Any]) -> None:
        """Admins: set environment, owner team, custom tags (comma-separated) and the
        product's description of the DAG."""
        change = MetadataChange(
            environment=str(form.get("environment", "")).strip() or None,
            owner_team=str(form.get("owner_team", "")).strip() or None,
            custom_tags=[
                t.strip() for t in str(form.get("custom_tags", "")).split(",") if t.strip()
            ],
            description=str(form.get("description", "")).strip() or None,
        )
        try:
            async with self.api() as api:
                await api.set_metadata(self.dag_id, change)
                self.dag = await api.dag(self.dag_id)
            self.metadata_message = "Saved."
        except ApiError as exc:
            self.metadata_message = exc.detail
