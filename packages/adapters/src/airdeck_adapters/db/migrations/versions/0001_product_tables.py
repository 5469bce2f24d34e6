"""Product tables: pipeline metadata, favorites, saved configs, audit log, triggered runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 23:55:28.894700
"""

from __future__ import annotations

import advanced_alchemy.types.datetime
import advanced_alchemy.types.guid
import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "timestamp", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=True),
        sa.Column("run_id", sa.String(length=250), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("details", JsonB, nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_dag", ["deployment", "dag_id"], unique=False)
        batch_op.create_index("ix_audit_log_timestamp", ["timestamp"], unique=False)
        batch_op.create_index("ix_audit_log_user_id", ["user_id"], unique=False)

    op.create_table(
        "pipeline_metadata",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=True),
        sa.Column("owner_team", sa.String(length=128), nullable=True),
        sa.Column("custom_tags", JsonB, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_metadata")),
        sa.UniqueConstraint("deployment", "dag_id", name=op.f("uq_pipeline_metadata_deployment")),
    )
    op.create_table(
        "saved_run_configs",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("conf", JsonB, nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_run_configs")),
        sa.UniqueConstraint(
            "deployment",
            "dag_id",
            "created_by",
            "name",
            name=op.f("uq_saved_run_configs_deployment"),
        ),
    )
    op.create_table(
        "triggered_runs",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=False),
        sa.Column("run_id", sa.String(length=250), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("conf", JsonB, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triggered_runs")),
        sa.UniqueConstraint(
            "deployment", "dag_id", "run_id", name=op.f("uq_triggered_runs_deployment")
        ),
    )
    with op.batch_alter_table("triggered_runs", schema=None) as batch_op:
        batch_op.create_index("ix_triggered_runs_dag", ["deployment", "dag_id"], unique=False)

    op.create_table(
        "user_favorites",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("dag_id", sa.String(length=250), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_favorites")),
        sa.UniqueConstraint(
            "deployment", "user_id", "dag_id", name=op.f("uq_user_favorites_deployment")
        ),
    )


def downgrade() -> None:
    op.drop_table("user_favorites")
    with op.batch_alter_table("triggered_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_triggered_runs_dag")

    op.drop_table("triggered_runs")
    op.drop_table("saved_run_configs")
    op.drop_table("pipeline_metadata")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_user_id")
        batch_op.drop_index("ix_audit_log_timestamp")
        batch_op.drop_index("ix_audit_log_dag")

    op.drop_table("audit_log")
