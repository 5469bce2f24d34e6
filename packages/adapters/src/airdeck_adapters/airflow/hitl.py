"""Airflow 3's human-in-the-loop details (``…/hitlDetails``) as they come over the wire, and
their translation into required actions. Only the fields Airdeck reads are declared."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from airdeck_domain.required_actions import RequiredAction, Respondent, with_schema

PENDING_FILTERS: tuple[tuple[str, str], ...] = (
    ("response_received", "false"),
    ("state", "awaiting_input"),
    ("state", "deferred"),
)
"""The list filters for requests still waiting: no response, and the task parked for one."""


class WireHitlUser(msgspec.Struct):
    id: str
    name: str


class WireHitlTaskInstance(msgspec.Struct):
    dag_id: str
    dag_run_id: str
    task_id: str
    map_index: int = -1
    state: str | None = None
    dag_display_name: str | None = None
    task_display_name: str | None = None
    run_after: datetime | None = None


class WireHitlDetail(msgspec.Struct):
    task_instance: WireHitlTaskInstance
    options: list[str]
    subject: str
    body: str | None = None
    defaults: list[str] | None = None
    multiple: bool | None = False
    params: dict[str, Any] = {}
    assigned_users: list[WireHitlUser] = []
    created_at: datetime | None = None
    responded_by_user: WireHitlUser | None = None
    responded_at: datetime | None = None
    chosen_options: list[str] | None = None
    params_input: dict[str, Any] = {}
    response_received: bool = False


class WireHitlDetailCollection(msgspec.Struct):
    hitl_details: list[WireHitlDetail]
    total_entries: int


def _person(user: WireHitlUser | None) -> Respondent | None:
    return Respondent(id=user.id, name=user.name) if user is not None else None


def required_action(wire: WireHitlDetail, deployment: str) -> RequiredAction:
    """The domain's view of one request, its form schema folded and ``waiting`` decided."""
    ti = wire.task_instance
    return with_schema(
        RequiredAction(
            dag_id=ti.dag_id,
            run_id=ti.dag_run_id,
            task_id=ti.task_id,
            map_index=ti.map_index,
            deployment=deployment,
            dag_display_name=ti.dag_display_name,
            task_display_name=ti.task_display_name,
            task_state=ti.state,
            run_after=ti.run_after,
            subject=wire.subject,
            body=wire.body,
            options=list(wire.options),
            multiple=bool(wire.multiple),
            defaults=wire.defaults,
            params=dict(wire.params or {}),
            assigned_users=[Respondent(id=u.id, name=u.name) for u in wire.assigned_users],
            created_at=wire.created_at,
            response_received=wire.response_received,
            responded_by=_person(wire.responded_by_user),
            responded_at=wire.responded_at,
            chosen_options=wire.chosen_options,
            params_input=dict(wire.params_input or {}),
        )
    )
