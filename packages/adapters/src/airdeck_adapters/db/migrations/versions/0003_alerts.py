"""Alert rules, their deliveries (one row per event and channel, unique by dedup key) and the
alert worker's cursor per deployment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:45:00.000000
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types.datetime
import advanced_alchemy.types.guid
import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.Column[Any]:
    return sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False)


def _moment(name: str, *, nullable: bool) -> sa.Column[Any]:
    return sa.Column(
        name, advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=nullable
    )


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        _id(),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("definition", JsonB, nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=True),
        sa.Column("dag_id", sa.String(length=250), nullable=True),
        sa.Column("muted", sa.Boolean(), nullable=False),
        _moment("snoozed_until", nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        _moment("last_fired_at", nullable=True),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
    )
    with op.batch_alter_table("alert_rules", schema=None) as batch_op:
        batch_op.create_index("ix_alert_rules_dag", ["deployment", "dag_id"], unique=False)
    op.create_table(
        "alert_deliveries",
        _id(),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("rule_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("channel_index", sa.Integer(), nullable=False),
        sa.Column("channel_kind", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=True),
        sa.Column("run_id", sa.String(length=250), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("event", JsonB, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _moment("next_attempt_at", nullable=False),
        _moment("last_attempt_at", nullable=True),
        _moment("sent_at", nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_alert_deliveries_dedup_key")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_deliveries_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_alert_deliveries_rule", ["rule_id", "created_at"], unique=False)
    op.create_table(
        "alert_cursors",
        _id(),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        _moment("read_until", nullable=True),
        sa.Column("unhealthy_since", JsonB, nullable=False),
        *_audit_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_cursors")),
        sa.UniqueConstraint("deployment", name=op.f("uq_alert_cursors_deployment")),
    )


def downgrade() -> None:
    op.drop_table("alert_cursors")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_rule")
        batch_op.drop_index("ix_alert_deliveries_due")
    op.drop_table("alert_deliveries")
    with op.batch_alter_table("alert_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_rules_dag")
    op.drop_table("alert_rules")
