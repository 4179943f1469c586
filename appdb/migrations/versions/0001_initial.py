"""the journal, dossiers and the look-up lock-out

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-04 (the schema of the hand-written registry's migrations 1-3)
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by the hand-written registry before Alembic may hold some of these tables
    # already (appdb.migrate adopts it): only the missing ones are created.
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if 'dossier_check_failures' not in existing:
        op.create_table('dossier_check_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('dossier_check_failures', schema=None) as batch_op:
            batch_op.create_index('ix_dossier_check_failures_subject_at', ['subject', 'failed_at'], unique=False)

    if 'dossier_lockouts' not in existing:
        op.create_table('dossier_lockouts',
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('subject')
        )
    if 'dossiers' not in existing:
        op.create_table('dossiers',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('procedure_name', sa.Text(), nullable=False),
        sa.Column('procedure_id', sa.String(length=64), nullable=True),
        sa.Column('applicant_name', sa.String(length=200), nullable=False),
        sa.Column('phone_masked', sa.String(length=20), nullable=True),
        sa.Column('id_number_masked', sa.String(length=20), nullable=True),
        sa.Column('check_salt', sa.String(length=32), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=True),
        sa.Column('id_number_hash', sa.String(length=64), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('handling_unit', sa.Text(), nullable=False),
        sa.Column('status_note', sa.Text(), nullable=True),
        sa.Column('missing_documents', sa.JSON(), nullable=False),
        sa.Column('supplement_place', sa.Text(), nullable=True),
        sa.Column('apology_letter', sa.Text(), nullable=True),
        sa.Column('new_due_on', sa.Date(), nullable=True),
        sa.Column('collection_method', sa.Text(), nullable=True),
        sa.Column('collection_place', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code')
        )
    if 'feedback' not in existing:
        op.create_table('feedback',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('record_id', sa.String(length=64), nullable=True),
        sa.Column('question', sa.Text(), nullable=True),
        sa.Column('rating', sa.String(length=8), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
    if 'handoff_requests' not in existing:
        op.create_table('handoff_requests',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('sender_hash', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
    if 'unanswered_questions' not in existing:
        op.create_table('unanswered_questions',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key')
        )
    if 'dossier_status_history' not in existing:
        op.create_table('dossier_status_history',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('dossier_code', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['dossier_code'], ['dossiers.code'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('dossier_status_history', schema=None) as batch_op:
            batch_op.create_index('ix_dossier_status_history_code_at', ['dossier_code', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('dossier_status_history', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_status_history_code_at')

    op.drop_table('dossier_status_history')
    op.drop_table('unanswered_questions')
    op.drop_table('handoff_requests')
    op.drop_table('feedback')
    op.drop_table('dossiers')
    op.drop_table('dossier_lockouts')
    with op.batch_alter_table('dossier_check_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_check_failures_subject_at')

    op.drop_table('dossier_check_failures')
