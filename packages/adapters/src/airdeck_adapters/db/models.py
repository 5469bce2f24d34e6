"""Tables of the product DB (README.md, "Product DB and audit"). Every DAG reference carries
its ``deployment`` so several Airflows can share one product DB."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

DEPLOYMENT = 64
DAG_ID = 250
RUN_ID = 250
USER_ID = 255


class PipelineMetadata(UUIDAuditBase):
    """What the product knows of a DAG beyond Airflow: environment, owning team, custom tags."""

    __tablename__ = "pipeline_metadata"
    __table_args__ = (UniqueConstraint("deployment", "dag_id"),)

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    dag_id: Mapped[str] = mapped_column(String(DAG_ID))
    environment: Mapped[str | None] = mapped_column(String(64), default=None)
    owner_team: Mapped[str | None] = mapped_column(String(128), default=None)
    custom_tags: Mapped[list[str]] = mapped_column(JsonB, default=list)
    description: Mapped[str | None] = mapped_column(Text, default=None)


class UserFavorite(UUIDAuditBase):
    """A DAG a user starred."""

    __tablename__ = "user_favorites"
    __table_args__ = (UniqueConstraint("deployment", "user_id", "dag_id"),)

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    user_id: Mapped[str] = mapped_column(String(USER_ID))
    dag_id: Mapped[str] = mapped_column(String(DAG_ID))


class SavedRunConfig(UUIDAuditBase):
    """A named conf for triggering a DAG; ``shared`` ones are visible to everyone."""

    __tablename__ = "saved_run_configs"
    __table_args__ = (UniqueConstraint("deployment", "dag_id", "created_by", "name"),)

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    dag_id: Mapped[str] = mapped_column(String(DAG_ID))
    name: Mapped[str] = mapped_column(String(128))
    conf: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    created_by: Mapped[str] = mapped_column(String(USER_ID))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditLog(UUIDAuditBase):
    """One row per action. Written as ``pending`` before Airflow is asked and completed after, so
    no action happens without its row (see ``airdeck_api.services.audit``)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_timestamp", "timestamp"),
        Index("ix_audit_log_user_id", "user_id"),
        Index("ix_audit_log_dag", "deployment", "dag_id"),
        Index("ix_audit_log_outcome", "outcome"),
    )

    timestamp: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    user_id: Mapped[str] = mapped_column(String(USER_ID))
    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    dag_id: Mapped[str | None] = mapped_column(String(DAG_ID), default=None)
    run_id: Mapped[str | None] = mapped_column(String(RUN_ID), default=None)
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64), default=None)
    outcome: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)


class TriggeredRun(UUIDAuditBase):
    """A run started through Airdeck, with the conf it was given (searchable, unlike Airflow)."""

    __tablename__ = "triggered_runs"
    __table_args__ = (
        UniqueConstraint("deployment", "dag_id", "run_id"),
        Index("ix_triggered_runs_dag", "deployment", "dag_id"),
    )

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    dag_id: Mapped[str] = mapped_column(String(DAG_ID))
    run_id: Mapped[str] = mapped_column(String(RUN_ID))
    user_id: Mapped[str] = mapped_column(String(USER_ID))
    conf: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class IdempotencyKey(UUIDAuditBase):
    """A client's ``Idempotency-Key`` for one write, so a retry replays the first answer.

    ``state`` is ``pending`` while a request holds the key, ``done`` once its answer is stored
    (``status_code`` and ``response``), ``failed`` when it ended in an error (a retry runs
    again). ``attempt`` grows each time a request takes the key over, so two requests cannot both
    take it. ``run_id`` is the run id reserved for a trigger: every attempt asks Airflow for that
    same id, so a retry can never start a second run.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    user_id: Mapped[str] = mapped_column(String(USER_ID))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    run_id: Mapped[str | None] = mapped_column(String(RUN_ID), default=None)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    response: Mapped[Any] = mapped_column(JsonB, default=None, nullable=True)


class AlertRuleRow(UUIDAuditBase):
    """An alert rule (``airdeck_domain.alerts.rules``): its ``definition`` is the rule's
    selector, conditions and channels as JSON; the selector's deployment and DAG are copied
    into columns to filter by."""

    __tablename__ = "alert_rules"
    __table_args__ = (Index("ix_alert_rules_dag", "deployment", "dag_id"),)

    name: Mapped[str] = mapped_column(String(128))
    definition: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    deployment: Mapped[str | None] = mapped_column(String(DEPLOYMENT), default=None)
    dag_id: Mapped[str | None] = mapped_column(String(DAG_ID), default=None)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    created_by: Mapped[str] = mapped_column(String(USER_ID))
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class AlertDelivery(UUIDAuditBase):
    """One message of one event to one channel of a rule. The row is written ``pending``
    before anything is sent, under its unique ``dedup_key``, so an event is delivered at most
    once per channel however often it is seen; ``sending`` while an attempt is out (a worker
    that died then sends it once more, with the same key), then ``sent``, ``failed`` (attempts
    spent) or ``dropped`` (its rule was deleted). ``response`` keeps what the channel answered."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
        Index("ix_alert_deliveries_rule", "rule_id", "created_at"),
    )

    dedup_key: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[UUID] = mapped_column(GUID(length=16))
    channel_index: Mapped[int] = mapped_column(Integer)
    channel_kind: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    dag_id: Mapped[str | None] = mapped_column(String(DAG_ID), default=None)
    run_id: Mapped[str | None] = mapped_column(String(RUN_ID), default=None)
    summary: Mapped[str] = mapped_column(Text)
    event: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    response: Mapped[str | None] = mapped_column(Text, default=None)


class AlertCursor(UUIDAuditBase):
    """Where the alert worker's reading of one deployment stands: the moment up to which it
    has seen changed runs, and since when each unhealthy component has been so."""

    __tablename__ = "alert_cursors"
    __table_args__ = (UniqueConstraint("deployment"),)

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    read_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    unhealthy_since: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)


class ConnectorRow(UUIDAuditBase):
    """A no-code API connector (``airdeck_domain.connectors.spec``): its ``definition`` as
    JSON, the ``version`` its spec carries (one more on every change of the definition), the
    names of its secrets (their values live in Airflow, never here) and the pause it asked
    for. Its DAG is ``connector_<slug>`` in ``deployment``."""

    __tablename__ = "connectors"
    __table_args__ = (UniqueConstraint("deployment", "slug"),)

    deployment: Mapped[str] = mapped_column(String(DEPLOYMENT))
    slug: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(128))
    definition: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    secret_names: Mapped[list[str]] = mapped_column(JsonB, default=list)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_upon_creation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(USER_ID))
    updated_by: Mapped[str] = mapped_column(String(USER_ID))
