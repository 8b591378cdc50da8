"""minhash bands: the near-duplicate index in the store instead of in memory

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BACKFILL_CHUNK = 2000


def upgrade() -> None:
    from lagebild.documents.dedup import band_keys

    op.create_table(
        "minhash_bands",
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "key", "document_id"),
    )
    op.create_index(op.f("ix_minhash_bands_document_id"), "minhash_bands", ["document_id"], unique=False)
    connection = op.get_bind()
    bands = sa.table(
        "minhash_bands",
        sa.column("band", sa.Integer),
        sa.column("key", sa.BigInteger),
        sa.column("document_id"),
    )
    rows = connection.execute(
        sa.text(
            "SELECT id, minhash FROM documents WHERE minhash IS NOT NULL "
            "AND (duplicate_kind IS NULL OR duplicate_kind <> 'exact')"
        )
    )
    while chunk := rows.fetchmany(BACKFILL_CHUNK):
        connection.execute(
            bands.insert(),
            [
                {"band": band, "key": key, "document_id": doc_id}
                for doc_id, signature in chunk
                for band, key in band_keys(bytes(signature))
            ],
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_minhash_bands_document_id"), table_name="minhash_bands")
    op.drop_table("minhash_bands")
