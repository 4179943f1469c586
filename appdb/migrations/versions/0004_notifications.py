"""notifications of dossier changes: subscriptions, offers, the outbox, deliveries, watched dossiers;
the retention runs count the notification rows they delete

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(24), nullable=False),
        sa.Column("dossier_code", sa.String(40), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("cancelled_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("dossier_code", "conversation_id", name="uq_subscription_dossier_conversation"),
    )
    op.create_index("ix_notification_subscriptions_dossier_code", "notification_subscriptions", ["dossier_code"])
    op.create_index("ix_notification_subscriptions_conversation", "notification_subscriptions", ["conversation_id"])
    op.create_table(
        "notification_offers",
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("dossier_code", sa.String(40), nullable=False),
        sa.Column("offered_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("fanned_out_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_outbox_dossier_code", "notification_outbox", ["dossier_code"])
    op.create_index("ix_notification_outbox_pending", "notification_outbox", ["fanned_out_at", "id"])
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("leased_until", WHEN, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["notification_outbox.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscription_id"], ["notification_subscriptions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_notification_deliveries_due", "notification_deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_notification_deliveries_conversation_sent", "notification_deliveries",
                    ["conversation_id", "sent_at"])
    op.create_table(
        "notification_watched",
        sa.Column("dossier_code", sa.String(40), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("checked_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("dossier_code"),
    )
    with op.batch_alter_table("retention_runs") as batch:
        batch.add_column(sa.Column("notifications", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("retention_runs") as batch:
        batch.drop_column("notifications")
    for table in ("notification_watched", "notification_deliveries", "notification_outbox", "notification_offers",
                  "notification_subscriptions"):
        op.drop_table(table)
