"""No-code API connectors: one row per connector, its definition and spec version.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00.000000
"""

from __future__ import annotations

import advanced_alchemy.types.datetime
import advanced_alchemy.types.guid
import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connectors",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("deployment", sa.String(length=64), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("definition", JsonB, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("secret_names", JsonB, nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("paused_upon_creation", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connectors")),
        sa.UniqueConstraint("deployment", "slug", name=op.f("uq_connectors_deployment")),
    )


def downgrade() -> None:
    op.drop_table("connectors")
