"""hash bank entries

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bank_entries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("bank", sa.String(100), nullable=False),
        sa.Column("signal_type", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(128), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("bank", "signal_type", "hash", name="uq_bank_entries_hash"),
    )
    op.create_index("ix_bank_entries_bank", "bank_entries", ["bank", "removed_at"])


def downgrade() -> None:
    op.drop_index("ix_bank_entries_bank", "bank_entries")
    op.drop_table("bank_entries")
